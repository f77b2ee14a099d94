// Compiles every .py file under the folders given to bytecode for the Lambda runtime's
// interpreter, CPython 3.12 here in WebAssembly. Lambda's file system is read-only: a
// bundle without bytecode compiles each module it imports again on every cold start.
// Prints one JSON line: the interpreter's cache tag, how many files, and any failures.
import { loadPyodide } from "pyodide";

const folders = process.argv.slice(2);
const pyodide = await loadPyodide();
const mounts = folders.map((folder, index) => {
  const mount = `/bundle${index}`;
  pyodide.FS.mkdirTree(mount);
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: folder }, mount);
  return mount;
});
pyodide.globals.set("mounts", pyodide.toPy(mounts));
pyodide.globals.set("folders", pyodide.toPy(folders));
const report = pyodide.runPython(`
import json, os, py_compile, sys

compiled, failures = 0, []
for mount, folder in zip(mounts, folders):
    for directory, subdirectories, names in os.walk(mount):
        subdirectories[:] = [name for name in subdirectories if name != "__pycache__"]
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            path = os.path.join(directory, name)
            try:
                # Unchecked hashes: zip files reset modification times, which would make
                # time-stamped bytecode look stale.
                py_compile.compile(path, doraise=True, invalidation_mode=
                                   py_compile.PycInvalidationMode.UNCHECKED_HASH)
                compiled += 1
            except py_compile.PyCompileError as error:
                failures.append(folder + path[len(mount):] + ": " + error.msg.strip())
json.dumps({"cache_tag": sys.implementation.cache_tag, "compiled": compiled,
            "failures": failures})
`);
console.log(report);

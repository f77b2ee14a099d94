"""Bytecode for the Lambda runtime's Python, made without that Python installed.

Lambda unpacks the bundle on a read-only file system, so a bundle without bytecode for the
runtime's exact Python version compiles every module it imports on every cold start
(measured in bench/README.md). The machine that deploys may run another Python
version; `infra/compile-bytecode/compile.mjs` runs CPython of the runtime's version in
WebAssembly (Pyodide, from the npm registry) to compile the bundle.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

COMPILER = Path(__file__).resolve().parent / "compile-bytecode"


class BytecodeError(Exception):
    """The bundle's bytecode could not be made for the runtime's Python."""


def cache_tag(python_version: str) -> str:
    """The file-name tag of CPython bytecode: "3.12" gives "cpython-312"."""
    major, minor = python_version.split(".")[:2]
    return f"cpython-{major}{minor}"


def _install_compiler() -> None:
    if (COMPILER / "node_modules" / "pyodide" / "package.json").exists():
        return
    if shutil.which("npm") is None:
        raise BytecodeError("npm is needed to compile the Lambda's bytecode "
                            "(Debian: apt-get install nodejs npm)")
    subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=COMPILER,
                   check=True)


def compile_bytecode(folders: Sequence[Path], python_version: str) -> int:
    """Compile every .py file under `folders` for `python_version`; how many files it did.

    Raises BytecodeError when the compiler is another Python version or a file fails.
    """
    if shutil.which("node") is None:
        raise BytecodeError("node is needed to compile the Lambda's bytecode "
                            "(Debian: apt-get install nodejs npm)")
    _install_compiler()
    result = subprocess.run(["node", str(COMPILER / "compile.mjs"),
                             *(str(folder.resolve()) for folder in folders)],
                            cwd=COMPILER, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BytecodeError(f"the bytecode compiler stopped:\n{result.stderr.strip()}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if report["cache_tag"] != cache_tag(python_version):
        raise BytecodeError(f"the compiler makes {report['cache_tag']} bytecode, the Lambda "
                            f"runs Python {python_version}: change pyodide's version in "
                            f"{COMPILER / 'package.json'}")
    if report["failures"]:
        raise BytecodeError("these files do not compile for Python "
                            f"{python_version}:\n" + "\n".join(report["failures"]))
    compiled: int = report["compiled"]
    return compiled

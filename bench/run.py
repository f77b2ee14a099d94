"""Benchmarks: site build at scale, page weight, Lambda cold start and warm time, local serve.

`make bench` (or `python -m bench.run`) prints Markdown tables and writes them to
`bench/results/latest.md`. Every figure comes from a run on this machine; nothing is assumed.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import html
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |",
             "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def timed(command: list[str], cwd: Path = REPO, env: dict[str, str] | None = None
          ) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (MB) of a command, via GNU time."""
    out = Path(tempfile.mktemp(suffix=".time"))
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", str(out), *command],
                            cwd=cwd, env=env or ENV, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{result.stdout}\n{result.stderr}")
    seconds, kilobytes = out.read_text().split()[-2:]
    out.unlink()
    return float(seconds), int(kilobytes) // 1024


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def ensure_hugo() -> str | None:
    if shutil.which("hugo"):
        return shutil.which("hugo")
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], check=False,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("hugo")


# -- the site --------------------------------------------------------------------------

def write_hugo_site(site: Path, page_shell: str, target: Path) -> None:
    """The same provider pages, as Markdown, in a Hugo site whose layout is our page shell.

    Each page's content is the body of the page we built, turned into Markdown (headings,
    lists, links, emphasis); the complaint form stays an HTML block, as a Hugo site would
    carry a form (Goldmark with raw HTML allowed). Markdown has no classes, so Hugo's pages
    come out somewhat smaller; the build table shows both page sizes.
    """
    from markdownify import markdownify

    from sitegen import shell

    layout = (page_shell.replace(shell.BODY_MARK, "{{ .Content }}")
              .replace(shell.TITLE_MARK, "{{ .Title }}")
              .replace(shell.DESCRIPTION_MARK, "{{ .Description }}")
              .replace(shell.SHELL_URL, 'aanbieders/{{ path.Base .RelPermalink }}/'))
    (target / "layouts" / "_default").mkdir(parents=True)
    (target / "layouts" / "_default" / "single.html").write_text(layout, encoding="utf-8")
    (target / "hugo.toml").write_text(
        'baseURL = "http://localhost:8000/"\nlanguageCode = "nl"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "home", "section", "404", '
        '"robotsTXT"]\n[markup.goldmark.renderer]\nunsafe = true\n', encoding="utf-8")
    content = target / "content" / "aanbieders"
    content.mkdir(parents=True)
    for page in (site / "aanbieders").glob("*/index.html"):
        built = page.read_text(encoding="utf-8")
        title = re.search(r"<h1[^>]*>(.*?)</h1>", built, re.S).group(1)  # type: ignore[union-attr]
        description = re.search(r'<meta name="description" content="([^"]*)"',
                                built).group(1)  # type: ignore[union-attr]
        start = built.index("</h1>", built.index('<article class="md-content__inner'))
        body = built[start + len("</h1>"):built.index("</article>", start)]
        text, form = body.split('<h2 id="klacht-indienen">', 1)
        # An HTML block in Markdown ends at a blank line: keep the form in one block.
        form = re.sub(r"\n\s*\n", "\n", '<h2 id="klacht-indienen">' + form).strip()
        front = json.dumps({"title": html.unescape(title.strip()),
                            "description": html.unescape(description)}, ensure_ascii=False)
        (content / f"{page.parent.name}.md").write_text(
            f"{front}\n\n{markdownify(text, heading_style='ATX')}\n\n{form}\n",
            encoding="utf-8")


JINJA_FLOOR = """
import sys
from pathlib import Path
from sitegen.loader import load_registry
from sitegen.pages import PageRenderer
from sitegen import shell
registry = load_registry(Path(sys.argv[1]))
page_shell = Path(sys.argv[2]).read_text(encoding="utf-8")
out = Path(sys.argv[3])
renderer = PageRenderer(registry)
shell.write_pages(out, page_shell, map(renderer.provider_page, registry.providers))
"""

ROUNDS = 3


def _timed_fresh(command: list[str], output: Path, cwd: Path = REPO) -> tuple[float, int]:
    """Time a build into an output folder that does not exist yet. Earlier outputs are
    removed and the disk is flushed first, so no run pays for another's writes."""
    shutil.rmtree(output, ignore_errors=True)
    os.sync()
    return timed(command, cwd=cwd)


def bench_build(sizes: list[int], work: Path) -> tuple[str, dict[int, Any]]:
    from sitegen.synthetic import write_synthetic_registry

    hugo = ensure_hugo()
    rows: list[list[Any]] = []
    facts: dict[int, Any] = {}
    for count in sizes:
        registry = write_synthetic_registry(REPO / "providers.yaml", count,
                                            work / f"providers-{count}.yaml")
        site, floor_out, hugo_out = (work / f"site-{count}", work / f"floor-{count}",
                                     work / f"hugo-out-{count}")
        build = [PYTHON, "-m", "sitegen.cli", "build", "--registry", str(registry),
                 "--site-dir", str(site)]
        timed(build)  # once to have pages for the shell and for Hugo's content
        shell_page = work / f"shell-{count}.html"
        shell_page.write_text(_shell_from(site, registry), encoding="utf-8")
        hugo_site = work / f"hugo-{count}"
        if hugo:
            write_hugo_site(site, shell_page.read_text(encoding="utf-8"), hugo_site)
        runs: dict[str, list[float]] = {"build": [], "floor": [], "hugo": []}
        memory = 0
        for _ in range(ROUNDS):  # interleaved, so a slow spell of the disk hits all three
            seconds, memory = _timed_fresh(build, site)
            runs["build"].append(seconds)
            runs["floor"].append(_timed_fresh(
                [PYTHON, "-c", JINJA_FLOOR, str(registry), str(shell_page), str(floor_out)],
                floor_out)[0])
            if hugo:
                runs["hugo"].append(_timed_fresh([hugo, "--quiet", "-d", str(hugo_out)],
                                                 hugo_out, cwd=hugo_site)[0])
        seconds = statistics.median(runs["build"])
        floor_s = statistics.median(runs["floor"])
        hugo_s: float | str = statistics.median(runs["hugo"]) if hugo else "n/a"
        ratio_hugo = f"{seconds / hugo_s:.2f}" if isinstance(hugo_s, float) else "n/a"
        hugo_kb = (f"{_mean_page_kb(hugo_out / 'aanbieders'):.1f}" if hugo else "n/a")
        rows.append([count, f"{seconds:.2f}", f"{seconds / count * 1000:.2f}", memory,
                     f"{size_mb(site):.0f}", f"{_mean_page_kb(site / 'aanbieders'):.1f}",
                     f"{floor_s:.2f}", f"{seconds / floor_s:.2f}",
                     hugo_s if isinstance(hugo_s, str) else f"{hugo_s:.2f}", hugo_kb,
                     ratio_hugo])
        facts[count] = {"build_s": seconds, "floor_s": floor_s, "hugo_s": hugo_s,
                        "site": site}
        for folder in (floor_out, hugo_out, hugo_site):
            shutil.rmtree(folder, ignore_errors=True)
    header = ["providers", "build s", "ms/page", "peak MB", "output MB", "page KB",
              "Jinja2 floor s", "build/floor", "Hugo s", "Hugo page KB", "build/Hugo"]
    return table(f"Site build (`klachtenportaal build`, MkDocs --strict, cold; median of "
                 f"{ROUNDS}, interleaved)", header, rows), facts


def _mean_page_kb(folder: Path) -> float:
    pages = list(folder.glob("*/index.html"))
    return sum(p.stat().st_size for p in pages) / len(pages) / 1024


def _shell_from(site: Path, registry: Path) -> str:
    """The page shell of a built site, recovered from its first provider's page."""
    from sitegen import shell
    from sitegen.loader import load_registry
    from sitegen.pages import PageRenderer

    loaded = load_registry(registry)
    page = PageRenderer(loaded).provider_page(loaded.providers[0])
    return shell.recover_shell((site / page.url / "index.html").read_text(encoding="utf-8"),
                               page)


def bench_registry(work: Path, count: int = 5000, rounds: int = 5) -> str:
    """Reading the registry: yaml-rs (the loader's parser) against PyYAML's C loader (which
    MkDocs brings; only this comparison uses it), the loader as a whole, and a reload after
    one provider's edit. Medians of interleaved rounds, in this process."""
    import yaml
    import yaml_rs

    from sitegen.loader import RegistryLoader
    from sitegen.synthetic import write_synthetic_registry

    text = write_synthetic_registry(REPO / "providers.yaml", count,
                                    work / f"registry-{count}.yaml").read_text(encoding="utf-8")
    edited = text.replace("nemen we je klacht serieus", "nemen wij je klacht serieus", 1)

    def reload() -> None:
        loader = RegistryLoader()
        loader.parse(text, "providers.yaml")
        start = time.perf_counter()
        loader.parse(edited, "providers.yaml")
        times["reload"].append(time.perf_counter() - start)

    def load() -> None:
        start = time.perf_counter()
        RegistryLoader().parse(text, "providers.yaml")
        times["load"].append(time.perf_counter() - start)

    def parse(name: str, parser: Callable[[], Any]) -> None:
        start = time.perf_counter()
        parser()
        times[name].append(time.perf_counter() - start)

    times: dict[str, list[float]] = {"yaml-rs": [], "PyYAML": [], "load": [], "reload": []}
    for _ in range(rounds):
        parse("yaml-rs", lambda: yaml_rs.loads(text, parse_datetime=False))
        parse("PyYAML", lambda: yaml.load(text, Loader=yaml.CSafeLoader))
        load()
        reload()
    rows = [[what, f"{statistics.median(times[name]):.3f}"] for name, what in [
        ("yaml-rs", "parse with yaml-rs (the loader's parser)"),
        ("PyYAML", "parse with PyYAML's C loader (CSafeLoader)"),
        ("load", "the loader: parse, validate, cross-check"),
        ("reload", "the loader again after one provider's edit (only that entry validated)"),
    ]]
    return table(f"Reading the registry ({count:,} providers, {len(text) / 1e6:.1f} MB; "
                 f"median of {rounds})", ["what", "seconds"], rows)


def bench_language_weight(work: Path) -> str:
    """One provider's page in Dutch and in English, from the real registry (the generated
    providers have Dutch pages only)."""
    site = work / "site-languages"
    timed([PYTHON, "-m", "sitegen.cli", "build", "--registry", str(REPO / "providers.yaml"),
           "--site-dir", str(site)])
    rows = []
    for language, folder in (("nl", site), ("en", site / "en")):
        page = folder / "aanbieders" / "dragon-coaching" / "index.html"
        rows.append([language, f"{page.stat().st_size / 1024:.1f}",
                     f"{len(gzip.compress(page.read_bytes())) / 1024:.1f}"])
    shutil.rmtree(site, ignore_errors=True)
    return table("Page weight by language (Dragon Coaching, the real registry)",
                 ["language", "provider page KB (HTML)", "gzip KB"], rows)


def bench_weight(facts: dict[int, Any]) -> str:
    rows = []
    for count in sorted(facts):
        site: Path = facts[count]["site"]
        page = next((site / "aanbieders").glob("*/index.html"))
        index = site / "aanbieders" / "index.html"
        search = site / "search" / "search_index.json"
        raw = index.stat().st_size + search.stat().st_size
        zipped = len(gzip.compress(index.read_bytes())) + len(gzip.compress(search.read_bytes()))
        rows.append([count, f"{page.stat().st_size / 1024:.1f}",
                     f"{raw / 1024:.0f}", f"{zipped / 1024:.0f}"])
    return table("Page weight", ["providers", "one provider page KB (HTML)",
                                 "search + filter payload KB (raw)",
                                 "search + filter payload KB (gzip)"], rows)


def bench_rebuild(work: Path) -> str:
    from sitegen.loader import load_registry
    from sitegen.synthetic import write_synthetic_registry

    registry = write_synthetic_registry(REPO / "providers.yaml", 5000, work / "rebuild.yaml")
    site = work / "rebuild-site"
    timed([PYTHON, "-m", "sitegen.cli", "build", "--registry", str(registry),
           "--site-dir", str(site)])
    edit = "nemen we je klacht serieus"
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace(edit, "nemen wij je klacht serieus", 1), encoding="utf-8")
    full, _ = timed([PYTHON, "-m", "sitegen.cli", "build", "--registry",
                     str(registry), "--site-dir", str(site)])
    # The served site: the devserver watches the registry and updates changed providers.
    port = 8800 + os.getpid() % 90
    provider = load_registry(registry).providers[1]
    slug, intro = provider.slug, provider.intro[0]
    log = (work / "rebuild-server.log").open("w")
    server = subprocess.Popen([PYTHON, "-m", "devserver", "--port", str(port), "--registry",
                               str(registry), "--site-dir", str(work / "served"), "--outbox",
                               str(work / "outbox")], cwd=REPO, env=ENV, stdout=log,
                              stderr=subprocess.STDOUT)
    timings = []
    try:
        url = f"http://127.0.0.1:{port}/aanbieders/{slug}/"
        _wait_for(url)
        time.sleep(3)  # the watcher loads the registry once before it watches
        for round_number in range(5):
            marker = f"Bij {provider.name} telt elke klacht ({round_number})."
            changed = registry.read_text(encoding="utf-8").replace(intro, marker, 1)
            intro = marker
            start = time.perf_counter()
            registry.write_text(changed, encoding="utf-8")
            while marker not in urllib.request.urlopen(url).read().decode():
                if time.perf_counter() - start > 30:
                    raise RuntimeError("the edit did not show")
                time.sleep(0.02)
            timings.append(time.perf_counter() - start)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return table("Rebuild after changing one provider (5,000 providers)",
                 ["how", "seconds"],
                 [["full rebuild (`make build`)", f"{full:.2f}"],
                  ["edit visible in the served site (`make serve`), median of 5",
                   f"{statistics.median(timings):.2f}"],
                  ["same, slowest of 5", f"{max(timings):.2f}"]])


# -- the Lambda ------------------------------------------------------------------------

LIBRARIES = "import aws_lambda_powertools.event_handler, boto3, pydantic"
# A cold start ends when the handler is ready; the interpreter's shutdown is no part of it
# (40 ms and more here, growing with what was loaded). So each process leaves right then.
_LEAVE = "\nimport os\nos._exit(0)"


def handler_code(handler: str) -> str:
    """Python that loads `module.function` as the Lambda runtime does and reads the settings."""
    module, function = handler.rsplit(".", 1)
    return (f"import importlib\nimportlib.import_module({module!r}).{function}\n"
            "from complaint_form.settings import get_settings\nget_settings()")

_OURS = ("complaint_form", "klachtenportaal")


def build_lambda_task(work: Path, template: dict[str, Any]) -> tuple[Path, Path, dict[str, str]]:
    """The Lambda's bundle as `infra.deploy` builds it, unpacked twice as Lambda would:
    as deployed (with bytecode) and without its bytecode; and the function's environment
    from the template.

    The libraries are installed for this machine (the real bundle holds arm64 wheels), with
    boto3, which the Lambda runtime provides.
    """
    import zipfile

    from infra.deploy import build_lambda_bundle, runtime_requirements
    from infra.template import function_globals

    def vendor_for_this_machine(target: Path) -> None:
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--no-compile",
                        "--target", str(target), *runtime_requirements(), "boto3"], check=True)

    archive, _ = build_lambda_bundle(REPO, work / "lambda-build", vendor=vendor_for_this_machine)
    compiled, bare = work / "task", work / "task-without-bytecode"
    for task in (compiled, bare):
        zipfile.ZipFile(archive).extractall(task)
    for cache in list(bare.rglob("__pycache__")):
        shutil.rmtree(cache)
    variables = function_globals(template)["Environment"]["Variables"]
    environment = {name: value for name, value in variables.items() if isinstance(value, str)}
    return compiled, bare, environment


def _lambda_env(task: Path, function_env: dict[str, str]) -> dict[str, str]:
    # Like Lambda: the bundle first on the path, a read-only file system (no bytecode
    # written), the function's variables; `python -S` leaves our virtualenv out.
    return {"PATH": os.environ["PATH"], "PYTHONPATH": str(task), "PYTHONDONTWRITEBYTECODE": "1",
            "AWS_DEFAULT_REGION": "eu-west-1", **function_env,
            "REGISTRY_PATH": str(task / "registry.json")}


def library_imports(task: Path, function_env: dict[str, str], handler: str) -> list[str]:
    """The import statements of libraries that our modules run at the handler's cold start.

    Read from the source of each of our modules the cold start loads: the module-level
    imports (not those for type checking only, nor those inside functions, which run later).
    """
    import ast

    code = (f"import json, sys\n{handler}\nprint(json.dumps([module.__file__ for name, module "
            f"in sys.modules.items() if name.startswith({_OURS!r})]))")
    loaded = json.loads(subprocess.run([PYTHON, "-S", "-c", code],
                                       env=_lambda_env(task, function_env), check=True,
                                       capture_output=True, text=True).stdout)

    def imports_in(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
        for node in body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                yield node
            elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
                yield from imports_in(node.body)
                yield from imports_in(node.orelse)
            elif isinstance(node, ast.Try):
                yield from imports_in(node.body)

    statements: list[str] = []
    for path in loaded:
        for node in imports_in(ast.parse(Path(path).read_text(encoding="utf-8")).body):
            module = node.names[0].name if isinstance(node, ast.Import) else node.module or ""
            ours = getattr(node, "level", 0) > 0 or module.startswith(_OURS)
            statement = ast.unparse(node)
            if not ours and module != "__future__" and statement not in statements:
                statements.append(statement)
    return statements


def bench_cold_start(work: Path, rounds: int = 31) -> str:
    from infra.template import load_template

    template = load_template()
    api_handler = template["Resources"]["ComplaintFunction"]["Properties"]["Handler"]
    handler = handler_code(api_handler)
    task, bare_task, function_env = build_lambda_task(work, template)
    same_libraries = "\n".join(library_imports(task, function_env, handler))
    paused = f"import gc\ngc.disable()\n{same_libraries}\ngc.freeze()\ngc.enable()"
    runs = {name: ([PYTHON, "-S", "-c", code + _LEAVE], folder) for name, code, folder in [
        ("libraries", LIBRARIES, task),
        ("same library imports", same_libraries, task),
        ("same library imports, paused", paused, task),
        ("handler", handler, task),
        ("app, collector on", handler_code("complaint_form.app.lambda_handler"), task),
        ("handler without bytecode", handler, bare_task),
    ]}
    # The figure for the three libraries (about 0.26 s) is a whole process's time.
    runs["libraries, whole process"] = ([PYTHON, "-S", "-c", LIBRARIES], task)
    times: dict[str, list[float]] = {name: [] for name in runs}
    # This machine's speed drifts by tens of percent within a minute. So the kinds run in
    # interleaved rounds, and each ratio is the median of the ratios within one round.
    for _ in range(rounds):
        for name, (command, folder) in runs.items():
            start = time.perf_counter()
            subprocess.run(command, env=_lambda_env(folder, function_env), check=True)
            times[name].append(time.perf_counter() - start)

    def ratio(name: str, baseline: str) -> str:
        ratios = [mine / theirs for mine, theirs in zip(times[name], times[baseline], strict=True)]
        return f"{statistics.median(ratios):.2f}"

    def row(name: str, text: str) -> list[str]:
        return [text, f"{statistics.median(times[name]):.3f}", ratio(name, "libraries"),
                ratio(name, "same library imports"), ratio(name, "same library imports, paused")]

    return table(f"Lambda cold start (fresh process on the Lambda bundle, {rounds} rounds, "
                 "medians; each process ends when its work is done)",
                 ["process", "seconds", "ratio to the three libraries",
                  "to the same library imports", "to those, collector paused"],
                 [row("libraries", "imports powertools' event handler, boto3, pydantic"),
                  row("libraries, whole process", "the same, with the interpreter's shutdown"),
                  row("same library imports", "runs the library imports the handler's "
                      "modules make, none of our code"),
                  row("same library imports, paused", "the same, with the garbage collector "
                      "paused and frozen as the handler does it"),
                  row("handler", f"loads the handler (`{api_handler}`) and reads the "
                      "settings"),
                  row("app, collector on", "the same, importing the app itself (the garbage "
                      "collector on throughout)"),
                  row("handler without bytecode", "the handler from a bundle without bytecode "
                      "(as deployed until 2026-11-23)")])


@contextmanager
def recorded_aws_calls() -> Iterator[list[tuple[Any, str, Any, float]]]:
    """Every botocore call made meanwhile: (client, operation, parameters, seconds)."""
    from botocore.client import BaseClient

    calls: list[tuple[Any, str, Any, float]] = []
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def recording_call(self: Any, operation: str, params: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(self, operation, params)
        finally:
            calls.append((self, operation, copy.deepcopy(params), time.perf_counter() - start))

    BaseClient._make_api_call = recording_call  # type: ignore[attr-defined]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[attr-defined]


def _replaced(value: Any, old: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _replaced(v, old) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, old) for v in value]
    if isinstance(value, str | bytes):
        for before, after in old.items():
            if isinstance(value, str):
                value = value.replace(before, after)
            else:
                value = value.replace(before.encode(), after.encode())
    return value


Replay = Callable[[int], float]


@contextmanager
def warm_lambda(requests: int = 500) -> Iterator[tuple[str, Replay]]:
    """Times the warm handler with moto in-process; yields the tables and a `replay(count)`
    that makes one submission's AWS calls `count` more times (submissions/s), against the
    same in-process moto, for as long as the context is open."""
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_DEFAULT_REGION": "eu-west-1", "POWERTOOLS_METRICS_DISABLED": "true",
                       "POWERTOOLS_LOG_LEVEL": "WARNING", "MIN_FILL_SECONDS": "0"})
    import moto

    with moto.mock_aws():
        from complaint_form.dependencies import get_dependencies
        from complaint_form.handler import lambda_handler

        from devserver.backend import LambdaContext, create_aws_resources
        from sitegen.loader import load_registry

        deps = get_dependencies()
        settings = deps.settings
        create_aws_resources(settings)
        deps.use_registry(load_registry(REPO / "providers.yaml"))
        body = json.loads((REPO / "tests" / "events" / "complaint.json").read_text())
        template = json.loads((REPO / "tests" / "events" / "http_api_v2.json").read_text())
        own, total, sample = [], [], []
        for number in range(requests + 20):
            submission_id = str(uuid.uuid4())
            # An address per submission: one address may send only a few a day.
            event = {**template, "body": json.dumps({**body, "submission_id": submission_id,
                                                     "email": f"klager{number}@example.nl"})}
            with recorded_aws_calls() as calls:
                start = time.perf_counter()
                response = lambda_handler(event, LambdaContext())
                elapsed = time.perf_counter() - start
            assert response["statusCode"] == 201, response
            if number >= 20:  # the first requests warm caches up
                total.append(elapsed)
                own.append(elapsed - sum(call[3] for call in calls))
                sample = calls
                keys = {json.loads(response["body"])["reference"]: "KPZ-{n:04d}-BNCH",
                        submission_id: "00000000-0000-4000-8000-{n:012d}"}
        replayed = 0

        def replay(count: int) -> float:
            nonlocal replayed
            rate = _replay_throughput(sample, keys, range(replayed, replayed + count))
            replayed += count
            return rate

        in_process = replay(requests)
        pct = statistics.quantiles(own, n=100)
        rows = [["handler without AWS calls", f"{statistics.median(own) * 1000:.2f}",
                 f"{pct[94] * 1000:.2f}"],
                ["handler with in-process moto", f"{statistics.median(total) * 1000:.2f}",
                 f"{statistics.quantiles(total, n=100)[94] * 1000:.2f}"]]
        text = table(f"Warm handler, {requests} submissions ({len(sample)} AWS calls each)",
                     ["what", "p50 ms", "p95 ms"], rows)
        text += "\n" + table(
            "The same AWS calls in-process against moto (one submission's calls replayed)",
            ["calls per submission", "ms per submission", "submissions/s"],
            [[len(sample), f"{1000 / in_process:.2f}", f"{in_process:.0f}"]])
        yield text, replay


def _replay_throughput(calls: list[tuple[Any, str, Any, float]], keys: dict[str, str],
                       numbers: range) -> float:
    """Replays one submission's AWS calls once per number, with fresh keys (`keys` maps
    each key of the recorded submission to a pattern with `{n}`); submissions per second."""
    idempotency_keys = {params["Item"]["id"]["S"] for _, operation, params, _ in calls
                        if operation == "PutItem" and "id" in params.get("Item", {})}
    # The address counter: each replay counts an address of its own, as each submission has.
    counter_keys = {params["Key"]["pk"]["S"] for _, operation, params, _ in calls
                    if operation == "UpdateItem"
                    and params["Key"].get("pk", {}).get("S", "").startswith("ADRES#")}
    start = time.perf_counter()
    for number in numbers:
        fresh = {key: pattern.format(n=number) for key, pattern in keys.items()}
        fresh |= {key: f"{key}-{number}" for key in idempotency_keys | counter_keys}
        for client, operation, params, _ in calls:
            client._make_api_call(operation, _replaced(params, fresh))
    return len(numbers) / (time.perf_counter() - start)


def _split_cores() -> tuple[set[int], set[int]] | None:
    """One core for the server (and the replays), the others for the load generator."""
    cores = sorted(os.sched_getaffinity(0))
    return ({cores[0]}, set(cores[1:])) if len(cores) > 1 else None


def _set_process_cores(pid: int, cores: set[int]) -> None:
    # Every thread of the process; the threads it starts later inherit from its main thread.
    for task in Path(f"/proc/{pid}/task").iterdir():
        with suppress(ProcessLookupError, FileNotFoundError):  # a thread that just ended
            os.sched_setaffinity(int(task.name), cores)


@contextmanager
def _dev_server(name: str, *options: str) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """`make serve` in a process of its own on a free port, with its own folder: the process,
    its address and the folder (its outbox is `outbox/`); stopped and removed afterwards."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    work = Path(tempfile.mkdtemp(prefix=f"kp-{name}-"))
    env = {**ENV, "MIN_FILL_SECONDS": "0", "POWERTOOLS_LOG_LEVEL": "WARNING"}
    log = (work / "server.log").open("w")
    server = subprocess.Popen([PYTHON, "-m", "devserver", "--port", str(port), "--no-watch",
                               "--outbox", str(work / "outbox"), "--site-dir",
                               str(work / "site"), *options], cwd=REPO, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/_dev/klachten/")
        yield server, base, work
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def bench_serve(submissions: int, clients: int, replay: Replay, rounds: int = 100) -> str:
    """The local server under load, in rounds; after each round the same AWS calls are
    replayed in-process (a quarter as many). Each round's share compares two rates taken
    within seconds of each other, since this machine's speed drifts by tens of percent.
    Rounds alternate: in one the server has a core of its own, and the replay runs on that
    core; in the next the scheduler puts everything anywhere."""
    split = _split_cores()
    every_core = os.sched_getaffinity(0)
    rates: dict[bool, list[tuple[int, float, float]]] = {True: [], False: []}
    replays = max(1, submissions // rounds // 4)
    # Every submission comes from this machine: the per-IP limit would stop the run.
    with _dev_server("serve", "--posts-per-ip", str(10**9)) as (server, base, work):
        body = json.loads((REPO / "tests" / "events" / "complaint.json").read_text())
        statuses: dict[int, int] = {}
        lock = threading.Lock()

        def client(remaining: Iterator[int]) -> None:
            for _ in iter(lambda: next(remaining, None), None):
                submission = str(uuid.uuid4())
                data = json.dumps({**body, "submission_id": submission,
                                   "email": f"klager.{submission[:8]}@example.nl"}).encode()
                request = urllib.request.Request(base + "/api/klachten", data=data, headers={
                    "Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(request, timeout=60) as answer:
                        status = answer.status
                except urllib.error.HTTPError as error:
                    status = error.code
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1

        for round_number in range(rounds):
            pinned = split is not None and round_number % 2 == 0
            server_cores, load_cores = split if pinned and split else (every_core, every_core)
            _set_process_cores(server.pid, server_cores)
            os.sched_setaffinity(0, load_cores)  # this thread, and the clients it starts
            batch = range(round_number * submissions // rounds,
                          (round_number + 1) * submissions // rounds)
            remaining = iter(batch)
            start = time.perf_counter()
            threads = [threading.Thread(target=client, args=(remaining,))
                       for _ in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - start
            os.sched_setaffinity(0, server_cores)
            rates[pinned].append((len(batch), seconds, replay(replays)))
        os.sched_setaffinity(0, every_core)
        with urllib.request.urlopen(base + "/_dev/klachten/") as answer:
            stored = len(json.loads(answer.read()))
        emails = len(list((work / "outbox").glob("*.eml")))
    accepted = statuses.get(201, 0)
    loss = table(f"Local serve: {submissions} submissions from {clients} concurrent clients",
                 ["answers", "stored", "e-mails in outbox", "lost"],
                 [[json.dumps(statuses), stored, emails, accepted - stored]])
    rows = []
    for pinned, label in [(True, "server on a core of its own, clients on the others; "
                                 "replays on the server's core"),
                          (False, "no cores assigned")]:
        if not rates[pinned]:
            continue
        counts, durations, replay_rates = zip(*rates[pinned], strict=True)
        shares = [n / s / r for n, s, r in rates[pinned]]
        # Every replay is the same size, so their overall rate is the harmonic mean.
        rows.append([label, len(shares), f"{sum(counts) / sum(durations):.0f}",
                     f"{statistics.harmonic_mean(replay_rates):.0f}",
                     f"{statistics.median(shares):.0%} ({min(shares):.0%}, {max(shares):.0%})"])
    return loss + "\n" + table(
        f"Local serve against the same AWS calls in-process: {rounds} rounds of "
        f"{submissions // rounds} submissions, {replays} in-process replays after each",
        ["cores", "rounds", "submissions/s", "in-process moto, submissions/s",
         "share of the in-process rate (median of the rounds'; lowest, highest)"], rows)


# How a complaints body's store looks after some years: most complaints closed, a few in
# each open status (per 50 complaints).
STORE_MIX = (["ontvangen"] + ["in_behandeling"] * 2 + ["bemiddeling", "voorgelegd_aan_commissie",
             "ingetrokken", "niet_ontvankelijk"] + ["afgehandeld"] * 43)


def bench_inbox(complaints: int = 10_000, requests: int = 200) -> str:
    """The behandelomgeving's inbox, first page, with `complaints` stored: the staff
    function in-process against moto, as `make serve` runs it (the token check aside). The
    page it opens with (ontvangen) in a store of STORE_MIX, the page of the status that holds
    most of them (afgehandeld), and the page of a store whose complaints all have one status."""
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_DEFAULT_REGION": "eu-west-1", "POWERTOOLS_METRICS_DISABLED": "true",
                       "POWERTOOLS_LOG_LEVEL": "WARNING"})
    rows = []
    for store, status in (("mixed", "ontvangen"), ("mixed", "afgehandeld"),
                          ("one status", "ontvangen")):
        times = _inbox_times(complaints, requests, mixed=store == "mixed", status=status)
        pct = statistics.quantiles(times, n=100)
        rows.append([store, status, f"{statistics.median(times) * 1000:.1f}",
                     f"{pct[94] * 1000:.1f}"])
    return table(f"Inbox, first page of 50, with {complaints:,} complaints stored "
                 f"({requests} requests each, staff function with in-process moto)",
                 ["store", "status shown", "p50 ms", "p95 ms"], rows)


def _inbox_times(complaints: int, requests: int, *, mixed: bool, status: str) -> list[float]:
    import moto

    with moto.mock_aws():
        from complaint_form.dependencies import get_dependencies
        from complaint_form.intake import new_complaint
        from complaint_form.models import ComplaintRequest
        from complaint_form.staff_app import lambda_handler

        from devserver.backend import LambdaContext, create_aws_resources
        from sitegen.loader import load_registry

        get_dependencies.cache_clear()
        deps = get_dependencies()
        create_aws_resources(deps.settings)
        registry = load_registry(REPO / "providers.yaml")
        deps.use_registry(registry)
        body = json.loads((REPO / "tests" / "events" / "complaint.json").read_text())
        request = ComplaintRequest.model_validate(body)
        provider = registry.provider(request.provider)
        assert provider is not None
        start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        for number in range(complaints):
            # Spread over the year, so the contact dates differ as they would.
            now = start + timedelta(hours=number % 8000)
            complaint = new_complaint(request, provider, registry,
                                      reference=f"KPZ-BNCH-{number:05d}", now=now,
                                      copy_link_days=7)
            if mixed:
                complaint = complaint.model_copy(
                    update={"status": STORE_MIX[number % len(STORE_MIX)]})
            deps.repository.add(complaint)
        template = json.loads((REPO / "tests" / "events" / "http_api_v2.json").read_text())
        path = "/api/staff/klachten"
        event = {**template, "rawPath": path, "body": "", "rawQueryString": f"status={status}",
                 "queryStringParameters": {"status": status},
                 "requestContext": {**template["requestContext"],
                                    "http": {**template["requestContext"]["http"],
                                             "method": "GET", "path": path},
                                    "authorizer": {"jwt": {"claims": {
                                        "sub": "sub-of-bench", "token_use": "id",
                                        "email": "bench@klachtenportaal.local",
                                        "cognito:groups": "[klachtenfunctionaris]"}}}}}
        times = []
        for number in range(requests + 10):
            started = time.perf_counter()
            response = lambda_handler(event, LambdaContext())
            elapsed = time.perf_counter() - started
            assert response["statusCode"] == 200, response
            assert len(json.loads(response["body"])["rows"]) == 50, response
            if number >= 10:
                times.append(elapsed)
        get_dependencies.cache_clear()
    return times


def bench_upload(rounds: int = 20) -> str:
    """An attachment of the largest size the form takes (10 MB), as the page's script sends
    it to `make serve`: the presigned POST asked for, then the file posted with it (the dev
    server's S3 stand-in: policy held, stored in moto, scanned); the time of both together,
    and of the check of the answers that name it (its first bytes and scan tag read)."""
    from urllib3 import encode_multipart_formdata

    from klachtenportaal.attachments import MAX_FILE_BYTES

    pdf = (REPO / "tests" / "fixtures" / "files" / "brief.pdf").read_bytes()
    content = pdf + b"%" * (MAX_FILE_BYTES - len(pdf))
    body = json.loads((REPO / "tests" / "events" / "complaint.json").read_text())

    def post(url: str, data: bytes, content_type: str) -> tuple[int, bytes]:
        request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type})
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()

    uploads, checks = [], []
    with _dev_server("upload") as (_, base, _):
        for number in range(rounds + 2):
            submission = str(uuid.uuid4())
            started = time.perf_counter()
            status, answer = post(base + "/api/klachten/bijlagen", json.dumps({
                "submission_id": submission, "name": "dossier.pdf",
                "content_type": "application/pdf", "size": len(content)}).encode(),
                "application/json")
            ticket = json.loads(answer)
            data, multipart = encode_multipart_formdata(
                [*ticket["fields"].items(), ("file", ("dossier.pdf", content))])
            uploaded, _ = post(ticket["url"], data, multipart)
            done = time.perf_counter()
            checked, _ = post(base + "/api/klachten/controleren", json.dumps({
                **body, "submission_id": submission,
                "attachments": [{"id": ticket["id"], "name": "dossier.pdf"}]}).encode(),
                "application/json")
            assert (status, uploaded, checked) == (201, 204, 200), (status, uploaded, checked)
            if number >= 2:  # the first warm the server up
                uploads.append(done - started)
                checks.append(time.perf_counter() - done)
    rows = []
    for what, times in (("presign + upload of 10 MB", uploads),
                        ("check of the answers naming it", checks)):
        pct = statistics.quantiles(times, n=20)
        rows.append([what, f"{statistics.median(times) * 1000:.0f}", f"{pct[18] * 1000:.0f}"])
    return table(f"Attachment of 10 MB through `make serve` ({rounds} rounds)",
                 ["step", "p50 ms", "p95 ms"], rows)


def _wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--sizes", default="100,1000,5000,10000")
    parser.add_argument("--only", default="build,rebuild,lambda,serve,inbox,upload")
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    work = Path(tempfile.mkdtemp(prefix="kp-bench-"))
    parts = [f"# Benchmark results\n\nMachine: {os.cpu_count()} cores, "
             f"{platform.python_implementation()} {platform.python_version()}, "
             f"{platform.machine()}; run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.\n"]
    try:
        if "build" in only:
            text, facts = bench_build([int(n) for n in args.sizes.split(",")], work)
            parts += [text, bench_weight(facts), bench_language_weight(work),
                      bench_registry(work)]
        if "rebuild" in only:
            parts.append(bench_rebuild(work))
        if "lambda" in only or "serve" in only:
            parts.append(bench_cold_start(work))
            with warm_lambda() as (text, replay):
                parts.append(text)
                if "serve" in only:
                    parts.append(bench_serve(args.submissions, args.clients, replay))
        if "inbox" in only:
            parts.append(bench_inbox())
        if "upload" in only:
            parts.append(bench_upload())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = "\n".join(parts)
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

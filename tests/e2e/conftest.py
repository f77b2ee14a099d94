from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass
class LocalProduct:
    url: str
    outbox: Path

    def emails(self) -> list[Path]:
        return sorted(self.outbox.glob("*.eml")) if self.outbox.exists() else []

    def references(self) -> list[str]:
        with urllib.request.urlopen(self.url + "_dev/klachten/") as answer:
            import json

            data: list[str] = json.loads(answer.read())
            return data

    def stored(self, reference: str) -> int:
        try:
            with urllib.request.urlopen(self.url + f"_dev/klachten/{reference}") as answer:
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return error.code


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def product(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalProduct]:
    """The README's `make serve`, as a subprocess on a free port, with its own outbox."""
    port = _free_port()
    work = tmp_path_factory.mktemp("serve")
    outbox = work / "outbox"
    env = {**os.environ, "PORT": str(port), "NO_MKDOCS_2_WARNING": "1",
           # Browsers fill the form faster than people; the spam timer is tested elsewhere.
           "MIN_FILL_SECONDS": "0"}
    for name in ("SITE_URL", "ALLOWED_ORIGIN", "TABLE_NAME"):
        env.pop(name, None)
    log = (work / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "devserver", "--port", str(port), "--outbox", str(outbox),
         "--site-dir", str(work / "site"), "--no-watch"],
        cwd=repo_root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}/"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(url + "_dev/klachten/", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise RuntimeError((work / "server.log").read_text()) from None
            time.sleep(0.3)
    yield LocalProduct(url=url, outbox=outbox)
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    assert shutil.which(CHROMIUM) or Path(CHROMIUM).exists(), \
        "Chromium is missing: `make test` installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

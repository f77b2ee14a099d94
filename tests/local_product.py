"""The README's `make serve` as a subprocess on a free port, for tests that need real HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class LocalProduct:
    url: str
    outbox: Path
    log: Path

    def emails(self) -> list[Path]:
        return sorted(self.outbox.glob("*.eml")) if self.outbox.exists() else []

    def references(self) -> list[str]:
        with urllib.request.urlopen(self.url + "_dev/klachten/") as answer:
            data: list[str] = json.loads(answer.read())
            return data

    def item(self, reference: str) -> dict[str, object]:
        """The stored complaint, as `/_dev/klachten/<kenmerk>` shows it."""
        with urllib.request.urlopen(self.url + f"_dev/klachten/{reference}") as answer:
            data: dict[str, object] = json.loads(answer.read())
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


@contextmanager
def running_product(repo_root: Path, work: Path) -> Iterator[LocalProduct]:
    port = _free_port()
    outbox = work / "outbox"
    env = {**os.environ, "PORT": str(port), "NO_MKDOCS_2_WARNING": "1",
           # Browsers and load tests fill the form faster than people; the spam timer has
           # its own tests.
           "MIN_FILL_SECONDS": "0"}
    for name in ("SITE_URL", "TABLE_NAME"):
        env.pop(name, None)
    log_path = work / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "devserver", "--port", str(port), "--outbox", str(outbox),
             "--site-dir", str(work / "site"), "--no-watch",
             # Browser and load tests post from one address far more than a person does; the
             # per-IP limit has its own test.
             "--posts-per-ip", "1000000",
             # Tests wait for the copy the retry sends, not for the minute of its schedule.
             "--retry-seconds", "0.5"],
            cwd=repo_root, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://localhost:{port}/"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "_dev/klachten/", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError(log_path.read_text()) from None
                time.sleep(0.3)
        try:
            yield LocalProduct(url=url, outbox=outbox, log=log_path)
        finally:
            process.terminate()
            process.wait(timeout=30)

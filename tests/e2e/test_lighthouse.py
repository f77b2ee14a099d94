"""Lighthouse's accessibility score on the complaint form (Dutch and English) and the status
page: 100.

Lighthouse runs from `.lighthouse/` (`make test` installs it with npm) in Debian's Chromium."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.backend import new_address
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_behandelomgeving import submit
from tests.e2e.test_status_page import status_links_to
from tests.local_product import LocalProduct

LIGHTHOUSE = Path(__file__).resolve().parents[2] / ".lighthouse/node_modules/.bin/lighthouse"


def accessibility(url: str, report: Path) -> tuple[float, list[str]]:
    """Lighthouse's accessibility score of the page at `url`, and the audits that failed."""
    assert LIGHTHOUSE.exists(), "Lighthouse is missing: `make test` installs it (npm)"
    subprocess.run(
        [str(LIGHTHOUSE), url, "--only-categories=accessibility", "--output=json",
         f"--output-path={report}", "--quiet",
         "--chrome-flags=" + " ".join(["--headless=new", *CHROMIUM_ARGS])],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True, timeout=120)
    result = json.loads(report.read_text())
    failed = [name for name, audit in result["audits"].items()
              if audit.get("score") not in (None, 1)]
    return float(result["categories"]["accessibility"]["score"]), failed


@pytest.mark.parametrize("page", ["form", "form-en", "status"])
def test_lighthouse_accessibility_is_100(product: LocalProduct, artifacts: Path,
                                         page: str) -> None:
    # GIVEN the provider page with the complaint form (in Dutch or English), or a
    # complaint's status page
    if page == "form":
        url = product.url + "aanbieders/dragon-coaching/"
    elif page == "form-en":
        url = product.url + "en/aanbieders/dragon-coaching/"
    else:
        address = new_address()
        submit(product, address)
        [url] = status_links_to(product, address, "Ontvangstbevestiging")
    # WHEN Lighthouse audits its accessibility
    score, failed = accessibility(url, artifacts / f"lighthouse-{page}.json")
    # THEN it scores 100
    assert (score, failed) == (1.0, [])

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_build(repo_root: Path, registry: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """The maintainer's build command, run for real (validate, MkDocs --strict, swap in)."""
    return subprocess.run(
        [sys.executable, "-m", "klachtenportaal.cli", "build", "--registry", str(registry),
         "--site-dir", str(site_dir), "--config-file", str(repo_root / "mkdocs.yml")],
        cwd=repo_root, capture_output=True, text=True, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


@pytest.fixture(scope="session")
def built_site(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("build") / "site"
    result = run_build(repo_root, repo_root / "providers.yaml", site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir

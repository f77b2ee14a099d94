from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from tests.backend import RECEIVED, create_aws_resources


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


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The backend's services against a fresh moto, with its clock at RECEIVED."""
    with mock_aws():
        from complaint_form.service import get_services

        services = get_services()
        settings = services.settings
        create_aws_resources(settings.sender_email, settings.table_name,
                             settings.idempotency_table_name)
        monkeypatch.setattr(services, "clock", lambda: RECEIVED)
        yield services


@pytest.fixture
def aws(services: Any) -> Any:
    """The settings of the backend under test (table names, sender)."""
    return services.settings

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from complaint_form.dependencies import Dependencies, get_dependencies
from complaint_form.settings import Settings
from moto import mock_aws

from klachtenportaal.registry import Registry
from tests.backend import RECEIVED, create_aws_resources


def run_build(repo_root: Path, registry: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """The maintainer's build command, run for real (validate, MkDocs --strict, swap in)."""
    return subprocess.run(
        [sys.executable, "-m", "sitegen.cli", "build", "--registry", str(registry),
         "--site-dir", str(site_dir), "--config-file", str(repo_root / "mkdocs.yml")],
        cwd=repo_root, capture_output=True, text=True, check=False,
    )


@pytest.fixture(scope="session")
def built_site(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("build") / "site"
    result = run_build(repo_root, repo_root / "providers.yaml", site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir


@pytest.fixture
def deps(registry: Registry, monkeypatch: pytest.MonkeyPatch) -> Iterator[Dependencies]:
    """The backend's dependencies against a fresh moto, with the committed registry and the
    clock at RECEIVED."""
    # boto3's default session is kept between tests: a client it makes reads its service's
    # model from disk only once.
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        deps = get_dependencies()
        settings = deps.settings
        create_aws_resources(settings)
        deps.use_registry(registry)
        monkeypatch.setattr(deps, "clock", lambda: RECEIVED)
        yield deps


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything the backend's logger writes, formatted as in production (JSON lines)."""
    from complaint_form.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logging.getLogger(logger.name).addHandler(handler)
    yield stream
    logging.getLogger(logger.name).removeHandler(handler)


@pytest.fixture
def aws(deps: Dependencies) -> Settings:
    """The settings of the backend under test (table names, sender)."""
    return deps.settings

from __future__ import annotations

from pathlib import Path

import pytest

from klachtenportaal.loader import load_registry
from klachtenportaal.registry import Registry

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(REPO_ROOT / "providers.yaml")

from __future__ import annotations

import os
from pathlib import Path

# Fake credentials and a fixed region before any AWS client or powertools logger is made.
# moto is imported first so that every boto3 client made afterwards can be served by its
# emulation.
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
    "POWERTOOLS_SERVICE_NAME": "complaint-form",
    "POWERTOOLS_METRICS_NAMESPACE": "Klachtenportaal",
})
os.environ.pop("AWS_PROFILE", None)

from collections.abc import Iterator

import moto  # noqa: F401
import pytest

from klachtenportaal.registry import Registry
from sitegen.loader import load_registry
from tests.local_product import LocalProduct, running_product

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(REPO_ROOT / "providers.yaml")


@pytest.fixture(scope="session")
def product(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalProduct]:
    """`make serve` on a free port: the site and the backend over real HTTP, moto behind it."""
    with running_product(repo_root, tmp_path_factory.mktemp("serve")) as running:
        yield running

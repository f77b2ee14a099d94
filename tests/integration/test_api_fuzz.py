"""Schema-driven fuzzing of the published OpenAPI document against the local server."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.local_product import LocalProduct

pytestmark = pytest.mark.build

SCHEMA = schemathesis.openapi.from_path(
    str(Path(__file__).resolve().parents[2] / "docs" / "api-docs" / "openapi.json"))


@SCHEMA.parametrize()
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_api_never_answers_with_a_server_error(case: schemathesis.Case,
                                               product: LocalProduct) -> None:
    response = case.call(base_url=product.url.rstrip("/"))
    assert response.status_code < 500, (case.as_curl_command(), response.text[:500])

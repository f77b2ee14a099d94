from __future__ import annotations

import json
from pathlib import Path


def test_openapi_document_is_published_and_current(repo_root: Path) -> None:
    # GIVEN the document published with the site WHEN compared with the code THEN equal
    from complaint_form.app import openapi_document

    committed = (repo_root / "docs" / "api-docs" / "openapi.json").read_text(encoding="utf-8")
    assert committed.strip() == openapi_document().strip(), "run `make openapi`"
    document = json.loads(committed)
    post = document["paths"]["/api/klachten"]["post"]
    assert set(post["responses"]) >= {"201", "400", "413", "415", "422", "503"}
    schema = document["components"]["schemas"]["ComplaintRequest"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["description"]["maxLength"] == 5000

"""The public function keeps within its role: it writes complaints and reads only their
outline, never what a person typed. moto does not evaluate IAM, so these tests hold every
call the function makes on the complaints table against the role's statements in the
template, as IAM would."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from complaint_form.dependencies import Dependencies
from complaint_form.dynamodb import StorageUnavailableError

from infra.template import load_template
from tests.backend import (
    complaint_body,
    copy_link_of,
    form_event,
    http_event,
    invoke,
    json_event,
    sent_emails,
    stored_items,
)


def _statements() -> list[dict[str, Any]]:
    function = load_template()["Resources"]["ComplaintFunction"]["Properties"]
    return [statement for policy in function["Policies"] for statement in policy["Statement"]
            if statement["Resource"] == {"Fn::GetAtt": ["ComplaintsTable", "Arn"]}]


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def _projected(params: dict[str, Any]) -> set[str] | None:
    """The attributes a read names, or None when it reads them all."""
    expression = params.get("ProjectionExpression")
    if expression is None:
        return None
    names = params.get("ExpressionAttributeNames", {})
    return {names.get(part, part) for part in re.split(r"\s*,\s*", expression.strip())}


def _allowed(operation: str, params: dict[str, Any], statement: dict[str, Any]) -> bool:
    if f"dynamodb:{operation}" not in _as_list(statement["Action"]):
        return False
    condition = statement.get("Condition", {})
    if_exists = condition.get("StringEqualsIfExists", {})
    if "dynamodb:ReturnValues" in if_exists and \
            params.get("ReturnValues", "NONE") not in _as_list(if_exists["dynamodb:ReturnValues"]):
        return False
    if "dynamodb:Select" in if_exists and _projected(params) is None:
        return False  # no projection: Select is ALL_ATTRIBUTES
    readable = condition.get("ForAllValues:StringEquals", {}).get("dynamodb:Attributes")
    return readable is None or (_projected(params) or set()) <= set(readable)


@pytest.fixture
def role_enforced(deps: Dependencies) -> Iterator[list[str]]:
    """Each call on the complaints table the role allows goes on and is listed; one it does
    not is refused as AWS refuses it (AccessDeniedException)."""
    statements = _statements()
    calls: list[str] = []

    def check(params: dict[str, Any], model: Any, **_: Any) -> None:
        if params.get("TableName") != deps.settings.table_name:
            return
        if not any(_allowed(model.name, params, statement) for statement in statements):
            raise ClientError({"Error": {"Code": "AccessDeniedException",
                                         "Message": f"not allowed: {model.name}"}}, model.name)
        calls.append(model.name)

    events = deps.repository.client.meta.events
    events.register("before-parameter-build.dynamodb", check, unique_id="public-role")
    yield calls
    events.unregister("before-parameter-build.dynamodb", unique_id="public-role")


def test_public_function_serves_the_whole_journey_within_its_role(
        deps: Dependencies, role_enforced: list[str]) -> None:
    # GIVEN the role enforced on every call
    # WHEN the answers of a complaint with a copy are checked, then posted; its
    # confirmation page, copy page and status page opened, the copy and the status link
    # asked for; and a complaint is posted without JavaScript
    checked = http_event(body=json.dumps(complaint_body(send_copy=True)))
    checked["rawPath"] = checked["requestContext"]["http"]["path"] = "/api/klachten/controleren"
    assert invoke(checked)["statusCode"] == 200
    posted = invoke(json_event(complaint_body(send_copy=True)))
    assert posted["statusCode"] == 201, posted["body"]
    [item] = stored_items(deps.settings.table_name)
    confirmation = json.loads(posted["body"])["confirmation_page"]
    link = copy_link_of(item)
    status = f"/api/klachten/{item['reference']}/status/{item['status_secret']}"
    asked = json.dumps({"reference": item["reference"], "email": "sanne@example.nl"})
    answers = [invoke(http_event("GET", confirmation, content_type=None)),
               invoke(http_event("GET", link, content_type=None)),
               invoke(http_event("POST", link,
                                 content_type="application/x-www-form-urlencoded")),
               invoke(http_event("GET", status, content_type=None)),
               invoke(http_event("POST", "/api/klachten/statuslink", body=asked))]
    form_post = invoke(form_event(complaint_body(submission_id=None, email="piet@example.nl")))
    # THEN each answer is the usual one, though every call kept within the role
    assert [answer["statusCode"] for answer in answers] == [200, 200, 303, 200, 200]
    assert "UpdateItem" in role_enforced
    assert form_post["statusCode"] == 303, form_post["body"]
    assert "GetItem" in role_enforced and "PutItem" in role_enforced
    # AND the copy, which quotes what was typed, waits for the retry
    [with_copy] = [item for item in stored_items(deps.settings.table_name) if item["copy_link"]]
    assert with_copy["emails"]["copy"]["status"] == "pending"
    assert with_copy["emails"]["status_link"]["status"] == "pending"
    assert len(sent_emails()) == 4


def test_public_function_resumes_a_half_stored_submission_within_its_role(
        deps: Dependencies, role_enforced: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_form.models import ComplaintRequest
    from complaint_form.service import submit_complaint

    # GIVEN an attempt that stored the complaint and died before its e-mails
    def die(*args: Any, **kwargs: Any) -> Any:
        raise TimeoutError("Lambda timed out")

    with monkeypatch.context() as dying:
        dying.setattr("complaint_form.service.send_emails", die)
        with pytest.raises(TimeoutError):
            submit_complaint(request=ComplaintRequest.model_validate(complaint_body()))
    # WHEN the client sends it again
    answer = invoke(json_event(complaint_body()))
    # THEN it gets the stored complaint's kenmerk, read within the role
    [item] = stored_items(deps.settings.table_name)
    assert answer["statusCode"] == 201 and item["reference"] in answer["body"]


def test_public_role_refuses_reading_what_was_typed(
        deps: Dependencies, role_enforced: list[str]) -> None:
    # GIVEN a stored complaint
    reference = json.loads(invoke(json_event(complaint_body()))["body"])["reference"]
    # WHEN the whole complaint is read with the public role
    # THEN it is refused (this guard can fail), while its outline can be read
    with pytest.raises(StorageUnavailableError, match="AccessDeniedException"):
        deps.repository.get(reference)
    outline = deps.repository.outline(reference)
    assert outline is not None and outline.reference == reference
    assert not hasattr(outline, "complainant") and not hasattr(outline, "complaint")

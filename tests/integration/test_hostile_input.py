"""A corpus of hostile input against the API.

Input that breaks a rule gets a specific 4xx and stores nothing. Free-text fields (what
happened, the outcome wanted) may hold any printable text, markup and SQL-looking text
included: that is stored as text, and must never run as code on a page or in an e-mail.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from complaint_form.settings import Settings
from markupsafe import escape

from tests.backend import (
    complaint_body,
    copy_link_of,
    http_event,
    invoke,
    json_event,
    sent_emails,
    stored_items,
)

SCRIPT = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'

# (case, body or raw request, expected status, field expected in the 422 errors)
CORPUS: list[tuple[str, Any, int, str | None]] = [
    ("body over the size limit", complaint_body(description="x" * 65_000), 413, None),
    ("invalid JSON", "{\"name\": ", 400, None),
    ("JSON that is not an object", "\"klacht\"", 400, None),
    ("deeply nested JSON", "{\"a\":" * 5000 + "1" + "}" * 5000, 400, None),
    ("a key given twice", json.dumps(complaint_body())[:-1] + ', "email": "x@example.org"}',
     400, None),
    ("NaN as a number",
     json.dumps(complaint_body(form_started_at=None))[:-1] + ', "form_started_at": NaN}',
     400, None),
    ("wrong type: number as name", complaint_body(name=12345), 422, "name"),
    ("wrong type: list as kind", complaint_body(kind=["klacht"]), 422, "kind"),
    ("wrong type: object as consent", complaint_body(consent={"ja": True}), 422, "consent"),
    ("control character in name", complaint_body(name="Sanne\x07"), 422, "name"),
    ("NUL in the description", complaint_body(description="a\x00b"), 422, "description"),
    ("right-to-left override in name", complaint_body(name="Sanne\u202eseirV"), 422, "name"),
    ("zero-width space in name", complaint_body(name="San\u200bne"), 422, "name"),
    ("line separator in name", complaint_body(name="Sanne\u2028de Vries"), 422, "name"),
    ("soft hyphen in relation", complaint_body(role="vertegenwoordiger", client_name="Tim",
                                               relation="va\u00adder"), 422, "relation"),
    ("emoji as provider", complaint_body(provider="🏥"), 422, "provider"),
    ("emoji as phone number", complaint_body(phone="📞"), 422, "phone"),
    ("10,000-character name", complaint_body(name="S" * 10_000), 422, "name"),
    ("HTML in name", complaint_body(name=SCRIPT), 422, "name"),
    ("HTML in relation", complaint_body(role="vertegenwoordiger", client_name="Tim",
                                        relation=SCRIPT), 422, "relation"),
    ("HTML in client name", complaint_body(role="vertegenwoordiger", relation="vader",
                                           client_name=SCRIPT), 422, "client_name"),
    ("HTML in e-mail address", complaint_body(email=f"{SCRIPT}@example.nl"), 422, "email"),
    ("HTML in phone", complaint_body(phone=SCRIPT), 422, "phone"),
    ("HTML in provider", complaint_body(provider=SCRIPT), 422, "provider"),
    ("HTML in regime", complaint_body(regeling=SCRIPT), 422, "regeling"),
    ("HTML in kind", complaint_body(kind=SCRIPT), 422, "kind"),
    ("HTML in role", complaint_body(role=SCRIPT), 422, "role"),
    ("HTML in date", complaint_body(occurred_on=SCRIPT), 422, "occurred_on"),
    ("HTML in contact preference", complaint_body(contact_preference=SCRIPT), 422,
     "contact_preference"),
    ("HTML in submission id", complaint_body(submission_id=SCRIPT), 422, "submission_id"),
    ("CRLF in name (header injection)", complaint_body(name="Sanne\r\nBcc: x@example.nl"),
     422, "name"),
    ("CRLF in e-mail address", complaint_body(email="sanne@example.nl\r\nBcc: x@example.nl"),
     422, "email"),
    ("letters SES cannot deliver to before the @", complaint_body(email="jän@example.nl"),
     422, "email"),
    ("SQL-looking provider", complaint_body(provider="x' OR '1'='1"), 422, "provider"),
    ("unknown field", complaint_body(is_admin=True), 422, "form"),
    ("start time too large for any number", complaint_body(form_started_at=10**400), 400, None),
    ("negative start time", complaint_body(form_started_at=-1), 400, None),
    ("start time as text", complaint_body(form_started_at="gisteren"), 400, None),
    ("start time as a boolean", complaint_body(form_started_at=True), 400, None),
    ("start time as a float", complaint_body(form_started_at=1.7e12), 400, None),
    ("start time at the epoch", complaint_body(form_started_at=0), 400, None),
    ("JSON without the start time the script always sends",
     complaint_body(form_started_at=None), 400, None),
    ("'yes' for a yes or no", complaint_body(discussed_with_provider="yes"), 422,
     "discussed_with_provider"),
    ("1 for a yes or no", complaint_body(wants_officer_support=1), 422, "wants_officer_support"),
    ("'on' as the copy box", complaint_body(send_copy="on"), 422, "send_copy"),
    ("1 as consent", complaint_body(consent=1), 422, "consent"),
    ("missing consent", complaint_body(consent=None), 422, "consent"),
    ("consent refused", complaint_body(consent=False), 422, "consent"),
    ("unknown provider", complaint_body(provider="bestaat-niet"), 422, "provider"),
    ("regime the provider does not have", complaint_body(regeling="jeugdwet"), 422,
     "regeling"),
]


@pytest.mark.parametrize(("case", "body", "status", "field"), CORPUS,
                         ids=[case for case, *_ in CORPUS])
def test_hostile_input_gets_a_specific_4xx_and_stores_nothing(
        aws: Settings, case: str, body: Any, status: int, field: str | None) -> None:
    event = http_event(body=body) if isinstance(body, str) else json_event(body)
    response = invoke(event)
    assert response["statusCode"] == status, response["body"][:300]
    answer = json.loads(response["body"])
    assert answer["message"]
    if field:
        assert field in answer["errors"], answer
    assert stored_items(aws.table_name) == []
    assert sent_emails() == []


@pytest.mark.parametrize("text", [
    SCRIPT,
    "Robert'); DROP TABLE klachten;--",
    "Het ging mis 😡 en niemand belde 📞",
    "Temperatuur < 38 en > 36",
])
def test_free_text_is_stored_as_text_and_escaped_everywhere(aws: Settings, text: str) -> None:
    from complaint_form.service import retry_pending_emails

    # GIVEN free text that looks like code WHEN sent, with a copy asked for
    response = invoke(json_event(complaint_body(description=text, desired_outcome=text,
                                                send_copy=True)))
    # THEN it is stored verbatim
    assert response["statusCode"] == 201
    [item] = stored_items(aws.table_name)
    assert item["complaint"]["description"] == text
    # AND in the copy's HTML, once the address is confirmed, it is text, never markup
    invoke(http_event("POST", copy_link_of(item), content_type="application/x-www-form-urlencoded"))
    retry_pending_emails()
    html = sent_emails()[2].html
    assert "<script" not in html and "<img" not in html
    assert html.count(str(escape(text))) == 2


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "GET"])
def test_only_documented_methods_are_accepted(aws: Settings, method: str) -> None:
    response = invoke(http_event(method, body=json.dumps(complaint_body())))
    assert 400 <= response["statusCode"] < 500
    assert stored_items(aws.table_name) == []


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml",
                                          "multipart/form-data; boundary=x", "text/html"])
def test_only_documented_content_types_are_accepted(aws: Settings, content_type: str) -> None:
    body = "--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nSanne\r\n--x--\r\n"
    response = invoke(http_event(body=body, content_type=content_type))
    assert response["statusCode"] == 415, response["body"][:300]
    assert stored_items(aws.table_name) == []


FORM = "application/x-www-form-urlencoded"
# (case, raw body, content type, expected status)
RAW: list[tuple[str, bytes, str, int]] = [
    ("form post over the size limit", b"name=" + b"x" * 1_000_000, FORM, 413),
    ("form post with more fields than the form has", b"&".join([b"a=1"] * 60), FORM, 400),
    ("form post with percent-encoded bytes that are not UTF-8", b"name=J%E9n", FORM, 400),
    ("JSON that is not UTF-8", json.dumps(complaint_body()).encode().replace(
        b"Sanne", b"Sann\xe9"), "application/json", 400),
    ("a media type that only starts like JSON", json.dumps(complaint_body()).encode(),
     "application/jsonx", 415),
    ("JSON in another charset", json.dumps(complaint_body()).encode(),
     "application/json; charset=latin-1", 415),
]


@pytest.mark.parametrize(("case", "body", "content_type", "status"), RAW,
                         ids=[case for case, *_ in RAW])
def test_hostile_request_bodies_are_refused_before_reading_fields(
        aws: Settings, case: str, body: bytes, content_type: str, status: int) -> None:
    # WHEN the body breaks the rules of the two media types the API takes
    response = invoke(http_event(body=body, content_type=content_type))
    # THEN it is refused for what it is, and nothing is stored
    assert response["statusCode"] == status, response["body"][:300]
    assert stored_items(aws.table_name) == []


def test_media_types_are_read_without_regard_to_case(aws: Settings) -> None:
    response = invoke(http_event(body=json.dumps(complaint_body()),
                                 content_type="Application/JSON; Charset=UTF-8"))
    assert response["statusCode"] == 201, response["body"][:300]


def test_hostile_input_does_not_name_an_unknown_field_back(aws: Settings) -> None:
    # GIVEN a field the form does not have, named with markup
    response = invoke(json_event(complaint_body(**{"<b>is_admin</b>": True})))
    # WHEN refused THEN the answer does not carry the name back
    assert response["statusCode"] == 422
    assert "is_admin" not in response["body"]

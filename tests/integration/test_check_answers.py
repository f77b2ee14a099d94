"""The answers' check before sending: every answer with its "Wijzigen", nothing stored."""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urlencode

from complaint_form.settings import Settings

from tests.backend import (
    complaint_body,
    form_event,
    http_event,
    invoke,
    json_event,
    sent_emails,
    stored_items,
)

CHECK = "/api/klachten/controleren"
CHANGE = "/api/klachten/wijzigen"
FORM = "application/x-www-form-urlencoded"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def at(path: str, event: dict[str, Any]) -> dict[str, Any]:
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    return event


def hidden_fields(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page)}


def test_check_answers_json_shows_every_answer_with_a_change_button_and_stores_nothing(
        aws: Settings) -> None:
    # GIVEN valid answers from the page's script, for someone complaining on another's behalf
    body = complaint_body(role="vertegenwoordiger", client_name="Tim de Vries",
                          relation="vader", send_copy=True, phone=None)
    # WHEN they are sent to be checked
    response = invoke(at(CHECK, json_event(body)))
    # THEN the answer is the part of the page that shows them, one row per question
    assert response["statusCode"] == 200, response["body"]
    part = json.loads(response["body"])["html"]
    for shown in ("Dragon Coaching", "Een klacht indienen", "Tim de Vries", "vader",
                  "Sanne de Vries", "sanne@example.nl", "Niet ingevuld",
                  "kwam drie keer niet opdagen", "maandag 2 november 2026", "Per e-mail",
                  "Klacht versturen"):
        assert shown in part, shown
    changes = re.findall(r'data-kp-change="(\w+)"', part)
    assert changes == ["kind", "role", "client_name", "relation", "name", "email", "phone",
                       "description", "occurred_on", "desired_outcome",
                       "discussed_with_provider", "wants_officer_support",
                       "contact_preference", "send_copy"]
    # AND nothing is stored, counted or sent
    assert stored_items(aws.table_name) == []
    assert sent_emails() == []


def test_check_answers_invalid_answers_get_the_same_messages_as_sending(aws: Settings) -> None:
    # GIVEN answers with a broken address and no name
    body = complaint_body(email="sanne@", name=None)
    # WHEN they are checked, and (for comparison) sent
    checked = invoke(at(CHECK, json_event(body)))
    sent = invoke(json_event(body))
    # THEN both answer 422 with the same Dutch message per field, and nothing is stored
    assert checked["statusCode"] == sent["statusCode"] == 422
    assert json.loads(checked["body"])["errors"] == json.loads(sent["body"])["errors"]
    assert set(json.loads(checked["body"])["errors"]) == {"email", "name"}
    assert stored_items(aws.table_name) == []
    # AND a rule across fields (a phone call asked for, no number) is checked as well
    call_me = invoke(at(CHECK, json_event(complaint_body(contact_preference="telefoon",
                                                         phone=None))))
    assert call_me["statusCode"] == 422
    assert set(json.loads(call_me["body"])["errors"]) == {"phone"}


def test_check_answers_form_post_page_carries_the_answers_to_one_complaint(
        aws: Settings) -> None:
    # GIVEN the form posted without script (no submission id, no start time)
    body = complaint_body(submission_id=None, form_started_at=None)
    # WHEN its answers are checked
    page = invoke(at(CHECK, form_event(body)))
    # THEN a page of its own shows them, with the send button's form holding every answer
    assert page["statusCode"] == 200, page["body"]
    assert page["headers"]["Content-Type"].startswith("text/html")
    assert "<h1" in page["body"] and "Controleer je antwoorden" in page["body"]
    fields = hidden_fields(page["body"])
    assert fields["name"] == "Sanne de Vries"
    assert fields["description"] == body["description"]
    assert re.fullmatch(r"[0-9a-f-]{36}", fields["submission_id"])
    assert stored_items(aws.table_name) == []
    # WHEN the send button is pressed, twice (a double click)
    first = invoke(http_event(body=urlencode(fields), content_type=FORM))
    second = invoke(http_event(body=urlencode(fields), content_type=FORM))
    # THEN one complaint is stored, and both go to its confirmation page
    assert first["statusCode"] == second["statusCode"] == 303, first["body"]
    assert first["headers"]["Location"] == second["headers"]["Location"]
    [item] = stored_items(aws.table_name)
    assert item["complainant"]["name"] == "Sanne de Vries"


def test_check_answers_change_shows_the_form_again_with_what_was_typed(aws: Settings) -> None:
    # GIVEN the hidden answers of the check page
    page = invoke(at(CHECK, form_event(complaint_body(submission_id=None))))
    fields = hidden_fields(page["body"])
    # WHEN "Wijzigen" posts them
    form = invoke(at(CHANGE, http_event(body=urlencode(fields), content_type=FORM)))
    # THEN the form comes back filled in, without errors, posting to the check again
    assert form["statusCode"] == 200, form["body"]
    assert 'value="Sanne de Vries"' in form["body"]
    assert 'id="discussed_with_provider-ja" value="ja" checked' in form["body"]
    assert f'action="{CHECK}"' in form["body"]
    assert "data-kp-error-summary hidden" in form["body"]
    assert "kp-field--error" not in form["body"]
    assert fields["submission_id"] not in form["body"], "changed answers get an id of their own"
    assert stored_items(aws.table_name) == []


def test_check_answers_change_needs_a_form_post_of_a_known_provider(aws: Settings) -> None:
    # GIVEN answers that are not what the check page posts
    # WHEN "Wijzigen" is posted as JSON, or names no provider we know
    as_json = invoke(at(CHANGE, json_event(complaint_body())))
    unknown = invoke(at(CHANGE, http_event(body=urlencode({"provider": "bestaat-niet"}),
                                           content_type=FORM)))
    # THEN neither shows a form
    assert as_json["statusCode"] == 415
    assert unknown["statusCode"] == 422
    assert "Zorgaanbieder niet gevonden" in unknown["body"]


def test_check_answers_markup_typed_into_the_form_stays_text(aws: Settings) -> None:
    # GIVEN a description holding markup
    typed = '"><script>alert(1)</script>'
    # WHEN it is checked, with and without script
    part = json.loads(invoke(at(CHECK, json_event(complaint_body(description=typed))))["body"])
    page = invoke(at(CHECK, form_event(complaint_body(submission_id=None, description=typed))))
    # THEN it is shown, and carried, escaped
    for answer in (part["html"], page["body"]):
        assert "<script>alert(1)" not in answer
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer
    assert hidden_fields(page["body"])["description"] == typed

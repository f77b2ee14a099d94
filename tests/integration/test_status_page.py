"""The complainant's status page: through the link sent to their address, logged as their
own access, showing staff's status changes; the link asked for again."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import boto3
import pytest
from complaint_form.dependencies import Dependencies
from complaint_form.service import retry_pending_emails

from tests.backend import (
    RECEIVED,
    complaint_body,
    form_event,
    http_event,
    invoke,
    invoke_staff,
    json_event,
    sent_emails,
    staff_event,
    stored_item,
    stored_items,
)

STATUS_LINK = "/api/klachten/statuslink"
SAME_ANSWER = "Als het kenmerk en het e-mailadres bij elkaar horen"


def submit(deps: Dependencies, **changes: Any) -> dict[str, Any]:
    """A stored complaint (as an item) whose ontvangstbevestiging was sent."""
    answer = invoke(json_event(complaint_body(**changes)))
    reference = json.loads(answer["body"])["reference"]
    return stored_item(deps.settings.table_name, reference)


def status_path(item: dict[str, Any]) -> str:
    return f"/api/klachten/{item['reference']}/status/{item['status_secret']}"


def open_page(path: str) -> dict[str, Any]:
    return invoke(http_event("GET", path, content_type=None,
                             headers={"cloudfront-viewer-address": "198.51.100.4:4431"}))


def act(reference: str, version: int, **body: Any) -> None:
    answer = invoke_staff(staff_event(f"/api/staff/klachten/{reference}/acties",
                                      body={"version": version, **body}))
    assert answer["statusCode"] == 200, answer["body"]


def access_log(deps: Dependencies) -> list[dict[str, str]]:
    items = boto3.client("dynamodb", region_name="eu-west-1").scan(
        TableName=deps.settings.access_log_table_name)["Items"]
    return [{name: value["S"] for name, value in item.items()} for item in items]


def test_status_page_link_in_the_confirmation_opens_the_status_and_is_logged(
        deps: Dependencies) -> None:
    # GIVEN a stored complaint and its ontvangstbevestiging
    item = submit(deps)
    confirmation = sent_emails()[0]
    [link] = set(re.findall(r"http[^\s\"<]+/status/[^\s\"<]+", confirmation.html))
    assert link.endswith(status_path(item))
    # WHEN the complainant opens the link
    page = open_page(status_path(item))
    # THEN they see where it stands, its deadlines and the next step, and nothing typed
    assert page["statusCode"] == 200, page["body"]
    body = page["body"]
    for shown in (item["reference"], "Dragon Coaching", "We hebben je klacht ontvangen",
                  "maandag 30 november 2026", "maandag 4 januari 2027",
                  "Wat is de volgende stap?"):
        assert shown in body, shown
    for typed in ("Sanne", "sanne@example.nl", "niet opdagen"):
        assert typed not in body, typed
    # AND the look is in the access log as the complainant's own, with where from
    [entry] = [e for e in access_log(deps) if e["event"] == "status_view"]
    assert (entry["reference"], entry["role"], entry["user_id"], entry["source_ip"]) == (
        item["reference"], "klager", "klager", "198.51.100.4")


def test_status_page_needs_its_secret(deps: Dependencies) -> None:
    # GIVEN a stored complaint
    item = submit(deps)
    # WHEN the kenmerk is tried with another secret, or with the confirmation page's
    for secret in ("raden", item["page_secret"]):
        page = open_page(f"/api/klachten/{item['reference']}/status/{secret}")
        # THEN there is no page, and nothing is logged as a look
        assert page["statusCode"] == 404
    assert [e for e in access_log(deps) if e["event"] == "status_view"] == []


def test_status_page_shows_staff_changes_until_30_days_after_closing(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a complaint staff took on, had contact about, then closed on 1 December 2026
    item = submit(deps)
    reference = item["reference"]
    act(reference, 1, action="contact_made")
    act(reference, 2, action="status", status="in_behandeling")
    # WHEN the complainant looks while it is worked on
    page = open_page(status_path(item))["body"]
    # THEN they see that, and the contact made
    assert "Een klachtenfunctionaris van Klachtenportaal Zorg werkt aan je klacht" in page
    assert "We hadden contact met je op maandag 23 november 2026" in page
    closed_at = RECEIVED + timedelta(days=8)
    monkeypatch.setattr(deps, "clock", lambda: closed_at)
    act(reference, 3, action="status", status="afgehandeld")
    # AND once it is closed, when, and until when the page works
    page = open_page(status_path(item))["body"]
    assert "Je klacht is afgehandeld op dinsdag 1 december 2026" in page
    assert "Deze pagina werkt tot en met donderdag 31 december 2026" in page
    # WHEN they look on the last day, and on the day after
    monkeypatch.setattr(deps, "clock", lambda: closed_at + timedelta(days=30))
    last_day = open_page(status_path(item))
    monkeypatch.setattr(deps, "clock", lambda: closed_at + timedelta(days=31))
    after = open_page(status_path(item))
    # THEN the page works on the last day, and is gone after it
    assert last_day["statusCode"] == 200
    assert after["statusCode"] == 410
    assert "Deze link werkt niet meer" in after["body"]


def test_status_link_asked_again_goes_to_the_stored_address_only(deps: Dependencies) -> None:
    # GIVEN a complaint whose ontvangstbevestiging went out
    item = submit(deps)
    before = len(sent_emails())
    # WHEN the link is asked for with the kenmerk (as typed: lower case, spaces) and another
    # address, with an unknown kenmerk, and with the right address
    answers = [invoke(json_event_to(STATUS_LINK, {"reference": f" {ref} ", "email": email}))
               for ref, email in ((item["reference"].lower(), "iemand@example.nl"),
                                  ("KPZ-2222-2222", "sanne@example.nl"),
                                  (item["reference"], "Sanne@Example.nl"))]
    # THEN every answer is the same
    assert {answer["statusCode"] for answer in answers} == {200}
    assert len({answer["body"] for answer in answers}) == 1
    assert SAME_ANSWER in json.loads(answers[0]["body"])["message"]
    # AND only the right address has the link sent, by the retry, to the stored address
    assert len(sent_emails()) == before
    assert retry_pending_emails() == 1
    link_email = sent_emails()[-1]
    assert link_email.to == ["sanne@example.nl"]
    assert status_path(item) in link_email.html
    # AND asking again at once sends nothing more
    invoke(json_event_to(STATUS_LINK, {"reference": item["reference"],
                                       "email": "sanne@example.nl"}))
    assert retry_pending_emails() == 0


def test_status_link_form_post_answers_with_a_page_and_its_errors(deps: Dependencies) -> None:
    # GIVEN the site's form, without script
    # WHEN it is posted without a kenmerk
    event = form_event({"reference": "", "email": "sanne@example.nl"})
    wrong = invoke(at(STATUS_LINK, event))
    # THEN the form comes back with a Dutch message, and what was typed
    assert wrong["statusCode"] == 422
    assert "Vul het kenmerk in" in wrong["body"]
    assert 'value="sanne@example.nl"' in wrong["body"]
    # WHEN it is posted filled in
    right = invoke(at(STATUS_LINK, form_event({"reference": "KPZ-2222-2222",
                                               "email": "sanne@example.nl"})))
    # THEN a page says what happens next
    assert right["statusCode"] == 200
    assert SAME_ANSWER in right["body"]


def at(path: str, event: dict[str, Any]) -> dict[str, Any]:
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    return event


def json_event_to(path: str, body: dict[str, Any]) -> dict[str, Any]:
    return at(path, json_event(body))


def test_status_link_asked_while_the_retry_runs_stays_in_the_retry_index(
        deps: Dependencies) -> None:
    # GIVEN a complaint whose e-mails all went out, as the retry saw it a moment ago
    item = submit(deps)
    # WHEN the link is asked for, and then the retry, done with what it saw, takes the
    # complaint out of its index
    invoke(json_event_to(STATUS_LINK, {"reference": item["reference"],
                                       "email": "sanne@example.nl"}))
    deps.repository.leave_retry_index(item["reference"])
    # THEN the complaint stays in the index, and the next run sends the link
    [stored] = stored_items(deps.settings.table_name)
    assert "email_pending" in stored
    assert retry_pending_emails() == 1


@pytest.mark.parametrize(("steps", "shown", "not_shown"), [
    # withdrawn before any contact: no contact deadline, no judgement deadline
    ([{"action": "status", "status": "ingetrokken"}],
     ["Je klacht is ingetrokken op maandag 23 november 2026"],
     ["nemen we contact met je op", "een onderbouwd oordeel"]),
    # before the Wkkgz's geschilleninstantie: named as the registry names it
    ([{"action": "status", "status": "in_behandeling"},
      {"action": "status", "status": "voorgelegd_aan_commissie"}],
     ["ligt nu bij Geschillencommissie KPZ", "Wacht op bericht van Geschillencommissie KPZ"],
     ["commissie van je klachtenregeling"]),
    # the judgement given: its date, no longer a deadline
    ([{"action": "judgement", "given_on": "2026-11-23"}],
     ["Dragon Coaching gaf een oordeel op maandag 23 november 2026"],
     ["geeft uiterlijk"]),
])
def test_status_page_says_only_what_holds_for_the_complaint(
        deps: Dependencies, steps: list[dict[str, Any]], shown: list[str],
        not_shown: list[str]) -> None:
    # GIVEN a Wkkgz complaint staff took these steps with
    item = submit(deps)
    for version, step in enumerate(steps, start=1):
        act(item["reference"], version, **step)
    # WHEN the complainant opens the page
    page = open_page(status_path(item))["body"]
    # THEN it says what holds, and nothing that no longer does
    for text in shown:
        assert text in page, text
    for text in not_shown:
        assert text not in page, text


def test_status_link_follows_a_corrected_address(deps: Dependencies) -> None:
    # GIVEN a complaint whose address a beheerder corrected
    item = submit(deps)
    answer = invoke_staff(staff_event(f"/api/staff/klachten/{item['reference']}/verbetering",
                                      groups="[beheerder]",
                                      body={"version": 1, "email": "sanne.nieuw@example.nl"}))
    assert answer["statusCode"] == 200, answer["body"]
    # WHEN the link is asked for with the old address, then the new one
    for address in ("sanne@example.nl", "sanne.nieuw@example.nl"):
        invoke(json_event_to(STATUS_LINK, {"reference": item["reference"], "email": address}))
    # THEN it goes to the new address only
    assert retry_pending_emails() == 1
    assert sent_emails()[-1].to == ["sanne.nieuw@example.nl"]


def test_status_link_can_be_asked_again_after_ten_minutes_but_not_once_the_page_closed(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a complaint whose link was asked for and sent
    item = submit(deps)
    asked = {"reference": item["reference"], "email": "sanne@example.nl"}
    invoke(json_event_to(STATUS_LINK, asked))
    assert retry_pending_emails() == 1
    # WHEN asked again ten minutes later THEN it goes out again
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(minutes=11))
    invoke(json_event_to(STATUS_LINK, asked))
    assert retry_pending_emails() == 1
    # WHEN the complaint was closed, and asked again more than 30 days later
    act(item["reference"], 1, action="status", status="ingetrokken")
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(days=32))
    answer = invoke(json_event_to(STATUS_LINK, asked))
    # THEN the answer is the same, and nothing is sent: the link would not work
    assert SAME_ANSWER in json.loads(answer["body"])["message"]
    assert retry_pending_emails() == 0


def test_status_page_says_a_deadline_passed_without_contact_or_judgement(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a complaint nobody took up, looked at 60 days after it came in
    item = submit(deps)
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(days=60))
    # WHEN the complainant opens the page
    page = open_page(status_path(item))["body"]
    # THEN it does not promise contact or a judgement by days already past
    assert "Uiterlijk maandag 30 november 2026 nemen we contact met je op" not in page
    assert "We hadden uiterlijk maandag 30 november 2026 contact met je moeten opnemen" in page
    assert "geeft uiterlijk" not in page
    assert "moest uiterlijk maandag 4 januari 2027 een onderbouwd oordeel" in page

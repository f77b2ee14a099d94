"""The backend in English: a form on an English page gets its answers, pages and the
complainant's e-mails in English; the complaints body's own e-mails stay Dutch."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

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
from tests.languages import dutch_words_in


def english(**changes: Any) -> dict[str, Any]:
    """A complaint from the form of an English page, typed in English."""
    return complaint_body(**{"language": "en", "description": "My coach did not turn up.",
                             "desired_outcome": "Keep appointments.", **changes})


def test_english_complaint_gets_an_english_receipt_and_ontvangstbevestiging(
        deps: Dependencies) -> None:
    # GIVEN the form of an English provider page WHEN it is sent
    response = invoke(json_event(english()))
    # THEN the receipt is English: its message and the part the page's script shows
    assert response["statusCode"] == 201, response["body"]
    receipt = json.loads(response["body"])
    assert receipt["message"] == f"Your complaint has been received. Your reference is " \
        f"{receipt['reference']}."
    assert "Monday 30 November 2026" in receipt["html"]
    assert dutch_words_in(receipt["html"]) == []
    # AND the complaint keeps its language
    assert stored_item(deps.settings.table_name, receipt["reference"])["language"] == "en"
    # AND the ontvangstbevestiging is English; the complaints body is told in Dutch
    confirmation, notification = sent_emails()
    assert confirmation.subject.startswith("Confirmation of receipt")
    for expected in (receipt["reference"], "Dragon Coaching", "Monday 23 November 2026",
                     "Monday 30 November 2026", "0228 322 205"):
        assert expected in confirmation.html, expected
    assert '<html lang="en">' in confirmation.html
    assert dutch_words_in(confirmation.html) == []
    assert dutch_words_in(notification.html) != [], "the complaints body reads Dutch"


def test_english_form_gets_english_messages_for_its_mistakes(deps: Dependencies) -> None:
    # GIVEN an English form with a wrong address and no consent
    # WHEN sent by the page's script, and as a form without script
    scripted = invoke(json_event(english(email="fout", consent=False)))
    posted = invoke(form_event(english(submission_id=None, email="fout", consent=False)))
    # THEN the messages are English, and the form comes back in English
    assert scripted["statusCode"] == posted["statusCode"] == 422
    errors = json.loads(scripted["body"])["errors"]
    assert errors["email"] == "Fill in a valid email address, such as name@example.nl."
    assert dutch_words_in(" ".join(errors.values())) == []
    assert '<html lang="en">' in posted["body"]
    assert 'name="language" value="en"' in posted["body"]
    assert dutch_words_in(posted["body"]) == []
    assert stored_items(deps.settings.table_name) == []


def test_english_form_post_confirmation_and_status_pages_are_english(
        deps: Dependencies) -> None:
    # GIVEN an English complaint sent without script
    response = invoke(form_event(english(submission_id=None)))
    assert response["statusCode"] == 303, response["body"]
    [item] = stored_items(deps.settings.table_name)
    # WHEN its confirmation page and its status page are opened
    confirmation = invoke(http_event("GET", response["headers"]["Location"],
                                     content_type=None))
    status = invoke(http_event(
        "GET", f"/api/klachten/{item['reference']}/status/{item['status_secret']}",
        content_type=None))
    # THEN both are English and lead back to the English provider page
    for page in (confirmation, status):
        assert page["statusCode"] == 200
        assert '<html lang="en">' in page["body"]
        assert dutch_words_in(page["body"]) == []
    assert "/en/aanbieders/dragon-coaching/" in confirmation["body"]


def test_english_request_for_the_status_link_is_answered_and_sent_in_english(
        deps: Dependencies) -> None:
    # GIVEN an English complaint WHEN its status link is asked for again
    reference = json.loads(invoke(json_event(english()))["body"])["reference"]
    answer = invoke(http_event(path="/api/klachten/statuslink", body=json.dumps(
        {"reference": reference, "email": "sanne@example.nl", "language": "en"})))
    # THEN the answer and the e-mail with the link are English
    assert answer["statusCode"] == 200
    assert dutch_words_in(json.loads(answer["body"])["message"]) == []
    assert retry_pending_emails() == 1
    link_email = sent_emails()[-1]
    assert link_email.subject.startswith("The link to your complaint")
    assert dutch_words_in(link_email.html) == []


def test_english_form_for_a_provider_without_english_page_links_to_its_dutch_page(
        deps: Dependencies) -> None:
    # GIVEN a provider with a Dutch page only, and a form sent in English (its language
    # field set by hand: its pages have none in English)
    response = invoke(form_event(english(submission_id=None, provider="burgercoaching")))
    # WHEN the confirmation page is opened THEN it is English and links to the Dutch page
    page = invoke(http_event("GET", response["headers"]["Location"], content_type=None))
    assert '<html lang="en">' in page["body"]
    assert "/aanbieders/burgercoaching/" in page["body"]
    assert "/en/aanbieders/burgercoaching/" not in page["body"]


def test_page_without_a_form_answers_in_the_browsers_language(deps: Dependencies) -> None:
    # GIVEN no form to say the language WHEN browsers asking for English, for Dutch, for
    # Dutch while refusing English (q=0), and for English most (by weight, listed last) open
    # an address that does not exist
    asked = [invoke(http_event("GET", "/api/klachten/KPZ-2222-2222/status/nope",
                               content_type=None, headers={"accept-language": language}))
             for language in ("en-GB,en;q=0.9,nl;q=0.8", "nl-NL,nl;q=0.9", "en;q=0, nl",
                              "nl;q=0.1, en;q=0.9")]
    # THEN each gets the page in its language
    assert [page["statusCode"] for page in asked] == [404, 404, 404, 404]
    assert "<h1>Not found</h1>" in asked[0]["body"]
    assert "<h1>Niet gevonden</h1>" in asked[1]["body"]
    assert "<h1>Niet gevonden</h1>" in asked[2]["body"]
    assert "<h1>Not found</h1>" in asked[3]["body"]


def test_english_upload_is_refused_in_english(deps: Dependencies) -> None:
    # GIVEN an English form's script asking to upload a kind the form does not take, from a
    # browser set to Dutch
    answer = invoke(http_event(body=json.dumps({
        "submission_id": str(uuid.uuid4()), "name": "programma.exe",
        "content_type": "application/x-msdownload", "size": 1000, "language": "en"}),
        path="/api/klachten/bijlagen", headers={"accept-language": "nl-NL"}))
    # THEN the refusal is English, naming the file
    assert answer["statusCode"] == 422
    message = json.loads(answer["body"])["errors"]["attachments"]
    assert "programma.exe" in message and dutch_words_in(message) == []


def test_closed_status_page_of_an_english_complaint_says_so_in_english(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN an English complaint, closed more than 30 days ago
    reference = json.loads(invoke(json_event(english()))["body"])["reference"]
    item = stored_item(deps.settings.table_name, reference)
    closed = invoke_staff(staff_event(f"/api/staff/klachten/{reference}/acties",
                                      body={"version": 1, "action": "status",
                                            "status": "ingetrokken"}))
    assert closed["statusCode"] == 200, closed["body"]
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(days=40))
    # WHEN its link is opened in a browser set to Dutch
    gone = invoke(http_event(
        "GET", f"/api/klachten/{reference}/status/{item['status_secret']}",
        content_type=None, headers={"accept-language": "nl-NL,nl;q=0.9"}))
    # THEN the answer is English: the complaint's language, not the browser's
    assert gone["statusCode"] == 410
    assert '<html lang="en">' in gone["body"] and dutch_words_in(gone["body"]) == []

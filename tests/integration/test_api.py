from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from complaint_form.dependencies import Dependencies
from complaint_form.emails import EmailRenderer
from complaint_form.models import StoredComplaint
from complaint_form.settings import Settings

from devserver.backend import OutboxMailer
from tests.backend import (
    RECEIVED,
    LambdaContext,
    complaint_body,
    copy_link_of,
    form_event,
    http_event,
    invoke,
    json_event,
    new_address,
    sent_emails,
    stored_items,
)

FORM = "application/x-www-form-urlencoded"


def body_of(response: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(response["body"])
    return data


def test_post_complaint_stores_it_with_deadlines_and_sends_both_emails(aws: Settings) -> None:
    # GIVEN a valid complaint about a Wkkgz provider, received on Monday 23 November 2026
    # WHEN it is posted as JSON
    response = invoke(json_event(complaint_body()))
    # THEN the client gets the reference and the computed dates
    assert response["statusCode"] == 201, response["body"]
    receipt = body_of(response)
    reference = receipt["reference"]
    assert receipt["contact_by"] == "2026-11-30"
    assert receipt["judgement_by"] == "2027-01-04"
    assert receipt["confirmation_email"] == "sent"
    # AND it is stored with its deadlines and a snapshot of the registry entry
    [item] = stored_items(aws.table_name)
    assert item["reference"] == reference
    assert item["deadlines"] == {"contact_by": "2026-11-30", "judgement_by": "2027-01-04",
                                 "judgement_extended_by": "2027-02-01"}
    assert item["provider"]["name"] == "Dragon Coaching"
    assert item["regeling"]["terms"]["judgement_weeks"] == 6
    assert item["gsi1pk"] == "AANBIEDER#dragon-coaching"
    assert item["gsi2pk"] == "STATUS#ontvangen"
    assert "email_pending" not in item
    assert "retention_ends" not in item, "an open complaint is kept while open"
    # AND both e-mails went out, with their SES message ids recorded as proof
    confirmation, notification = sent_emails()
    assert [item["emails"][k]["message_id"] for k in ("confirmation", "notification")] == \
        [confirmation.id, notification.id]
    assert item["emails"]["confirmation"]["status"] == "sent"
    assert item["emails"]["confirmation"]["sent_at"].startswith("2026-11-23")
    assert confirmation.to == ["sanne@example.nl"]
    assert reference in confirmation.subject and "Dragon Coaching" in confirmation.subject
    for expected in (reference, "Dragon Coaching", "maandag 23 november 2026",
                     "maandag 30 november 2026", "binnen 5 werkdagen", "per e-mail",
                     "maandag 4 januari 2027", "maandag 1 februari 2027", "Wkkgz",
                     "0228 322 205", "info@klachtenportaalzorg.nl"):
        assert expected in confirmation.html, expected
    for typed in ("Sanne", "de Vries", "kwam drie keer niet opdagen"):
        assert typed not in confirmation.html + confirmation.subject, typed
    assert notification.to == ["info@klachtenportaalzorg.nl"]
    assert reference in notification.subject
    assert "Sanne" not in notification.html


def test_copy_link_sends_the_copy_once_after_the_button(aws: Settings) -> None:
    from complaint_form.service import retry_pending_emails

    # GIVEN a complaint with a copy asked for: the ontvangstbevestiging holds the link only
    invoke(json_event(complaint_body(send_copy=True)))
    [item] = stored_items(aws.table_name)
    link = copy_link_of(item)
    [confirmation, _] = sent_emails()
    assert link in confirmation.html and "kwam drie keer niet opdagen" not in confirmation.html
    # WHEN the link is opened (as a mail scanner would) THEN a page asks for the click and
    # nothing is sent yet
    page = invoke(http_event("GET", link, content_type=None))
    assert page["statusCode"] == 200
    assert f'<form method="post" action="{link}">' in page["body"]
    assert "Sanne" not in page["body"] and len(sent_emails()) == 2
    # WHEN the button is pressed THEN the page says the copy is on its way
    pressed = invoke(http_event("POST", link, content_type=FORM))
    assert pressed["statusCode"] == 303 and pressed["headers"]["Location"] == link
    assert "De kopie is onderweg" in invoke(http_event("GET", link, content_type=None))["body"]
    # AND the retry's next run sends it to the address, with what was typed, once
    assert retry_pending_emails() == 1 and retry_pending_emails() == 0
    copy = sent_emails()[2]
    assert copy.to == ["sanne@example.nl"] and "Kopie van je klacht" in copy.subject
    assert "kwam drie keer niet opdagen" in copy.html and "afspraken worden nagekomen" in copy.html
    [item] = stored_items(aws.table_name)
    assert item["emails"]["copy"]["status"] == "sent"
    assert item["copy_link"]["confirmed_at"].startswith("2026-11-23")
    assert "email_pending" not in item
    # AND the page says so, and a second press sends nothing
    assert "We hebben de kopie naar je gestuurd" in invoke(
        http_event("GET", link, content_type=None))["body"]
    assert invoke(http_event("POST", link, content_type=FORM))["statusCode"] == 303
    assert retry_pending_emails() == 0 and len(sent_emails()) == 3


def test_copy_link_with_a_wrong_secret_or_without_copy_is_not_found(aws: Settings) -> None:
    # GIVEN one complaint with a copy asked for and one without
    invoke(json_event(complaint_body(send_copy=True)))
    invoke(json_event(complaint_body(submission_id=str(uuid.uuid4()), email=new_address())))
    with_copy, without = sorted(stored_items(aws.table_name),
                                key=lambda item: item["copy_link"] is None)
    guessed = copy_link_of(with_copy)[:-4] + "AAAA"
    # WHEN links are guessed THEN each is unknown, and nothing is sent
    for path in (guessed, f"/api/klachten/{without['reference']}/kopie/AAAA",
                 f"/api/klachten/{with_copy['reference']}/kopie/"):
        for method in ("GET", "POST"):
            answer = invoke(http_event(method, path, content_type=FORM))
            assert answer["statusCode"] == 404, (method, path)
    assert len(sent_emails()) == 4


def test_copy_link_after_its_last_day_is_gone(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a copy link of a complaint received on Monday 23 November 2026
    invoke(json_event(complaint_body(send_copy=True)))
    [item] = stored_items(deps.settings.table_name)
    link = copy_link_of(item)
    # WHEN it is opened or used after its last day (a week later, Dutch time)
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 1 December, 00:30 in Amsterdam
    monkeypatch.setattr(deps, "clock", lambda: late)
    for method in ("GET", "POST"):
        answer = invoke(http_event(method, link, content_type=FORM))
        # THEN it says so with our contacts, shows no button, and nothing is sent
        assert answer["statusCode"] == 410, method
        assert "0228 322 205" in answer["body"] and "<form" not in answer["body"]
    assert len(sent_emails()) == 2


def test_post_complaint_around_easter_and_kings_day_shifts_contact_date(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a complaint on Thursday 2 April 2026 (Good Friday and Easter Monday follow), its
    # form shown a minute before
    now = datetime(2026, 4, 2, 8, 0, tzinfo=UTC)
    monkeypatch.setattr(deps, "clock", lambda: now)
    started = int(now.timestamp() - 60) * 1000
    receipt = body_of(invoke(json_event(complaint_body(form_started_at=started))))
    assert receipt["contact_by"] == "2026-04-13"
    # AND one on Thursday 23 April 2026 (King's Day on Monday 27 April)
    later = datetime(2026, 4, 23, 8, 0, tzinfo=UTC)
    monkeypatch.setattr(deps, "clock", lambda: later)
    receipt = body_of(invoke(json_event(complaint_body(
        submission_id="9b2f0c1e-0000-4000-8000-000000000001",
        form_started_at=int(later.timestamp() - 60) * 1000))))
    assert receipt["contact_by"] == "2026-05-01"


def test_post_complaint_repeated_submission_id_stores_one_complaint(aws: Settings) -> None:
    # GIVEN the same submission sent three times (double click, retry after a timeout)
    answers = [invoke(json_event(complaint_body())) for _ in range(3)]
    # THEN all answers carry the same reference and one complaint with one pair of e-mails exists
    assert {body_of(answer)["reference"] for answer in answers} == {
        body_of(answers[0])["reference"]}
    assert len(stored_items(aws.table_name)) == 1
    assert len(sent_emails()) == 2


def test_post_complaint_same_submission_id_with_other_answers_is_a_conflict(
        aws: Settings) -> None:
    # GIVEN a complaint accepted under a submission id
    first = body_of(invoke(json_event(complaint_body())))
    # WHEN another body arrives under the same id
    answer = invoke(json_event(complaint_body(description="Een heel andere klacht.")))
    # THEN it is a conflict that names no earlier kenmerk, and nothing more is stored or sent
    assert answer["statusCode"] == 409
    assert first["reference"] not in answer["body"]
    assert len(stored_items(aws.table_name)) == 1
    assert len(sent_emails()) == 2


def test_confirmation_reply_goes_to_the_complaints_body(aws: Settings, tmp_path: Path) -> None:
    # GIVEN the ontvangstbevestiging, sent from a no-reply address
    invoke(json_event(complaint_body()))
    [item] = stored_items(aws.table_name)
    email = EmailRenderer(aws.notification_email, aws.site_url).confirmation(
        StoredComplaint.model_validate(item))
    # WHEN it is sent (and kept as .eml, as `make serve` does)
    OutboxMailer(aws.sender_email, tmp_path).send(email)
    # THEN a reply goes to the complaints body's address
    assert email.reply_to == "info@klachtenportaalzorg.nl"
    [eml] = tmp_path.glob("*.eml")
    assert b"Reply-To: info@klachtenportaalzorg.nl" in eml.read_bytes()


def test_post_complaint_sends_to_an_international_domain_in_its_ascii_form(
        aws: Settings) -> None:
    # GIVEN an address at a domain with a letter outside ASCII
    invoke(json_event(complaint_body(email="sanne@bücher.nl")))
    # THEN it is stored and sent in the form mail servers use
    [item] = stored_items(aws.table_name)
    assert item["complainant"]["email"] == "sanne@xn--bcher-kva.nl"
    assert ["sanne@xn--bcher-kva.nl"] in [email.to for email in sent_emails()]


def test_post_complaint_refuses_letters_ses_cannot_deliver_to_with_a_dutch_message(
        aws: Settings) -> None:
    # GIVEN an address with a letter outside ASCII before the @ WHEN sent
    answer = invoke(json_event(complaint_body(email="jän@example.nl")))
    # THEN the form says why, and nothing is stored
    assert answer["statusCode"] == 422
    assert "letters als é of ü vóór de @" in body_of(answer)["errors"]["email"]
    assert stored_items(aws.table_name) == []


def test_post_complaint_one_address_may_send_only_a_few_a_day(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN as many submissions today with one address as the limit allows (the last one
    # with a "+tag", which reaches the same mailbox)
    limit = deps.settings.submissions_per_address_per_day
    bodies = [complaint_body(submission_id=str(uuid.uuid4()), description=f"Klacht {n}.")
              for n in range(limit + 1)]
    bodies[limit - 1]["email"] = "sanne+nog-een@example.nl"
    for body in bodies[:limit]:
        assert invoke(json_event(body))["statusCode"] == 201
    # WHEN one more comes in with that address
    answer = invoke(json_event(bodies[limit]))
    # THEN it is refused in Dutch, offering phone and e-mail, and nothing more is stored or sent
    assert answer["statusCode"] == 429
    assert answer["headers"]["Retry-After"]
    message = body_of(answer)["message"]
    assert "Er is niets bewaard" in message
    assert "0228 322 205" in message and "info@klachtenportaalzorg.nl" in message
    assert len(stored_items(deps.settings.table_name)) == limit
    assert len(sent_emails()) == 2 * limit
    # AND the next day the address may send again
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(days=1))
    later = complaint_body(submission_id=str(uuid.uuid4()), description="De volgende dag.",
                           form_started_at=int(RECEIVED.timestamp() + 86_000) * 1000)
    assert invoke(json_event(later))["statusCode"] == 201


def test_post_complaint_gmail_spellings_of_one_mailbox_count_as_one(aws: Settings) -> None:
    # GIVEN spellings Gmail delivers to one mailbox
    spellings = ["victim@gmail.com", "vi.ctim@gmail.com", "V.I.C.T.I.M@googlemail.com",
                 "vic.tim+x@gmail.com"]
    answers = [invoke(json_event(complaint_body(submission_id=str(uuid.uuid4()), email=email)))
               for email in spellings]
    # THEN they share one day's limit
    assert [answer["statusCode"] for answer in answers] == [201, 201, 201, 429]
    # AND dots elsewhere name other mailboxes
    other = complaint_body(submission_id=str(uuid.uuid4()), email="vi.ctim@example.nl")
    assert invoke(json_event(other))["statusCode"] == 201


def test_post_complaint_advice_has_no_judgement_term(aws: Settings) -> None:
    receipt = body_of(invoke(json_event(complaint_body(kind="advies"))))
    assert receipt["judgement_by"] is None
    assert "geen klachtenprocedure" in sent_emails()[0].html


def test_post_complaint_without_regime_choice_for_a_single_regime_provider(aws: Settings) -> None:
    invoke(json_event(complaint_body(regeling=None)))
    [item] = stored_items(aws.table_name)
    assert item["regeling_key"] == "wkkgz"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Vul je naam in."),
        ({"name": "Sanne\r\nBcc: x@example.nl"}, "name", "zonder regeleinden"),
        ({"name": "x" * 201}, "name", "hoogstens 200 tekens"),
        ({"email": "sanne@"}, "email", "Vul een geldig e-mailadres in"),
        ({"email": None}, "email", "Vul je e-mailadres in."),
        ({"phone": "12"}, "phone", "Vul een geldig telefoonnummer in"),
        ({"role": "buurman"}, "role", "Kies of de klacht over jezelf gaat"),
        ({"description": None}, "description", "Vertel wat er is gebeurd."),
        ({"description": "x" * 5001}, "description", "hoogstens 5000 tekens"),
        ({"desired_outcome": "   "}, "desired_outcome", "Vertel welke oplossing je wilt."),
        ({"occurred_on": "2099-01-01"}, "occurred_on", "niet in de toekomst"),
        ({"discussed_with_provider": "misschien"}, "discussed_with_provider", "Kies 'ja' of"),
        ({"wants_officer_support": None}, "wants_officer_support", "hulp wilt"),
        ({"contact_preference": "duif"}, "contact_preference", "Kies telefoon of e-mail."),
        ({"consent": False}, "consent", "Geef toestemming"),
        ({"consent": None}, "consent", "Geef toestemming"),
        ({"kind": "boos"}, "kind", "Kies 'klacht' of 'advies'."),
        ({"provider": "bestaat-niet"}, "provider", "niet bij ons aangesloten"),
        ({"regeling": "jeugdwet"}, "regeling", "hoort"),
        ({"role": "vertegenwoordiger"}, "client_name", "Vul de naam in van de cliënt"),
        ({"role": "vertegenwoordiger", "client_name": "Tim"}, "relation", "relatie"),
        ({"contact_preference": "telefoon", "phone": None}, "phone", "als we je mogen bellen"),
        ({"extra_field": "x"}, "form", "veld dat we niet kennen"),
    ],
)
def test_post_complaint_invalid_field_gets_its_dutch_message_and_stores_nothing(
        aws: Settings, changes: dict[str, Any], field: str, message: str) -> None:
    response = invoke(json_event(complaint_body(**changes)))
    assert response["statusCode"] == 422, response["body"]
    errors = body_of(response)["errors"]
    assert message in errors[field], errors
    assert stored_items(aws.table_name) == []
    assert sent_emails() == []


@pytest.mark.parametrize(
    ("event", "status"),
    [
        (http_event(body="{not json"), 400),
        (http_event(body="[1, 2, 3]"), 400),
        (http_event(body="[" * 20_000 + "]" * 20_000), 400),
        (http_event(body=json.dumps(complaint_body(description="x" * 70_000))), 413),
        (http_event(body="<klacht/>", content_type="application/xml"), 415),
        (http_event(body="hallo", content_type="text/plain"), 415),
    ],
)
def test_post_complaint_rejects_bad_bodies_clearly_and_stores_nothing(
        aws: Settings, event: dict[str, Any], status: int) -> None:
    response = invoke(event)
    assert response["statusCode"] == status, response["body"]
    assert body_of(response)["message"]
    assert stored_items(aws.table_name) == []


def test_post_complaint_honeypot_is_counted_not_stored(aws: Settings,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    response = invoke(json_event(complaint_body(website="http://spam.example")))
    assert response["statusCode"] == 400
    assert stored_items(aws.table_name) == []
    assert '"SpamRejected"' in capsys.readouterr().out


def test_post_complaint_sent_too_fast_is_rejected(aws: Settings) -> None:
    started = int(RECEIVED.timestamp() * 1000) - 1000
    response = invoke(json_event(complaint_body(form_started_at=started)))
    assert response["statusCode"] == 400
    assert stored_items(aws.table_name) == []


def test_post_complaint_form_post_redirects_to_a_confirmation_page(aws: Settings) -> None:
    # GIVEN the same form sent without JavaScript (no submission id)
    response = invoke(form_event(complaint_body(submission_id=None)))
    # THEN the answer is a 303 to a confirmation page showing the reference
    assert response["statusCode"] == 303, response["body"]
    location = response["headers"]["Location"]
    [item] = stored_items(aws.table_name)
    assert location == (f"/api/klachten/{item['reference']}/ontvangstbevestiging/"
                        f"{item['page_secret']}")
    page = invoke(http_event("GET", location, content_type=None))
    assert page["statusCode"] == 200
    assert item["reference"] in page["body"]
    assert "Sanne" not in page["body"], "no personal data on the confirmation page"
    # AND sending the same form again makes no second complaint
    invoke(form_event(complaint_body(submission_id=None)))
    assert len(stored_items(aws.table_name)) == 1


def test_post_complaint_receipt_tells_what_the_confirmation_page_tells(aws: Settings) -> None:
    # GIVEN a complaint about a provider whose judgement term starts with itself (no date)
    answer = invoke(json_event(complaint_body(provider="burgercoaching")))
    receipt = json.loads(answer["body"])
    # WHEN its confirmation page is opened
    page = invoke(http_event("GET", receipt["confirmation_page"], content_type=None))["body"]
    # THEN the script's receipt and the page name the same term, and where it starts
    term = ("BurgerCoaching geeft binnen 6 weken een onderbouwd oordeel over je klacht. Die "
            "termijn begint als je klacht schriftelijk binnen is bij BurgerCoaching zelf.")
    assert term in receipt["html"]
    assert term in page


def test_post_complaint_form_post_with_errors_shows_the_form_again(aws: Settings) -> None:
    response = invoke(form_event(complaint_body(submission_id=None, email="fout",
                                                consent=False)))
    assert response["statusCode"] == 422
    html = response["body"]
    assert response["headers"]["Content-Type"].startswith("text/html")
    assert "Er is iets niet goed ingevuld" in html
    assert 'href="#email"' in html and 'href="#consent"' in html
    assert 'id="email-error"' in html and 'aria-invalid="true"' in html
    assert 'value="Sanne de Vries"' in html, "what was typed is kept"
    assert stored_items(aws.table_name) == []


def test_get_confirmation_needs_the_page_secret_not_just_the_reference(aws: Settings) -> None:
    # GIVEN a stored complaint, whose kenmerk is read aloud on the phone and in subject lines
    invoke(json_event(complaint_body()))
    [item] = stored_items(aws.table_name)
    reference, secret = item["reference"], item["page_secret"]
    # WHEN its confirmation page is asked for without its secret, or with another
    other = secret[:-1] + ("y" if secret.endswith("x") else "x")
    for path in (f"/api/klachten/{reference}/ontvangstbevestiging",
                 f"/api/klachten/{reference}/ontvangstbevestiging/{other}",
                 f"/api/klachten/KPZ-2222-2222/ontvangstbevestiging/{secret}",
                 f"/api/klachten/not-a-reference/ontvangstbevestiging/{secret}"):
        # THEN it is not found
        response = invoke(http_event("GET", path, content_type=None))
        assert response["statusCode"] == 404, path


def test_post_complaint_ses_failure_keeps_it_stored_and_the_retry_sends_once(aws: Settings) -> None:
    import boto3
    from complaint_form.service import retry_pending_emails

    # GIVEN SES refuses to send (the sender identity is not verified)
    ses = boto3.client("ses", region_name="eu-west-1")
    ses.delete_identity(Identity=aws.sender_email)
    # WHEN a complaint comes in
    response = invoke(json_event(complaint_body()))
    # THEN the client still gets a reference, and the complaint is stored, marked for retry
    assert response["statusCode"] == 201
    assert body_of(response)["confirmation_email"] == "pending"
    [item] = stored_items(aws.table_name)
    assert item["email_pending"]
    assert item["emails"]["confirmation"]["status"] == "pending"
    assert item["emails"]["confirmation"]["attempts"] == 1
    assert item["emails"]["confirmation"]["last_error"]
    assert sent_emails() == []
    # WHEN SES works again and the retry runs (twice)
    ses.verify_email_identity(EmailAddress=aws.sender_email)
    assert retry_pending_emails() == 2
    assert retry_pending_emails() == 0
    # THEN both e-mails went out exactly once and the complaint is no longer pending
    assert len(sent_emails()) == 2
    [item] = stored_items(aws.table_name)
    assert "email_pending" not in item
    assert item["emails"]["confirmation"]["status"] == "sent"
    assert item["emails"]["confirmation"]["attempts"] == 2
    assert item["emails"]["confirmation"]["message_id"] == sent_emails()[0].id


def test_retry_skips_an_email_another_worker_is_sending(deps: Dependencies) -> None:
    import boto3
    from complaint_form.service import retry_pending_emails

    aws = deps.settings
    ses = boto3.client("ses", region_name="eu-west-1")
    ses.delete_identity(Identity=aws.sender_email)
    invoke(json_event(complaint_body()))
    ses.verify_email_identity(EmailAddress=aws.sender_email)
    [item] = stored_items(aws.table_name)
    # GIVEN another worker claimed the confirmation a moment ago
    deps.repository.claim_email(item["reference"], "confirmation", RECEIVED)
    # WHEN the retry runs THEN it sends only the notification
    assert retry_pending_emails() == 1
    assert [email.to for email in sent_emails()] == [["info@klachtenportaalzorg.nl"]]


def test_retry_lambda_handler_reports_what_it_sent(aws: Settings) -> None:
    import boto3
    from complaint_form.retry import lambda_handler

    ses = boto3.client("ses", region_name="eu-west-1")
    ses.delete_identity(Identity=aws.sender_email)
    invoke(json_event(complaint_body()))
    ses.verify_email_identity(EmailAddress=aws.sender_email)
    assert lambda_handler({}, LambdaContext()) == {"sent": 2}


def test_post_complaint_storage_unavailable_answers_503_and_stores_nothing(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN DynamoDB does not answer for the complaints table
    monkeypatch.setattr(deps.repository, "table_name", "no-such-table")
    # WHEN a complaint is sent
    response = invoke(json_event(complaint_body()))
    # THEN the client is told to try again; nothing is stored and no e-mail is sent
    assert response["statusCode"] == 503
    assert "Probeer het over een paar minuten opnieuw" in body_of(response)["message"]
    assert response["headers"]["Retry-After"] == "30"
    assert sent_emails() == []
    # AND once storage is back, the same submission is accepted exactly once
    monkeypatch.setattr(deps.repository, "table_name", deps.settings.table_name)
    assert invoke(json_event(complaint_body()))["statusCode"] == 201
    assert len(stored_items(deps.settings.table_name)) == 1


def test_post_complaint_form_post_storage_unavailable_keeps_what_was_typed(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deps.repository, "table_name", "no-such-table")
    response = invoke(form_event(complaint_body(submission_id=None)))
    assert response["statusCode"] == 503
    assert "Er is niets bewaard" in response["body"]
    assert "kwam drie keer niet opdagen" in response["body"]

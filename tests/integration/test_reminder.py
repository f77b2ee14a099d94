"""The daily reminder of deadlines: on working days only, once, with nothing personal."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from complaint_form.dependencies import Dependencies

from tests.backend import (
    LambdaContext,
    complaint_body,
    invoke,
    invoke_staff,
    json_event,
    new_address,
    sent_emails,
    staff_event,
)

NOTIFICATION = "info@klachtenportaalzorg.nl"


@pytest.fixture
def at(deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Sets the clock to 08:00 Amsterdam time (07:00 UTC in winter, 06:00 in summer) of a
    day."""
    def set_day(day: date) -> None:
        hour = 6 if 4 <= day.month <= 10 else 7
        moment = datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)
        monkeypatch.setattr(deps, "clock", lambda: moment)

    return set_day


def submit_on(at: Any, day: date) -> str:
    at(day)
    started = int(datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC).timestamp()) * 1000
    answer = invoke(json_event(complaint_body(submission_id=None, email=new_address(),
                                              form_started_at=started)))
    assert answer["statusCode"] == 201, answer["body"]
    reference: str = json.loads(answer["body"])["reference"]
    return reference


def run_reminder(**event: Any) -> dict[str, Any]:
    from complaint_form.reminder import lambda_handler

    result: dict[str, Any] = lambda_handler(event, LambdaContext())
    return result


def reminders() -> list[Any]:
    return [email for email in sent_emails() if email.subject.startswith("Termijnen")]


def test_reminder_on_monday_names_the_contact_missed_on_friday_and_due_today(
        deps: Dependencies, at: Any) -> None:
    # GIVEN contact due on Friday 27 November 2026 and on Monday 30 November, one made
    missed = submit_on(at, date(2026, 11, 20))
    due_today = submit_on(at, date(2026, 11, 23))
    made = submit_on(at, date(2026, 11, 23))
    at(date(2026, 11, 24))
    answer = invoke_staff(staff_event(f"/api/staff/klachten/{made}/acties",
                                      body={"action": "contact_made", "version": 1}))
    assert answer["statusCode"] == 200, answer["body"]
    # WHEN the reminder runs on Saturday and on Monday at 08:00
    at(date(2026, 11, 28))
    assert run_reminder() == {"sent": False}
    at(date(2026, 11, 30))
    result = run_reminder()
    # THEN only Monday's run sends, one e-mail to the complaints body naming both, most
    # overdue first, with links to their dossiers
    assert result == {"sent": True, "contacts": 2, "judgements": 0}
    [email] = reminders()
    assert email.to == [NOTIFICATION]
    assert "maandag 30 november 2026" in email.subject
    assert email.html.index(missed) < email.html.index(due_today)
    assert "vrijdag 27 november 2026 (te laat)" in email.html
    assert "maandag 30 november 2026 (vandaag)" in email.html
    assert f"/behandelomgeving/#{missed}" in email.html and made not in email.html
    # AND nothing personal: no name, no address, no complaint text
    for personal in ("Sanne", "de Vries", "@example.nl", "kwam drie keer niet opdagen"):
        assert personal not in email.html + email.subject, personal


def test_reminder_after_kings_day_names_what_fell_due_on_and_after_it(
        deps: Dependencies, at: Any) -> None:
    # GIVEN contact due on Monday 26 April 2027 and Wednesday 28 April (King's Day between)
    missed = submit_on(at, date(2027, 4, 19))
    due_today = submit_on(at, date(2027, 4, 20))
    # WHEN the reminder runs on King's Day and on the day after
    at(date(2027, 4, 27))
    assert run_reminder() == {"sent": False}
    at(date(2027, 4, 28))
    # THEN the day after names both
    assert run_reminder()["contacts"] == 2
    [email] = reminders()
    assert "maandag 26 april 2027 (te laat)" in email.html and missed in email.html
    assert "woensdag 28 april 2027 (vandaag)" in email.html and due_today in email.html


def test_reminder_names_judgements_due_within_five_working_days(
        deps: Dependencies, at: Any) -> None:
    # GIVEN a Wkkgz complaint of Monday 26 October 2026 (judgement within 6 weeks: 7
    # December), its contact made
    reference = submit_on(at, date(2026, 10, 26))
    at(date(2026, 10, 27))
    invoke_staff(staff_event(f"/api/staff/klachten/{reference}/acties",
                             body={"action": "contact_made", "version": 1}))
    # WHEN the reminder runs six and five working days before
    at(date(2026, 11, 27))
    assert run_reminder() == {"sent": False}
    at(date(2026, 11, 30))
    # THEN the second names the judgement, with the days left
    assert run_reminder() == {"sent": True, "contacts": 0, "judgements": 1}
    [email] = reminders()
    assert reference in email.html and "maandag 7 december 2026 (nog 5 werkdagen)" in email.html


def test_reminder_sends_nothing_on_an_empty_day_and_once_on_a_full_one(
        deps: Dependencies, at: Any) -> None:
    # GIVEN a complaint whose contact is due on Monday 30 November 2026
    submit_on(at, date(2026, 11, 23))
    # WHEN the reminder runs the Wednesday before THEN nothing is due and nothing is sent
    at(date(2026, 11, 25))
    assert run_reminder() == {"sent": False} and reminders() == []
    # WHEN it runs twice on the day (the scheduler retried) THEN one e-mail goes out
    at(date(2026, 11, 30))
    assert run_reminder()["sent"] and run_reminder() == {"sent": False}
    assert len(reminders()) == 1


def test_reminder_that_ses_refused_is_sent_by_the_next_run(
        deps: Dependencies, at: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_form.ses import EmailNotSentError

    # GIVEN a contact due, and SES refusing the first try
    submit_on(at, date(2026, 11, 23))
    at(date(2026, 11, 30))

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise EmailNotSentError("Throttling")

    with monkeypatch.context() as refusing:
        refusing.setattr(deps.mailer, "send", refuse)
        with pytest.raises(EmailNotSentError):
            run_reminder()
    # WHEN the scheduler runs it again THEN it is sent
    assert run_reminder()["sent"] and len(reminders()) == 1


def test_reminder_of_a_missed_day_can_be_sent_by_naming_the_day(
        deps: Dependencies, at: Any) -> None:
    # GIVEN a contact due on Monday 30 November 2026, and the run of that day missed
    submit_on(at, date(2026, 11, 23))
    at(date(2026, 12, 1))
    # WHEN the function is invoked for that day
    result = run_reminder(day="2026-11-30")
    # THEN that day's reminder goes out
    assert result["sent"]
    [email] = reminders()
    assert "maandag 30 november 2026" in email.subject

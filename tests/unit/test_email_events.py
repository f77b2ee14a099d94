"""Reading SES's reports on a message (configuration-set events, delivered by SNS)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from complaint_form.email_events import UnreadableEmailEventError, parse_email_event
from complaint_form.models import Delivery, EmailEvent, delivery_kept_over

from devserver.ses_events import ses_event_record
from tests.backend import RECEIVED, load_event

ADDRESS = "sanne.bounce@example.nl"


def record(event_type: str = "Bounce", **changes: Any) -> dict[str, Any]:
    """An SES event record about the confirmation of KPZ-7K4M-Q9XD, sent at RECEIVED."""
    arguments: dict[str, Any] = {
        "reference": "KPZ-7K4M-Q9XD", "kind": "confirmation", "message_id": "0102-abc-000000",
        "sender": "noreply@klachtenportaalzorg.nl", "recipient": ADDRESS, "sent_at": RECEIVED}
    return ses_event_record(event_type, **arguments | changes)


def test_parse_email_event_reads_a_bounce_as_sns_delivers_it() -> None:
    # GIVEN an SNS notification holding SES's bounce record, in the shape AWS documents
    [notification] = load_event("ses_bounce_sns.json")["Records"]
    # WHEN its message is read
    event = parse_email_event(notification["Sns"]["Message"])
    # THEN it is the confirmation of that complaint, bounced for good, and holds no address
    assert event == EmailEvent(
        reference="KPZ-7K4M-Q9XD", kind="confirmation",
        message_id="0102019a5e7c0a11-8b2d4c6e-1f3a-4b5c-9d7e-2a4c6e8f0b1d-000000",
        event_type="Bounce", sent_at=datetime(2026, 11, 23, 9, 0, 1, 456000, tzinfo=UTC),
        at=datetime(2026, 11, 23, 9, 0, 4, 123000, tzinfo=UTC), delivery="bounced",
        detail="Permanent/General")
    assert event.not_delivered
    assert ADDRESS not in repr(event)


@pytest.mark.parametrize(("event_type", "delivery", "detail"), [
    ("Send", None, None),
    ("Delivery", "delivered", None),
    ("Bounce", "bounced", "Permanent/General"),
    ("Complaint", "complained", "abuse"),
    ("Reject", "rejected", "Bad content"),
    ("DeliveryDelay", "delayed", "MailboxFull"),
])
def test_parse_email_event_reads_every_type_the_configuration_set_publishes(
        event_type: str, delivery: Delivery | None, detail: str | None) -> None:
    # GIVEN SES's record of this type, as the dev server and the tests build it
    message = json.dumps(record(event_type))
    # WHEN it is read
    event = parse_email_event(message)
    # THEN it says what became of the message, and when (a Reject has no time of its own)
    assert event is not None
    assert (event.delivery, event.detail, event.message_id) == (delivery, detail,
                                                                 "0102-abc-000000")
    assert event.sent_at == RECEIVED
    assert event.at == (RECEIVED if event_type in ("Send", "Reject")
                        else RECEIVED + timedelta(seconds=2))


@pytest.mark.parametrize("message", [
    record(tagged=False),
    record(kind="newsletter"),
    {**record(), "eventType": "Open"},
], ids=["untagged", "unknown e-mail kind", "event type not recorded"])
def test_parse_email_event_passes_over_reports_on_other_messages(
        message: dict[str, Any]) -> None:
    # GIVEN a report on a message the backend did not tag, or of a type it does not record
    # WHEN it is read THEN there is nothing to record
    assert parse_email_event(json.dumps(message)) is None


def test_parse_email_event_refuses_what_is_no_ses_record_without_quoting_it() -> None:
    # GIVEN a message that is not as SES writes it, with an address in it
    message = json.dumps({"eventType": "Bounce", "mail": {"destination": [ADDRESS]}})
    # WHEN it is read THEN it is refused, and the error does not repeat the address
    with pytest.raises(UnreadableEmailEventError) as error:
        parse_email_event(message)
    assert ADDRESS not in str(error.value)


@pytest.mark.parametrize(("new", "kept_over"), [
    ("delayed", {"delayed", "delivered", "bounced", "complained", "rejected"}),
    ("delivered", {"delivered", "bounced", "complained", "rejected"}),
    ("bounced", {"bounced"}),
    ("complained", {"complained"}),
])
def test_delivery_kept_over_lets_a_report_overtake_only_what_it_outranks(
        new: Delivery, kept_over: set[str]) -> None:
    # GIVEN reports arriving in any order, some twice
    # WHEN `new` arrives THEN it does not replace a report that says more, or itself
    assert set(delivery_kept_over(new)) == kept_over

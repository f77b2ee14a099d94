"""What SES reports about each e-mail (its configuration set's events, through SNS) lands on
the complaint: bounces for the complaints body to see, and sends the retry must not repeat."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from complaint_form.dependencies import Dependencies, get_dependencies
from complaint_form.models import EmailKind, EmailRecord, StoredComplaint

from devserver.backend import LocalBackend
from devserver.ses_events import ses_event_record, sns_event
from klachtenportaal.registry import Registry
from tests.backend import (
    RECEIVED,
    REGION,
    LambdaContext,
    complaint_body,
    invoke,
    json_event,
    sent_emails,
    stored_items,
)

ADDRESS = "sanne@example.nl"  # tests.backend's complaint's


def deliver(deps: Dependencies, complaint: StoredComplaint, kind: EmailKind, event_type: str,
            **changes: Any) -> dict[str, Any]:
    """SES's `event_type` report on the complaint's e-mail, as SNS invokes the events Lambda
    with it; the Lambda's answer."""
    from complaint_form.email_events import lambda_handler

    record = complaint.emails.get(kind) or EmailRecord()
    arguments: dict[str, Any] = {
        "reference": complaint.reference, "kind": kind,
        "message_id": record.message_id or "0102-not-recorded-000000",
        "sender": deps.settings.sender_email,
        "recipient": deps.settings.notification_email if kind == "notification" else ADDRESS,
        "sent_at": record.sent_at or RECEIVED}
    answer: dict[str, Any] = lambda_handler(
        sns_event(ses_event_record(event_type, **arguments | changes)), LambdaContext())
    return answer


def after_bounce(before: dict[str, Any]) -> dict[str, Any]:
    """A stored complaint (as JSON) once SES reported its confirmation bounced, two seconds
    after it was sent: the only change a bounce makes."""
    confirmation = before["emails"]["confirmation"]
    bounced_at = (StoredComplaint.model_validate(before).emails["confirmation"].sent_at
                  or RECEIVED) + timedelta(seconds=2)
    return {**before, "delivery_problem": True, "emails": {
        **before["emails"], "confirmation": {
            **confirmation, "delivery": "bounced",
            "delivery_at": bounced_at.isoformat().replace("+00:00", "Z")}}}


@pytest.fixture
def stored(deps: Dependencies) -> StoredComplaint:
    """A complaint accepted with both e-mails sent, as stored."""
    reference = json.loads(invoke(json_event(complaint_body()))["body"])["reference"]
    complaint = deps.repository.get(reference)
    assert complaint is not None
    return complaint


def test_email_events_bounce_on_the_confirmation_reaches_the_item(
        deps: Dependencies, stored: StoredComplaint, log_lines: io.StringIO,
        capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN a stored complaint whose ontvangstbevestiging went out; no delivery problem yet
    assert "delivery_problem" not in stored_items(deps.settings.table_name)[0]
    before = stored.model_dump(mode="json")
    # WHEN SES reports that it bounced
    answer = deliver(deps, stored, "confirmation", "Bounce")
    # THEN the complaints body sees it on the complaint ('bevestiging niet afgeleverd'),
    # counted in a metric; the log names the kenmerk, never the address
    assert answer == {"recorded": 1}
    after = deps.repository.get(stored.reference)
    assert after is not None
    assert after.model_dump(mode="json") == after_bounce(before)
    [item] = stored_items(deps.settings.table_name)
    assert item["delivery_problem"] is True
    printed = capsys.readouterr()
    assert '"EmailNotDelivered"' in printed.out
    logs = log_lines.getvalue()
    assert "email_not_delivered" in logs and stored.reference in logs
    assert ADDRESS not in logs + printed.out + printed.err


def test_email_events_later_reports_do_not_undo_what_is_known(
        deps: Dependencies, stored: StoredComplaint) -> None:
    # GIVEN the notification delivered, and reports arriving late or twice
    deliver(deps, stored, "notification", "Delivery")
    # WHEN a delay arrives after the delivery THEN it changes nothing
    assert deliver(deps, stored, "notification", "DeliveryDelay") == {"recorded": 0}
    # WHEN a bounce follows, twice THEN the bounce is recorded once; on the complaints body's
    # own address it is no problem the complainant has
    assert deliver(deps, stored, "notification", "Bounce") == {"recorded": 1}
    assert deliver(deps, stored, "notification", "Bounce") == {"recorded": 0}
    after = deps.repository.get(stored.reference)
    assert after is not None
    assert after.emails["notification"].delivery == "bounced"
    assert after.emails["confirmation"].delivery is None
    assert not after.delivery_problem


def test_email_events_send_report_keeps_the_retry_from_sending_again(
        deps: Dependencies, stored: StoredComplaint, monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_form.service import retry_pending_emails

    # GIVEN the ontvangstbevestiging went out, but recording that failed: it is still claimed
    # ("sending"), with no message id, and waits in the retry index
    [confirmation, _] = sent_emails()
    deps.repository.record_emails(
        stored.reference, {"confirmation": EmailRecord(status="sending", claimed_at=RECEIVED,
                                                       attempts=1)}, RECEIVED)
    lost = deps.repository.get(stored.reference)
    assert lost is not None
    # WHEN SES's report that it accepted the message arrives
    assert deliver(deps, lost, "confirmation", "Send", message_id=confirmation.id) == {
        "recorded": 1}
    # AND the retry runs after the claim has gone stale
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(hours=1))
    # THEN nothing is sent again: the e-mail is recorded as sent, with SES's message id, and
    # the complaint leaves the retry index
    assert retry_pending_emails() == 0
    assert len(sent_emails()) == 2
    [item] = stored_items(deps.settings.table_name)
    assert item["emails"]["confirmation"]["status"] == "sent"
    assert item["emails"]["confirmation"]["message_id"] == confirmation.id
    assert "email_pending" not in item


@pytest.mark.parametrize(("kind", "changes"), [
    ("confirmation", {"reference": "KPZ-2222-2222"}),
    ("confirmation", {"reference": "not-a-kenmerk"}),
    ("confirmation", {"tagged": False}),
    ("copy", {}),
    ("confirmation", {"message_id": "0102-another-message-000000"}),
], ids=["unknown kenmerk", "no kenmerk", "untagged", "e-mail never sent", "another message"])
def test_email_events_on_nothing_known_are_ignored_without_error(
        deps: Dependencies, stored: StoredComplaint, log_lines: io.StringIO, kind: EmailKind,
        changes: dict[str, Any]) -> None:
    # GIVEN a stored complaint (without a copy)
    before = stored_items(deps.settings.table_name)
    # WHEN SES reports a bounce on a message that is not one of its e-mails
    answer = deliver(deps, stored, kind, "Bounce", **changes)
    # THEN nothing changes, nothing fails, and the log holds no address
    assert answer == {"recorded": 0}
    assert stored_items(deps.settings.table_name) == before
    assert "email_event_ignored" in log_lines.getvalue()
    assert ADDRESS not in log_lines.getvalue()


@pytest.fixture
def sends(deps: Dependencies) -> Iterator[list[dict[str, Any]]]:
    """The arguments of every SES SendEmail call from now on (moto's SES keeps neither tags
    nor configuration set, so they are taken from the client)."""
    calls: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        calls.append(params)

    events = deps.mailer.client.meta.events
    events.register("provide-client-params.sesv2.SendEmail", record)
    yield calls
    events.unregister("provide-client-params.sesv2.SendEmail", record)


@pytest.mark.parametrize("configuration_set", [None, "klachtenportaal-test-email"])
def test_mailer_sends_each_email_tagged_with_the_configuration_set_when_set(
        deps: Dependencies, sends: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
        configuration_set: str | None) -> None:
    # GIVEN SES with a configuration set, and the mailer set to use it (or none, locally)
    ses = boto3.client("sesv2", region_name=REGION)
    ses.create_configuration_set(ConfigurationSetName="klachtenportaal-test-email")
    monkeypatch.setattr(deps.mailer, "configuration_set", configuration_set)
    # WHEN a complaint is accepted
    reference = json.loads(invoke(json_event(complaint_body()))["body"])["reference"]
    # THEN each e-mail carries its kenmerk and kind, and the configuration set only when set
    assert [call["EmailTags"] for call in sends] == [
        [{"Name": "reference", "Value": reference}, {"Name": "email", "Value": kind}]
        for kind in ("confirmation", "notification")]
    assert [call.get("ConfigurationSetName") for call in sends] == [configuration_set] * 2
    assert len(sent_emails()) == 2


@pytest.fixture
def local_backend(registry: Registry, tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalBackend]:
    """The dev server's backend (with moto of its own) at tests.backend's clock; what it
    changes in the shared dependencies is undone afterwards."""
    deps = get_dependencies()
    monkeypatch.setattr(deps, "mailer", deps.mailer)
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED)
    backend = LocalBackend(tmp_path / "outbox", registry)
    yield backend
    backend.close()


def test_local_backend_replayed_bounce_changes_the_item_as_ses_would(
        local_backend: LocalBackend) -> None:
    # GIVEN a complaint accepted by the dev server
    answer = local_backend.handle(json_event(complaint_body()))
    reference = json.loads(answer["body"])["reference"]
    before = local_backend.stored(reference)
    assert before is not None
    # WHEN a developer replays SES's bounce of its ontvangstbevestiging
    after = local_backend.replay_email_event(reference, "confirmation", "Bounce")
    # THEN the complaint changes as when SES reports it
    assert after == after_bounce(before)
    with pytest.raises(LookupError):
        local_backend.replay_email_event(reference, "copy", "Bounce")

"""Faults: the storage or the mail service failing, and a Lambda invoked twice."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from botocore.exceptions import ClientError
from complaint_form.dependencies import Dependencies

from tests.backend import (
    RECEIVED,
    complaint_body,
    invoke,
    json_event,
    sent_emails,
    stored_items,
)


class Failing:
    """A real (moto) client whose named operation fails `times` calls, after the first
    `after` calls went through."""

    def __init__(self, client: Any, operation: str, code: str, times: int,
                 after: int = 0) -> None:
        self._client = client
        self._operation = operation
        self._code = code
        self.remaining = times
        self._through = after

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._client, name)
        if name != self._operation:
            return real

        def failing(*args: Any, **kwargs: Any) -> Any:
            if self._through > 0:
                self._through -= 1
            elif self.remaining > 0:
                self.remaining -= 1
                raise ClientError({"Error": {"Code": self._code, "Message": "injected"}},
                                  self._operation)
            return real(*args, **kwargs)

        return failing


@pytest.fixture
def emails_waiting(deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A complaint accepted while SES throttled both its e-mails: they wait for a retry.
    The answer the client got."""
    failing = Failing(deps.mailer.client, "send_email", "TooManyRequestsException", times=2)
    monkeypatch.setattr(deps.mailer, "_client", failing)
    return invoke(json_event(complaint_body()))


def test_throttled_storage_answers_503_stores_nothing_and_the_retry_stores_once(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN DynamoDB throttles the first write
    failing = Failing(deps.repository.client, "put_item",
                      "ProvisionedThroughputExceededException", times=1)
    monkeypatch.setattr(deps.repository, "_client", failing)
    # WHEN the complaint is sent THEN the client is asked to try again; nothing is stored
    assert invoke(json_event(complaint_body()))["statusCode"] == 503
    assert stored_items(deps.settings.table_name) == []
    assert sent_emails() == []
    # WHEN the client retries with the same submission id THEN exactly one complaint exists
    assert invoke(json_event(complaint_body()))["statusCode"] == 201
    assert len(stored_items(deps.settings.table_name)) == 1
    assert len(sent_emails()) == 2
    # AND the failed attempt did not count against the address's daily limit
    for _ in range(deps.settings.submissions_per_address_per_day - 1):
        other = complaint_body(submission_id=str(uuid.uuid4()), description=str(uuid.uuid4()))
        assert invoke(json_event(other))["statusCode"] == 201


def test_throttled_mail_keeps_the_complaint_and_the_retry_sends_each_mail_once(
        deps: Dependencies, emails_waiting: dict[str, Any]) -> None:
    from complaint_form.service import retry_pending_emails

    # GIVEN a complaint accepted while SES throttled its e-mails: stored, both pending
    assert emails_waiting["statusCode"] == 201
    [item] = stored_items(deps.settings.table_name)
    assert {record["status"] for record in item["emails"].values()} == {"pending"}
    # WHEN the retry runs twice THEN each e-mail went out once
    assert retry_pending_emails() == 2
    assert retry_pending_emails() == 0
    assert len(sent_emails()) == 2


def test_lambda_invoked_twice_for_one_request_makes_one_complaint_and_one_mail_each(
        deps: Dependencies) -> None:
    event = json_event(complaint_body())
    first, second = invoke(event), invoke(event)
    assert first["statusCode"] == second["statusCode"] == 201
    assert first["body"] == second["body"]
    assert len(stored_items(deps.settings.table_name)) == 1
    assert [email.to for email in sent_emails()] == [["sanne@example.nl"],
                                                      ["info@klachtenportaalzorg.nl"]]


def test_failure_after_storing_is_resumed_by_the_retry_not_stored_twice(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_form.delivery import send_emails
    from complaint_form.service import retry_pending_emails

    # GIVEN the Lambda dies after storing, before the e-mails (say, a timeout)
    def die(*args: Any, **kwargs: Any) -> str:
        raise TimeoutError("Lambda timed out")

    monkeypatch.setattr("complaint_form.service.send_emails", die)
    with pytest.raises(TimeoutError):
        from complaint_form.models import ComplaintRequest
        from complaint_form.service import submit_complaint

        submit_complaint(request=ComplaintRequest.model_validate(complaint_body()))
    assert len(stored_items(deps.settings.table_name)) == 1
    monkeypatch.setattr("complaint_form.service.send_emails", send_emails)
    # WHEN API Gateway's client retries the same submission
    response = invoke(json_event(complaint_body()))
    # THEN it gets the same complaint back, nothing is stored twice, and the e-mails that the
    # dead attempt had claimed are sent by the retry once the claim has gone stale
    assert response["statusCode"] == 201
    [item] = stored_items(deps.settings.table_name)
    assert item["reference"] in response["body"]
    monkeypatch.setattr(deps, "clock", lambda: datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    assert retry_pending_emails() == 2
    assert len(sent_emails()) == 2


def test_a_reference_already_taken_is_replaced_before_storing(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    import complaint_form.service as service

    # GIVEN a stored complaint, and a reference generator that repeats its reference once
    taken = json.loads(invoke(json_event(complaint_body()))["body"])["reference"]
    fresh = iter([taken, "KPZ-NEW2-NEW3"])
    monkeypatch.setattr(service, "new_reference", lambda: next(fresh))
    # WHEN another complaint comes in
    submission = "7e3b1c2a-2222-4222-8222-2222bbbb3333"
    second = invoke(json_event(complaint_body(submission_id=submission)))
    # THEN it is stored under a new reference, and a repeat of it finds that one
    assert json.loads(second["body"])["reference"] == "KPZ-NEW2-NEW3"
    assert {item["reference"] for item in stored_items(deps.settings.table_name)} == {
        taken, "KPZ-NEW2-NEW3"}
    assert deps.repository.claim_submission(submission, "KPZ-YYYY-YYYY", 0) == \
        "KPZ-NEW2-NEW3"


def test_a_fault_rendering_the_mail_leaves_it_pending_not_the_complaint_lost(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> str:
        raise KeyError("template field")

    monkeypatch.setattr(deps.emails, "confirmation", broken)
    response = invoke(json_event(complaint_body()))
    assert response["statusCode"] == 201
    [item] = stored_items(deps.settings.table_name)
    assert item["emails"]["confirmation"]["status"] == "pending"
    assert item["emails"]["confirmation"]["last_error"] == "KeyError"
    assert item["emails"]["notification"]["status"] == "sent"


def test_two_workers_on_one_complaint_send_each_email_once(
        deps: Dependencies, emails_waiting: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_form.service import retry_pending_emails

    # GIVEN a complaint whose two e-mails both failed and wait for a retry
    # AND two retries that overlap: while the first sends the confirmation, the second runs
    send = deps.mailer.send
    overlapped: list[int] = []

    def send_while_another_retry_runs(email: Any) -> str:
        monkeypatch.setattr(deps.mailer, "send", send)
        overlapped.append(retry_pending_emails())
        return send(email)

    monkeypatch.setattr(deps.mailer, "send", send_while_another_retry_runs)
    # WHEN both finish, and a third retry runs later
    first = retry_pending_emails()
    third = retry_pending_emails()
    # THEN the second sent the notification, the first the confirmation, the third nothing:
    # each e-mail went out once, and the complaint left the retry index
    assert (overlapped, first, third) == ([1], 1, 0)
    assert sorted(email.to[0] for email in sent_emails()) == ["info@klachtenportaalzorg.nl",
                                                              "sanne@example.nl"]
    [item] = stored_items(deps.settings.table_name)
    assert {record["status"] for record in item["emails"].values()} == {"sent"}
    assert "email_pending" not in item


def test_a_complaint_whose_emails_all_went_out_leaves_the_retry_index_after_all(
        deps: Dependencies, emails_waiting: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_form.dynamodb import StorageUnavailableError
    from complaint_form.service import retry_pending_emails

    # GIVEN a complaint whose e-mails wait for a retry
    # AND a retry that sends them, but whose write taking it out of the index fails
    leave = deps.repository.leave_retry_index

    def throttled(reference: str) -> None:
        raise StorageUnavailableError("ProvisionedThroughputExceededException")

    monkeypatch.setattr(deps.repository, "leave_retry_index", throttled)
    assert retry_pending_emails() == 2
    [item] = stored_items(deps.settings.table_name)
    assert "email_pending" in item
    # WHEN the next retry runs THEN it sends nothing and takes the complaint out of the index
    monkeypatch.setattr(deps.repository, "leave_retry_index", leave)
    assert retry_pending_emails() == 0
    [item] = stored_items(deps.settings.table_name)
    assert "email_pending" not in item
    assert len(sent_emails()) == 2


def test_storage_failing_after_the_complaint_is_stored_still_answers_with_its_reference(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_form.service import retry_pending_emails

    # GIVEN DynamoDB refuses every update after the complaint was written (the one before
    # it, counting the address, goes through)
    failing = Failing(deps.repository.client, "update_item",
                      "ProvisionedThroughputExceededException", times=10, after=1)
    monkeypatch.setattr(deps.repository, "_client", failing)
    # WHEN a complaint comes in
    response = invoke(json_event(complaint_body()))
    # THEN the client gets its reference (it is stored), not "nothing was stored"
    assert response["statusCode"] == 201, response["body"]
    [item] = stored_items(deps.settings.table_name)
    assert item["reference"] in response["body"]
    assert len(sent_emails()) == 2
    # AND the e-mails stay claimed, so a retry right away sends nothing again
    assert retry_pending_emails() == 0


def test_retry_waits_longer_after_each_failure_and_gives_up_with_an_alarm(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_form.service import retry_pending_emails

    # GIVEN an address SES never accepts mail for, and a retry every 5 minutes for a day
    failing = Failing(deps.mailer.client, "send_email", "MessageRejected", times=10_000)
    monkeypatch.setattr(deps.mailer, "_client", failing)
    invoke(json_event(complaint_body()))
    tried_at: list[datetime] = []
    for run in range(1, 24 * 12):
        now = RECEIVED + timedelta(minutes=5 * run)
        monkeypatch.setattr(deps, "clock", lambda now=now: now)
        before = failing.remaining
        retry_pending_emails()
        if failing.remaining < before:
            tried_at.append(now)
    # THEN the attempts come further apart each time (not every run) ...
    gaps = [(b - a).total_seconds() / 60 for a, b in pairwise(tried_at)]
    assert gaps == sorted(gaps) and gaps[-1] > gaps[0], gaps
    # ... and stop at the set number of attempts: the e-mails are failed, out of the retry
    # index, so the complaints body's alarm (EmailFailed) tells staff to reach the person
    [item] = stored_items(deps.settings.table_name)
    limit = deps.settings.email_max_attempts
    assert {r["status"] for r in item["emails"].values()} == {"failed"}
    assert {int(r["attempts"]) for r in item["emails"].values()} == {limit}
    assert "email_pending" not in item
    assert len(tried_at) == limit - 1


def test_copy_confirmed_before_the_first_emails_are_recorded_stays_for_the_retry(
        deps: Dependencies) -> None:
    from complaint_form.models import EmailRecord
    from complaint_form.service import retry_pending_emails

    # GIVEN a complaint with a copy asked for, stored with its first e-mails claimed
    invoke(json_event(complaint_body(send_copy=True)))
    [item] = stored_items(deps.settings.table_name)
    reference = item["reference"]
    # WHEN the address is confirmed before the request that sent the first e-mails records
    # them (say its notification was slow)
    deps.repository.confirm_copy(reference, RECEIVED)
    sent = EmailRecord(status="sent", message_id="m", sent_at=RECEIVED)
    deps.repository.record_emails(reference, {"confirmation": sent, "notification": sent},
                                  RECEIVED)
    # THEN the copy is still waiting in the retry index, and the retry sends it
    [item] = stored_items(deps.settings.table_name)
    assert "email_pending" in item
    assert retry_pending_emails() == 1

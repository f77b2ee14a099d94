"""The e-mails of a stored complaint: each sent once, or left pending for the retry; never
dropped. Before sending, an e-mail is claimed in the table, so two workers cannot both send it.
Each message is tagged with its kenmerk and kind, so SES's report that it accepted the message
records it as sent even when recording that here fails (complaint_form.email_events)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aws_lambda_powertools.metrics import MetricUnit

from complaint_form.dynamodb import EmailAlreadyClaimedError, StorageUnavailableError
from complaint_form.models import EmailKind, EmailRecord, StoredComplaint, email_tags
from complaint_form.observability import logger, metrics
from complaint_form.ses import EmailNotSentError

if TYPE_CHECKING:
    from complaint_form.dependencies import Dependencies
    from complaint_form.ses import Email


def send_emails(complaint: StoredComplaint, deps: Dependencies, *,
                claimed: Collection[EmailKind] = ()) -> StoredComplaint:
    """Send the e-mails not yet sent; `claimed`: those this request already holds (it stored
    them claimed). Only the e-mails this request held or claimed are recorded: another worker
    may be sending the others.

    The complaint is stored already: when storage fails now, the e-mails wait for the retry
    and the client is not told that nothing was stored.
    """
    emails = dict(complaint.emails)
    now = deps.clock()
    if all(record.settled for record in emails.values()):
        # Still in the retry index: the write that took it out must have failed.
        with _saving(complaint.reference):
            deps.repository.leave_retry_index(complaint.reference)
        return complaint
    handled: dict[EmailKind, EmailRecord] = {}
    for kind, record in complaint.emails.items():
        if record.settled or not retry_due(record, now, deps):
            continue
        if kind not in claimed:
            try:
                deps.repository.claim_email(complaint.reference, kind, deps.clock())
            except (EmailAlreadyClaimedError, StorageUnavailableError):
                continue
        emails[kind] = _send(kind, complaint, deps)
        if kind in claimed:
            handled[kind] = emails[kind]
        else:
            with _saving(complaint.reference):
                deps.repository.record_emails(complaint.reference, {kind: emails[kind]},
                                              deps.clock())
    if handled:
        with _saving(complaint.reference):
            deps.repository.record_emails(complaint.reference, handled, deps.clock())
    return complaint.model_copy(update={"emails": emails})


@contextmanager
def _saving(reference: str) -> Iterator[None]:
    """Around saving what became of the e-mails. If storage fails, the e-mails stay claimed
    until the claim is stale; then the retry sends those not saved as sent. A sent one is
    saved as sent by SES's Send report, which comes within seconds (email_events); should that
    report not arrive in time, it goes out twice, which the error in the log and the metric
    report."""
    try:
        yield
    except StorageUnavailableError as exc:
        logger.error("email_state_not_saved", reference=reference, error=str(exc))
        metrics.add_metric(name="EmailStateNotSaved", unit=MetricUnit.Count, value=1)


def retry_due(record: EmailRecord, now: datetime, deps: Dependencies) -> bool:
    """Whether a pending e-mail may be tried now. The retry runs every few minutes; after
    the n-th failed attempt an e-mail waits (2^(n-1) - 1) times the set wait besides: 0, 5,
    15, 35 ... minutes with a wait of 5, so an address that cannot take mail is not tried
    every run, and a passing fault is retried at once."""
    if record.status != "pending" or record.tried_at is None:
        return True
    waits = 2 ** max(record.attempts - 1, 0) - 1
    return now >= record.tried_at + timedelta(
        seconds=waits * deps.settings.email_retry_wait_seconds)


def _send(kind: EmailKind, complaint: StoredComplaint, deps: Dependencies) -> EmailRecord:
    """Send one e-mail: its record, sent, pending, or failed after the last attempt."""
    attempts = complaint.emails[kind].attempts + 1
    now = deps.clock()
    try:
        message_id = deps.mailer.send(render_email(kind, complaint, deps))
    except Exception as exc:
        # The complaint is stored: whatever goes wrong with its e-mail (SES refusing it, or
        # a fault in rendering it) leaves the e-mail pending for the retry and alarms,
        # instead of telling the client their accepted complaint failed.
        error = str(exc) if isinstance(exc, EmailNotSentError) else type(exc).__name__
        if attempts >= deps.settings.email_max_attempts:
            logger.error("email_failed", reference=complaint.reference, email=kind,
                         error=error, attempts=attempts)
            metrics.add_metric(name="EmailFailed", unit=MetricUnit.Count, value=1)
            return EmailRecord(status="failed", attempts=attempts, tried_at=now,
                               last_error=error)
        logger.warning("email_pending", reference=complaint.reference, email=kind, error=error)
        metrics.add_metric(name="EmailPending", unit=MetricUnit.Count, value=1)
        return EmailRecord(status="pending", attempts=attempts, tried_at=now, last_error=error)
    logger.info("email_sent", reference=complaint.reference, email=kind)
    return EmailRecord(status="sent", message_id=message_id, sent_at=now, tried_at=now,
                       attempts=attempts)


def render_email(kind: EmailKind, complaint: StoredComplaint, deps: Dependencies) -> Email:
    """One of the complaint's e-mails, tagged with its kenmerk and kind: SES reports on the
    message with these tags, so its report that it accepted the message reaches the record
    even if recording the send fails (complaint_form.email_events); then the retry does not
    send it twice."""
    if kind == "confirmation":
        email = deps.emails.confirmation(complaint)
    elif kind == "copy":
        email = deps.emails.copy(complaint)
    elif kind == "status_link":
        email = deps.emails.status_link(complaint)
    else:
        email = deps.emails.notification(complaint)
    return replace(email, tags=email_tags(complaint.reference, kind))

"""The service functions behind the routes, the schedule and SES's reports: check a
complaint's answers, submit a complaint, find one, send its copy once the address is
confirmed, show the complainant its status and send that page's link again, send the
e-mails still pending, record what became of a sent e-mail.

A complaint is stored before any e-mail is tried. E-mails that fail stay pending and
`retry_pending_emails` (scheduled) sends them, so nothing is silently dropped.
"""

from __future__ import annotations

from datetime import date, timedelta
from hmac import compare_digest
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer

from complaint_form.delivery import send_emails
from complaint_form.dependencies import Dependencies, get_dependencies
from complaint_form.dynamodb import CopyAlreadyConfirmedError, StorageUnavailableError
from complaint_form.intake import (
    SpamRejectedError,
    new_complaint,
    provider_of,
    receipt_of,
    spam_sign,
)
from complaint_form.models import (
    AMSTERDAM,
    FIRST_EMAILS,
    STATUS_PAGE_DAYS_AFTER_CLOSING,
    TO_COMPLAINANT,
    ComplaintOutline,
    ComplaintRequest,
    CopyLink,
    EmailEvent,
    StatusLinkRequest,
    StoredComplaint,
    SubmissionReceipt,
)
from complaint_form.observability import logger, metrics
from complaint_form.references import is_reference, new_reference
from klachtenportaal.registry import Provider

IDEMPOTENCY = IdempotencyConfig(
    event_key_jmespath="submission_id",
    # A repeat must be the same submission: another body under a used id gets no earlier
    # complaint's answer (IdempotencyValidationError).
    payload_validation_jmespath="@",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=24 * 3600,
)


class ComplaintNotFoundError(Exception):
    """No complaint has this reference, or not with this secret."""


class CopyLinkExpiredError(Exception):
    """The link that confirms the address is past its last day."""


class StatusPageClosedError(Exception):
    """The complaint was closed longer ago than its status page stays open."""


# How often the status link may be asked for again per complaint: nobody can fill a
# complainant's mailbox with it.
STATUS_LINK_INTERVAL = timedelta(minutes=10)


def check_complaint(request: ComplaintRequest, deps: Dependencies | None = None) -> Provider:
    """The provider the answers are about, once they meet every rule a submission must;
    SubmissionInvalidError else. Nothing is stored or counted: the complainant checks the
    answers first, and only sending them stores them."""
    deps = deps or get_dependencies()
    return provider_of(request, deps.registry)


def submit_complaint(*, request: ComplaintRequest, scripted: bool = True,
                     deps: Dependencies | None = None) -> SubmissionReceipt:
    """Accept one form submission: store it, then confirm it by e-mail. `scripted`: sent by
    the page's script (JSON), not as a plain form post.

    Idempotent on `request.submission_id`: a repeat gets the first answer.
    """
    deps = deps or get_dependencies()
    idempotent = idempotent_function(
        data_keyword_argument="request", config=IDEMPOTENCY, persistence_store=deps.idempotency,
        output_serializer=PydanticSerializer(model=SubmissionReceipt))
    receipt: SubmissionReceipt = idempotent(_submit)(request=request, scripted=scripted,
                                                     deps=deps)
    return receipt


def _submit(*, request: ComplaintRequest, scripted: bool,
            deps: Dependencies) -> SubmissionReceipt:
    now = deps.clock()
    sign = spam_sign(request, now, deps.settings.min_fill_seconds, scripted=scripted)
    if sign:
        metrics.add_metric(name="SpamRejected", unit=MetricUnit.Count, value=1)
        logger.info("submission_rejected_as_spam", sign=sign)
        raise SpamRejectedError
    provider = provider_of(request, deps.registry)
    day = now.astimezone(AMSTERDAM).date()
    deps.repository.count_address(request.email, day,
                                  deps.settings.submissions_per_address_per_day)
    complaint = new_complaint(request, provider, deps.registry, reference=new_reference(),
                              now=now, copy_link_days=deps.settings.copy_link_days)
    try:
        stored = deps.repository.add_once(complaint, new_reference)
    except StorageUnavailableError:
        deps.repository.uncount_address(request.email, day)
        raise
    if not isinstance(stored, StoredComplaint):
        # An earlier attempt stored it and then failed: store nothing new. Its e-mails are
        # the retry's: this function cannot read what they hold.
        deps.repository.uncount_address(request.email, day)
        logger.info("submission_resumed", reference=stored.reference)
        return receipt_of(stored)
    logger.info("submission_stored", reference=stored.reference, kind=stored.kind)
    metrics.add_metric(name="ComplaintStored", unit=MetricUnit.Count, value=1)
    return receipt_of(send_emails(stored, deps, claimed=FIRST_EMAILS))


def find_complaint(reference: str, page_secret: str,
                   deps: Dependencies | None = None) -> ComplaintOutline:
    """The complaint whose confirmation page this is."""
    deps = deps or get_dependencies()
    complaint = deps.repository.outline(reference) if is_reference(reference) else None
    if complaint is None or not compare_digest(complaint.page_secret, page_secret):
        raise ComplaintNotFoundError(reference)
    return complaint


def find_copy_link(reference: str, secret: str,
                   deps: Dependencies | None = None) -> tuple[ComplaintOutline, CopyLink]:
    """The complaint whose copy link this is, and the link; CopyLinkExpiredError when it is
    past its last day unused."""
    deps = deps or get_dependencies()
    complaint = deps.repository.outline(reference) if is_reference(reference) else None
    link = complaint.copy_link if complaint else None
    if complaint is None or link is None or not compare_digest(link.secret, secret):
        raise ComplaintNotFoundError(reference)
    if link.confirmed_at is None and deps.clock().astimezone(AMSTERDAM).date() > link.valid_until:
        raise CopyLinkExpiredError(reference)
    return complaint, link


def send_copy(reference: str, secret: str, deps: Dependencies | None = None) -> None:
    """The complainant confirmed the address through the copy link: the copy waits for the
    retry, which sends it within its schedule's interval, once. A second confirmation
    changes nothing; an expired link is refused."""
    deps = deps or get_dependencies()
    _, link = find_copy_link(reference, secret, deps)
    if link.confirmed_at is not None:
        return
    try:
        deps.repository.confirm_copy(reference, deps.clock())
    except CopyAlreadyConfirmedError:
        return
    logger.info("address_confirmed", reference=reference)


def status_page_open_until(complaint: ComplaintOutline) -> date | None:
    """The last day the complainant's status page opens; None while the complaint is open."""
    closed_on = complaint.closed_on
    return closed_on + timedelta(days=STATUS_PAGE_DAYS_AFTER_CLOSING) if closed_on else None


def _status_page_open(complaint: ComplaintOutline, today: date) -> bool:
    open_until = status_page_open_until(complaint)
    return open_until is None or today <= open_until


def view_status(reference: str, secret: str, viewer_ip: str,
                deps: Dependencies | None = None) -> ComplaintOutline:
    """The complaint whose status page this is, once its viewing is in the access log as
    the complainant's own (the link reached only their address); StatusPageClosedError
    past the days after closing that the page stays open."""
    from complaint_form.audit import AccessEntry

    deps = deps or get_dependencies()
    complaint = deps.repository.outline(reference) if is_reference(reference) else None
    if (complaint is None or complaint.status_secret is None
            or not compare_digest(complaint.status_secret, secret)):
        raise ComplaintNotFoundError(reference)
    now = deps.clock()
    if not _status_page_open(complaint, now.astimezone(AMSTERDAM).date()):
        raise StatusPageClosedError(reference)
    deps.access_log.write(AccessEntry(
        event="status_view", at=now, reference=reference, user_id="klager",
        user="klager (link naar de statuspagina)", role="klager", source_ip=viewer_ip,
        outcome="allowed"))
    return complaint


def request_status_link(request: StatusLinkRequest, deps: Dependencies | None = None) -> None:
    """Send the status page's link again to the complainant's address, if `request.email`
    is that address and the page is still open; else do nothing. The caller's answer is the
    same either way, so nobody learns whose address goes with a kenmerk."""
    deps = deps or get_dependencies()
    now = deps.clock()
    complaint = deps.repository.outline(request.reference)
    if complaint is None or not _status_page_open(complaint, now.astimezone(AMSTERDAM).date()):
        logger.info("status_link_not_sent", reference=request.reference)
        return
    asked = deps.repository.request_status_link(complaint, request.email, now,
                                                not_since=now - STATUS_LINK_INTERVAL)
    # The log says whether it goes out, which the answer does not; never the address.
    logger.info("status_link_asked", reference=request.reference, will_send=asked)


def record_email_event(event: EmailEvent, deps: Dependencies | None = None) -> bool:
    """Put what SES reported about a message on the complaint's e-mail; whether it changed
    anything. A Send report records an e-mail as sent whose sender could not record it, so
    the retry does not send it again. A report on another message, or on a complaint or an
    e-mail that does not exist, changes nothing."""
    deps = deps or get_dependencies()
    reference = event.reference if is_reference(event.reference) else None
    known = reference is not None and deps.repository.record_email_event(event)
    # The report names the recipient: the log holds the kenmerk, never the address.
    log: dict[str, Any] = {"reference": reference, "email": event.kind,
                           "event": event.event_type, "detail": event.detail}
    if not known:
        logger.info("email_event_ignored", **log)
        return False
    if event.not_delivered and event.kind in TO_COMPLAINANT:
        logger.warning("email_not_delivered", **log)
        metrics.add_metric(name="EmailNotDelivered", unit=MetricUnit.Count, value=1)
    else:
        logger.info("email_event_recorded", **log)
    return True


def retry_pending_emails(deps: Dependencies | None = None) -> int:
    """Send every e-mail still pending; how many were sent now."""
    deps = deps or get_dependencies()
    sent = 0
    for complaint in deps.repository.with_pending_email():
        before = sum(record.status == "sent" for record in complaint.emails.values())
        after = send_emails(complaint, deps)
        sent += sum(record.status == "sent" for record in after.emails.values()) - before
    logger.info("pending_emails_retried", sent=sent)
    return sent

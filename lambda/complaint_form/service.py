"""The service functions behind the routes, the schedule and SES's reports: check a
complaint's answers, submit a complaint, find one, send its copy once the address is
confirmed, show the complainant its status and send that page's link again, send the
e-mails still pending, record what became of a sent e-mail.

A complaint is stored before any e-mail is tried. E-mails that fail stay pending and
`retry_pending_emails` (scheduled) sends them, so nothing is silently dropped.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from hmac import compare_digest
from typing import Any, NoReturn

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer
from pydantic import TypeAdapter, ValidationError

from complaint_form import messages
from complaint_form.audit import AccessEntry
from complaint_form.delivery import send_emails
from complaint_form.dependencies import Dependencies, get_dependencies
from complaint_form.dynamodb import CopyAlreadyConfirmedError, StorageUnavailableError
from complaint_form.intake import (
    SpamRejectedError,
    SubmissionInvalidError,
    new_complaint,
    provider_of,
    receipt_of,
    spam_sign,
)
from complaint_form.models import (
    AMSTERDAM,
    CLOSED,
    FIRST_EMAILS,
    STATUS_PAGE_DAYS_AFTER_CLOSING,
    TO_COMPLAINANT,
    UPLOAD_ID,
    Attachment,
    ComplaintOutline,
    ComplaintRequest,
    CopyLink,
    EmailEvent,
    FileName,
    StatusLinkRequest,
    StoredComplaint,
    SubmissionReceipt,
    UploadRequest,
    UploadTicket,
)
from complaint_form.observability import logger, metrics
from complaint_form.references import is_reference, new_reference
from complaint_form.uploads import PresignedPost, attachment_key, upload_key
from klachtenportaal import API_PATH
from klachtenportaal.attachments import (
    KINDS,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    kind_named,
    kind_of,
)
from klachtenportaal.i18n import current_language
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
    """The provider the answers are about, once they meet every rule a submission must
    (its attachments too); SubmissionInvalidError else. Nothing is stored or counted: the
    complainant checks the answers first, and only sending them stores them."""
    deps = deps or get_dependencies()
    provider = provider_of(request, deps.registry)
    checked_attachments(request, deps)
    return provider


def presign_upload(request: UploadRequest, deps: Dependencies | None = None) -> UploadTicket:
    """Where and how the browser uploads one file for the submission: straight to S3, with
    a policy that holds the file's type and the largest size. The file is checked by its
    content when the answers are checked and sent."""
    deps = deps or get_dependencies()
    name = request.name
    if request.content_type not in KINDS:
        raise SubmissionInvalidError({"attachments": messages.attachment_kind(name)})
    if request.size > MAX_FILE_BYTES:
        raise SubmissionInvalidError({"attachments": messages.attachment_too_large(name)})
    if request.size == 0:
        raise SubmissionInvalidError({"attachments": messages.attachment_empty(name)})
    upload_id = secrets.token_urlsafe(12)
    post = deps.uploads.presign(upload_key(request.submission_id, upload_id),
                                request.content_type)
    return UploadTicket(id=upload_id, url=post.url, fields=post.fields)


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file that passed the checks: as its complaint keeps it, and where and in
    which version it was checked (the one to keep)."""

    attachment: Attachment
    uploaded: str
    version: str | None

    def keep(self, deps: Dependencies) -> None:
        deps.uploads.attach(self.uploaded, self.version, self.attachment.key)


def checked_attachments(request: ComplaintRequest, deps: Dependencies) -> list[CheckedUpload]:
    """The submission's uploaded files, once each passes `checked_upload` and together they
    are not too large; SubmissionInvalidError naming the first that does not."""
    folder = str(request.submission_id)
    checked = [checked_upload(upload_key(folder, ref.id), attachment_key(folder, ref.id),
                              ref.id, ref.name, deps) for ref in request.attachments]
    if sum(upload.attachment.size for upload in checked) > MAX_TOTAL_BYTES:
        raise SubmissionInvalidError({"attachments": messages.attachments_too_large_together()})
    return checked


def checked_upload(uploaded: str, kept: str, upload_id: str, name: str,
                   deps: Dependencies) -> CheckedUpload:
    """The file uploaded under key `uploaded` as its complaint keeps it (under key `kept`),
    once it is there, not too large, one of the kinds the form takes by its first bytes, and
    not found to hold malware (a file not scanned yet is taken: staff can open it only once
    it is found clean); SubmissionInvalidError with a message naming it else."""
    upload = deps.uploads.uploaded(uploaded)
    if upload is None:
        _refuse(upload_id, messages.attachment_missing(name))
    # Taken as what its content is (a photo named .jpg may be a HEIC one); a file that is no
    # kind the form takes is refused, named after what it claimed to be, if anything.
    kind = kind_of(upload.head)
    if upload.size > MAX_FILE_BYTES:
        _refuse(upload_id, messages.attachment_too_large(name))
    if kind is None:
        declared = upload.content_type if upload.content_type in KINDS else kind_named(name)
        _refuse(upload_id, messages.attachment_not_its_kind(name, KINDS[declared].label)
                if declared else messages.attachment_kind(name))
    if upload.scan == "infected":
        _refuse(upload_id, messages.attachment_infected(name))
    return CheckedUpload(
        attachment=Attachment(id=upload_id, name=name, content_type=kind, size=upload.size,
                              key=kept),
        uploaded=uploaded, version=upload.version)


def _refuse(upload_id: str, message: str) -> NoReturn:
    logger.info("attachment_refused", upload=upload_id)
    raise SubmissionInvalidError({"attachments": message})


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
    checked = checked_attachments(request, deps)
    day = now.astimezone(AMSTERDAM).date()
    deps.repository.count_address(request.email, day,
                                  deps.settings.submissions_per_address_per_day)
    # Copied under the submission's id before the complaint is stored, so a repeat after a
    # failure copies them to the same place again.
    try:
        for upload in checked:
            upload.keep(deps)
    except StorageUnavailableError:
        deps.repository.uncount_address(request.email, day)
        raise
    complaint = new_complaint(request, provider, deps.registry, reference=new_reference(),
                              now=now, copy_link_days=deps.settings.copy_link_days,
                              attachments=[upload.attachment for upload in checked])
    try:
        stored = deps.repository.add_once(complaint, new_reference)
    except StorageUnavailableError:
        deps.repository.uncount_address(request.email, day)
        # No complaint lists the copies: they go (sent again, the files are copied again).
        deps.uploads.delete([upload.attachment.key for upload in checked])
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
    return _with_secret(reference, page_secret, lambda found: found.page_secret,
                        deps or get_dependencies())


def _with_secret(reference: str, secret: str,
                 secret_of: Callable[[ComplaintOutline], str | None],
                 deps: Dependencies) -> ComplaintOutline:
    """The complaint, if `secret` is the one its page's path holds (`secret_of`);
    ComplaintNotFoundError else, whichever of the two is wrong."""
    complaint = deps.repository.outline(reference) if is_reference(reference) else None
    expected = secret_of(complaint) if complaint else None
    if complaint is None or expected is None or not compare_digest(expected, secret):
        raise ComplaintNotFoundError(reference)
    _speak_the_complaints_language(complaint)
    return complaint


def _speak_the_complaints_language(complaint: ComplaintOutline) -> None:
    """A complainant's own pages, their errors included, are in the complaint's language,
    whatever the browser asks for."""
    current_language.set(complaint.language)


# Without script, S3 refuses a file over the form's limit with its own English page: it
# takes up to this much, so that the check answers a file over the limit in the reader's
# language.
LATER_UPLOAD_BYTES = 5 * MAX_FILE_BYTES


class AttachmentRefusedError(Exception):
    """A file added after sending was not taken; the message says why."""


@dataclass(frozen=True)
class Confirmation:
    """The confirmation page of a submission, with the form that adds a file to it (a post
    straight to S3, for the page without script): None once no file can be added (closed,
    erased, or as many files as a complaint takes)."""

    complaint: ComplaintOutline
    upload: PresignedPost | None


def _takes_files(complaint: ComplaintOutline) -> bool:
    return (complaint.status not in CLOSED and complaint.erased_at is None
            and len(complaint.attachment_ids) < MAX_FILES)


def confirmation(reference: str, page_secret: str,
                 deps: Dependencies | None = None) -> Confirmation:
    """The confirmation page of a submission, with a fresh upload form: S3 names the file
    in its key, and sends the browser back to `add_attachment` with that key."""
    deps = deps or get_dependencies()
    complaint = find_complaint(reference, page_secret, deps)
    if not _takes_files(complaint):
        return Confirmation(complaint=complaint, upload=None)
    upload_id = secrets.token_urlsafe(12)
    back = (f"{deps.settings.site_url.rstrip('/')}{API_PATH}/{reference}/bijlagen/"
            f"{page_secret}/{upload_id}")
    upload = deps.uploads.presign(upload_key(reference, upload_id) + "/${filename}", None,
                                  max_bytes=LATER_UPLOAD_BYTES, redirect=back)
    return Confirmation(complaint=complaint, upload=upload)


def add_attachment(reference: str, page_secret: str, upload_id: str, key: str,
                   deps: Dependencies | None = None) -> ComplaintOutline:
    """Keep a file uploaded from the confirmation page (key: where S3 put it, named by the
    file) with its stored complaint, once it passes the same checks as a file sent with the
    form, and the complaint stays within the limits; AttachmentRefusedError else. Returns the
    complaint as it was read before the file was added."""
    deps = deps or get_dependencies()
    if not UPLOAD_ID.fullmatch(upload_id):
        raise ComplaintNotFoundError(reference)
    complaint = find_complaint(reference, page_secret, deps)
    folder = upload_key(reference, upload_id) + "/"
    if upload_id in complaint.attachment_ids:
        return complaint  # S3's way back, opened again: kept already
    if not key.startswith(folder) or not _takes_files(complaint):
        raise AttachmentRefusedError(messages.attachments_closed() if key.startswith(folder)
                                     else messages.attachment_missing(messages.this_file()))
    try:
        name = TypeAdapter(FileName).validate_python(key.removeprefix(folder))
        checked = checked_upload(key, attachment_key(reference, upload_id), upload_id, name,
                                 deps)
    except ValidationError as exc:
        raise AttachmentRefusedError(messages.attachment_kind(messages.this_file())) from exc
    except SubmissionInvalidError as exc:
        raise AttachmentRefusedError(exc.errors["attachments"]) from exc
    if complaint.attachment_bytes + checked.attachment.size > MAX_TOTAL_BYTES:
        raise AttachmentRefusedError(messages.attachments_full())
    checked.keep(deps)
    if not deps.repository.add_attachment(reference, checked.attachment, MAX_FILES,
                                          MAX_TOTAL_BYTES):
        # Another request added it, or filled or closed the complaint, in the meantime.
        now = find_complaint(reference, page_secret, deps)
        if upload_id not in now.attachment_ids:
            # Not the complaint's: the copy goes (only a listed file is deleted later).
            deps.uploads.delete([checked.attachment.key])
            raise AttachmentRefusedError(messages.attachments_full())
    logger.info("attachment_added", reference=reference)
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
    _speak_the_complaints_language(complaint)
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


@dataclass(frozen=True)
class StatusView:
    """What the complainant's status page says, decided here so that each statement holds
    for this complaint: a deadline only while it can still be met, a body by its name."""

    complaint: ComplaintOutline
    open_until: date | None  # the page's last day, once the complaint is closed
    contact_due: bool  # open, no contact yet, and its deadline still to come
    contact_late: bool  # open, no contact yet, and its deadline past
    judgement_due: bool  # the provider's judgement still to come within its term
    judgement_late: bool  # open, no judgement recorded, and its term past
    commission: str | None  # the body the regime's route ends at, by its registry name


def view_status(reference: str, secret: str, viewer_ip: str,
                deps: Dependencies | None = None) -> StatusView:
    """The status page of a complaint, once its viewing is in the access log as the
    complainant's own (the link reached only their address); StatusPageClosedError past the
    days after closing that the page stays open."""
    deps = deps or get_dependencies()
    complaint = _with_secret(reference, secret, lambda found: found.status_secret, deps)
    now = deps.clock()
    today = now.astimezone(AMSTERDAM).date()
    if not _status_page_open(complaint, today):
        raise StatusPageClosedError(reference)
    deps.access_log.write(AccessEntry(
        event="status_view", at=now, reference=reference, user_id="klager",
        user="klager (link naar de statuspagina)", role="klager", source_ip=viewer_ip,
        outcome="allowed"))
    open_complaint = complaint.status not in CLOSED
    # The deadlines still awaited: contact not made, judgement not given, complaint open.
    contact_by = complaint.deadlines.contact_by \
        if open_complaint and complaint.contact_made_at is None else None
    judgement_by = complaint.judgement_due \
        if open_complaint and complaint.judgement_on is None else None
    final_body = (complaint.regeling or {}).get("final_body") or {}
    commission = deps.registry.portal.commissions.get(final_body.get("commission", ""))
    return StatusView(
        complaint=complaint, open_until=status_page_open_until(complaint),
        contact_due=contact_by is not None and today <= contact_by,
        contact_late=contact_by is not None and today > contact_by,
        judgement_due=judgement_by is not None and today <= judgement_by,
        judgement_late=judgement_by is not None and today > judgement_by,
        commission=commission.name if commission else None)


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

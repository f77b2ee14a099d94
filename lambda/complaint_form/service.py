"""The complaint service: validate against the registry, store, then send the e-mails.

A complaint is stored before any e-mail is tried. E-mails that fail stay marked as pending
and are sent by `retry_pending_emails` (scheduled), so nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.serialization.pydantic import PydanticSerializer

from complaint_form import messages
from complaint_form.dynamodb import (
    ComplaintRepository,
    EmailAlreadyClaimedError,
    ReferenceTakenError,
)
from complaint_form.models import (
    ComplaintDeadlines,
    ComplaintDetails,
    ComplaintRequest,
    EmailKind,
    EmailRecord,
    Person,
    StoredComplaint,
    SubmissionReceipt,
)
from complaint_form.references import new_reference
from complaint_form.ses import Email, EmailNotSentError, Mailer
from complaint_form.settings import Settings, get_settings

if TYPE_CHECKING:
    from complaint_form.emails import EmailRenderer
    from klachtenportaal.registry import Provider, Registry

logger = Logger(service="complaint-form")
metrics = Metrics(namespace="Klachtenportaal", service="complaint-form")

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
EMAIL_KINDS: tuple[EmailKind, ...] = ("confirmation", "notification")


class SubmissionInvalidError(Exception):
    """The submission breaks a rule; `errors` holds one Dutch message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


class SpamRejectedError(Exception):
    """The honeypot was filled or the form was sent faster than a person can."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """What the service needs from outside; built once per cold start, replaced in tests.

    The registry, templates and holiday calendar are loaded on first use rather than at
    import: a cold start then costs only what the first request needs.
    """

    settings: Settings
    repository: ComplaintRepository
    mailer: Mailer
    clock: Callable[[], datetime] = _utc_now

    @cached_property
    def registry(self) -> Registry:
        from complaint_form.registry_source import load_registry_file

        return load_registry_file(self.settings.registry_path)

    @cached_property
    def renderer(self) -> EmailRenderer:
        from complaint_form.emails import EmailRenderer

        return EmailRenderer()

    def reload_registry(self, registry: Registry | None = None) -> None:
        """Use `registry`, or load it again on next use (local runs, after an edit)."""
        self.__dict__.pop("registry", None)
        if registry is not None:
            self.__dict__["registry"] = registry


@lru_cache(maxsize=1)
def get_services() -> Services:
    settings = get_settings()
    return Services(
        settings=settings,
        repository=ComplaintRepository(settings.table_name),
        mailer=Mailer(settings.sender_email),
    )


idempotency_config = IdempotencyConfig(
    event_key_jmespath="submission_id",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=24 * 3600,
)


def submit_complaint(*, request: ComplaintRequest,
                     services: Services | None = None) -> SubmissionReceipt:
    """Accept one form submission: store it, then confirm it by e-mail.

    Idempotent on `request.submission_id`: a repeat returns the first answer.
    """
    receipt: SubmissionReceipt = _idempotent_submit()(request=request, services=services)
    return receipt


@lru_cache(maxsize=1)
def _idempotent_submit() -> Callable[..., SubmissionReceipt]:
    # Made on first use: the persistence layer creates a boto3 client, which would
    # otherwise be paid for in every cold start, even one that only answers a preflight.
    persistence = DynamoDBPersistenceLayer(table_name=get_settings().idempotency_table_name)
    decorate = idempotent_function(
        data_keyword_argument="request",
        config=idempotency_config,
        persistence_store=persistence,
        output_serializer=PydanticSerializer(model=SubmissionReceipt),
    )
    submit: Callable[..., SubmissionReceipt] = decorate(_submit)
    return submit


def _submit(*, request: ComplaintRequest, services: Services | None = None) -> SubmissionReceipt:
    services = services or get_services()
    _reject_spam(request, services)
    provider = _check_against_registry(request, services.registry)
    complaint, earlier = _store(_new_complaint(request, provider, services), services)
    if earlier:
        # An earlier attempt stored it and then failed: finish that one, store nothing new.
        logger.info("submission_resumed", reference=complaint.reference)
        complaint = _send_emails(complaint, services, claimed=False)
    else:
        logger.info("submission_stored", reference=complaint.reference, kind=complaint.kind)
        metrics.add_metric(name="ComplaintStored", unit=MetricUnit.Count, value=1)
        complaint = _send_emails(complaint, services, claimed=True)
    return SubmissionReceipt(
        reference=complaint.reference,
        kind=complaint.kind,
        provider_name=complaint.provider_name,
        received_on=complaint.received_on,
        contact_by=complaint.deadlines.contact_by,
        judgement_by=complaint.deadlines.judgement_by,
        confirmation_email="sent" if complaint.emails["confirmation"].status == "sent"
        else "pending",
    )


def retry_pending_emails(services: Services | None = None) -> int:
    """Send every e-mail still pending; returns how many were sent now."""
    services = services or get_services()
    sent = 0
    for complaint in services.repository.with_pending_email():
        before = sum(record.status == "sent" for record in complaint.emails.values())
        after = _send_emails(complaint, services, claimed=False)
        sent += sum(record.status == "sent" for record in after.emails.values()) - before
    logger.info("pending_emails_retried", sent=sent)
    return sent


def _reject_spam(request: ComplaintRequest, services: Services) -> None:
    too_fast = (
        request.form_started_at is not None
        and services.clock().timestamp() - request.form_started_at / 1000
        < services.settings.min_fill_seconds
    )
    if request.website or too_fast:
        metrics.add_metric(name="SpamRejected", unit=MetricUnit.Count, value=1)
        logger.info("submission_rejected_as_spam", honeypot=bool(request.website),
                    too_fast=too_fast)
        raise SpamRejectedError


def _check_against_registry(request: ComplaintRequest, registry: Registry) -> Provider:
    errors = {name: messages.missing(name) for name in request.consistency_errors()}
    provider = registry.provider(request.provider)
    if provider is None:
        errors["provider"] = messages.invalid("provider")
    elif request.regeling is not None and request.regeling not in provider.regelingen:
        errors["regeling"] = messages.invalid("regeling")
    if errors or provider is None:
        raise SubmissionInvalidError(errors)
    return provider


def _new_complaint(request: ComplaintRequest, provider: Provider,
                   services: Services) -> StoredComplaint:
    from klachtenportaal.deadlines import compute_deadlines

    registry = services.registry
    now = services.clock()
    received_on = now.astimezone(AMSTERDAM).date()
    regeling_key = request.regeling or (
        provider.regelingen[0] if len(provider.regelingen) == 1 else None)
    regeling = registry.regelingen[regeling_key] if regeling_key else None
    # Advice starts no procedure, so it has no judgement term.
    terms = regeling.terms if regeling is not None and request.kind == "klacht" else None
    deadlines = compute_deadlines(received_on, registry.portal.contact_within_working_days, terms)
    claimed = EmailRecord(status="sending", claimed_at=now)
    return StoredComplaint(
        reference=new_reference(),
        submission_id=str(request.submission_id),
        kind=request.kind,
        received_at=now,
        received_on=received_on,
        provider_slug=provider.slug,
        provider=provider.model_dump(mode="json"),
        regeling_key=regeling_key,
        # The regime as far as this complaint depends on it; its page text is not needed.
        regeling=regeling.model_dump(
            mode="json", include={"name", "law", "title", "commission", "terms"},
        ) if regeling else None,
        portal=registry.portal.model_dump(
            mode="json", include={"name", "email", "phone", "phone_hours", "address",
                                  "website", "contact_within_working_days"}),
        deadlines=ComplaintDeadlines(
            contact_by=deadlines.contact_by,
            judgement_by=deadlines.judgement_by,
            judgement_extended_by=deadlines.judgement_extended_by,
        ),
        complainant=Person(
            name=request.name, email=request.email, phone=request.phone,
            role=request.role, relation=request.relation, client_name=request.client_name,
            contact_preference=request.contact_preference,
        ),
        complaint=ComplaintDetails(
            description=request.description, occurred_on=request.occurred_on,
            desired_outcome=request.desired_outcome,
            discussed_with_provider=request.discussed_with_provider,
            wants_officer_support=request.wants_officer_support, send_copy=request.send_copy,
        ),
        consent_given_at=now,
        emails={kind: claimed for kind in EMAIL_KINDS},
        expires_at=int((now + timedelta(days=services.settings.retention_days)).timestamp()),
    )


def _store(complaint: StoredComplaint, services: Services,
           attempts: int = 5) -> tuple[StoredComplaint, bool]:
    """Store `complaint` unless its submission was stored before; then return that one.

    The submission id is claimed first, with the reference it will get; a retry after a
    failure finds the claim and goes on with the complaint it names (writing it, if the
    failure came between the claim and the complaint).
    """
    repository = services.repository
    reference = repository.claim_submission(complaint.submission_id, complaint.reference,
                                            complaint.expires_at)
    if reference != complaint.reference:
        earlier = repository.get(reference)
        if earlier is not None:
            return earlier, True
        complaint = complaint.model_copy(update={"reference": reference})
    for _ in range(attempts):
        try:
            repository.add(complaint)
            return complaint, False
        except ReferenceTakenError:
            complaint = complaint.model_copy(update={"reference": new_reference()})
            repository.claim_submission(complaint.submission_id, complaint.reference,
                                        complaint.expires_at, replace=True)
    raise ReferenceTakenError("no free reference found")


def _email_for(kind: EmailKind, complaint: StoredComplaint, services: Services) -> Email:
    if kind == "confirmation":
        return services.renderer.confirmation(complaint)
    return services.renderer.notification(complaint, services.settings.notification_email)


def _send_emails(complaint: StoredComplaint, services: Services, *,
                 claimed: bool) -> StoredComplaint:
    """Send the e-mails not yet sent; `claimed` when this request already holds them."""
    emails = dict(complaint.emails)
    for kind in EMAIL_KINDS:
        record = emails[kind]
        if record.status == "sent":
            continue
        now = services.clock()
        if not claimed:
            try:
                services.repository.claim_email(complaint.reference, kind, now)
            except EmailAlreadyClaimedError:
                continue
        attempts = record.attempts + 1
        try:
            message_id = services.mailer.send(_email_for(kind, complaint, services))
        except Exception as exc:
            # The complaint is stored: whatever goes wrong with its e-mail (SES refusing it,
            # or a fault in rendering it) leaves the e-mail pending for the retry and alarms,
            # instead of telling the client their accepted complaint failed.
            error = str(exc) if isinstance(exc, EmailNotSentError) else type(exc).__name__
            emails[kind] = EmailRecord(status="pending", attempts=attempts, last_error=error)
            logger.warning("email_pending", reference=complaint.reference, email=kind,
                           error=error)
            metrics.add_metric(name="EmailPending", unit=MetricUnit.Count, value=1)
        else:
            emails[kind] = EmailRecord(status="sent", message_id=message_id,
                                       sent_at=services.clock(), attempts=attempts)
            logger.info("email_sent", reference=complaint.reference, email=kind)
        if not claimed:
            services.repository.record_emails(complaint.reference, emails)
    if claimed:
        services.repository.record_emails(complaint.reference, emails)
    return complaint.model_copy(update={"emails": emails})

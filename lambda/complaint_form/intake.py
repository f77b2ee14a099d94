"""What a submission must meet, and the complaint it becomes. No AWS here: the service calls
these rules and stores what they make."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from complaint_form import messages
from complaint_form.models import (
    AMSTERDAM,
    FIRST_EMAILS,
    Attachment,
    ComplaintDeadlines,
    ComplaintDetails,
    ComplaintOutline,
    ComplaintRequest,
    CopyLink,
    EmailRecord,
    Person,
    StoredComplaint,
    SubmissionReceipt,
    new_secret,
)
from klachtenportaal import API_PATH

if TYPE_CHECKING:
    from klachtenportaal.registry import Provider, Registry


class SubmissionInvalidError(Exception):
    """The submission breaks a rule; `errors` holds one message per field, in the reader's
    language."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


class SpamRejectedError(Exception):
    """The honeypot was filled or the form was sent faster than a person can."""


def spam_sign(request: ComplaintRequest, now: datetime, min_fill_seconds: int, *,
              scripted: bool) -> str | None:
    """Why the submission looks like spam ("honeypot", "no_start_time", "too_fast"), or None.
    `scripted`: sent as JSON, which only the page's script does, and always with the time the
    form was shown; without script the honeypot and the limits do the work."""
    if request.website:
        return "honeypot"
    if scripted and request.form_started_at is None:
        return "no_start_time"
    if (request.form_started_at is not None
            and now.timestamp() - request.form_started_at / 1000 < min_fill_seconds):
        return "too_fast"
    return None


def provider_of(request: ComplaintRequest, registry: Registry) -> Provider:
    """The provider complained about, once every rule across fields and the registry holds."""
    errors = {name: messages.missing(name) for name in request.consistency_errors()}
    provider = registry.provider(request.provider)
    if provider is None:
        errors["provider"] = messages.invalid("provider")
    elif request.regeling is not None and request.regeling not in provider.regelingen:
        errors["regeling"] = messages.invalid("regeling")
    if errors or provider is None:
        raise SubmissionInvalidError(errors)
    return provider


def new_complaint(request: ComplaintRequest, provider: Provider, registry: Registry, *,
                  reference: str, now: datetime, copy_link_days: int,
                  attachments: list[Attachment] | None = None) -> StoredComplaint:
    """The complaint as it is stored: with its deadlines, a snapshot of the registry entries
    it depends on, its first e-mails claimed by the request that stores it, and the secrets
    of its confirmation page, its status page and (when a copy was asked for) its copy
    link. It never expires while open: closing it sets when it is deleted."""
    from klachtenportaal.deadlines import compute_deadlines

    received_on = now.astimezone(AMSTERDAM).date()
    # What the complainant's e-mails and pages say of the regime and of us, in their language
    registry = registry.in_language(request.language)
    regeling_key = request.regeling or (
        provider.regelingen[0] if len(provider.regelingen) == 1 else None)
    regeling = registry.regelingen[regeling_key] if regeling_key else None
    # Advice starts no procedure, so it has no judgement term; and its date is known only
    # when the provider's term starts with the complaint's receipt here.
    terms = (regeling.terms if regeling is not None and request.kind == "klacht"
             and provider.term_start == "portal" else None)
    deadlines = compute_deadlines(received_on, registry.portal.contact_within_working_days, terms)
    claimed = EmailRecord(status="sending", claimed_at=now)
    return StoredComplaint(
        reference=reference,
        submission_id=str(request.submission_id),
        kind=request.kind,
        language=request.language,
        received_at=now,
        received_on=received_on,
        provider_slug=provider.slug,
        provider=provider.model_dump(mode="json"),
        regeling_key=regeling_key,
        # The regime as far as this complaint depends on it; its page text is not needed.
        regeling=regeling.model_dump(
            mode="json", include={"name", "law", "title", "final_body", "terms"},
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
        attachments=attachments or [],
        attachment_ids=[attachment.id for attachment in attachments or []],
        attachment_bytes=sum(attachment.size for attachment in attachments or []),
        consent_given_at=now,
        emails={kind: claimed for kind in FIRST_EMAILS},
        page_secret=new_secret(),
        status_secret=new_secret(),
        copy_link=CopyLink(secret=new_secret(),
                           valid_until=received_on + timedelta(days=copy_link_days),
                           ) if request.send_copy else None,
    )


def receipt_of(complaint: ComplaintOutline) -> SubmissionReceipt:
    return SubmissionReceipt(
        reference=complaint.reference,
        kind=complaint.kind,
        provider_name=complaint.provider_name,
        received_on=complaint.received_on,
        contact_by=complaint.deadlines.contact_by,
        judgement_by=complaint.deadlines.judgement_by,
        judgement_weeks=complaint.judgement_weeks,
        term_start=complaint.term_start,
        confirmation_email="sent" if complaint.emails["confirmation"].status == "sent"
        else "pending",
        confirmation_page=confirmation_page(complaint),
    )


def confirmation_page(complaint: ComplaintOutline) -> str:
    return f"{API_PATH}/{complaint.reference}/ontvangstbevestiging/{complaint.page_secret}"


def copy_link(complaint: ComplaintOutline, link: CopyLink) -> str:
    """Path of the page that confirms the address and sends the copy."""
    return f"{API_PATH}/{complaint.reference}/kopie/{link.secret}"


def status_page(complaint: ComplaintOutline) -> str:
    """Path of the complainant's status page (its secret is None only before the upgrade)."""
    return f"{API_PATH}/{complaint.reference}/status/{complaint.status_secret}"

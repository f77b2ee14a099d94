"""A complainant's rights over their data (AVG), answered by a beheerder from the dossier:
everything stored about them (inzage), correction of their contact details, and erasure.
Each is in the access log; corrections and erasures also in the dossier's history."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from complaint_form.dependencies import Dependencies, get_dependencies
from complaint_form.dynamodb import ChangedMeanwhileError
from complaint_form.models import (
    TO_COMPLAINANT,
    EmailKind,
    HistoryEntry,
    OutcomeText,
    ShortText,
    StoredComplaint,
)
from complaint_form.references import is_reference
from complaint_form.service import ComplaintNotFoundError
from complaint_form.staff_service import (
    ADMINISTRATORS,
    Dossier,
    StaffUser,
    Version,
    log_access,
    require_role,
)
from klachtenportaal.fields import EmailAddress, PhoneNumber
from klachtenportaal.formatting import template_environment

# What stays of what was typed, once erased.
ERASED = "[gewist]"
# History entries whose text staff typed about the person.
_TYPED_IN_HISTORY = frozenset({"note", "extension"})


class SubjectAccess(BaseModel):
    """Everything stored about the complainant of one complaint: the data as JSON, and the
    same as a page a person can read."""

    reference: str
    data: dict[str, Any]
    html: str


class ContactCorrection(BaseModel):
    """New contact details; those left out stay as they are."""

    version: Version
    name: ShortText | None = None
    email: EmailAddress | None = None
    phone: PhoneNumber | None = None

    @model_validator(mode="after")
    def one_given(self) -> ContactCorrection:
        if self.name is None and self.email is None and self.phone is None:
            raise ValueError("name, email or phone: at least one")
        return self


class ErasureRequest(BaseModel):
    version: Version
    reason: OutcomeText = Field(description="Why, and what the law requires to be kept.")


def _complaint(deps: Dependencies, user: StaffUser, event: Literal[
        "subject_access", "correction", "erasure"], reference: str) -> StoredComplaint:
    require_role(deps, user, ADMINISTRATORS, event, reference)
    complaint = deps.repository.get(reference) if is_reference(reference) else None
    if complaint is None:
        log_access(deps, user, event, reference, "not_found")
        raise ComplaintNotFoundError(reference)
    return complaint


def subject_access(user: StaffUser, reference: str,
                   deps: Dependencies | None = None) -> SubjectAccess:
    """Everything stored about the complainant: the complaint as staff see it, and who
    read or changed it (the access log)."""
    deps = deps or get_dependencies()
    complaint = _complaint(deps, user, "subject_access", reference)
    log_access(deps, user, "subject_access", reference, "allowed")
    access = deps.access_log.of(reference)
    # Who read it, by role: the staff's own identities and addresses are not the
    # complainant's data.
    data = {"klacht": Dossier.of(complaint).complaint,
            "toegang": [entry.model_dump(mode="json", include={"at", "role", "event"})
                        for entry in access]}
    html = template_environment("complaint_form").get_template("subject_access.html").render(
        complaint=complaint, access=access)
    return SubjectAccess(reference=reference, data=data, html=html)


def _save(deps: Dependencies, user: StaffUser, event: Literal["correction", "erasure"],
          changed: StoredComplaint, version: int, fields: set[str],
          give_up: tuple[EmailKind, ...] = (), forget_errors: bool = False) -> Dossier:
    try:
        deps.repository.rewrite(changed, version, fields, give_up, forget_errors)
    except ChangedMeanwhileError:
        log_access(deps, user, event, changed.reference, "conflict")
        raise
    log_access(deps, user, event, changed.reference, "allowed")
    stored = deps.repository.get(changed.reference)
    if stored is None:
        raise ComplaintNotFoundError(changed.reference)
    return Dossier.of(stored)


def _unsent(complaint: StoredComplaint, kinds: tuple[EmailKind, ...]) -> tuple[EmailKind, ...]:
    return tuple(kind for kind in kinds
                 if kind in complaint.emails and not complaint.emails[kind].settled)


_FIELD_NAMES = {"name": "naam", "email": "e-mailadres", "phone": "telefoonnummer"}


def correct_contact(user: StaffUser, reference: str, correction: ContactCorrection,
                    deps: Dependencies | None = None) -> Dossier:
    """Correct the complainant's name, e-mail address or phone; the history names what was
    corrected, not the old values (they are gone)."""
    deps = deps or get_dependencies()
    complaint = _complaint(deps, user, "correction", reference)
    new = correction.model_dump(include=set(_FIELD_NAMES), exclude_none=True)
    entry = HistoryEntry(at=deps.clock(), user=user.username, action="correction",
                         detail=", ".join(_FIELD_NAMES[name] for name in new) + " verbeterd")
    changed = complaint.model_copy(update={
        "complainant": complaint.complainant.model_copy(update=new),
        "history": [*complaint.history, entry]})
    if "email" not in new:
        return _save(deps, user, "correction", changed, correction.version,
                     {"complainant", "history"})
    # Nobody confirmed the new address: the copy, which quotes the complaint, is not sent
    # to it, and the old address's link no longer confirms anything.
    return _save(deps, user, "correction", changed.model_copy(update={"copy_link": None}),
                 correction.version, {"complainant", "history", "copy_link"},
                 give_up=_unsent(complaint, ("copy",)))


def erase(user: StaffUser, reference: str, request: ErasureRequest,
          deps: Dependencies | None = None) -> Dossier:
    """Erase what the complainant typed and what identifies them, and the files they sent;
    the case (kenmerk, provider, dates, status, deadlines) stays until its retention ends, as
    the law may require. The reason is in the history."""
    deps = deps or get_dependencies()
    complaint = _complaint(deps, user, "erasure", reference)
    now = deps.clock()
    person = complaint.complainant.model_copy(update={
        "name": ERASED, "email": ERASED, "phone": None, "relation": None, "client_name": None})
    details = complaint.complaint.model_copy(update={
        "description": ERASED, "desired_outcome": ERASED, "occurred_on": None})
    history = [entry.model_copy(update={"detail": ERASED})
               if entry.action in _TYPED_IN_HISTORY else entry for entry in complaint.history]
    history.append(HistoryEntry(at=now, user=user.username, action="erasure",
                                detail=request.reason))
    extension = complaint.extension.model_copy(update={"reason": ERASED}) \
        if complaint.extension else None
    changed = complaint.model_copy(update={
        "complainant": person, "complaint": details, "history": history,
        "extension": extension, "copy_link": None, "erased_at": now, "attachments": [],
        "attachment_ids": [], "attachment_bytes": 0})
    if complaint.version != request.version:
        # Refused before the files go (the write below would refuse it too).
        log_access(deps, user, "erasure", reference, "conflict")
        raise ChangedMeanwhileError(reference)
    # The files go first: should saving fail, the erasure is done again, and no file of
    # the person stays behind in the meantime.
    deps.uploads.delete([attachment.key for attachment in complaint.attachments])
    # An e-mail to the erased address is not sent; SES's error texts may name the address.
    return _save(deps, user, "erasure", changed, request.version,
                 {"complainant", "complaint", "history", "extension", "copy_link",
                  "erased_at", "attachments", "attachment_ids", "attachment_bytes"},
                 give_up=_unsent(complaint, TO_COMPLAINANT), forget_errors=True)

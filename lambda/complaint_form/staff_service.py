"""The service functions of the behandelomgeving: the inbox, a dossier and its access log.
Every read of complaint data is written to the access log first (NEN 7513): no entry, no
data."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, Field

from complaint_form import exports
from complaint_form.audit import AccessEntry, AccessEvent, Outcome
from complaint_form.dependencies import Dependencies, get_dependencies
from complaint_form.dynamodb import ChangedMeanwhileError, InboxFilters, PageKeyInvalidError
from complaint_form.figures import YearFigures, year_figures
from complaint_form.models import (
    AMSTERDAM,
    CLOSED,
    TRANSITIONS,
    Extension,
    HistoryEntry,
    InboxEntry,
    OutcomeText,
    PastDate,
    Status,
    StoredComplaint,
)
from complaint_form.references import is_reference
from complaint_form.service import ComplaintNotFoundError
from complaint_form.uploads import ScanResult
from klachtenportaal.privacy import DOSSIER_READERS

# The roles the privacy page names as those who may open a dossier.
OFFICERS = frozenset(DOSSIER_READERS)
ADMINISTRATORS = frozenset({"beheerder"})
PAGE_SIZE = 50


class NotAllowedError(Exception):
    """The signed-in user's role does not allow this."""


class BadPageTokenError(Exception):
    """The page token is not one this API gave."""


class TransitionNotAllowedError(Exception):
    """The complaint cannot go from its status to the one asked for."""


# The dossier version a change was made on (DynamoDB numbers are bounded).
Version = Annotated[int, Field(ge=1, le=2**31)]


class Assign(BaseModel):
    """Take the complaint on: it is assigned to the signed-in officer."""

    action: Literal["assign"]
    version: Version


class ContactMade(BaseModel):
    action: Literal["contact_made"]
    version: Version


class ChangeStatus(BaseModel):
    action: Literal["status"]
    version: Version
    status: Status


class AddNote(BaseModel):
    action: Literal["note"]
    version: Version
    text: OutcomeText


class RecordJudgement(BaseModel):
    action: Literal["judgement"]
    version: Version
    given_on: PastDate


class RecordExtension(BaseModel):
    action: Literal["extension"]
    version: Version
    notice_on: PastDate
    reason: OutcomeText


StaffAction = Annotated[Assign | ContactMade | ChangeStatus | AddNote | RecordJudgement
                        | RecordExtension, Field(discriminator="action")]


class ExtensionNotPossibleError(Exception):
    """The term cannot be extended (again, at all, or any more): the Dutch reason."""


@dataclass(frozen=True)
class StaffUser:
    """Who asks, as the JWT authorizer vouched for them, and from where."""

    user_id: str
    username: str
    groups: frozenset[str]
    source_ip: str

    @property
    def role(self) -> str:
        return "beheerder" if "beheerder" in self.groups else next(iter(sorted(self.groups)),
                                                                   "geen")


class InboxRow(InboxEntry):
    contact_due: str = Field(description="'nog 2 werkdagen', 'vandaag', 'te laat', or "
                                         "'contact gehad' once contact was made.")


class InboxPage(BaseModel):
    rows: list[InboxRow]
    next_page: str | None


def log_access(deps: Dependencies, user: StaffUser, event: AccessEvent, reference: str | None,
               outcome: Outcome, detail: str | None = None) -> None:
    deps.access_log.write(AccessEntry(event=event, at=deps.clock(), reference=reference,
                                      user_id=user.user_id, user=user.username, role=user.role,
                                      source_ip=user.source_ip, outcome=outcome,
                                      detail=detail))


def require_role(deps: Dependencies, user: StaffUser, roles: frozenset[str],
                 event: AccessEvent, reference: str | None) -> None:
    if not user.groups & roles:
        log_access(deps, user, event, reference, "refused")
        raise NotAllowedError


def inbox(user: StaffUser, status: str, page: str | None = None,
          filters: InboxFilters | None = None, *, overdue: bool = False,
          deps: Dependencies | None = None) -> InboxPage:
    """One page of the complaints with `status`, the contact due first; narrowed by
    `filters`, and to those whose contact is overdue when `overdue`."""
    from klachtenportaal.deadlines import working_days_left
    from klachtenportaal.formatting import format_days_left

    deps = deps or get_dependencies()
    require_role(deps, user, OFFICERS, "inbox", None)
    log_access(deps, user, "inbox", None, "allowed")
    today = deps.clock().astimezone(AMSTERDAM).date()
    if overdue:
        filters = replace(filters or InboxFilters(), overdue_on=today)
    try:
        entries, after = deps.repository.by_status(status, PAGE_SIZE, _decode(page), filters)
    except PageKeyInvalidError as exc:
        raise BadPageTokenError from exc
    return InboxPage(rows=[InboxRow(
        **entry.model_dump(),
        contact_due="contact gehad" if entry.contact_made_at else
        format_days_left(working_days_left(today, entry.contact_by)))
        for entry in entries], next_page=_encode(after))


# What staff do not need of a stored complaint: the secrets of its pages and links, its
# submission id, and what SES said when a send failed.
_NOT_FOR_STAFF: dict[str, Any] = {"page_secret": True, "status_secret": True,
                                  "submission_id": True,
                                  "copy_link": {"secret"},
                                  "emails": {"__all__": {"last_error", "message_id"}}}


class Dossier(BaseModel):
    """Everything staff need of one complaint, the statuses it may go to from here, and the
    malware scan result of each attachment (only a clean one can be opened)."""

    complaint: dict[str, Any]
    next_statuses: list[Status]
    attachment_scans: dict[str, ScanResult] = Field(default_factory=dict)

    @classmethod
    def of(cls, complaint: StoredComplaint,
           scans: dict[str, ScanResult] | None = None) -> Dossier:
        return cls(complaint=complaint.model_dump(mode="json", exclude=_NOT_FOR_STAFF),
                   next_statuses=sorted(TRANSITIONS[complaint.status]),
                   attachment_scans=scans or {})


class AttachmentLink(BaseModel):
    """A link to one attachment that works for a minute."""

    url: str
    name: str


class AttachmentNotOfferedError(Exception):
    """The attachment was not found clean by the malware scan (yet): nobody may open it."""

    def __init__(self, scan: ScanResult) -> None:
        super().__init__(scan)
        self.scan = scan


def dossier(user: StaffUser, reference: str,
            deps: Dependencies | None = None) -> Dossier:
    """Everything about one complaint."""
    deps = deps or get_dependencies()
    require_role(deps, user, OFFICERS, "dossier_read", reference)
    complaint = deps.repository.get(reference) if is_reference(reference) else None
    log_access(deps, user, "dossier_read", reference, "allowed" if complaint else "not_found")
    if complaint is None:
        raise ComplaintNotFoundError(reference)
    return Dossier.of(complaint, {attachment.id: deps.uploads.scan(attachment.key)
                                  for attachment in complaint.attachments})


def open_attachment(user: StaffUser, reference: str, attachment_id: str,
                    deps: Dependencies | None = None) -> AttachmentLink:
    """A short-lived link to one attachment of a complaint, once the malware scan found it
    clean; each opening is an access-log entry naming the file's id."""
    deps = deps or get_dependencies()
    require_role(deps, user, OFFICERS, "attachment_open", reference)
    complaint = deps.repository.get(reference) if is_reference(reference) else None
    attachment = next((found for found in complaint.attachments if found.id == attachment_id),
                      None) if complaint else None
    if complaint is None or attachment is None:
        log_access(deps, user, "attachment_open", reference, "not_found", attachment_id)
        raise ComplaintNotFoundError(reference)
    scan = deps.uploads.scan(attachment.key)
    if scan != "clean":
        log_access(deps, user, "attachment_open", reference, "refused", attachment_id)
        raise AttachmentNotOfferedError(scan)
    log_access(deps, user, "attachment_open", reference, "allowed", attachment_id)
    return AttachmentLink(url=deps.uploads.link(attachment.key, attachment.name,
                                                attachment.content_type),
                          name=attachment.name)


def act(user: StaffUser, reference: str, action: StaffAction,
        deps: Dependencies | None = None) -> Dossier:
    """Do one thing with a complaint, recorded in its history with who and when; refused
    with ChangedMeanwhileError when someone changed the dossier since `action.version`."""
    deps = deps or get_dependencies()
    require_role(deps, user, OFFICERS, "dossier_change", reference)
    complaint = deps.repository.get(reference) if is_reference(reference) else None
    if complaint is None:
        log_access(deps, user, "dossier_change", reference, "not_found")
        raise ComplaintNotFoundError(reference)
    now = deps.clock()
    changes: dict[str, Any] = {}
    if isinstance(action, Assign):
        changes, detail = {"assigned_to": user.username}, user.username
    elif isinstance(action, ContactMade):
        changes, detail = {"contact_made_at": now}, "contact opgenomen"
    elif isinstance(action, ChangeStatus):
        if action.status not in TRANSITIONS[complaint.status]:
            log_access(deps, user, "dossier_change", reference, "refused")
            raise TransitionNotAllowedError(complaint.status, action.status)
        closed = action.status in CLOSED
        ends = int(now.timestamp()) + deps.settings.retention_days * 86_400
        changes = {"status": action.status, "retention_ends": ends if closed else None,
                   "closed_at": now if closed else None}
        detail = f"{complaint.status} -> {action.status}"
    elif isinstance(action, RecordJudgement):
        changes, detail = {"judgement_on": action.given_on}, action.given_on.isoformat()
    elif isinstance(action, RecordExtension):
        try:
            extension = _extension(complaint, action)
        except ExtensionNotPossibleError:
            log_access(deps, user, "dossier_change", reference, "refused")
            raise
        changes = {"extension": extension, "judgement_extended_to": extension.until}
        detail = f"tot {extension.until.isoformat()}: {action.reason}"
    else:
        detail = action.text
    entry = HistoryEntry(at=now, user=user.username, action=_HISTORY[action.action],
                         detail=detail)
    try:
        deps.repository.change(complaint.model_copy(update=changes), action.version, entry)
    except ChangedMeanwhileError:
        log_access(deps, user, "dossier_change", reference, "conflict")
        raise
    log_access(deps, user, "dossier_change", reference, "allowed")
    changed = deps.repository.get(reference)
    if changed is None:
        raise ComplaintNotFoundError(reference)
    return Dossier.of(changed)


_HISTORY: dict[str, Literal["assigned", "contact_made", "status", "note", "judgement",
                            "extension"]] = {
    "assign": "assigned", "contact_made": "contact_made", "status": "status", "note": "note",
    "judgement": "judgement", "extension": "extension"}


def _extension(complaint: StoredComplaint, action: RecordExtension) -> Extension:
    """The once-only extension the regime allows, noticed in writing before the term ends;
    its end computed at receipt from the regime's terms."""
    from klachtenportaal.formatting import format_date

    deadlines = complaint.deadlines
    if complaint.extension is not None:
        raise ExtensionNotPossibleError("De termijn is al eens verlengd. Dat kan maar één keer.")
    if deadlines.judgement_by is None or deadlines.judgement_extended_by is None:
        raise ExtensionNotPossibleError(
            "Voor deze klacht is geen termijn met verlenging bekend.")
    if action.notice_on > deadlines.judgement_by:
        raise ExtensionNotPossibleError(
            f"De verlenging moest uiterlijk {format_date(deadlines.judgement_by)} schriftelijk "
            f"gemeld zijn.")
    return Extension(notice_on=action.notice_on, reason=action.reason,
                     until=deadlines.judgement_extended_by)


def access_log(user: StaffUser, reference: str,
               deps: Dependencies | None = None) -> list[AccessEntry]:
    """Who looked at one complaint, and when (beheerders only)."""
    deps = deps or get_dependencies()
    require_role(deps, user, ADMINISTRATORS, "access_log_read", reference)
    log_access(deps, user, "access_log_read", reference, "allowed")
    return deps.access_log.of(reference)


# A Lambda answer holds at most 6 MB; the file goes in base64, with room for the JSON around.
MAX_EXPORT_CHARS = 5_500_000


class ExportTooLargeError(Exception):
    """The file would not fit in one answer: the list must be narrowed."""


class ExportFile(BaseModel):
    """A file for the page to offer as a download: it fetches it with the user's token, so
    it comes as JSON, the content in base64."""

    filename: str
    media_type: str
    content: str = Field(description="The file, base64-encoded.")


def export(user: StaffUser, status: str, filters: InboxFilters | None = None, *,
           overdue: bool = False, with_text: bool = False,
           export_format: exports.ExportFormat = "csv",
           deps: Dependencies | None = None) -> ExportFile:
    """The inbox's current filter as a file, one row per complaint (beheerders only); the
    complaint text only when `with_text`. Logged with what it held."""
    deps = deps or get_dependencies()
    require_role(deps, user, ADMINISTRATORS, "export", None)
    today = deps.clock().astimezone(AMSTERDAM).date()
    if overdue:
        filters = replace(filters or InboxFilters(), overdue_on=today)
    complaints = list(deps.repository.with_status(status, filters))
    held = {"status": status, **{name: value for name, value in vars(filters or InboxFilters())
                                 .items() if value}}
    summary = f"{json.dumps(held, default=str)}; {len(complaints)} klachten"
    text = f"{'met' if with_text else 'zonder'} klachttekst; {export_format}"
    content = base64.b64encode(exports.export(
        exports.rows(complaints, today, with_text=with_text), export_format)).decode()
    if len(content) > MAX_EXPORT_CHARS:
        log_access(deps, user, "export", None, "refused", detail=f"{summary}; te groot")
        raise ExportTooLargeError(len(complaints))
    log_access(deps, user, "export", None, "allowed", detail=f"{summary}; {text}")
    # Each complaint's own log shows it went into a file (the dossier's toegang, inzage).
    for complaint in complaints:
        log_access(deps, user, "export", complaint.reference, "allowed", detail=text)
    return ExportFile(filename=f"klachten-{status}-{today.isoformat()}.{export_format}",
                      media_type=exports.MEDIA_TYPES[export_format], content=content)


def figures_of_year(user: StaffUser, year: int,
                    deps: Dependencies | None = None) -> YearFigures:
    """The year figures of the complaints received in `year`, from every stored complaint
    (a query of the status index per status)."""
    deps = deps or get_dependencies()
    require_role(deps, user, OFFICERS, "year_figures", None)
    log_access(deps, user, "year_figures", None, "allowed", detail=str(year))
    complaints = [complaint for status in get_args(Status)
                  for complaint in deps.repository.with_status(status)]
    return year_figures(complaints, year, deps.clock().astimezone(AMSTERDAM).date())


def _encode(key: dict[str, Any] | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode() if key else None


def _decode(token: str | None) -> dict[str, Any] | None:
    if not token:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError) as exc:
        raise BadPageTokenError from exc
    if not isinstance(key, dict):
        raise BadPageTokenError
    return key

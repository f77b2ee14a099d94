"""Request, receipt and stored-complaint models."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args
from uuid import NAMESPACE_URL, uuid5
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)

from complaint_form.references import REFERENCE
from klachtenportaal.attachments import MAX_FILES
from klachtenportaal.fields import EmailAddress, Key, PhoneNumber
from klachtenportaal.i18n import SOURCE_LANGUAGE, Language

# 144 random bits: not guessable, short enough for a link in a plain-text e-mail.
SECRET_BYTES = 18


def new_secret() -> str:
    """The secret in the path of a complainant's page or link."""
    return secrets.token_urlsafe(SECRET_BYTES)


# The complainant's status page works while the complaint is open, and this long after closing.
STATUS_PAGE_DAYS_AFTER_CLOSING = 30

# Dates are the complainant's: Dutch time, whatever the clock of the machine (UTC on Lambda).
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
_CONTENT_NAMESPACE = uuid5(NAMESPACE_URL, "https://klachtenportaalzorg.nl/klacht")
# Without script, the same content sent again within this window counts as a repeat (a double
# click, a reload); sent later, it is a new complaint, not the old one's kenmerk.
_REPEAT_WINDOW_SECONDS = 600
# Bidirectional overrides and isolates can make text read differently from what it says.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _reject_controls(value: str, *, multiline: bool) -> str:
    allowed = {"\n", "\t"} if multiline else set()
    value = value.replace("\r\n", "\n") if multiline else value
    # A name is one visible line: invisible format characters (zero-width spaces and joiners,
    # soft hyphens) and line or paragraph separators could make two names look alike.
    refused = {"Cc", "Cs"} if multiline else {"Cc", "Cs", "Cf", "Zl", "Zp"}
    for char in value:
        if char in allowed:
            continue
        if unicodedata.category(char) in refused or _BIDI_CONTROLS.match(char):
            raise ValueError("control characters are not allowed")
    return value


def _one_line_without_markup(value: str) -> str:
    # Names never hold angle brackets; refusing them keeps markup out of every header and page.
    if "<" in value or ">" in value:
        raise ValueError("angle brackets are not allowed")
    return _reject_controls(value, multiline=False)


def _lines_of_text(value: str) -> str:
    return _reject_controls(value, multiline=True)


def _not_in_future(value: date) -> date:
    if value > datetime.now(AMSTERDAM).date():
        raise ValueError("date lies in the future")
    return value


def _dutch_date(value: Any) -> Any:
    """Accept 14-03-2026 as well as ISO 2026-03-14."""
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}", value.strip()):
        day, month, year = value.strip().split("-")
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return value


ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                      AfterValidator(_one_line_without_markup)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
                     AfterValidator(_lines_of_text)]
OutcomeText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                               max_length=2000), AfterValidator(_lines_of_text)]
def _digits(value: Any) -> Any:
    # The page's script sends the hidden field's text; a boolean or a float is no time.
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() \
        else value


def _given(value: bool) -> bool:
    if not value:
        raise ValueError("consent is not given")
    return value


def _yes_no(value: Any) -> Any:
    # The form's radio buttons and boxes send "ja" or "nee", as a form post or in the JSON the
    # page's script makes of them.
    return {"ja": True, "nee": False}.get(value, value) if isinstance(value, str) else value


# true, false, "ja" or "nee"; nothing else ("yes", 1, "on") is taken for a yes or a no.
YesNo = Annotated[StrictBool, BeforeValidator(_yes_no)]
PastDate = Annotated[date, BeforeValidator(_dutch_date), AfterValidator(_not_in_future)]

def _sent_fields(data: Any, keep_empty: frozenset[str] | set[str] = frozenset()) -> Any:
    """The fields of a form post or of JSON alike: a form post arrives with every value a
    list of strings (JSON never does that); a field left empty counts as not sent."""
    if not isinstance(data, dict):
        return data
    form_post = bool(data) and all(
        isinstance(value, list) and all(isinstance(item, str) for item in value)
        for value in data.values())
    normalised: dict[str, Any] = {}
    for key, value in data.items():
        if form_post and len(value) == 1:
            value = value[0]
        if isinstance(value, str) and value.strip() == "" and key not in keep_empty:
            continue
        normalised[key] = value
    return normalised


def _reference_as_typed(value: Any) -> Any:
    # Read aloud or copied from an e-mail: in any case, with spaces around it.
    return value.strip().upper() if isinstance(value, str) else value


class StatusLinkRequest(BaseModel):
    """A request for the status page's link again: the kenmerk and the complainant's
    address. The answer is the same whether or not they belong together."""

    model_config = ConfigDict(extra="forbid")

    reference: Annotated[str, BeforeValidator(_reference_as_typed),
                         StringConstraints(pattern=f"^{REFERENCE.pattern}$")]
    email: EmailAddress
    language: Language = Field(SOURCE_LANGUAGE, description="The language of the page.")

    @model_validator(mode="before")
    @classmethod
    def _from_form_post(cls, data: Any) -> Any:
        return _sent_fields(data)


class StatusLinkResponse(BaseModel):
    """The 200 answer to a request for the status link: the same whatever was asked."""

    message: str


UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{16}")
UploadId = Annotated[str, StringConstraints(pattern=f"^{UPLOAD_ID.pattern}$")]


def _file_name(value: str) -> str:
    # Only the name, as the person's computer called the file: no folders.
    return value.replace("\\", "/").rsplit("/", 1)[-1]


FileName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=200),
                     AfterValidator(_file_name), AfterValidator(_one_line_without_markup)]


class AttachmentRef(BaseModel):
    """A file the page's script uploaded for this submission: its upload id and name."""

    model_config = ConfigDict(extra="forbid")

    id: UploadId
    name: FileName


class UploadRequest(BaseModel):
    """One file the page's script is about to upload, as the browser describes it."""

    model_config = ConfigDict(extra="forbid")

    submission_id: Annotated[str, StringConstraints(pattern=_UUID)]
    name: FileName = Field(description="The file's name, for the messages about it.")
    content_type: str = Field(max_length=200, description="The file's MIME type.")
    size: StrictInt = Field(ge=0, description="The file's size in bytes.")
    language: Language = Field(SOURCE_LANGUAGE, description="The language of the page.")


class UploadTicket(BaseModel):
    """The 201 answer: where and with which fields to post the file (a presigned POST whose
    policy holds the key, the content type and the largest size), and the id to name it by."""

    id: str
    url: str
    fields: dict[str, str]


class ComplaintRequest(BaseModel):
    """What the complaint form sends, as JSON or as an HTML form post."""

    model_config = ConfigDict(extra="forbid")

    submission_id: Annotated[str, StringConstraints(pattern=_UUID)] | None = Field(
        None, description="A UUID the page makes once per form; repeats make one complaint. "
                          "Left out (no script), it is derived from the content.")
    kind: Literal["klacht", "advies"] = "klacht"
    language: Language = Field(SOURCE_LANGUAGE, description="The language of the form's page: "
                               "of the answers, the pages and the complainant's e-mails.")
    provider: Key
    regeling: Key | None = Field(None, description="Left out or 'onbekend' when not known.")
    name: ShortText
    email: EmailAddress
    phone: PhoneNumber | None = None
    role: Literal["client", "vertegenwoordiger"]
    relation: ShortText | None = None
    client_name: ShortText | None = None
    description: LongText
    occurred_on: PastDate | None = None
    desired_outcome: OutcomeText
    discussed_with_provider: YesNo
    wants_officer_support: YesNo
    contact_preference: Literal["telefoon", "email"]
    consent: Annotated[YesNo, AfterValidator(_given)] = Field(
        description="Consent to the processing of the data.")
    send_copy: YesNo = Field(False, description="Send a copy of the complaint, once the "
                                                 "address is confirmed.")
    attachments: list[AttachmentRef] = Field(
        default_factory=list, max_length=MAX_FILES,
        description="Files uploaded for this submission (by the page's script), each once.")
    website: str = Field("", max_length=200, description="Honeypot: people leave it empty.")
    # From 2020 on: the page's script sets it from the browser's clock.
    form_started_at: Annotated[StrictInt, Field(ge=1_577_836_800_000, le=10**13),
                               BeforeValidator(_digits)] | None = Field(
        None, description="When the page showed the form, in ms since the epoch (set by script).")

    @model_validator(mode="before")
    @classmethod
    def _from_form_post(cls, data: Any) -> Any:
        normalised = _sent_fields(data, keep_empty={"website"})
        if isinstance(normalised, dict) and normalised.get("regeling") == "onbekend":
            normalised.pop("regeling")
        return normalised

    @model_validator(mode="after")
    def _derive_submission_id(self) -> ComplaintRequest:
        # Without script the page cannot make an id; the same content sent within a short
        # window then counts as a repeat.
        if self.submission_id is None:
            content = self.model_dump_json(exclude={"submission_id", "form_started_at"})
            window = int(datetime.now(AMSTERDAM).timestamp()) // _REPEAT_WINDOW_SECONDS
            self.submission_id = str(uuid5(_CONTENT_NAMESPACE, f"{window}:{content}"))
        return self

    def consistency_errors(self) -> dict[str, str]:
        """Field rules that depend on other fields; the values are Dutch messages' keys."""
        errors = {}
        if len({ref.id for ref in self.attachments}) < len(self.attachments):
            errors["attachments"] = "missing"
        if self.role == "vertegenwoordiger":
            if not self.client_name:
                errors["client_name"] = "missing"
            if not self.relation:
                errors["relation"] = "missing"
        if self.contact_preference == "telefoon" and not self.phone:
            errors["phone"] = "missing"
        return errors


class SubmissionReceipt(BaseModel):
    """What the client sees straight after submitting."""

    reference: str
    kind: Literal["klacht", "advies"]
    provider_name: str
    received_on: date
    contact_by: date
    judgement_by: date | None
    judgement_weeks: int | None = Field(
        None, description="The provider's term for its judgement, in weeks, where no date can "
                          "be given (the term starts with the provider, or it did not say).")
    term_start: Literal["portal", "provider"] | None = Field(
        None, description="Where the provider said its term starts, if it said.")
    confirmation_email: Literal["sent", "pending"]
    confirmation_page: str = Field(
        description="Path of the confirmation page of this submission (HTML, no personal "
                    "data); it holds a secret, so it is the only way to that page.")


class ReceiptResponse(SubmissionReceipt):
    """The 201 answer to a JSON submission."""

    message: str
    html: str = Field(description="The reference and what happens next, in the form's "
                                  "language (HTML, escaped; the page's script shows it).")


class CheckResponse(BaseModel):
    """The 200 answer to answers sent to be checked: the part of the page that shows them."""

    html: str = Field(description="Every answer with its 'Wijzigen', and the send button "
                                  "(HTML, escaped; the page's script shows it in place).")


class ErrorResponse(BaseModel):
    """Every 4xx/5xx JSON answer: a message in the reader's language, and one per field for
    422."""

    message: str
    errors: dict[str, str] | None = None


EmailKind = Literal["confirmation", "notification", "copy", "status_link"]
EMAIL_KINDS: tuple[EmailKind, ...] = get_args(EmailKind)
# Sent when a complaint is stored. The copy of the complaint follows only when the complainant
# has confirmed the address through the link in the confirmation; the link to the status
# page again when they ask for it.
FIRST_EMAILS: tuple[EmailKind, ...] = ("confirmation", "notification")
# The e-mails that go to the complainant: when one does not arrive, staff phone instead.
TO_COMPLAINANT: tuple[EmailKind, ...] = ("confirmation", "copy", "status_link")

# What SES reported about a sent e-mail (its configuration set's events).
Delivery = Literal["delivered", "bounced", "complained", "rejected", "delayed"]
# The e-mail did not reach the person, or they marked it as spam.
NOT_DELIVERED: tuple[Delivery, ...] = ("bounced", "complained", "rejected")
# Events arrive in any order and may come twice. A delay is overtaken by what follows it, a
# delivery by a later bounce or complaint; never the other way round.
_DELIVERY_RANK: dict[Delivery, int] = {"delayed": 0, "delivered": 1, "bounced": 2,
                                       "complained": 2, "rejected": 2}


def delivery_kept_over(new: Delivery) -> tuple[Delivery, ...]:
    """The reports already recorded that `new` does not replace: those that outrank it, and
    itself (a repeat tells nothing new)."""
    return tuple(known for known, rank in _DELIVERY_RANK.items()
                 if rank > _DELIVERY_RANK[new] or known == new)


# The SES message tags each e-mail is sent with: SES reports on a message with its tags, so a
# report finds its complaint and e-mail.
REFERENCE_TAG = "reference"
KIND_TAG = "email"


def email_tags(reference: str, kind: EmailKind) -> dict[str, str]:
    return {REFERENCE_TAG: reference, KIND_TAG: kind}


@dataclass(frozen=True)
class EmailEvent:
    """What SES reported about one message it accepted, by the tags the message was sent with
    (no address: the report names the recipient, which is never kept or logged)."""

    reference: str
    kind: EmailKind
    message_id: str
    event_type: str  # as SES names it: Send, Delivery, Bounce ...
    sent_at: datetime  # when SES accepted the message
    at: datetime  # when the reported event happened
    delivery: Delivery | None = None  # None for Send: accepted, nothing known yet
    detail: str | None = None  # the kind of bounce or delay, for the log

    @property
    def not_delivered(self) -> bool:
        return self.delivery in NOT_DELIVERED


class StoredModel(BaseModel):
    """Parts of a stored complaint. Only a valid submission or a lookup needs them, so their
    validators are built on first use instead of in every cold start."""

    model_config = ConfigDict(defer_build=True)


class EmailRecord(StoredModel):
    """What became of one e-mail: sent, being sent, waiting for the retry (pending), or given
    up after the last attempt the settings allow (failed: staff must reach the person)."""

    status: Literal["pending", "sending", "sent", "failed"] = "pending"
    message_id: str | None = None
    sent_at: datetime | None = None
    claimed_at: datetime | None = None
    tried_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    # What SES reported after accepting it (its events), and when that happened.
    delivery: Delivery | None = None
    delivery_at: datetime | None = None

    @property
    def settled(self) -> bool:
        """Nothing more will be tried: sent, or given up."""
        return self.status in ("sent", "failed")


class CopyLink(StoredModel):
    """The link in the ontvangstbevestiging that confirms the address and sends the copy of
    the complaint: usable once, until it expires."""

    secret: str
    valid_until: date = Field(description="The last day it works (Dutch date).")
    confirmed_at: datetime | None = None


class Person(StoredModel):
    name: str
    email: str
    phone: str | None
    role: Literal["client", "vertegenwoordiger"]
    relation: str | None
    client_name: str | None
    contact_preference: Literal["telefoon", "email"]


class ComplaintDetails(StoredModel):
    description: str
    occurred_on: date | None
    desired_outcome: str
    discussed_with_provider: bool
    wants_officer_support: bool
    send_copy: bool


class Attachment(StoredModel):
    """A file attached to a complaint: its upload id, its name, the type its content showed,
    its size, and its key in the attachments bucket."""

    id: str
    name: str
    content_type: str
    size: int
    key: str


class ComplaintDeadlines(StoredModel):
    contact_by: date
    judgement_by: date | None
    judgement_extended_by: date | None


Status = Literal["ontvangen", "in_behandeling", "bemiddeling", "voorgelegd_aan_commissie",
                 "afgehandeld", "ingetrokken", "niet_ontvankelijk"]
# Where a complaint may go from each status (a whitelist); back from a closed one is reopening.
TRANSITIONS: dict[str, frozenset[str]] = {
    "ontvangen": frozenset({"in_behandeling", "ingetrokken", "niet_ontvankelijk"}),
    "in_behandeling": frozenset({"bemiddeling", "voorgelegd_aan_commissie", "afgehandeld",
                                 "ingetrokken", "niet_ontvankelijk"}),
    "bemiddeling": frozenset({"in_behandeling", "voorgelegd_aan_commissie", "afgehandeld",
                              "ingetrokken"}),
    "voorgelegd_aan_commissie": frozenset({"afgehandeld", "ingetrokken"}),
    "afgehandeld": frozenset({"in_behandeling"}),
    "ingetrokken": frozenset({"in_behandeling"}),
    "niet_ontvankelijk": frozenset({"in_behandeling"}),
}
# A complaint in one of these is closed: it is deleted the retention period later.
CLOSED = frozenset({"afgehandeld", "ingetrokken", "niet_ontvankelijk"})
OPEN: tuple[str, ...] = tuple(status for status in get_args(Status) if status not in CLOSED)


class Extension(StoredModel):
    """The provider's once-only extension of its term for the judgement."""

    notice_on: date = Field(description="Date of the provider's written notice.")
    reason: str
    until: date


class HistoryEntry(StoredModel):
    """One thing a staff member did with the complaint."""

    at: datetime
    user: str
    action: Literal["assigned", "contact_made", "status", "note", "judgement", "extension",
                    "correction", "erasure"]
    detail: str


class InboxEntry(BaseModel):
    """One complaint as the inbox lists it: read with a projection, so a page of the inbox
    carries a few attributes of each complaint instead of all of them."""

    reference: str
    kind: Literal["klacht", "advies"]
    status: Status
    received_on: date
    provider_name: str
    regeling_name: str | None
    contact_by: date
    contact_made_at: datetime | None
    assigned_to: str | None


class DeadlineEntry(BaseModel):
    """An open complaint's deadlines, as the daily reminder reads them."""

    reference: str
    provider_name: str
    contact_by: date
    contact_made: bool
    judgement_by: date | None = Field(description="After the extension, if there is one.")
    judgement_given: bool


class ComplaintOutline(StoredModel):
    """What the public function reads of a stored complaint: enough for its pages and its
    receipt, and nothing a person typed. Its role may read these attributes only
    (infra/template.yaml); what was typed is read by the staff and retry functions."""

    reference: str
    kind: Literal["klacht", "advies"]
    language: Language = Field(SOURCE_LANGUAGE, description="Of the complainant's pages and "
                               "e-mails: the form's.")
    received_on: date
    provider_slug: str
    provider: dict[str, Any] = Field(description="The provider's registry entry at submission.")
    regeling: dict[str, Any] | None = Field(
        description="The regime (name, law, final body, terms) at submission.")
    deadlines: ComplaintDeadlines
    emails: dict[EmailKind, EmailRecord]
    page_secret: str = Field(description="In the path of the confirmation page.")
    copy_link: CopyLink | None = Field(
        None, description="Only when a copy was asked for.")
    # What the complainant's status page shows: set by staff, nothing a person typed.
    status_secret: str | None = Field(
        None, description="In the path of the complainant's status page (None: stored by a "
                          "version before that page, until the deploy upgrades it).")
    status: Status = "ontvangen"
    contact_made_at: datetime | None = None
    judgement_on: date | None = Field(None, description="When the provider gave its judgement.")
    judgement_extended_to: date | None = Field(
        None, description="The judgement's deadline after the provider's extension.")
    closed_at: datetime | None = Field(
        None, description="When it was closed; None while it is open (or after reopening).")
    erased_at: datetime | None = Field(
        None, description="When the complainant's data was erased on request (AVG); the case "
                          "itself is kept until its retention ends.")
    # What a file added after sending is held to: the ids of the files it holds (each file
    # is added once) and their bytes together.
    attachment_ids: list[str] = Field(default_factory=list)
    attachment_bytes: int = 0

    @property
    def provider_name(self) -> str:
        return str(self.provider["name"])

    @property
    def judgement_weeks(self) -> int | None:
        """The provider's term for its judgement, in weeks, if the regime sets one (advice
        starts no procedure, so it has none)."""
        if self.kind != "klacht" or not self.regeling:
            return None
        weeks = self.regeling["terms"].get("judgement_weeks")
        return int(weeks) if weeks else None

    @property
    def term_start(self) -> str | None:
        """Where the provider said its term starts: "portal", "provider", or None (not said)."""
        start = self.provider.get("term_start")
        return str(start) if start else None

    @property
    def judgement_due(self) -> date | None:
        """When the provider's judgement is due: after the extension, if there is one."""
        return self.judgement_extended_to or self.deadlines.judgement_by

    @property
    def closed_on(self) -> date | None:
        """The Dutch date it was closed, if it is closed."""
        return self.closed_at.astimezone(AMSTERDAM).date() if self.closed_at else None

    @property
    def contact_made_on(self) -> date | None:
        return self.contact_made_at.astimezone(AMSTERDAM).date() if self.contact_made_at \
            else None


class StoredComplaint(ComplaintOutline):
    """A received complaint as stored, with a snapshot of the registry entry it refers to."""

    submission_id: str
    received_at: datetime
    regeling_key: str | None
    portal: dict[str, Any] = Field(description="The complaints body's contacts at submission.")
    complainant: Person
    complaint: ComplaintDetails
    consent_given_at: datetime
    retention_ends: int | None = Field(
        None, description="Epoch seconds after which the retention job deletes the complaint "
                          "(complaint_form.duties): set when it is closed, never while it is "
                          "open.")
    delivery_problem: bool = Field(
        False, description="An e-mail to the complainant bounced, was refused or marked as "
                           "spam ('bevestiging niet afgeleverd'): phone instead. Stored only "
                           "when true.")
    version: int = Field(1, description="Raised by every staff change; a change names the "
                                        "version it was made on, so none is overwritten.")
    attachments: list[Attachment] = Field(default_factory=list)
    assigned_to: str | None = None
    extension: Extension | None = None
    history: list[HistoryEntry] = Field(default_factory=list)

    @property
    def regeling_name(self) -> str | None:
        return str(self.regeling["name"]) if self.regeling else None

    def contact_met(self, today: date) -> bool | None:
        """Whether contact was made by its deadline; None while that is still open."""
        return _met(self.deadlines.contact_by, self.contact_made_on, today)

    def judgement_met(self, today: date) -> bool | None:
        """Whether the provider's judgement came within its term; None while that is still
        open, or when there is no term."""
        if self.judgement_due is None:
            return None
        return _met(self.judgement_due, self.judgement_on, today)


def _met(due: date, done_on: date | None, today: date) -> bool | None:
    if done_on is not None:
        return done_on <= due
    return False if today > due else None

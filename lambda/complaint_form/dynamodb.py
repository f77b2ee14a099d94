"""DynamoDB adapter: one table for complaints, queryable by provider and by status.

Keys: pk `KLACHT#<reference>`, sk `KLACHT`. Index `by-provider` (gsi1pk `AANBIEDER#<slug>`,
gsi1sk received time), index `by-status` (gsi2pk `STATUS#<status>`), and the sparse index
`pending-email` (attribute `email_pending`, present only while an e-mail waits for a retry).
A marker per submission (pk `SUBMISSION#<submission id>`, sk `SUBMISSION`) holds the
reference that submission got.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError, ParamValidationError

from complaint_form.models import (
    CLOSED,
    EMAIL_KINDS,
    OPEN,
    TO_COMPLAINANT,
    Attachment,
    ComplaintOutline,
    DeadlineEntry,
    EmailEvent,
    EmailKind,
    EmailRecord,
    HistoryEntry,
    InboxEntry,
    StoredComplaint,
    delivery_kept_over,
    new_secret,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import PutTypeDef

SORT_KEY = "KLACHT"
BY_PROVIDER = "by-provider"
BY_STATUS = "by-status"
PENDING_EMAIL = "pending-email"
# A claim older than this belongs to a worker that died mid-send; another may take over.
CLAIM_TIMEOUT = timedelta(minutes=15)
# A filtered inbox page reads on until it is full, but no further than this many reads
# (the page is then shorter, and the next one starts where this one stopped).
MAX_READS_PER_PAGE = 10
# What the behandelomgeving's actions change on a complaint.
STAFF_FIELDS = {"status", "assigned_to", "contact_made_at", "judgement_on", "extension",
                "judgement_extended_to", "closed_at"}
# A repeat of a submission comes within minutes (idempotency keeps a day): its marker, which
# names only the kenmerk, goes after a week.
MARKER_LIFETIME = timedelta(days=7)

# The attributes the public function's role may read (infra/template.yaml, dynamodb:Attributes).
OUTLINE_ATTRIBUTES = ("pk", "sk", *ComplaintOutline.model_fields)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class StorageUnavailableError(Exception):
    """DynamoDB did not accept or answer the request (throttled, down, misconfigured)."""


class ReferenceTakenError(Exception):
    """Another complaint already has this reference."""


class EmailAlreadyClaimedError(Exception):
    """Another worker is sending this e-mail or has sent it."""


class CopyAlreadyConfirmedError(Exception):
    """The address of this complaint was confirmed before: the copy is sent or on its way."""


class PageKeyInvalidError(Exception):
    """The key a page should start from is not one DynamoDB gave."""


class ChangedMeanwhileError(Exception):
    """The complaint is no longer at the version the change was made on."""


class AddressLimitReachedError(Exception):
    """This e-mail address was given as many times today as the limit allows."""


def table_definitions(table_name: str, idempotency_table_name: str) -> list[dict[str, Any]]:
    """`create_table` arguments for both tables; infra/template.yaml declares the same."""
    def index(name: str, hash_key: str, range_key: str,
              projection: Literal["ALL", "KEYS_ONLY"]) -> dict[str, Any]:
        return {"IndexName": name, "Projection": {"ProjectionType": projection},
                "KeySchema": [{"AttributeName": hash_key, "KeyType": "HASH"},
                              {"AttributeName": range_key, "KeyType": "RANGE"}]}

    strings = ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "email_pending"]
    return [
        {
            "TableName": table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": n, "AttributeType": "S"} for n in strings],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [
                index(BY_PROVIDER, "gsi1pk", "gsi1sk", "ALL"),
                index(BY_STATUS, "gsi2pk", "gsi2sk", "ALL"),
                index(PENDING_EMAIL, "email_pending", "pk", "KEYS_ONLY"),
            ],
        },
        {
            "TableName": idempotency_table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        },
    ]


def _key(reference: str) -> dict[str, Any]:
    return {"pk": {"S": f"KLACHT#{reference}"}, "sk": {"S": SORT_KEY}}


def _submission_key(submission_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"SUBMISSION#{submission_id}"}, "sk": {"S": "SUBMISSION"}}


# Providers that deliver every spelling of one address to one mailbox.
_DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox narrows a status down to; each one left out (None) takes all."""

    provider: str | None = None
    regeling: str | None = None
    officer: str | None = None
    # Contact due before `today` and not yet made.
    overdue_on: date | None = None

    @property
    def _parts(self) -> list[tuple[str, dict[str, Any]]]:
        parts: list[tuple[str, dict[str, Any]]] = []
        if self.provider:
            parts.append(("provider_slug = :provider", {":provider": {"S": self.provider}}))
        if self.regeling:
            parts.append(("regeling_key = :regeling", {":regeling": {"S": self.regeling}}))
        if self.officer:
            parts.append(("assigned_to = :officer", {":officer": {"S": self.officer}}))
        if self.overdue_on:
            parts.append(("deadlines.contact_by < :today AND (attribute_not_exists("
                          "contact_made_at) OR attribute_type(contact_made_at, :null))",
                          {":today": {"S": self.overdue_on.isoformat()}, ":null": {"S": "NULL"}}))
        return parts

    @property
    def expression(self) -> str:
        return " AND ".join(f"({part})" for part, _ in self._parts)

    @property
    def values(self) -> dict[str, Any]:
        return {name: value for _, values in self._parts for name, value in values.items()}


def _address_key(address: str, day: date) -> dict[str, Any]:
    """The counter of one mailbox on one day: name+anything@ reaches name@ at most providers,
    and Gmail ignores dots and takes googlemail.com for gmail.com."""
    local, _, domain = address.strip().lower().rpartition("@")
    local = local.split("+")[0]
    if domain in _DOTS_IGNORED:
        local, domain = local.replace(".", ""), _DOTS_IGNORED[domain]
    digest = hashlib.sha256(f"{local}@{domain}".encode()).hexdigest()
    return {"pk": {"S": f"ADRES#{digest}"}, "sk": {"S": f"DAG#{day.isoformat()}"}}


def _email_digest(secret: str | None, address: str) -> str | None:
    """What a request for the status link is matched on: the address, salted with the
    complaint's own status secret, so the address is never compared or kept in the clear
    outside the complaint, and the same address gives another digest in every complaint."""
    if secret is None:
        return None
    return hashlib.sha256(f"{secret}:{address.strip().lower()}".encode()).hexdigest()


def _closed_at(complaint: StoredComplaint, retention_days: int) -> datetime | None:
    """When a complaint stored before `closed_at` was closed: its last status change, or,
    without one in its history, the end of its retention less the retention period (set
    when it was closed); as a last resort, when it was received."""
    if complaint.status not in CLOSED:
        return None
    closings = [entry.at for entry in complaint.history if entry.action == "status"]
    if closings:
        return closings[-1]
    if complaint.retention_ends is None:
        return complaint.received_at
    return datetime.fromtimestamp(complaint.retention_ends - retention_days * 86_400, UTC)


def _to_item(complaint: StoredComplaint) -> dict[str, Any]:
    # Without retention_ends (an open complaint), the retention job leaves the item alone;
    # delivery_problem is there only when true (a filter on its presence finds the complaints
    # that have one).
    exclude = {"retention_ends"} if complaint.retention_ends is None else set()
    if not complaint.delivery_problem:
        exclude.add("delivery_problem")
    data = complaint.model_dump(mode="json", exclude=exclude)
    data |= {
        "pk": f"KLACHT#{complaint.reference}",
        "sk": SORT_KEY,
        "gsi1pk": f"AANBIEDER#{complaint.provider_slug}",
        "gsi1sk": f"{data['received_at']}#{complaint.reference}",
        "gsi2pk": f"STATUS#{complaint.status}",
        # Per status, the most urgent first: by the date the contact is due.
        "gsi2sk": f"{data['deadlines']['contact_by']}#{data['received_at']}",
        "inbox": _inbox_facts(complaint),
        "email_digest": _email_digest(complaint.status_secret, complaint.complainant.email),
    }
    if any(record.status != "sent" for record in complaint.emails.values()):
        data["email_pending"] = data["received_at"]
    return {name: _serializer.serialize(value) for name, value in data.items()}


# A page of the inbox reads three attributes of each complaint: what never changes in one
# map (written with the complaint), and what staff change.
_INBOX_PROJECTION = "inbox, assigned_to, contact_made_at"


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """An item as DynamoDB gives it ({"S": ...}), as Python values."""
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def _inbox_facts(complaint: StoredComplaint) -> dict[str, Any]:
    return {"reference": complaint.reference, "kind": complaint.kind,
            "received_on": complaint.received_on.isoformat(),
            "provider_name": complaint.provider_name, "regeling_name": complaint.regeling_name,
            "contact_by": complaint.deadlines.contact_by.isoformat(),
            "judgement_by": complaint.deadlines.judgement_by.isoformat()
            if complaint.deadlines.judgement_by else None}


def _inbox_entry(item: dict[str, Any], status: str) -> InboxEntry:
    data = _plain(item)
    return InboxEntry.model_validate({**data["inbox"], "status": status,
                                      "assigned_to": data.get("assigned_to"),
                                      "contact_made_at": data.get("contact_made_at")})


# What the reminder and the retention job read from the status index: their roles may read
# no more (dynamodb:Attributes in infra/template.yaml).
DEADLINE_ATTRIBUTES = ("inbox", "contact_made_at", "judgement_on", "extension")
RETENTION_ATTRIBUTES = ("reference", "attachments")


def _deadline_entry(item: dict[str, Any]) -> DeadlineEntry:
    data = _plain(item)
    facts, extension = data["inbox"], data.get("extension")
    return DeadlineEntry(
        reference=facts["reference"], provider_name=facts["provider_name"],
        contact_by=facts["contact_by"], contact_made=bool(data.get("contact_made_at")),
        judgement_by=extension["until"] if extension else facts["judgement_by"],
        judgement_given=bool(data.get("judgement_on")))


def _reminder_key(day: date) -> dict[str, Any]:
    return {"pk": {"S": f"HERINNERING#{day.isoformat()}"}, "sk": {"S": "HERINNERING"}}


def _from_item(item: dict[str, Any]) -> StoredComplaint:
    return StoredComplaint.model_validate(_plain(item))


class ComplaintRepository:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client = client

    @property
    def client(self) -> DynamoDBClient:
        if self._client is None:
            self._client = boto3.client("dynamodb")
        return self._client

    def add_once(self, complaint: StoredComplaint, next_reference: Callable[[], str],
                 attempts: int = 5) -> ComplaintOutline:
        """Store `complaint` and return it, unless its submission was stored before: then
        the outline of that one (a ComplaintOutline, not a StoredComplaint).

        The submission id is claimed first, with the reference it will get; a retry after a
        failure finds the claim and goes on with the complaint it names (writing it, if the
        failure came between the claim and the complaint). A reference that another
        complaint has is replaced by `next_reference()`.
        """
        marker_expires = int((complaint.received_at + MARKER_LIFETIME).timestamp())
        reference = self.claim_submission(complaint.submission_id, complaint.reference,
                                          marker_expires)
        if reference != complaint.reference:
            earlier = self.outline(reference)
            if earlier is not None:
                return earlier
            complaint = complaint.model_copy(update={"reference": reference})
        for _ in range(attempts):
            try:
                self.add(complaint)
                return complaint
            except ReferenceTakenError:
                complaint = complaint.model_copy(update={"reference": next_reference()})
                self.claim_submission(complaint.submission_id, complaint.reference,
                                      marker_expires, replace=True)
        raise ReferenceTakenError("no free reference found")

    def count_address(self, address: str, day: date, limit: int) -> None:
        """Count one more submission with `address` on `day`; AddressLimitReachedError when
        `limit` were counted already. Counted on a hash of the mailbox, forgotten after two
        days (TTL), so the table keeps no list of addresses."""
        expires = datetime.combine(day + timedelta(days=2), datetime.min.time(), UTC)
        try:
            self.client.update_item(
                TableName=self.table_name, Key=_address_key(address, day),
                UpdateExpression="ADD submissions :one SET expires_at = :expires",
                ConditionExpression="attribute_not_exists(submissions) OR submissions < :limit",
                ExpressionAttributeValues={
                    ":one": {"N": "1"}, ":limit": {"N": str(limit)},
                    ":expires": {"N": str(int(expires.timestamp()))}})
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise AddressLimitReachedError from exc
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc

    def uncount_address(self, address: str, day: date) -> None:
        """Take back a count for a submission that stored nothing new (storage failed, or it
        finished an earlier attempt): the limit is on what was stored. Best effort."""
        with suppress(ClientError):
            self.client.update_item(
                TableName=self.table_name, Key=_address_key(address, day),
                UpdateExpression="ADD submissions :minus_one",
                ConditionExpression="submissions > :zero",
                ExpressionAttributeValues={":minus_one": {"N": "-1"}, ":zero": {"N": "0"}})

    def claim_submission(self, submission_id: str, reference: str, expires_at: int,
                         *, replace: bool = False) -> str:
        """Record that `submission_id` is stored under `reference`, before the complaint
        itself is written. Returns the reference it already had, if it was claimed before
        (a retry after a failure), else `reference`."""
        marker = {**_submission_key(submission_id), "reference": {"S": reference},
                  "expires_at": {"N": str(expires_at)}}
        # Replacing is for the one case where the reference had to change before storing.
        condition = "attribute_exists(pk)" if replace else "attribute_not_exists(pk)"
        try:
            self.client.put_item(TableName=self.table_name, Item=marker,
                                 ConditionExpression=condition)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
            return self._reference_of(submission_id)
        return reference

    def add(self, complaint: StoredComplaint) -> None:
        """Store a new complaint; never overwrites one with the same reference."""
        try:
            self.client.put_item(TableName=self.table_name, Item=_to_item(complaint),
                                 ConditionExpression="attribute_not_exists(pk)")
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ReferenceTakenError(complaint.reference) from exc
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc

    def _reference_of(self, submission_id: str) -> str:
        try:
            answer = self.client.get_item(
                TableName=self.table_name, ConsistentRead=True, Key=_submission_key(submission_id),
                ProjectionExpression="#reference", ExpressionAttributeNames={
                    "#reference": "reference"})
        except ClientError as exc:
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
        return str(answer["Item"]["reference"]["S"])

    def get(self, reference: str) -> StoredComplaint | None:
        try:
            answer = self.client.get_item(TableName=self.table_name, Key=_key(reference),
                                          ConsistentRead=True)
        except ClientError as exc:
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
        item = answer.get("Item")
        return _from_item(item) if item else None

    def outline(self, reference: str) -> ComplaintOutline | None:
        """The complaint without what was typed: all the public function may read."""
        names = {f"#a{number}": name for number, name in enumerate(OUTLINE_ATTRIBUTES)}
        try:
            answer = self.client.get_item(
                TableName=self.table_name, Key=_key(reference), ConsistentRead=True,
                ProjectionExpression=", ".join(names), ExpressionAttributeNames=names)
        except ClientError as exc:
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
        item = answer.get("Item")
        if not item:
            return None
        return ComplaintOutline.model_validate(
            _plain(item))

    def claim_email(self, reference: str, which: str, now: datetime) -> None:
        """Mark a pending e-mail as being sent, so two retries cannot both send it."""
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key=_key(reference),
                UpdateExpression="SET emails.#w.#s = :sending, emails.#w.attempts = "
                                 "emails.#w.attempts + :one, emails.#w.claimed_at = :now",
                ConditionExpression="emails.#w.#s = :pending OR (emails.#w.#s = :sending AND "
                                    "emails.#w.claimed_at < :stale)",
                ExpressionAttributeNames={"#w": which, "#s": "status"},
                ExpressionAttributeValues={
                    ":sending": {"S": "sending"}, ":pending": {"S": "pending"},
                    ":one": {"N": "1"}, ":now": {"S": now.isoformat()},
                    ":stale": {"S": (now - CLAIM_TIMEOUT).isoformat()},
                },
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise EmailAlreadyClaimedError(f"{reference}/{which}") from exc
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc

    def record_emails(self, reference: str, records: Mapping[EmailKind, EmailRecord],
                      now: datetime) -> None:
        """Save the state of the e-mails in `records` (only these: another worker may hold a
        claim on the others) and keep the retry index in step."""
        names: dict[str, str] = {f"#k{index}": kind for index, kind in enumerate(records)}
        values: dict[str, Any] = {
            f":r{index}": _serializer.serialize(record.model_dump(mode="json"))
            for index, record in enumerate(records.values())}
        update = "SET " + ", ".join(f"emails.#k{index} = :r{index}"
                                    for index in range(len(records)))
        done = all(record.settled for record in records.values())
        if not done:
            update += ", email_pending = if_not_exists(email_pending, :since)"
            values[":since"] = {"S": now.isoformat()}
        try:
            self.client.update_item(
                TableName=self.table_name, Key=_key(reference), UpdateExpression=update,
                ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        except ClientError as exc:
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
        if done:
            # Checked apart: a copy confirmed meanwhile (pending for the retry) keeps the
            # complaint in the index. Should this fail, the next retry finds every e-mail
            # settled and tries again.
            with suppress(StorageUnavailableError):
                self.leave_retry_index(reference)

    def record_email_event(self, event: EmailEvent) -> bool:
        """Write what SES reported about one message onto its e-mail: its delivery, when the
        e-mail names this message; and that it was sent, when the e-mail was not recorded as
        sent yet (its sender claimed it, but did not record it). The delivery is not written
        over a report that outranks it (models.delivery_kept_over). A report that leaves a
        complainant without their e-mail also sets `delivery_problem`. False when nothing
        was written: the complaint, the e-mail or the message is another, or it was known."""
        changes: list[str] = []
        values: dict[str, Any] = {":id": {"S": event.message_id}}
        if event.delivery is not None:
            changes += ["emails.#k.delivery = :delivery", "emails.#k.delivery_at = :at"]
            values |= {":delivery": {"S": event.delivery}, ":at": {"S": event.at.isoformat()}}
            if event.not_delivered and event.kind in TO_COMPLAINANT:
                changes.append("delivery_problem = :true")
                values[":true"] = {"BOOL": True}
            kept = {f":kept{index}": {"S": known}
                    for index, known in enumerate(delivery_kept_over(event.delivery))}
            # This message's e-mail, unless it knows as much already.
            if self._conditional_update(
                    event.reference, "SET " + ", ".join(changes),
                    f"emails.#k.message_id = :id AND NOT emails.#k.delivery IN "
                    f"({', '.join(kept)})", {"#k": event.kind}, values | kept):
                return True
        # Not recorded as sent yet: SES accepted it, so it is sent, and this is its message.
        changes += ["emails.#k.#s = :sent", "emails.#k.message_id = :id",
                    "emails.#k.sent_at = :sent_at"]
        values |= {":sent": {"S": "sent"}, ":sent_at": {"S": event.sent_at.isoformat()},
                   ":sending": {"S": "sending"}, ":pending": {"S": "pending"}}
        return self._conditional_update(event.reference, "SET " + ", ".join(changes),
                                  "emails.#k.#s IN (:sending, :pending)",
                                  {"#k": event.kind, "#s": "status"}, values)

    def _conditional_update(self, reference: str, update: str, condition: str,
                      names: dict[str, str], values: dict[str, Any]) -> bool:
        """One conditional update of a complaint; False when the condition did not hold (or
        there is no such complaint: the condition names a path in it)."""
        try:
            self.client.update_item(
                TableName=self.table_name, Key=_key(reference), UpdateExpression=update,
                ConditionExpression=condition, ExpressionAttributeNames=names,
                ExpressionAttributeValues=values)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
        return True

    def confirm_copy(self, reference: str, now: datetime) -> None:
        """Record that the complainant confirmed the address, with the copy pending: the
        retry sends it (the public function cannot read what it holds).
        CopyAlreadyConfirmedError if that happened before."""
        pending = EmailRecord(status="pending").model_dump(mode="json")
        try:
            self.client.update_item(
                TableName=self.table_name, Key=_key(reference),
                UpdateExpression="SET copy_link.confirmed_at = :now, emails.#copy = :pending, "
                                 "email_pending = if_not_exists(email_pending, :now)",
                ConditionExpression="attribute_exists(copy_link.secret) AND "
                                    "attribute_not_exists(emails.#copy)",
                ExpressionAttributeNames={"#copy": "copy"},
                ExpressionAttributeValues={":now": {"S": now.isoformat()},
                                           ":pending": _serializer.serialize(pending)})
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise CopyAlreadyConfirmedError(reference) from exc
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc

    def add_attachment(self, reference: str, attachment: Attachment, max_files: int,
                       max_bytes: int) -> bool:
        """Add a file to a stored complaint, once, while it is open and not erased, unless
        it would then hold more than `max_files` or `max_bytes` together; whether it was
        added."""
        return self._conditional_update(
            reference,
            "SET #files = list_append(if_not_exists(#files, :none), :new), "
            "attachment_ids = list_append(if_not_exists(attachment_ids, :none), :id), "
            "attachment_bytes = if_not_exists(attachment_bytes, :zero) + :size",
            "attribute_exists(pk) AND (attribute_not_exists(erased_at) OR "
            "attribute_type(erased_at, :null)) AND NOT #st IN "
            f"({', '.join(f':closed{n}' for n in range(len(CLOSED)))}) AND "
            "(attribute_not_exists(attachment_ids) OR (NOT contains(attachment_ids, :file) "
            "AND size(attachment_ids) < :most)) AND "
            "(attribute_not_exists(attachment_bytes) OR attachment_bytes <= :room)",
            {"#files": "attachments", "#st": "status"},
            {":none": {"L": []}, ":zero": {"N": "0"}, ":null": {"S": "NULL"},
             ":new": {"L": [_serializer.serialize(attachment.model_dump(mode="json"))]},
             ":id": {"L": [{"S": attachment.id}]}, ":file": {"S": attachment.id},
             ":size": {"N": str(attachment.size)}, ":most": {"N": str(max_files)},
             ":room": {"N": str(max_bytes - attachment.size)},
             **{f":closed{n}": {"S": status} for n, status in enumerate(sorted(CLOSED))}})

    def request_status_link(self, complaint: ComplaintOutline, address: str, now: datetime,
                            not_since: datetime) -> bool:
        """Have the retry send the status link again, if `address` is the complainant's and
        it was not asked for since `not_since`; whether it will be sent. The address is
        compared in the table, by digest: this function cannot read the complainant's."""
        pending = EmailRecord(status="pending").model_dump(mode="json")
        return self._conditional_update(
            complaint.reference,
            "SET emails.#link = :pending, status_link_asked_at = :now, "
            "email_pending = if_not_exists(email_pending, :now)",
            "email_digest = :digest AND (attribute_not_exists(status_link_asked_at) OR "
            "status_link_asked_at < :since)",
            {"#link": "status_link"},
            {":pending": _serializer.serialize(pending), ":now": {"S": now.isoformat()},
             ":since": {"S": not_since.isoformat()},
             ":digest": {"S": _email_digest(complaint.status_secret, address) or "-"}})

    def change(self, complaint: StoredComplaint, version: int, entry: HistoryEntry) -> None:
        """Save a staff change of `complaint` (its STAFF_FIELDS and expiry) with its
        history entry, if the stored complaint is still at `version`; ChangedMeanwhileError
        when someone else changed it since."""
        # What a staff action may change; the rest of the complaint is as it was received.
        staff_fields = complaint.model_dump(mode="json", include=STAFF_FIELDS)
        values: dict[str, Any] = {
            ":version": {"N": str(version)}, ":one": {"N": "1"},
            ":index": {"S": f"STATUS#{complaint.status}"},
            ":entry": {"L": [_serializer.serialize(entry.model_dump(mode="json"))]},
            ":none": {"L": []},
            **{f":{name}": _serializer.serialize(value) for name, value in staff_fields.items()}}
        update = ("SET " + ", ".join(f"#{name} = :{name}" for name in staff_fields)
                  + ", gsi2pk = :index, version = version + :one, "
                    "history = list_append(if_not_exists(history, :none), :entry)")
        # Closed, it is deleted the retention period later; open, never.
        if complaint.retention_ends is not None:
            update += ", retention_ends = :ends"
            values[":ends"] = {"N": str(complaint.retention_ends)}
        else:
            update += " REMOVE retention_ends"
        try:
            self.client.update_item(
                TableName=self.table_name, Key=_key(complaint.reference),
                UpdateExpression=update,
                ExpressionAttributeNames={f"#{name}": name for name in staff_fields},
                ConditionExpression="attribute_exists(pk) AND "
                                    "(version = :version OR (attribute_not_exists(version) "
                                    "AND :version = :one))",
                ExpressionAttributeValues=values)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ChangedMeanwhileError(complaint.reference) from exc
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc

    def leave_retry_index(self, reference: str) -> None:
        """Out of the retry index, if every e-mail is settled (sent or given up): checked in
        the same write, so an e-mail another worker has just left pending keeps it in."""
        # Every kind: the first e-mails are always there, the copy and the status link
        # only once asked for.
        names = {"#s": "status", **{f"#k{index}": kind for index, kind in enumerate(EMAIL_KINDS)}}
        condition = " AND ".join(
            f"(attribute_not_exists(emails.#k{index}) OR emails.#k{index}.#s IN (:sent, :failed))"
            for index in range(len(EMAIL_KINDS)))
        try:
            self.client.update_item(
                TableName=self.table_name, Key=_key(reference),
                UpdateExpression="REMOVE email_pending", ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={":sent": {"S": "sent"}, ":failed": {"S": "failed"}})
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc

    def by_status(self, status: str, limit: int, after: dict[str, Any] | None = None,
                  filters: InboxFilters | None = None,
                  ) -> tuple[list[InboxEntry], dict[str, Any] | None]:
        """One page of the complaints with `status`, the contact due first, that meet
        `filters`; and where the next page starts (None on the last). DynamoDB filters
        after it reads a page, so a page is read on until it is full (or the index ends)."""
        arguments: dict[str, Any] = {
            "TableName": self.table_name, "IndexName": BY_STATUS,
            "KeyConditionExpression": "gsi2pk = :status",
            "ProjectionExpression": _INBOX_PROJECTION,
            "ExpressionAttributeValues": {":status": {"S": f"STATUS#{status}"}}}
        if filters is not None and filters.expression:
            arguments["FilterExpression"] = filters.expression
            arguments["ExpressionAttributeValues"] |= filters.values
        found: list[InboxEntry] = []
        for _ in range(MAX_READS_PER_PAGE):
            if after:
                arguments["ExclusiveStartKey"] = after
            arguments["Limit"] = limit
            try:
                answer = self.client.query(**arguments)
            except ParamValidationError as exc:
                raise PageKeyInvalidError from exc
            except ClientError as exc:
                if exc.response["Error"]["Code"] == "ValidationException" and after:
                    raise PageKeyInvalidError from exc
                raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
            found += [_inbox_entry(item, status) for item in answer.get("Items", [])]
            after = answer.get("LastEvaluatedKey")
            if len(found) >= limit or not after:
                break
        return found, after

    def with_pending_email(self) -> Iterator[StoredComplaint]:
        """Complaints with an e-mail still to send (a scan of the sparse index)."""
        paginator = self.client.get_paginator("scan")
        try:
            for page in paginator.paginate(TableName=self.table_name, IndexName=PENDING_EMAIL):
                for item in page.get("Items", []):
                    reference = item["pk"]["S"].removeprefix("KLACHT#")
                    complaint = self.get(reference)
                    if complaint is not None:
                        yield complaint
        except ClientError as exc:
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc

    def open_deadlines(self) -> Iterator[DeadlineEntry]:
        """The deadlines of every open complaint (a query of the status index per open
        status)."""
        for status in OPEN:
            yield from map(_deadline_entry, self._with_status(
                status, ProjectionExpression=", ".join(DEADLINE_ATTRIBUTES)))

    def claim_reminder(self, day: date, now: datetime) -> bool:
        """Claim the sending of `day`'s reminder: False when it was sent, or another run is
        sending it (a claim younger than CLAIM_TIMEOUT)."""
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item={**_reminder_key(day), "claimed_at": {"S": now.isoformat()},
                      "expires_at": {"N": str(int((now + MARKER_LIFETIME).timestamp()))}},
                ConditionExpression="attribute_not_exists(pk) OR (attribute_not_exists("
                                    "sent_at) AND claimed_at < :stale)",
                ExpressionAttributeValues={":stale": {"S": (now - CLAIM_TIMEOUT).isoformat()}})
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
        return True

    def reminder_sent(self, day: date, now: datetime) -> None:
        with suppress(ClientError):  # unrecorded, it may go twice after the claim is stale
            self.client.update_item(TableName=self.table_name, Key=_reminder_key(day),
                                    UpdateExpression="SET sent_at = :now",
                                    ExpressionAttributeValues={":now": {"S": now.isoformat()}})

    def release_reminder(self, day: date) -> None:
        """Give up the claim: sending failed, and a retry of the run sends it."""
        with suppress(ClientError):  # else the claim goes stale, with the same effect
            self.client.delete_item(TableName=self.table_name, Key=_reminder_key(day),
                                    ConditionExpression="attribute_not_exists(sent_at)")

    def past_retention(self, now: datetime) -> Iterator[tuple[str, list[str]]]:
        """The kenmerken of closed complaints whose retention ended by `now`, with the keys
        of their attachments (a query of the status index per closed status)."""
        for status in sorted(CLOSED):
            for item in self._with_status(
                    status, FilterExpression="retention_ends <= :now",
                    ExpressionAttributeValues={":now": {"N": str(int(now.timestamp()))}},
                    ProjectionExpression=", ".join(f"#{name}" for name in RETENTION_ATTRIBUTES),
                    ExpressionAttributeNames={f"#{name}": name
                                              for name in RETENTION_ATTRIBUTES}):
                attachments = _plain(item).get("attachments", [])
                yield item["reference"]["S"], [attachment["key"] for attachment in attachments]

    def delete_past_retention(self, reference: str, now: datetime,
                              logged: PutTypeDef) -> bool:
        """Delete the complaint if its retention has ended (so not one reopened meanwhile),
        and put `logged` (its access-log entry) in the same transaction: both or neither.
        Whether it was deleted."""
        try:
            self.client.transact_write_items(TransactItems=[
                {"Delete": {"TableName": self.table_name, "Key": _key(reference),
                            "ConditionExpression": "retention_ends <= :now",
                            "ExpressionAttributeValues": {
                                ":now": {"N": str(int(now.timestamp()))}}}},
                {"Put": logged}])
        except ClientError as exc:
            reasons = [reason.get("Code") for reason
                       in exc.response.get("CancellationReasons", [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return False
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
        return True

    def with_status(self, status: str, filters: InboxFilters | None = None,
                    ) -> Iterator[StoredComplaint]:
        """Every complaint with `status` that meets `filters`, whole, the contact due first
        (the export)."""
        narrowed: dict[str, Any] = {}
        if filters is not None and filters.expression:
            narrowed = {"FilterExpression": filters.expression,
                        "ExpressionAttributeValues": filters.values}
        yield from map(_from_item, self._with_status(status, **narrowed))

    def _with_status(self, status: str, **query: Any) -> Iterator[dict[str, Any]]:
        """Every item of the status index's partition of `status`, page after page; `query`
        adds to the Query (projection, filter, their names and values)."""
        values = {":status": {"S": f"STATUS#{status}"}} | query.pop(
            "ExpressionAttributeValues", {})
        try:
            for page in self.client.get_paginator("query").paginate(
                    TableName=self.table_name, IndexName=BY_STATUS,
                    KeyConditionExpression="gsi2pk = :status",
                    ExpressionAttributeValues=values, **query):
                yield from page.get("Items", [])
        except ClientError as exc:
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc

    def upgrade_stored(self, retention_days: int) -> int:
        """Bring complaints stored by earlier versions up to this one (`infra.deploy` runs it
        after each stack update): the inbox's map, `retention_ends` in place of the TTL's
        `expires_at` (a TTL deletion would not be in the access log), a version, and what
        the status page reads (its secret, when it was closed, the extended deadline). A
        complaint changed meanwhile is left for the next run. `retention_days`: the
        retention the complaints were closed with. How many it upgraded."""
        upgraded = 0
        outdated = ("begins_with(pk, :complaint) AND (attribute_not_exists(inbox) OR "
                    "attribute_exists(expires_at) OR attribute_not_exists(version) OR "
                    "attribute_not_exists(status_secret))")
        try:
            for page in self.client.get_paginator("scan").paginate(
                    TableName=self.table_name, FilterExpression=outdated,
                    ExpressionAttributeValues={":complaint": {"S": "KLACHT#"}}):
                for item in page.get("Items", []):
                    upgraded += self._upgrade(item, retention_days)
        except ClientError as exc:
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
        return upgraded

    def _upgrade(self, item: dict[str, Any], retention_days: int) -> int:
        data = _plain(item)
        complaint = StoredComplaint.model_validate(
            data | {"retention_ends": data.get("retention_ends") or data.get("expires_at")})
        if complaint.status_secret is None:
            # The status page came later: its link, and what it shows of staff changes.
            complaint = complaint.model_copy(update={
                "status_secret": new_secret(),
                "closed_at": _closed_at(complaint, retention_days),
                "judgement_extended_to": complaint.extension.until if complaint.extension
                else None})
        put: dict[str, Any] = {"TableName": self.table_name, "Item": _to_item(complaint),
                               "ConditionExpression": "attribute_not_exists(version)"}
        if "version" in item:
            put |= {"ConditionExpression": "version = :version",
                    "ExpressionAttributeValues": {":version": item["version"]}}
        try:
            self.client.put_item(**put)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return 0
            raise
        return 1

    def rewrite(self, complaint: StoredComplaint, version: int, fields: Collection[str],
                give_up: Collection[EmailKind] = (), forget_errors: bool = False) -> None:
        """Save `fields` of `complaint` (a correction or an erasure of what was received), if
        the stored complaint is still at `version`; ChangedMeanwhileError when someone else
        changed it since. The e-mails in `give_up`, pending now, are given up (failed): also
        ChangedMeanwhileError if one is being sent or was sent meanwhile. `forget_errors`
        removes what SES said of each e-mail (it may name the address). The e-mails' other
        state is left as the retry and SES's reports write it."""
        data = complaint.model_dump(mode="json", include=set(fields))
        if "complainant" in data:
            # A request for the status link is matched on the address as it is now.
            data["email_digest"] = _email_digest(complaint.status_secret,
                                                 complaint.complainant.email)
        names = {f"#{name}": name for name in data}
        values: dict[str, Any] = {f":{name}": _serializer.serialize(value)
                                  for name, value in data.items()}
        values |= {":version": {"N": str(version)}, ":one": {"N": "1"}}
        sets = [f"#{name} = :{name}" for name in data] + ["version = version + :one"]
        conditions = ["attribute_exists(pk)", "(version = :version OR (attribute_not_exists("
                      "version) AND :version = :one))"]
        for index, kind in enumerate(give_up):
            names |= {f"#g{index}": kind, "#s": "status"}
            sets.append(f"emails.#g{index}.#s = :failed")
            conditions.append(f"emails.#g{index}.#s = :pending")
            values |= {":failed": {"S": "failed"}, ":pending": {"S": "pending"}}
        removes = []
        if forget_errors:
            for index, kind in enumerate(complaint.emails):
                names[f"#e{index}"] = kind
                removes.append(f"emails.#e{index}.last_error")
        update = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        try:
            self.client.update_item(
                TableName=self.table_name, Key=_key(complaint.reference),
                UpdateExpression=update, ConditionExpression=" AND ".join(conditions),
                ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise ChangedMeanwhileError(complaint.reference) from exc
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc

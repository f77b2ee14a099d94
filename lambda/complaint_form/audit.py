"""The access log (NEN 7513): who read or changed which complaint, when, from where, and with
what outcome. Append-only: the staff and public functions may only put entries
(infra/template.yaml); a beheerder reads them per complaint. The public function logs the
complainant's own look at their status page.

Keys: pk `KLACHT#<reference>` (or `ZOEKEN` for a search that names none), sk
`<time>#<entry id>`, so one complaint's entries come back in order. The complainant's own
looks are under `KLAGER#<reference>`: the public function's role may add entries there only,
so it cannot write one in a staff member's name.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from complaint_form.dynamodb import StorageUnavailableError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import PutTypeDef

AccessEvent = Literal["inbox", "dossier_read", "dossier_change", "access_log_read",
                      "export", "year_figures", "subject_access", "correction", "erasure",
                      "retention_delete", "status_view", "attachment_open"]
Outcome = Literal["allowed", "refused", "not_found", "conflict", "deleted"]


class AccessEntry(BaseModel):
    event: AccessEvent
    at: datetime
    reference: str | None
    user_id: str = Field(description="The user's `sub` in the staff pool: never changes "
                                     "('klager': the complainant, through their link).")
    user: str = Field(description="The user's verified e-mail address at the time.")
    role: str
    source_ip: str
    outcome: Outcome
    detail: str | None = Field(None, description="What an export held (filter, rows, text); "
                                                 "which attachment was opened.")


def table_definition(table_name: str) -> dict[str, Any]:
    """`create_table` arguments; infra/template.yaml declares the same."""
    return {"TableName": table_name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "sk", "KeyType": "RANGE"}]}


# Events of the complainant's own, logged by the public function.
COMPLAINANT_EVENTS = frozenset({"status_view"})
COMPLAINANT_PARTITION = "KLAGER#"


def _partition(entry: AccessEntry) -> str:
    if entry.event in COMPLAINANT_EVENTS:
        return f"{COMPLAINANT_PARTITION}{entry.reference}"
    return f"KLACHT#{entry.reference}" if entry.reference else "ZOEKEN"


class AccessLog:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client = client

    @property
    def client(self) -> DynamoDBClient:
        if self._client is None:
            self._client = boto3.client("dynamodb")
        return self._client

    def put(self, entry: AccessEntry) -> PutTypeDef:
        """The put of one entry (PutItem's arguments, and a transaction's Put): it never
        replaces one (a new id each time, and a condition)."""
        item = {"pk": {"S": _partition(entry)},
                "sk": {"S": f"{entry.at.isoformat()}#{uuid.uuid4()}"},
                **{name: {"S": str(value)} for name, value
                   in entry.model_dump(mode="json").items() if value is not None}}
        return {"TableName": self.table_name, "Item": item,
                "ConditionExpression": "attribute_not_exists(pk)"}

    def write(self, entry: AccessEntry) -> None:
        """Add one entry."""
        try:
            self.client.put_item(**self.put(entry))
        except ClientError as exc:
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc

    def of(self, reference: str) -> list[AccessEntry]:
        """Every entry about one complaint, staff's and the complainant's, oldest first."""
        paginator = self.client.get_paginator("query")
        entries = []
        try:
            for partition in (f"KLACHT#{reference}", f"{COMPLAINANT_PARTITION}{reference}"):
                for page in paginator.paginate(
                        TableName=self.table_name, KeyConditionExpression="pk = :pk",
                        ExpressionAttributeValues={":pk": {"S": partition}}):
                    entries += [AccessEntry.model_validate(
                        {name: value["S"] for name, value in item.items()
                         if name not in ("pk", "sk")} | {"reference": reference})
                        for item in page["Items"]]
        except ClientError as exc:
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
        return sorted(entries, key=lambda entry: entry.at)

"""Helpers for backend tests: API Gateway events, moto set-up and what moto recorded."""

from __future__ import annotations

import base64
import copy
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from devserver.backend import LambdaContext, create_aws_resources

__all__ = ["LambdaContext", "create_aws_resources"]

EVENTS = Path(__file__).resolve().parent / "events"
REGION = "eu-west-1"
# Monday 23 November 2026, 10:00 in Amsterdam: the clock of the backend tests
RECEIVED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    """The Lambda handler, called as API Gateway calls it."""
    from complaint_form.app import lambda_handler

    response: dict[str, Any] = lambda_handler(event, LambdaContext())
    return response


def load_event(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    return data


def new_address() -> str:
    """An address of its own for a test's complaint: one address may send only a few a day."""
    return f"sanne.{uuid.uuid4().hex[:12]}@example.nl"


def complaint_body(**changes: Any) -> dict[str, Any]:
    body = load_event("complaint.json")
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def copy_link_of(item: dict[str, Any]) -> str:
    """Path of the copy link in a stored complaint's ontvangstbevestiging."""
    return f"/api/klachten/{item['reference']}/kopie/{item['copy_link']['secret']}"


def http_event(method: str = "POST", path: str = "/api/klachten", body: str | bytes = "",
               content_type: str | None = "application/json",
               headers: dict[str, str] | None = None, query: str = "") -> dict[str, Any]:
    event = copy.deepcopy(load_event("http_api_v2.json"))
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    if query:
        event["rawQueryString"] = query
        event["queryStringParameters"] = {name: values[-1] for name, values
                                          in parse_qs(query).items()}
    event["requestContext"]["http"]["method"] = method
    if content_type is None:
        event["headers"].pop("content-type")
    else:
        event["headers"]["content-type"] = content_type
    event["headers"].update(headers or {})
    if isinstance(body, bytes):
        event["body"] = base64.b64encode(body).decode()
        event["isBase64Encoded"] = True
    else:
        event["body"] = body
    return event


def staff_event(path: str, user: str | None = "fenna", groups: str = "[klachtenfunctionaris]",
                query: dict[str, str] | None = None,
                body: dict[str, Any] | None = None) -> dict[str, Any]:
    """A staff request as API Gateway's JWT authorizer passes it on: with the claims of the
    user's ID token (a list claim as one string), or none (`user` None); a POST with `body`."""
    event = http_event("POST" if body is not None else "GET", path,
                       body=json.dumps(body) if body is not None else "",
                       content_type="application/json" if body is not None else None,
                       headers={"cloudfront-viewer-address": "203.0.113.7:50312",
                                "x-forwarded-for": "6.6.6.6"})
    event["rawQueryString"] = urlencode(query or {})
    event["queryStringParameters"] = query or None
    if user is not None:
        event["requestContext"]["authorizer"] = {"jwt": {
            "claims": {"sub": f"sub-of-{user}", "token_use": "id", "email": user,
                       "email_verified": "true", "cognito:groups": groups},
            "scopes": None}}
    return event


def invoke_staff(event: dict[str, Any]) -> dict[str, Any]:
    """The staff function, called as API Gateway calls it."""
    from complaint_form.staff_app import lambda_handler

    response: dict[str, Any] = lambda_handler(event, LambdaContext())
    return response


def json_event(body: dict[str, Any]) -> dict[str, Any]:
    return http_event(body=json.dumps(body))


def form_event(fields: dict[str, Any]) -> dict[str, Any]:
    def as_form(value: Any) -> str:
        if value is True:
            return "ja"
        return "" if value is False or value is None else str(value)

    encoded = urlencode({key: as_form(value) for key, value in fields.items()
                         if value is not False})
    return http_event(body=encoded, content_type="application/x-www-form-urlencoded")


@dataclass(frozen=True)
class SentEmail:
    """An e-mail as SES (moto) accepted it: of a text-and-HTML e-mail moto keeps the HTML."""

    id: str
    to: list[str]
    subject: str
    html: str


def sent_emails() -> list[SentEmail]:
    backend = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
    return [SentEmail(message.id, message.destinations["ToAddresses"], message.subject,
                      message.body) for message in backend.sent_messages]


def stored_items(table_name: str) -> list[dict[str, Any]]:
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName=table_name)["Items"]
    return [{key: deserializer.deserialize(value) for key, value in item.items()}
            for item in items if item["pk"]["S"].startswith("KLACHT#")]


def stored_item(table_name: str, reference: str) -> dict[str, Any]:
    """The stored complaint with this kenmerk."""
    return next(item for item in stored_items(table_name) if item["reference"] == reference)

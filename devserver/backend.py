"""The form backend as it runs locally: the real Lambda handler, moto behind it."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from klachtenportaal.registry import Registry

LOCAL_ENVIRONMENT = {
    # Fake credentials: nothing here may ever reach a real AWS account.
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
    "POWERTOOLS_SERVICE_NAME": "complaint-form",
    "POWERTOOLS_METRICS_NAMESPACE": "Klachtenportaal",
    "POWERTOOLS_METRICS_DISABLED": "true",
}


def prepare_environment(site_url: str) -> None:
    """Set before the backend is imported: it reads its settings once, at import."""
    os.environ.update(LOCAL_ENVIRONMENT)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.setdefault("SITE_URL", site_url)
    os.environ.setdefault("ALLOWED_ORIGIN", site_url.rstrip("/"))


def create_aws_resources(sender: str, table_name: str, idempotency_table_name: str) -> None:
    """The tables and the verified sender that infra/ creates in AWS, made in moto."""
    import boto3
    from complaint_form.dynamodb import table_definitions

    region = os.environ.get("AWS_DEFAULT_REGION", "eu-west-1")
    dynamodb = boto3.client("dynamodb", region_name=region)
    for definition in table_definitions(table_name, idempotency_table_name):
        dynamodb.create_table(**definition)
    boto3.client("ses", region_name=region).verify_email_identity(EmailAddress=sender)


class LambdaContext:
    function_name = "complaint-form-local"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:complaint-form-local"
    aws_request_id = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _outbox_mailer_class() -> type:
    from complaint_form.references import REFERENCE
    from complaint_form.ses import Mailer

    class OutboxMailer(Mailer):
        """Sends through (emulated) SES and keeps a readable copy as an .eml file."""

        def __init__(self, sender: str, outbox: Path) -> None:
            super().__init__(sender)
            self.outbox = outbox
            self._counter = 0
            self._lock = threading.Lock()

        def deliver(self, to: str, raw: bytes) -> str:
            message_id = super().deliver(to, raw)
            reference = REFERENCE.search(raw.decode("ascii", "replace"))
            with self._lock:
                self._counter += 1
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
                found = reference.group() if reference else "mail"
                name = f"{stamp}-{self._counter:05d}-{found}"
            self.outbox.mkdir(parents=True, exist_ok=True)
            (self.outbox / f"{name}.eml").write_bytes(raw)
            return message_id

    return OutboxMailer


class LocalBackend:
    """One emulated Lambda instance: requests are handled one at a time, as in AWS."""

    def __init__(self, outbox: Path) -> None:
        from moto import mock_aws

        self._mock = mock_aws()
        self._mock.start()
        from complaint_form.service import get_services

        self.services = get_services()
        settings = self.services.settings
        create_aws_resources(settings.sender_email, settings.table_name,
                             settings.idempotency_table_name)
        self.services.mailer = _outbox_mailer_class()(settings.sender_email, outbox)
        self._lock = threading.Lock()
        self._context = LambdaContext()

    def handle(self, event: dict[str, Any]) -> Mapping[str, Any]:
        from complaint_form.handler import lambda_handler

        with self._lock:
            response: Mapping[str, Any] = lambda_handler(event, self._context)
            return response

    def references(self) -> list[str]:
        with self._lock:
            paginator = self.services.repository.client.get_paginator("scan")
            pages = paginator.paginate(TableName=self.services.settings.table_name,
                                       ProjectionExpression="pk")
            keys = [item["pk"]["S"] for page in pages for item in page["Items"]]
        return sorted(key.removeprefix("KLACHT#") for key in keys if key.startswith("KLACHT#"))

    def stored(self, reference: str) -> dict[str, Any] | None:
        with self._lock:
            complaint = self.services.repository.get(reference)
        return complaint.model_dump(mode="json") if complaint else None

    def reload_registry(self, registry: Registry | None = None) -> None:
        with self._lock:
            self.services.reload_registry(registry)

    def close(self) -> None:
        self._mock.stop()

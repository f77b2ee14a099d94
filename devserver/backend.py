"""The form backend as it runs locally: the real Lambda handler, moto behind it."""

from __future__ import annotations

import os
import secrets
import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from botocore import xform_name
from complaint_form.audit import table_definition as access_log_table
from complaint_form.dependencies import get_dependencies
from complaint_form.dynamodb import table_definitions
from complaint_form.references import REFERENCE
from complaint_form.ses import Email, Mailer
from complaint_form.uploads import UploadStore
from moto import mock_aws

from devserver.ses_events import ses_event_record, sns_event
from devserver.staff import LocalStaffPool
from devserver.uploads import UPLOAD_PREFIX, PostRefusedError, accept_post, presigned_get

if TYPE_CHECKING:
    from complaint_form.models import EmailKind
    from complaint_form.settings import Settings

    from klachtenportaal.registry import Registry

# Where the dev server answers Cognito's sign-in calls (`make serve` has no AWS to call).
COGNITO_PATH = "/_dev/cognito/"
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
    # moto checks TOTP codes at sign-in only when told to.
    "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",
}


def prepare_environment(site_url: str) -> None:
    """Before the backend reads its settings or starts its logger: fake credentials, the
    site's address, and the secret the server adds to API requests, as CloudFront does."""
    os.environ.update(LOCAL_ENVIRONMENT)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.setdefault("SITE_URL", site_url)
    os.environ["ORIGIN_SECRET"] = secrets.token_urlsafe(32)


@cache
def _client(service: str, region: str) -> Any:
    # Made once: a client reads its service's model from disk, and tests make the resources
    # for every test afresh.
    return boto3.client(service, region_name=region)  # type: ignore[call-overload]


def create_aws_resources(settings: Settings) -> None:
    """The tables, the verified sender and the attachments bucket that infra/ creates in
    AWS, made in moto."""
    region = os.environ.get("AWS_DEFAULT_REGION", "eu-west-1")
    dynamodb = _client("dynamodb", region)
    for definition in [*table_definitions(settings.table_name,
                                          settings.idempotency_table_name),
                       access_log_table(settings.access_log_table_name)]:
        dynamodb.create_table(**definition)
    _client("ses", region).verify_email_identity(EmailAddress=settings.sender_email)
    s3 = _client("s3", region)
    s3.create_bucket(Bucket=settings.attachments_bucket,
                     CreateBucketConfiguration={"LocationConstraint": region})
    # As the template makes it: versioned.
    s3.put_bucket_versioning(Bucket=settings.attachments_bucket,
                             VersioningConfiguration={"Status": "Enabled"})


class LambdaContext:
    function_name = "complaint-form-local"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:complaint-form-local"
    aws_request_id = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class OutboxMailer(Mailer):
    """Sends through (emulated) SES, and keeps each e-mail as an .eml file in the outbox, for
    a mail program to open."""

    def __init__(self, sender: str, outbox: Path) -> None:
        super().__init__(sender)
        self.outbox = outbox
        self._sent = 0

    def send(self, email: Email) -> str:
        message_id = super().send(email)
        # The classic MIME classes write a message much faster than EmailMessage, which
        # counts in the local serve benchmark (bench/README.md).
        message = MIMEMultipart("alternative")
        message["From"], message["To"], message["Subject"] = self.sender, email.to, email.subject
        if email.reply_to:
            message["Reply-To"] = email.reply_to
        message.attach(MIMEText(email.text, "plain", "utf-8"))
        message.attach(MIMEText(email.html, "html", "utf-8"))
        self._sent += 1
        found = REFERENCE.search(email.subject)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        name = f"{stamp}-{self._sent:05d}-{found.group() if found else 'mail'}.eml"
        self.outbox.mkdir(parents=True, exist_ok=True)
        (self.outbox / name).write_bytes(message.as_bytes())
        return message_id


class LocalBackend:
    """One emulated Lambda instance: requests are handled one at a time, as in AWS."""

    def __init__(self, outbox: Path, registry: Registry) -> None:
        self._mock = mock_aws()
        self._mock.start()
        self.deps = get_dependencies()
        settings = self.deps.settings
        create_aws_resources(settings)
        self.deps.use_registry(registry)
        self.deps.mailer = OutboxMailer(settings.sender_email, outbox)
        # Browsers post attachments to the dev server, which stores them in moto.
        self.deps.uploads = UploadStore(
            settings.attachments_bucket,
            browser_url=f"{settings.site_url.rstrip('/')}{UPLOAD_PREFIX}{settings.attachments_bucket}")
        self.staff_pool = LocalStaffPool.create()
        # The behandelomgeving signs in through the dev server's stand-in for Cognito.
        self.deps.settings = settings.model_copy(update={
            "staff_client_id": self.staff_pool.client_id,
            "cognito_endpoint": COGNITO_PATH})
        self._lock = threading.Lock()
        self._context = LambdaContext()

    def handle(self, event: dict[str, Any]) -> Mapping[str, Any]:
        # Imported on the first request, as the Lambda runtime does: after the environment
        # is set, which powertools reads when the app is loaded.
        from complaint_form.handler import lambda_handler

        with self._lock:
            response: Mapping[str, Any] = lambda_handler(event, self._context)
            return response

    def handle_staff(self, event: dict[str, Any]) -> Mapping[str, Any]:
        """The staff function; `event` carries the claims the dev server checked."""
        from complaint_form.staff_app import lambda_handler

        with self._lock:
            response: Mapping[str, Any] = lambda_handler(event, self._context)
            return response

    def retry(self) -> int:
        """One scheduled run of the retry function (pending e-mails, confirmed copies); how
        many it sent."""
        from complaint_form.retry import lambda_handler

        with self._lock:
            return int(lambda_handler({}, self._context)["sent"])

    def reminder(self, day: date | None = None) -> dict[str, Any]:
        """The reminder function, run now (for `day`, when given)."""
        from complaint_form.reminder import lambda_handler

        event = {"day": day.isoformat()} if day else {}
        with self._lock:
            result: dict[str, Any] = lambda_handler(event, self._context)
            return result

    def retention(self) -> dict[str, Any]:
        """The retention job, run now: closed complaints whose retention ended are deleted."""
        from complaint_form.retention import lambda_handler

        with self._lock:
            result: dict[str, Any] = lambda_handler({}, self._context)
            return result

    def cognito(self, operation: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """One call of Cognito's sign-in API (as the browser makes it), answered by moto.
        ClientError as Cognito would refuse it."""
        client = boto3.client("cognito-idp", region_name=self.staff_pool.region)
        with self._lock:
            answer: dict[str, Any] = getattr(client, xform_name(operation))(**arguments)
        answer.pop("ResponseMetadata", None)
        return answer

    def upload(self, bucket: str, content_type: str, body: bytes) -> str | None:
        """A browser's upload to S3 (a presigned POST), stored and scanned; where S3 sends
        the browser then, if anywhere. PostRefusedError as S3 would refuse it."""
        if bucket != self.deps.uploads.bucket:
            raise PostRefusedError(404, "NoSuchBucket", "The specified bucket does not exist")
        with self._lock:
            return accept_post(self.deps.uploads.client, bucket, content_type, body)

    def download(self, bucket: str, key: str,
                 query: dict[str, str]) -> tuple[bytes, list[tuple[str, str]]]:
        """What a presigned link to an attachment serves (the behandelomgeving's "Openen")."""
        if bucket != self.deps.uploads.bucket:
            raise PostRefusedError(404, "NoSuchBucket", "The specified bucket does not exist")
        with self._lock:
            return presigned_get(self.deps.uploads.client, bucket, key, query)

    def references(self) -> list[str]:
        with self._lock:
            paginator = self.deps.repository.client.get_paginator("scan")
            pages = paginator.paginate(TableName=self.deps.settings.table_name,
                                       ProjectionExpression="pk")
            keys = [item["pk"]["S"] for page in pages for item in page["Items"]]
        return sorted(key.removeprefix("KLACHT#") for key in keys if key.startswith("KLACHT#"))

    def stored(self, reference: str) -> dict[str, Any] | None:
        with self._lock:
            complaint = self.deps.repository.get(reference)
        return complaint.model_dump(mode="json") if complaint else None

    def replay_email_event(self, reference: str, kind: EmailKind,
                           event_type: str) -> dict[str, Any] | None:
        """What SES would report on an e-mail of a stored complaint (`event_type`: Send,
        Delivery, Bounce, Complaint, Reject or DeliveryDelay), delivered as SNS delivers it to
        the events Lambda (`complaint_form.email_events`); the stored complaint afterwards.
        An e-mail not recorded as sent gets a new message id, as if SES accepted it and
        recording that failed. LookupError: no such complaint or e-mail."""
        # Imported when first used, as `handle` does: powertools reads the environment.
        from complaint_form.delivery import render_email
        from complaint_form.email_events import lambda_handler

        with self._lock:
            complaint = self.deps.repository.get(reference)
            if complaint is None or kind not in complaint.emails:
                raise LookupError(f"{reference}/{kind}")
            record = complaint.emails[kind]
            event = sns_event(ses_event_record(
                event_type, reference=reference, kind=kind,
                message_id=record.message_id or f"local-{uuid.uuid4()}",
                sender=self.deps.settings.sender_email,
                recipient=render_email(kind, complaint, self.deps).to,
                sent_at=record.sent_at or self.deps.clock()))
            lambda_handler(event, self._context)
        return self.stored(reference)

    def use_registry(self, registry: Registry) -> None:
        with self._lock:
            self.deps.use_registry(registry)

    def close(self) -> None:
        self._mock.stop()

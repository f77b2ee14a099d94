"""S3 adapter for attachments: the presigned POST a browser uploads one file with, what an
upload holds, the copy a complaint keeps, links for staff, deletion.

Keys: `uploads/<folder>/<upload id>` for an uploaded file not yet attached (the bucket's
lifecycle deletes them after a day), `bijlagen/<folder>/<upload id>` for the copy kept with
a complaint (deleted with it). The folder is the submission id for files the page's script
uploads with the form, the kenmerk for files added after sending. Every object is scanned
for malware by GuardDuty Malware Protection for S3, which tags it with the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from complaint_form.dynamodb import StorageUnavailableError
from klachtenportaal.attachments import HEAD_BYTES, MAX_FILE_BYTES

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_s3.type_defs import CopySourceTypeDef

# The tag GuardDuty Malware Protection for S3 puts on every object it scanned, and the value
# it gives a file in which it found nothing.
SCAN_TAG = "GuardDutyMalwareScanStatus"
SCAN_CLEAN = "NO_THREATS_FOUND"
SCAN_INFECTED = "THREATS_FOUND"
# A presigned upload must start within this time.
POST_SECONDS = 600
# A staff member's link to a file works this long.
LINK_SECONDS = 60

ScanResult = Literal["clean", "infected", "pending", "failed"]


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Upload:
    size: int
    content_type: str
    head: bytes
    scan: ScanResult
    # The version read (None where the bucket keeps none): the one kept, should the same
    # presigned POST be used again in the meantime.
    version: str | None = None


def upload_key(folder: str, upload_id: str) -> str:
    return f"uploads/{folder}/{upload_id}"


def attachment_key(folder: str, upload_id: str) -> str:
    return f"bijlagen/{folder}/{upload_id}"


def scan_result(tags: dict[str, str]) -> ScanResult:
    """What GuardDuty's tag says: clean, infected, not yet scanned, or not scannable
    (unsupported, access denied, failed), which is offered to nobody either."""
    status = tags.get(SCAN_TAG)
    if status is None:
        return "pending"
    if status == SCAN_CLEAN:
        return "clean"
    return "infected" if status == SCAN_INFECTED else "failed"


class UploadStore:
    """`browser_url`: where browsers reach the bucket, when not at S3's own address (`make
    serve`)."""

    def __init__(self, bucket: str, client: S3Client | None = None,
                 browser_url: str | None = None) -> None:
        self.bucket = bucket
        self._client = client
        self.browser_url = browser_url

    @property
    def client(self) -> S3Client:
        if self._client is None:
            # Signature version 4: S3 takes nothing else for objects under a KMS key. The
            # regional address: the one the site's Content-Security-Policy allows (a new
            # bucket's global address answers with a redirect, which a browser's post does
            # not follow).
            region = boto3.session.Session().region_name
            self._client = boto3.client(
                "s3", endpoint_url=f"https://s3.{region}.amazonaws.com",
                config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}))
        return self._client

    def presign(self, key: str, content_type: str | None, max_bytes: int = MAX_FILE_BYTES,
                redirect: str | None = None) -> PresignedPost:
        """The form fields for one file: S3 refuses another key, an empty file or one over
        `max_bytes`, a post after POST_SECONDS, and (when given) another content type.
        `redirect`: where S3 sends the browser after a form post without script; then the
        key ends in "/${filename}", which S3 fills in with the file's name (boto3 makes the
        policy hold the key's beginning)."""
        fields: dict[str, str] = {}
        conditions: list[Any] = [["content-length-range", 1, max_bytes]]
        if content_type is not None:
            fields["Content-Type"] = content_type
            conditions.append({"Content-Type": content_type})
        if redirect is not None:
            fields["success_action_redirect"] = redirect
            conditions.append({"success_action_redirect": redirect})
        try:
            post = self.client.generate_presigned_post(
                Bucket=self.bucket, Key=key, Fields=fields, Conditions=conditions,
                ExpiresIn=POST_SECONDS)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailableError(type(exc).__name__) from exc
        return PresignedPost(url=self.browser_url or post["url"],
                             fields={name: str(value) for name, value in post["fields"].items()})

    def uploaded(self, key: str) -> Upload | None:
        """What was uploaded under this key (None: nothing, or gone), with its first bytes
        and its scan result."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=key,
                                            Range=f"bytes=0-{HEAD_BYTES - 1}")
            head = answer["Body"].read()
            version = answer.get("VersionId")
            tags = self._tags(key, version)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404", "InvalidRange"):
                return None
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
        except BotoCoreError as exc:
            raise StorageUnavailableError(type(exc).__name__) from exc
        size = int(str(answer.get("ContentRange", "")).rpartition("/")[2] or len(head))
        return Upload(size=size, content_type=answer.get("ContentType", ""), head=head,
                      scan=scan_result(tags), version=version)

    def attach(self, uploaded: str, version: str | None, kept: str) -> None:
        """Keep the version of an uploaded file that was checked with its complaint: a copy
        outside the uploads' lifecycle, with the scan result it had (GuardDuty scans the
        copy again), encrypted as the bucket encrypts (with the data key)."""
        source: CopySourceTypeDef = {"Bucket": self.bucket, "Key": uploaded}
        if version is not None:
            source["VersionId"] = version
        try:
            self.client.copy_object(Bucket=self.bucket, Key=kept,
                                    CopySource=source, TaggingDirective="COPY")
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailableError(type(exc).__name__) from exc

    def scan(self, key: str) -> ScanResult:
        """The scan result of a complaint's attachment."""
        try:
            return scan_result(self._tags(key))
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                return "failed"
            raise StorageUnavailableError(exc.response["Error"]["Code"]) from exc
        except BotoCoreError as exc:
            raise StorageUnavailableError(type(exc).__name__) from exc

    def link(self, key: str, filename: str, content_type: str) -> str:
        """A link to a complaint's attachment that works for LINK_SECONDS: downloaded under
        its own name, as the type its content was found to be (not as it was uploaded)."""
        ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'")
        params: dict[str, Any] = {
            "Bucket": self.bucket, "Key": key, "ResponseContentType": content_type,
            "ResponseContentDisposition": f'attachment; filename="{ascii_name}"; '
                                          f"filename*=UTF-8''{quote(filename)}"}
        url = self.client.generate_presigned_url("get_object", Params=params,
                                                 ExpiresIn=LINK_SECONDS)
        if self.browser_url is None:
            return url
        parts = urlsplit(url)
        return f"{self.browser_url}/{parts.path.lstrip('/').removeprefix(self.bucket + '/')}" \
               f"?{parts.query}"

    def delete(self, keys: list[str]) -> None:
        """Delete a complaint's attachments (erasure, the end of its retention)."""
        if not keys:
            return
        try:
            answer = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": [
                {"Key": key} for key in keys]})
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailableError(type(exc).__name__) from exc
        if answer.get("Errors"):
            # S3 answers a partly failed delete with a list, not an error.
            raise StorageUnavailableError(answer["Errors"][0].get("Code", "DeleteFailed"))

    def _tags(self, key: str, version: str | None = None) -> dict[str, str]:
        answer = (self.client.get_object_tagging(Bucket=self.bucket, Key=key, VersionId=version)
                  if version else self.client.get_object_tagging(Bucket=self.bucket, Key=key))
        return {tag["Key"]: tag["Value"] for tag in answer["TagSet"]}

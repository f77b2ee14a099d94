"""Development only: S3's browser upload (a POST with a presigned policy) and presigned
download on the dev server's own address, and a stand-in for GuardDuty Malware Protection
for S3.

The backend hands browsers a presigned POST made by boto3, as in AWS; `make serve` has no S3
to post it to, so `/_dev/s3/<bucket>` takes the post, holds it to the policy's conditions as
S3 does (expiry, key, content type, size; the signature is S3's to check and is not), and
stores the file in moto. Then it tags the object as GuardDuty tags a scanned one. No
signature database can be downloaded here: the stand-in knows one threat, the EICAR test
file, by its published string. The code that reads the tag is the production code.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import HTTP
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from complaint_form.uploads import SCAN_CLEAN, SCAN_INFECTED, SCAN_TAG

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

UPLOAD_PREFIX = "/_dev/s3/"
# The anti-malware test file's published string (eicar.org): every scanner reports it.
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")


class PostRefusedError(Exception):
    """S3 would refuse this post: its status, error code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code

    def as_xml(self) -> bytes:
        return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{self.code}</Code>"
                f"<Message>{escape(str(self))}</Message></Error>").encode()


def scan(client: S3Client, bucket: str, key: str, content: bytes) -> None:
    """Tag the object as GuardDuty Malware Protection for S3 tags what it scanned."""
    status = SCAN_INFECTED if EICAR in content else SCAN_CLEAN
    client.put_object_tagging(Bucket=bucket, Key=key,
                              Tagging={"TagSet": [{"Key": SCAN_TAG, "Value": status}]})


def accept_post(client: S3Client, bucket: str, content_type: str, body: bytes,
                now: datetime | None = None) -> str | None:
    """Store the file of one browser upload, as S3 does, and scan it; where S3 sends the
    browser then (`success_action_redirect` with the bucket, key and ETag), if anywhere.
    PostRefusedError as S3 would refuse it."""
    fields, filename, content = _form(content_type, body)
    try:
        policy = json.loads(base64.b64decode(fields["policy"]))
    except (KeyError, ValueError) as exc:
        raise PostRefusedError(403, "AccessDenied", "Invalid Policy") from exc
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    if (now or datetime.now(UTC)) > expires:
        raise PostRefusedError(403, "AccessDenied", "Invalid according to Policy: "
                                                    "Policy expired.")
    for condition in policy["conditions"]:
        _hold(condition, {**fields, "bucket": bucket}, len(content))
    key = fields["key"].replace("${filename}", filename)
    stored = client.put_object(Bucket=bucket, Key=key, Body=content,
                               ContentType=fields.get("content-type", "binary/octet-stream"))
    scan(client, bucket, key, content)
    redirect = fields.get("success_action_redirect")
    if not redirect:
        return None
    return f"{redirect}?{urlencode({'bucket': bucket, 'key': key, 'etag': stored['ETag']})}"


def _form(content_type: str, body: bytes) -> tuple[dict[str, str], str, bytes]:
    message = message_from_bytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body,
                                 policy=HTTP)
    if not message.is_multipart():
        raise PostRefusedError(400, "MalformedPOSTRequest", "Not multipart/form-data")
    fields: dict[str, str] = {}
    content, filename = None, ""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        if name == "file":
            content, filename = payload, part.get_filename() or ""
            break  # S3 ignores the fields after the file
        # S3 reads form field names in any case.
        fields[name.lower()] = payload.decode()
    if content is None:
        raise PostRefusedError(400, "InvalidArgument", "POST requires exactly one file")
    return fields, filename, content


def _hold(condition: Any, fields: dict[str, str], size: int) -> None:
    refused = PostRefusedError(403, "AccessDenied",
                               f"Invalid according to Policy: Policy Condition failed: "
                               f"{json.dumps(condition)}")
    if isinstance(condition, dict):
        [(name, value)] = condition.items()
        if fields.get(name.lower()) != value:
            raise refused
        return
    operator, name, value = condition
    if operator == "content-length-range":
        if not name <= size <= value:
            raise PostRefusedError(400, "EntityTooLarge" if size > value else "EntityTooSmall",
                                   "Your proposed upload is outside the allowed size")
        return
    sent = fields.get(name.lstrip("$").lower(), "")
    if (operator == "eq" and sent != value) or (operator == "starts-with"
                                                 and not sent.startswith(value)):
        raise refused


def presigned_get(client: S3Client, bucket: str, key: str, query: dict[str, str],
                  now: datetime | None = None) -> tuple[bytes, list[tuple[str, str]]]:
    """The object a presigned link names, with the headers its parameters ask for, as S3
    serves it; PostRefusedError (403) once the link has expired. The signature is not
    checked: any key can be read here, as anything in moto can (local use only)."""
    signed = datetime.strptime(query.get("X-Amz-Date", ""), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    if (now or datetime.now(UTC)) > signed + timedelta(seconds=int(query["X-Amz-Expires"])):
        raise PostRefusedError(403, "AccessDenied", "Request has expired")
    answer = client.get_object(Bucket=bucket, Key=key)
    headers = [("Content-Type", query.get("response-content-type", answer["ContentType"]))]
    if "response-content-disposition" in query:
        headers.append(("Content-Disposition", query["response-content-disposition"]))
    return answer["Body"].read(), headers

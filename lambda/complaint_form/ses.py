"""SES (v2) adapter: sends one e-mail with a text and an HTML part (SES builds the MIME)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from mypy_boto3_sesv2.client import SESV2Client


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    reply_to: str | None = None  # where a reply goes: the sender's address takes none


class EmailNotSentError(Exception):
    """SES did not accept the message (throttled, rejected, unreachable)."""


class Mailer:
    def __init__(self, sender: str, client: SESV2Client | None = None) -> None:
        self.sender = sender
        self._client = client

    @property
    def client(self) -> SESV2Client:
        if self._client is None:
            self._client = boto3.client("sesv2")
        return self._client

    def send(self, email: Email) -> str:
        """Send `email`; SES's message id."""
        try:
            answer = self.client.send_email(
                FromEmailAddress=self.sender,
                Destination={"ToAddresses": [email.to]},
                ReplyToAddresses=[email.reply_to] if email.reply_to else [],
                Content={"Simple": {
                    "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": email.text, "Charset": "UTF-8"},
                             "Html": {"Data": email.html, "Charset": "UTF-8"}},
                }},
            )
        except (ClientError, BotoCoreError) as exc:
            raise EmailNotSentError(type(exc).__name__) from exc
        return answer["MessageId"]

"""SES (v2) adapter: sends one e-mail with a text and an HTML part (SES builds the MIME).

Each message carries tags (which complaint, which of its e-mails); with a configuration set,
SES publishes events about the message with those tags (`complaint_form.email_events`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
    # SES message tags, back in every event about the message (letters, digits, _ - . @ only)
    tags: Mapping[str, str] = field(default_factory=dict)


class EmailNotSentError(Exception):
    """SES did not accept the message (throttled, rejected, unreachable)."""


class Mailer:
    """`configuration_set`: the SES configuration set whose event destination reports what
    became of each message (none locally)."""

    def __init__(self, sender: str, client: SESV2Client | None = None,
                 configuration_set: str | None = None) -> None:
        self.sender = sender
        self._client = client
        self.configuration_set = configuration_set

    @property
    def client(self) -> SESV2Client:
        if self._client is None:
            self._client = boto3.client("sesv2")
        return self._client

    def send(self, email: Email) -> str:
        """Send `email`; SES's message id."""
        optional: dict[str, Any] = {}
        if email.tags:
            optional["EmailTags"] = [{"Name": name, "Value": value}
                                     for name, value in email.tags.items()]
        if self.configuration_set:
            optional["ConfigurationSetName"] = self.configuration_set
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
                **optional,
            )
        except (ClientError, BotoCoreError) as exc:
            raise EmailNotSentError(type(exc).__name__) from exc
        return answer["MessageId"]

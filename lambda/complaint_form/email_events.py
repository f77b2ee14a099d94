"""SES's reports on the e-mails it accepted, written onto their complaints: the Lambda that
SNS invokes for the topic the configuration set publishes its events to.

Each SNS record's message is an SES event record (JSON): `eventType` (Send, Delivery, Bounce,
Complaint, Reject, DeliveryDelay), `mail` (the SES message id, when SES accepted it, and the
tags it was sent with: `mail.tags`, each a list of values) and an object named after the
event (`bounce.bounceType` ...). Only those fields are read; the recipient's address, which
the record holds in several places, is never read, kept or logged.
"""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools.utilities.data_classes import SNSEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field, ValidationError

from complaint_form.models import (
    EMAIL_KINDS,
    KIND_TAG,
    REFERENCE_TAG,
    Delivery,
    EmailEvent,
    EmailKind,
)
from complaint_form.observability import logger, metrics
from complaint_form.service import record_email_event

# The event types the configuration set publishes, and what each says about delivery (Send:
# SES accepted the message, nothing more is known yet).
DELIVERY_OF: dict[str, Delivery | None] = {
    "Send": None,
    "Delivery": "delivered",
    "Bounce": "bounced",
    "Complaint": "complained",
    "Reject": "rejected",
    "DeliveryDelay": "delayed",
}


class UnreadableEmailEventError(Exception):
    """The message is not an SES event record. Says how many fields were wrong, not what they
    held (that may be an address)."""


class _Mail(BaseModel):
    message_id: str = Field(alias="messageId")
    timestamp: datetime
    tags: dict[str, list[str]] = Field(default_factory=dict)


class _Details(BaseModel):
    """The event's own object: when it happened, and what kind of bounce, complaint or delay
    (the fields with addresses are left out)."""

    timestamp: datetime | None = None
    bounce_type: str | None = Field(None, alias="bounceType")
    bounce_sub_type: str | None = Field(None, alias="bounceSubType")
    complaint_type: str | None = Field(None, alias="complaintFeedbackType")
    delay_type: str | None = Field(None, alias="delayType")
    reason: str | None = None  # Reject

    @property
    def detail(self) -> str | None:
        parts = [self.bounce_type, self.bounce_sub_type, self.complaint_type, self.delay_type,
                 self.reason]
        return "/".join(part for part in parts if part) or None


class _SesEventRecord(BaseModel):
    event_type: str = Field(alias="eventType")
    mail: _Mail
    send: _Details | None = None
    delivery: _Details | None = None
    bounce: _Details | None = None
    complaint: _Details | None = None
    reject: _Details | None = None
    delivery_delay: _Details | None = Field(None, alias="deliveryDelay")

    @property
    def details(self) -> _Details:
        found = {"Send": self.send, "Delivery": self.delivery, "Bounce": self.bounce,
                 "Complaint": self.complaint, "Reject": self.reject,
                 "DeliveryDelay": self.delivery_delay}.get(self.event_type)
        return found or _Details()


def parse_email_event(message: str) -> EmailEvent | None:
    """The report in an SES event record; None when it is not about one of the complaints'
    e-mails (sent without their tags) or not of a type this backend records."""
    try:
        record = _SesEventRecord.model_validate_json(message)
    except ValidationError as exc:
        raise UnreadableEmailEventError(f"{exc.error_count()} fields not as SES writes them") \
            from None
    if record.event_type not in DELIVERY_OF:
        return None
    reference = _tag(record.mail.tags, REFERENCE_TAG)
    kind = _kind(_tag(record.mail.tags, KIND_TAG))
    if reference is None or kind is None:
        return None
    details = record.details
    return EmailEvent(reference=reference, kind=kind, message_id=record.mail.message_id,
                      event_type=record.event_type, sent_at=record.mail.timestamp,
                      at=details.timestamp or record.mail.timestamp,
                      delivery=DELIVERY_OF[record.event_type], detail=details.detail)


def _tag(tags: dict[str, list[str]], name: str) -> str | None:
    values = tags.get(name)
    return values[0] if values else None


def _kind(value: str | None) -> EmailKind | None:
    return next((kind for kind in EMAIL_KINDS if kind == value), None)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=SNSEvent)
def lambda_handler(event: SNSEvent, context: LambdaContext) -> dict[str, int]:
    """Record each report; how many changed a complaint. A storage fault fails the
    invocation, so it is tried again (the records are written idempotently)."""
    recorded = 0
    for record in event.records:
        try:
            email_event = parse_email_event(record.sns.message)
        except UnreadableEmailEventError as exc:
            logger.warning("email_event_unreadable", sns_message_id=record.sns.message_id,
                           error=str(exc))
            continue
        if email_event is None:
            logger.info("email_event_ignored", sns_message_id=record.sns.message_id)
            continue
        recorded += record_email_event(email_event)
    return {"recorded": recorded}

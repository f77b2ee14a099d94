"""SES's reports on a message (configuration-set events), as SNS delivers them to
`complaint_form.email_events`: built for the dev server's replay and for the tests, in the
shape AWS documents ("Examples of event data that Amazon SES publishes to Amazon SNS";
tests/events/ses_bounce_sns.json is the documented bounce)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from complaint_form.models import EmailKind, email_tags

ACCOUNT = "123456789012"
REGION = "eu-west-1"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:klachtenportaal-email-events"
CONFIGURATION_SET = "klachtenportaal-local"
EVENT_TYPES = ("Send", "Delivery", "Bounce", "Complaint", "Reject", "DeliveryDelay")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _event_object(event_type: str, recipient: str, at: datetime) -> tuple[str, dict[str, Any]]:
    """The object SES adds for `event_type`, under its name."""
    feedback_id = f"0100019{uuid.uuid4().hex}-000000"
    if event_type == "Send":
        return "send", {}
    if event_type == "Delivery":
        return "delivery", {"timestamp": _iso(at), "processingTimeMillis": 1204,
                            "recipients": [recipient],
                            "smtpResponse": "250 2.6.0 Message received",
                            "reportingMTA": "a8-70.smtp-out.amazonses.com"}
    if event_type == "Bounce":
        return "bounce", {"bounceType": "Permanent", "bounceSubType": "General",
                          "bouncedRecipients": [{
                              "emailAddress": recipient, "action": "failed",
                              "status": "5.1.1",
                              "diagnosticCode": "smtp; 550 5.1.1 user unknown"}],
                          "timestamp": _iso(at), "feedbackId": feedback_id,
                          "reportingMTA": "dsn; a8-70.smtp-out.amazonses.com"}
    if event_type == "Complaint":
        return "complaint", {"complainedRecipients": [{"emailAddress": recipient}],
                             "timestamp": _iso(at), "feedbackId": feedback_id,
                             "userAgent": "Mozilla/5.0", "complaintFeedbackType": "abuse",
                             "arrivalDate": _iso(at)}
    if event_type == "Reject":
        return "reject", {"reason": "Bad content"}
    if event_type == "DeliveryDelay":
        return "deliveryDelay", {"timestamp": _iso(at), "delayType": "MailboxFull",
                                 "expirationTime": _iso(at + timedelta(hours=23)),
                                 "delayedRecipients": [{
                                     "emailAddress": recipient, "status": "4.2.2",
                                     "diagnosticCode": "smtp; 452 4.2.2 Mailbox full"}]}
    raise ValueError(f"not an event type SES publishes here: {event_type!r} "
                     f"(one of {', '.join(EVENT_TYPES)})")


def ses_event_record(event_type: str, *, reference: str, kind: EmailKind, message_id: str,
                     sender: str, recipient: str, sent_at: datetime,
                     at: datetime | None = None, tagged: bool = True) -> dict[str, Any]:
    """SES's `event_type` record about one message it accepted at `sent_at`, with the tags
    the backend sends it with (`tagged`), SES's own and the recipient's address wherever SES
    puts it; `at` (default: two seconds after sending): when the event happened."""
    name, details = _event_object(event_type, recipient, at or sent_at + timedelta(seconds=2))
    tags = {"ses:configuration-set": [CONFIGURATION_SET], "ses:source-ip": ["127.0.0.1"],
            "ses:from-domain": [sender.rpartition("@")[2]],
            "ses:caller-identity": ["complaint-form"]}
    if tagged:
        tags |= {tag: [value] for tag, value in email_tags(reference, kind).items()}
    mail = {
        "timestamp": _iso(sent_at), "source": sender,
        "sourceArn": f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{sender.rpartition('@')[2]}",
        "sendingAccountId": ACCOUNT, "messageId": message_id, "destination": [recipient],
        "headersTruncated": False,
        "headers": [{"name": "From", "value": sender}, {"name": "To", "value": recipient}],
        "commonHeaders": {"from": [sender], "to": [recipient], "messageId": message_id},
        "tags": tags,
    }
    return {"eventType": event_type, "mail": mail, name: details}


def sns_event(*records: dict[str, Any]) -> dict[str, Any]:
    """The event SNS invokes a Lambda with, one record per SES event record."""
    def record(message: dict[str, Any]) -> dict[str, Any]:
        return {
            "EventSource": "aws:sns", "EventVersion": "1.0",
            "EventSubscriptionArn": f"{TOPIC}:{uuid.uuid4()}",
            "Sns": {"Type": "Notification", "MessageId": str(uuid.uuid4()), "TopicArn": TOPIC,
                    "Subject": None, "Message": json.dumps(message),
                    "Timestamp": message["mail"]["timestamp"], "SignatureVersion": "1",
                    "Signature": "local", "SigningCertUrl": "https://sns.example/cert.pem",
                    "UnsubscribeUrl": "https://sns.example/unsubscribe",
                    "MessageAttributes": {}},
        }

    return {"Records": [record(message) for message in records]}

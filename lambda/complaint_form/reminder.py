"""Scheduled Lambda: the daily reminder of deadlines to the complaints body (working days,
08:00 Amsterdam time). An event with "day" (YYYY-MM-DD) sends that day's reminder, if it
was not sent: for a run that was missed."""

from __future__ import annotations

from datetime import date
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from complaint_form.duties import send_deadline_reminder
from complaint_form.observability import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    day = date.fromisoformat(event["day"]) if event.get("day") else None
    reminder = send_deadline_reminder(day)
    if reminder is None:
        return {"sent": False}
    return {"sent": True, "contacts": len(reminder.contacts),
            "judgements": len(reminder.judgements)}

"""Scheduled Lambda: sends e-mails that failed before (the retry path)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from complaint_form.observability import logger, metrics
from complaint_form.service import retry_pending_emails


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    return {"sent": retry_pending_emails()}

"""Scheduled Lambda: deletes closed complaints whose retention has ended (daily)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from complaint_form.duties import apply_retention
from complaint_form.observability import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    return {"deleted": len(apply_retention())}

"""Logger and metrics of the form backend (powertools). Logs carry kenmerken, never what a
person typed."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="complaint-form")
metrics = Metrics(namespace="Klachtenportaal", service="complaint-form")

"""Complaint-form backend: API Gateway HTTP API → Lambda → DynamoDB and SES."""

API_PATH = "/api/klachten"

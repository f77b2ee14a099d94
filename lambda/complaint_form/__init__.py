"""Complaint-form backend: API Gateway HTTP API → Lambda → DynamoDB and SES."""

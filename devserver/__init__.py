"""Local run of the whole product: the built site and the form backend on one port.

The Lambda handler is served over real HTTP through an adapter that turns requests into
API Gateway (HTTP API, payload v2) events; DynamoDB and SES are emulated in-process by moto.
"""

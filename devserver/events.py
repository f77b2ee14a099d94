"""HTTP request ⇄ API Gateway HTTP API (payload format 2.0) event and response."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Mapping
from typing import Any

_TEXT_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/")


def to_event(method: str, target: str, headers: Mapping[str, str], body: bytes,
             source_ip: str = "127.0.0.1") -> dict[str, Any]:
    path, _, query = target.partition("?")
    lowered = {name.lower(): value for name, value in headers.items()}
    content_type = lowered.get("content-type", "")
    textual = (not content_type or content_type.lower().startswith(_TEXT_TYPES)) and _utf8(body)
    now = time.time()
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": lowered,
        "queryStringParameters": _query(query) or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": lowered.get("host", "localhost"),
            "domainPrefix": "local",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": source_ip, "userAgent": lowered.get("user-agent", "")},
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "body": body.decode("utf-8") if textual else base64.b64encode(body).decode("ascii"),
        "isBase64Encoded": not textual,
    }


def _utf8(body: bytes) -> bool:
    # A body that is not UTF-8 goes as bytes, for the function to refuse, not repaired.
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _query(query: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(query, keep_blank_values=True))


def from_response(response: Mapping[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body of a Lambda proxy response."""
    status = int(response.get("statusCode", 200))
    headers = [(name, str(value)) for name, value in (response.get("headers") or {}).items()]
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(value)) for value in values)
    headers.extend(("Set-Cookie", cookie) for cookie in response.get("cookies") or [])
    body = response.get("body") or ""
    data = base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode()
    return status, headers, data

"""Request bodies, read strictly: the two media types the API documents, UTF-8 only, bounded
in size (whatever the content type) and in the number of form fields, JSON without repeated
keys or NaN. Whatever breaks these is refused before any field is looked at."""

from __future__ import annotations

import base64
import binascii
import json
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from complaint_form.dependencies import get_dependencies

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
# The form has about twenty fields; a post with many more was not sent by it.
MAX_FORM_FIELDS = 50


class PayloadTooLargeError(Exception):
    """The request body is larger than the form could ever send."""


class MalformedBodyError(Exception):
    """The body is not UTF-8, not a JSON object, or not a form the page could have sent."""


class UnsupportedContentTypeError(Exception):
    """The body is neither JSON nor an HTML form post (the only two the API documents)."""


def media_type(content_type: str) -> str:
    """`application/json` of `Application/JSON; charset=UTF-8`: media types ignore case."""
    return content_type.split(";")[0].strip().lower()


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


class StrictBodyEvent(APIGatewayProxyEventV2):
    """The HTTP API event whose body the framework reads through these checks."""

    @cached_property
    def decoded_body(self) -> str | None:
        if not self.body:
            return self.body
        content_type = str(self.headers.get("content-type", ""))
        media = media_type(content_type)
        if media not in ("", JSON, FORM) or _charset(content_type) not in (None, "utf-8"):
            raise UnsupportedContentTypeError
        try:
            raw = (base64.b64decode(self.body, validate=True) if self.is_base64_encoded
                   else self.body.encode("utf-8"))
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise MalformedBodyError from exc
        if len(raw) > get_dependencies().settings.max_body_bytes:
            raise PayloadTooLargeError
        try:
            text = raw.decode("utf-8")
            if media == FORM:
                # Read once here, strictly: the framework's own reading would turn
                # percent-encoded bytes that are not UTF-8 into replacement characters.
                parse_qsl(text, keep_blank_values=True, errors="strict",
                          max_num_fields=MAX_FORM_FIELDS)
        except (UnicodeDecodeError, ValueError) as exc:
            raise MalformedBodyError from exc
        return text


class StrictBodyResolver(APIGatewayHttpResolver):
    """Powertools' HTTP API resolver, reading bodies through `StrictBodyEvent`. Powertools
    offers no hook for the event class: this overrides its private `_to_proxy_event`, which
    the hostile-input tests exercise on every upgrade."""

    def _to_proxy_event(self, event: dict[str, Any]) -> StrictBodyEvent:
        headers = event.get("headers") or {}
        # The framework picks the parser by comparing the media type case-sensitively.
        if "content-type" in headers:
            content_type = str(headers["content-type"])
            media, _, parameters = content_type.partition(";")
            headers = {**headers, "content-type": media.strip().lower()
                       + (";" + parameters if parameters else "")}
            event = {**event, "headers": headers}
        return StrictBodyEvent(event, self._json_body_deserializer)


def parse_json_body(body: str) -> dict[str, Any]:
    """Strict JSON parsing: no deep nesting, an object at the top, each key once (which of
    two values counts differs between parsers), no NaN or Infinity."""
    try:
        data = json.loads(body, object_pairs_hook=_object_with_unique_keys,
                          parse_constant=_no_constant)
    except RecursionError as exc:
        raise MalformedBodyError from exc
    if not isinstance(data, dict):
        raise MalformedBodyError
    return data


def _object_with_unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise MalformedBodyError
    return data


def _no_constant(name: str) -> Any:
    raise MalformedBodyError

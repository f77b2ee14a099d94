"""HTTP API for the complaint form (API Gateway HTTP API, payload v2).

Routes parse and call one service function; every exception becomes an HTTP answer in the
`answer_*` handlers below. JSON requests (the page's script) get JSON; form posts (no script)
get HTML.
"""

from __future__ import annotations

import json
import traceback
from functools import lru_cache
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import (
    APIGatewayHttpResolver,
    CORSConfig,
    Response,
    content_types,
)
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from complaint_form import messages
from complaint_form.dynamodb import StorageUnavailableError
from complaint_form.models import (
    ComplaintRequest,
    ErrorResponse,
    ReceiptResponse,
    SubmissionReceipt,
)
from complaint_form.references import is_reference
from complaint_form.service import (
    SpamRejectedError,
    SubmissionInvalidError,
    get_services,
    idempotency_config,
    logger,
    metrics,
    submit_complaint,
)
from complaint_form.settings import get_settings

if TYPE_CHECKING:
    from complaint_form.pages import HtmlPages

API_PATH = "/api/klachten"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
HTML = "text/html; charset=utf-8"


class PayloadTooLargeError(Exception):
    """The request body is larger than the form could ever send."""


class MalformedBodyError(Exception):
    """The request body is not a JSON object the form could have sent."""


class UnsupportedContentTypeError(Exception):
    """The body is neither JSON nor an HTML form post (the only two the API documents)."""


DOCUMENTED_CONTENT_TYPES = ("application/json", FORM_CONTENT_TYPE)


def _content_type_documented() -> bool:
    content_type = app.current_event.headers.get("content-type", "application/json")
    return content_type.strip().lower().startswith(DOCUMENTED_CONTENT_TYPES)


def parse_json_body(body: str) -> dict[str, Any]:
    """Strict JSON parsing: bounded size, no deep nesting, an object at the top."""
    if len(body.encode("utf-8")) > get_settings().max_body_bytes:
        raise PayloadTooLargeError
    try:
        data = json.loads(body)
    except RecursionError as exc:
        raise MalformedBodyError from exc
    if not isinstance(data, dict):
        raise MalformedBodyError
    return data


settings = get_settings()
app = APIGatewayHttpResolver(
    enable_validation=True,
    cors=CORSConfig(allow_origin=settings.allowed_origin, allow_headers=["Content-Type"],
                    max_age=600),
    json_body_deserializer=parse_json_body,
)


@lru_cache(maxsize=1)
def html_pages() -> HtmlPages:
    # Only form posts without JavaScript need HTML; most cold starts never load it.
    from complaint_form.pages import HtmlPages

    return HtmlPages(site_url=settings.site_url, api_url=API_PATH)


def register_lambda_context(app: APIGatewayHttpResolver,
                            next_middleware: NextMiddleware) -> Response[Any]:
    # Idempotency needs the remaining time of this invocation to expire in-progress records.
    idempotency_config.register_lambda_context(app.lambda_context)
    return next_middleware(app)


app.use(middlewares=[register_lambda_context])


def _is_form_post() -> bool:
    content_type = app.current_event.headers.get("content-type", "")
    return content_type.strip().lower().startswith(FORM_CONTENT_TYPE)


def _form_values() -> dict[str, str]:
    body = app.current_event.decoded_body or ""
    parsed = parse_qs(body[: get_settings().max_body_bytes], keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items() if values}


def _json(status: HTTPStatus, body: dict[str, Any],
          headers: dict[str, str] | None = None) -> Response[str]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON,
                    body=json.dumps(body, ensure_ascii=False, default=str), headers=headers)


def _html(status: HTTPStatus, body: str, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(status_code=status, content_type=HTML, body=body, headers=headers)


def _answers(**described: str) -> dict[int, Any]:
    return {
        int(code.removeprefix("s")): {
            "description": text,
            "content": {"application/json": {
                "model": ReceiptResponse if code == "s201" else ErrorResponse}},
        }
        for code, text in described.items()
    }


@app.post(API_PATH, summary="Submit a complaint or a request for advice",
          description="JSON from the page's script, or an HTML form post (then answered with "
                      "a 303 to the confirmation page, or the form again with its errors).",
          responses=_answers(
              s201="Stored; the receipt with the reference",
              s400="Malformed body, or rejected as spam",
              s409="The same submission is being processed",
              s413="Body too large",
              s415="Unsupported content type",
              s422="Invalid fields, with one Dutch message per field",
              s503="Storage unavailable; nothing stored, try again"))
def post_complaint(complaint: ComplaintRequest) -> Response[str]:
    if not _content_type_documented():
        raise UnsupportedContentTypeError
    receipt: SubmissionReceipt = submit_complaint(request=complaint)
    if _is_form_post():
        location = f"{API_PATH}/{receipt.reference}/ontvangstbevestiging"
        return Response(status_code=HTTPStatus.SEE_OTHER, headers={"Location": location},
                        content_type=HTML, body="")
    return _json(HTTPStatus.CREATED, {
        **receipt.model_dump(mode="json"),
        "message": f"Je {'vraag' if receipt.kind == 'advies' else 'klacht'} is ontvangen. "
                   f"Je kenmerk is {receipt.reference}.",
    })


@app.get(f"{API_PATH}/<reference>/ontvangstbevestiging",
         summary="Confirmation page for a form post (HTML, no personal data)",
         responses={200: {"description": "The confirmation page",
                          "content": {"text/html": {"schema": {"type": "string"}}}},
                    404: {"description": "Unknown reference",
                          "content": {"text/html": {"schema": {"type": "string"}}}}})
def get_confirmation(reference: str) -> Response[str]:
    services = get_services()
    complaint = services.repository.get(reference) if is_reference(reference) else None
    if complaint is None:
        raise NotFoundError(reference)
    return _html(HTTPStatus.OK, html_pages().confirmation(services.registry, complaint))


def _answer_invalid(errors: dict[str, str]) -> Response[str]:
    if not _is_form_post():
        return _json(HTTPStatus.UNPROCESSABLE_ENTITY, {
            "message": "Niet alles is goed ingevuld. Verbeter de velden hieronder.",
            "errors": errors,
        })
    registry = get_services().registry
    values = _form_values()
    provider = registry.provider(values.get("provider", ""))
    if provider is None:
        return _html(HTTPStatus.UNPROCESSABLE_ENTITY, html_pages().message(
            registry, "Zorgaanbieder niet gevonden", messages.invalid("provider"), "error"))
    return _html(HTTPStatus.UNPROCESSABLE_ENTITY,
                 html_pages().form_with_errors(registry, provider, values, errors))


@app.exception_handler(RequestValidationError)
def answer_validation_error(error: RequestValidationError) -> Response[str]:
    if not _content_type_documented():
        return _unsupported_type()
    failures = error.errors()
    if any(failure.get("type") == "json_invalid" or failure.get("loc") == ("body",)
           for failure in failures):
        return _malformed()
    return _answer_invalid(messages.field_messages(failures))


@app.exception_handler(SubmissionInvalidError)
def answer_submission_invalid(error: SubmissionInvalidError) -> Response[str]:
    return _answer_invalid(messages.in_form_order(error.errors))


@app.exception_handler(MalformedBodyError)
def answer_malformed(error: MalformedBodyError) -> Response[str]:
    return _malformed()


def _malformed() -> Response[str]:
    return _simple(HTTPStatus.BAD_REQUEST, "Formulier niet gelezen",
                   "We konden het formulier niet lezen. Laad de pagina opnieuw en probeer het "
                   "nog eens.")


@app.exception_handler(PayloadTooLargeError)
def answer_too_large(error: PayloadTooLargeError) -> Response[str]:
    return _simple(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Te veel tekst",
                   "Je formulier bevat te veel tekst. Maak je antwoorden korter en probeer het "
                   "opnieuw.")


@app.exception_handler([RequestUnsupportedContentType, UnsupportedContentTypeError])
def answer_unsupported_type(error: Exception) -> Response[str]:
    return _unsupported_type()


def _unsupported_type() -> Response[str]:
    return _json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {
        "message": "Stuur het formulier als application/json of "
                   "application/x-www-form-urlencoded."})


@app.exception_handler(SpamRejectedError)
def answer_spam(error: SpamRejectedError) -> Response[str]:
    return _simple(HTTPStatus.BAD_REQUEST, "Formulier niet verstuurd",
                   "We konden je formulier niet verwerken. Wacht even en verstuur het opnieuw, "
                   "of mail of bel ons.")


@app.exception_handler(IdempotencyAlreadyInProgressError)
def answer_in_progress(error: IdempotencyAlreadyInProgressError) -> Response[str]:
    return _simple(HTTPStatus.CONFLICT, "Al bezig",
                   "Je formulier wordt al verwerkt. Wacht een paar seconden en laad de pagina "
                   "opnieuw.", headers={"Retry-After": "5"})


@app.exception_handler(StorageUnavailableError)
def answer_storage_unavailable(error: StorageUnavailableError) -> Response[str]:
    logger.error("storage_unavailable", error=str(error))
    notice = ("Het lukte ons nu niet om je klacht op te slaan. Er is niets bewaard. Je antwoorden "
              "staan hieronder nog. Probeer het over een paar minuten opnieuw.")
    headers = {"Retry-After": "30"}
    if _is_form_post():
        registry = get_services().registry
        values = _form_values()
        provider = registry.provider(values.get("provider", ""))
        if provider is not None:
            page = html_pages().form_with_errors(registry, provider, values, {}, notice)
            return _html(HTTPStatus.SERVICE_UNAVAILABLE, page, headers)
    return _simple(HTTPStatus.SERVICE_UNAVAILABLE, "Probeer het later opnieuw", notice,
                   headers=headers)


@app.exception_handler(NotFoundError)
def answer_not_found(error: NotFoundError) -> Response[str]:
    return _simple(HTTPStatus.NOT_FOUND, "Niet gevonden", "Deze pagina bestaat niet.",
                   as_html=app.current_event.http_method == "GET")


@app.exception_handler(Exception)
def answer_unexpected(error: Exception) -> Response[str]:
    # A body the API does not document can make the framework's own parsing fail
    # (multipart without boundary, say): that is the client's 415, not our 500.
    if app.current_event.http_method == "POST" and not _content_type_documented():
        return _unsupported_type()
    # Type and place only: an exception's message may quote what the client typed.
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    logger.error("unexpected_error", error_type=type(error).__name__,
                 where=f"{frame.filename}:{frame.lineno}" if frame else None)
    return _simple(HTTPStatus.INTERNAL_SERVER_ERROR, "Er ging iets mis",
                   "Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw. Was je "
                   "klacht toch al ontvangen, dan krijg je hetzelfde kenmerk en geen dubbele "
                   "klacht. Of mail of bel ons.")


def _simple(status: HTTPStatus, title: str, text: str, headers: dict[str, str] | None = None,
            as_html: bool | None = None) -> Response[str]:
    if as_html if as_html is not None else _is_form_post():
        page = html_pages().message(get_services().registry, title, text, "error")
        return _html(status, page, headers)
    return _json(status, {"message": text}, headers)


def openapi_document() -> str:
    """The OpenAPI document of this API, generated from the routes and models."""
    return app.get_openapi_json_schema(
        title="Klachtenportaal klachtenformulier API", version="1.0.0",
        description="Receives complaints from the complaint form on the klachtenpagina's.")


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

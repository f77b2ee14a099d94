"""HTTP API for the complaint form (API Gateway HTTP API, payload v2).

Routes parse the request, call one service function and return its result. Every exception
becomes an HTTP answer in `answer_error`, the one place that also chooses between JSON (the
page's script) and HTML (a form post without script, or a page opened in the browser).
"""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from complaint_form import messages
from complaint_form.dependencies import get_dependencies
from complaint_form.dynamodb import AddressLimitReachedError, StorageUnavailableError
from complaint_form.intake import SpamRejectedError, SubmissionInvalidError
from complaint_form.models import ComplaintRequest, ErrorResponse, ReceiptResponse
from complaint_form.observability import logger, metrics
from complaint_form.service import (
    IDEMPOTENCY,
    ComplaintNotFoundError,
    CopyLinkExpiredError,
    find_complaint,
    find_copy_link,
    send_copy,
    submit_complaint,
)
from klachtenportaal import API_PATH

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
DOCUMENTED_CONTENT_TYPES = ("application/json", FORM_CONTENT_TYPE)
HTML = "text/html; charset=utf-8"


class PayloadTooLargeError(Exception):
    """The request body is larger than the form could ever send."""


class MalformedBodyError(Exception):
    """The request body is not a JSON object the form could have sent."""


class UnsupportedContentTypeError(Exception):
    """The body is neither JSON nor an HTML form post (the only two the API documents)."""


def parse_json_body(body: str) -> dict[str, Any]:
    """Strict JSON parsing: bounded size, no deep nesting, an object at the top, each key
    once (which of two values counts differs between parsers), no NaN or Infinity."""
    if len(body.encode("utf-8")) > get_dependencies().settings.max_body_bytes:
        raise PayloadTooLargeError
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


app = APIGatewayHttpResolver(enable_validation=True, json_body_deserializer=parse_json_body)


def register_lambda_context(app: APIGatewayHttpResolver,
                            next_middleware: NextMiddleware) -> Response[Any]:
    # Idempotency needs the remaining time of this invocation to expire in-progress records.
    IDEMPOTENCY.register_lambda_context(app.lambda_context)
    return next_middleware(app)


app.use(middlewares=[register_lambda_context])


def _content_type() -> str:
    return str(app.current_event.headers.get("content-type", "")).strip().lower()


def _content_type_documented() -> bool:
    return (_content_type() or "application/json").startswith(DOCUMENTED_CONTENT_TYPES)


def _is_form_post() -> bool:
    return _content_type().startswith(FORM_CONTENT_TYPE)


def _answer_in_html() -> bool:
    """HTML for a form post without script and a page opened in the browser; else JSON."""
    return _is_form_post() or app.current_event.http_method == "GET"


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
              s429="This e-mail address sent as many submissions today as allowed; "
                   "nothing stored",
              s422="Invalid fields, with one Dutch message per field",
              s503="Storage unavailable; nothing stored, try again"))
def post_complaint(complaint: ComplaintRequest) -> Response[str]:
    if not _content_type_documented():
        raise UnsupportedContentTypeError
    receipt = submit_complaint(request=complaint, scripted=not _is_form_post())
    if _answer_in_html():
        return _see_other(receipt.confirmation_page)
    what = "vraag" if receipt.kind == "advies" else "klacht"
    answer = ReceiptResponse(**receipt.model_dump(),
                             message=f"Je {what} is ontvangen. Je kenmerk is {receipt.reference}.")
    return Response(status_code=HTTPStatus.CREATED, content_type=content_types.APPLICATION_JSON,
                    body=answer.model_dump_json())


def _html_answers(**described: str) -> dict[int, Any]:
    return {int(code.removeprefix("s")): {
        "description": text, "content": {"text/html": {"schema": {"type": "string"}}}}
        for code, text in described.items()}


@app.get(f"{API_PATH}/<reference>/ontvangstbevestiging/<secret>",
         summary="Confirmation page for a form post (HTML, no personal data)",
         responses=_html_answers(s200="The confirmation page",
                                 s404="Unknown reference or secret"))
def get_confirmation(reference: str, secret: str) -> Response[str]:
    complaint = find_complaint(reference, secret)
    return _page(get_dependencies().pages.confirmation(complaint))


@app.get(f"{API_PATH}/<reference>/kopie/<secret>",
         summary="The page of the link in the ontvangstbevestiging (HTML): a button that "
                 "confirms the address, or what became of the copy",
         responses=_html_answers(s200="The page", s404="Unknown reference or secret"))
def get_copy_page(reference: str, secret: str) -> Response[str]:
    complaint, _ = find_copy_link(reference, secret)
    return _page(get_dependencies().pages.copy(complaint, action=app.current_event.path))


@app.post(f"{API_PATH}/<reference>/kopie/<secret>",
          summary="Confirm the address: the copy of the complaint is sent (once)",
          responses=_html_answers(
              s303="To the page, which now tells what became of the copy",
              s404="Unknown reference or secret", s410="The link is past its last day"))
def post_copy(reference: str, secret: str) -> Response[str]:
    send_copy(reference, secret)
    return _see_other(app.current_event.path)


def _page(body: str) -> Response[str]:
    return Response(status_code=HTTPStatus.OK, content_type=HTML, body=body)


def _see_other(location: str) -> Response[str]:
    return Response(status_code=HTTPStatus.SEE_OTHER, headers={"Location": location},
                    content_type=HTML, body="")


# -- exceptions → HTTP answers ---------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: HTTPStatus
    title: str
    message: str
    retry_after: int | None = None
    # A form post gets its form back, with what was typed (else a page with the message).
    form_again: bool = False


UNREADABLE = Answer(HTTPStatus.BAD_REQUEST, "Formulier niet gelezen",
                    "We konden het formulier niet lezen. Laad de pagina opnieuw en probeer het "
                    "nog eens.")
INVALID = Answer(HTTPStatus.UNPROCESSABLE_ENTITY, "Niet alles is goed ingevuld",
                 "Niet alles is goed ingevuld. Verbeter de velden hieronder.", form_again=True)
UNSUPPORTED = Answer(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Formulier niet gelezen",
                     "Stuur het formulier als application/json of "
                     "application/x-www-form-urlencoded.")
UNEXPECTED = Answer(HTTPStatus.INTERNAL_SERVER_ERROR, "Er ging iets mis",
                    "Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw. Was je "
                    "klacht toch al ontvangen, dan krijg je hetzelfde kenmerk en geen dubbele "
                    "klacht. Of mail of bel ons.")
NOT_FOUND = Answer(HTTPStatus.NOT_FOUND, "Niet gevonden", "Deze pagina bestaat niet.")
ANSWERS: dict[type[Exception], Answer] = {
    MalformedBodyError: UNREADABLE,
    SubmissionInvalidError: INVALID,
    UnsupportedContentTypeError: UNSUPPORTED,
    RequestUnsupportedContentType: UNSUPPORTED,
    SpamRejectedError: Answer(
        HTTPStatus.BAD_REQUEST, "Formulier niet verstuurd",
        "We konden je formulier niet verwerken. Wacht even en verstuur het opnieuw, of mail "
        "of bel ons."),
    PayloadTooLargeError: Answer(
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Te veel tekst",
        "Je formulier bevat te veel tekst. Maak je antwoorden korter en probeer het opnieuw."),
    IdempotencyAlreadyInProgressError: Answer(
        HTTPStatus.CONFLICT, "Al bezig",
        "Je formulier wordt al verwerkt. Wacht een paar seconden en laad de pagina opnieuw.",
        retry_after=5),
    AddressLimitReachedError: Answer(
        HTTPStatus.TOO_MANY_REQUESTS, "Vandaag al vaker verstuurd",
        "Met dit e-mailadres is vandaag al een paar keer een formulier verstuurd. Er is niets "
        "bewaard. Wil je nog iets doorgeven? Bel {phone} ({phone_hours}) of mail naar "
        "{email}.", retry_after=3600),
    IdempotencyValidationError: Answer(
        HTTPStatus.CONFLICT, "Formulier al verstuurd",
        "Dit formulier is al eerder verstuurd, met andere antwoorden. Laad de pagina opnieuw "
        "en vul het formulier opnieuw in."),
    StorageUnavailableError: Answer(
        HTTPStatus.SERVICE_UNAVAILABLE, "Probeer het later opnieuw",
        "Het lukte ons nu niet om je klacht op te slaan. Er is niets bewaard. Je antwoorden "
        "staan hieronder nog. Probeer het over een paar minuten opnieuw.",
        retry_after=30, form_again=True),
    NotFoundError: NOT_FOUND,
    ComplaintNotFoundError: NOT_FOUND,
    CopyLinkExpiredError: Answer(
        HTTPStatus.GONE, "Link verlopen",
        "Deze link werkt niet meer. Wil je toch een kopie van je klacht? Bel {phone} "
        "({phone_hours}) of mail naar {email}, en noem je kenmerk."),
}


@app.exception_handler(Exception)
def answer_error(error: Exception) -> Response[str]:
    """The answer to every exception a request raises."""
    errors: dict[str, str] | None = None
    if isinstance(error, RequestValidationError):
        failures = error.errors()
        if any(failure.get("type") == "json_invalid" or failure.get("loc") == ("body",)
               for failure in failures):
            answer = UNREADABLE
        elif any(tuple(failure.get("loc", ())) == ("body", "form_started_at")
                 for failure in failures):
            # Only the page's script sets it, always to a time: anything else is no person.
            answer = ANSWERS[SpamRejectedError]
        else:
            answer, errors = INVALID, messages.field_messages(failures)
    elif isinstance(error, SubmissionInvalidError):
        answer, errors = INVALID, messages.in_form_order(error.errors)
    else:
        answer = next((found for kind, found in ANSWERS.items() if isinstance(error, kind)),
                      UNEXPECTED)
    # A body the API does not document can make the framework's own parsing or validation
    # fail (multipart without boundary, say): that is the client's 415, not our fault.
    if (answer in (UNREADABLE, INVALID, UNEXPECTED) and app.current_event.http_method == "POST"
            and not _content_type_documented()):
        answer, errors = UNSUPPORTED, None
    if answer is UNEXPECTED:
        # Type and place only: an exception's message may quote what the client typed.
        frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        logger.error("unexpected_error", error_type=type(error).__name__,
                     where=f"{frame.filename}:{frame.lineno}" if frame else None)
    elif isinstance(error, StorageUnavailableError):
        logger.error("storage_unavailable", error=str(error))
    return _respond(answer, errors)


def _respond(answer: Answer, errors: dict[str, str] | None) -> Response[str]:
    headers = {"Retry-After": str(answer.retry_after)} if answer.retry_after else None
    if "{" in answer.message:
        # A message that offers another way names the complaints body's own contacts.
        from klachtenportaal.formatting import format_phone

        portal = get_dependencies().registry.portal
        answer = replace(answer, message=answer.message.format(
            phone=format_phone(portal.phone), phone_hours=portal.phone_hours,
            email=portal.email))
    if not _answer_in_html():
        body = ErrorResponse(message=answer.message, errors=errors)
        return Response(status_code=answer.status, content_type=content_types.APPLICATION_JSON,
                        body=body.model_dump_json(exclude_none=True), headers=headers)
    pages = get_dependencies().pages
    page = None
    if answer.form_again and _is_form_post():
        notice = None if errors else answer.message
        page = pages.form_again(_form_values(), errors or {}, notice)
    if page is None and errors is not None:
        # The form named no provider we know, so there is no form to show again.
        page = pages.message("Zorgaanbieder niet gevonden", messages.invalid("provider"))
    if page is None:
        page = pages.message(answer.title, answer.message)
    return Response(status_code=answer.status, content_type=HTML, body=page, headers=headers)


def _form_values() -> dict[str, str]:
    body = app.current_event.decoded_body or ""
    parsed = parse_qs(body[: get_dependencies().settings.max_body_bytes],
                      keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items() if values}


def openapi_document() -> str:
    """The OpenAPI document of this API, generated from the routes and models."""
    return app.get_openapi_json_schema(
        title="Klachtenportaal klachtenformulier API", version="1.0.0",
        description="Receives complaints from the complaint form on the klachtenpagina's.")


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

"""HTTP API for the complaint form (API Gateway HTTP API, payload v2).

Routes parse the request, call one service function and return its result. Every exception
becomes an HTTP answer in `answer_error`, the one place that also chooses between JSON (the
page's script) and HTML (a form post without script, or a page opened in the browser).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from complaint_form import messages
from complaint_form.body import (
    FORM,
    JSON,
    MalformedBodyError,
    PayloadTooLargeError,
    StrictBodyEvent,
    StrictBodyResolver,
    UnsupportedContentTypeError,
    media_type,
    parse_json_body,
)
from complaint_form.dependencies import get_dependencies
from complaint_form.dynamodb import AddressLimitReachedError, StorageUnavailableError
from complaint_form.headers import (
    SECURITY_HEADERS,
    csp_with_form_action,
    through_the_site,
    viewer_ip,
)
from complaint_form.intake import (
    SpamRejectedError,
    SubmissionInvalidError,
    confirmation_page,
)
from complaint_form.models import (
    CheckResponse,
    ComplaintRequest,
    ErrorResponse,
    ReceiptResponse,
    StatusLinkRequest,
    StatusLinkResponse,
    UploadRequest,
    UploadTicket,
)
from complaint_form.observability import logger, metrics
from complaint_form.service import (
    IDEMPOTENCY,
    AttachmentRefusedError,
    ComplaintNotFoundError,
    CopyLinkExpiredError,
    StatusPageClosedError,
    add_attachment,
    check_complaint,
    confirmation,
    find_copy_link,
    presign_upload,
    request_status_link,
    send_copy,
    submit_complaint,
    view_status,
)
from klachtenportaal import API_PATH, CHANGE_PATH, CHECK_PATH, STATUS_LINK_PATH, UPLOAD_PATH
from klachtenportaal.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, Language, _, current_language

HTML = "text/html; charset=utf-8"


app = StrictBodyResolver(enable_validation=True, json_body_deserializer=parse_json_body)


def register_lambda_context(app: APIGatewayHttpResolver,
                            next_middleware: NextMiddleware) -> Response[Any]:
    # Idempotency needs the remaining time of this invocation to expire in-progress records.
    IDEMPOTENCY.register_lambda_context(app.lambda_context)
    return next_middleware(app)


app.use(middlewares=[register_lambda_context])


def _media_type() -> str:
    return media_type(str(app.current_event.headers.get("content-type", "")))


def _content_type_documented() -> bool:
    return _media_type() in ("", JSON, FORM)


def _is_form_post() -> bool:
    return _media_type() == FORM


def _answer_in_html() -> bool:
    """HTML for a form post without script and a page opened in the browser; else JSON."""
    return _is_form_post() or app.current_event.http_method == "GET"


def _html_answers(**described: str) -> dict[int, Any]:
    return {int(code.removeprefix("s")): {
        "description": text, "content": {"text/html": {"schema": {"type": "string"}}}}
        for code, text in described.items()}


def _answers(**described: str) -> dict[int, Any]:
    success = {"s200": CheckResponse, "s201": ReceiptResponse}
    return {
        int(code.removeprefix("s")): {
            "description": text,
            "content": {"application/json": {"model": success.get(code, ErrorResponse)}},
        }
        for code, text in described.items()
    }


@app.post(CHECK_PATH, summary="Check the answers before they are sent",
          description="The form's answers, checked as a submission is, and stored nowhere. "
                      "JSON from the page's script gets the part of the page that shows "
                      "them; an HTML form post gets a page with them, each with a "
                      "'Wijzigen', and the button that sends them.",
          responses=_answers(
              s200="Every rule met: the answers to check",
              s400="Malformed body", s413="Body too large", s415="Unsupported content type",
              s422="Invalid fields, with one message per field"))
def post_check(complaint: ComplaintRequest) -> Response[str]:
    if not _content_type_documented():
        raise UnsupportedContentTypeError
    provider = check_complaint(complaint)
    pages = get_dependencies().pages
    if _answer_in_html():
        return _page(pages.check_answers(complaint, _sent_values(complaint), provider,
                                         whole_page=True))
    answer = CheckResponse(html=pages.check_answers(complaint, {}, provider,
                                                    whole_page=False))
    return _response(HTTPStatus.OK, content_types.APPLICATION_JSON, answer.model_dump_json())


@app.post(UPLOAD_PATH, summary="Upload one attachment: where and how (presigned POST)",
          description="The page's script describes the file; the answer is S3's address "
                      "and the fields to post it with, whose policy holds the key, the "
                      "content type and the largest size. The file's content is checked "
                      "(magic bytes, malware scan) when the answers are checked and sent.",
          responses={201: {"description": "Where to post the file",
                           "content": {"application/json": {"model": UploadTicket}}},
                     **_answers(s400="Malformed body", s415="Not JSON",
                                s422="A type, size or submission the form does not take")})
def post_upload(request: UploadRequest) -> Response[str]:
    if _media_type() != JSON:
        raise UnsupportedContentTypeError
    ticket = presign_upload(request)
    return _response(HTTPStatus.CREATED, content_types.APPLICATION_JSON,
                     ticket.model_dump_json())


@app.post(CHANGE_PATH, summary="The form again with the answers sent, to change one (HTML)",
          description="What a 'Wijzigen' on the answers' check page posts without script: "
                      "the form, filled in with them. Nothing is checked or stored.",
          responses=_html_answers(s200="The form", s415="Not an HTML form post",
                                  s422="The form named no provider we know"))
def post_change() -> Response[str]:
    if not _is_form_post():
        raise UnsupportedContentTypeError
    # Without its id, the answers get a new one at the next check, from what they then are:
    # changed after a send, they are a complaint of their own, not a repeat of that one.
    values = {name: value for name, value in _form_values().items() if name != "submission_id"}
    page = get_dependencies().pages.form_again(values, {})
    if page is None:
        raise SubmissionInvalidError({"provider": messages.invalid("provider")})
    return _page(page)


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
              s422="Invalid fields, with one message per field",
              s503="Storage unavailable; nothing stored, try again"))
def post_complaint(complaint: ComplaintRequest) -> Response[str]:
    if not _content_type_documented():
        raise UnsupportedContentTypeError
    receipt = submit_complaint(request=complaint, scripted=not _is_form_post())
    if _answer_in_html():
        return _see_other(receipt.confirmation_page)
    message = (_("Je vraag is ontvangen. Je kenmerk is %(reference)s.") if receipt.kind == "advies"
               else _("Je klacht is ontvangen. Je kenmerk is %(reference)s."))
    answer = ReceiptResponse(
        **receipt.model_dump(), message=message % {"reference": receipt.reference},
        html=get_dependencies().pages.receipt(receipt, copy_asked=complaint.send_copy))
    return _response(HTTPStatus.CREATED, content_types.APPLICATION_JSON,
                     answer.model_dump_json())


@app.get(f"{API_PATH}/<reference>/ontvangstbevestiging/<secret>",
         summary="Confirmation page for a form post (HTML, no personal data)",
         responses=_html_answers(s200="The confirmation page",
                                 s404="Unknown reference or secret"))
def get_confirmation(reference: str, secret: str,
                     bestand: Annotated[str | None, Query()] = None) -> Response[str]:
    page = confirmation(reference, secret)
    return _page(get_dependencies().pages.confirmation(page, added=bestand == "toegevoegd"),
                 form_action=page.upload.url if page.upload else None)


@app.get(f"{API_PATH}/<reference>/bijlagen/<secret>/<upload_id>",
         summary="Where S3 sends the browser after a file was added from the confirmation "
                 "page (no script): the file is checked and kept with the complaint",
         responses=_html_answers(
             s303="To the confirmation page, which says the file was added",
             s404="Unknown reference, secret or upload",
             s422="The file is not taken (kind, size, malware, limits): a page saying why"))
def get_added_attachment(reference: str, secret: str, upload_id: str,
                         key: Annotated[str, Query(max_length=1024)]) -> Response[str]:
    complaint = add_attachment(reference, secret, upload_id, key)
    return _see_other(f"{confirmation_page(complaint)}?bestand=toegevoegd#bijlagen")


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


@app.get(f"{API_PATH}/<reference>/status/<secret>",
         summary="The complainant's status page (HTML): where the complaint stands, its "
                 "deadlines and the next step; no personal data",
         responses=_html_answers(
             s200="The page (its viewing is in the access log as the complainant's own)",
             s404="Unknown reference or secret",
             s410="The complaint was closed longer ago than the page stays open"))
def get_status(reference: str, secret: str) -> Response[str]:
    event = app.current_event
    view = view_status(reference, secret,
                       viewer_ip(event.headers, event.request_context.http.source_ip))
    return _page(get_dependencies().pages.status(view))


@app.post(STATUS_LINK_PATH, summary="Ask for the link to the status page again",
          description="With the kenmerk and the complainant's e-mail address. When they "
                      "belong together, the link goes to the address stored with the "
                      "complaint (not to one typed here); the answer is the same either way.",
          responses={
              200: {"description": "Asked (whether or not anything is sent)",
                    "content": {"application/json": {"model": StatusLinkResponse},
                                "text/html": {"schema": {"type": "string"}}}},
              **_answers(s400="Malformed body", s415="Unsupported content type",
                         s422="Not a kenmerk or not an e-mail address")})
def post_status_link(request: StatusLinkRequest) -> Response[str]:
    if not _content_type_documented():
        raise UnsupportedContentTypeError
    request_status_link(request)
    message = _with_contacts(_(messages.STATUS_LINK_ASKED))
    if _answer_in_html():
        return _page(get_dependencies().pages.message(_("Link aangevraagd"), message))
    return _response(HTTPStatus.OK, content_types.APPLICATION_JSON,
                     StatusLinkResponse(message=message).model_dump_json())


def _page(body: str, form_action: str | None = None) -> Response[str]:
    """An HTML page; `form_action`: an address off the site a form on it posts to."""
    headers = {"Content-Security-Policy": csp_with_form_action(form_action)} \
        if form_action else None
    return _response(HTTPStatus.OK, HTML, body, headers)


def _see_other(location: str) -> Response[str]:
    return _response(HTTPStatus.SEE_OTHER, HTML, "", {"Location": location})


def _response(status: HTTPStatus, content_type: str, body: str,
              headers: dict[str, str] | None = None) -> Response[str]:
    return Response(status_code=status, content_type=content_type, body=body,
                    headers={**SECURITY_HEADERS, **(headers or {})})


# -- exceptions → HTTP answers ---------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: HTTPStatus
    title: str
    message: str
    retry_after: int | None = None
    # A form post gets its form back, with what was typed (else a page with the message).
    form_again: bool = False


# Titles and messages in Dutch, marked for the catalogue; `answer_error` translates them.
UNREADABLE = Answer(HTTPStatus.BAD_REQUEST, N_("Formulier niet gelezen"),
                    N_("We konden het formulier niet lezen. Laad de pagina opnieuw en probeer "
                       "het nog eens."))
INVALID = Answer(HTTPStatus.UNPROCESSABLE_ENTITY, N_("Niet alles is goed ingevuld"),
                 N_("Niet alles is goed ingevuld. Verbeter de velden hieronder."),
                 form_again=True)
UNSUPPORTED = Answer(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, N_("Formulier niet gelezen"),
                     N_("Stuur het formulier als application/json of "
                        "application/x-www-form-urlencoded."))
UNEXPECTED = Answer(HTTPStatus.INTERNAL_SERVER_ERROR, N_("Er ging iets mis"),
                    N_("Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw. "
                       "Was je klacht toch al ontvangen, dan krijg je hetzelfde kenmerk en geen "
                       "dubbele klacht. Of mail of bel ons."))
NOT_FOUND = Answer(HTTPStatus.NOT_FOUND, N_("Niet gevonden"), N_("Deze pagina bestaat niet."))
ANSWERS: dict[type[Exception], Answer] = {
    MalformedBodyError: UNREADABLE,
    SubmissionInvalidError: INVALID,
    UnsupportedContentTypeError: UNSUPPORTED,
    RequestUnsupportedContentType: UNSUPPORTED,
    SpamRejectedError: Answer(
        HTTPStatus.BAD_REQUEST, N_("Formulier niet verstuurd"),
        N_("We konden je formulier niet verwerken. Wacht even en verstuur het opnieuw, of mail "
           "of bel ons.")),
    PayloadTooLargeError: Answer(
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE, N_("Te veel tekst"),
        N_("Je formulier bevat te veel tekst. Maak je antwoorden korter en probeer het "
           "opnieuw.")),
    IdempotencyAlreadyInProgressError: Answer(
        HTTPStatus.CONFLICT, N_("Al bezig"),
        N_("Je formulier wordt al verwerkt. Wacht een paar seconden en laad de pagina "
           "opnieuw."), retry_after=5),
    AddressLimitReachedError: Answer(
        HTTPStatus.TOO_MANY_REQUESTS, N_("Vandaag al vaker verstuurd"),
        N_("Met dit e-mailadres is vandaag al een paar keer een formulier verstuurd. Er is "
           "niets bewaard. Wil je nog iets doorgeven? Bel {phone} ({phone_hours}) of mail naar "
           "{email}."), retry_after=3600),
    IdempotencyValidationError: Answer(
        HTTPStatus.CONFLICT, N_("Formulier al verstuurd"),
        N_("Dit formulier is al eerder verstuurd, met andere antwoorden. Laad de pagina "
           "opnieuw en vul het formulier opnieuw in.")),
    StorageUnavailableError: Answer(
        HTTPStatus.SERVICE_UNAVAILABLE, N_("Probeer het later opnieuw"),
        N_("Het lukte ons nu niet om je klacht op te slaan. Er is niets bewaard. Je antwoorden "
           "staan hieronder nog. Probeer het over een paar minuten opnieuw."),
        retry_after=30, form_again=True),
    NotFoundError: NOT_FOUND,
    ComplaintNotFoundError: NOT_FOUND,
    CopyLinkExpiredError: Answer(
        HTTPStatus.GONE, N_("Link verlopen"),
        N_("Deze link werkt niet meer. Wil je toch een kopie van je klacht? Bel {phone} "
           "({phone_hours}) of mail naar {email}, en noem je kenmerk.")),
    AttachmentRefusedError: Answer(
        HTTPStatus.UNPROCESSABLE_ENTITY, N_("Bestand niet toegevoegd"),
        N_("Ga terug om een ander bestand te kiezen.")),
    StatusPageClosedError: Answer(
        HTTPStatus.GONE, N_("Link verlopen"),
        N_("Deze link werkt niet meer: je klacht is al een tijd afgesloten. Heb je nog vragen? "
           "Bel {phone} ({phone_hours}) of mail naar {email}, en noem je kenmerk.")),
}


BODY_ERRORS = (MalformedBodyError, PayloadTooLargeError, UnsupportedContentTypeError)


@app.exception_handler(Exception)
def answer_error(error: Exception) -> Response[str]:
    """The answer to every exception a request raises."""
    errors: dict[str, str] | None = None
    cause = error.__cause__
    if isinstance(error, RequestValidationError) and isinstance(cause, BODY_ERRORS):
        # The framework wraps what goes wrong while it reads a form post.
        error = cause
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
    answer = replace(answer, title=_(answer.title),
                     message=_with_contacts(_(answer.message)))
    if isinstance(error, AttachmentRefusedError):
        # Why, naming the file (after the contacts: a file's name may hold braces).
        answer = replace(answer, message=f"{error} {answer.message}")
    return _respond(answer, errors)


def _respond(answer: Answer, errors: dict[str, str] | None) -> Response[str]:
    headers = {"Retry-After": str(answer.retry_after)} if answer.retry_after else None
    if not _answer_in_html():
        body = ErrorResponse(message=answer.message, errors=errors)
        return _response(answer.status, content_types.APPLICATION_JSON,
                         body.model_dump_json(exclude_none=True), headers)
    pages = get_dependencies().pages
    page = None
    if answer.form_again and _is_form_post():
        page = _form_again(errors or {}, None if errors else answer.message)
    if page is None and errors is not None:
        # The form named no provider we know, so there is no form to show again.
        page = pages.message(_("Zorgaanbieder niet gevonden"), messages.invalid("provider"))
    if page is None:
        page = pages.message(answer.title, answer.message)
    return _response(answer.status, HTML, page, headers)


def _sent_values(complaint: ComplaintRequest) -> dict[str, str]:
    """What the form post sent, with the submission's id: the answers' check page carries
    them to the send button, so a repeated press is one complaint."""
    return {**_form_values(), "submission_id": str(complaint.submission_id)}


def _form_again(errors: dict[str, str], notice: str | None) -> str | None:
    """The form the post came from, again, with what was typed, its errors and a notice;
    None when there is no such form to show (a provider we do not know)."""
    pages = get_dependencies().pages
    if app.current_event.path == STATUS_LINK_PATH:
        return pages.status_link_form(_form_values(), errors)
    return pages.form_again(_form_values(), errors, notice)


def _with_contacts(message: str) -> str:
    """A message that offers another way names the complaints body's own contacts."""
    if "{" not in message:
        return message
    from klachtenportaal.formatting import format_phone

    portal = get_dependencies().pages.portal()
    return message.format(phone=format_phone(portal.phone), phone_hours=portal.phone_hours,
                          email=portal.email)


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


REFUSED = Answer(HTTPStatus.FORBIDDEN, N_("Geen toegang"),
                 N_("Gebruik het formulier op onze website."))


def _refused(event: dict[str, Any]) -> bool:
    """A request that came around CloudFront (and its web ACL), or a post another site made
    a browser send: refused before anything of it is read, counted or stored."""
    headers = {name.lower(): str(value) for name, value in (event.get("headers") or {}).items()}
    settings = get_dependencies().settings
    if not through_the_site(headers, settings.origin_secret):
        return True
    if event.get("requestContext", {}).get("http", {}).get("method") != "POST":
        return False
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "cross-site"
    # Browsers without Sec-Fetch-Site: the Origin, unless it is hidden ("null", as it is
    # for a post from a page with Referrer-Policy: no-referrer, the API's own pages).
    site = urlsplit(settings.site_url)
    origin = headers.get("origin", "null")
    return origin not in ("null", f"{site.scheme}://{site.netloc}")


def _form_language(request: StrictBodyEvent) -> Language | None:
    """The language the form sends (`language`: its page's), if it sends one. Read before
    the framework, through the same strict reading: its own checks answer in it too."""
    try:
        body = request.decoded_body or ""
        kind = media_type(str(request.headers.get("content-type", "")))
        if kind == FORM:
            sent = parse_qs(body).get("language", [None])[0]
        elif kind == JSON:
            sent = parse_json_body(body).get("language")
        else:
            return None
    except (UnsupportedContentTypeError, PayloadTooLargeError, MalformedBodyError, ValueError):
        return None  # the framework answers an unreadable body, in the browser's language
    return sent if sent in LANGUAGES else None


def _browser_language(request: StrictBodyEvent) -> Language:
    """Of ours, the language the browser asks for most (Accept-Language, by weight; the
    first listed of equal weight), else Dutch."""
    asked: list[tuple[float, Language]] = []
    for entry in str(request.headers.get("accept-language", "")).split(","):
        code, _, parameters = entry.partition(";")
        language = code.strip().lower()[:2]
        try:
            weight = float(parameters.strip().removeprefix("q=") or 1)
        except ValueError:
            continue
        if language in LANGUAGES and weight > 0:
            asked.append((weight, language))
    return max(asked, key=lambda choice: choice[0], default=(1.0, SOURCE_LANGUAGE))[1]


def _refusal(event: dict[str, Any]) -> dict[str, Any]:
    content_type = str((event.get("headers") or {}).get("content-type", ""))
    if media_type(content_type) == JSON:
        kind, body = content_types.APPLICATION_JSON, ErrorResponse(
            message=_(REFUSED.message)).model_dump_json()
    else:
        kind, body = HTML, get_dependencies().pages.message(_(REFUSED.title),
                                                            _(REFUSED.message))
    return {"statusCode": REFUSED.status, "body": body,
            "headers": {**SECURITY_HEADERS, "Content-Type": kind}}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = StrictBodyEvent(event)
    if _refused(event):
        current_language.set(_browser_language(request))
        logger.info("request_refused")
        return _refusal(event)
    current_language.set(_form_language(request) or _browser_language(request))
    return app.resolve(event, context)

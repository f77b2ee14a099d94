"""HTTP API for the behandelomgeving (the staff routes, `/api/staff/...`), a function of its
own with its own role: the public form's function cannot read complaints.

API Gateway's JWT authorizer lets only requests with a valid token of the user pool through
(issuer and audience checked; `make serve` checks the same) and hands over its claims; each
route checks the user's group. Routes parse, call one service function and return; every
exception becomes an answer in `answer_error`.
"""

from __future__ import annotations

import traceback
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from complaint_form.dependencies import get_dependencies
from complaint_form.dynamodb import (
    ChangedMeanwhileError,
    InboxFilters,
    StorageUnavailableError,
)
from complaint_form.exports import ExportFormat
from complaint_form.headers import SECURITY_HEADERS, through_the_site, viewer_ip
from complaint_form.models import ErrorResponse, Status
from complaint_form.observability import logger, metrics
from complaint_form.service import ComplaintNotFoundError
from complaint_form.staff_service import (
    AttachmentNotOfferedError,
    BadPageTokenError,
    ExportTooLargeError,
    ExtensionNotPossibleError,
    NotAllowedError,
    StaffAction,
    StaffUser,
    TransitionNotAllowedError,
    access_log,
    act,
    dossier,
    export,
    figures_of_year,
    inbox,
    open_attachment,
)
from complaint_form.subject_rights import (
    ContactCorrection,
    ErasureRequest,
    correct_contact,
    erase,
    subject_access,
)

STAFF_PATH = "/api/staff/klachten"

app = APIGatewayHttpResolver(enable_validation=True)


class NotSignedInError(Exception):
    """No claims from the authorizer: the request did not pass it."""


def _user() -> StaffUser:
    """Who asks, from the ID token's claims the authorizer handed over: identified by `sub`
    (which never changes) with the verified e-mail address beside it; and from where."""
    claims = app.current_event.request_context.authorizer.jwt_claim or {}
    # The authorizer also lets access tokens through; only an ID token names the person. Users
    # cannot change their address themselves (the pool's client), and a change made for
    # them counts once verified (the pool).
    if claims.get("token_use") != "id" or not claims.get("sub"):
        raise NotSignedInError
    # The authorizer hands a list claim over as one string: "[klachtenfunctionaris beheerder]".
    groups = claims.get("cognito:groups", "")
    if isinstance(groups, str):
        groups = groups.strip("[]").replace(",", " ").split()
    source_ip = viewer_ip(app.current_event.headers,
                          app.current_event.request_context.http.source_ip)
    return StaffUser(user_id=str(claims["sub"]), username=str(claims.get("email", "")),
                     groups=frozenset(groups), source_ip=source_ip)


def _json(model: BaseModel | list[Any], status: HTTPStatus = HTTPStatus.OK) -> Response[str]:
    if isinstance(model, list):
        body = "[" + ",".join(item.model_dump_json() for item in model) + "]"
    else:
        body = model.model_dump_json()
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON,
                    body=body, headers=dict(SECURITY_HEADERS))


class SignInConfig(BaseModel):
    client_id: str
    cognito_endpoint: str


class NotConfiguredError(Exception):
    """This environment has no staff pool."""


@app.get("/api/staff/config", summary="Where the behandelomgeving signs in (no token needed)")
def get_config() -> Response[str]:
    settings = get_dependencies().settings
    if not settings.staff_client_id or not settings.cognito_endpoint:
        raise NotConfiguredError
    return _json(SignInConfig(client_id=settings.staff_client_id,
                              cognito_endpoint=settings.cognito_endpoint))


@app.get(STAFF_PATH, summary="Inbox: one page of the complaints with a status, contact due "
                             "first")
def get_inbox(status: Annotated[Status, Query()] = "ontvangen",
              page: Annotated[str | None, Query(max_length=2000)] = None,
              provider: Annotated[str | None, Query(max_length=200)] = None,
              regeling: Annotated[str | None, Query(max_length=200)] = None,
              officer: Annotated[str | None, Query(max_length=254)] = None,
              overdue: Annotated[bool, Query()] = False) -> Response[str]:
    filters = InboxFilters(provider=provider, regeling=regeling, officer=officer)
    return _json(inbox(_user(), status, page, filters, overdue=overdue))


@app.get("/api/staff/export", summary="The inbox's filter as CSV or XLSX, one row per "
                                     "complaint; the complaint text only with met_tekst "
                                     "(beheerder)")
def get_export(status: Annotated[Status, Query()] = "ontvangen",
               provider: Annotated[str | None, Query(max_length=200)] = None,
               regeling: Annotated[str | None, Query(max_length=200)] = None,
               officer: Annotated[str | None, Query(max_length=254)] = None,
               overdue: Annotated[bool, Query()] = False,
               met_tekst: Annotated[bool, Query()] = False,
               formaat: Annotated[ExportFormat, Query()] = "csv") -> Response[str]:
    filters = InboxFilters(provider=provider, regeling=regeling, officer=officer)
    return _json(export(_user(), status, filters, overdue=overdue, with_text=met_tekst,
                        export_format=formaat))


@app.get(f"{STAFF_PATH}/<reference>/inzage",
         summary="Everything stored about the complainant, as JSON and as a readable page "
                 "(AVG: inzage; beheerder)")
def get_subject_access(reference: str) -> Response[str]:
    return _json(subject_access(_user(), reference))


@app.post(f"{STAFF_PATH}/<reference>/verbetering",
          summary="Correct the complainant's contact details (AVG; beheerder)")
def post_correction(reference: str,
                    correction: Annotated[ContactCorrection, Body()]) -> Response[str]:
    return _json(correct_contact(_user(), reference, correction))


@app.post(f"{STAFF_PATH}/<reference>/wissen",
          summary="Erase the complainant's data, keeping the case (AVG; beheerder)")
def post_erasure(reference: str, request: Annotated[ErasureRequest, Body()]) -> Response[str]:
    return _json(erase(_user(), reference, request))


@app.get("/api/staff/jaarcijfers", summary="Year figures of the complaints received in a year")
def get_year_figures(jaar: Annotated[int, Query(ge=2000, le=2100)]) -> Response[str]:
    return _json(figures_of_year(_user(), jaar))


@app.get(f"{STAFF_PATH}/<reference>", summary="Dossier: everything about one complaint")
def get_dossier(reference: str) -> Response[str]:
    return _json(dossier(_user(), reference))


@app.get(f"{STAFF_PATH}/<reference>/bijlagen/<attachment_id>",
         summary="A link to one attachment, working for a minute, once the malware scan "
                 "found it clean")
def get_attachment(reference: str, attachment_id: str) -> Response[str]:
    return _json(open_attachment(_user(), reference, attachment_id))


@app.post(f"{STAFF_PATH}/<reference>/acties",
          summary="Do one thing with a complaint (assign, contact made, status, note); "
                  "the dossier as it is now")
def post_action(reference: str, action: Annotated[StaffAction, Body()]) -> Response[str]:
    return _json(act(_user(), reference, action))


@app.get(f"{STAFF_PATH}/<reference>/toegang",
         summary="Access log of one complaint: who read it, when, from where (beheerder)")
def get_access_log(reference: str) -> Response[str]:
    return _json(access_log(_user(), reference))


ANSWERS: dict[type[Exception], tuple[HTTPStatus, str]] = {
    NotSignedInError: (HTTPStatus.UNAUTHORIZED, "Log opnieuw in."),
    NotConfiguredError: (HTTPStatus.SERVICE_UNAVAILABLE,
                         "De behandelomgeving is hier niet ingericht."),
    NotAllowedError: (HTTPStatus.FORBIDDEN, "Dit mag je met jouw rol niet doen."),
    ComplaintNotFoundError: (HTTPStatus.NOT_FOUND, "Deze klacht bestaat niet."),
    AttachmentNotOfferedError: (HTTPStatus.CONFLICT,
                                "Dit bestand is niet (of nog niet) door de virusscanner "
                                "goedgekeurd. Je kunt het niet openen. Probeer het later "
                                "opnieuw; blijft dit zo, vraag dan de klager om het bestand "
                                "op een andere manier te sturen."),
    NotFoundError: (HTTPStatus.NOT_FOUND, "Deze pagina bestaat niet."),
    ExportTooLargeError: (HTTPStatus.UNPROCESSABLE_ENTITY,
                          "Deze lijst is te groot voor één bestand. Maak hem kleiner met de "
                          "filters, of exporteer zonder de tekst van de klachten."),
    BadPageTokenError: (HTTPStatus.BAD_REQUEST, "Deze pagina van de lijst bestaat niet. "
                                                "Begin opnieuw bij de eerste."),
    RequestValidationError: (HTTPStatus.UNPROCESSABLE_ENTITY, "Deze keuze bestaat niet."),
    TransitionNotAllowedError: (HTTPStatus.UNPROCESSABLE_ENTITY,
                                "Deze status kan niet volgen op de huidige status."),
    ChangedMeanwhileError: (HTTPStatus.CONFLICT,
                            "Iemand anders heeft dit dossier net veranderd. Laad het opnieuw "
                            "en kijk of je wijziging nog nodig is."),
    StorageUnavailableError: (HTTPStatus.SERVICE_UNAVAILABLE,
                              "Het klachtensysteem is nu niet bereikbaar. Probeer het over "
                              "een paar minuten opnieuw."),
}


@app.exception_handler(Exception)
def answer_error(error: Exception) -> Response[str]:
    """The answer to every exception a staff request raises."""
    found = next((answer for kind, answer in ANSWERS.items() if isinstance(error, kind)), None)
    if isinstance(error, ExtensionNotPossibleError):
        found = (HTTPStatus.UNPROCESSABLE_ENTITY, str(error))
    if found is None:
        frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
        logger.error("unexpected_error", error_type=type(error).__name__,
                     where=f"{frame.filename}:{frame.lineno}" if frame else None)
        found = (HTTPStatus.INTERNAL_SERVER_ERROR,
                 "Er ging bij ons iets mis. Probeer het over een paar minuten opnieuw.")
    status, message = found
    return _json(ErrorResponse(message=message), status)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = {name.lower(): str(value) for name, value in (event.get("headers") or {}).items()}
    if not through_the_site(headers, get_dependencies().settings.origin_secret):
        # Around CloudFront and its web ACL, even with a valid token.
        return {"statusCode": HTTPStatus.FORBIDDEN, "headers": {
            **SECURITY_HEADERS, "Content-Type": content_types.APPLICATION_JSON},
            "body": ErrorResponse(message="Gebruik de behandelomgeving op onze website.")
            .model_dump_json()}
    return app.resolve(event, context)

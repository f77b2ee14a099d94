"""The service functions of the behandelomgeving: the inbox, a dossier and its access log.
Every read of complaint data is written to the access log first (NEN 7513): no entry, no
data."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from complaint_form.audit import AccessEntry, AccessEvent, Outcome
from complaint_form.dependencies import Dependencies, get_dependencies
from complaint_form.models import AMSTERDAM, StoredComplaint
from complaint_form.references import is_reference
from complaint_form.service import ComplaintNotFoundError

OFFICERS = frozenset({"klachtenfunctionaris", "beheerder"})
ADMINISTRATORS = frozenset({"beheerder"})
PAGE_SIZE = 50
STATUSES = ("ontvangen", "in_behandeling", "afgehandeld")


class NotAllowedError(Exception):
    """The signed-in user's role does not allow this."""


class BadPageTokenError(Exception):
    """The page token is not one this API gave."""


@dataclass(frozen=True)
class StaffUser:
    """Who asks, as the JWT authorizer vouched for them, and from where."""

    username: str
    groups: frozenset[str]
    source_ip: str

    @property
    def role(self) -> str:
        return "beheerder" if "beheerder" in self.groups else next(iter(sorted(self.groups)),
                                                                   "geen")


class InboxRow(BaseModel):
    reference: str
    kind: str
    provider_name: str
    regeling_name: str | None
    received_on: date
    status: str
    contact_by: date
    contact_due: str


class InboxPage(BaseModel):
    rows: list[InboxRow]
    next_page: str | None


def _log(deps: Dependencies, user: StaffUser, event: AccessEvent, reference: str | None,
         outcome: Outcome) -> None:
    deps.access_log.write(AccessEntry(event=event, at=deps.clock(), reference=reference,
                                      user=user.username, role=user.role,
                                      source_ip=user.source_ip, outcome=outcome))


def _require(deps: Dependencies, user: StaffUser, roles: frozenset[str], event: AccessEvent,
             reference: str | None) -> None:
    if not user.groups & roles:
        _log(deps, user, event, reference, "refused")
        raise NotAllowedError


def inbox(user: StaffUser, status: str, page: str | None = None,
          deps: Dependencies | None = None) -> InboxPage:
    """One page of the complaints with `status`, the contact due first."""
    from klachtenportaal.deadlines import working_days_left
    from klachtenportaal.formatting import format_days_left

    deps = deps or get_dependencies()
    _require(deps, user, OFFICERS, "inbox", None)
    _log(deps, user, "inbox", None, "allowed")
    complaints, after = deps.repository.by_status(status, PAGE_SIZE, _decode(page))
    today = deps.clock().astimezone(AMSTERDAM).date()
    return InboxPage(rows=[InboxRow(
        reference=c.reference, kind=c.kind, provider_name=c.provider_name,
        regeling_name=c.regeling_name, received_on=c.received_on, status=c.status,
        contact_by=c.deadlines.contact_by,
        contact_due=format_days_left(working_days_left(today, c.deadlines.contact_by)))
        for c in complaints], next_page=_encode(after))


def dossier(user: StaffUser, reference: str,
            deps: Dependencies | None = None) -> StoredComplaint:
    """Everything about one complaint."""
    deps = deps or get_dependencies()
    _require(deps, user, OFFICERS, "dossier_read", reference)
    complaint = deps.repository.get(reference) if is_reference(reference) else None
    _log(deps, user, "dossier_read", reference, "allowed" if complaint else "not_found")
    if complaint is None:
        raise ComplaintNotFoundError(reference)
    return complaint


def access_log(user: StaffUser, reference: str,
               deps: Dependencies | None = None) -> list[AccessEntry]:
    """Who looked at one complaint, and when (beheerders only)."""
    deps = deps or get_dependencies()
    _require(deps, user, ADMINISTRATORS, "access_log_read", reference)
    _log(deps, user, "access_log_read", reference, "allowed")
    return deps.access_log.of(reference)


def _encode(key: dict[str, Any] | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode() if key else None


def _decode(token: str | None) -> dict[str, Any] | None:
    if not token:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError) as exc:
        raise BadPageTokenError from exc
    if not isinstance(key, dict):
        raise BadPageTokenError
    return key

"""Year figures (jaarcijfers) of the complaints received in one year, counted from the stored
complaints: never typed in."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date

from pydantic import BaseModel

from complaint_form.models import StoredComplaint


class InTime(BaseModel):
    """How often a deadline was met: in time, late, and not yet decided (still open)."""

    in_time: int = 0
    late: int = 0
    open: int = 0


class YearFigures(BaseModel):
    year: int
    total: int
    by_kind: dict[str, int]
    by_regeling: dict[str, int]
    by_provider: dict[str, int]
    by_status: dict[str, int]
    contact: InTime
    judgement: InTime
    closed: int
    median_days_to_close: float | None


def _in_time(results: list[bool | None]) -> InTime:
    return InTime(in_time=results.count(True), late=results.count(False),
                  open=results.count(None))


def _most_first(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def year_figures(complaints: list[StoredComplaint], year: int, today: date) -> YearFigures:
    """The figures of the complaints among `complaints` received in `year`."""
    received = [c for c in complaints if c.received_on.year == year]
    klachten = [c for c in received if c.kind == "klacht"]
    days_to_close = [(c.closed_on - c.received_on).days for c in received if c.closed_on]
    return YearFigures(
        year=year, total=len(received),
        by_kind=_most_first(Counter(c.kind for c in received)),
        by_regeling=_most_first(Counter(c.regeling_name or "onbekend" for c in received)),
        by_provider=_most_first(Counter(c.provider_name for c in received)),
        by_status=_most_first(Counter(c.status for c in received)),
        contact=_in_time([c.contact_met(today) for c in received]),
        judgement=_in_time([c.judgement_met(today) for c in klachten if c.judgement_due]),
        closed=len(days_to_close),
        median_days_to_close=statistics.median(days_to_close) if days_to_close else None)

"""Year figures counted from stored complaints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from complaint_form.figures import InTime, year_figures
from complaint_form.intake import new_complaint
from complaint_form.models import ComplaintRequest, HistoryEntry, StoredComplaint

from klachtenportaal.registry import Registry
from tests.backend import RECEIVED, complaint_body


def stored(registry: Registry, received: datetime, number: int,
           **changes: object) -> StoredComplaint:
    request = ComplaintRequest.model_validate(complaint_body())
    provider = registry.provider(request.provider)
    assert provider is not None
    complaint = new_complaint(request, provider, registry, reference=f"KPZ-TEST-{number:04d}",
                              now=received, copy_link_days=7)
    return complaint.model_copy(update=changes)


def closed(days: int, received: datetime = RECEIVED) -> dict[str, object]:
    at = received + timedelta(days=days)
    return {"status": "afgehandeld", "closed_at": at,
            "history": [HistoryEntry(at=at, user="fenna", action="status",
                                     detail="in_behandeling -> afgehandeld")]}


def test_year_figures_count_kinds_regimes_statuses_and_deadlines_met(
        registry: Registry) -> None:
    # GIVEN four complaints received in November 2026 (contact due 30 November, judgement
    # due 4 January 2027) and one received in 2025
    late_contact = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    complaints = [
        stored(registry, RECEIVED, 1, contact_made_at=RECEIVED + timedelta(days=1),
               judgement_on=date(2026, 12, 20), **closed(30)),
        stored(registry, RECEIVED, 2, contact_made_at=late_contact, **closed(50)),
        stored(registry, RECEIVED, 3, kind="advies", status="in_behandeling"),
        stored(registry, RECEIVED, 4),
        stored(registry, datetime(2025, 6, 2, 9, 0, tzinfo=UTC), 5),
    ]
    # WHEN the figures of 2026 are counted on 10 December 2026
    figures = year_figures(complaints, 2026, date(2026, 12, 10))
    # THEN they hold the four of 2026
    assert figures.total == 4
    assert figures.by_kind == {"klacht": 3, "advies": 1}
    assert figures.by_status == {"afgehandeld": 2, "in_behandeling": 1, "ontvangen": 1}
    assert figures.by_provider == {"Dragon Coaching": 4}
    assert sum(figures.by_regeling.values()) == 4
    # AND contact: one in time, three late (one made late, two never made by now)
    assert figures.contact == InTime(in_time=1, late=3, open=0)
    # AND the judgement (klachten only): one given in time, two still open
    assert figures.judgement == InTime(in_time=1, late=0, open=2)
    # AND the median of 30 and 50 days to closing
    assert figures.closed == 2 and figures.median_days_to_close == 40


def test_year_figures_of_a_year_without_complaints_are_zero(registry: Registry) -> None:
    # GIVEN one complaint of 2026 WHEN the figures of 2027 are counted THEN all are zero
    figures = year_figures([stored(registry, RECEIVED, 1)], 2027, date(2027, 3, 1))
    assert figures.total == 0 and figures.by_status == {}
    assert figures.contact == InTime() and figures.median_days_to_close is None

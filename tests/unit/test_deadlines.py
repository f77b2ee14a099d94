from __future__ import annotations

from datetime import date

import pytest

from klachtenportaal.deadlines import (
    add_weeks,
    add_working_days,
    compute_deadlines,
    decreed_days,
    is_working_day,
)
from klachtenportaal.registry import Terms


@pytest.mark.parametrize(
    ("received", "expected", "why"),
    [
        (date(2026, 11, 23), date(2026, 11, 30), "Monday: plain week"),
        (date(2026, 11, 27), date(2026, 12, 4), "Friday: weekend skipped"),
        (date(2026, 4, 1), date(2026, 4, 10), "Good Friday 3/4 and Easter Monday 6/4 skipped"),
        (date(2026, 4, 23), date(2026, 5, 1), "King's Day Monday 27/4 skipped"),
        (date(2027, 4, 30), date(2027, 5, 12),
         "5 May, Ascension 6 May 2027 and the decreed Friday 7 May skipped"),
        (date(2026, 5, 1), date(2026, 5, 11), "5 May in a non-lustrum year skipped"),
        (date(2026, 12, 23), date(2026, 12, 31), "Christmas Day skipped"),
        (date(2026, 5, 22), date(2026, 6, 1), "Whit Monday 25/5 skipped"),
        (date(2026, 12, 28), date(2027, 1, 5), "New Year's Day skipped"),
    ],
)
def test_add_working_days_skips_weekends_and_general_holidays(
    received: date, expected: date, why: str
) -> None:
    # GIVEN a complaint received on `received` WHEN counting 5 working days THEN `expected`
    assert add_working_days(received, 5) == expected, why


def test_is_working_day_excludes_only_algemene_termijnenwet_holidays() -> None:
    assert not is_working_day(date(2026, 4, 27))  # King's Day
    assert not is_working_day(date(2026, 5, 5))  # Liberation Day, every year
    assert not is_working_day(date(2026, 4, 3))  # Good Friday
    assert is_working_day(date(2026, 12, 24))  # Christmas Eve is an ordinary day
    assert is_working_day(date(2026, 12, 31))  # so is New Year's Eve


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 5, 15), "the Friday after Ascension Day"),
        (date(2026, 1, 2), "the Friday after New Year's Day on a Thursday"),
        (date(2028, 4, 28), "the Friday after King's Day on a Thursday"),
        (date(2024, 12, 27), "the Friday after Boxing Day on a Thursday"),
    ],
)
def test_is_working_day_excludes_days_equated_with_holidays_by_decree(day: date,
                                                                       kind: str) -> None:
    # GIVEN a day a decree equates with a general holiday (Atw art. 3 lid 3)
    # WHEN asked THEN it is no working day, and the decree that says so is known
    assert day.weekday() == 4, kind
    assert not is_working_day(day), kind
    assert decreed_days()[day].startswith("Besluit gelijkstelling"), kind


def test_add_working_days_skips_a_decreed_day() -> None:
    # GIVEN a complaint on Monday 11 May 2026: Ascension Thursday 14 May, decreed Friday 15 May
    # WHEN counting 5 working days THEN Wednesday 20 May: 12, 13, 18, 19 and 20 count
    assert add_working_days(date(2026, 5, 11), 5) == date(2026, 5, 20)


def test_add_weeks_moves_an_end_on_a_decreed_day_to_the_next_working_day() -> None:
    # GIVEN a complaint on Friday 3 April 2026: six weeks later is the decreed Friday 15 May
    assert add_weeks(date(2026, 4, 3), 6) == date(2026, 5, 18)


def test_add_weeks_moves_an_end_on_a_holiday_to_the_next_working_day() -> None:
    # GIVEN a complaint on Monday 23 February 2026: six weeks later is Easter Monday
    assert add_weeks(date(2026, 2, 23), 6) == date(2026, 4, 7)
    # AND a plain end date stays as it is
    assert add_weeks(date(2026, 11, 23), 6) == date(2027, 1, 4)


def test_compute_deadlines_for_wkkgz_terms() -> None:
    terms = Terms(judgement_weeks=6, extension_weeks=4, further_extension_by_agreement=True,
                  source="Wkkgz")
    deadlines = compute_deadlines(date(2026, 11, 23), 5, terms)
    assert deadlines.contact_by == date(2026, 11, 30)
    assert deadlines.judgement_by == date(2027, 1, 4)
    assert deadlines.judgement_extended_by == date(2027, 2, 1)


def test_compute_deadlines_without_judgement_term() -> None:
    deadlines = compute_deadlines(date(2026, 11, 23), 5,
                                  Terms(measures_report_months=1, source="Jeugdwet"))
    assert deadlines.judgement_by is None and deadlines.judgement_extended_by is None

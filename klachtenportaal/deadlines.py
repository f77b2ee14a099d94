"""Deadlines as the law counts them (Algemene termijnenwet).

Working days skip Saturdays, Sundays and the general holidays of the Algemene termijnenwet:
New Year's Day, Good Friday, Easter Monday, King's Day, 5 May (every year), Ascension Day,
Whit Monday and both Christmas days; and the days a decree equates with them (article 3,
third paragraph: in practice the Friday after Ascension Day, or a Friday after a holiday on a
Thursday), kept as data in `gelijkgestelde_dagen.json` with their decree. A term that ends on
a weekend day or such a day moves to the next working day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays

from klachtenportaal.registry import Terms

# `public` holds the fixed general holidays; `optional` adds Good Friday and 5 May in the
# years between lustrums. Easter Sunday and Whit Sunday are Sundays already.
_CATEGORIES = (holidays.PUBLIC, holidays.OPTIONAL)


@lru_cache(maxsize=1)
def decreed_days() -> dict[date, str]:
    """The days equated with holidays by decree, each with the decree's title."""
    data = json.loads(Path(__file__).with_name("gelijkgestelde_dagen.json").read_text("utf-8"))
    return {date.fromisoformat(day["date"]): day["decree"] for day in data["days"]}


@lru_cache(maxsize=64)
def _holidays_in(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("NL", years=year, categories=_CATEGORIES)
    decreed = (day for day in decreed_days() if day.year == year)
    return frozenset([*calendar.keys(), *decreed])


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays_in(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the start day itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_left(today: date, due: date) -> int:
    """Working days after `today` up to and including `due`; negative when `due` has passed
    (the working days since), 0 when it is today."""
    if due < today:
        return -working_days_left(due, today)
    return sum(1 for offset in range(1, (due - today).days + 1)
               if is_working_day(today + timedelta(days=offset)))


def next_working_day_from(day: date) -> date:
    """`day` itself if it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_weeks(start: date, weeks: int) -> date:
    """A term of whole weeks; when it ends on a weekend day or holiday it moves forward."""
    return next_working_day_from(start + timedelta(weeks=weeks))


@dataclass(frozen=True)
class Deadlines:
    contact_by: date
    judgement_by: date | None
    judgement_extended_by: date | None


def compute_deadlines(received: date, contact_working_days: int, terms: Terms | None) -> Deadlines:
    """Deadlines of a complaint received on `received` under a regime's terms (if known)."""
    judgement_by = extended_by = None
    if terms is not None and terms.judgement_weeks:
        judgement_by = add_weeks(received, terms.judgement_weeks)
        if terms.extension_weeks:
            extended_by = add_weeks(received, terms.judgement_weeks + terms.extension_weeks)
    return Deadlines(
        contact_by=add_working_days(received, contact_working_days),
        judgement_by=judgement_by,
        judgement_extended_by=extended_by,
    )

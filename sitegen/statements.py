"""What the registry's text may not say: checks on the meaning of valid text.

A page states every term from the data it belongs to, so a number typed into text must agree
with that data; a body named in text must be one the complaints body offers for the regimes
the text is about; and statements the law contradicts (`misstatements.yaml`) are refused.
Each problem is located by its key path; the loader turns that into file:line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import yaml_rs
from pydantic import BaseModel

from klachtenportaal.registry import Provider, Registry, Step

Loc = tuple[str | int, ...]

# "een" and "één" are left out: "een week" is as often "about a week" as a term.
_NUMBER_WORDS = {"twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
                 "zeven": 7, "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12}
_TERM = re.compile(
    r"\b(\d+|" + "|".join(_NUMBER_WORDS) + r")\s+(werkdag(?:en)?|weken|week|maanden|maand)\b",
    re.IGNORECASE)
# A body's name: the kind of body in any case, then words with a capital ("Geschillencommissie
# KPZ", "de geschillencommissie Zorg"); "de klachtencommissie" alone names none.
_BODY = re.compile(r"\b(?i:geschillen(?:commissie|instantie)|klachtencommissie)(?:\s+[A-Z][\w-]*)+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Words without which no check can find anything (each misstatement is about what a body does,
# so it names one): one search for them in lowercased text is far quicker than the patterns.
_TRIGGER = re.compile("werkdag|week|weken|maand|commissie|instantie")
# Fields that cite or identify rather than state.
_NOT_STATEMENTS = frozenset({"source", "slug", "url", "website", "email", "phone", "number"})


@dataclass(frozen=True)
class Misstatement:
    sentence: tuple[re.Pattern[str], ...]
    unless: re.Pattern[str] | None
    reason: str
    source: str

    def made_in(self, text: str) -> bool:
        return any(all(p.search(s) for p in self.sentence)
                   and not (self.unless and self.unless.search(s))
                   for s in _SENTENCE_END.split(text))


@lru_cache(maxsize=1)
def misstatements() -> tuple[Misstatement, ...]:
    text = Path(__file__).with_name("misstatements.yaml").read_text("utf-8")
    rules = cast(list[dict[str, Any]], yaml_rs.loads(text))
    for rule in rules:
        if not any(_TRIGGER.search(pattern) for pattern in rule["sentence"]):
            raise ValueError(f"misstatements.yaml: {rule['sentence']} names no body "
                             "(commissie or instantie); only texts that do are read")
    return tuple(
        Misstatement(
            sentence=tuple(re.compile(p, re.IGNORECASE) for p in rule["sentence"]),
            unless=re.compile(rule["unless"], re.IGNORECASE) if rule.get("unless") else None,
            reason=rule["reason"], source=rule["source"])
        for rule in rules)


def worth_checking(text: str) -> bool:
    """Whether `text` (a provider entry as text, say) holds anything the checks look at."""
    return _TRIGGER.search(text.lower()) is not None


@dataclass(frozen=True)
class _Scope:
    """What a text is about: the regimes it speaks of, and so the data its terms and bodies
    must come from."""

    regelingen: tuple[str, ...]
    # The complaints body's own term; None in text that is not the complaints body's, where
    # working days may count anything (a contact calling back, say).
    working_days: frozenset[int] | None
    weeks: frozenset[int]
    months: frozenset[int]
    # A body's name or other name, casefolded → its registry name; None when a regime's body
    # does not resolve (reported as such), so its names are not checked.
    bodies: dict[str, str] | None

    def numbers(self, unit: str) -> frozenset[int] | None:
        """The numbers of `unit` the data holds for this text; None: not checked here."""
        unit = unit.lower()
        if unit.startswith("werkdag"):
            return self.working_days
        return self.weeks if unit.startswith("we") else self.months


class _Scopes:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._made: dict[tuple[tuple[str, ...], bool], _Scope] = {}

    def of(self, keys: Sequence[str], portal: bool = False) -> _Scope:
        """The scope of text about the regimes `keys`; `portal`: text of the complaints body."""
        key = tuple(keys)
        scope = self._made.get((key, portal))
        if scope is None:
            registry = self.registry
            regimes = [registry.regelingen[k] for k in key if k in registry.regelingen]
            terms = [r.terms for r in regimes]
            commissions = registry.portal.commissions
            found = [commissions.get(regime.final_body.commission) for regime in regimes]
            bodies = None if None in found else {
                name.casefold(): body.name
                for body in found if body is not None
                for name in (body.name, *body.also_called)}
            scope = _Scope(
                regelingen=key,
                working_days=(frozenset({registry.portal.contact_within_working_days})
                              if portal else None),
                weeks=frozenset(n for t in terms for n in (t.judgement_weeks, t.extension_weeks)
                                if n),
                months=frozenset(t.measures_report_months for t in terms
                                 if t.measures_report_months),
                bodies=bodies)
            self._made[(key, portal)] = scope
        return scope


def statement_problems(registry: Registry,
                       providers: Sequence[Provider] | None = None) -> list[tuple[Loc, str]]:
    """Every text in `registry` that says what its data or the law contradicts, as (key path,
    message). With `providers`, only the entries of those providers (by identity) are read
    among the providers (see `worth_checking`); the rest of the registry is read in full."""
    scopes = _Scopes(registry)
    every = tuple(registry.regelingen)
    problems: list[tuple[Loc, str]] = []
    portal = registry.portal
    for name in type(portal).model_fields:
        if name == "intake":
            for i, step in enumerate(portal.intake):
                scope = scopes.of(_step_scope(step, every), portal=True)
                problems += _check(step, ("portal", "intake", i), scope)
        else:
            problems += _check(getattr(portal, name), ("portal", name),
                               scopes.of(every, portal=True))
    for key, regeling in registry.regelingen.items():
        problems += _check(regeling, ("regelingen", key), scopes.of((key,)))
    problems += _check(registry.contacts, ("contacts",), scopes.of(every))
    wanted = None if providers is None else {id(p) for p in providers}
    for index, provider in enumerate(registry.providers):
        if wanted is not None and id(provider) not in wanted:
            continue
        own = tuple(provider.regelingen)
        for name in type(provider).model_fields:
            loc: Loc = ("providers", index, name)
            if name == "first_steps":
                for i, own_step in enumerate(provider.first_steps):
                    problems += _check(own_step, (*loc, i),
                                       scopes.of(_step_scope(own_step, own)))
            else:
                problems += _check(getattr(provider, name), loc, scopes.of(own))
    return problems


def _step_scope(step: Step, default: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(step.regelingen) if step.regelingen is not None else default


def _check(value: Any, loc: Loc, scope: _Scope) -> list[tuple[Loc, str]]:
    problems = []
    for where, text in _texts(value, loc):
        problems += [(where, message) for message in _said_wrongly(text, scope)]
    return problems


def _texts(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in _NOT_STATEMENTS:
                yield from _texts(getattr(value, name), (*loc, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*loc, key))


def _said_wrongly(text: str, scope: _Scope) -> Iterator[str]:
    if not worth_checking(text):
        return
    regimes = ", ".join(scope.regelingen)
    for match in _TERM.finditer(text):
        amount, unit = match[1].lower(), match[2].lower()
        number = int(amount) if amount.isdigit() else _NUMBER_WORDS[amount]
        allowed = scope.numbers(unit)
        if allowed is None or number in allowed:
            continue
        if unit.startswith("werkdag"):
            data = f"contact_within_working_days is {' or '.join(map(str, sorted(allowed)))}"
        elif allowed:
            data = (f"the terms of {regimes} give {' or '.join(map(str, sorted(allowed)))} "
                    f"{'weken' if unit.startswith('we') else 'maanden'}")
        else:
            data = f"the terms of {regimes} hold no such term"
        yield (f"says '{match[0]}', but {data}; a page states every term from the data, so "
               "leave the number out of the text, or correct the text or the data")
    bodies = scope.bodies
    for match in _BODY.finditer(text) if bodies is not None else ():
        name = " ".join(match[0].split())
        if bodies is not None and name.casefold() not in bodies:
            offered = ", ".join(sorted(set(bodies.values()))) or "none"
            yield (f"names '{name}', a body the complaints body does not offer for "
                   f"{regimes}; it offers: {offered}")
    for rule in misstatements():
        if rule.made_in(text):
            yield f"wrong in law: {rule.reason} (source: {rule.source})"

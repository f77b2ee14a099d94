"""The one road from `providers.yaml` to a validated `Registry`, or to a report of every mistake.

yaml-rs reads the file (YAML 1.2: `yes` and `no` stay text; a key given twice is an error);
the registry model validates it, the cross-checks say what a schema cannot (unique slugs,
references that resolve), and `sitegen.statements` what the text may not say (a term that
contradicts the data, a body not offered, a statement wrong in law). When something is
wrong, each mistake is reported with file, line and column, the key path
(`providers[3].contacts[0].email`), what was expected and, for a mistyped key or reference,
the nearest valid name (or else the keys allowed there).
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml_rs
from pydantic import BaseModel, ValidationError

from klachtenportaal.registry import Provider, Registry
from sitegen.statements import Loc, statement_problems, worth_checking

_SYNTAX_ERROR = re.compile(r"line (\d+), column (\d+)")


@dataclass(frozen=True, order=True)
class RegistryIssue:
    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"


class RegistryError(Exception):
    """The registry is invalid; `issues` lists every mistake found."""

    def __init__(self, issues: list[RegistryIssue]) -> None:
        self.issues = sorted(issues)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.issues)
        lines = [str(issue) for issue in self.issues]
        plural = "s" if count != 1 else ""
        lines.append(f"{count} error{plural} in the registry; nothing was built.")
        return "\n".join(lines)


def load_registry(path: Path) -> Registry:
    """Read, validate and cross-check the registry at `path`; RegistryError on mistakes."""
    return RegistryLoader().load(path)


def display_name(path: Path) -> str:
    """How reports name the registry file: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class RegistryLoader:
    """Loads the registry, and keeps the provider entries it validated: loading again after
    an edit validates only the entries whose content changed. Everything else (the rest of
    the registry, the cross-checks) is checked in full each time."""

    def __init__(self) -> None:
        self._validated: dict[str, Provider] = {}

    def load(self, path: Path) -> Registry:
        return self.parse(path.read_text(encoding="utf-8"), display_name(path))

    def parse(self, text: str, filename: str) -> Registry:
        """The registry in `text`; `filename` names the file in the report."""
        try:
            data = yaml_rs.loads(text, parse_datetime=False)
        except yaml_rs.YAMLDecodeError as exc:
            raise RegistryError(_diagnose(text, filename, exc)) from None
        if not isinstance(data, dict) or _reference_issues(data, _Positions(), filename):
            raise RegistryError(_diagnose(text, filename))
        entries = data.get("providers")
        contents = [repr(entry) for entry in entries] if isinstance(entries, list) else []
        if contents:
            data = {**data, "providers": [self._validated.get(content, entry)
                                          for content, entry in zip(contents, data["providers"],
                                                                    strict=True)]}
        try:
            registry = Registry.model_validate(data)
        except ValidationError:
            raise RegistryError(_diagnose(text, filename)) from None
        worth = [provider for provider, content in zip(registry.providers, contents, strict=True)
                 if worth_checking(content)]
        if statement_problems(registry, worth):
            raise RegistryError(_diagnose(text, filename))
        self._validated = dict(zip(contents, registry.providers, strict=True))
        return registry


def value_positions(text: str) -> _Positions:
    """Where each value of a registry's YAML `text` starts (`text` known to parse)."""
    data = yaml_rs.loads(text, parse_datetime=False)
    assert isinstance(data, dict), "a registry is a mapping"
    return _BlockScanner(text).positions(data)


@dataclass
class _Positions:
    """Where each value (and each mapping key) starts in the YAML file, 1-based."""

    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    # A key given again in the same mapping: its place and the line of the first.
    duplicates: list[tuple[Loc, tuple[int, int], int]] = field(default_factory=list)

    def of_value(self, loc: Loc) -> tuple[int, int]:
        """Where the value at `loc` starts; else its key, or the nearest part around it."""
        while loc not in self.values and loc not in self.keys and loc:
            loc = loc[:-1]
        return self.values.get(loc) or self.keys.get(loc, (1, 1))

    def of_key(self, loc: Loc) -> tuple[int, int]:
        return self.keys.get(loc) or self.of_value(loc)


def format_path(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _diagnose(text: str, filename: str,
              yaml_error: yaml_rs.YAMLDecodeError | None = None) -> list[RegistryIssue]:
    """Every mistake in the registry text, located; at least the YAML error that led here."""
    try:
        # Keys given twice are reported below, with their places; the first one counts.
        data = yaml_rs.loads(text, parse_datetime=False,
                             duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.FirstWins)
    except yaml_rs.YAMLDecodeError as exc:
        return [_yaml_issue(exc, filename)]
    if not isinstance(data, dict):
        return [RegistryIssue(filename, 1, 1, "", "expected a mapping with portal, regelingen, "
                              "contacts and providers")]
    positions = _BlockScanner(text).positions(data)
    issues = [RegistryIssue(filename, *place, format_path(loc),
                            f"duplicate key '{loc[-1]}' (first given on line {first})")
              for loc, place, first in positions.duplicates]
    schema_issues = _schema_issues(data, positions, filename)
    issues += schema_issues
    issues += _reference_issues(data, positions, filename)
    if not schema_issues:  # the text is read from the validated registry
        issues += _statement_issues(Registry.model_validate(data), positions, filename)
    if yaml_error is not None and not positions.duplicates:
        # A key given twice where the scan does not look (inside a flow collection): yaml-rs
        # names the key, not its place.
        issues.append(_yaml_issue(yaml_error, filename))
    return issues


def _yaml_issue(error: yaml_rs.YAMLDecodeError, filename: str) -> RegistryIssue:
    message = str(error)
    place = _SYNTAX_ERROR.search(message)
    line, col = (int(place[1]), int(place[2])) if place else (1, 1)
    return RegistryIssue(filename, line, col, "",
                         f"invalid YAML: {message.splitlines()[-1].strip()}")


class _BlockScanner:
    """Finds where each key and value starts in block-style YAML, as the registry is written
    (mappings and lists by indentation; short lists may be flow style on one line). yaml-rs,
    which reads the registry, does not report places, and only a report needs them.

    The parsed data guides the scan: the lines below a key or list item whose value is text
    (plain, quoted or a block scalar) or a flow collection belong to that value, so they are
    never mistaken for keys or items, whatever they hold.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.row = 0
        self.found = _Positions()

    def positions(self, data: dict[Any, Any]) -> _Positions:
        start = self._content()
        if start is not None:
            self._mapping((), data, start[0], inline=False)
        return self.found

    def _content(self) -> tuple[int, str] | None:
        """Indentation and text of the next line with content, staying on it."""
        while self.row < len(self.lines):
            line = self.lines[self.row]
            stripped = line.strip()
            if stripped and not stripped.startswith("#") and stripped != "---":
                return len(line) - len(line.lstrip(" ")), line
            self.row += 1
        return None

    def _skip_below(self, indent: int) -> None:
        """Past the lines indented deeper than `indent`: the rest of a value."""
        while (line := self._content()) is not None and line[0] > indent:
            self.row += 1

    def _mapping(self, loc: Loc, value: dict[Any, Any], indent: int, inline: bool) -> bool:
        """Keys at column `indent`; with `inline`, the first one after a list item's dash.
        Whether there was a key."""
        seen: dict[str, int] = {}
        while (line := self._content()) is not None and (inline or line[0] == indent):
            inline = False
            text = line[1][indent:]
            colon = text.find(": ") if ": " in text else (len(text) - 1 if text.endswith(":")
                                                          else -1)
            if colon < 0:
                break
            key = text[:colon].strip().strip("'\"")
            here, place = (*loc, key), (self.row + 1, indent + 1)
            if key in seen:
                self.found.duplicates.append((here, place, seen[key]))
                self.row += 1
                self._skip_below(indent)
                continue
            seen[key] = place[0]
            self.found.keys[here] = place
            rest = text[colon + 1:]
            self._value(here, value.get(key), indent, indent + colon + 1 + _leading(rest), rest)
        return bool(seen)

    def _sequence(self, loc: Loc, value: list[Any], indent: int, inline: bool) -> bool:
        """List items: a dash at column `indent`; with `inline`, the first one mid-line.
        Whether there was an item."""
        index = 0
        while (line := self._content()) is not None and (inline or line[0] == indent):
            inline = False
            text = line[1][indent:]
            if not (text == "-" or text.startswith("- ")):
                break
            item = value[index] if index < len(value) else None
            rest = text[1:]
            self._value((*loc, index), item, indent, indent + 1 + _leading(rest), rest)
            index += 1
        return index > 0

    def _value(self, loc: Loc, value: Any, indent: int, column: int, rest: str) -> None:
        """The value of a key or list item: at `column` of the current line (where `rest`
        follows the colon or dash), or a mapping or list on the lines below."""
        start = self.row
        followed = False
        rest = rest.strip()
        if rest and not rest.startswith("#"):
            self.found.values[loc] = (self.row + 1, column + 1)
            if isinstance(value, dict) and rest[0] not in "{[&!":
                followed = self._mapping(loc, value, column, inline=True)
            elif isinstance(value, list) and rest.startswith("- "):
                followed = self._sequence(loc, value, column, inline=True)
        else:
            self.row += 1
            below = self._content()
            # A list may stand at its key's own indentation; anything else below is deeper.
            dash = below is not None and below[1][below[0]:below[0] + 1] == "-"
            if below is not None and (below[0] > indent or (dash and below[0] == indent)):
                if isinstance(value, dict) and below[0] > indent:
                    self.found.values[loc] = (self.row + 1, below[0] + 1)
                    followed = self._mapping(loc, value, below[0], inline=False)
                elif isinstance(value, list) and dash:
                    self.found.values[loc] = (self.row + 1, below[0] + 1)
                    followed = self._sequence(loc, value, below[0], inline=False)
        if not followed:
            # Text (or nothing), a flow collection, or something this scan does not follow:
            # its lines are the ones below, indented deeper.
            self.row = start + 1
            self._skip_below(indent)


def _leading(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _schema_issues(data: Any, positions: _Positions, filename: str) -> list[RegistryIssue]:
    try:
        Registry.model_validate(data)
    except ValidationError as exc:
        return [_issue_from_error(error, positions, filename) for error in exc.errors()]
    return []


def _issue_from_error(error: Any, positions: _Positions, filename: str) -> RegistryIssue:
    loc: Loc = tuple(part for part in error["loc"] if not _is_internal_loc(part))
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(loc[:-1])
        message = f"unknown key '{key}'" + (_suggestion(key, allowed)
                                            or f"; allowed here: {', '.join(allowed)}")
        line, col = positions.of_key(loc)
    elif kind == "missing":
        message = f"missing required key '{loc[-1]}'"
        line, col = positions.of_value(loc[:-1])
    else:
        message = f"{_expected(error)} (got {_show(error.get('input'))})"
        line, col = positions.of_value(loc)
    return RegistryIssue(filename, line, col, format_path(loc), message)


def _statement_issues(registry: Registry, positions: _Positions,
                      filename: str) -> list[RegistryIssue]:
    return [RegistryIssue(filename, *positions.of_value(loc), format_path(loc), message)
            for loc, message in statement_problems(registry)]


def _is_internal_loc(part: str | int) -> bool:
    # pydantic adds validator names such as 'function-after[...]' to some locations
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def _expected(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    # "Input should be ..." reads on after the path as "input should be ..."; "URL ..." stays.
    return message[0].lower() + message[1:] if message[1:2].islower() else message


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _suggestion(word: str, candidates: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _allowed_keys(loc: Loc) -> list[str]:
    """Field names of the model that sits at `loc` in the registry."""
    annotation: Any = Registry
    for part in loc:
        annotation = _step_into(annotation, part)
        if annotation is None:
            return []
    model = _unwrap_model(annotation)
    return list(model.model_fields) if model else []


def _step_into(annotation: Any, part: str | int) -> Any:
    model = _unwrap_model(annotation)
    if model is not None and isinstance(part, str):
        field = model.model_fields.get(part)
        return field.annotation if field else None
    for arg in _type_args(annotation):
        origin = typing.get_origin(arg)
        if origin is list and isinstance(part, int):
            return typing.get_args(arg)[0]
        if origin is dict and isinstance(part, str):
            return typing.get_args(arg)[1]
    return None


def _type_args(annotation: Any) -> Iterator[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        yield from typing.get_args(annotation)
    else:
        yield annotation


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    for arg in _type_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _reference_issues(data: Any, positions: _Positions, filename: str) -> list[RegistryIssue]:
    """Cross-checks the schema cannot express: unique slugs and resolvable references.

    Works on the data as read, so it can run (and report) alongside schema errors.
    """
    issues: list[RegistryIssue] = []

    def mapping(value: Any) -> dict[Any, Any]:
        return value if isinstance(value, dict) else {}

    def items(value: Any) -> list[Any]:
        return value if isinstance(value, list) else []

    def check(loc: Loc, value: Any, known: dict[Any, Any], what: str) -> None:
        if isinstance(value, str) and value not in known:
            names = [str(k) for k in known]
            issues.append(RegistryIssue(
                filename, *positions.of_value(loc), format_path(loc),
                f"unknown {what} '{value}'" + _suggestion(value, names)
                + (f"; known: {', '.join(names)}" if names else ""),
            ))

    regelingen = mapping(data.get("regelingen"))
    contacts = mapping(data.get("contacts"))
    advisers = {k: v for k, v in contacts.items()
                if mapping(v).get("kind") == "vertrouwenspersoon"}
    portal = mapping(data.get("portal"))
    commissions = mapping(portal.get("commissions"))
    documents = mapping(portal.get("documents"))
    for s, step in enumerate(items(portal.get("intake"))):
        for i, ref in enumerate(items(mapping(step).get("regelingen"))):
            check(("portal", "intake", s, "regelingen", i), ref, regelingen, "regeling")

    for key, regeling in regelingen.items():
        base: Loc = ("regelingen", key)
        regeling = mapping(regeling)
        check((*base, "final_body", "commission"),
              mapping(regeling.get("final_body")).get("commission"), commissions, "commission")
        for i, ref in enumerate(items(regeling.get("documents"))):
            check((*base, "documents", i), ref, documents, "document")
        for i, ref in enumerate(items(regeling.get("vertrouwenspersonen"))):
            check((*base, "vertrouwenspersonen", i), ref, advisers, "vertrouwenspersoon")
        for i, ref in enumerate(items(regeling.get("shared_contacts"))):
            check((*base, "shared_contacts", i), ref, contacts, "contact")

    first_slug_line: dict[str, int] = {}
    for index, provider in enumerate(items(data.get("providers"))):
        base = ("providers", index)
        provider = mapping(provider)
        slug = provider.get("slug")
        if isinstance(slug, str):
            if slug in first_slug_line:
                issues.append(RegistryIssue(
                    filename, *positions.of_value((*base, "slug")), format_path((*base, "slug")),
                    f"duplicate slug '{slug}' (first used on line {first_slug_line[slug]})",
                ))
            else:
                first_slug_line[slug] = positions.of_value((*base, "slug"))[0]
        own = {ref: True for ref in items(provider.get("regelingen")) if isinstance(ref, str)}
        for i, ref in enumerate(items(provider.get("regelingen"))):
            check((*base, "regelingen", i), ref, regelingen, "regeling")
        if not all(ref in regelingen for ref in own):
            own = {}  # a mistyped regime is reported once, not again for each step using it
        for s, step in enumerate(items(provider.get("first_steps")) if own else []):
            for i, ref in enumerate(items(mapping(step).get("regelingen"))):
                check((*base, "first_steps", s, "regelingen", i), ref, own,
                      "regeling for this provider")
        for i, ref in enumerate(items(provider.get("vertrouwenspersonen"))):
            check((*base, "vertrouwenspersonen", i), ref, advisers, "vertrouwenspersoon")
        for i, ref in enumerate(items(provider.get("shared_contacts"))):
            check((*base, "shared_contacts", i), ref, contacts, "contact")
    return issues

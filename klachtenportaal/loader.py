"""Load `providers.yaml` into a validated `Registry`, or report every mistake at once.

Each mistake carries file, line and column, the key path (`providers[3].contacts[0].email`),
what was expected and, for a mistyped key or reference, the nearest valid name.
"""

from __future__ import annotations

import contextlib
import difflib
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
import yaml_rs
from pydantic import BaseModel, ValidationError

from klachtenportaal.registry import Registry

Loc = tuple[str | int, ...]

# Positions come from PyYAML's composer (C when libyaml is present), only when reporting.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALARS = yaml.constructor.SafeConstructor()


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


@dataclass
class _Positions:
    """Where each value (and each mapping key) starts in the YAML file, 1-based."""

    values: dict[Loc, tuple[int, int]]
    keys: dict[Loc, tuple[int, int]]

    def of_value(self, loc: Loc) -> tuple[int, int]:
        while loc not in self.values and loc:
            loc = loc[:-1]
        return self.values.get(loc, (1, 1))

    def of_key(self, loc: Loc) -> tuple[int, int]:
        return self.keys.get(loc) or self.of_value(loc)


def format_path(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_registry(path: Path) -> Registry:
    """Read, validate and cross-check the registry at `path`."""
    return parse_registry(path.read_text(encoding="utf-8"), display_name(path))


def display_name(path: Path) -> str:
    """How reports name the registry file: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class YamlError(Exception):
    """Text that is not YAML, or holds a duplicate key; `parse_registry` says where."""


def load_yaml(text: str) -> Any:
    """Plain, fast loading (YAML 1.2, so `yes` and `no` stay text), refusing duplicate keys:
    YAML would silently keep the last one. Dates stay text; the registry has none."""
    try:
        return yaml_rs.loads(text, parse_datetime=False)
    except yaml_rs.YAMLDecodeError as exc:
        raise YamlError(str(exc)) from exc


def parse_registry(text: str, filename: str) -> Registry:
    """The validated registry; on any mistake, a RegistryError listing every mistake.

    Valid registries take the fast road (plain YAML loading). Only when something is wrong
    is the file read again keeping every position, to say where each mistake is.
    """
    try:
        data = load_yaml(text)
    except YamlError:
        data = None
    if isinstance(data, dict):
        try:
            registry = Registry.model_validate(data)
        except ValidationError:
            pass
        else:
            if not has_reference_issues(data):
                return registry
    return _diagnose(text, filename)


def _diagnose(text: str, filename: str) -> Registry:
    data, positions, issues = _parse_yaml(text, filename)
    if data is None:
        raise RegistryError(issues)
    # Positions and duplicate keys come from PyYAML; the values from the fast road's YAML 1.2
    # reading (PyYAML reads YAML 1.1, where `yes` is true), so a report never holds a
    # mistake the fast road would not see. The first of duplicate keys counts in both.
    with contextlib.suppress(yaml_rs.YAMLDecodeError):
        values = yaml_rs.loads(text, parse_datetime=False,
                               duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.FirstWins)
        data = values if isinstance(values, dict) else data
    issues += _schema_issues(data, positions, filename)
    issues += _reference_issues(data, positions, filename)
    if issues:
        raise RegistryError(issues)
    return Registry.model_validate(data)


def _parse_yaml(
    text: str, filename: str
) -> tuple[dict[str, Any] | None, _Positions, list[RegistryIssue]]:
    positions = _Positions({}, {})
    try:
        root = yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = f"{exc.problem}" + (f" ({exc.context})" if exc.context else "")
        return None, positions, [RegistryIssue(filename, line, col, "", f"invalid YAML: {problem}")]
    if not isinstance(root, yaml.MappingNode):
        return None, positions, [
            RegistryIssue(filename, 1, 1, "", "expected a mapping with portal, regelingen, "
                          "contacts and providers")
        ]
    issues: list[RegistryIssue] = []
    data = _construct(root, (), positions, issues, filename)
    return data, positions, issues


def _construct(
    node: yaml.Node, loc: Loc, positions: _Positions, issues: list[RegistryIssue], filename: str
) -> Any:
    positions.values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _SCALARS.construct_object(key_node)
            here = (*loc, key)
            key_pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                first = positions.keys[here]
                issues.append(RegistryIssue(
                    filename, *key_pos, format_path(here),
                    f"duplicate key '{key}' (first given on line {first[0]})",
                ))
                continue
            positions.keys[here] = key_pos
            result[key] = _construct(value_node, here, positions, issues, filename)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, (*loc, index), positions, issues, filename)
            for index, item in enumerate(node.value)
        ]
    return _SCALARS.construct_object(node)


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
        message = f"unknown key '{key}'" + _suggestion(key, _allowed_keys(loc[:-1]))
        line, col = positions.of_key(loc)
    elif kind == "missing":
        message = f"missing required key '{loc[-1]}'"
        line, col = positions.of_value(loc[:-1])
    else:
        message = f"{_expected(error)} (got {_show(error.get('input'))})"
        line, col = positions.of_value(loc)
    return RegistryIssue(filename, line, col, format_path(loc), message)


def _is_internal_loc(part: str | int) -> bool:
    # pydantic adds validator names such as 'function-after[...]' to some locations
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def _expected(error: Any) -> str:
    message = str(error["msg"])
    message = message.removeprefix("Value error, ")
    return message[0].lower() + message[1:]


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


def has_reference_issues(data: dict[str, Any]) -> bool:
    """Whether the raw registry data holds a duplicate slug or a reference that does not
    resolve (without positions: for callers that fall back to `load_registry` to report)."""
    return bool(_reference_issues(data, _Positions({}, {}), ""))


def _reference_issues(data: Any, positions: _Positions, filename: str) -> list[RegistryIssue]:
    """Cross-checks the schema cannot express: unique slugs and resolvable references.

    Works on the raw data so it can run (and report) alongside schema errors.
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
    commissions = mapping(mapping(data.get("portal")).get("commissions"))

    for key, regeling in regelingen.items():
        base: Loc = ("regelingen", key)
        regeling = mapping(regeling)
        check((*base, "commission"), regeling.get("commission"), commissions, "commission")
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

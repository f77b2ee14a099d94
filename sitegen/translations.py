"""The message catalogues seen from the source: what must be translated, and whether it is.

`make translations` extracts every text to translate (Babel, with `babel.cfg`) into the
catalogues and compiles them. `catalogue_problems` checks that each catalogue has every
text, named by file and line when it has not (the tests and the backend's deploy run it);
the site's build checks that the compiled catalogues are current, and fails on a text
without its translation as it renders it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pydantic import BaseModel

from klachtenportaal.i18n import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    Language,
    RegistryText,
    catalogue_path,
)
from sitegen.loader import RegistryLoader, value_positions
from sitegen.paths import in_language
from sitegen.statements import Loc

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "babel.cfg"


def extract_registry(fileobj: IO[bytes], keywords: Mapping[str, Any],
                     comment_tags: Collection[str],
                     options: Mapping[str, Any]) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor for `providers.yaml`: the texts for readers (`RegistryText`) that a
    page in another language shows: all but those of providers with Dutch pages only."""
    text = fileobj.read().decode("utf-8")
    registry = RegistryLoader().parse(text, getattr(fileobj, "name", "providers.yaml"))
    positions = value_positions(text)
    translated: list[tuple[Loc, object]] = [
        (("portal",), registry.portal), (("regelingen",), registry.regelingen),
        (("contacts",), registry.contacts)]
    translated += [(("providers", index), provider)
                   for index, provider in enumerate(registry.providers)
                   if provider.in_other_languages]
    for loc, value in translated:
        for text_loc, text_value in _texts(loc, value):
            yield positions.of_value(text_loc)[0], "gettext", text_value, []


def _texts(loc: Loc, value: object) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, RegistryText):
        yield loc, str(value)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts((*loc, name), getattr(value, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts((*loc, index), item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts((*loc, key), item)


def page_digest(source: Path) -> str:
    """What a translated hand-written page names as the version of its Dutch page it
    translates (`translated_from` in its front matter)."""
    return hashlib.sha256(source.read_bytes()).hexdigest()[:12]


def outdated_translation(page: str, docs_dir: Path, translated_from: object) -> str | None:
    """Why the hand-written page `page` (en/…, in `docs_dir`) no longer translates its Dutch
    page, if it does not: the Dutch changed since (its digest is not `translated_from`).
    Like a changed text in the catalogue, a changed page has no translation until one is
    made."""
    source = in_language(page, SOURCE_LANGUAGE)
    digest = page_digest(docs_dir / source)
    if translated_from == digest:
        return None
    return (f"docs/{page}: translates docs/{source} as it was before its last change "
            f"(translated_from: {translated_from}); bring it in step, then set "
            f"translated_from: {digest}")


def source_texts() -> dict[str, str]:
    """Every text to translate, with the place (file:line) it is first found."""
    with MAPPING.open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, str(MAPPING))  # type: ignore[no-untyped-call]
    found: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, f"{filename}:{line}")
    return found


def _other_languages() -> list[Language]:
    return [language for language in LANGUAGES if language != SOURCE_LANGUAGE]


def _catalogue(language: Language) -> Catalog:
    with catalogue_path(language).open("rb") as po_file:
        return read_po(po_file, locale=language)


def _stale(language: Language, catalogue: Catalog) -> list[str]:
    """A problem when the compiled catalogue (`.mo`, which the pages and e-mails read) is
    not what its source (`.po`) compiles to."""
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    mo_path = catalogue_path(language).with_suffix(".mo")
    if compiled.getvalue() == mo_path.read_bytes():
        return []
    return [f"{mo_path.relative_to(ROOT)}: older than {mo_path.stem}.po: run "
            "`make translations`"]


def compiled_problems() -> list[str]:
    """Compiled catalogues older than their source: what the site's build checks (every
    text it shows is translated as it renders, and a text without its translation stops it)."""
    return [problem for language in _other_languages()
            for problem in _stale(language, _catalogue(language))]


def catalogue_problems() -> list[str]:
    """What keeps a catalogue from giving every text to translate in its language: a text
    without a translation, named by file and line, or a compiled catalogue older than its
    source. Reaches the texts only the backend shows (its pages and e-mails) too: the tests
    and the deploy run it."""
    texts = source_texts()
    problems = []
    for language in _other_languages():
        catalogue = _catalogue(language)
        problems += _stale(language, catalogue)
        po_path = catalogue_path(language).relative_to(ROOT)
        for msgid, place in texts.items():
            message = catalogue.get(msgid)
            if message is None or not message.string or message.fuzzy:
                problems.append(f"{place}: no {language} translation of {msgid!r} in "
                                f"{po_path}: run `make translations`, then fill in its msgstr")
    return problems

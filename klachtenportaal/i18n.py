"""The languages of the pages and e-mails, and their message catalogues (gettext).

Dutch is the source language: the templates and the registry are written in Dutch, and the
English catalogue (`locale/en/LC_MESSAGES/messages.po`, compiled to `messages.mo` by
`make translations`) holds the English of every Dutch text. A text without English raises
`MissingTranslationError` when an English page or e-mail is made, so a missing translation
fails the build instead of showing Dutch on an English page.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal, TypeVar

from pydantic import BaseModel

Language = Literal["nl", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("nl", "en")
SOURCE_LANGUAGE: Final[Language] = "nl"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

T = TypeVar("T")


def N_(message: str) -> str:
    """Marks a Dutch text for the catalogue where it is defined; translated where shown."""
    return message


class MissingTranslationError(LookupError):
    """A Dutch text has no translation in the catalogue of the language asked for."""

    def __init__(self, language: str, message: str) -> None:
        super().__init__(
            f"no {language} translation of {message!r} in {catalogue_path(language)}: "
            "run `make translations` and fill in its msgstr")


class RegistryText(str):
    """A text of the registry written for readers (not a name, address or source): shown in
    the reader's language, from the catalogue."""

    __slots__ = ()


class _Strict(gettext.NullTranslations):
    """The catalogue's fallback: raises for a text the catalogue lacks."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def gettext(self, message: str) -> str:
        raise MissingTranslationError(self.language, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise MissingTranslationError(self.language, msgid1)


def language_dir(language: Language) -> str:
    """Where a language's pages are on the site: Dutch at the root, English under en/."""
    return "" if language == SOURCE_LANGUAGE else f"{language}/"


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: Language) -> gettext.NullTranslations:
    """The texts in `language`: Dutch as written; another language from its catalogue."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    catalogue = gettext.translation(DOMAIN, LOCALE_DIR, [language])
    catalogue.add_fallback(_Strict(language))
    return catalogue


# The language of the reader being answered: the backend sets it per request.
current_language: ContextVar[Language] = ContextVar("current_language", default=SOURCE_LANGUAGE)


def _(message: str) -> str:
    """`message` (Dutch) in the current reader's language."""
    return translations(current_language.get()).gettext(message)


def translated(value: T, language: Language) -> T:
    """`value` (a registry model, or a list or dict of them) with every `RegistryText` in it
    in `language`."""
    if language == SOURCE_LANGUAGE:
        return value
    return _translated(value, translations(language).gettext)


def _translated(value: T, gettext: Callable[[str], str]) -> T:
    if isinstance(value, RegistryText):
        # A plain str: translated once, never looked up again as Dutch
        return gettext(value)  # type: ignore[return-value]
    if isinstance(value, BaseModel):
        return value.model_copy(update={name: _translated(getattr(value, name), gettext)
                                        for name in type(value).model_fields})
    if isinstance(value, list):
        return [_translated(item, gettext) for item in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {key: _translated(item, gettext)  # type: ignore[return-value]
                for key, item in value.items()}
    return value

"""How facts are shown (Jinja2 filters), and the one Jinja2 set-up for pages and e-mails."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import jinja2
import phonenumbers
from pydantic import HttpUrl

from klachtenportaal import UPLOAD_PATH
from klachtenportaal.attachments import attachment_limits
from klachtenportaal.i18n import N_, SOURCE_LANGUAGE, Language, translations


@lru_cache(maxsize=1 << 16)
def parse_phone(number: str) -> phonenumbers.PhoneNumber:
    """A registry number, parsed once for the two ways every page that lists it shows it
    (never a number a person typed: the cache would keep it). Callers must not change it."""
    return phonenumbers.parse(number, "NL")


def format_phone(number: str) -> str:
    """A Dutch number in national notation ('0228 322 205'); a foreign one keeps its country
    code ('+32 470 12 34 56'), since it cannot be dialled without it from the Netherlands."""
    parsed = parse_phone(number)
    notation = (phonenumbers.PhoneNumberFormat.NATIONAL if parsed.country_code == 31
                else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(parsed, notation)


def tel_href(number: str) -> str:
    """A `tel:` link target in international notation, e.g. 'tel:+31228322205'."""
    parsed = parse_phone(number)
    return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_url(url: HttpUrl | str) -> str:
    """A URL as people read it: without scheme and trailing slash."""
    text = str(url)
    for prefix in ("https://", "http://"):
        text = text.removeprefix(prefix)
    return text.rstrip("/")


_MONTHS = (N_("januari"), N_("februari"), N_("maart"), N_("april"), N_("mei"), N_("juni"),
           N_("juli"), N_("augustus"), N_("september"), N_("oktober"), N_("november"),
           N_("december"))
_DAYS = (N_("maandag"), N_("dinsdag"), N_("woensdag"), N_("donderdag"), N_("vrijdag"),
         N_("zaterdag"), N_("zondag"))


def format_date(day: date, language: Language = SOURCE_LANGUAGE) -> str:
    """A date as readers expect it, e.g. 'maandag 30 november 2026', 'Monday 30 November
    2026'."""
    name = translations(language).gettext
    return f"{name(_DAYS[day.weekday()])} {day.day} {name(_MONTHS[day.month - 1])} {day.year}"


def format_day_of(moment: datetime, language: Language = SOURCE_LANGUAGE) -> str:
    """The date of a moment, as the clock in the Netherlands showed it."""
    return format_date(moment.astimezone(ZoneInfo("Europe/Amsterdam")).date(), language)


def format_days_left(days: int) -> str:
    """How long until a deadline, in working days: 'nog 2 werkdagen', 'vandaag', 'te laat'."""
    if days < 0:
        return "te laat"
    if days == 0:
        return "vandaag"
    return f"nog {days} werkdag{'en' if days > 1 else ''}"


def template_environment(package: str,
                         language: Language = SOURCE_LANGUAGE) -> jinja2.Environment:
    """Templates of `package` (its `templates/` folder) and of this one (the complaint form),
    in `language`, strict about missing values and translations, with the filters above.

    Text to translate is marked as Jinja2's i18n extension has it (`{% trans %}`, `_()`),
    whitespace trimmed, so a text may be wrapped over lines in a template.

    HTML is escaped: templates ending in `.html` and templates made from strings (Markdown
    pages); subjects and text parts of e-mails (`.txt`) are plain text. Templates are read
    once, without a check for changes before each of the thousands of renders in a build.
    """
    loader = jinja2.ChoiceLoader([jinja2.PackageLoader(package),
                                  jinja2.PackageLoader("klachtenportaal")])
    env = jinja2.Environment(
        loader=loader, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                            default_for_string=True),
        auto_reload=False, extensions=["jinja2.ext.i18n"])
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(format_phone=format_phone, tel_href=tel_href, display_url=display_url,
                       format_date=lambda day: format_date(day, language),
                       format_day_of=lambda moment: format_day_of(moment, language))
    env.globals.update(language=language)
    # What the pages tell about attachments is what the backend holds them to.
    env.globals.update(attachment_limits=attachment_limits(), upload_url=UPLOAD_PATH)
    return env


class TemplateEnvironments(dict[Language, jinja2.Environment]):
    """`template_environment(package, language)` for each language, made when first asked
    for: a reader in Dutch never loads another catalogue."""

    def __init__(self, package: str) -> None:
        super().__init__()
        self.package = package

    def __missing__(self, language: Language) -> jinja2.Environment:
        self[language] = env = template_environment(self.package, language)
        return env

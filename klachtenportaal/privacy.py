"""What the privacy page promises about personal data, kept in one place so the promise and
the product cannot drift apart: how long a closed complaint is kept, how far back the
backups go, how long the access log is kept, and which staff roles may open a dossier.

The backend's settings take their default from here, the site's Markdown pages get these
values worded by `privacy_page()` (sitegen's plugin), and tests hold the infrastructure
(infra/template.yaml) and the staff roles (complaint_form.staff_service) to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from klachtenportaal.i18n import N_, SOURCE_LANGUAGE, Language, translations

# Days a closed complaint is kept before the nightly retention job deletes it (the backend's
# RETENTION_DAYS; infra/template.yaml's RetentionDays has the same default).
RETENTION_DAYS: Final = 730
# Days DynamoDB's point-in-time recovery goes back: AWS's default window, kept because the
# template sets no RecoveryPeriodInDays. A deleted complaint is out of the backups after it.
BACKUP_DAYS: Final = 35
# Years the access log (NEN 7513) is kept at least: its table has no TTL and no role in the
# stack may delete an entry, so nothing removes one sooner.
ACCESS_LOG_YEARS: Final = 5
# The staff groups (Cognito, sign-in with MFA) that may open a dossier, and how the page
# names their members.
DOSSIER_READERS: Final = ("klachtenfunctionaris", "beheerder")
ROLE_PLURALS: Final = {"klachtenfunctionaris": N_("klachtenfunctionarissen"),
                       "beheerder": N_("beheerders")}

# Small numbers in words ("twee jaar"), larger ones in digits ("35 dagen").
_NUMBER_WORDS: Final = (N_("één"), N_("twee"), N_("drie"), N_("vier"), N_("vijf"), N_("zes"),
                        N_("zeven"), N_("acht"), N_("negen"), N_("tien"), N_("elf"),
                        N_("twaalf"))
_DAYS_IN_YEAR: Final = 365


def format_number(number: int, language: Language = SOURCE_LANGUAGE) -> str:
    """A count as text reads it: 1 to 12 in words ('twee'), the rest in digits."""
    if 1 <= number <= len(_NUMBER_WORDS):
        return translations(language).gettext(_NUMBER_WORDS[number - 1])
    return str(number)


def format_years(years: int, language: Language = SOURCE_LANGUAGE) -> str:
    """A number of years: 'één jaar', 'vijf jaar' ('jaar' stays singular), 'five years'."""
    if years < 1:
        raise ValueError(f"a period of years must be positive, not {years}")
    return (translations(language).ngettext("%(count)s jaar", "%(count)s jaar", years)
            % {"count": format_number(years, language)})


def format_days(days: int, language: Language = SOURCE_LANGUAGE) -> str:
    """A period given in days, as a reader thinks of it: whole years of 365 days as years
    (730 -> 'twee jaar'), anything else in days ('35 dagen', 'één dag'). Never rounded: a
    period the page states must be the one the code applies."""
    if days < 1:
        raise ValueError(f"a period of days must be positive, not {days}")
    if days % _DAYS_IN_YEAR == 0:
        return format_years(days // _DAYS_IN_YEAR, language)
    return (translations(language).ngettext("%(count)s dag", "%(count)s dagen", days)
            % {"count": format_number(days, language)})


def format_list(items: Sequence[str], language: Language = SOURCE_LANGUAGE) -> str:
    """Items as an enumeration: 'a', 'a en b', 'a, b en c'."""
    if not items:
        raise ValueError("nothing to enumerate")
    last = translations(language).gettext("%(items)s en %(last)s")
    return items[0] if len(items) == 1 else last % {"items": ", ".join(items[:-1]),
                                                    "last": items[-1]}


@dataclass(frozen=True)
class PrivacyPage:
    """The values above as the privacy page (docs/privacy.md) states them: ready text, so
    the page's template only places them."""

    retention: str
    backups: str
    access_log: str
    dossier_readers: str


def privacy_page(language: Language = SOURCE_LANGUAGE) -> PrivacyPage:
    role = translations(language).gettext
    return PrivacyPage(
        retention=format_days(RETENTION_DAYS, language),
        backups=format_days(BACKUP_DAYS, language),
        access_log=format_years(ACCESS_LOG_YEARS, language),
        dossier_readers=format_list([role(ROLE_PLURALS[key]) for key in DOSSIER_READERS],
                                    language))

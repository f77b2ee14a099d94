"""Field rules that the registry and the complaint form share: keys, phone numbers, addresses.

The validators import their libraries on first use: the form backend's cold start then loads
neither phonenumbers' metadata nor email-validator's grammar before a form needs them.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
"""A slug or registry key: lowercase letters and digits, joined by single hyphens."""


# What people write in a phone number besides digits (spaces and dashes of any kind included);
# phonenumbers would silently drop anything else.
_PHONE_CHARACTERS = re.compile(r"[0-9\s+()./\-\u2010-\u2015]+")
_POSTCODE = re.compile(r"([1-9][0-9]{3})([A-Z]{2})")


def _valid_phone(value: str) -> str:
    import phonenumbers

    if not _PHONE_CHARACTERS.fullmatch(value):
        raise ValueError("not a phone number: only digits, spaces and + - ( ) . / may appear, "
                         "e.g. '0228-322205' or '+32 470 12 34 56'")
    try:
        parsed = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number ({exc})") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a valid phone number, expected e.g. '0228-322205'")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _valid_email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    # SES delivers only to addresses whose part before the @ is ASCII; a domain with other
    # letters (bücher.nl) is kept in the ASCII form mail servers use (xn--bcher-kva.nl).
    if not value.partition("@")[0].isascii():
        raise PydanticCustomError(
            "email_not_ascii", "not a deliverable email address: only ASCII before the @-sign")
    try:
        found = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid email address: {exc}") from exc
    return found.ascii_email or found.normalized


def _normal_postcode(value: object) -> object:
    """'1601bj', '1601 BJ' and ' 1601  bj ' are one postcode, written '1601 BJ'."""
    if not isinstance(value, str):
        return value
    found = _POSTCODE.fullmatch(re.sub(r"\s+", "", value).upper())
    if found is None:
        raise ValueError("not a Dutch postcode: four digits (not starting with 0) and two "
                         "letters, e.g. '1601 BJ'")
    return f"{found[1]} {found[2]}"


PhoneNumber = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40),
                        AfterValidator(_valid_phone)]
"""A Dutch or international phone number, kept in international notation (+31...)."""

EmailAddress = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254),
                         AfterValidator(_valid_email),
                         WithJsonSchema({"type": "string", "format": "email", "maxLength": 254})]
"""One plain e-mail address (no display name), its domain normalised."""

Postcode = Annotated[str, BeforeValidator(_normal_postcode),
                     WithJsonSchema({"type": "string", "examples": ["1601 BJ"],
                                     "pattern": r"^\s*[1-9][0-9]{3}\s*[A-Za-z]{2}\s*$"})]
"""A Dutch postcode in any case or spacing, kept as '1234 AB'."""

"""Field rules that the registry and the complaint form share: keys, phone numbers, addresses.

The validators import their libraries on first use: the form backend's cold start then loads
neither phonenumbers' metadata nor email-validator's grammar before a form needs them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints, WithJsonSchema

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
"""A slug or registry key: lowercase letters and digits, joined by single hyphens."""


def _valid_phone(value: str) -> str:
    import phonenumbers

    try:
        parsed = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number ({exc})") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a valid phone number, expected e.g. '0228-322205'")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _valid_email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid email address: {exc}") from exc


PhoneNumber = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40),
                        AfterValidator(_valid_phone)]
"""A Dutch or international phone number, kept in international notation (+31...)."""

EmailAddress = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254),
                         AfterValidator(_valid_email),
                         WithJsonSchema({"type": "string", "format": "email", "maxLength": 254})]
"""One plain e-mail address (no display name), its domain normalised."""

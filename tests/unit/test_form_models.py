from __future__ import annotations

from typing import Any

import pytest
from complaint_form import messages
from complaint_form.models import ComplaintRequest
from complaint_form.references import ALPHABET, is_reference, new_reference
from freezegun import freeze_time
from pydantic import ValidationError

from tests.backend import complaint_body


def form_values(**changes: Any) -> dict[str, list[str]]:
    """A body as powertools hands over a form post: every value a list of strings."""
    body = complaint_body(**changes)
    return {key: [("ja" if value is True else str(value))] for key, value in body.items()
            if value is not False}


def test_complaint_request_accepts_a_form_post_shape() -> None:
    # GIVEN the form as posted without script: lists of strings, empty optional fields
    data = form_values(submission_id="", phone="", occurred_on="02-11-2026", send_copy=True)
    # WHEN validated
    request = ComplaintRequest.model_validate(data)
    # THEN values are typed, empty fields are absent, dates may be Dutch-style
    assert request.consent is True and request.send_copy is True
    assert request.discussed_with_provider is True and request.wants_officer_support is False
    assert request.phone is None
    assert request.occurred_on is not None and request.occurred_on.isoformat() == "2026-11-02"


def test_complaint_request_derives_a_stable_submission_id_from_content() -> None:
    first = ComplaintRequest.model_validate(complaint_body(submission_id=None))
    again = ComplaintRequest.model_validate(complaint_body(submission_id=None))
    other = ComplaintRequest.model_validate(complaint_body(submission_id=None, name="Tim"))
    assert first.submission_id == again.submission_id != other.submission_id


def test_complaint_request_normalises_phone_to_international_form() -> None:
    assert ComplaintRequest.model_validate(complaint_body()).phone == "+31612345678"


@pytest.mark.parametrize("name", ["Sanne\nBcc: x@example.nl", "Sanne\u202eevil", "Sanne\x00",
                                  "Sanne\u2066x"])
def test_complaint_request_rejects_control_and_bidi_characters(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ComplaintRequest.model_validate(complaint_body(name=name))
    assert messages.field_messages(caught.value.errors()) == {"name": messages.invalid("name")}


def test_complaint_request_keeps_line_breaks_and_emoji_in_free_text() -> None:
    request = ComplaintRequest.model_validate(complaint_body(description="Regel 1\r\nRegel 2 🙂"))
    assert request.description == "Regel 1\nRegel 2 🙂"


def test_complaint_request_requires_client_and_relation_for_representatives() -> None:
    request = ComplaintRequest.model_validate(complaint_body(role="vertegenwoordiger"))
    assert request.consistency_errors() == {"client_name": "missing", "relation": "missing"}


def test_field_messages_orders_fields_as_on_the_form() -> None:
    errors = [{"loc": ("body", "consent"), "type": "missing"},
              {"loc": ("body", "name"), "type": "missing"},
              {"loc": ("body", "description"), "type": "string_too_long",
               "ctx": {"max_length": 5000}}]
    assert list(messages.field_messages(errors)) == ["name", "description", "consent"]
    assert "5000" in messages.field_messages(errors)["description"]


def test_every_form_field_has_a_dutch_message() -> None:
    fields = set(ComplaintRequest.model_fields) - {"website", "form_started_at"}
    assert fields <= set(messages.FIELDS)


def test_new_reference_is_readable_and_unique() -> None:
    references = {new_reference() for _ in range(5000)}
    assert len(references) == 5000
    for reference in list(references)[:50]:
        assert is_reference(reference)
        assert not set(reference.removeprefix("KPZ-")) & set("01OIL")
    assert not set("01OILUV") & set(ALPHABET)


@pytest.mark.parametrize("address", ["anna@@example.nl", "anna", "anna@example", "a b@example.nl",
                                     "Anna <anna@example.nl>"])
def test_complaint_request_refuses_addresses_that_are_not_one_address(address: str) -> None:
    # GIVEN a form with something other than a plain e-mail address
    # WHEN validated
    with pytest.raises(ValidationError) as error:
        ComplaintRequest.model_validate(complaint_body(email=address))
    # THEN the e-mail field carries the Dutch message
    found = messages.field_messages(error.value.errors())
    assert found == {"email": messages.invalid("email")}


def test_complaint_request_normalises_the_address_domain() -> None:
    request = ComplaintRequest.model_validate(complaint_body(email=" Anna@Example.NL "))
    assert request.email == "Anna@example.nl"


def test_settings_refuse_an_address_without_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a deploy that set a sender without a domain
    from complaint_form.settings import Settings

    monkeypatch.setenv("SENDER_EMAIL", "noreply")
    # WHEN the settings are read, THEN they stop with the setting named
    with pytest.raises(ValidationError, match="sender_email"):
        Settings()


@pytest.mark.parametrize(("utc_now", "occurred_on", "accepted"), [
    ("2026-12-02 23:30", "2026-12-03", True),   # 00:30 on the 3rd in Amsterdam (CET)
    ("2026-12-02 23:30", "2026-12-04", False),
    ("2026-06-30 22:30", "2026-07-01", True),   # 00:30 on 1 July in Amsterdam (CEST)
])
def test_complaint_request_counts_today_as_amsterdam_does(utc_now: str, occurred_on: str,
                                                          accepted: bool) -> None:
    # GIVEN the machine's clock in UTC, just after midnight in Amsterdam
    with freeze_time(utc_now):
        # WHEN a complainant gives today's Dutch date THEN it is not "in the future"
        if accepted:
            assert str(ComplaintRequest.model_validate(
                complaint_body(occurred_on=occurred_on)).occurred_on) == occurred_on
        else:
            with pytest.raises(ValidationError):
                ComplaintRequest.model_validate(complaint_body(occurred_on=occurred_on))


@pytest.mark.parametrize(("first", "again", "repeat"), [
    ("2026-12-02 12:00:00", "2026-12-02 12:05:00", True),   # a reload minutes later
    ("2026-12-02 12:00:00", "2026-12-02 14:00:00", False),  # the same words, hours later
])
def test_complaint_request_without_script_counts_the_same_content_as_a_repeat_only_briefly(
        first: str, again: str, repeat: bool) -> None:
    # GIVEN the same content sent twice without script (no submission id)
    with freeze_time(first):
        one = ComplaintRequest.model_validate(complaint_body(submission_id=None))
    with freeze_time(again):
        two = ComplaintRequest.model_validate(complaint_body(submission_id=None))
    # THEN it is one submission within minutes, and two after that
    assert (one.submission_id == two.submission_id) == repeat

"""Properties of the request model, checked on generated input (hypothesis)."""

from __future__ import annotations

import unicodedata
from typing import Any

from complaint_form import messages
from complaint_form.models import ComplaintRequest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.backend import complaint_body

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=20,
)
FIELDS = sorted(set(ComplaintRequest.model_fields) - {"website"})
printable = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp"),
                                  blacklist_characters="\u202a\u202b\u202c\u202d\u202e"
                                                       "\u2066\u2067\u2068\u2069<>"),
                    min_size=1, max_size=200).filter(lambda text: text.strip() != "")


def is_own_message(field: str, text: str) -> bool:
    """Whether `text` is one of the messages written for `field` on the form."""
    own = {messages.missing(field), messages.invalid(field)}
    if field == "email":
        own.add(messages.EMAIL_NOT_ASCII)
    return text in own or text.startswith(
        f"{messages.label(field)}: gebruik hoogstens ")


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), json_values,
                       max_size=12))
def test_complaint_request_only_ever_fails_with_dutch_field_messages(data: dict[str, Any]) -> None:
    # GIVEN any JSON object WHEN validated
    try:
        ComplaintRequest.model_validate(data)
    except ValidationError as error:
        found = messages.field_messages(error.errors())
        # THEN every failing field of the form gets its own message; a field the form does
        # not have, or a hidden one, gets one message for the whole form, without its name
        assert found
        for field, text in found.items():
            if field in messages.FIELDS:
                assert is_own_message(field, text), (field, text)
            else:
                assert field == "form", field
                assert text in {messages.GENERAL, messages.UNKNOWN_FIELD}, text


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(["name", "relation", "client_name", "description",
                              "desired_outcome"]), value=printable)
def test_complaint_request_keeps_plain_text_as_given(field: str, value: str) -> None:
    request = ComplaintRequest.model_validate(complaint_body(**{field: value}))
    assert getattr(request, field) == value.strip()


@settings(max_examples=200, deadline=None)
@given(prefix=printable, control=st.characters(
    whitelist_categories=("Cc", "Cf", "Zl", "Zp")).filter(lambda c: c not in "\n\t\r"),
    suffix=printable)
def test_complaint_request_rejects_control_characters_in_names(prefix: str, control: str,
                                                               suffix: str) -> None:
    # GIVEN a name with a control, invisible format or separator character in it
    assert unicodedata.category(control) in {"Cc", "Cf", "Zl", "Zp"}
    # WHEN validated THEN the name is refused
    try:
        ComplaintRequest.model_validate(complaint_body(name=prefix + control + suffix))
    except ValidationError as error:
        assert "name" in messages.field_messages(error.errors())
    else:
        raise AssertionError("a control character was accepted in a name")


@settings(max_examples=100, deadline=None)
@given(first=printable, second=printable)
def test_complaint_request_derives_equal_ids_exactly_for_equal_content(first: str,
                                                                      second: str) -> None:
    one = ComplaintRequest.model_validate(complaint_body(submission_id=None, name=first))
    two = ComplaintRequest.model_validate(complaint_body(submission_id=None, name=second))
    assert (one.submission_id == two.submission_id) == (first.strip() == second.strip())

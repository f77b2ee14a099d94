from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from complaint_form.mail_policy import POLICY
from complaint_form.ses import Email, build_message


def test_build_message_is_multipart_text_and_html_in_utf8() -> None:
    email = Email(to="sanne@example.nl", subject="Ontvangstbevestiging over Zorg & Co (kenmerk "
                  "KPZ-ABCD-EFGH) — één", text="Beste Sanne,\nJe kenmerk is KPZ-ABCD-EFGH.",
                  html="<p>Beste Sanne,</p>")
    raw = build_message(email, "noreply@example.nl").as_bytes()
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == ("Ontvangstbevestiging over Zorg & Co (kenmerk "
                                  "KPZ-ABCD-EFGH) — één")
    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/alternative", "text/plain", "text/html"]
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None and "KPZ-ABCD-EFGH" in str(plain.get_content())


def test_build_message_keeps_every_header_on_one_line() -> None:
    # GIVEN values that try to start new headers (header injection)
    email = Email(to="sanne@example.nl\r\nBcc: victim@example.nl",
                  subject="Klacht\r\nBcc: victim@example.nl", text="x", html="x",
                  reply_to="a@example.nl\nCc: victim@example.nl")
    raw = build_message(email, "noreply@example.nl").as_bytes()
    headers = raw.split(b"\n\n", 1)[0].decode()
    # THEN no new header appears: the text stays inside the header it came in
    names = [line.split(":", 1)[0] for line in headers.splitlines() if line[:1].strip()]
    assert "Bcc" not in names and "Cc" not in names


def test_build_message_boundary_cannot_occur_in_its_parts() -> None:
    # GIVEN text with a line that looks like the start of a boundary
    email = Email(to="sanne@example.nl", subject="Klacht", text="regel\n--=_\nnog een regel",
                  html="<p>--=_</p>")
    # WHEN the message is built
    message = build_message(email, "noreply@example.nl")
    raw = message.as_bytes()
    # THEN the boundary starts with "=_", which base64 never contains, and every part is
    # base64, so the text comes back whole in exactly two parts
    boundary = message.get_boundary()
    assert boundary is not None and boundary.startswith("=_")
    assert [part["Content-Transfer-Encoding"] for part in message.get_payload()] == [
        "base64", "base64"]
    parsed = message_from_bytes(raw, policy=policy.default)
    parts = [part for part in parsed.walk() if not part.is_multipart()]
    assert [part.get_content() for part in parts] == ["regel\n--=_\nnog een regel",
                                                      "<p>--=_</p>"]


@pytest.mark.parametrize("subject", [
    "Klacht KPZ-ABCD-EFGH",
    "Ontvangstbevestiging van je klacht over Zorg & Co; kenmerk: KPZ-ABCD-EFGH",
    "Ontvangstbevestiging van je klacht over een zorgaanbieder met een heel lange naam "
    "die niet op een regel past (kenmerk KPZ-ABCD-EFGH)",
    "Klacht over één zorgaanbieder",
])
def test_one_line_headers_write_what_compat32_writes(subject: str) -> None:
    # GIVEN a message with short and long, ASCII and non-ASCII headers
    email = Email(to="sanne@example.nl", subject=subject, text="Tekst", html="<p>Tekst</p>",
                  reply_to="info@example.nl")
    message = build_message(email, "noreply@example.nl")
    # WHEN it is written with our policy and with plain compat32
    ours, theirs = message.as_bytes(policy=POLICY), message.as_bytes(policy=policy.compat32)
    # THEN the bytes are the same: the short cut only skips work
    assert ours == theirs
    assert message.as_bytes() == ours


def test_one_line_headers_fold_a_header_too_long_for_one_line() -> None:
    # GIVEN a value longer than one header line
    value = "woord " * 20
    # WHEN our policy writes it
    folded = POLICY.fold_binary("Subject", value)
    # THEN it is folded onto a continuation line, exactly as compat32 folds it
    assert folded == policy.compat32.fold_binary("Subject", value)
    assert b"\n " in folded

from __future__ import annotations

from email import message_from_bytes, policy

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

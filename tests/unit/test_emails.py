"""The e-mails' text as rendered from a stored complaint (SES builds the MIME from it)."""

from __future__ import annotations

import pytest
from complaint_form.emails import EmailRenderer
from complaint_form.intake import new_complaint
from complaint_form.models import ComplaintRequest, StoredComplaint

from klachtenportaal.registry import Registry
from tests.backend import RECEIVED, complaint_body

# Not the portal's own address, so a test can tell which of the two an e-mail uses.
NOTIFY = "meldingen@klachtenportaalzorg.nl"
SITE = "https://klachten.example.nl/"
# What the visitor typed in tests.backend's complaint: never in the ontvangstbevestiging.
TYPED = ("Sanne", "de Vries", "kwam drie keer niet opdagen", "afspraken worden nagekomen")


@pytest.fixture
def renderer() -> EmailRenderer:
    return EmailRenderer(NOTIFY, SITE)


def stored(registry: Registry, **changes: object) -> StoredComplaint:
    request = ComplaintRequest.model_validate(complaint_body(**changes))
    provider = registry.provider(request.provider)
    assert provider is not None
    return new_complaint(request, provider, registry, reference="KPZ-ABCD-EFGH", now=RECEIVED,
                         copy_link_days=7)


def test_email_renderer_confirmation_states_reference_dates_and_contacts(
        renderer: EmailRenderer, registry: Registry) -> None:
    # GIVEN a complaint received on Monday 23 November 2026 about a Wkkgz provider
    email = renderer.confirmation(stored(registry))
    # THEN both parts state the reference, the computed dates and how to reach us
    assert email.to == "sanne@example.nl"
    assert email.subject == ("Ontvangstbevestiging van je klacht over Dragon Coaching "
                             "(kenmerk KPZ-ABCD-EFGH)")
    for part in (email.text, email.html):
        for fact in ("KPZ-ABCD-EFGH", "maandag 23 november 2026", "maandag 30 november 2026",
                     "binnen 5 werkdagen", "maandag 4 januari 2027", "0228 322 205",
                     "Nog meer tijd kan alleen als jij en Dragon Coaching het daar allebei mee"):
            assert fact in part, fact
    # AND no copy link when no copy was asked for
    assert "/kopie/" not in email.text + email.html


def test_email_renderer_confirmation_holds_nothing_the_visitor_typed(
        renderer: EmailRenderer, registry: Registry) -> None:
    # GIVEN a complaint with a copy asked for: its address is not confirmed yet
    complaint = stored(registry, send_copy=True, relation="Moeder", role="vertegenwoordiger",
                       client_name="Joris de Vries")
    email = renderer.confirmation(complaint)
    # THEN the e-mail holds none of what was typed, only the link that confirms the address
    for part in (email.subject, email.text, email.html):
        for typed in (*TYPED, "Moeder", "Joris"):
            assert typed not in part, typed
    assert complaint.copy_link is not None
    link = f"{SITE}api/klachten/KPZ-ABCD-EFGH/kopie/{complaint.copy_link.secret}"
    assert link in email.text and f'href="{link}"' in email.html
    assert "tot en met maandag 30 november 2026" in email.text


def test_email_renderer_copy_holds_what_was_typed(
        renderer: EmailRenderer, registry: Registry) -> None:
    # GIVEN a complaint whose address was confirmed WHEN its copy is rendered
    complaint = stored(registry, send_copy=True)
    email = renderer.copy(complaint)
    # THEN it holds what was typed, and a reply reaches the complaints body
    for typed in TYPED:
        assert typed in email.text and typed in email.html, typed
    assert email.to == "sanne@example.nl"
    assert email.reply_to == complaint.portal["email"] == "info@klachtenportaalzorg.nl"
    assert email.subject == "Kopie van je klacht over Dragon Coaching (kenmerk KPZ-ABCD-EFGH)"


def test_email_renderer_escapes_html_but_not_the_text_part(
        renderer: EmailRenderer, registry: Registry) -> None:
    # GIVEN a complaint text with characters that mean something in HTML
    # WHEN its copy is rendered THEN the HTML part escapes them and the text part keeps them
    email = renderer.copy(stored(registry, send_copy=True,
                                 description="Temperatuur < 38 & stijgend"))
    assert "Temperatuur < 38 & stijgend" in email.text
    assert "Temperatuur &lt; 38 &amp; stijgend" in email.html


def test_email_renderer_notification_holds_no_personal_data(
        renderer: EmailRenderer, registry: Registry) -> None:
    # GIVEN a complaint WHEN the complaints body is told of it THEN the e-mail names the
    # reference, and nothing of the person or of what they wrote
    email = renderer.notification(stored(registry, phone="06 23987654"))
    assert email.to == NOTIFY
    assert "KPZ-ABCD-EFGH" in email.subject
    for personal in ("Sanne", "sanne@example.nl", "23987654", "opdagen", "nagekomen"):
        assert personal not in email.subject + email.text + email.html, personal
    # AND it names the way of contact in words
    assert "(per e-mail)" in email.text and "(per e-mail)" in email.html
    # AND it links to the dossier in the behandelomgeving
    dossier = f"{SITE}behandelomgeving/#KPZ-ABCD-EFGH"
    assert dossier in email.text and f'href="{dossier}"' in email.html


def test_email_renderer_writes_every_subject_on_one_line(
        renderer: EmailRenderer, registry: Registry) -> None:
    # GIVEN a provider whose name holds a line break
    complaint = stored(registry)
    complaint = complaint.model_copy(update={
        "provider": {**complaint.provider, "name": "Dragon\nCoaching\r\nBcc: x@example.nl"}})
    # WHEN the e-mails are rendered THEN their subjects stay on one line
    for email in (renderer.confirmation(complaint), renderer.copy(complaint),
                  renderer.notification(complaint)):
        assert "\n" not in email.subject and "\r" not in email.subject
        assert "Dragon Coaching Bcc: x@example.nl" in email.subject


def test_email_renderer_confirmation_gives_no_date_when_the_term_starts_at_the_provider(
        renderer: EmailRenderer, registry: Registry) -> None:
    # GIVEN a complaint about BurgerCoaching, whose term starts when the complaint is in
    # writing at BurgerCoaching itself, not at the complaints body
    complaint = stored(registry, provider="burgercoaching")
    assert complaint.deadlines.judgement_by is None
    email = renderer.confirmation(complaint)
    # THEN the e-mail gives the term and where it starts, and no date counted from receipt
    for part in (email.text, email.html):
        assert "binnen 6 weken een onderbouwd oordeel" in part
        assert "schriftelijk binnen is bij BurgerCoaching zelf" in part
        assert "maandag 4 januari 2027" not in part


def test_email_renderer_confirmation_says_when_a_provider_has_not_said_where_its_term_starts(
        renderer: EmailRenderer, registry: Registry) -> None:
    # GIVEN a Wkkgz provider that has not said where its term starts
    dragon = registry.providers[0].model_copy(update={"term_start": None})
    changed = registry.model_copy(update={"providers": [dragon, *registry.providers[1:]]})
    email = renderer.confirmation(stored(changed))
    # THEN the e-mail says so and gives no date
    assert "Dragon Coaching heeft niet laten weten wanneer die termijn begint" in email.text
    assert "maandag 4 januari 2027" not in email.text

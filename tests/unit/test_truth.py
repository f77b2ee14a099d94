"""What the pages say is true for each page's regime and comes from the registry.

Rendered with the real registry, without MkDocs: every statement below is one a reader in
conflict with their care provider relies on.
"""

from __future__ import annotations

import re

import pytest

from klachtenportaal.registry import Contact, Provider, Registry
from sitegen.pages import GeneratedPage, PageRenderer

BODY_NAME = re.compile(
    r"\b(?i:geschillen(?:commissie|instantie)|klachtencommissie)(?: +[A-Z][\w-]*)+")
DOCUMENT_ITEM = re.compile(r'<ul class="kp-documents">(.*?)</ul>', re.S)


@pytest.fixture(scope="module")
def pages(registry: Registry) -> dict[str, str]:
    """Every generated page body by name: provider slugs and `procedures/<regime>`."""
    renderer = PageRenderer(registry)
    bodies = {p.slug: renderer.provider_page(p).body for p in registry.providers}
    bodies |= {f"procedures/{key}": renderer.regeling_page(key, regeling).body
               for key, regeling in registry.regelingen.items()}
    return bodies


def section(body: str, anchor: str) -> str:
    """The part of a provider page about one regime: from its heading to the next `<h2`."""
    start = body.index(f'<h2 id="{anchor}"')
    end = body.find("<h2", start + 1)
    return body[start:end if end > 0 else None]


def provider_page(registry: Registry, **changes: object) -> GeneratedPage:
    provider = registry.providers[0].model_copy(update=changes)
    return PageRenderer(registry).provider_page(provider)


def test_provider_page_under_the_wkkgz_ends_at_the_geschilleninstantie_binding_with_damages(
        pages: dict[str, str]) -> None:
    # GIVEN the page of a provider under the Wkkgz only (Dragon Coaching)
    page = pages["dragon-coaching"]
    # THEN the route ends at the Geschillencommissie KPZ, binding and able to award damages
    wkkgz = section(page, "procedure-wkkgz")
    assert "<h3>Geschillencommissie KPZ</h3>" in wkkgz
    assert "De uitspraak is <strong>bindend</strong>" in wkkgz
    assert "kan een <strong>schadevergoeding</strong> toekennen" in wkkgz
    # AND no klachtencommissie appears, with its limits, anywhere on the page
    assert "klachtencommissie" not in page.lower()
    assert "geen schadevergoeding" not in page


def test_provider_page_under_the_wkkgz_asks_for_the_providers_own_handling_first(
        pages: dict[str, str]) -> None:
    # GIVEN a Wkkgz page THEN it does not promise to send the complaint straight to the
    # commission on request; it says when the geschilleninstantie takes it (Wkkgz art. 21)
    page = pages["dragon-coaching"]
    assert "Dan doen we dat" not in page
    assert "direct naar de commissie gaat" not in page
    assert "als je zorgaanbieder je klacht eerst zelf heeft behandeld" in page
    assert "niet op tijd een oordeel geeft" in page


def test_provider_page_under_the_jeugdwet_ends_at_the_klachtencommissie_without_binding_or_damages(
        pages: dict[str, str]) -> None:
    # GIVEN the page of a provider under the Jeugdwet (Zorgkracht 12)
    jeugdwet = section(pages["zorgkracht-12"], "procedure-jeugdwet")
    # THEN its route ends at the klachtencommissie: a judgement, not binding, no damages,
    # and the complaint may go there directly
    assert "<h3>Klachtencommissie Jeugdwet KPZ</h3>" in jeugdwet
    assert "<strong>niet bindend</strong>" in jeugdwet
    assert "<strong>geen schadevergoeding</strong>" in jeugdwet
    assert "direct aan de Klachtencommissie Jeugdwet KPZ" in jeugdwet
    assert "Geschillencommissie" not in jeugdwet


def test_provider_page_under_the_wmo_ends_where_the_seed_says_and_claims_no_unstated_powers(
        pages: dict[str, str]) -> None:
    # GIVEN Zorgkracht 12's Wmo route, which its klachtenprocedure ends at the
    # geschillencommissie without saying what that body may decide
    page = pages["zorgkracht-12"]
    wmo = section(page, "procedure-wmo")
    # THEN it ends at the Geschillencommissie KPZ, and no invented Wmo commission appears
    assert "<h3>Geschillencommissie KPZ</h3>" in wmo
    assert "Klachtencommissie Wmo" not in page
    # AND it claims neither a binding ruling nor damages, but says whom to ask
    assert "<strong>bindend</strong>" not in wmo and "<strong>niet bindend</strong>" not in wmo
    assert "<strong>schadevergoeding</strong>" not in wmo
    assert "Vraag het aan Klachtenportaal Zorg" in wmo
    # AND, as every complaint at the complaints body gets a klachtenfunctionaris, the page
    # does not call one optional
    assert "het hoeft niet" not in wmo
    assert "zet Klachtenportaal Zorg een onafhankelijke klachtenfunctionaris in" in wmo


@pytest.mark.parametrize(("key", "body", "facts", "absent"), [
    ("wkkgz", "Geschillencommissie KPZ",
     ["De uitspraak is <strong>bindend</strong>", "kan een <strong>schadevergoeding</strong>"],
     ["niet bindend", "geen schadevergoeding"]),
    ("jeugdwet", "Klachtencommissie Jeugdwet KPZ",
     ["<strong>niet bindend</strong>", "<strong>geen schadevergoeding</strong>"],
     ["De uitspraak is <strong>bindend</strong>", "kan een <strong>schadevergoeding</strong>"]),
    ("wmo", "Geschillencommissie KPZ",
     ["Vraag het aan Klachtenportaal Zorg"],
     ["<strong>bindend</strong>", "<strong>schadevergoeding</strong>"]),
])
def test_procedure_page_states_the_final_body_and_its_powers_under_that_regime(
        pages: dict[str, str], key: str, body: str, facts: list[str],
        absent: list[str]) -> None:
    # GIVEN a regime's procedure page WHEN rendered THEN it names the body its route ends
    # at, with the powers the law gives it under this regime, and no others
    page = pages[f"procedures/{key}"]
    assert f'<h2 id="commissie">{body}</h2>' in page
    for fact in facts:
        assert fact in page, fact
    for claim in absent:
        assert claim not in page, claim


def test_page_renderer_names_no_body_or_document_the_registry_does_not_hold(
        registry: Registry, pages: dict[str, str]) -> None:
    # GIVEN the bodies and documents the registry holds, each with a source
    bodies = {name.casefold() for body in registry.portal.commissions.values()
              for name in (body.name, *body.also_called)}
    documents = {d.title.casefold() for d in registry.portal.documents.values()}
    documents |= {d.title.casefold() for p in registry.providers for d in p.documents}
    # WHEN every generated page is read THEN every body or document it names is one of them
    shown: set[str] = set()
    for name, page in pages.items():
        text = re.sub(r"<[^>]+>", "\n", page)
        for found in BODY_NAME.findall(text):
            assert " ".join(found.split()).casefold() in bodies, (name, found)
        for listing in DOCUMENT_ITEM.findall(page):
            for item in re.findall(r"<li>(.*?)</li>", listing):
                title = re.sub(r"<[^>]+>| \(vraag het aan [^)]*\)", "", item).strip()
                assert title.casefold() in documents, (name, title)
                shown.add(title.casefold())
    # AND every document the registry holds was found on some page, so the lists were read
    assert shown == documents


def test_provider_page_states_the_contact_term_from_the_data(registry: Registry) -> None:
    # GIVEN the complaints body promises contact within 3 working days instead of 5
    portal = registry.portal.model_copy(update={"contact_within_working_days": 3})
    changed = registry.model_copy(update={"portal": portal})
    # WHEN a provider page is rendered THEN it states 3, and 5 nowhere
    page = PageRenderer(changed).provider_page(changed.providers[0]).body
    assert "binnen <strong>3 werkdagen</strong>" in page
    assert "5 werkdagen" not in page


@pytest.mark.parametrize(("term_start", "says"), [
    ("portal", "Die termijn begint als je klacht schriftelijk binnen is bij Klachtenportaal Zorg"),
    ("provider", "Die termijn begint als je klacht schriftelijk binnen is bij je zorgaanbieder "
                 "zelf"),
    (None, "Je zorgaanbieder heeft niet laten weten of die termijn begint"),
])
def test_provider_page_says_where_the_providers_term_starts(
        registry: Registry, term_start: str | None, says: str) -> None:
    # GIVEN a Wkkgz provider that says where its term starts, or does not
    # WHEN its page is rendered THEN the terms say so
    page = provider_page(registry, term_start=term_start).body
    assert says in section(page, "procedure-wkkgz")


def test_procedure_page_sends_readers_to_the_provider_for_where_the_term_starts(
        pages: dict[str, str]) -> None:
    # GIVEN the Wkkgz procedure page, about no provider in particular THEN it sends readers to
    # their provider's page, or to ask, for where the term starts
    page = pages["procedures/wkkgz"]
    assert "lees je op de klachtenpagina van je zorgaanbieder" in page
    assert "vraag het dan aan je zorgaanbieder of aan Klachtenportaal Zorg" in page


def test_provider_page_of_burgercoaching_follows_its_own_procedure(pages: dict[str, str]) -> None:
    # GIVEN BurgerCoaching's klachtenprocedure (seed 002)
    page = pages["burgercoaching"]
    # THEN no sentence sends the formal complaint elsewhere than where its term starts
    assert "Een formele klacht dien je in bij Klachtenportaal Zorg" not in page
    # THEN its term starts at BurgerCoaching, the body carries the name it uses, and its
    # flyer about the vertrouwenspersoon is listed
    assert "schriftelijk binnen is bij je zorgaanbieder zelf" in page
    assert "Geschilleninstantie KPZ" in page
    assert "Flyer over de vertrouwenspersoon (vraag het aan BurgerCoaching)" in page


def test_provider_page_of_zorgkracht_12_lists_its_vertrouwenspersoon_and_reglementen(
        pages: dict[str, str]) -> None:
    # GIVEN Zorgkracht 12's klachtenprocedure (seed 003) THEN its own independent
    # vertrouwenspersoon, without a name, and both klachtenreglementen it links are there
    page = pages["zorgkracht-12"]
    advisers = section(page, "vertrouwenspersonen")
    assert "Onafhankelijke vertrouwenspersoon van Zorgkracht 12" in advisers
    assert "Klachtenreglement Jeugdwet" in section(page, "procedure-jeugdwet")
    assert "Klachtenreglement Wkkgz" in section(page, "procedure-wmo")


def test_provider_page_labels_intake_steps_of_only_one_of_its_regimes(
        pages: dict[str, str]) -> None:
    # GIVEN a provider under the Jeugdwet and the Wmo THEN the complaints body's steps that
    # hold for one of them only say so
    page = pages["zorgkracht-12"]
    assert "<em>Alleen bij de Jeugdwet:</em> <strong>Bemiddeling of klachtencommissie." in page
    assert "<em>Alleen bij de Wmo:</em> <strong>Niet opgelost? Naar de geschillencommissie." in page


def test_provider_page_shows_its_source_and_a_foreign_number_with_country_code(
        registry: Registry) -> None:
    # GIVEN a provider with its own complaint page as source and a Belgian phone number
    contact = registry.providers[2].contacts[0].model_copy(update={"phone": "+32470123456"})
    page = provider_page(registry, source_url="https://www.dragoncoaching.nl/klachten/",
                         contacts=[contact]).body
    # THEN the source is named and the number keeps its country code
    assert 'href="https://www.dragoncoaching.nl/klachten/"' in page
    assert ">+32 470 12 34 56</a>" in page


def test_provider_page_lists_only_the_intake_steps_of_its_own_regimes(registry: Registry) -> None:
    # GIVEN a provider under the Jeugdwet only
    provider: Provider = registry.providers[2].model_copy(update={"regelingen": ["jeugdwet"],
                                                                  "first_steps": []})
    page = PageRenderer(registry).provider_page(provider).body
    # THEN the Wkkgz and Wmo steps of the complaints body are not on its page, and its own
    # steps carry no label
    assert "<strong>Het oordeel van je zorgaanbieder.</strong>" not in page
    assert "Naar de geschillencommissie" not in page
    assert "Alleen bij" not in page


def test_provider_page_names_the_complaints_body_with_its_legal_name_when_known(
        registry: Registry) -> None:
    # GIVEN the complaints body's legal name in the registry
    portal = registry.portal.model_copy(update={"legal_name": "Klachtenportaal Zorg B.V."})
    changed = registry.model_copy(update={"portal": portal})
    # WHEN a provider page is rendered THEN its contact card names it beside the name
    page = PageRenderer(changed).provider_page(changed.providers[0]).body
    contact = page[page.index('id="contact"'):]
    assert ('Klachtenportaal Zorg</h3>  <p class="kp-contact__role">Klachtenportaal Zorg B.V.'
            in contact)
    # AND without it, no legal name is made up
    assert "B.V." not in PageRenderer(registry).provider_page(registry.providers[1]).body


def test_provider_page_shows_each_phone_line_with_its_own_hours(registry: Registry) -> None:
    # GIVEN a provider contact with a second line and its own hours
    contact = Contact.model_validate({
        "name": "Esther Bronsema", "phone": "0228-322205",
        "phone_hours": "van 09.00 tot 12.00 uur",
        "other_phones": [{"label": "Buiten kantoortijd", "number": "0800-0225",
                          "hours": "elke dag van 17.00 tot 09.00 uur"}]})
    # WHEN its page is rendered THEN both lines stand with their own hours
    page = provider_page(registry, contacts=[contact]).body
    assert "(van 09.00 tot 12.00 uur)</li>" in page
    assert ('Buiten kantoortijd: <a href="tel:+318000225">0800 0225</a> (elke dag van 17.00 tot'
            in page)

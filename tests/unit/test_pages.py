"""Provider page bodies as rendered from the registry, without MkDocs."""

from __future__ import annotations

import pytest

from klachtenportaal.registry import Registry, SharedContact
from sitegen.pages import PageRenderer


def test_page_renderer_keeps_kinds_of_shared_parts_apart(registry: Registry) -> None:
    # GIVEN a shared vertrouwenspersoon whose key is "portal", like the complaints body's card
    adviser = SharedContact(kind="vertrouwenspersoon", name="Vertrouwenspunt Noord",
                            email="hallo@vertrouwenspunt.nl")
    provider = registry.providers[0].model_copy(update={"vertrouwenspersonen": ["portal"]})
    registry = registry.model_copy(update={"contacts": {**registry.contacts, "portal": adviser},
                                           "providers": [provider]})
    renderer = PageRenderer(registry)
    # WHEN the provider's page is rendered (twice: the second from what was rendered once)
    first = renderer.provider_page(provider).body
    again = renderer.provider_page(provider).body
    # THEN the adviser stands under the vertrouwenspersonen and the complaints body under
    # contact, each once
    assert again == first
    advisers = first[first.index('id="vertrouwenspersonen"'):first.index('id="contact"')]
    contact = first[first.index('id="contact"'):first.index('id="klacht-indienen"')]
    assert "Vertrouwenspunt Noord" in advisers and "Vertrouwenspunt Noord" not in contact
    portal_email = "info@klachtenportaalzorg.nl"
    assert portal_email in contact and portal_email not in advisers


def test_page_renderer_offers_other_ways_without_sending_readers_back_to_the_page(
        registry: Registry) -> None:
    # GIVEN a provider's page WHEN rendered THEN "another way" does not point to the form on
    # the provider's own page; the procedure pages do point readers to the providers
    renderer = PageRenderer(registry)
    page = renderer.provider_page(registry.providers[0]).body
    other_ways = page[page.index('id="andere-manieren"'):]
    assert "klachtenpagina van je zorgaanbieder" not in other_ways
    assert "info@klachtenportaalzorg.nl" in other_ways
    procedure = renderer.regeling_page("wkkgz", registry.regelingen["wkkgz"]).body
    assert "klachtenpagina van je zorgaanbieder" in procedure


def test_shell_is_recovered_from_a_page_with_language_links_and_only_with_its_own(
        registry: Registry) -> None:
    # GIVEN a provider page with links to its English version, spliced into a shell
    from sitegen import shell

    provider = next(p for p in registry.providers if "en" in p.languages)
    page = PageRenderer(registry, site_url="https://example.nl/").provider_page(provider)
    head, switch = shell.LANGUAGE_MARKS
    page_shell = (f"<head>{head}</head><title>{shell.TITLE_MARK}</title>"
                  f"<meta content='{shell.DESCRIPTION_MARK}'>{switch}{shell.BODY_MARK}"
                  f"<a href='/{shell.SHELL_URL}'>")
    built = shell.splice(page_shell, page)
    # WHEN the shell is recovered from the built page THEN it is the shell again
    assert shell.recover_shell(built, page) == page_shell
    # AND a page rendered for another site address does not pass for it
    elsewhere = PageRenderer(registry, site_url="https://elders.nl/").provider_page(provider)
    with pytest.raises(shell.ShellError):
        shell.recover_shell(built, elsewhere)

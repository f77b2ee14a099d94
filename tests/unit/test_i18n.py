"""The languages: the English catalogue, the registry's texts in English, English pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from klachtenportaal.formatting import format_date
from klachtenportaal.i18n import MissingTranslationError, translations
from klachtenportaal.privacy import privacy_page
from klachtenportaal.registry import Provider, Registry
from sitegen.pages import PageRenderer
from sitegen.translations import catalogue_problems, outdated_translation, page_digest
from tests.languages import dutch_words_in


def test_catalogue_has_english_for_every_text_to_translate() -> None:
    # GIVEN the texts marked in the code, the templates and the registry WHEN the English
    # catalogue is checked against them THEN each has its translation, and it is compiled
    assert catalogue_problems() == []


def test_translations_refuse_a_text_the_catalogue_lacks() -> None:
    # GIVEN a Dutch text nobody translated WHEN it is asked for in English THEN an error
    # names it (a page would otherwise show Dutch); in Dutch it is itself
    with pytest.raises(MissingTranslationError, match="Dit staat nergens"):
        translations("en").gettext("Dit staat nergens")
    assert translations("nl").gettext("Dit staat nergens") == "Dit staat nergens"


def test_registry_in_english_translates_texts_and_keeps_names(registry: Registry) -> None:
    # GIVEN the registry WHEN its shared parts are asked for in English
    english = registry.in_language("en")
    # THEN texts for readers are English, names and numbers as they are
    assert english.portal.name == registry.portal.name
    assert english.portal.phone == registry.portal.phone
    assert english.portal.phone_hours != registry.portal.phone_hours
    assert english.regelingen["wkkgz"].law == registry.regelingen["wkkgz"].law
    assert english.regelingen["wkkgz"].summary != registry.regelingen["wkkgz"].summary
    assert english.providers == registry.providers


def test_registry_in_english_is_made_once(registry: Registry) -> None:
    # GIVEN a registry WHEN its English is asked for twice (the backend asks per request)
    first, again = registry.in_language("en"), registry.in_language("en")
    # THEN it was translated once; the English version does not hold the Dutch one's cache
    assert again is first
    assert registry.in_language("nl") is registry
    assert first._in_languages == {}


def test_format_date_names_day_and_month_in_the_language() -> None:
    # GIVEN a Monday WHEN formatted THEN as each language's readers write it
    day = date(2026, 11, 30)
    assert format_date(day) == "maandag 30 november 2026"
    assert format_date(day, "en") == "Monday 30 November 2026"


def test_privacy_page_states_the_same_periods_in_english() -> None:
    # GIVEN the privacy promises WHEN worded in English THEN the same periods
    page = privacy_page("en")
    assert (page.retention, page.backups, page.access_log) == ("two years", "35 days",
                                                                "five years")


def test_provider_languages_start_with_dutch(registry: Registry) -> None:
    # GIVEN a provider entry WHEN it asks for English only THEN the registry refuses it:
    # every provider has a Dutch page
    entry = registry.providers[0].model_dump(mode="json")
    with pytest.raises(ValidationError, match="Dutch first"):
        Provider.model_validate({**entry, "languages": ["en"]})
    assert Provider.model_validate({**entry, "languages": ["nl", "en"]}).languages == ["nl", "en"]


def test_english_provider_page_is_english_throughout(registry: Registry) -> None:
    # GIVEN a provider that asked for an English page
    provider = next(p for p in registry.providers if "en" in p.languages)
    # WHEN its page is rendered in English
    page = PageRenderer(registry, "en", "https://example.nl/").provider_page(provider)
    # THEN it is under en/, titled in English, with the form in English, and no Dutch sentence
    assert page.src_uri == f"en/aanbieders/{provider.slug}.md"
    assert page.title == f"Complaints about {provider.name}"
    assert 'name="language" value="en"' in page.body
    assert dutch_words_in(page.body) == []
    # AND it links to its Dutch version, and says so in its head
    assert f'hreflang="nl" href="https://example.nl/aanbieders/{provider.slug}/"' \
        in page.links.head
    assert 'hreflang="x-default"' in page.links.head
    assert f'href="../../../aanbieders/{provider.slug}/" hreflang="nl" lang="nl"' \
        in page.links.switch


def test_dutch_page_of_a_provider_without_english_has_no_language_links(
        registry: Registry) -> None:
    # GIVEN a provider with a Dutch page only WHEN rendered THEN no links to other versions
    provider = next(p for p in registry.providers if p.languages == ["nl"])
    page = PageRenderer(registry, "nl", "https://example.nl/").provider_page(provider)
    assert page.links.head == page.links.switch == ""


def test_english_renderer_fails_on_a_provider_text_without_english(
        registry: Registry) -> None:
    # GIVEN a provider asking for English whose introduction nobody translated
    entry = registry.providers[0].model_dump(mode="json")
    provider = Provider.model_validate({**entry, "languages": ["nl", "en"],
                                        "intro": [*entry["intro"], "Een zin zonder vertaling."]})
    # WHEN its English page is rendered THEN that text is named, nothing is shown in Dutch
    with pytest.raises(MissingTranslationError, match="Een zin zonder vertaling"):
        PageRenderer(registry, "en").provider_page(provider)


def test_outdated_translation_names_a_dutch_page_changed_since(tmp_path: Path) -> None:
    # GIVEN a Dutch page and the digest its English page was translated from
    dutch = tmp_path / "privacy.md"
    dutch.write_text("# Privacy\n\nWe bewaren je gegevens twee jaar.\n", encoding="utf-8")
    translated_from = page_digest(dutch)
    # WHEN nothing changed THEN the translation stands
    assert outdated_translation("en/privacy.md", tmp_path, translated_from) is None
    # WHEN the Dutch page changes THEN the English page is named, with the new digest to set
    dutch.write_text("# Privacy\n\nWe bewaren je gegevens drie jaar.\n", encoding="utf-8")
    problem = outdated_translation("en/privacy.md", tmp_path, translated_from)
    assert problem is not None
    assert problem.startswith("docs/en/privacy.md: translates docs/privacy.md as it was")
    assert problem.endswith(f"translated_from: {page_digest(dutch)}")

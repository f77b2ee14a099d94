"""The built site in two languages: the general pages and the pages of providers that asked
for one in English, each page with its language, its alternates and a language switch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml_rs

from tests.integration.conftest import run_build
from tests.integration.test_site_build import article, page
from tests.languages import dutch_words_in

pytestmark = pytest.mark.build

GENERAL_PAGES = ["", "klacht-indienen", "klacht-volgen", "klachtenfunctionaris",
                 "vertrouwenspersonen", "privacy", "toegankelijkheid", "aanbieders",
                 "procedures/wkkgz", "procedures/jeugdwet", "procedures/wmo"]


@pytest.mark.parametrize("url", [*GENERAL_PAGES, "aanbieders/dragon-coaching"])
def test_site_languages_english_page_is_english_and_points_to_its_dutch_version(
        built_site: Path, url: str) -> None:
    # GIVEN a page with an English version WHEN the site is built
    english = page(built_site, f"en/{url}".rstrip("/"))
    dutch = page(built_site, url) if url else (built_site / "index.html").read_text()
    # THEN the English page says it is English, in its theme's texts too
    assert '<html lang="en"' in english
    assert 'placeholder="Search"' in english
    assert dutch_words_in(article(english)) == []
    # AND both name each other as alternates, with the Dutch one as the default
    path = f"{url}/" if url else ""
    site = "http://localhost:8000/"
    for html in (english, dutch):
        assert f'<link rel="alternate" hreflang="nl" href="{site}{path}">' in html
        assert f'<link rel="alternate" hreflang="en" href="{site}en/{path}">' in html
        assert f'<link rel="alternate" hreflang="x-default" href="{site}{path}">' in html
    # AND each has a visible switch to the other
    assert re.search(r'<nav class="kp-language" aria-label="Language">.*?hreflang="nl" '
                     r'lang="nl">Nederlands</a>', english, re.S)
    assert re.search(r'<nav class="kp-language" aria-label="Taal">.*?hreflang="en" '
                     r'lang="en">English</a>', dutch, re.S)


def test_site_languages_english_navigation_leads_to_english_pages(built_site: Path) -> None:
    # GIVEN the English home page WHEN its navigation is read
    html = page(built_site, "en")
    nav = html[html.index('class="md-nav md-nav--primary"'):html.index("</nav>",
                                                                         html.index("md-nav--primary"))]
    links = re.findall(r'<a href="([^"]+)" class="md-nav__link', nav)
    # THEN each entry stays under en/ (the links are relative to en/)
    assert links and all(not link.startswith("../") for link in links), links


def test_site_languages_provider_without_english_has_no_english_page_or_switch(
        built_site: Path) -> None:
    # GIVEN a provider with a Dutch page only WHEN the site is built
    dutch = page(built_site, "aanbieders/burgercoaching")
    # THEN it has no English page, no alternates and no switch; the English list of
    # providers links to its Dutch page and says so
    assert not (built_site / "en" / "aanbieders" / "burgercoaching").exists()
    assert 'hreflang="en"' not in dutch and "kp-language" not in dutch
    index = article(page(built_site, "en/aanbieders"))
    assert '<a href="../../aanbieders/burgercoaching/" hreflang="nl">BurgerCoaching</a> ' \
        '(in Dutch)' in index
    assert '<a href="dragon-coaching/">Dragon Coaching</a>' in index


def test_site_languages_build_fails_on_a_provider_text_without_english(
        repo_root: Path, tmp_path: Path) -> None:
    # GIVEN a registry whose provider asks for English, with a sentence nobody translated
    data = yaml_rs.loads((repo_root / "providers.yaml").read_text(encoding="utf-8"))
    data["providers"][1]["languages"] = ["nl", "en"]
    registry = tmp_path / "providers.yaml"
    registry.write_text(yaml_rs.dumps(data), encoding="utf-8")
    site = tmp_path / "site"
    # WHEN the site is built
    result = run_build(repo_root, registry, site)
    # THEN it fails, naming the text and the catalogue, and builds nothing
    assert result.returncode != 0
    assert "no en translation of" in result.stderr
    assert "klachtenportaal/locale/en/LC_MESSAGES/messages.po" in result.stderr
    assert not site.exists()

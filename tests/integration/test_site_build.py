from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml_rs

from klachtenportaal.registry import Registry
from sitegen.synthetic import write_synthetic_registry
from tests.integration.conftest import run_build

pytestmark = pytest.mark.build

SEED_FACTS = Path(__file__).resolve().parent.parent / "fixtures" / "seed_facts.yaml"


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S)
    assert match, "page has no article"
    return match.group(1)


@pytest.mark.parametrize("slug", ["dragon-coaching", "burgercoaching", "zorgkracht-12"])
def test_site_build_provider_page_carries_every_seed_fact(built_site: Path, slug: str) -> None:
    # GIVEN the facts of the provider's original complaint page
    facts = yaml_rs.loads(SEED_FACTS.read_text(encoding="utf-8"))[slug]
    # WHEN the site is built THEN the provider's klachtenpagina states each of them
    body = article(page(built_site, f"aanbieders/{slug}"))
    missing = [fact for fact in facts if fact not in body]
    assert not missing


def test_site_build_provider_page_is_a_full_page_in_the_site_shell(built_site: Path,
                                                                   registry: Registry) -> None:
    html = page(built_site, "aanbieders/zorgkracht-12")
    assert '<html lang="nl"' in html
    assert "<title>Klachten over Zorgkracht 12 - Klachtenportaal Zorg</title>" in html
    assert '<link rel="canonical" href="http://localhost:8000/aanbieders/zorgkracht-12/">' in html
    assert html.count("<h1") == 1
    assert "KPSHELL" not in html and "__aanbieder__" not in html
    assert "<main" in html and "<header" in html and "<footer" in html
    assert 'href="../../assets/' in html or 'src="../../assets/' in html


def test_site_build_provider_steps_come_in_order_per_regime(built_site: Path) -> None:
    body = article(page(built_site, "aanbieders/zorgkracht-12"))
    wmo = body[body.index('id="procedure-wmo"'):]
    own = wmo.index("Esther Bronsema")
    portal = wmo.index("Dien je klacht in bij Klachtenportaal Zorg")
    commission = wmo.index("Niet tevreden? Naar de commissie")
    assert own < portal < commission
    jeugd = body[body.index('id="procedure-jeugdwet"'):body.index('id="procedure-wmo"')]
    assert "Esther Bronsema" not in jeugd, "Wmo-only steps must not show under the Jeugdwet"


def test_site_build_provider_pages_stay_out_of_navigation(built_site: Path) -> None:
    home = page(built_site, "")
    assert 'href="aanbieders/"' in home
    assert "aanbieders/dragon-coaching/" not in home
    assert not (built_site / "aanbieders" / "__aanbieder__").exists()


def test_site_build_index_lists_every_provider_a_to_z(built_site: Path) -> None:
    body = article(page(built_site, "aanbieders"))
    names = re.findall(r'<li><a href="[a-z0-9-]+/">([^<]+)</a></li>', body)
    assert names == ["BurgerCoaching", "Dragon Coaching", "Zorgkracht 12"]
    assert "data-kp-filter" in body and 'type="search"' in body


def test_site_build_search_and_sitemap_know_provider_pages(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert {"aanbieders/dragon-coaching/", "aanbieders/zorgkracht-12/"} <= locations
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "http://localhost:8000/aanbieders/burgercoaching/" in sitemap
    assert "__aanbieder__" not in sitemap


def test_site_build_has_every_general_page(built_site: Path) -> None:
    for url in ["", "klacht-indienen", "procedures/wkkgz", "procedures/jeugdwet",
                "procedures/wmo", "klachtenfunctionaris", "vertrouwenspersonen", "privacy",
                "toegankelijkheid", "aanbieders"]:
        assert (built_site / url / "index.html").exists(), url
    officer = article(page(built_site, "klachtenfunctionaris"))
    assert "geheimhoudingsplicht" in officer and "Vkig" in officer
    home = article(page(built_site, ""))
    assert "binnen <strong>5 werkdagen</strong>" in home and "geen klachtenprocedure" in home


def test_site_build_invalid_registry_fails_and_keeps_previous_site(
        repo_root: Path, tmp_path: Path) -> None:
    # GIVEN a previously built site and a registry with a typo
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "index.html").write_text("previous build", encoding="utf-8")
    text = (repo_root / "providers.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "providers.yaml"
    bad.write_text(text.replace("  - slug: burgercoaching\n", "  - slgu: burgercoaching\n"),
                   encoding="utf-8")
    # WHEN building
    result = run_build(repo_root, bad, site_dir)
    # THEN it fails with a located, specific error and the old site is untouched
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert re.search(r"providers\.yaml:\d+:5: providers\[1\]\.slgu: unknown key 'slgu' "
                     r"\(did you mean 'slug'\?\)", result.stderr), result.stderr
    assert (site_dir / "index.html").read_text(encoding="utf-8") == "previous build"
    assert not list(tmp_path.glob(".site-*"))


def test_site_build_thousand_provider_registry_builds(repo_root: Path, tmp_path: Path) -> None:
    # GIVEN a generated registry of 1,000 providers
    registry = write_synthetic_registry(repo_root / "providers.yaml", 1000,
                                        tmp_path / "providers.yaml")
    # WHEN built
    result = run_build(repo_root, registry, tmp_path / "site")
    # THEN every provider has its page and the index lists them all
    assert result.returncode == 0, result.stderr
    pages = list((tmp_path / "site" / "aanbieders").glob("*/index.html"))
    assert len(pages) == 1000
    index = page(tmp_path / "site", "aanbieders")
    assert index.count('<li><a href="') >= 1000


@pytest.mark.parametrize("slug", ["dragon-coaching", "burgercoaching", "zorgkracht-12"])
def test_site_build_provider_page_ids_are_unique(built_site: Path, slug: str) -> None:
    ids = re.findall(r'\sid="([^"]+)"', page(built_site, f"aanbieders/{slug}"))
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})

from __future__ import annotations

import json
from pathlib import Path

import pytest

from klachtenportaal.registry import Registry
from sitegen.incremental import FullBuildNeededError, IncrementalSite
from sitegen.loader import RegistryLoader
from tests.integration.conftest import run_build

pytestmark = pytest.mark.build

SITE_URL = "http://localhost:8000/"
NEW_PROVIDER = """  - slug: thuiszorg-noord
    name: Thuiszorg Noord
    regelingen: [wkkgz]
    first_steps:
      - title: Bel je wijkverpleegkundige
        text: Bespreek je onvrede eerst met je wijkverpleegkundige.
"""


@pytest.fixture
def built(repo_root: Path, tmp_path: Path) -> tuple[Path, Path, IncrementalSite]:
    registry = tmp_path / "providers.yaml"
    registry.write_text((repo_root / "providers.yaml").read_text(encoding="utf-8"),
                        encoding="utf-8")
    site = tmp_path / "site"
    assert run_build(repo_root, registry, site).returncode == 0
    text = registry.read_text(encoding="utf-8")
    return registry, site, IncrementalSite(site, SITE_URL, parsed(text))


def parsed(text: str) -> Registry:
    return RegistryLoader().parse(text, "providers.yaml")


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_incremental_edit_of_one_provider_matches_a_full_build(
        built: tuple[Path, Path, IncrementalSite], repo_root: Path, tmp_path: Path) -> None:
    registry, site, incremental = built
    untouched = (site / "aanbieders" / "zorgkracht-12" / "index.html").stat().st_mtime_ns
    # WHEN one provider's text is edited
    text = registry.read_text(encoding="utf-8").replace("We lossen het liefst eerst samen op",
                                                        "We lossen het graag eerst samen op")
    registry.write_text(text, encoding="utf-8")
    update = incremental.update(parsed(text))
    # THEN only its page is written, and it is what a full build makes
    assert update.written == ["aanbieders/burgercoaching/"] and update.removed == []
    assert (site / "aanbieders" / "zorgkracht-12" / "index.html").stat().st_mtime_ns == untouched
    full = tmp_path / "full"
    assert run_build(repo_root, registry, full).returncode == 0
    for url in ("aanbieders/burgercoaching", "aanbieders", "en/aanbieders",
                "aanbieders/dragon-coaching"):
        assert page(site, url) == page(full, url)


def test_incremental_edit_of_a_provider_with_an_english_page_needs_a_full_build(
        built: tuple[Path, Path, IncrementalSite]) -> None:
    # GIVEN a provider with an English page (built by MkDocs, not spliced)
    registry, _site, incremental = built
    text = registry.read_text(encoding="utf-8").replace("met liefde en plezier",
                                                        "met veel liefde en plezier")
    # WHEN its text is edited THEN the update asks for a full build (which translates it)
    with pytest.raises(FullBuildNeededError, match="another language"):
        incremental.update(parsed(text))


def test_incremental_add_and_remove_a_provider(built: tuple[Path, Path, IncrementalSite],
                                               repo_root: Path, tmp_path: Path) -> None:
    registry, site, incremental = built
    original = registry.read_text(encoding="utf-8")
    added = original.rstrip("\n") + "\n\n" + NEW_PROVIDER
    update = incremental.update(parsed(added))
    assert update.written == ["aanbieders/thuiszorg-noord/"]
    assert "Thuiszorg Noord" in page(site, "aanbieders")
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "aanbieders/thuiszorg-noord/" in {doc["location"] for doc in search["docs"]}
    assert "aanbieders/thuiszorg-noord/" in (site / "sitemap.xml").read_text(encoding="utf-8")
    registry.write_text(added, encoding="utf-8")
    full = tmp_path / "full"
    assert run_build(repo_root, registry, full).returncode == 0
    assert page(site, "aanbieders/thuiszorg-noord") == page(full, "aanbieders/thuiszorg-noord")
    # WHEN it is taken out again THEN its page, index line, search entry and sitemap entry go
    update = incremental.update(parsed(original))
    assert update.removed == ["aanbieders/thuiszorg-noord/"]
    assert not (site / "aanbieders" / "thuiszorg-noord").exists()
    assert "Thuiszorg Noord" not in page(site, "aanbieders")
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "aanbieders/thuiszorg-noord/" not in {doc["location"] for doc in search["docs"]}
    assert "thuiszorg-noord" not in (site / "sitemap.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new"), [
    ("name: Klachtenportaal Zorg\n", "name: Klachtenportaal Zorg NL\n"),
    ("      judgement_weeks: 6\n", "      judgement_weeks: 7\n"),
    ("name: Zorgbelang Groningen", "name: Zorgbelang Stad en Ommeland"),
])
def test_incremental_leaves_edits_beyond_the_providers_to_a_full_build(
        built: tuple[Path, Path, IncrementalSite], old: str, new: str) -> None:
    # GIVEN an edit of the complaints body, a regime or a shared contact
    registry, site, incremental = built
    text = registry.read_text(encoding="utf-8")
    assert old in text
    before = page(site, "aanbieders/dragon-coaching")
    # WHEN the site is updated THEN it asks for a full build and changes nothing
    with pytest.raises(FullBuildNeededError):
        incremental.update(parsed(text.replace(old, new, 1)))
    assert page(site, "aanbieders/dragon-coaching") == before


def test_incremental_handles_a_registry_written_by_a_program(repo_root: Path,
                                                             tmp_path: Path) -> None:
    # GIVEN a generated registry, as yaml-rs writes it
    from sitegen.synthetic import write_synthetic_registry

    registry = write_synthetic_registry(repo_root / "providers.yaml", 20,
                                        tmp_path / "providers.yaml")
    site = tmp_path / "site"
    assert run_build(repo_root, registry, site).returncode == 0
    text = registry.read_text(encoding="utf-8")
    incremental = IncrementalSite(site, SITE_URL, parsed(text))
    # WHEN one provider's intro changes THEN only that page is written
    edited = text.replace("nemen we je klacht serieus", "nemen wij je klacht serieus", 1)
    update = incremental.update(parsed(edited))
    assert len(update.written) == 1
    assert "nemen wij je klacht serieus" in page(site, update.written[0].rstrip("/"))

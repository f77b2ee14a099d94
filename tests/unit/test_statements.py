"""What the registry's text may say: the misstatement rules and the scope of terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.loader import RegistryError, RegistryLoader
from sitegen.statements import misstatements


def made(sentence: str) -> list[str]:
    """The reasons of the rules `sentence` breaks."""
    return [rule.reason for rule in misstatements() if rule.made_in(sentence)]


@pytest.mark.parametrize("sentence", [
    "De geschillencommissie kan ons een boete opleggen.",
    "De klachtencommissie kent een schadevergoeding toe.",
    "De klachtencommissie kan niet alleen oordelen maar ook een schadevergoeding toekennen.",
    "Het oordeel van de klachtencommissie is bindend.",
])
def test_misstatements_refuse_a_statement_the_law_contradicts(sentence: str) -> None:
    # GIVEN a sentence that gives a body a power the law does not give it
    # WHEN read THEN exactly one rule says why
    assert len(made(sentence)) == 1, sentence


@pytest.mark.parametrize("sentence", [
    "De geschillencommissie geeft geen boete.",
    "De klachtencommissie kent geen schadevergoeding toe.",
    "Over juridische aansprakelijkheid of schadevergoeding geeft de klachtencommissie geen "
    "oordeel.",
    "Het oordeel van de klachtencommissie is niet bindend.",
    "De Geschillencommissie KPZ doet een bindende uitspraak en kent een schadevergoeding toe.",
])
def test_misstatements_pass_a_statement_that_denies_or_is_true(sentence: str) -> None:
    # GIVEN a sentence that denies such a power, or a power the body has
    # WHEN read THEN no rule objects
    assert made(sentence) == [], sentence


def test_registry_loader_lets_a_contact_count_its_own_working_days(
        repo_root: Path) -> None:
    # GIVEN a shared contact that calls back within 2 working days (not the complaints body's
    # term of 5)
    text = (repo_root / "providers.yaml").read_text(encoding="utf-8")
    text = text.replace("Je kunt er je verhaal kwijt", "Ze belt je binnen 2 werkdagen terug. "
                        "Je kunt er je verhaal kwijt", 1)
    # WHEN parsed THEN that is no contradiction
    registry = RegistryLoader().parse(text, "providers.yaml")
    assert "binnen 2 werkdagen" in (registry.contacts["akj"].description or "")


def test_registry_loader_checks_an_unchanged_provider_again_when_its_terms_change(
        repo_root: Path) -> None:
    # GIVEN a loader that accepted a provider note stating the Wkkgz term of 6 weeks
    text = (repo_root / "providers.yaml").read_text(encoding="utf-8")
    text = text.replace("      - Met de klachtenprocedure willen we",
                        "      - We geven binnen 6 weken een oordeel.\n"
                        "      - Met de klachtenprocedure willen we", 1)
    loader = RegistryLoader()
    loader.parse(text, "providers.yaml")
    # WHEN the Wkkgz term changes to 8 weeks and the provider entry does not
    changed = text.replace("      judgement_weeks: 6", "      judgement_weeks: 8", 1)
    with pytest.raises(RegistryError) as caught:
        loader.parse(changed, "providers.yaml")
    # THEN the note is reported against the new term
    paths = [issue.path for issue in caught.value.issues]
    assert paths == ["providers[1].notes[2]"]
    assert "says '6 weken', but the terms of wkkgz give 4 or 8 weken" in str(caught.value)

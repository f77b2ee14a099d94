from __future__ import annotations

import json
from pathlib import Path

import pytest

from klachtenportaal.registry import Registry
from sitegen.loader import RegistryError, RegistryIssue, RegistryLoader


@pytest.fixture
def valid_text(repo_root: Path) -> str:
    return (repo_root / "providers.yaml").read_text(encoding="utf-8")


def parse(text: str) -> Registry:
    return RegistryLoader().parse(text, "providers.yaml")


def issues_for(text: str) -> list[RegistryIssue]:
    with pytest.raises(RegistryError) as caught:
        parse(text)
    return caught.value.issues


def only_issue(text: str) -> RegistryIssue:
    issues = issues_for(text)
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


def with_burgercoaching_note(text: str, note: str) -> str:
    """The registry with `note` added to BurgerCoaching's notes (as providers[1].notes[2])."""
    anchor = "      - Met de klachtenprocedure willen we"
    return text.replace(anchor, f"      - {note}\n{anchor}", 1)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def test_registry_loader_accepts_the_real_registry(valid_text: str) -> None:
    # GIVEN the committed registry WHEN parsed THEN all seed providers are there
    registry = parse(valid_text)
    assert [p.slug for p in registry.providers] == ["dragon-coaching", "burgercoaching",
                                                    "zorgkracht-12"]


def test_registry_loader_suggests_nearest_key_for_mistyped_key(valid_text: str) -> None:
    # GIVEN a provider key with a typo
    text = valid_text.replace("    vertrouwenspersonen: [zorgbelang-groningen",
                              "    vertrouwenspersonnen: [zorgbelang-groningen")
    # WHEN parsed
    issue = only_issue(text)
    # THEN the message gives place, path and the valid key it probably meant
    assert issue.line == line_of(text, "vertrouwenspersonnen:")
    assert issue.column == 5
    assert issue.path == "providers[2].vertrouwenspersonnen"
    assert "unknown key 'vertrouwenspersonnen'" in issue.message
    assert "did you mean 'vertrouwenspersonen'?" in issue.message
    assert str(issue).startswith(f"providers.yaml:{issue.line}:5: providers[2].")


def test_registry_loader_reports_invalid_email_with_path_and_position(valid_text: str) -> None:
    # GIVEN a contact with a broken e-mail address
    text = valid_text.replace("email: wouter@burgercoaching.nl", "email: wouter.burgercoaching.nl")
    issue = only_issue(text)
    # THEN the error points at the value
    assert issue.path == "providers[1].vertrouwenspersoon.email"
    assert issue.line == line_of(text, "wouter.burgercoaching.nl")
    assert issue.column == text.splitlines()[issue.line - 1].index("wouter") + 1
    assert "not a valid email address" in issue.message
    assert "'wouter.burgercoaching.nl'" in issue.message


@pytest.mark.parametrize(("old", "new", "path", "message"), [
    ("phone: (050) 571 39 99", "phone: 050 571", "contacts.zorgbelang-groningen.phone",
     "not a valid phone number"),
    ("website: https://www.igj.nl/", "website: www igj nl", "contacts.igj.website",
     "valid URL"),
    ("      binding: true", "      binding: misschien", "regelingen.wkkgz.final_body.binding",
     "valid boolean"),
    ("legal_name: Dragon Coaching V.O.F.", "legal_name: <b>Dragon Coaching</b>",
     "providers[0].legal_name", "plain text expected"),
    ("vertrouwenspersonen: [zorgbelang-groningen, zorgbelang-drenthe]",
     "vertrouwenspersonen: [zorgbelang-groningen, zorgbelang-drente]",
     "providers[2].vertrouwenspersonen[1]",
     "unknown vertrouwenspersoon 'zorgbelang-drente' (did you mean 'zorgbelang-drenthe'?)"),
    ("regelingen: [jeugdwet, wmo]", "regelingen: [jeugdwet, wm0]", "providers[2].regelingen[1]",
     "unknown regeling 'wm0' (did you mean 'wmo'?)"),
    ("    name: BurgerCoaching\n", "    name: BurgerCoaching\n    name: Burger Coaching\n",
     "providers[1].name", "duplicate key 'name'"),
])
def test_registry_loader_reports_a_mistake_on_its_line_with_path_and_message(
        valid_text: str, old: str, new: str, path: str, message: str) -> None:
    # GIVEN one mistake in the registry
    assert old in valid_text
    text = valid_text.replace(old, new, 1)
    # WHEN parsed THEN it is the one issue: its path, what is wrong, on the line it is on
    issue = only_issue(text)
    assert issue.path == path
    assert message in issue.message
    assert issue.line == line_of(text, new.splitlines()[-1].strip())


def test_registry_loader_reports_missing_required_key_at_its_parent(valid_text: str) -> None:
    # GIVEN a provider without a name
    text = valid_text.replace("    name: Dragon Coaching\n", "")
    # WHEN parsed THEN the report names the key and points at the provider's entry
    issue = only_issue(text)
    assert issue.path == "providers[0].name"
    assert issue.message == "missing required key 'name'"
    assert issue.line == line_of(text, "slug: dragon-coaching")


def test_registry_loader_rejects_duplicate_slug(valid_text: str) -> None:
    # GIVEN two providers with the same slug
    text = valid_text.replace("slug: burgercoaching", "slug: dragon-coaching")
    # WHEN parsed THEN the second is reported, naming the line of the first
    issue = only_issue(text)
    assert issue.path == "providers[1].slug"
    assert "duplicate slug 'dragon-coaching'" in issue.message
    assert f"line {line_of(text, 'slug: dragon-coaching')}" in issue.message


def test_registry_loader_reports_yaml_syntax_error_position() -> None:
    # GIVEN text that is not YAML WHEN parsed THEN the report says where the parser stopped
    text = "portal:\n  name: [unclosed\nproviders: []\n"
    issue = only_issue(text)
    assert issue.file == "providers.yaml"
    assert issue.line == 3
    assert "invalid YAML" in issue.message


def test_registry_loader_reports_every_error_at_once(valid_text: str) -> None:
    # GIVEN three unrelated mistakes
    text = (valid_text.replace("email: info@jeugdstem.nl", "email: jeugdstem")
            .replace("slug: zorgkracht-12", "slug: Zorgkracht 12")
            .replace("    regulation: Klachtenprocedure", "    regulaton: Klachtenprocedure"))
    # WHEN parsed THEN all three are reported, in file order, and the report counts them
    with pytest.raises(RegistryError) as caught:
        parse(text)
    paths = [issue.path for issue in caught.value.issues]
    assert paths == ["contacts.akj.email", "providers[2].slug", "providers[2].regulaton"]
    assert caught.value.report().endswith("3 errors in the registry; nothing was built.")


def test_registry_loader_reads_yes_and_no_as_text(valid_text: str) -> None:
    # GIVEN a provider name that YAML 1.1 would read as a boolean
    text = valid_text.replace("    name: BurgerCoaching\n", "    name: yes\n")
    # WHEN parsed THEN it is text (YAML 1.2), as the name
    registry = parse(text)
    assert registry.providers[1].name == "yes"
    # AND WHEN another entry has a mistake THEN only that mistake is reported
    issue = only_issue(text.replace("email: info@jeugdstem.nl", "email: jeugdstem"))
    assert issue.path == "contacts.akj.email"


def test_registry_loader_validates_again_only_the_entries_that_changed(valid_text: str) -> None:
    # GIVEN a registry loaded once
    loader = RegistryLoader()
    first = loader.parse(valid_text, "providers.yaml")
    # WHEN one provider's entry is edited and the registry loaded again
    edited = loader.parse(valid_text.replace("met liefde en plezier",
                                             "met veel liefde en plezier"), "providers.yaml")
    # THEN the untouched providers are the entries validated before; the edited one is new
    assert edited.providers[1] is first.providers[1]
    assert edited.providers[2] is first.providers[2]
    assert edited.providers[0] is not first.providers[0]
    assert "met veel liefde en plezier" in str(edited.providers[0].first_steps[0].text)
    # AND a mistake in an edited entry is reported as from a fresh loader
    with pytest.raises(RegistryError) as caught:
        loader.parse(valid_text.replace("email: wouter@burgercoaching.nl",
                                        "email: wouter.burgercoaching.nl"), "providers.yaml")
    assert [issue.path for issue in caught.value.issues] == [
        "providers[1].vertrouwenspersoon.email"]


def test_registry_loader_rejects_a_document_that_is_not_a_mapping() -> None:
    # GIVEN a list where the registry should be WHEN parsed THEN the report says so
    issue = only_issue("- just\n- a list\n")
    assert "expected a mapping" in issue.message


@pytest.mark.parametrize("providers", ["hallo", "{dragon-coaching: {name: Dragon}}"])
def test_registry_loader_reports_providers_that_are_not_a_list(valid_text: str,
                                                               providers: str) -> None:
    # GIVEN `providers` as text or as a mapping instead of a list
    head, key, _ = valid_text.partition("\nproviders:")
    text = f"{head}{key} {providers}\n"
    # WHEN parsed THEN that is the one mistake reported, on its line
    issue = only_issue(text)
    assert issue.path == "providers"
    assert "valid list" in issue.message
    assert issue.line == line_of(text, "providers:")


def test_registry_loader_reports_a_key_given_twice_in_a_flow_mapping(valid_text: str) -> None:
    # GIVEN a key given twice inside a mapping written on one line
    twice = "    vertrouwenspersoon: {name: A, name: B}\n"
    text = valid_text.replace("    name: Dragon Coaching\n", "    name: Dragon Coaching\n" + twice)
    # WHEN parsed THEN it is reported (by yaml-rs: the key, not its place), not lost
    issue = only_issue(text)
    assert "invalid YAML" in issue.message and "'name'" in issue.message


def test_registry_schema_is_exported_and_current(repo_root: Path) -> None:
    # GIVEN the committed JSON Schema WHEN compared with the model THEN it is up to date
    from sitegen.cli import registry_schema

    committed = (repo_root / "providers.schema.json").read_text(encoding="utf-8")
    assert committed == registry_schema(), "run `make schema` after changing the registry model"
    schema = json.loads(committed)
    assert schema["properties"]["providers"]["type"] == "array"
    assert schema["$defs"]["Provider"]["additionalProperties"] is False


def test_registry_loader_locates_mistakes_in_a_registry_written_by_a_program(
        repo_root: Path, tmp_path: Path) -> None:
    # GIVEN a generated registry (as yaml-rs writes it: long text quoted) with a broken
    # address in the 38th provider
    from sitegen.synthetic import write_synthetic_registry

    text = write_synthetic_registry(repo_root / "providers.yaml", 40,
                                    tmp_path / "providers.yaml").read_text(encoding="utf-8")
    slug = parse(text).providers[37].slug
    text = text.replace(f"klachten@{slug}.nl", "klachten-at-example.nl")
    # WHEN parsed THEN the mistake is placed on its line
    issue = only_issue(text)
    assert issue.path == "providers[37].contacts[0].email"
    assert issue.line == line_of(text, "klachten-at-example.nl")


def test_registry_loader_locates_mistakes_in_lists_not_indented_under_their_key(
        valid_text: str) -> None:
    # GIVEN the providers written as list items at the indentation of `providers:` itself
    head, key, entries = valid_text.partition("\nproviders:\n")
    text = head + key + "\n".join(line[2:] for line in entries.splitlines()) + "\n"
    assert parse(text).providers[2].slug == "zorgkracht-12"
    # WHEN the third provider has a mistyped key THEN it is placed on its line
    text = text.replace("\n  regulation: Klachtenprocedure", "\n  regulaton: Klachtenprocedure")
    issue = only_issue(text)
    assert issue.path == "providers[2].regulaton"
    assert (issue.line, issue.column) == (line_of(text, "regulaton:"), 3)


def test_registry_loader_locates_mistakes_below_text_that_looks_like_keys(valid_text: str) -> None:
    # GIVEN text values whose lines look like keys and list items: a wrapped plain text and
    # a block text, followed by a mistyped key
    text = valid_text.replace(
        "  - slug: burgercoaching\n    name: BurgerCoaching\n",
        "  - slug: burgercoaching\n    name: BurgerCoaching\n"
        "    legal_name: BurgerCoaching\n      - geen lijst maar tekst\n"
        "    regulation: |\n      - geen lijst\n      name: geen sleutel\n"
        "    websit: https://www.burgercoaching.nl/\n")
    # WHEN parsed THEN only the mistyped key is reported, on its own line
    issue = only_issue(text)
    assert issue.path == "providers[1].websit"
    assert (issue.line, issue.column) == (line_of(text, "    websit:"), 5)


def test_registry_loader_locates_mistakes_after_text_below_a_comment(valid_text: str) -> None:
    # GIVEN a value written below its key, after a comment and a blank line, and a mistake
    # further on
    below = "    legal_name:\n      # as registered\n\n      BurgerCoaching B.V.\n"
    text = valid_text.replace("    name: BurgerCoaching\n", "    name: BurgerCoaching\n" + below)
    text = text.replace("slug: zorgkracht-12", "slug: Zorgkracht_12")
    # WHEN parsed THEN the mistake is placed on its own line
    issue = only_issue(text)
    assert issue.path == "providers[2].slug"
    assert issue.line == line_of(text, "slug: Zorgkracht_12")


def test_registry_loader_places_an_empty_value_at_its_key(valid_text: str) -> None:
    # GIVEN a provider name left empty WHEN parsed THEN the report points at the key itself
    text = valid_text.replace("    name: BurgerCoaching\n", "    name:\n")
    issue = only_issue(text)
    assert issue.path == "providers[1].name"
    assert (issue.line, issue.column) == (text.splitlines().index("    name:") + 1, 5)


def test_registry_loader_lists_allowed_keys_for_an_unknown_key_that_is_no_near_miss(
        valid_text: str) -> None:
    # GIVEN a key under a provider that resembles no allowed key
    text = valid_text.replace("    name: BurgerCoaching\n", "    name: BurgerCoaching\n"
                              "    kvk: 12345678\n", 1)
    # WHEN parsed THEN the message lists the keys allowed there
    issue = only_issue(text)
    assert issue.line == line_of(text, "kvk:")
    assert "unknown key 'kvk'; allowed here: slug, name, legal_name" in issue.message
    assert "term_start" in issue.message


@pytest.mark.parametrize("written", ["1601bj", "1601  bj", " 1601 Bj"])
def test_registry_loader_writes_a_postcode_in_any_case_or_spacing_as_1234_ab(
        valid_text: str, written: str) -> None:
    # GIVEN the complaints body's postcode written another way WHEN parsed THEN '1601 BJ'
    text = valid_text.replace("postcode: 1601 BJ", f"postcode: '{written}'", 1)
    assert parse(text).portal.address.postcode == "1601 BJ"


def test_registry_loader_says_what_a_postcode_looks_like(valid_text: str) -> None:
    # GIVEN a postcode with the letter O for a zero
    text = valid_text.replace("postcode: 1601 BJ", "postcode: 16O1 BJ", 1)
    # WHEN parsed THEN the message describes a postcode, not a regular expression
    issue = only_issue(text)
    assert issue.path == "portal.address.postcode"
    assert "four digits" in issue.message and "'1601 BJ'" in issue.message
    assert "[0-9]" not in issue.message


def test_registry_loader_refuses_a_phone_number_with_trailing_junk(valid_text: str) -> None:
    # GIVEN a number with a letter after it, which phonenumbers would silently drop
    text = valid_text.replace("phone: (050) 571 39 99", "phone: 0612345678x", 1)
    # WHEN parsed THEN it is an error on that line
    issue = only_issue(text)
    assert issue.path == "contacts.zorgbelang-groningen.phone"
    assert issue.line == line_of(text, "0612345678x")
    assert "not a phone number" in issue.message


def test_registry_loader_refuses_a_provider_without_a_regime(valid_text: str) -> None:
    # GIVEN a provider with an empty list of regimes
    text = valid_text.replace("regelingen: [jeugdwet, wmo]", "regelingen: []", 1)
    # WHEN parsed THEN the message says what to give
    issue = only_issue(text)
    assert issue.path == "providers[2].regelingen"
    assert "name at least one regime" in issue.message


def test_registry_loader_refuses_a_contact_without_name_or_role(valid_text: str) -> None:
    # GIVEN a contact with neither a name nor a role
    text = valid_text.replace("      role: Onafhankelijke vertrouwenspersoon van Zorgkracht 12\n",
                              "", 1)
    # WHEN parsed THEN it is refused, saying what to give
    issue = only_issue(text)
    assert issue.path == "providers[2].vertrouwenspersoon"
    assert "give a name or" in issue.message


@pytest.mark.parametrize(("old", "new", "path", "message"), [
    ("      commission: geschillencommissie-kpz\n      when: Je kunt",
     "      commission: geschillencommissie-zorg\n      when: Je kunt",
     "regelingen.wkkgz.final_body.commission", "unknown commission 'geschillencommissie-zorg'"),
    ("    documents: [klachtenreglement-jeugdwet]", "    documents: [klachtenreglement-jeugd]",
     "regelingen.jeugdwet.documents[0]", "unknown document 'klachtenreglement-jeugd'"),
    ("      regelingen: [jeugdwet]\n    - title: Bemiddeling\n",
     "      regelingen: [jeugd]\n    - title: Bemiddeling\n",
     "portal.intake[5].regelingen[0]", "unknown regeling 'jeugd'"),
])
def test_registry_loader_resolves_bodies_documents_and_regimes_of_steps(
        valid_text: str, old: str, new: str, path: str, message: str) -> None:
    # GIVEN a reference to a body, document or regime the registry does not hold
    assert old in valid_text
    # WHEN parsed THEN it is the one issue, at its place (no follow-on errors)
    issue = only_issue(valid_text.replace(old, new, 1))
    assert issue.path == path
    assert message in issue.message


def test_registry_loader_refuses_text_that_states_a_term_the_data_contradicts(
        valid_text: str) -> None:
    # GIVEN the complaints body promises contact within 3 working days, while an intake step
    # still says 5
    text = valid_text.replace("contact_within_working_days: 5", "contact_within_working_days: 3")
    text = text.replace("We bellen of mailen je om de volgende stappen",
                        "Binnen 5 werkdagen bellen of mailen we je om de volgende stappen", 1)
    # WHEN parsed THEN that text is the error, on its line
    issue = only_issue(text)
    assert issue.path == "portal.intake[4].text"
    assert issue.line == line_of(text, "Binnen 5 werkdagen")
    assert "says '5 werkdagen', but contact_within_working_days is 3" in issue.message


def test_registry_loader_refuses_a_provider_text_with_a_term_its_regimes_do_not_have(
        valid_text: str) -> None:
    # GIVEN a Wkkgz provider's step that gives the provider eight weeks (the Wkkgz: 6 and 4)
    text = valid_text.replace(
        "We helpen je\n          graag",
        "We geven binnen acht weken een oordeel. We helpen je\n          graag", 1)
    issue = only_issue(text)
    assert issue.path == "providers[0].first_steps[0].text"
    assert "says 'acht weken', but the terms of wkkgz give 4 or 6 weken" in issue.message


def test_registry_loader_refuses_a_fine_from_a_commission_with_the_reason_and_source(
        valid_text: str) -> None:
    # GIVEN a provider's note that the commission can fine the provider
    text = with_burgercoaching_note(
        valid_text, "De geschillencommissie kan ons een boete opleggen.")
    # WHEN parsed THEN the note is refused with why and where the law says so
    issue = only_issue(text)
    assert issue.path == "providers[1].notes[2]"
    assert issue.line == line_of(text, "een boete opleggen")
    assert "does not fine anyone" in issue.message and "source: Wkkgz" in issue.message


def test_registry_loader_refuses_a_geschilleninstantie_the_complaints_body_does_not_offer(
        valid_text: str) -> None:
    # GIVEN a Wkkgz provider that names another geschilleninstantie
    text = with_burgercoaching_note(
        valid_text, "Je kunt ook naar De Geschillencommissie Zorg Algemeen.")
    issue = only_issue(text)
    assert issue.path == "providers[1].notes[2]"
    assert "names 'Geschillencommissie Zorg Algemeen'" in issue.message
    assert "it offers: Geschillencommissie KPZ" in issue.message


def test_registry_loader_accepts_the_other_name_a_provider_uses_for_a_body(
        valid_text: str) -> None:
    # GIVEN BurgerCoaching's own name for the body, registered as one of its names
    text = with_burgercoaching_note(
        valid_text, "Daarna kun je naar de onafhankelijke Geschilleninstantie KPZ.")
    # WHEN parsed THEN it is valid
    assert parse(text).providers[1].notes[2].endswith("Geschilleninstantie KPZ.")



def test_registry_loader_asks_for_the_source_of_a_regimes_terms(valid_text: str) -> None:
    # GIVEN the Jeugdwet's terms without their source WHEN parsed THEN the source is asked for
    text = valid_text.replace("      source: Jeugdwet, paragraaf 4.2 (klachtrecht)\n", "", 1)
    issue = only_issue(text)
    assert issue.path == "regelingen.jeugdwet.terms"
    assert "give the source of these terms" in issue.message

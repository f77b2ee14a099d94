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

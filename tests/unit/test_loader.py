from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from klachtenportaal.loader import RegistryError, RegistryIssue, parse_registry


@pytest.fixture
def valid_text(repo_root: Path) -> str:
    return (repo_root / "providers.yaml").read_text(encoding="utf-8")


def issues_for(text: str) -> list[RegistryIssue]:
    with pytest.raises(RegistryError) as caught:
        parse_registry(text, "providers.yaml")
    return caught.value.issues


def only_issue(text: str) -> RegistryIssue:
    issues = issues_for(text)
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `needle`."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def test_parse_registry_accepts_the_real_registry(valid_text: str) -> None:
    # GIVEN the committed registry WHEN parsed THEN all seed providers are there
    registry = parse_registry(valid_text, "providers.yaml")
    assert [p.slug for p in registry.providers] == ["dragon-coaching", "burgercoaching",
                                                    "zorgkracht-12"]


def test_parse_registry_suggests_nearest_key_for_mistyped_key(valid_text: str) -> None:
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


def test_parse_registry_reports_invalid_email_with_path_and_position(valid_text: str) -> None:
    # GIVEN a contact with a broken e-mail address
    text = valid_text.replace("email: wouter@burgercoaching.nl", "email: wouter.burgercoaching.nl")
    issue = only_issue(text)
    # THEN the error points at the value
    assert issue.path == "providers[1].vertrouwenspersoon.email"
    assert issue.line == line_of(text, "wouter.burgercoaching.nl")
    assert issue.column == text.splitlines()[issue.line - 1].index("wouter") + 1
    assert "not a valid email address" in issue.message
    assert "'wouter.burgercoaching.nl'" in issue.message


def test_parse_registry_rejects_invalid_phone_number(valid_text: str) -> None:
    text = valid_text.replace("phone: (050) 571 39 99", "phone: 050 571")
    issue = only_issue(text)
    assert issue.path == "contacts.zorgbelang-groningen.phone"
    assert "not a valid phone number" in issue.message


def test_parse_registry_rejects_invalid_url(valid_text: str) -> None:
    text = valid_text.replace("website: https://www.igj.nl/", "website: www igj nl")
    issue = only_issue(text)
    assert issue.path == "contacts.igj.website"
    assert "valid URL" in issue.message


def test_parse_registry_reports_missing_required_key_at_its_parent(valid_text: str) -> None:
    text = valid_text.replace("    name: Dragon Coaching\n", "")
    issue = only_issue(text)
    assert issue.path == "providers[0].name"
    assert issue.message == "missing required key 'name'"
    assert issue.line == line_of(text, "slug: dragon-coaching")


def test_parse_registry_reports_wrong_type(valid_text: str) -> None:
    text = valid_text.replace("    binding: true", "    binding: misschien", 1)
    issue = only_issue(text)
    assert issue.path == "regelingen.wkkgz.binding"
    assert "valid boolean" in issue.message


def test_parse_registry_rejects_duplicate_slug(valid_text: str) -> None:
    text = valid_text.replace("slug: burgercoaching", "slug: dragon-coaching")
    issue = only_issue(text)
    assert issue.path == "providers[1].slug"
    assert "duplicate slug 'dragon-coaching'" in issue.message
    assert f"line {line_of(text, 'slug: dragon-coaching')}" in issue.message


def test_parse_registry_rejects_unresolved_reference_with_suggestion(valid_text: str) -> None:
    text = valid_text.replace("vertrouwenspersonen: [zorgbelang-groningen, zorgbelang-drenthe]",
                              "vertrouwenspersonen: [zorgbelang-groningen, zorgbelang-drente]")
    issue = only_issue(text)
    assert issue.path == "providers[2].vertrouwenspersonen[1]"
    assert "unknown vertrouwenspersoon 'zorgbelang-drente'" in issue.message
    assert "did you mean 'zorgbelang-drenthe'?" in issue.message


def test_parse_registry_rejects_unknown_regime(valid_text: str) -> None:
    text = valid_text.replace("regelingen: [jeugdwet, wmo]", "regelingen: [jeugdwet, wm0]")
    issue = only_issue(text)
    assert issue.path == "providers[2].regelingen[1]"
    assert "unknown regeling 'wm0' (did you mean 'wmo'?)" in issue.message


def test_parse_registry_rejects_duplicate_yaml_key(valid_text: str) -> None:
    text = valid_text.replace("    name: BurgerCoaching\n",
                              "    name: BurgerCoaching\n    name: Burger Coaching\n")
    issue = only_issue(text)
    assert issue.path == "providers[1].name"
    assert "duplicate key 'name'" in issue.message


def test_parse_registry_reports_yaml_syntax_error_position() -> None:
    text = "portal:\n  name: [unclosed\nproviders: []\n"
    issue = only_issue(text)
    assert issue.file == "providers.yaml"
    assert issue.line == 3
    assert "invalid YAML" in issue.message


def test_parse_registry_rejects_markup_in_text(valid_text: str) -> None:
    text = valid_text.replace("legal_name: Dragon Coaching V.O.F.",
                              "legal_name: <b>Dragon Coaching</b>")
    issue = only_issue(text)
    assert issue.path == "providers[0].legal_name"
    assert "plain text expected" in issue.message


def test_parse_registry_reports_every_error_at_once(valid_text: str) -> None:
    # GIVEN three unrelated mistakes
    text = (valid_text.replace("email: info@jeugdstem.nl", "email: jeugdstem")
            .replace("slug: zorgkracht-12", "slug: Zorgkracht 12")
            .replace("    regulation: Klachtenprocedure", "    regulaton: Klachtenprocedure"))
    # WHEN parsed THEN all three are reported, in file order, and the report counts them
    with pytest.raises(RegistryError) as caught:
        parse_registry(text, "providers.yaml")
    paths = [issue.path for issue in caught.value.issues]
    assert paths == ["contacts.akj.email", "providers[2].slug", "providers[2].regulaton"]
    assert caught.value.report().endswith("3 errors in the registry; nothing was built.")


def test_parse_registry_reads_yes_and_no_as_text_also_when_reporting(valid_text: str) -> None:
    # GIVEN a provider name that YAML 1.1 would read as a boolean
    text = valid_text.replace("    name: BurgerCoaching\n", "    name: yes\n")
    # WHEN parsed THEN it is text (YAML 1.2), as the name
    registry = parse_registry(text, "providers.yaml")
    assert registry.providers[1].name == "yes"
    # AND WHEN another entry has a mistake THEN only that mistake is reported
    issue = only_issue(text.replace("email: info@jeugdstem.nl", "email: jeugdstem"))
    assert issue.path == "contacts.akj.email"


def test_parse_registry_rejects_a_document_that_is_not_a_mapping() -> None:
    issue = only_issue("- just\n- a list\n")
    assert "expected a mapping" in issue.message


def test_registry_schema_is_exported_and_current(repo_root: Path) -> None:
    # GIVEN the committed JSON Schema WHEN compared with the model THEN it is up to date
    from klachtenportaal.cli import registry_schema

    committed = (repo_root / "providers.schema.json").read_text(encoding="utf-8")
    assert committed == registry_schema(), "run `make schema` after changing the registry model"
    schema = yaml.safe_load(committed)
    assert schema["properties"]["providers"]["type"] == "array"
    assert schema["$defs"]["Provider"]["additionalProperties"] is False

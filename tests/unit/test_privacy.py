"""The privacy page's promises: worded in Dutch, and the same values the code and the
infrastructure apply (the built page itself: tests/integration/test_privacy.py)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.template import load_template
from klachtenportaal.privacy import (
    ACCESS_LOG_YEARS,
    BACKUP_DAYS,
    DOSSIER_READERS,
    RETENTION_DAYS,
    format_days,
    format_list,
    format_years,
    privacy_page,
)


@pytest.mark.parametrize(("days", "words"), [(365, "één jaar"), (730, "twee jaar"),
                                             (1825, "vijf jaar"), (365 * 15, "15 jaar")])
def test_format_days_whole_years_as_years(days: int, words: str) -> None:
    # GIVEN a period of whole years of 365 days WHEN worded THEN it is said in years
    assert format_days(days) == words


@pytest.mark.parametrize(("days", "words"), [(1, "één dag"), (7, "zeven dagen"),
                                             (35, "35 dagen"), (731, "731 dagen"),
                                             (364, "364 dagen")])
def test_format_days_other_periods_in_exact_days(days: int, words: str) -> None:
    # GIVEN a period that is no whole number of years WHEN worded THEN it is said in days,
    # never rounded to a period the code does not apply
    assert format_days(days) == words


@pytest.mark.parametrize("days", [0, -30])
def test_format_days_refuses_a_period_that_is_not_positive(days: int) -> None:
    # GIVEN no period at all WHEN worded THEN it is refused, not stated as a promise
    with pytest.raises(ValueError):
        format_days(days)


def test_format_years_counts_up_to_twelve_in_words() -> None:
    # GIVEN periods in years WHEN worded THEN small numbers are words, 'jaar' stays singular
    assert [format_years(years) for years in (1, 5, 12, 13)] == [
        "één jaar", "vijf jaar", "twaalf jaar", "13 jaar"]


def test_format_list_joins_with_commas_and_en() -> None:
    # GIVEN one, two and three items WHEN enumerated THEN as Dutch text lists them
    assert format_list(["a"]) == "a"
    assert format_list(["a", "b"]) == "a en b"
    assert format_list(["a", "b", "c"]) == "a, b en c"


def test_privacy_page_words_the_single_source() -> None:
    # GIVEN the values in klachtenportaal.privacy WHEN the page's text is made
    page = privacy_page()
    # THEN it states those values
    assert page.retention == format_days(RETENTION_DAYS) == "twee jaar"
    assert page.backups == format_days(BACKUP_DAYS) == "35 dagen"
    assert page.access_log == format_years(ACCESS_LOG_YEARS) == "vijf jaar"
    assert page.dossier_readers == "klachtenfunctionarissen en beheerders"


def test_privacy_source_is_what_settings_infra_and_staff_roles_apply() -> None:
    from complaint_form.settings import Settings
    from complaint_form.staff_service import OFFICERS

    # GIVEN the stack template
    template = load_template()
    resources: dict[str, Any] = template["Resources"]
    tables = {name: resource["Properties"] for name, resource in resources.items()
              if resource["Type"] == "AWS::DynamoDB::Table"}
    # WHEN compared with the privacy page's single source
    # THEN closed complaints are kept as long by default in the code and the stack
    assert Settings.model_fields["retention_days"].default == RETENTION_DAYS
    assert template["Parameters"]["RetentionDays"]["Default"] == RETENTION_DAYS
    # AND every table has point-in-time recovery over AWS's default window (35 days)
    for name, table in tables.items():
        recovery = table["PointInTimeRecoverySpecification"]
        assert recovery["PointInTimeRecoveryEnabled"] is True, name
        assert recovery.get("RecoveryPeriodInDays", 35) == BACKUP_DAYS, name
    # AND nothing expires the access log, so it is kept at least ACCESS_LOG_YEARS
    assert "TimeToLiveSpecification" not in tables["AccessLogTable"]
    # AND only the roles the page names open a dossier, after signing in with MFA
    assert frozenset(DOSSIER_READERS) == OFFICERS
    assert resources["StaffUserPool"]["Properties"]["MfaConfiguration"] == "ON"

"""Privacy: no personal data in logs; retention as the privacy page states it."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from complaint_form.dependencies import Dependencies

from tests.backend import (
    RECEIVED,
    complaint_body,
    form_event,
    invoke,
    json_event,
    stored_items,
)

PERSONAL = {"name": "Annemarie Zwartkruis", "email": "annemarie.zwartkruis@example.nl",
            "phone": "06 23987654", "description": "Mijn moeder viel uit bed om drie uur",
            "desired_outcome": "Een bedhek en excuses van de nachtdienst"}


def test_logs_hold_no_personal_data(deps: Dependencies, log_lines: io.StringIO,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN a stored complaint, one whose e-mails fail, an invalid one and a form post
    invoke(json_event(complaint_body(**PERSONAL)))
    ses = boto3.client("ses", region_name="eu-west-1")
    ses.delete_identity(Identity=deps.settings.sender_email)
    second = "0d3c5e1a-1111-4111-8111-1111aaaa2222"
    invoke(json_event(complaint_body(**PERSONAL, submission_id=second)))
    invoke(json_event(complaint_body(**{**PERSONAL, "email": "annemarie.zwartkruis@"})))
    invoke(form_event(complaint_body(**PERSONAL, submission_id=None)))
    # WHEN the logs are read THEN they speak of references, never of the person
    printed = capsys.readouterr()
    text = log_lines.getvalue() + printed.out + printed.err
    assert "submission_stored" in text and "email_pending" in text
    assert re.search(r'"reference": ?"KPZ-', text)
    for value in PERSONAL.values():
        assert value not in text
    assert "Zwartkruis" not in text and "23987654" not in text


def test_stored_complaint_expires_only_after_closing_plus_the_retention_period(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_form.staff_service import ChangeStatus, StaffUser, act

    officer = StaffUser("sub-of-fenna", "fenna", frozenset({"klachtenfunctionaris"}),
                        "203.0.113.7")
    # GIVEN a stored complaint: open, it never expires, however long its handling takes
    invoke(json_event(complaint_body()))
    [item] = stored_items(deps.settings.table_name)
    reference = item["reference"]
    assert "expires_at" not in item
    act(officer, reference, ChangeStatus(action="status", version=1, status="in_behandeling"))
    # WHEN it is closed a month later
    closed = RECEIVED + timedelta(days=30)
    monkeypatch.setattr(deps, "clock", lambda: closed)
    act(officer, reference, ChangeStatus(action="status", version=2, status="afgehandeld"))
    # THEN it expires the retention period after closing
    [item] = stored_items(deps.settings.table_name)
    assert item["expires_at"] == int((closed + timedelta(days=730)).timestamp())
    assert item["gsi2pk"] == "STATUS#afgehandeld"
    # AND reopened, it never expires again until closed again
    act(officer, reference, ChangeStatus(action="status", version=3, status="in_behandeling"))
    [item] = stored_items(deps.settings.table_name)
    assert "expires_at" not in item


def test_retention_is_the_same_in_settings_infra_and_privacy_page(repo_root: Path) -> None:
    from complaint_form.settings import Settings

    from infra.template import load_template

    days = Settings.model_fields["retention_days"].default
    assert load_template()["Parameters"]["RetentionDays"]["Default"] == days == 730
    privacy = (repo_root / "docs" / "privacy.md").read_text(encoding="utf-8")
    assert "twee jaar" in privacy

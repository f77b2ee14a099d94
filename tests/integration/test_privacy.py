"""Privacy: no personal data in logs; retention as the privacy page states it."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from complaint_form.dependencies import Dependencies

from tests.backend import (
    RECEIVED,
    LambdaContext,
    complaint_body,
    form_event,
    invoke,
    json_event,
    new_address,
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


def test_stored_complaint_retention_ends_only_after_closing_plus_the_retention_period(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_form.staff_service import ChangeStatus, StaffUser, act

    officer = StaffUser("sub-of-fenna", "fenna", frozenset({"klachtenfunctionaris"}),
                        "203.0.113.7")
    # GIVEN a stored complaint: open, it is kept, however long its handling takes
    invoke(json_event(complaint_body()))
    [item] = stored_items(deps.settings.table_name)
    reference = item["reference"]
    assert "retention_ends" not in item
    act(officer, reference, ChangeStatus(action="status", version=1, status="in_behandeling"))
    # WHEN it is closed a month later
    closed = RECEIVED + timedelta(days=30)
    monkeypatch.setattr(deps, "clock", lambda: closed)
    act(officer, reference, ChangeStatus(action="status", version=2, status="afgehandeld"))
    # THEN its retention ends the retention period after closing
    [item] = stored_items(deps.settings.table_name)
    assert item["retention_ends"] == int((closed + timedelta(days=730)).timestamp())
    assert item["gsi2pk"] == "STATUS#afgehandeld"
    # AND reopened, it is kept again until closed again
    act(officer, reference, ChangeStatus(action="status", version=3, status="in_behandeling"))
    [item] = stored_items(deps.settings.table_name)
    assert "retention_ends" not in item


@pytest.mark.build
def test_retention_is_the_same_in_settings_infra_and_privacy_page(built_site: Path) -> None:
    from complaint_form.settings import Settings

    from infra.template import load_template
    from klachtenportaal import privacy

    # GIVEN the single source of the privacy promises, worded for the page
    stated = privacy.privacy_page()
    # WHEN the code, the stack and the built privacy page are read
    days = Settings.model_fields["retention_days"].default
    template_days = load_template()["Parameters"]["RetentionDays"]["Default"]
    html = (built_site / "privacy" / "index.html").read_text(encoding="utf-8")
    article = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>',
                        html, re.S)
    assert article, "the privacy page has no article"
    text = " ".join(re.sub(r"<[^>]+>", " ", article[1]).split())
    # THEN the code and the stack keep a closed complaint as long as the source says
    assert days == template_days == privacy.RETENTION_DAYS
    # AND the page states that period, the backups' window, who can open a dossier and how
    # long the access log is kept, each as the source words it
    assert f"tot {stated.retention} nadat je klacht is afgehandeld" in text
    assert f"Die bewaren we {stated.backups}." in text
    assert f"De {stated.dossier_readers} van " in text
    assert f"Dat logboek bewaren we minstens {stated.access_log}." in text
    assert "{{" not in text and "}}" not in text


def test_retention_job_deletes_only_complaints_closed_longer_than_the_period_and_logs_it(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    from complaint_form.retention import lambda_handler
    from complaint_form.staff_service import ChangeStatus, StaffUser, act

    officer = StaffUser("sub-of-fenna", "fenna", frozenset({"klachtenfunctionaris"}),
                        "203.0.113.7")

    def complaint(closed_on: datetime | None, reopened: bool = False) -> str:
        monkeypatch.setattr(deps, "clock", lambda: RECEIVED)
        answer = invoke(json_event(complaint_body(submission_id=str(uuid.uuid4()),
                                                  email=new_address())))
        reference: str = json.loads(answer["body"])["reference"]
        if closed_on is not None:
            monkeypatch.setattr(deps, "clock", lambda: closed_on)
            for version, status in enumerate(["in_behandeling", "afgehandeld"]
                                             + (["in_behandeling"] if reopened else []), 1):
                act(officer, reference, ChangeStatus(action="status", version=version,
                                                     status=status))
        return reference

    # GIVEN complaints closed more than the retention period (730 days) ago, closed the day
    # before, closed long ago and reopened, and open
    now = RECEIVED + timedelta(days=800)
    long_closed = complaint(RECEIVED + timedelta(days=60))
    closed_yesterday = complaint(now - timedelta(days=1))
    reopened = complaint(RECEIVED + timedelta(days=60), reopened=True)
    still_open = complaint(None)
    # WHEN the retention job runs
    monkeypatch.setattr(deps, "clock", lambda: now)
    result = lambda_handler({}, LambdaContext())
    # THEN only the one closed longer ago is gone
    assert result == {"deleted": 1}
    assert {item["reference"] for item in stored_items(deps.settings.table_name)} == {
        closed_yesterday, reopened, still_open}
    # AND the access log says who deleted it and when
    entries = [item for item in boto3.client("dynamodb", region_name="eu-west-1").scan(
        TableName=deps.settings.access_log_table_name)["Items"]
        if item["event"]["S"] == "retention_delete"]
    assert [(e["reference"]["S"], e["user"]["S"], e["outcome"]["S"], e["at"]["S"][:10])
            for e in entries] == [(long_closed, "bewaartermijn", "deleted", "2029-01-31")]
    # AND a second run deletes nothing
    assert lambda_handler({}, LambdaContext()) == {"deleted": 0}


def test_upgrade_brings_complaints_stored_before_today_to_the_inbox_and_retention(
        deps: Dependencies) -> None:
    # GIVEN a closed complaint as earlier versions stored it: no inbox map, no version, the
    # TTL's expires_at instead of retention_ends, and none of what the status page reads
    answer = invoke(json_event(complaint_body()))
    reference = json.loads(answer["body"])["reference"]
    client = boto3.client("dynamodb", region_name="eu-west-1")
    key = {"pk": {"S": f"KLACHT#{reference}"}, "sk": {"S": "KLACHT"}}
    closing = {"M": {"at": {"S": "2026-12-01T10:00:00+00:00"}, "user": {"S": "fenna"},
                     "action": {"S": "status"}, "detail": {"S": "in_behandeling -> afgehandeld"}}}
    client.update_item(TableName=deps.settings.table_name, Key=key,
                       UpdateExpression="SET expires_at = :t, gsi2pk = :s, #st = :a, "
                                        "history = :h REMOVE inbox, version, status_secret",
                       ExpressionAttributeNames={"#st": "status"},
                       ExpressionAttributeValues={":t": {"N": "1893456000"},
                                                  ":s": {"S": "STATUS#afgehandeld"},
                                                  ":a": {"S": "afgehandeld"},
                                                  ":h": {"L": [closing]}})
    # WHEN the deploy's upgrade runs, twice
    upgraded = (deps.repository.upgrade_stored(deps.settings.retention_days),
                deps.repository.upgrade_stored(deps.settings.retention_days))
    # THEN it upgraded the complaint once: the TTL no longer holds it, the retention job does
    assert upgraded == (1, 0)
    [item] = stored_items(deps.settings.table_name)
    assert "expires_at" not in item and item["retention_ends"] == 1893456000
    assert item["version"] == 1 and item["inbox"]["reference"] == reference
    # AND the status page has its secret, and knows when it was closed
    assert len(item["status_secret"]) == 24
    assert item["closed_at"] == "2026-12-01T10:00:00Z"
    # AND the inbox lists it again
    entries, _ = deps.repository.by_status("afgehandeld", 50)
    assert [entry.reference for entry in entries] == [reference]


def test_upgrade_dates_a_closing_without_history_from_its_retention(
        deps: Dependencies) -> None:
    # GIVEN a complaint an earlier version closed with no status change in its history,
    # its retention ending 730 days after 1 December 2026
    answer = invoke(json_event(complaint_body()))
    reference = json.loads(answer["body"])["reference"]
    ends = int(datetime(2026, 12, 1, 10, 0, tzinfo=UTC).timestamp()) + 730 * 86_400
    boto3.client("dynamodb", region_name="eu-west-1").update_item(
        TableName=deps.settings.table_name,
        Key={"pk": {"S": f"KLACHT#{reference}"}, "sk": {"S": "KLACHT"}},
        UpdateExpression="SET #st = :a, gsi2pk = :s, retention_ends = :e "
                         "REMOVE status_secret, closed_at",
        ExpressionAttributeNames={"#st": "status"},
        ExpressionAttributeValues={":a": {"S": "ingetrokken"},
                                   ":s": {"S": "STATUS#ingetrokken"},
                                   ":e": {"N": str(ends)}})
    # WHEN the deploy's upgrade runs
    deps.repository.upgrade_stored(730)
    # THEN it was closed the retention period before its retention ends
    [item] = stored_items(deps.settings.table_name)
    assert item["closed_at"] == "2026-12-01T10:00:00Z"

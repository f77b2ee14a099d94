"""The behandelomgeving's API: the inbox, a dossier and its access log, behind the JWT
authorizer's claims; every read of complaint data logged (NEN 7513)."""

from __future__ import annotations

import base64
import csv
import io
import json
import uuid
from datetime import timedelta
from typing import Any

import boto3
import pytest
from complaint_form.dependencies import Dependencies

from tests.backend import (
    RECEIVED,
    complaint_body,
    invoke,
    invoke_staff,
    json_event,
    new_address,
    staff_event,
)

INBOX = "/api/staff/klachten"
EXPORT = "/api/staff/export"


def body_of(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def content_of(response: dict[str, Any]) -> bytes:
    """The file of an export answer."""
    return base64.b64decode(body_of(response)["content"])


def submit(**changes: Any) -> str:
    body = complaint_body(submission_id=str(uuid.uuid4()), email=new_address(), **changes)
    response = invoke(json_event(body))
    assert response["statusCode"] == 201, response["body"]
    return str(body_of(response)["reference"])


def access_entries(deps: Dependencies) -> list[dict[str, str]]:
    items = boto3.client("dynamodb", region_name="eu-west-1").scan(
        TableName=deps.settings.access_log_table_name)["Items"]
    return [{name: value["S"] for name, value in item.items()} for item in items]


def test_staff_inbox_lists_complaints_contact_due_first_and_logs_the_look(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN complaints received on Monday 23 November and on Wednesday 25 November 2026
    later = submit()
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED - timedelta(days=2))
    first = submit(form_started_at=int((RECEIVED - timedelta(days=2)).timestamp() - 60) * 1000)
    # WHEN an officer opens the inbox on Friday 27 November
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(days=4))
    response = invoke_staff(staff_event(INBOX))
    # THEN both are there, the contact due first, in working days
    assert response["statusCode"] == 200, response["body"]
    rows = body_of(response)["rows"]
    assert [row["reference"] for row in rows] == [first, later]
    assert [row["contact_due"] for row in rows] == ["vandaag", "nog 1 werkdag"]
    assert rows[0]["provider_name"] == "Dragon Coaching"
    assert response["headers"]["Cache-Control"] == "no-store"
    # AND the look is in the access log: who, what, when, from where, outcome
    [entry] = access_entries(deps)
    assert entry["event"] == "inbox" and entry["user"] == "fenna"
    assert entry["role"] == "klachtenfunctionaris" and entry["source_ip"] == "203.0.113.7"
    assert entry["outcome"] == "allowed" and entry["at"].startswith("2026-11-27")


def test_staff_inbox_pages_through_many_complaints(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("complaint_form.staff_service.PAGE_SIZE", 2)
    references = {submit() for _ in range(3)}
    first = body_of(invoke_staff(staff_event(INBOX)))
    assert len(first["rows"]) == 2 and first["next_page"]
    second = body_of(invoke_staff(staff_event(INBOX, query={"page": first["next_page"]})))
    assert {row["reference"] for row in first["rows"] + second["rows"]} == references
    assert invoke_staff(staff_event(INBOX, query={"page": "bm9uc2Vuc2U"}))["statusCode"] == 400


def test_staff_dossier_read_is_logged_and_the_beheerder_sees_who_read_it(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a complaint, read by an officer
    reference = submit()
    dossier = invoke_staff(staff_event(f"{INBOX}/{reference}"))
    assert dossier["statusCode"] == 200
    assert body_of(dossier)["complaint"]["complainant"]["name"] == "Sanne de Vries"
    assert body_of(dossier)["next_statuses"] == ["in_behandeling", "ingetrokken",
                                                 "niet_ontvankelijk"]
    # WHEN a beheerder asks, an hour later, who read it
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(hours=1))
    log = invoke_staff(staff_event(f"{INBOX}/{reference}/toegang", user="bram",
                                   groups="[beheerder klachtenfunctionaris]"))
    # THEN the officer's read is there, with role and address
    assert log["statusCode"] == 200
    entries = body_of(log)
    assert [(e["event"], e["user"], e["role"]) for e in entries] == [
        ("dossier_read", "fenna", "klachtenfunctionaris"),
        ("access_log_read", "bram", "beheerder")]
    assert entries[0]["source_ip"] == "203.0.113.7"


def test_staff_routes_refuse_the_unsigned_and_the_wrong_role(deps: Dependencies) -> None:
    reference = submit()
    routes = [INBOX, f"{INBOX}/{reference}", f"{INBOX}/{reference}/toegang", EXPORT]
    for path in routes:
        # WHEN no claims came through (the authorizer refused, or was passed around)
        assert invoke_staff(staff_event(path, user=None))["statusCode"] == 401, path
        # WHEN the user is in no staff group
        answer = invoke_staff(staff_event(path, groups="[]"))
        assert answer["statusCode"] == 403, path
        assert "Dit mag je met jouw rol niet doen" in body_of(answer)["message"]
    # AND an officer may not read the access log, nor export
    assert invoke_staff(staff_event(f"{INBOX}/{reference}/toegang"))["statusCode"] == 403
    assert invoke_staff(staff_event(EXPORT))["statusCode"] == 403
    # AND the refusals are logged too; no dossier was read
    entries = access_entries(deps)
    assert {entry["outcome"] for entry in entries} == {"refused"}
    assert all(entry["event"] != "dossier_read" or entry["outcome"] == "refused"
               for entry in entries)


def export_of(query: dict[str, str]) -> dict[str, Any]:
    return invoke_staff(staff_event(EXPORT, user="bram", groups="[beheerder]", query=query))


def test_staff_export_as_csv_has_a_row_per_complaint_with_deadlines_met_and_is_logged(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN two complaints received Monday 23 November 2026 (contact due 30 November); in
    # one, contact was made the next day; and a text a spreadsheet would run
    made = submit()
    late = submit(description="=HYPERLINK(\"http://evil.example\")")
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(days=1))
    assert act(made, action="contact_made", version=1)["statusCode"] == 200
    # WHEN a beheerder exports the ontvangen list on 1 December, without and with the text
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(days=8))
    answer = export_of({"status": "ontvangen"})
    with_text = export_of({"status": "ontvangen", "met_tekst": "true"})
    # THEN it is a CSV download, one row per complaint, with whether contact was in time
    assert answer["statusCode"] == 200, answer["body"]
    assert body_of(answer)["media_type"] == "text/csv; charset=utf-8"
    assert body_of(answer)["filename"] == "klachten-ontvangen-2026-12-01.csv"
    table = list(csv.reader(io.StringIO(content_of(answer).decode("utf-8-sig")),
                            delimiter=";"))
    header, rows = table[0], {row[0]: dict(zip(table[0], row, strict=True))
                              for row in table[1:]}
    assert set(rows) == {made, late} and "omschrijving" not in header
    assert rows[made]["contact opgenomen"] == "2026-11-24"
    assert rows[made]["contact op tijd"] == "ja" and rows[late]["contact op tijd"] == "nee"
    assert rows[made]["oordeel uiterlijk"] == "2027-01-04"
    assert rows[made]["oordeel op tijd"] == "nog open"
    # AND the complaint text only when asked for, never as a formula
    text_rows = list(csv.reader(io.StringIO(content_of(with_text).decode("utf-8-sig")),
                                delimiter=";"))
    assert "omschrijving" in text_rows[0]
    assert "'=HYPERLINK(\"http://evil.example\")" in {row[-2] for row in text_rows[1:]}
    # AND each export is in the access log, with what it held, and in each complaint's own
    exports = [e for e in access_entries(deps) if e["event"] == "export"]
    assert sorted(e["detail"] for e in exports if e["pk"] == "ZOEKEN") == [
        '{"status": "ontvangen"}; 2 klachten; met klachttekst; csv',
        '{"status": "ontvangen"}; 2 klachten; zonder klachttekst; csv']
    assert sorted((e["pk"], e["detail"]) for e in exports if e["pk"] != "ZOEKEN") == sorted(
        (f"KLACHT#{reference}", f"{text} klachttekst; csv")
        for reference in (made, late) for text in ("met", "zonder"))
    assert {(e["user"], e["role"], e["outcome"]) for e in exports} == {
        ("bram", "beheerder", "allowed")}


def test_staff_export_too_large_for_one_answer_is_refused_in_dutch_and_logged(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    import complaint_form.staff_service as staff_service

    # GIVEN a list whose file would not fit in one answer (the limit lowered to one row)
    submit()
    monkeypatch.setattr(staff_service, "MAX_EXPORT_CHARS", 300)
    # WHEN a beheerder exports it
    answer = export_of({"status": "ontvangen"})
    # THEN it is refused with what to do, and logged as refused
    assert answer["statusCode"] == 422
    assert "Maak hem kleiner met de filters" in body_of(answer)["message"]
    [entry] = [e for e in access_entries(deps) if e["event"] == "export"]
    assert entry["outcome"] == "refused" and entry["detail"].endswith("te groot")


def test_staff_export_as_xlsx_opens_in_a_spreadsheet_with_text_cells(
        deps: Dependencies) -> None:
    from openpyxl import load_workbook

    # GIVEN a complaint whose text looks like a formula
    reference = submit(description="=1+1")
    # WHEN a beheerder exports the list as XLSX with the text
    answer = export_of({"status": "ontvangen", "formaat": "xlsx", "met_tekst": "true"})
    # THEN the workbook holds the row, and the text stays text
    assert answer["statusCode"] == 200
    assert body_of(answer)["filename"].endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content_of(answer))).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][0] == reference and "=1+1" in values[1]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row
               if cell.value is not None)


def test_staff_year_figures_count_the_stored_complaints_of_the_year(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN two complaints received in 2026, one closed after 10 days
    closed = submit()
    submit()
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(days=10))
    for version, status in enumerate(["in_behandeling", "afgehandeld"], 1):
        assert act(closed, action="status", status=status, version=version)["statusCode"] == 200
    # WHEN an officer asks for the figures of 2026
    answer = invoke_staff(staff_event("/api/staff/jaarcijfers", query={"jaar": "2026"}))
    # THEN they count both, from the data, and the look is logged
    figures = body_of(answer)
    assert figures["total"] == 2 and figures["by_status"] == {"afgehandeld": 1, "ontvangen": 1}
    assert figures["median_days_to_close"] == 10
    assert [(e["event"], e["detail"]) for e in access_entries(deps)
            if e["event"] == "year_figures"] == [("year_figures", "2026")]


def test_staff_dossier_of_an_unknown_complaint_is_not_found_and_logged(
        deps: Dependencies) -> None:
    answer = invoke_staff(staff_event(f"{INBOX}/KPZ-2222-2222"))
    assert answer["statusCode"] == 404
    [entry] = access_entries(deps)
    assert (entry["event"], entry["outcome"]) == ("dossier_read", "not_found")


def test_staff_inbox_refuses_a_status_that_does_not_exist(deps: Dependencies) -> None:
    answer = invoke_staff(staff_event(INBOX, query={"status": "verwijderd"}))
    assert answer["statusCode"] == 422


def test_staff_routes_refuse_requests_around_the_distribution(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import SecretStr

    # GIVEN the staff function as deployed, knowing CloudFront's secret
    monkeypatch.setattr(deps, "settings", deps.settings.model_copy(
        update={"origin_secret": SecretStr("secret-cloudfront-adds")}))
    # WHEN a signed-in user's request comes straight to the API THEN it is refused, unlogged
    assert invoke_staff(staff_event(INBOX))["statusCode"] == 403
    assert access_entries(deps) == []
    # AND through CloudFront it is answered
    event = staff_event(INBOX)
    event["headers"]["x-origin-verify"] = "secret-cloudfront-adds"
    assert invoke_staff(event)["statusCode"] == 200


def act(reference: str, user: str = "fenna", **body: Any) -> dict[str, Any]:
    return invoke_staff(staff_event(f"{INBOX}/{reference}/acties", user=user, body=body))


def test_staff_actions_are_recorded_with_who_and_when(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a complaint an officer takes on the next day
    reference = submit()
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(days=1))
    steps = [{"action": "assign"},
             {"action": "contact_made"},
             {"action": "status", "status": "in_behandeling"},
             {"action": "note", "text": "Gebeld; mevrouw wil eerst met de aanbieder praten."}]
    # WHEN each step is done on the version the officer saw
    for version, step in enumerate(steps, start=1):
        answer = act(reference, version=version, **step)
        assert answer["statusCode"] == 200, answer["body"]
    # THEN the dossier shows the result and the history, with who and when
    item = body_of(answer)["complaint"]
    assert item["assigned_to"] == "fenna" and item["status"] == "in_behandeling"
    assert item["contact_made_at"].startswith("2026-11-24") and item["version"] == 5
    assert [(h["action"], h["user"]) for h in item["history"]] == [
        ("assigned", "fenna"), ("contact_made", "fenna"), ("status", "fenna"),
        ("note", "fenna")]
    assert item["history"][2]["detail"] == "ontvangen -> in_behandeling"
    # AND each change is in the access log
    assert sum(e["event"] == "dossier_change" and e["outcome"] == "allowed"
               for e in access_entries(deps)) == 4
    # AND the inbox of that status lists it, with its officer and the contact made
    rows = body_of(invoke_staff(staff_event(INBOX, query={"status": "in_behandeling"})))["rows"]
    assert [row["reference"] for row in rows] == [reference]
    assert rows[0]["status"] == "in_behandeling" and rows[0]["assigned_to"] == "fenna"
    assert rows[0]["contact_due"] == "contact gehad"


def test_staff_status_goes_only_along_allowed_transitions(deps: Dependencies) -> None:
    reference = submit()
    # WHEN a received complaint is closed at once THEN that is refused in Dutch
    answer = act(reference, version=1, action="status", status="afgehandeld")
    assert answer["statusCode"] == 422
    assert "kan niet volgen op de huidige status" in body_of(answer)["message"]
    # AND a status that does not exist is refused
    assert act(reference, version=1, action="status", status="verwijderd")["statusCode"] == 422


def test_staff_two_officers_changing_one_dossier_get_a_conflict_not_an_overwrite(
        deps: Dependencies) -> None:
    # GIVEN two officers who both opened the dossier at version 1
    reference = submit()
    assert act(reference, version=1, action="assign")["statusCode"] == 200
    # WHEN the second saves a change made on that version
    answer = act(reference, user="joost", version=1, action="assign")
    # THEN it is refused with a clear message, and the first change stands
    assert answer["statusCode"] == 409
    assert "Iemand anders heeft dit dossier net veranderd" in body_of(answer)["message"]
    dossier = body_of(invoke_staff(staff_event(f"{INBOX}/{reference}")))["complaint"]
    assert dossier["assigned_to"] == "fenna" and dossier["version"] == 2
    assert any(e["outcome"] == "conflict" for e in access_entries(deps))


def test_staff_actions_are_refused_for_the_wrong_role_and_unknown_complaints(
        deps: Dependencies) -> None:
    reference = submit()
    answer = invoke_staff(staff_event(f"{INBOX}/{reference}/acties", groups="[]",
                                      body={"action": "contact_made", "version": 1}))
    assert answer["statusCode"] == 403
    assert act("KPZ-2222-2222", version=1, action="contact_made")["statusCode"] == 404


def test_staff_records_the_judgement_and_the_once_only_extension(deps: Dependencies) -> None:
    # GIVEN a Wkkgz complaint received on Monday 23 November 2026 (judgement due on 4 January
    # 2027, after the one extension the terms allow on 1 February 2027)
    reference = submit()
    # WHEN the provider's written notice of an extension, dated before the term ends, is
    # recorded
    answer = act(reference, version=1, action="extension", notice_on="2026-11-23",
                 reason="Wij willen eerst de betrokken medewerker spreken.")
    # THEN the new end date is the one computed from the terms
    assert answer["statusCode"] == 200, answer["body"]
    complaint = body_of(answer)["complaint"]
    assert complaint["extension"]["until"] == "2027-02-01"
    # AND a second extension is refused, in Dutch
    again = act(reference, version=2, action="extension", notice_on="2026-11-23",
                reason="Nog meer tijd nodig.")
    assert again["statusCode"] == 422
    assert body_of(again)["message"] == "De termijn is al eens verlengd. Dat kan maar één keer."
    # AND the judgement is recorded with its date
    judged = act(reference, version=2, action="judgement", given_on="2026-11-23")
    assert body_of(judged)["complaint"]["judgement_on"] == "2026-11-23"
    assert [h["action"] for h in body_of(judged)["complaint"]["history"]] == [
        "extension", "judgement"]


def test_staff_extension_is_refused_where_the_term_does_not_allow_it(deps: Dependencies) -> None:
    # GIVEN a complaint whose term starts at the provider (no end date known here)
    zorgkracht = submit(provider="burgercoaching", regeling=None)
    answer = act(zorgkracht, version=1, action="extension", notice_on="2026-11-23",
                 reason="Drukte.")
    assert answer["statusCode"] == 422
    assert "geen termijn met verlenging bekend" in body_of(answer)["message"]


def test_staff_inbox_narrows_by_provider_regime_officer_and_overdue(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN complaints about two providers under two regimes, one of them assigned
    dragon, zorgkracht = submit(), submit(provider="zorgkracht-12", regeling="jeugdwet")
    assert act(dragon, version=1, action="assign")["statusCode"] == 200

    def listed(**query: str) -> set[str]:
        rows = body_of(invoke_staff(staff_event(INBOX, query=query)))["rows"]
        return {row["reference"] for row in rows}

    # THEN each filter narrows the list
    assert listed() == {dragon, zorgkracht}
    assert listed(provider="zorgkracht-12") == {zorgkracht}
    assert listed(regeling="wkkgz") == {dragon}
    assert listed(officer="fenna") == {dragon}
    # AND overdue: nothing yet on the day of receipt; both once their contact date passed,
    # until contact is recorded
    assert listed(overdue="true") == set()
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(days=10))
    assert listed(overdue="true") == {dragon, zorgkracht}
    assert act(dragon, version=2, action="contact_made")["statusCode"] == 200
    assert listed(overdue="true") == {zorgkracht}


def test_staff_dossier_holds_no_secrets_of_pages_and_links(deps: Dependencies) -> None:
    # GIVEN a complaint with a copy asked for
    reference = submit(send_copy=True)
    # WHEN an officer opens it THEN the page and link secrets are not in the answer
    complaint = body_of(invoke_staff(staff_event(f"{INBOX}/{reference}")))["complaint"]
    assert "page_secret" not in complaint and "submission_id" not in complaint
    assert "secret" not in complaint["copy_link"]
    assert "message_id" not in complaint["emails"]["confirmation"]


def test_staff_routes_take_only_id_tokens(deps: Dependencies) -> None:
    # GIVEN an access token's claims, which the authorizer also lets through
    event = staff_event(INBOX)
    event["requestContext"]["authorizer"]["jwt"]["claims"]["token_use"] = "access"
    # THEN the function refuses them: only an ID token names the person
    assert invoke_staff(event)["statusCode"] == 401


def test_staff_refusals_of_changes_and_made_up_pages_are_answered_and_logged(
        deps: Dependencies) -> None:
    reference = submit()
    assert act(reference, version=1, action="status", status="afgehandeld")["statusCode"] == 422
    assert [e["outcome"] for e in access_entries(deps)
            if e["event"] == "dossier_change"] == ["refused"]
    made_up = invoke_staff(staff_event(INBOX, query={"page": "eyJhIjogMX0"}))  # {"a": 1}
    assert made_up["statusCode"] == 400

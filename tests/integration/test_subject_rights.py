"""A complainant's requests to see, correct or erase their data (AVG), answered by a
beheerder through the staff API."""

from __future__ import annotations

import json
from typing import Any

from complaint_form.dependencies import Dependencies

from tests.backend import invoke_staff, staff_event, stored_items
from tests.integration.test_staff import access_entries, act, body_of, submit

INBOX = "/api/staff/klachten"
TYPED = ("Sanne", "de Vries", "@example.nl", "kwam drie keer niet opdagen",
         "afspraken worden nagekomen", "Belde haar moeder")


def as_beheerder(path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    return invoke_staff(staff_event(path, user="bram", groups="[beheerder]", body=body))


def test_subject_access_gives_everything_stored_as_json_and_a_readable_page(
        deps: Dependencies) -> None:
    # GIVEN a complaint an officer has read
    reference = submit()
    invoke_staff(staff_event(f"{INBOX}/{reference}"))
    # WHEN a beheerder asks for everything stored about the complainant
    answer = as_beheerder(f"{INBOX}/{reference}/inzage")
    # THEN the data and the page hold what was sent and who read it
    assert answer["statusCode"] == 200, answer["body"]
    access = body_of(answer)
    assert access["data"]["klacht"]["complaint"]["description"].startswith("Mijn begeleider")
    assert "dossier_read" in {entry["event"] for entry in access["data"]["toegang"]}
    for shown in ("Sanne de Vries", "@example.nl", "Dragon Coaching", "dossier bekeken"):
        assert shown in access["html"], shown
    # AND no secret of its links is in it, nor who the staff are: their role only
    assert "page_secret" not in json.dumps(access["data"])
    assert {frozenset(entry) for entry in access["data"]["toegang"]} == {
        frozenset({"at", "role", "event"})}
    assert "fenna" not in access["html"] and "203.0.113.7" not in access["html"]
    # AND the request is logged
    assert ("subject_access", "bram") in {(e["event"], e["user"]) for e in access_entries(deps)}


def test_correction_of_contact_details_is_in_the_history_without_old_values(
        deps: Dependencies) -> None:
    # GIVEN a complaint
    reference = submit()
    # WHEN a beheerder corrects the e-mail address and phone
    answer = as_beheerder(f"{INBOX}/{reference}/verbetering",
                          {"version": 1, "email": "sanne.devries@example.org",
                           "phone": "06 12345678"})
    # THEN the dossier has them, and its history says what was corrected, not the old values
    assert answer["statusCode"] == 200, answer["body"]
    complaint = body_of(answer)["complaint"]
    assert complaint["complainant"]["email"] == "sanne.devries@example.org"
    assert complaint["complainant"]["name"] == "Sanne de Vries"
    assert complaint["version"] == 2
    [entry] = complaint["history"]
    assert (entry["action"], entry["detail"]) == ("correction",
                                                  "e-mailadres, telefoonnummer verbeterd")
    # AND a wrong address, or nothing to correct, is refused
    for body in ({"version": 2, "email": "sanne"}, {"version": 2}):
        wrong = as_beheerder(f"{INBOX}/{reference}/verbetering", body)
        assert wrong["statusCode"] == 422, body


def test_correction_of_the_address_gives_up_the_copy_nobody_confirmed_there(
        deps: Dependencies) -> None:
    from complaint_form.service import retry_pending_emails

    # GIVEN a complaint whose copy was confirmed at the old address, not yet sent
    reference = submit(send_copy=True)
    deps.repository.confirm_copy(reference, deps.clock())
    # WHEN the address is corrected
    answer = as_beheerder(f"{INBOX}/{reference}/verbetering",
                          {"version": 1, "email": "ander@example.org"})
    # THEN the copy, which quotes the complaint, does not go to the new address
    assert answer["statusCode"] == 200, answer["body"]
    [item] = stored_items(deps.settings.table_name)
    assert item["emails"]["copy"]["status"] == "failed" and item["copy_link"] is None
    assert retry_pending_emails() == 0


def test_erasure_leaves_no_personal_data_in_the_item_and_a_log_entry_behind(
        deps: Dependencies) -> None:
    # GIVEN a complaint with a note about the person
    reference = submit()
    act(reference, action="note", version=1, text="Belde haar moeder; zij neemt het over.")
    # WHEN a beheerder erases the complainant's data on request
    answer = as_beheerder(f"{INBOX}/{reference}/wissen",
                          {"version": 2, "reason": "Verzoek van de klager van 1 december."})
    # THEN nothing the person typed or that identifies them is left in the stored item
    assert answer["statusCode"] == 200, answer["body"]
    [item] = stored_items(deps.settings.table_name)
    stored = json.dumps(item, ensure_ascii=False, default=str)
    for typed in TYPED:
        assert typed not in stored, typed
    # AND the case is kept: kenmerk, provider, dates, status; the reason is in its history
    assert item["reference"] == reference and item["provider"]["name"] == "Dragon Coaching"
    assert item["deadlines"]["contact_by"] == "2026-11-30" and item["erased_at"]
    assert item["history"][-1]["action"] == "erasure"
    assert item["history"][-1]["detail"] == "Verzoek van de klager van 1 december."
    # AND the access log holds the erasure, by whom
    assert ("erasure", "bram", "allowed") in {
        (e["event"], e["user"], e["outcome"]) for e in access_entries(deps)}


def test_erasure_while_an_email_to_the_person_is_being_sent_is_a_conflict(
        deps: Dependencies) -> None:
    # GIVEN a complaint whose confirmed copy the retry is sending right now
    reference = submit(send_copy=True)
    deps.repository.confirm_copy(reference, deps.clock())
    deps.repository.claim_email(reference, "copy", deps.clock())
    # WHEN its data is erased THEN the beheerder is asked to try again, nothing is erased
    answer = as_beheerder(f"{INBOX}/{reference}/wissen", {"version": 1, "reason": "Verzoek."})
    assert answer["statusCode"] == 409
    [item] = stored_items(deps.settings.table_name)
    assert item["complainant"]["name"] == "Sanne de Vries"


def test_subject_rights_are_for_beheerders_only(deps: Dependencies) -> None:
    # GIVEN a complaint WHEN an officer tries each request THEN each is refused
    reference = submit()
    for path, body in ((f"{INBOX}/{reference}/inzage", None),
                       (f"{INBOX}/{reference}/verbetering", {"version": 1, "name": "X"}),
                       (f"{INBOX}/{reference}/wissen", {"version": 1, "reason": "test"})):
        assert invoke_staff(staff_event(path, body=body))["statusCode"] == 403, path
    # AND an erasure on an old version is a conflict, not an overwrite
    act(reference, action="note", version=1, text="Gebeld.")
    stale = as_beheerder(f"{INBOX}/{reference}/wissen", {"version": 1, "reason": "Verzoek."})
    assert stale["statusCode"] == 409

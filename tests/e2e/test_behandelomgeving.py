"""The behandelomgeving in Chromium: sign in with password and TOTP code, the inbox, a
dossier and its actions, and who looked at it; no axe violations on its views."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from devserver.staff import LOCAL_ACCOUNTS, NEW_ACCOUNT, TOTP_SECRET, totp_code
from tests.backend import complaint_body, new_address
from tests.e2e.test_accessibility import violations
from tests.local_product import LocalProduct

OFFICER = "functionaris@klachtenportaal.local"
ADMINISTRATOR = "beheerder@klachtenportaal.local"


def submit(product: LocalProduct, address: str | None = None) -> str:
    """A complaint posted as the page's script posts it; its kenmerk."""
    body = complaint_body(submission_id=str(uuid.uuid4()), email=address or new_address(),
                          form_started_at=None)
    body["form_started_at"] = 1_795_424_100_000
    request = urllib.request.Request(product.url + "api/klachten", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return str(json.loads(answer.read())["reference"])


def sign_in(page: Page, product: LocalProduct, username: str, fragment: str = "") -> None:
    page.goto(product.url + "behandelomgeving/" + fragment)
    page.fill("#staff-email", username)
    page.fill("#staff-password", LOCAL_ACCOUNTS[username][0])
    page.click("[data-kp-signin] button[type=submit]")
    page.fill("#staff-code", totp_code())
    page.click("[data-kp-code] button[type=submit]")


def test_behandelomgeving_offers_no_sign_in_without_script(page_without_js: Page,
                                                          product: LocalProduct) -> None:
    # GIVEN a browser without script (or one still loading it)
    page = page_without_js
    # WHEN the behandelomgeving opens
    page.goto(product.url + "behandelomgeving/")
    # THEN it says it needs script, and offers no form that would put a password in the URL
    expect(page.locator("[data-kp-view=start]")).to_contain_text("werkt met JavaScript")
    expect(page.locator("#staff-password")).to_be_hidden()


def test_behandelomgeving_officer_signs_in_with_mfa_and_works_a_complaint(
        page: Page, product: LocalProduct) -> None:
    # GIVEN a complaint that came in through the form
    reference = submit(product)
    # WHEN an officer signs in: a wrong code first, then the right one
    page.goto(product.url + "behandelomgeving/")
    assert violations(page) == []
    page.fill("#staff-email", OFFICER)
    page.fill("#staff-password", LOCAL_ACCOUNTS[OFFICER][0])
    page.click("[data-kp-signin] button[type=submit]")
    page.fill("#staff-code", "000000" if totp_code() != "000000" else "111111")
    page.click("[data-kp-code] button[type=submit]")
    expect(page.locator("[data-kp-staff-notice]")).to_contain_text("De code klopt niet")
    page.fill("#staff-code", totp_code())
    page.click("[data-kp-code] button[type=submit]")
    # THEN the inbox shows complaints, the contact due first
    expect(page.locator("[data-kp-rows] tr").first).to_be_visible()
    assert violations(page) == []
    # AND the filters narrow it: this provider, this regime
    page.fill("#staff-filter-provider", "dragon-coaching")
    page.select_option("#staff-filter-regeling", "wkkgz")
    page.click("[data-kp-filters] button[type=submit]")
    # (the shared local product may hold hundreds: the new one need not be on page 1)
    expect(page.locator("[data-kp-rows] tr").first).to_contain_text("Dragon Coaching")
    expect(page.locator("[data-kp-rows]")).not_to_contain_text("Zorgkracht 12")
    # WHEN the officer opens the dossier by its kenmerk
    page.fill("#staff-search", reference)
    page.click("[data-kp-search] button[type=submit]")
    # THEN everything the complainant sent is there
    expect(page.locator("[data-kp-dossier-title]")).to_have_text(f"Dossier {reference}")
    expect(page.locator("[data-kp-facts]")).to_contain_text("Sanne de Vries")
    expect(page.locator("[data-kp-facts] dt:text-is('Taal van de klager') + dd")) \
        .to_have_text("Nederlands")
    expect(page.locator("[data-kp-description]")).to_contain_text("kwam drie keer niet")
    expect(page.locator("[data-kp-emails]")).to_contain_text("Ontvangstbevestiging: verstuurd")
    assert violations(page) == []
    # WHEN the officer takes it on, records the call, moves it on and writes a note
    page.click("[data-kp-assign]")
    expect(page.locator("[data-kp-facts]")).to_contain_text(OFFICER)
    page.click("[data-kp-contact]")
    expect(page.locator("[data-kp-facts]")).to_contain_text("contact opgenomen")
    page.select_option("[data-kp-next-status]", "in_behandeling")
    page.click("[data-kp-status-form] button[type=submit]")
    expect(page.locator("[data-kp-facts]")).to_contain_text("In behandeling")
    page.fill("#staff-note", "Gebeld; ze wil eerst zelf met de aanbieder praten.")
    page.click("[data-kp-note-form] button[type=submit]")
    # (each action answers with the new version: the next one waits for it, as a person does)
    expect(page.locator("[data-kp-history] li")).to_have_count(4)
    page.fill("#staff-extension-date", "2026-11-23")
    page.fill("#staff-extension-reason", "De zorgaanbieder wil eerst de medewerker spreken.")
    page.click("[data-kp-extension-form] button[type=submit]")
    # THEN the new end date shows, and a second extension is refused in Dutch
    expect(page.locator("[data-kp-facts]")).to_contain_text("(verlengd)")
    page.click("[data-kp-extension-form] button[type=submit]")
    expect(page.locator("[data-kp-staff-notice]")).to_contain_text("al eens verlengd")
    # AND the history shows each step with who did it
    history = page.locator("[data-kp-history] li")
    expect(history).to_have_count(5)
    expect(history.nth(3)).to_contain_text("Notitie: Gebeld")
    expect(history.nth(0)).to_contain_text(OFFICER)
    # AND an officer does not get to see who looked at the dossier, nor export
    expect(page.locator("[data-kp-access-block]")).to_be_hidden()
    expect(page.locator("[data-kp-export]")).to_be_hidden()
    # AND the inbox lists it under its new status, with its officer and the contact made
    page.click("[data-kp-back]")
    page.select_option("[data-kp-status]", "in_behandeling")
    page.fill("#staff-filter-officer", OFFICER)
    page.click("[data-kp-filters] button[type=submit]")
    row = page.locator("[data-kp-rows] tr", has_text=reference)
    for shown in ("klacht", "In behandeling", OFFICER, "contact gehad"):
        expect(row).to_contain_text(shown)


def test_behandelomgeving_beheerder_sees_who_looked_at_a_dossier(
        page: Page, product: LocalProduct) -> None:
    # GIVEN a complaint an officer has read
    reference = submit(product)
    sign_in(page, product, OFFICER, f"#{reference}")
    expect(page.locator("[data-kp-dossier-title]")).to_have_text(f"Dossier {reference}")
    page.evaluate("sessionStorage.clear()")
    page.goto("about:blank")
    # WHEN a beheerder opens the same dossier and asks who looked at it
    sign_in(page, product, ADMINISTRATOR, f"#{reference}")
    expect(page.locator("[data-kp-dossier-title]")).to_have_text(f"Dossier {reference}")
    page.click("[data-kp-access]")
    # THEN the officer's read is there, with role and outcome
    entries = page.locator("[data-kp-access-list] li")
    expect(entries.first).to_contain_text(
        f"{OFFICER} (klachtenfunctionaris) · dossier bekeken")
    assert violations(page) == []


def test_behandelomgeving_beheerder_exports_the_list_as_excel(
        page: Page, product: LocalProduct, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    # GIVEN a new complaint, and a beheerder at the inbox
    reference = submit(product)
    sign_in(page, product, ADMINISTRATOR)
    expect(page.locator("[data-kp-rows] tr").first).to_be_visible()
    # WHEN the beheerder exports the ontvangen list as Excel
    with page.expect_download() as download:
        page.click("[data-kp-export] button[value=xlsx]")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    # THEN the workbook lists the complaint, without its text
    assert saved.name.startswith("klachten-ontvangen-") and saved.suffix == ".xlsx"
    sheet = load_workbook(saved).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "omschrijving" not in rows[0]
    assert reference in [row[0] for row in rows[1:]]
    assert violations(page) == []


def test_behandelomgeving_beheerder_answers_the_complainants_requests_about_their_data(
        page: Page, product: LocalProduct, tmp_path: Path) -> None:
    # GIVEN a complaint, and a beheerder at its dossier
    reference = submit(product)
    sign_in(page, product, ADMINISTRATOR, f"#{reference}")
    expect(page.locator("[data-kp-dossier-title]")).to_have_text(f"Dossier {reference}")
    # WHEN the beheerder downloads everything stored about the complainant
    with page.expect_download() as first:
        page.click("[data-kp-subject-access]")
    saved = tmp_path / first.value.suggested_filename
    first.value.save_as(saved)
    # THEN it is a readable page with the complainant's data
    assert saved.name == f"gegevens-{reference}.html"
    assert "Sanne de Vries" in saved.read_text(encoding="utf-8")
    # WHEN the e-mail address is corrected THEN the dossier shows it and the history says so
    page.fill("#staff-correct-email", "sanne.nieuw@example.org")
    page.click("[data-kp-correction-form] button[type=submit]")
    expect(page.locator("[data-kp-facts]")).to_contain_text("sanne.nieuw@example.org")
    expect(page.locator("[data-kp-history]")).to_contain_text("Gegevens verbeterd")
    assert violations(page) == []
    # WHEN the data is erased, with the reason
    page.fill("#staff-erasure-reason", "Verzoek van de klager per brief.")
    page.check("#staff-erasure-sure")
    page.click("[data-kp-erasure-form] button[type=submit]")
    # THEN the name is gone from the dossier, and the history holds the reason
    expect(page.locator("[data-kp-history]")).to_contain_text("Verzoek van de klager per brief")
    expect(page.locator("[data-kp-facts]")).not_to_contain_text("Sanne de Vries")


def test_behandelomgeving_year_figures_count_this_years_complaints(
        page: Page, product: LocalProduct) -> None:
    # GIVEN a complaint received this year, and an officer at the inbox
    submit(product)
    sign_in(page, product, OFFICER)
    expect(page.locator("[data-kp-rows] tr").first).to_be_visible()
    # WHEN the officer opens the year figures
    page.click("[data-kp-figures-open]")
    # THEN this year's count, the deadlines met and a chart per regime show, accessibly
    figures = page.locator("[data-kp-figures]")
    expect(figures).to_contain_text("klachten en vragen om advies binnen")
    expect(figures).to_contain_text("Contact binnen de termijn")
    expect(figures.locator("svg[role=img]")).to_have_attribute(
        "aria-label", re.compile(r"^Klachten per regeling: .+ \d+"))
    expect(figures.locator("table caption", has_text="Per zorgaanbieder")).to_be_visible()
    assert violations(page) == []
    # AND a year without complaints says so
    page.fill("#staff-year", "2001")
    page.click("[data-kp-figures-form] button[type=submit]")
    expect(figures).to_have_text("In 2001 kwamen 0 klachten en vragen om advies binnen.")


def tab_to(page: Page, selector: str, presses: int = 80) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user moves through a page."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)",
                         selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_behandelomgeving_works_with_the_keyboard_only(page: Page,
                                                       product: LocalProduct) -> None:
    # GIVEN a complaint, and an officer who uses no mouse
    reference = submit(product)
    page.goto(product.url + "behandelomgeving/")
    # WHEN the officer signs in, finds the complaint and takes it on with keys alone
    tab_to(page, "#staff-email")
    page.keyboard.type(OFFICER)
    tab_to(page, "#staff-password")
    page.keyboard.type(LOCAL_ACCOUNTS[OFFICER][0])
    page.keyboard.press("Enter")
    expect(page.locator("#staff-code")).to_be_focused()
    page.keyboard.type(totp_code())
    page.keyboard.press("Enter")
    expect(page.locator("[data-kp-rows] tr").first).to_be_visible()
    tab_to(page, "#staff-search")
    page.keyboard.type(reference)
    page.keyboard.press("Enter")
    expect(page.locator("[data-kp-dossier-title]")).to_be_focused()
    tab_to(page, "[data-kp-assign]")
    page.keyboard.press("Enter")
    # THEN it is theirs
    expect(page.locator("[data-kp-facts]")).to_contain_text(OFFICER)


def test_behandelomgeving_signs_out_after_a_quarter_of_an_hour_without_activity(
        page: Page, product: LocalProduct) -> None:
    # GIVEN a signed-in officer on a page whose clock the test moves
    page.clock.install()
    sign_in(page, product, OFFICER)
    expect(page.locator("[data-kp-view=inbox]")).to_be_visible()
    # WHEN sixteen minutes pass without a key or a click
    page.clock.run_for("16:00")
    # THEN the officer is signed out, and told why
    expect(page.locator("#staff-email")).to_be_visible()
    expect(page.locator("[data-kp-staff-notice]")).to_contain_text("een kwartier niets")
    assert page.evaluate("sessionStorage.getItem('kp-staff-token')") is None


def test_behandelomgeving_first_sign_in_chooses_a_password_and_sets_up_totp(
        page: Page, product: LocalProduct) -> None:
    # GIVEN an account a beheerder just made: a temporary password, no TOTP yet
    username, temporary, _ = NEW_ACCOUNT
    page.goto(product.url + "behandelomgeving/")
    page.fill("#staff-email", username)
    page.fill("#staff-password", temporary)
    page.click("[data-kp-signin] button[type=submit]")
    # WHEN the new officer chooses a password (a weak one first) and sets up the app
    page.fill("#staff-new-password", "kort")
    page.press("#staff-new-password", "Enter")
    expect(page.locator("#staff-new-password")).to_be_focused()
    page.fill("#staff-new-password", "Eigen-Wachtwoord-2026")
    page.click("[data-kp-newpassword] button[type=submit]")
    expect(page.locator("[data-kp-secret]")).to_have_text(TOTP_SECRET)
    assert violations(page) == []
    page.fill("#staff-setup-code", totp_code())
    page.click("[data-kp-mfasetup] button[type=submit]")
    # THEN the officer is signed in and sees the inbox
    expect(page.locator("[data-kp-view=inbox]")).to_be_visible()

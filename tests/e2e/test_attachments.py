"""Attachments in Chromium: files chosen in the form go straight to (the dev server's) S3;
a fake PDF and the EICAR test file are refused in Dutch; staff open the clean one. Without
script, a file is added on the confirmation page."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from devserver.uploads import EICAR
from tests.e2e.forms import CONTINUE, PROVIDER, REFERENCE, SEND, fill_complaint
from tests.e2e.test_accessibility import violations
from tests.e2e.test_behandelomgeving import OFFICER, sign_in
from tests.local_product import LocalProduct

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "files"


def fake_files(folder: Path) -> tuple[Path, Path]:
    """A program renamed to .pdf, and the EICAR test file as a text file."""
    fake = folder / "rekening.pdf"
    fake.write_bytes((FILES / "nep.pdf").read_bytes())
    eicar = folder / "notitie.txt"
    eicar.write_bytes(EICAR)
    return fake, eicar


def test_attachments_with_javascript_refuse_fakes_and_reach_the_dossier(
        page: Page, browser: Browser, product: LocalProduct, tmp_path: Path,
        artifacts: Path) -> None:
    fake, eicar = fake_files(tmp_path)
    # A row gets its remove button once its upload is done ("wordt toegevoegd..." before).
    added = page.locator("[data-kp-file-list] li:has(button)")
    # GIVEN a filled-in form with a real PDF and a program renamed to .pdf
    page.goto(product.url + PROVIDER)
    fill_complaint(page)
    page.set_input_files("#attachments", [str(FILES / "brief.pdf"), str(fake)])
    expect(added).to_have_count(2)
    assert violations(page) == []
    # WHEN they go on
    page.click(CONTINUE)
    # THEN the fake is refused in Dutch, by its content, and nothing goes on
    summary = page.locator("[data-kp-error-summary]")
    expect(summary).to_contain_text("'rekening.pdf' is geen echte PDF")
    expect(page.locator("#attachments-error")).to_be_visible()
    # WHEN they remove it and add the EICAR test file instead
    page.click("[data-kp-file-list] li:has-text('rekening.pdf') button")
    page.set_input_files("#attachments", str(eicar))
    expect(added).to_have_count(2)
    page.click(CONTINUE)
    # THEN the malware scan's result refuses it
    expect(summary).to_contain_text("In 'notitie.txt' is een virus gevonden")
    page.screenshot(path=artifacts / "attachment-refused.png", full_page=True)
    # WHEN they remove that too, check their answers and send
    page.click("[data-kp-file-list] li:has-text('notitie.txt') button")
    page.click(CONTINUE)
    expect(page.locator("[data-kp-check]")).to_contain_text("brief.pdf")
    page.click(SEND)
    reference = page.locator("[data-kp-confirmation] [data-kp-reference]")
    expect(reference).to_have_text(REFERENCE)
    kenmerk = reference.inner_text()
    # THEN the complaint keeps the PDF, and an officer opens it from the dossier
    assert [a["name"] for a in product.item(kenmerk)["attachments"]] == ["brief.pdf"]  # type: ignore[union-attr]
    staff = browser.new_page()
    sign_in(staff, product, OFFICER, fragment="#" + kenmerk)
    listed = staff.locator("[data-kp-attachments] li")
    expect(listed).to_contain_text("brief.pdf")
    assert violations(staff) == []
    with staff.expect_download() as download:
        listed.get_by_role("button", name="Open brief.pdf").click()
    assert Path(download.value.path()).read_bytes() == (FILES / "brief.pdf").read_bytes()
    assert download.value.suggested_filename == "brief.pdf"
    staff.close()


def test_attachments_without_javascript_are_added_after_sending(
        page_without_js: Page, page: Page, product: LocalProduct, tmp_path: Path) -> None:
    scripted, page = page, page_without_js
    fake, _ = fake_files(tmp_path)
    # GIVEN a complaint sent without script: the form says files come after sending
    page.goto(product.url + PROVIDER)
    expect(page.locator("[data-kp-attachments-later]")).to_be_visible()
    expect(page.locator("#attachments")).to_be_hidden()
    fill_complaint(page)
    page.click(CONTINUE)
    page.click(SEND)
    expect(page).to_have_url(re.compile(r"/ontvangstbevestiging/"))
    kenmerk = page.locator("[data-kp-reference]").inner_text()
    # (the page with its upload form, on a phone: axe needs script, so in another page)
    scripted.set_viewport_size({"width": 375, "height": 800})
    scripted.goto(page.url)
    assert violations(scripted) == []
    assert scripted.evaluate("document.documentElement.scrollWidth") <= 375
    # WHEN they add a PDF on the confirmation page
    page.set_input_files("#file", str(FILES / "brief.pdf"))
    page.get_by_role("button", name="Bestand toevoegen").click()
    # THEN they are back on it, told it was added, and the complaint keeps it
    expect(page.locator("[role=status]")).to_contain_text("Je bestand is toegevoegd")
    assert [a["name"] for a in product.item(kenmerk)["attachments"]] == ["brief.pdf"]  # type: ignore[union-attr]
    # WHEN they add a program renamed to .pdf
    page.set_input_files("#file", str(fake))
    page.get_by_role("button", name="Bestand toevoegen").click()
    # THEN a page says in Dutch why it is not taken
    expect(page.locator("h1")).to_have_text("Bestand niet toegevoegd")
    expect(page.locator("main")).to_contain_text("'rekening.pdf' is geen echte PDF")
    scripted.set_content(page.content())
    assert violations(scripted) == []
    assert scripted.evaluate("document.documentElement.scrollWidth") <= 375
    assert len(product.item(kenmerk)["attachments"]) == 1  # type: ignore[arg-type]

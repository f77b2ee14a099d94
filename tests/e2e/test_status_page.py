"""The complainant's status page in Chromium: from the ontvangstbevestiging's link, showing
a status change staff make in the behandelomgeving; the link asked for again."""

from __future__ import annotations

import re
import time
from email import message_from_bytes, policy
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.e2e.forms import CONTINUE, PROVIDER, REFERENCE, SEND, fill_complaint
from tests.e2e.test_accessibility import violations
from tests.e2e.test_behandelomgeving import OFFICER, sign_in
from tests.local_product import LocalProduct

STATUS_LINK = re.compile(r"http\S+/api/klachten/KPZ-[0-9A-Z-]+/status/[\w-]+")


def status_links_to(product: LocalProduct, address: str, subject: str,
                    wait_seconds: float = 10) -> list[str]:
    """The status links in the e-mails to `address` whose subject starts with `subject`."""
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        links = []
        for path in product.emails():
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == address and str(message["Subject"]).startswith(subject):
                body = message.get_body(preferencelist=("plain",))
                assert body is not None
                links += STATUS_LINK.findall(str(body.get_content()))
        if links:
            return links
        time.sleep(0.2)
    raise AssertionError(f"no e-mail {subject!r} with a status link to {address}")


def test_status_page_shows_the_status_staff_set_and_its_link_can_be_asked_again(
        page: Page, browser: Browser, product: LocalProduct, artifacts: Path) -> None:
    # GIVEN a complaint sent through the form
    page.goto(product.url + PROVIDER)
    fill_complaint(page)
    address = page.input_value("#email")
    page.click(CONTINUE)
    page.click(SEND)
    reference = page.locator("[data-kp-confirmation] [data-kp-reference]")
    expect(reference).to_have_text(REFERENCE)
    kenmerk = reference.inner_text()
    # WHEN the complainant opens the link in their ontvangstbevestiging
    [link] = status_links_to(product, address, "Ontvangstbevestiging")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(link)
    # THEN they see it is received, with its deadlines and the next step
    expect(page.locator("h1")).to_have_text("Je klacht over Dragon Coaching")
    expect(page.locator("[data-kp-status]")).to_contain_text("We hebben je klacht ontvangen")
    expect(page.locator("main")).to_contain_text("Wat is de volgende stap?")
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=artifacts / "status-page.png", full_page=True)
    # WHEN an officer takes it into treatment in the behandelomgeving
    staff = browser.new_page()
    sign_in(staff, product, OFFICER, fragment="#" + kenmerk)
    expect(staff.locator("[data-kp-dossier-title]")).to_have_text(f"Dossier {kenmerk}")
    staff.select_option("[data-kp-next-status]", "in_behandeling")
    staff.click("[data-kp-status-form] button[type=submit]")
    expect(staff.locator("[data-kp-facts]")).to_contain_text("In behandeling")
    staff.close()
    # THEN the complainant's page shows it
    page.reload()
    expect(page.locator("[data-kp-status]")).to_contain_text(
        "Een klachtenfunctionaris van Klachtenportaal Zorg werkt aan je klacht")
    # WHEN they lost the e-mail and ask for the link on the site, with their kenmerk
    page.goto(product.url + "klacht-volgen/")
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("#reference", kenmerk.lower())
    page.fill("#email", address)
    page.click("form[action$='/statuslink'] button[type=submit]")
    # THEN they are told what happens, and the same link reaches their address
    expect(page.locator("main")).to_contain_text("Als het kenmerk en het e-mailadres bij")
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert status_links_to(product, address, "De link naar") == [link]

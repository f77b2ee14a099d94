"""An English provider page in Chromium, through to the English ontvangstbevestiging."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.forms import CONTINUE, REFERENCE, SEND, fill_complaint
from tests.e2e.test_accessibility import violations
from tests.e2e.test_status_page import status_links_to
from tests.languages import dutch_words_in
from tests.local_product import LocalProduct

ENGLISH_PROVIDER = "en/aanbieders/dragon-coaching/"


def fill_in_english(page: Page) -> str:
    """The form filled in as an English reader would; the address used."""
    fill_complaint(page, name="Sam Jones")
    page.fill("#description", "My coach did not turn up three times.")
    page.fill("#desired_outcome", "That appointments are kept.")
    return page.input_value("#email")


def english_email_to(product: LocalProduct, address: str) -> tuple[str, str]:
    """Subject and HTML of the ontvangstbevestiging sent to `address`."""
    for path in product.emails():
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            html = message.get_body(preferencelist=("html",))
            assert html is not None
            return str(message["Subject"]), str(html.get_content())
    raise AssertionError(f"no e-mail to {address} in {product.outbox}")


def test_english_provider_page_through_to_an_english_ontvangstbevestiging(
        page: Page, product: LocalProduct, artifacts: Path) -> None:
    # GIVEN a reader on the English page of a provider that asked for one
    page.goto(product.url + ENGLISH_PROVIDER)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Complaints about Dragon Coaching")
    expect(page.locator(".kp-language a")).to_have_text("Nederlands")
    # WHEN they fill in the form, check their answers and send them
    address = fill_in_english(page)
    page.click(CONTINUE)
    expect(page.locator("[data-kp-check-title]")).to_have_text("Check your answers")
    assert dutch_words_in(page.locator("[data-kp-check]").inner_html()) == []
    assert violations(page) == []
    page.click(SEND)
    # THEN the confirmation is English, with the reference
    confirmation = page.locator("[data-kp-confirmation]")
    expect(confirmation.locator("[data-kp-reference]")).to_have_text(REFERENCE)
    expect(confirmation.locator("h3")).to_have_text("Your complaint has been received")
    assert dutch_words_in(confirmation.inner_html()) == []
    page.screenshot(path=artifacts / "english-confirmation.png", full_page=True)
    reference = confirmation.locator("[data-kp-reference]").inner_text()
    # AND the ontvangstbevestiging is English
    subject, html = english_email_to(product, address)
    assert subject.startswith("Confirmation of receipt") and reference in subject
    assert '<html lang="en">' in html and dutch_words_in(html) == []
    # AND its status link opens an English status page that passes axe and fits a phone
    [link] = status_links_to(product, address, "Confirmation of receipt")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert dutch_words_in(page.content()) == []
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_english_form_shows_its_mistakes_in_english(page: Page,
                                                    product: LocalProduct) -> None:
    # GIVEN the English form WHEN sent empty
    page.goto(product.url + ENGLISH_PROVIDER)
    page.click(CONTINUE)
    # THEN the errors are English, and the page passes axe
    summary = page.locator("[data-kp-error-summary]")
    expect(summary).to_be_visible()
    assert dutch_words_in(summary.inner_html()) == []
    assert violations(page) == []


def test_english_confirmation_page_without_script_is_english_and_accessible(
        page_without_js: Page, page: Page, product: LocalProduct) -> None:
    # GIVEN the English form sent without script
    page_without_js.goto(product.url + ENGLISH_PROVIDER)
    fill_in_english(page_without_js)
    page_without_js.click(CONTINUE)
    expect(page_without_js.locator("h1")).to_have_text("Check your answers")
    page_without_js.click(SEND)
    expect(page_without_js.locator("[data-kp-reference]")).to_have_text(REFERENCE)
    # WHEN its confirmation page is read (in a browser that runs axe)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page_without_js.url)
    # THEN it is English, passes axe, fits a phone, and leads back to the English page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert dutch_words_in(page.content()) == []
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click(f"a[href$='/{ENGLISH_PROVIDER}']")
    expect(page.locator("h1")).to_have_text("Complaints about Dragon Coaching")


def test_language_switch_leads_to_the_same_page_in_the_other_language(
        page: Page, product: LocalProduct) -> None:
    # GIVEN the Dutch page of the provider WHEN its language switch is followed
    page.goto(product.url + "aanbieders/dragon-coaching/")
    page.click(".kp-language a")
    # THEN the English page opens, and its switch leads back
    expect(page.locator("h1")).to_have_text("Complaints about Dragon Coaching")
    page.click(".kp-language a")
    expect(page.locator("h1")).to_have_text("Klachten over Dragon Coaching")

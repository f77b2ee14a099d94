from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.backend import new_address
from tests.e2e.forms import CONTINUE, DESCRIPTION, PROVIDER, REFERENCE, SEND, fill_complaint
from tests.local_product import LocalProduct


def email_with(product: LocalProduct, reference: str) -> str:
    for path in product.emails():
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if reference in str(message["Subject"]) and message["To"].endswith("@example.nl"):
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            return str(body.get_content())
    raise AssertionError(f"no ontvangstbevestiging for {reference} in {product.outbox}")


def test_complaint_form_with_javascript_shows_reference_and_sends_confirmation(
        page: Page, product: LocalProduct, artifacts: Path) -> None:
    # GIVEN a client on a provider's klachtenpagina
    page.goto(product.url + PROVIDER)
    expect(page.locator("h1")).to_have_text("Klachten over Dragon Coaching")
    page.screenshot(path=artifacts / "provider-page.png", full_page=True)
    # WHEN they fill in the form, check their answers and send them
    fill_complaint(page)
    page.click(CONTINUE)
    page.click(SEND)
    # THEN they see the reference at once, focused
    reference_box = page.locator("[data-kp-confirmation] [data-kp-reference]")
    expect(reference_box).to_have_text(REFERENCE)
    expect(page.locator("[data-kp-confirmation]")).to_be_focused()
    reference = reference_box.inner_text()
    page.screenshot(path=artifacts / "confirmation.png", full_page=True)
    # AND the outbox holds the ontvangstbevestiging and the complaint is stored
    assert reference in email_with(product, reference)
    assert product.stored(reference) == 200


def test_complaint_form_without_javascript_redirects_to_confirmation(
        page_without_js: Page, product: LocalProduct, artifacts: Path) -> None:
    page = page_without_js
    page.goto(product.url + PROVIDER)
    fill_complaint(page, name="Sanne zonder script")
    page.click(CONTINUE)
    page.click(SEND)
    expect(page).to_have_url(re.compile(
        r"/api/klachten/KPZ-[0-9A-Z-]+/ontvangstbevestiging/[\w-]+$"))
    reference = page.locator("[data-kp-reference]").inner_text()
    assert REFERENCE.fullmatch(reference)
    page.screenshot(path=artifacts / "confirmation-without-javascript.png", full_page=True)
    assert reference in email_with(product, reference)
    assert product.stored(reference) == 200


def test_check_answers_with_javascript_changes_one_answer_and_stores_only_after_sending(
        page: Page, product: LocalProduct, artifacts: Path) -> None:
    # GIVEN a filled-in form
    page.goto(product.url + PROVIDER)
    fill_complaint(page)
    stored_before = product.references()
    # WHEN they go on
    page.click(CONTINUE)
    # THEN every answer is shown in place of the form, with the heading focused
    check = page.locator("[data-kp-check]")
    expect(page.locator("[data-kp-check-title]")).to_be_focused()
    expect(page.locator("[data-kp-complaint-form]")).to_be_hidden()
    expect(check).to_contain_text(DESCRIPTION)
    expect(check).to_contain_text("Dragon Coaching")
    expect(check.locator("[data-kp-change]")).to_have_count(12)
    page.screenshot(path=artifacts / "check-answers.png", full_page=True)
    assert product.references() == stored_before, "nothing is stored before sending"
    # WHEN they change the description
    page.click("[data-kp-change=description]")
    # THEN the form is back, at that field, with what they typed
    expect(page.locator("#description")).to_be_focused()
    expect(page.locator("#description")).to_have_value(DESCRIPTION)
    expect(page.locator("#name")).to_have_value("Sanne de Vries")
    page.fill("#description", "Mijn begeleider kwam vier keer niet opdagen.")
    page.click(CONTINUE)
    expect(check).to_contain_text("vier keer")
    expect(check).not_to_contain_text("drie keer")
    # AND what is sent and stored is the changed answer
    page.click(SEND)
    reference = page.locator("[data-kp-confirmation] [data-kp-reference]")
    expect(reference).to_have_text(REFERENCE)
    item = product.item(reference.inner_text())
    assert item["complaint"] == {**item["complaint"],  # type: ignore[dict-item]
                                 "description": "Mijn begeleider kwam vier keer niet opdagen."}


def test_check_answers_without_javascript_changes_one_answer_and_sends_it(
        page_without_js: Page, product: LocalProduct, artifacts: Path) -> None:
    page = page_without_js
    # GIVEN a filled-in form, without script
    page.goto(product.url + PROVIDER)
    fill_complaint(page, name="Sanne zonder script")
    stored_before = product.references()
    # WHEN they go on
    page.click(CONTINUE)
    # THEN a page of its own shows every answer
    expect(page).to_have_url(re.compile(r"/api/klachten/controleren$"))
    expect(page.locator("h1")).to_have_text("Controleer je antwoorden")
    expect(page.locator(".kp-summary")).to_contain_text(DESCRIPTION)
    page.screenshot(path=artifacts / "check-answers-without-javascript.png", full_page=True)
    assert product.references() == stored_before
    # WHEN they change the description
    page.click("[data-kp-change=description]")
    # THEN the form is back, scrolled to that field, with everything they typed
    expect(page).to_have_url(re.compile(r"/api/klachten/wijzigen#description$"))
    expect(page.locator("#description")).to_have_value(DESCRIPTION)
    expect(page.locator("#description")).to_be_in_viewport()
    expect(page.locator("#name")).to_have_value("Sanne zonder script")
    expect(page.locator("#consent")).to_be_checked()
    page.fill("#description", "Zonder script: vier keer niet gekomen.")
    page.click(CONTINUE)
    expect(page.locator(".kp-summary")).to_contain_text("vier keer niet gekomen")
    # AND sending stores the changed complaint, once
    page.click(SEND)
    expect(page).to_have_url(re.compile(r"/ontvangstbevestiging/"))
    reference = page.locator("[data-kp-reference]").inner_text()
    assert len(product.references()) == len(stored_before) + 1
    item = product.item(reference)
    assert item["complaint"]["description"] == (  # type: ignore[index]
        "Zonder script: vier keer niet gekomen.")


def test_complaint_form_errors_show_summary_and_messages_and_store_nothing(
        page: Page, product: LocalProduct) -> None:
    stored_before = product.references()
    page.goto(product.url + PROVIDER)
    # WHEN sent empty
    page.click(CONTINUE)
    # THEN the error summary lists the problems and has focus
    summary = page.locator("[data-kp-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Vul je naam in.")
    expect(page.locator("#name-error")).to_contain_text("Vul je naam in.")
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#consent-error")).to_contain_text("Geef toestemming")
    # WHEN a wrong e-mail address is corrected into another wrong one
    fill_complaint(page)
    page.fill("#email", "sanne@")
    page.click(CONTINUE)
    expect(page.locator("#email-error")).to_contain_text("Vul een geldig e-mailadres in")
    expect(page.locator("#name-error")).to_have_count(0)
    # AND the summary link takes the keyboard to the field
    page.click("[data-kp-error-summary] a[href='#email']")
    expect(page.locator("#email")).to_be_focused()
    assert product.references() == stored_before


def test_complaint_form_errors_without_javascript_show_the_form_again(
        page_without_js: Page, product: LocalProduct) -> None:
    page = page_without_js
    stored_before = product.references()
    page.goto(product.url + PROVIDER)
    page.fill("#name", "Sanne")
    page.click(CONTINUE)
    summary = page.locator("[data-kp-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator("#email-error")).to_contain_text("Vul je e-mailadres in.")
    expect(page.locator("#name")).to_have_value("Sanne")
    assert product.references() == stored_before


def tab_to(page: Page, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


def test_complaint_form_can_be_filled_and_sent_with_the_keyboard_only(
        page: Page, product: LocalProduct) -> None:
    page.goto(product.url + PROVIDER + "#klacht-indienen")
    tab_to(page, "#kind-klacht")
    page.keyboard.press("Space")
    tab_to(page, "input[name=role]")
    page.keyboard.press("Space")
    for field, text in (("#name", "Toetsenbord Gebruiker"), ("#email", new_address()),
                        ("#description", "Niemand belde terug."),
                        ("#desired_outcome", "Een gesprek.")):
        tab_to(page, field)
        page.keyboard.type(text)
    for group in ("discussed_with_provider", "wants_officer_support"):
        tab_to(page, f"input[name={group}]")
        page.keyboard.press("Space")  # the first choice: ja
    tab_to(page, "input[name=contact_preference]")
    page.keyboard.press("ArrowDown")  # the second choice: per e-mail
    tab_to(page, "#consent")
    page.keyboard.press("Space")
    tab_to(page, CONTINUE)
    page.keyboard.press("Enter")
    expect(page.locator("[data-kp-check-title]")).to_be_focused()
    tab_to(page, SEND)
    page.keyboard.press("Enter")
    reference_box = page.locator("[data-kp-confirmation] [data-kp-reference]")
    expect(reference_box).to_have_text(REFERENCE)
    assert product.stored(reference_box.inner_text()) == 200


def test_provider_index_filter_narrows_the_list_as_you_type(page: Page,
                                                            product: LocalProduct) -> None:
    page.goto(product.url + "aanbieders/")
    box = page.locator("#kp-filter-input")
    expect(box).to_be_visible()
    box.fill("burger")
    expect(page.locator("#kp-filter-status")).to_have_text("1 van 3 zorgaanbieders gevonden")
    expect(page.locator("[data-kp-index] li:visible")).to_have_count(1)
    expect(page.locator("[data-kp-index] li:visible a")).to_have_text("BurgerCoaching")
    box.fill("géén treffer")
    expect(page.locator("[data-kp-empty]")).to_be_visible()
    box.fill("")
    expect(page.locator("[data-kp-index] li:visible")).to_have_count(3)


def test_provider_index_without_javascript_is_a_plain_list(page_without_js: Page,
                                                           product: LocalProduct) -> None:
    page_without_js.goto(product.url + "aanbieders/")
    expect(page_without_js.locator("#kp-filter-input")).to_be_hidden()
    expect(page_without_js.locator("[data-kp-index] li")).to_have_count(3)

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.e2e.forms import CONTINUE, PROVIDER, fill_complaint
from tests.local_product import LocalProduct

PAGES = ["", "procedures/wkkgz/", "aanbieders/", "aanbieders/dragon-coaching/",
         "aanbieders/burgercoaching/", "aanbieders/zorgkracht-12/",
         "en/", "en/klacht-indienen/", "en/klacht-volgen/", "en/klachtenfunctionaris/",
         "en/vertrouwenspersonen/", "en/privacy/", "en/toegankelijkheid/", "en/aanbieders/",
         "en/procedures/wkkgz/", "en/procedures/jeugdwet/", "en/procedures/wmo/",
         "en/aanbieders/dragon-coaching/"]
AXE = Axe()


def violations(page: Page) -> list[str]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x: {v['nodes'][0]['target']})"
            for v in results.response["violations"]]


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violations(page: Page, product: LocalProduct, path: str) -> None:
    page.goto(product.url + path)
    assert violations(page) == []


def test_form_with_errors_shown_has_no_axe_violations(page: Page,
                                                      product: LocalProduct) -> None:
    page.goto(product.url + "aanbieders/zorgkracht-12/")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-kp-error-summary]:not([hidden])")
    assert violations(page) == []


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_horizontal_scrolling_on_a_phone(page: Page, product: LocalProduct,
                                                     path: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(product.url + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


@pytest.mark.parametrize("scripted", [True, False], ids=["in-place", "page-of-its-own"])
def test_check_answers_has_no_axe_violations_and_fits_a_phone(
        page: Page, product: LocalProduct, scripted: bool) -> None:
    # GIVEN a phone-sized screen and a filled-in form
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(product.url + PROVIDER)
    fill_complaint(page)
    # WHEN the answers are shown to be checked: in place by the page's script, or on the
    # page a post without script gets (axe needs script in the page, so the form is posted
    # past the page's own script)
    if scripted:
        page.click(CONTINUE)
    else:
        with page.expect_navigation():
            page.locator("[data-kp-complaint-form]").evaluate("form => form.submit()")
    page.wait_for_selector("[data-kp-send]")
    # THEN axe finds nothing and nothing scrolls sideways
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

"""Script typed into the form never runs: not on the confirmation, the error page or in e-mail."""

from __future__ import annotations

import re
import time
import urllib.parse
import urllib.request
from email import message_from_bytes, policy
from email.message import EmailMessage

from playwright.sync_api import Browser, Page, expect

from tests.backend import complaint_body, new_address
from tests.local_product import LocalProduct

SCRIPT = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def ran(page: Page) -> bool:
    return bool(page.evaluate("() => window.__pwned === 1"))


def test_script_in_free_text_runs_neither_on_confirmation_nor_in_email(
        page: Page, browser: Browser, product: LocalProduct) -> None:
    page.goto(product.url + "aanbieders/zorgkracht-12/")
    page.check("#kind-klacht")
    page.check("#regeling-wmo")
    page.check("#role-vertegenwoordiger")
    page.fill("#client_name", "Tim")
    page.fill("#relation", "vader")
    page.fill("#name", "Sanne")
    address = new_address()
    page.fill("#email", address)
    page.fill("#description", SCRIPT)
    page.fill("#desired_outcome", SCRIPT)
    page.check("#discussed_with_provider-nee")
    page.check("#wants_officer_support-ja")
    page.check("#contact_preference-email")
    page.check("#send_copy")
    page.check("#consent")
    page.click("[data-kp-complaint-form] button[type=submit]")
    expect(page.locator("[data-kp-check]")).to_contain_text("window.__pwned=1")
    assert not ran(page)
    page.click("[data-kp-send]")
    expect(page.locator("[data-kp-confirmation]")).to_contain_text(
        "In die e-mail staat een link")
    assert not ran(page)
    # The ontvangstbevestiging holds the link that confirms the address, not the text
    confirmation = email_to(product, address, "Ontvangstbevestiging")
    assert "__pwned" not in confirmation.as_string()
    plain = confirmation.get_body(preferencelist=("plain",))
    assert plain is not None
    [link] = re.findall(r"http\S+/kopie/\S+", str(plain.get_content()))
    # Following it and pressing the button has the copy sent, which quotes the text; opened
    # as a page, nothing of it runs.
    link_page = browser.new_page()
    link_page.goto(link)
    link_page.click("button[type=submit]")
    # (the retry runs often here: it may have sent the copy before the page came)
    expect(link_page.locator("[role=status]")).to_contain_text(
        re.compile("De kopie is onderweg|We hebben de kopie"))
    html = email_to(product, address, "Kopie").get_body(preferencelist=("html",))
    link_page.reload()
    expect(link_page.locator("[role=status]")).to_contain_text("We hebben de kopie")
    link_page.close()
    assert html is not None
    mail_page = browser.new_page()
    mail_page.set_content(str(html.get_content()))
    expect(mail_page.locator("body")).to_contain_text("window.__pwned=1")
    assert not ran(mail_page)
    mail_page.close()


def email_to(product: LocalProduct, address: str, subject: str,
             wait_seconds: float = 10) -> EmailMessage:
    """The e-mail, once it is in the outbox (the retry sends some a moment later)."""
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        for path in product.emails():
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == address and str(message["Subject"]).startswith(subject):
                assert isinstance(message, EmailMessage)
                return message
        time.sleep(0.2)
    raise AssertionError(f"no e-mail {subject!r} to {address} in {product.outbox}")


def test_script_in_a_rejected_name_does_not_run_on_the_error_page(
        browser: Browser, product: LocalProduct) -> None:
    # GIVEN the form posted without JavaScript, with script as the name
    fields = {key: ("ja" if value is True else str(value))
              for key, value in complaint_body(name=SCRIPT, submission_id=None,
                                                        email=new_address()).items()
              if value is not False and value is not None}
    request = urllib.request.Request(
        product.url + "api/klachten", data=urllib.parse.urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        urllib.request.urlopen(request)
        raise AssertionError("script in a name was accepted")
    except urllib.error.HTTPError as error:
        assert error.code == 422
        html = error.read().decode()
    # WHEN that answer is shown in a browser with JavaScript on
    page = browser.new_page()
    page.set_content(html)
    # THEN the typed text is back in the field, as text, and nothing ran
    expect(page.locator("#name")).to_have_value(SCRIPT)
    assert not ran(page)
    page.close()

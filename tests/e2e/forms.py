"""Filling in the complaint form in a browser, shared by the browser tests."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from tests.backend import new_address

PROVIDER = "aanbieders/dragon-coaching/"
REFERENCE = re.compile(r"KPZ-[0-9A-Z]{4}-[0-9A-Z]{4}")
# The form's button: its answers go to be checked. The check's button sends them.
CONTINUE = "[data-kp-complaint-form] button[type=submit]"
SEND = "[data-kp-send]"
DESCRIPTION = "Mijn begeleider kwam drie keer niet opdagen."


def fill_complaint(page: Page, name: str = "Sanne de Vries") -> None:
    page.check("#kind-klacht")
    page.check("#role-client")
    page.fill("#name", name)
    page.fill("#email", new_address())
    page.fill("#description", DESCRIPTION)
    page.fill("#desired_outcome", "Dat afspraken worden nagekomen.")
    page.check("#discussed_with_provider-ja")
    page.check("#wants_officer_support-nee")
    page.check("#contact_preference-email")
    page.check("#consent")

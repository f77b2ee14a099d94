"""HTML answers for form posts sent without JavaScript: confirmation and the form with errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from complaint_form.models import StoredComplaint
from klachtenportaal import render
from klachtenportaal.registry import Provider, Registry

_OWN_TEMPLATES = Path(__file__).resolve().parent / "templates"


def create_environment() -> jinja2.Environment:
    # Its own page templates, and the site's templates for the form they share.
    return render.create_environment(
        jinja2.ChoiceLoader([jinja2.FileSystemLoader(_OWN_TEMPLATES), render.TEMPLATES]))


class HtmlPages:
    def __init__(self, site_url: str, api_url: str, env: jinja2.Environment | None = None) -> None:
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self.api_url = api_url
        self.env = env or create_environment()

    def _render(self, template: str, registry: Registry, **context: Any) -> str:
        return self.env.get_template(template).render(
            site_url=self.site_url, portal=registry.portal, **context)

    def form_with_errors(self, registry: Registry, provider: Provider, values: dict[str, str],
                         errors: dict[str, str], notice: str | None = None) -> str:
        return self._render(
            "form_page.html", registry, provider=provider, values=values, errors=errors,
            notice=notice, action=self.api_url, privacy_url=self.site_url + "privacy/",
            regelingen=render.form_regelingen(registry, provider),
        )

    def confirmation(self, registry: Registry, complaint: StoredComplaint) -> str:
        return self._render("confirmation_page.html", registry, complaint=complaint)

    def message(self, registry: Registry, title: str, text: str, status: str = "info") -> str:
        return self._render("message_page.html", registry, title=title, text=text,
                            status=status)

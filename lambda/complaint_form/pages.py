"""HTML answers for form posts sent without JavaScript: confirmation and the form with errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from complaint_form.models import StoredComplaint
from klachtenportaal.formatting import display_url, format_date, format_phone, tel_href
from klachtenportaal.registry import Provider, Registry
from klachtenportaal.render import form_regelingen

_OWN_TEMPLATES = Path(__file__).resolve().parent / "templates"


def create_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(_OWN_TEMPLATES),
            jinja2.PackageLoader("klachtenportaal", "templates"),
        ]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(format_date=format_date, format_phone=format_phone, tel_href=tel_href,
                       display_url=display_url)
    return env


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
            notice=notice, action=self.api_url, regelingen=form_regelingen(registry, provider),
            privacy_url=self.site_url + "privacy/",
        )

    def confirmation(self, registry: Registry, complaint: StoredComplaint) -> str:
        return self._render("confirmation_page.html", registry, complaint=complaint)

    def message(self, registry: Registry, title: str, text: str, status: str = "info") -> str:
        return self._render("message_page.html", registry, title=title, text=text,
                            status=status)

"""E-mails rendered from Jinja2 templates: the ontvangstbevestiging and the notification."""

from __future__ import annotations

from pathlib import Path

import jinja2

from complaint_form.models import StoredComplaint
from complaint_form.ses import Email
from klachtenportaal import render

_TEMPLATES = Path(__file__).resolve().parent / "templates"


def create_environment() -> jinja2.Environment:
    # HTML parts are escaped; subjects and text parts are plain text, where escaping would
    # only put entities in the mail.
    return render.create_environment(
        jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                            default_for_string=True))


class EmailRenderer:
    def __init__(self, env: jinja2.Environment | None = None) -> None:
        self.env = env or create_environment()

    def _render(self, name: str, complaint: StoredComplaint, to: str,
                reply_to: str | None = None) -> Email:
        context = {
            "complaint": complaint,
            "portal": complaint.portal,
            "contact_days": complaint.portal["contact_within_working_days"],
        }
        return Email(
            to=to,
            subject=self.env.get_template(f"{name}_subject.txt").render(context).strip(),
            text=self.env.get_template(f"{name}.txt").render(context),
            html=self.env.get_template(f"{name}.html").render(context),
            reply_to=reply_to,
        )

    def confirmation(self, complaint: StoredComplaint) -> Email:
        """The ontvangstbevestiging for the complainant."""
        return self._render("confirmation", complaint, complaint.complainant.email)

    def notification(self, complaint: StoredComplaint, to: str) -> Email:
        """The message telling the complaints body a complaint came in."""
        return self._render("notification", complaint, to)

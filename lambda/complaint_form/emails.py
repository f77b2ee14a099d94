"""E-mails rendered from Jinja2 templates: the ontvangstbevestiging and the notification."""

from __future__ import annotations

from complaint_form.models import StoredComplaint
from complaint_form.ses import Email
from klachtenportaal.formatting import template_environment


class EmailRenderer:
    def __init__(self, notification_email: str) -> None:
        self.notification_email = notification_email
        self.env = template_environment("complaint_form")

    def _render(self, name: str, complaint: StoredComplaint, to: str,
                reply_to: str | None = None) -> Email:
        context = {
            "complaint": complaint,
            "portal": complaint.portal,
            "contact_days": complaint.portal["contact_within_working_days"],
        }
        subject = self.env.get_template(f"{name}_subject.txt").render(context)
        return Email(
            to=to,
            # A subject is one line, whatever the values in it hold.
            subject=" ".join(subject.split()),
            text=self.env.get_template(f"{name}.txt").render(context),
            html=self.env.get_template(f"{name}.html").render(context),
            reply_to=reply_to,
        )

    def confirmation(self, complaint: StoredComplaint) -> Email:
        """The ontvangstbevestiging for the complainant; a reply reaches the complaints body."""
        return self._render("confirmation", complaint, complaint.complainant.email,
                            reply_to=str(complaint.portal["email"]))

    def notification(self, complaint: StoredComplaint) -> Email:
        """The message telling the complaints body a complaint came in."""
        return self._render("notification", complaint, self.notification_email)

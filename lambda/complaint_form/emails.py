"""E-mails rendered from Jinja2 templates: the ontvangstbevestiging, the copy of the complaint,
the link to the status page asked for again, and the notification.

The ontvangstbevestiging goes to an address nobody has confirmed yet, so it holds nothing the
visitor typed: only what the system knows (kenmerk, provider, dates, our contacts). What was
typed reaches the address in the copy, sent once the address is confirmed through its link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from complaint_form.intake import copy_link, status_page
from complaint_form.models import STATUS_PAGE_DAYS_AFTER_CLOSING, StoredComplaint
from complaint_form.ses import Email
from klachtenportaal.formatting import TemplateEnvironments
from klachtenportaal.i18n import SOURCE_LANGUAGE, Language

if TYPE_CHECKING:
    from complaint_form.duties import Reminder


class EmailRenderer:
    def __init__(self, notification_email: str, site_url: str) -> None:
        self.notification_email = notification_email
        self.site_url = site_url.rstrip("/")
        self._envs = TemplateEnvironments("complaint_form")

    def _render(self, name: str, complaint: StoredComplaint, to: str,
                reply_to: str | None = None, language: Language | None = None) -> Email:
        """An e-mail about `complaint`, in the complaint's language unless another is given."""
        language = language or complaint.language
        return self._email(name, to, reply_to, language, {
            "complaint": complaint,
            "portal": complaint.portal,
            "contact_days": complaint.portal["contact_within_working_days"],
            "copy_url": self.site_url + copy_link(complaint, complaint.copy_link)
            if complaint.copy_link else None,
            "status_url": self.site_url + status_page(complaint)
            if complaint.status_secret else None,
            "status_page_days": STATUS_PAGE_DAYS_AFTER_CLOSING,
            "dossier_url": self.dossier_url(complaint.reference),
        })

    def dossier_url(self, reference: str) -> str:
        """Names the kenmerk only: the dossier opens after sign-in."""
        return f"{self.site_url}/behandelomgeving/#{reference}"

    def _email(self, name: str, to: str, reply_to: str | None, language: Language,
               context: dict[str, Any]) -> Email:
        env = self._envs[language]
        subject = env.get_template(f"{name}_subject.txt").render(context)
        return Email(
            to=to,
            # A subject is one line, whatever the values in it hold.
            subject=" ".join(subject.split()),
            text=env.get_template(f"{name}.txt").render(context),
            html=env.get_template(f"{name}.html").render(context),
            reply_to=reply_to,
        )

    def confirmation(self, complaint: StoredComplaint) -> Email:
        """The ontvangstbevestiging for the complainant; a reply reaches the complaints body."""
        return self._render("confirmation", complaint, complaint.complainant.email,
                            reply_to=str(complaint.portal["email"]))

    def copy(self, complaint: StoredComplaint) -> Email:
        """The copy of the complaint, for the address its owner confirmed."""
        return self._render("copy", complaint, complaint.complainant.email,
                            reply_to=str(complaint.portal["email"]))

    def status_link(self, complaint: StoredComplaint) -> Email:
        """The link to the status page, asked for again with the kenmerk and this address."""
        return self._render("status_link", complaint, complaint.complainant.email,
                            reply_to=str(complaint.portal["email"]))

    def notification(self, complaint: StoredComplaint) -> Email:
        """The message telling the complaints body a complaint came in."""
        return self._render("notification", complaint, self.notification_email,
                            language=SOURCE_LANGUAGE)

    def reminder(self, reminder: Reminder) -> Email:
        """The day's deadlines for the complaints body: kenmerken, providers, dates and links
        to the dossiers, no personal data."""
        return self._email("reminder", self.notification_email, None, SOURCE_LANGUAGE, {
            "reminder": reminder, "dossier_url": self.dossier_url})

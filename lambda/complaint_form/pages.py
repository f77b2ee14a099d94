"""HTML pages of the API: for form posts sent without JavaScript (the answers to check, the
form again, confirmation, a message), and the complainant's status page. The answers to
check are also what the page's script shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from complaint_form.intake import receipt_of
from complaint_form.models import ComplaintOutline, ComplaintRequest, SubmissionReceipt

if TYPE_CHECKING:
    from complaint_form.service import Confirmation, StatusView

from klachtenportaal import API_PATH, CHANGE_PATH, CHECK_PATH, PROVIDERS_DIR, STATUS_LINK_PATH
from klachtenportaal.formatting import TemplateEnvironments
from klachtenportaal.i18n import SOURCE_LANGUAGE, Language, current_language, language_dir
from klachtenportaal.registry import Portal, Provider, Registry


class HtmlPages:
    """Each page in the reader's language (`current_language`): the request's, or, on a
    complainant's own pages, the complaint's (the service sets it when it finds one)."""

    def __init__(self, registry: Registry, site_url: str) -> None:
        self.registry = registry
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self._envs = TemplateEnvironments("complaint_form")

    def _registry(self) -> Registry:
        """The registry in the reader's language, translated when first asked for: a text
        without English then fails English pages only."""
        return self.registry.in_language(current_language.get())

    def portal(self) -> Portal:
        """The complaints body's facts, in the reader's language."""
        return self._registry().portal

    def _render(self, template: str, **context: Any) -> str:
        language = current_language.get()
        home_url = self._home_url(language)
        return self._envs[language].get_template(template).render(
            site_url=self.site_url, home_url=home_url, providers_url=f"{home_url}{PROVIDERS_DIR}/",
            portal=self.portal(), **context)

    def form_again(self, values: dict[str, str], errors: dict[str, str],
                   notice: str | None = None) -> str | None:
        """The form with what was typed, its errors and a notice; None when the form named
        no provider we know, so there is no form to show."""
        provider = self.registry.provider(values.get("provider", ""))
        if provider is None:
            return None
        return self._render(
            "form_page.html", provider=provider, values=values, errors=errors, notice=notice,
            action=CHECK_PATH, privacy_url=self._home_url(current_language.get()) + "privacy/",
            provider_url=self._provider_url(provider.slug),
            regelingen=self._registry().regeling_choices(provider))

    def check_answers(self, answers: ComplaintRequest, values: dict[str, str],
                      provider: Provider, *, whole_page: bool) -> str:
        """Every answer with its "Wijzigen", and the button that sends them: a page of its
        own (no script), whose send button's form carries `values`, or the part the page's
        script shows in place of the form (which sends what its form holds)."""
        return self._render(
            "check_page.html" if whole_page else "check_part.html", answers=answers,
            values=values if whole_page else {}, provider=provider,
            regelingen=self._registry().regeling_choices(provider), action=API_PATH,
            change_action=CHANGE_PATH)

    def receipt(self, receipt: SubmissionReceipt, copy_asked: bool) -> str:
        """What the page's script shows once the complaint is stored (as the confirmation page
        does without script)."""
        return self._render("receipt_part.html", receipt=receipt, copy_asked=copy_asked,
                            level=3)

    def confirmation(self, page: Confirmation, added: bool = False) -> str:
        """The confirmation page, with its form that adds a file; `added`: one just was."""
        return self._render("confirmation_page.html", complaint=page.complaint,
                            receipt=receipt_of(page.complaint),
                            copy_asked=page.complaint.copy_link is not None, level=1,
                            upload=page.upload, added=added,
                            provider_url=self._provider_url(page.complaint.provider_slug))

    def copy(self, complaint: ComplaintOutline, action: str) -> str:
        """The page the copy link opens: a button that confirms the address (a link alone
        must not: mail scanners open links), or what became of the copy."""
        return self._render("copy_page.html", complaint=complaint, action=action)

    def status(self, view: StatusView) -> str:
        """The complainant's status page: where the complaint stands, its deadlines and the
        next step."""
        return self._render("status_page.html", view=view, complaint=view.complaint)

    def status_link_form(self, values: dict[str, str], errors: dict[str, str]) -> str:
        """The form that asks for the status link again, with what was typed and errors."""
        return self._render("status_link_page.html", values=values, errors=errors,
                            action=STATUS_LINK_PATH)

    def message(self, title: str, text: str) -> str:
        return self._render("message_page.html", title=title, text=text)

    def _provider_url(self, slug: str) -> str:
        """The provider's page in the reader's language, or in Dutch when it has none in it
        (or is no longer in the registry: then the Dutch list of providers)."""
        provider = self.registry.provider(slug)
        if provider is None:
            return f"{self.site_url}{PROVIDERS_DIR}/"
        language = current_language.get()
        shown = language if language in provider.languages else SOURCE_LANGUAGE
        return f"{self._home_url(shown)}{PROVIDERS_DIR}/{slug}/"

    def _home_url(self, language: Language) -> str:
        """The site's pages in `language`: Dutch at the root, English under en/."""
        return self.site_url + language_dir(language)

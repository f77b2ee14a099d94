"""Registry → HTML page bodies, with Jinja2, independent of MkDocs.

The MkDocs plugin places these bodies into the site's page shell; keeping the rendering out of
the plugin keeps it fast (no Markdown per provider) and easy to move to another site builder.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from markupsafe import Markup

from klachtenportaal import CHECK_PATH, PROVIDERS_DIR
from klachtenportaal.formatting import template_environment
from klachtenportaal.i18n import (
    SOURCE_LANGUAGE,
    Language,
    language_dir,
    translated,
    translations,
)
from klachtenportaal.registry import (
    Contact,
    Document,
    IntakeStep,
    Provider,
    Regeling,
    Registry,
    Step,
)
from sitegen.paths import in_language, language_root_of, page_url, root_of

PROCEDURES_DIR = "procedures"
# Each language named in itself, as a reader looking for it knows it.
LANGUAGE_NAMES: dict[Language, str] = {"nl": "Nederlands", "en": "English"}


@dataclass(frozen=True)
class LanguageLinks:
    """A page's links to its versions in other languages: `hreflang` alternates for its head
    and a visible language switch; none for a page in one language."""

    head: str = ""
    switch: str = ""


@dataclass(frozen=True)
class GeneratedPage:
    """One generated page: `body` is an HTML fragment that goes below the page's `<h1>`."""

    src_uri: str
    title: str
    description: str
    body: str
    links: LanguageLinks = LanguageLinks()

    @property
    def url(self) -> str:
        return page_url(self.src_uri)


@dataclass(frozen=True)
class RegelingSection:
    """What one regime means for one provider: its own first steps, and the parts that are
    the same for every provider under the regime, rendered once."""

    key: str
    regeling: Regeling
    own_steps: list[Step]
    head: Markup
    steps: Markup
    tail: Markup


@dataclass(frozen=True)
class LetterGroup:
    letter: str
    anchor: str
    providers: list[Provider]


# Every provider page is at aanbieders/<slug>/ (under en/ in English).
_PROVIDER_ROOT = root_of(page_url(f"{PROVIDERS_DIR}/slug.md"))


def portal_contact(registry: Registry) -> Contact:
    portal = registry.portal
    return Contact(name=portal.name, role=portal.legal_name, email=portal.email,
                   phone=portal.phone, phone_hours=portal.phone_hours, website=portal.website,
                   address=portal.address)


def intake_for(registry: Registry, keys: Iterable[str],
               language: Language = SOURCE_LANGUAGE) -> list[tuple[IntakeStep, str | None]]:
    """The complaints body's intake steps that apply to a complaint under one of the regimes
    `keys`, each with a label when it applies to only some of them ("Alleen bij de Jeugdwet")."""
    _ = translations(language).gettext
    wanted = list(keys)
    steps: list[tuple[IntakeStep, str | None]] = []
    for step in registry.portal.intake:
        only = wanted if step.regelingen is None else [k for k in wanted if k in step.regelingen]
        if only:
            names = _(" en de ").join(registry.regelingen[k].name for k in only)
            steps.append((step, None if only == wanted else _("Alleen bij de %(names)s")
                          % {"names": names}))
    return steps


def sort_key(name: str) -> str:
    """Alphabetical order as people expect it: accents and case ignored."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def group_by_letter(providers: Iterable[Provider]) -> list[LetterGroup]:
    def letter(provider: Provider) -> str:
        first = sort_key(provider.name)[:1].upper()
        return first if first.isalpha() else "#"

    ordered = sorted(providers, key=lambda p: (sort_key(p.name), p.slug))
    return [
        LetterGroup(
            letter=key, anchor="overig" if key == "#" else key.lower(), providers=list(group)
        )
        for key, group in groupby(ordered, key=letter)
    ]


class PageRenderer:
    """Renders the generated pages of one registry in one language."""

    def __init__(self, registry: Registry, language: Language = SOURCE_LANGUAGE,
                 site_url: str = "") -> None:
        self.language = language
        self.site_url = site_url
        self.registry = registry = registry.in_language(language)
        self.env = template_environment("sitegen", language)
        self._ = translations(language).gettext
        self._dir = language_dir(language)
        self._common: dict[str, Any] = {
            # The API is under the site's own address (CloudFront's /api/*, or `make serve`):
            # the form posts its answers there to be checked first.
            "form_url": CHECK_PATH,
            "providers_dir": PROVIDERS_DIR,
            "portal": registry.portal,
            "portal_contact": portal_contact(registry),
        }
        self._fragments: dict[tuple[str, ...], Markup] = {}

    def _fragment(self, name: str, *key: str, **context: Any) -> Markup:
        """`fragments/<name>.html` for provider pages, rendered once per `key`: every value
        that decides what it shows (registry keys of a regime, a shared contact or a set of
        regimes; where a provider's term starts). The cache entry is the fragment's name and
        that key, so two kinds of fragment never share one."""
        entry = (name, *key)
        html = self._fragments.get(entry)
        if html is None:
            template = self.env.get_template(f"fragments/{name}.html")
            html = Markup(template.render(**self._common, root=_PROVIDER_ROOT, **context))
            self._fragments[entry] = html
        return html

    def _section(self, key: str, provider: Provider) -> RegelingSection:
        regeling = self.registry.regelingen[key]
        # "unknown": the provider has not said; the terms then say so.
        term_start = provider.term_start or "unknown"
        return RegelingSection(
            key=key,
            regeling=regeling,
            own_steps=[step for step in provider.first_steps
                       if step.regelingen is None or key in step.regelingen],
            head=self._fragment("regeling_head", key, key=key, regeling=regeling),
            steps=self._fragment("regeling_steps", key, regeling=regeling),
            tail=self._fragment(
                "regeling_tail", key, term_start, key=key, regeling=regeling,
                term_start=term_start,
                commission=self.registry.portal.commissions[regeling.final_body.commission],
                documents=self._documents(regeling),
                shared_contacts=self._contacts(regeling.shared_contacts)),
        )

    def _documents(self, regeling: Regeling) -> list[Document]:
        return [self.registry.portal.documents[key] for key in regeling.documents]

    def _contacts(self, keys: Iterable[str]) -> list[Contact]:
        return [self.registry.contacts[key] for key in dict.fromkeys(keys)]

    def provider_page(self, provider: Provider) -> GeneratedPage:
        """The provider's page in this renderer's language (one it asked for)."""
        provider = translated(provider, self.language)
        adviser_keys = dict.fromkeys([
            *(key for reg in provider.regelingen
              for key in self.registry.regelingen[reg].vertrouwenspersonen),
            *provider.vertrouwenspersonen])
        body = self.env.get_template("provider.html").render(
            **self._common,
            root=_PROVIDER_ROOT,
            provider=provider,
            sections=[self._section(key, provider) for key in provider.regelingen],
            vertrouwenspersonen=[
                self._fragment("shared_contact", key, contact=self.registry.contacts[key])
                for key in adviser_keys],
            about_portal=self._fragment(
                "about_portal", *provider.regelingen,
                intake=intake_for(self.registry, provider.regelingen, self.language)),
            portal_card=self._fragment("portal_contact"),
            form=self._fragment("form", *provider.regelingen,
                                regelingen=self.registry.regeling_choices(provider)),
            other_ways=self._fragment("other_ways"),
        )
        names = ", ".join(self.registry.regelingen[key].name for key in provider.regelingen)
        src_uri = f"{self._dir}{PROVIDERS_DIR}/{provider.slug}.md"
        return GeneratedPage(
            src_uri=src_uri,
            title=self._("Klachten over %(provider)s") % {"provider": provider.name},
            description=self._("Zo dien je een klacht in over %(provider)s (%(regelingen)s).")
            % {"provider": provider.name, "regelingen": names},
            body=body,
            links=self.language_links(page_url(src_uri), provider.languages),
        )

    def language_links(self, url: str, languages: Iterable[Language]) -> LanguageLinks:
        """The links of the page at `url`, in this renderer's language, to its versions in
        `languages` (the same path under each language's folder)."""
        versions = [(language, in_language(url, language)) for language in languages]
        if len(versions) < 2:
            return LanguageLinks()
        macros: Any = self.env.get_template("language_links.html").module
        return LanguageLinks(
            head=str(macros.head(versions, self.site_url)),
            switch=str(macros.switch([(language, root_of(url) + target, LANGUAGE_NAMES[language])
                                      for language, target in versions
                                      if language != self.language])))

    def regeling_page(self, key: str, regeling: Regeling) -> GeneratedPage:
        src_uri = f"{self._dir}{PROCEDURES_DIR}/{key}.md"
        body = self.env.get_template("regeling.html").render(
            **self._common,
            root=language_root_of(page_url(src_uri), self.language),
            regeling=regeling,
            commission=self.registry.portal.commissions[regeling.final_body.commission],
            documents=self._documents(regeling),
            vertrouwenspersonen=self._contacts(regeling.vertrouwenspersonen),
            shared_contacts=self._contacts(regeling.shared_contacts),
        )
        return GeneratedPage(
            src_uri=src_uri,
            title=f"{regeling.title} ({regeling.name})",
            description=self._("De klachtenprocedure volgens de %(law)s, stap voor stap.")
            % {"law": regeling.law},
            body=body,
        )

    def provider_index(self) -> GeneratedPage:
        src_uri = f"{self._dir}{PROVIDERS_DIR}/index.md"
        body = self.env.get_template("provider_index.html").render(
            **self._common,
            groups=group_by_letter(self.registry.providers),
            count=len(self.registry.providers),
            # a provider without a page in this language: its Dutch page
            source_pages=root_of(page_url(src_uri)) + PROVIDERS_DIR + "/",
        )
        return GeneratedPage(
            src_uri=src_uri,
            title=self._("Zorgaanbieders A-Z"),
            description=self._("Alle zorgaanbieders aangesloten bij %(portal)s.")
            % {"portal": self.registry.portal.name},
            body=body,
        )

    def documents(self) -> list[GeneratedPage]:
        """The generated pages that go through MkDocs like hand-written ones: a page per
        regime and the provider index; in another language than Dutch also the pages of the
        providers that asked for one (few: the page shell is for the Dutch ones)."""
        own_pages = ([] if self.language == SOURCE_LANGUAGE else
                     [self.provider_page(provider) for provider in self.registry.providers
                      if self.language in provider.languages])
        return [*(self.regeling_page(key, regeling)
                  for key, regeling in self.registry.regelingen.items()),
                self.provider_index(), *own_pages]


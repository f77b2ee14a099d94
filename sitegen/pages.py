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
from klachtenportaal.registry import (
    Contact,
    Document,
    IntakeStep,
    Provider,
    Regeling,
    Registry,
    Step,
)

PROCEDURES_DIR = "procedures"


@dataclass(frozen=True)
class GeneratedPage:
    """One generated page: `body` is an HTML fragment that goes below the page's `<h1>`."""

    src_uri: str
    title: str
    description: str
    body: str

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


def page_url(src_uri: str) -> str:
    """The directory URL MkDocs gives a Markdown file (`use_directory_urls`)."""
    stem = src_uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def root_of(url: str) -> str:
    """Relative path from a page at `url` back to the site root."""
    return "../" * url.count("/")


# Every provider page is at aanbieders/<slug>/.
_PROVIDER_ROOT = root_of(page_url(f"{PROVIDERS_DIR}/slug.md"))


def portal_contact(registry: Registry) -> Contact:
    portal = registry.portal
    return Contact(name=portal.name, role=portal.legal_name, email=portal.email,
                   phone=portal.phone, phone_hours=portal.phone_hours, website=portal.website,
                   address=portal.address)


def intake_for(registry: Registry,
               keys: Iterable[str]) -> list[tuple[IntakeStep, str | None]]:
    """The complaints body's intake steps that apply to a complaint under one of the regimes
    `keys`, each with a label when it applies to only some of them ("Alleen bij de Jeugdwet")."""
    wanted = list(keys)
    steps: list[tuple[IntakeStep, str | None]] = []
    for step in registry.portal.intake:
        only = wanted if step.regelingen is None else [k for k in wanted if k in step.regelingen]
        if only:
            names = " en de ".join(registry.regelingen[k].name for k in only)
            steps.append((step, None if only == wanted else f"Alleen bij de {names}"))
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
    """Renders the generated pages of one registry."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.env = template_environment("sitegen")
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
                intake=intake_for(self.registry, provider.regelingen)),
            portal_card=self._fragment("portal_contact"),
            form=self._fragment("form", *provider.regelingen,
                                regelingen=self.registry.regeling_choices(provider)),
            other_ways=self._fragment("other_ways"),
        )
        names = ", ".join(self.registry.regelingen[key].name for key in provider.regelingen)
        return GeneratedPage(
            src_uri=f"{PROVIDERS_DIR}/{provider.slug}.md",
            title=f"Klachten over {provider.name}",
            description=f"Zo dien je een klacht in over {provider.name} ({names}).",
            body=body,
        )

    def regeling_page(self, key: str, regeling: Regeling) -> GeneratedPage:
        src_uri = f"{PROCEDURES_DIR}/{key}.md"
        body = self.env.get_template("regeling.html").render(
            **self._common,
            root=root_of(page_url(src_uri)),
            regeling=regeling,
            commission=self.registry.portal.commissions[regeling.final_body.commission],
            documents=self._documents(regeling),
            vertrouwenspersonen=self._contacts(regeling.vertrouwenspersonen),
            shared_contacts=self._contacts(regeling.shared_contacts),
        )
        return GeneratedPage(
            src_uri=src_uri,
            title=f"{regeling.title} ({regeling.name})",
            description=f"De klachtenprocedure volgens de {regeling.law}, stap voor stap.",
            body=body,
        )

    def provider_index(self) -> GeneratedPage:
        body = self.env.get_template("provider_index.html").render(
            **self._common,
            groups=group_by_letter(self.registry.providers),
            count=len(self.registry.providers),
        )
        return GeneratedPage(
            src_uri=f"{PROVIDERS_DIR}/index.md",
            title="Zorgaanbieders A-Z",
            description=f"Alle zorgaanbieders aangesloten bij {self.registry.portal.name}.",
            body=body,
        )

    def documents(self) -> list[GeneratedPage]:
        """The generated pages that go through MkDocs like hand-written ones: a page per
        regime and the provider index."""
        return [*(self.regeling_page(key, regeling)
                  for key, regeling in self.registry.regelingen.items()),
                self.provider_index()]


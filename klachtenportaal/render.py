"""Registry → HTML page bodies, in plain Python and Jinja2, independent of MkDocs.

The MkDocs hook places these bodies into the site's page shell; keeping generation out of
the hook keeps it fast (no Markdown per provider) and easy to move to another site builder.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import jinja2
from markupsafe import Markup

from klachtenportaal.formatting import display_url, format_date, format_phone, tel_href
from klachtenportaal.registry import Commission, Contact, Provider, Regeling, Registry, Step

PROVIDERS_DIR = "aanbieders"
PROCEDURES_DIR = "procedures"
DEFAULT_API_URL = "/api/klachten"


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
    """What one regime means for one provider."""

    key: str
    regeling: Regeling
    commission: Commission
    own_steps: list[Step]
    shared_contacts: list[Contact]


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


TEMPLATES = jinja2.PackageLoader("klachtenportaal", "templates")


def create_environment(loader: jinja2.BaseLoader = TEMPLATES,
                       autoescape: bool | Callable[[str | None], bool] = True
                       ) -> jinja2.Environment:
    """The one Jinja2 set-up for pages and e-mails: strict about missing values, escaping
    on, and the presentation filters. Templates are read once per environment (no reload
    check: that is a file check for every one of the thousands of renders in a build)."""
    env = jinja2.Environment(loader=loader, autoescape=autoescape,
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, auto_reload=False)
    env.filters.update(format_phone=format_phone, tel_href=tel_href, display_url=display_url,
                       format_date=format_date)
    return env


def provider_sections(registry: Registry, provider: Provider) -> list[RegelingSection]:
    sections = []
    for key in provider.regelingen:
        regeling = registry.regelingen[key]
        own_steps = [
            step for step in provider.first_steps
            if step.regelingen is None or key in step.regelingen
        ]
        sections.append(RegelingSection(
            key=key,
            regeling=regeling,
            commission=registry.portal.commissions[regeling.commission],
            own_steps=own_steps,
            shared_contacts=_resolve(registry, regeling.shared_contacts),
        ))
    return sections


def provider_vertrouwenspersonen(registry: Registry,
                                 provider: Provider) -> list[tuple[str, Contact]]:
    """Shared confidential advisers for the provider's regimes and its own references."""
    keys = [
        key for reg in provider.regelingen for key in registry.regelingen[reg].vertrouwenspersonen
    ]
    return [(key, registry.contacts[key])
            for key in dict.fromkeys([*keys, *provider.vertrouwenspersonen])]


def _resolve(registry: Registry, keys: Iterable[str]) -> list[Contact]:
    return [registry.contacts[key] for key in dict.fromkeys(keys)]


def form_regelingen(registry: Registry, provider: Provider) -> list[tuple[str, str]]:
    """The regime choices the form offers for this provider: (key, label)."""
    return [(key, f"{registry.regelingen[key].title} ({registry.regelingen[key].name})")
            for key in provider.regelingen]


def portal_contact(registry: Registry) -> Contact:
    portal = registry.portal
    return Contact(
        name=portal.name,
        email=portal.email,
        phone=portal.phone,
        phone_hours=portal.phone_hours,
        website=portal.website,
        address=portal.address,
    )


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
    """Renders registry pages.

    Parts of a provider page that are the same for many providers (a regime's steps and
    terms, shared contacts, the form for a set of regimes) are rendered once and reused:
    `fragment(name, cache_as, ...)` in a template renders `fragments/<name>.html` the first time
    and returns the stored result after that; `cache_as` must tell all contexts apart.
    """

    def __init__(self, registry: Registry, api_url: str = DEFAULT_API_URL,
                 env: jinja2.Environment | None = None) -> None:
        self.registry = registry
        self.env = env or create_environment()
        self._common: dict[str, Any] = {
            "api_url": api_url,
            "portal": registry.portal,
            "portal_contact": portal_contact(registry),
        }
        self._fragments: dict[tuple[str, str, str], Markup] = {}

    def _fragment_renderer(self, root: str) -> Callable[..., Markup]:
        def fragment(name: str, cache_as: str, **context: Any) -> Markup:
            cache_key = (name, cache_as, root)
            cached = self._fragments.get(cache_key)
            if cached is None:
                template = self.env.get_template(f"fragments/{name}.html")
                cached = Markup(template.render(**self._common, root=root, **context))
                self._fragments[cache_key] = cached
            return cached

        return fragment

    def provider_page(self, provider: Provider) -> GeneratedPage:
        src_uri = f"{PROVIDERS_DIR}/{provider.slug}.md"
        root = root_of(page_url(src_uri))
        body = self.env.get_template("provider.html").render(
            **self._common,
            root=root,
            fragment=self._fragment_renderer(root),
            provider=provider,
            sections=provider_sections(self.registry, provider),
            vertrouwenspersonen=provider_vertrouwenspersonen(self.registry, provider),
            form_regelingen=form_regelingen(self.registry, provider),
        )
        names = ", ".join(self.registry.regelingen[key].name for key in provider.regelingen)
        return GeneratedPage(
            src_uri=src_uri,
            title=f"Klachten over {provider.name}",
            description=f"Zo dien je een klacht in over {provider.name} ({names}).",
            body=body,
        )

    def provider_pages(self) -> Iterator[GeneratedPage]:
        return (self.provider_page(provider) for provider in self.registry.providers)

    def regeling_page(self, key: str, regeling: Regeling) -> GeneratedPage:
        src_uri = f"{PROCEDURES_DIR}/{key}.md"
        body = self.env.get_template("regeling.html").render(
            **self._common,
            root=root_of(page_url(src_uri)),
            regeling=regeling,
            commission=self.registry.portal.commissions[regeling.commission],
            vertrouwenspersonen=_resolve(self.registry, regeling.vertrouwenspersonen),
            shared_contacts=_resolve(self.registry, regeling.shared_contacts),
        )
        return GeneratedPage(
            src_uri=src_uri,
            title=f"{regeling.title} ({regeling.name})",
            description=f"De klachtenprocedure volgens de {regeling.law}, stap voor stap.",
            body=body,
        )

    def provider_index(self) -> GeneratedPage:
        src_uri = f"{PROVIDERS_DIR}/index.md"
        body = self.env.get_template("provider_index.html").render(
            **self._common,
            groups=group_by_letter(self.registry.providers),
            count=len(self.registry.providers),
        )
        return GeneratedPage(
            src_uri=src_uri,
            title="Zorgaanbieders A-Z",
            description=f"Alle zorgaanbieders aangesloten bij {self.registry.portal.name}.",
            body=body,
        )


@dataclass(frozen=True)
class SitePages:
    """The generated pages: `documents` go through the site builder like hand-written pages;
    `providers` are rendered one by one as they are taken, so thousands never sit in memory."""

    documents: list[GeneratedPage]
    providers: Iterator[GeneratedPage]


def render_pages(registry: Registry, api_url: str = DEFAULT_API_URL) -> SitePages:
    """Every generated page of the site: procedures, the provider index and provider pages."""
    renderer = PageRenderer(registry, api_url)
    documents = [renderer.regeling_page(key, reg) for key, reg in registry.regelingen.items()]
    documents.append(renderer.provider_index())
    return SitePages(documents=documents, providers=renderer.provider_pages())

"""Keep a built site in step with edits to the providers, without a full build.

`update` compares a newly loaded registry with the one the site was built from. When only
provider entries differ, the pages of the providers that changed are rendered again and
written in place, the pages of removed providers are deleted, the search index is patched,
and so are the provider index (in each language) and the sitemap when names or the set of
providers changed. Any other difference (the complaints body, regimes, shared contacts), or
a change to a provider with a page in another language (a page MkDocs builds), needs a full
build.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from klachtenportaal import PROVIDERS_DIR
from klachtenportaal.i18n import LANGUAGES, SOURCE_LANGUAGE, Language
from klachtenportaal.registry import Provider, Registry
from sitegen import shell
from sitegen.pages import PageRenderer


class FullBuildNeededError(Exception):
    """The edit reaches beyond provider entries, or the built site is not the expected one."""


@dataclass
class Update:
    written: list[str]
    removed: list[str]


class IncrementalSite:
    """The site at `site_dir` as built from `registry`."""

    def __init__(self, site_dir: Path, site_url: str, registry: Registry) -> None:
        self.site_dir = site_dir
        self.site_url = site_url
        self.registry = registry
        self.renderers = _renderers(registry, site_url)
        self.shell = self._built_shell()

    def update(self, registry: Registry) -> Update:
        """Bring the site in step with `registry`; what was written and removed."""
        if _shared_parts(registry) != _shared_parts(self.registry):
            raise FullBuildNeededError("something besides the providers changed")
        old = {provider.slug: provider for provider in self.registry.providers}
        new = {provider.slug: provider for provider in registry.providers}
        if any(_in_other_languages(old.get(slug)) or _in_other_languages(new.get(slug))
               for slug in old.keys() | new.keys() if old.get(slug) != new.get(slug)):
            raise FullBuildNeededError("a provider with a page in another language changed")
        renderers = _renderers(registry, self.site_url)
        written = []
        for slug, provider in new.items():
            if old.get(slug) != provider:
                page = renderers[SOURCE_LANGUAGE].provider_page(provider)
                shell.replace_file(self.site_dir / page.url / "index.html",
                                   shell.splice(self.shell, page))
                written.append(page)
        removed = [f"{PROVIDERS_DIR}/{slug}/" for slug in old.keys() - new.keys()]
        for url in removed:
            shutil.rmtree(self.site_dir / url, ignore_errors=True)
        urls = [page.url for page in written]
        if written or removed:
            shell.update_search_index(self.site_dir, written, removed=removed + urls)
        if _names(registry) != _names(self.registry):
            self._patch_index(renderers)
        added = [f"{PROVIDERS_DIR}/{slug}/" for slug in new.keys() - old.keys()]
        if added or removed:
            shell.update_sitemap(self.site_dir, self.site_url, added, removed=removed)
        self.registry, self.renderers = registry, renderers
        return Update(written=urls, removed=removed)

    def _built_shell(self) -> str:
        """The page shell, recovered from a built provider page: that page's body is rendered
        again from the registry it was built from."""
        if not self.registry.providers:
            raise FullBuildNeededError("no provider page to recover the page shell from")
        page = self.renderers[SOURCE_LANGUAGE].provider_page(self.registry.providers[0])
        built = (self.site_dir / page.url / "index.html").read_text(encoding="utf-8")
        try:
            return shell.recover_shell(built, page)
        except shell.ShellError as exc:
            raise FullBuildNeededError("the built pages do not match the registry") from exc

    def _patch_index(self, renderers: dict[Language, PageRenderer]) -> None:
        """The provider index in each language: every provider is on each."""
        for language in LANGUAGES:
            old_index = self.renderers[language].provider_index()
            new_index = renderers[language].provider_index()
            index = self.site_dir / old_index.url / "index.html"
            built = index.read_text(encoding="utf-8")
            if old_index.body not in built:
                raise FullBuildNeededError("the built index does not match the registry")
            shell.replace_file(index, built.replace(old_index.body, new_index.body, 1))


def _renderers(registry: Registry, site_url: str) -> dict[Language, PageRenderer]:
    return {language: PageRenderer(registry, language, site_url) for language in LANGUAGES}


def _shared_parts(registry: Registry) -> tuple[object, ...]:
    """What every page depends on: all of the registry but the providers."""
    return registry.portal, registry.regelingen, registry.contacts


def _in_other_languages(provider: Provider | None) -> bool:
    return provider is not None and provider.in_other_languages


def _names(registry: Registry) -> list[tuple[str, str]]:
    """What the provider index shows of the providers."""
    return [(provider.name, provider.slug) for provider in registry.providers]

"""Keep a built site in step with edits to the providers, without a full build.

When only entries under `providers:` change, the pages of those providers are rendered again
and written in place, and the index, search index and sitemap are patched. Everything else
(the complaints body, regimes, shared contacts, pages, templates) needs a full build; so does
any edit this module cannot prove valid, so that the full build reports it.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from klachtenportaal import shell
from klachtenportaal.loader import YamlError, has_reference_issues, load_yaml
from klachtenportaal.registry import Provider, Registry
from klachtenportaal.render import PROVIDERS_DIR, PageRenderer

_PROVIDERS_KEY = re.compile(r"^providers:[ \t]*(#.*)?$", re.M)
_ITEM = re.compile(r"^([ \t]*)- ", re.M)


class FullBuildNeededError(Exception):
    """The edit reaches beyond provider entries, or could not be checked here."""


@dataclass(frozen=True)
class RegistryText:
    """`providers.yaml` cut into the part before `providers:` and one text per provider."""

    head: str
    entries: tuple[str, ...]

    @classmethod
    def split(cls, text: str) -> RegistryText:
        key = _PROVIDERS_KEY.search(text)
        if key is None:
            raise FullBuildNeededError("no block list under 'providers:'")
        body = text[key.end():]
        first = _ITEM.search(body)
        if first is None:
            return cls(text[: key.end()], ())
        indent = first.group(1)
        starts = [match.start() for match in _ITEM.finditer(body) if match.group(1) == indent]
        # Every line of the list is an item, part of one (indented deeper), blank or a
        # comment; anything else means more than providers follows.
        for line in body[first.start():].splitlines():
            if not (line.startswith((indent + "- ", indent + " ", indent + "\t"))
                    or not line.strip() or line.lstrip().startswith("#")):
                raise FullBuildNeededError("text after the provider list")
        entries = tuple(body[start:end] for start, end in zip(starts, [*starts[1:], None],
                                                               strict=True))
        return cls(text[: key.end()] + body[: first.start()], entries)


@dataclass
class Update:
    written: list[str]
    removed: list[str]


class IncrementalSite:
    """The site at `site_dir` as built from `text` and `registry`; `apply` brings it up to
    date with a new text of the registry."""

    def __init__(self, site_dir: Path, site_url: str, text: str, registry: Registry,
                 api_url: str) -> None:
        self.site_dir = site_dir
        self.site_url = site_url
        self.api_url = api_url
        self.split = RegistryText.split(text)
        if len(self.split.entries) != len(registry.providers):
            raise FullBuildNeededError("provider entries could not be told apart")
        self.registry = registry
        self.by_text = dict(zip(self.split.entries, registry.providers, strict=True))
        # The shared parts, as raw data, for the same reference checks the loader makes.
        self.head_data: dict[str, Any] = load_yaml(self.split.head) or {}

    def apply(self, text: str) -> Update:
        new = RegistryText.split(text)
        if new.head != self.split.head:
            raise FullBuildNeededError("something besides the providers changed")
        edited = [entry for entry in new.entries if entry not in self.by_text]
        raw = [_load_entry(entry) for entry in edited]
        parsed = dict(zip(edited, (_validate_entry(data) for data in raw), strict=True))
        providers = [self.by_text.get(entry) or parsed[entry] for entry in new.entries]
        slugs = [provider.slug for provider in providers]
        if len(slugs) != len(set(slugs)) or has_reference_issues(
                {**self.head_data, "providers": raw}):
            raise FullBuildNeededError("a reference does not resolve, or a slug repeats")
        registry = self.registry.model_copy(update={"providers": providers})
        old_renderer = PageRenderer(self.registry, self.api_url)
        new_renderer = PageRenderer(registry, self.api_url)
        old_pages = {p.slug: p for p in self.registry.providers}
        new_pages = {p.slug: p for p in providers}
        page_shell = self._shell(old_renderer)
        written = []
        for slug, provider in new_pages.items():
            if old_pages.get(slug) == provider:
                continue
            page = new_renderer.provider_page(provider)
            shell.write_page(self.site_dir, page, shell.splice(page_shell, page))
            written.append(page)
        removed = [f"{PROVIDERS_DIR}/{slug}/" for slug in old_pages.keys() - new_pages]
        for url in removed:
            shutil.rmtree(self.site_dir / url, ignore_errors=True)
        urls = [page.url for page in written]
        if written or removed:
            self._patch_index(old_renderer, new_renderer)
            shell.update_search_index(self.site_dir, written, removed=removed + urls)
            old_urls = {f"{PROVIDERS_DIR}/{slug}/" for slug in old_pages}
            shell.update_sitemap(self.site_dir, self.site_url,
                                 [url for url in urls if url not in old_urls], removed=removed)
        self.split, self.registry = new, registry
        self.by_text = dict(zip(new.entries, providers, strict=True))
        return Update(written=urls, removed=removed)

    def _shell(self, renderer: PageRenderer) -> str:
        """The page shell, recovered from a built provider page: that page's body is
        rendered again from the registry it was built from."""
        page = renderer.provider_page(self.registry.providers[0])
        built = (self.site_dir / page.url / "index.html").read_text(encoding="utf-8")
        try:
            return shell.recover_shell(built, page)
        except shell.ShellError as exc:
            raise FullBuildNeededError("the built pages do not match the registry") from exc

    def _patch_index(self, old: PageRenderer, new: PageRenderer) -> None:
        old_index = old.provider_index()
        index = self.site_dir / old_index.url / "index.html"
        built = index.read_text(encoding="utf-8")
        if old_index.body not in built:
            raise FullBuildNeededError("the built index does not match the registry")
        index.write_text(built.replace(old_index.body, new.provider_index().body, 1),
                         encoding="utf-8")


def _load_entry(entry: str) -> dict[str, Any]:
    try:
        data = load_yaml(entry)
    except YamlError as exc:
        raise FullBuildNeededError("an edited provider entry is not valid YAML") from exc
    if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
        raise FullBuildNeededError("an edited provider entry is not one mapping")
    item: dict[str, Any] = data[0]
    return item


def _validate_entry(data: dict[str, Any]) -> Provider:
    try:
        return Provider.model_validate(data)
    except ValidationError as exc:
        raise FullBuildNeededError("an edited provider entry is not valid") from exc

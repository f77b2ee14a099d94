"""MkDocs hook: validates the registry and adds its generated pages to the site.

Procedure pages and the provider index go through MkDocs like any page. Provider pages do
not: MkDocs renders one hidden shell page and the provider bodies are spliced into it (see
`klachtenportaal.shell`); large registries have them rendered in parallel while MkDocs
builds the rest (see `klachtenportaal.generate`).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from klachtenportaal import shell
from klachtenportaal.generate import GeneratedSite, generate_site
from klachtenportaal.loader import RegistryError
from klachtenportaal.render import (
    DEFAULT_API_URL,
    GeneratedPage,
    create_environment,
    portal_contact,
    root_of,
)

REGISTRY_ENV = "KLACHTENPORTAAL_REGISTRY"
API_URL_ENV = "KLACHTENPORTAAL_API_URL"


@dataclass
class _Build:
    site: GeneratedSite
    env: jinja2.Environment
    documents: dict[str, GeneratedPage] = field(default_factory=dict)
    shell_html: str | None = None


_build: _Build | None = None


def _current() -> _Build:
    if _build is None:
        raise PluginError("klachtenportaal hook: the registry was not loaded (no on_config)")
    return _build


def registry_path(config: MkDocsConfig) -> Path:
    default = Path(config.config_file_path).parent / "providers.yaml"
    return Path(os.environ.get(REGISTRY_ENV, default))


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build
    api_url = os.environ.get(API_URL_ENV, DEFAULT_API_URL)
    try:
        site = generate_site(registry_path(config), api_url)
    except RegistryError as exc:
        raise PluginError(exc.report()) from None
    _build = _Build(site=site, env=create_environment())
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    build = _current()
    for page in build.site.documents:
        build.documents[page.src_uri] = page
        files.append(File.generated(config, page.src_uri,
                                    content=shell.page_source(page.title, page.description)))
    files.append(File.generated(config, shell.SHELL_SRC_URI, content=shell.shell_source()))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Hand-written pages may use registry facts (`{{ portal.phone }}`) instead of copies."""
    if page.file.generated_by is not None:
        return markdown
    build = _current()
    try:
        template = build.env.from_string(markdown)
        registry = build.site.registry
        return template.render(
            portal=registry.portal,
            regelingen=registry.regelingen,
            contacts=registry.contacts,
            portal_contact=portal_contact(registry),
            root=root_of(page.url),
        )
    except jinja2.TemplateError as exc:
        line = f":{exc.lineno}" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise PluginError(f"docs/{page.file.src_uri}{line}: {exc}") from None


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    document = _current().documents.get(page.file.src_uri)
    return html.replace(shell.BODY_MARK, document.body, 1) if document else html


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if page.file.src_uri == shell.SHELL_SRC_URI:
        shell.check_shell(output)
        _current().shell_html = output
    return output


@event_priority(-100)  # after the search plugin has written its index
def on_post_build(config: MkDocsConfig) -> None:
    build = _current()
    if build.shell_html is None:
        raise PluginError("klachtenportaal hook: the provider page shell was not rendered")
    site_dir = Path(config.site_dir)
    shutil.rmtree(site_dir / shell.SHELL_URL, ignore_errors=True)
    written = build.site.providers.write(site_dir, build.shell_html)
    shell.update_sitemap(site_dir, config.site_url or "", [page.url for page in written])
    shell.update_search_index(site_dir, written)


def on_build_error(error: Exception) -> None:
    if _build is not None:
        _build.site.providers.cancel()

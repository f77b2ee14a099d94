"""The MkDocs plugin (`klachtenportaal` in mkdocs.yml): validates the registry and adds its
generated pages to the site.

Procedure pages and the provider index go through MkDocs like any page. Provider pages do
not: MkDocs renders one hidden shell page, and each provider's body is spliced into it (see
`sitegen.shell`), by worker processes that render while MkDocs builds (`sitegen.workers`).
"""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import jinja2
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from klachtenportaal import STATUS_LINK_PATH
from klachtenportaal.formatting import template_environment
from klachtenportaal.privacy import privacy_page
from klachtenportaal.registry import Registry
from sitegen import shell
from sitegen.loader import RegistryError, load_registry
from sitegen.pages import GeneratedPage, PageRenderer, intake_for, portal_contact, root_of
from sitegen.workers import ProviderPageWorkers


class PluginConfig(Config):
    registry = config_options.Type(str, default="providers.yaml")


class KlachtenportaalPlugin(BasePlugin[PluginConfig]):
    provider_pages: ProviderPageWorkers | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        path = Path(config.config_file_path).parent / self.config.registry
        try:
            self.registry: Registry = load_registry(path)
        except RegistryError as exc:
            raise PluginError(exc.report()) from None
        renderer = PageRenderer(self.registry)
        self.provider_pages = ProviderPageWorkers(renderer)  # first: they render meanwhile
        self.documents = {page.src_uri: page for page in renderer.documents()}
        self.markdown_env = template_environment("sitegen")
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        # The shell first: MkDocs builds pages in this order, and the provider pages are
        # written as soon as the shell is there, while MkDocs builds the others.
        page_shell = File.generated(config, shell.SHELL_SRC_URI, content=shell.shell_source())
        generated = [File.generated(config, page.src_uri,
                                    content=shell.page_source(page.title, page.description))
                     for page in self.documents.values()]
        return Files([page_shell, *files, *generated])

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """Hand-written pages may use registry facts (`{{ portal.phone }}`) instead of copies,
        and the privacy promises the code keeps (`{{ privacy.retention }}`)."""
        if page.file.generated_by is not None:
            return markdown
        registry = self.registry
        try:
            return self.markdown_env.from_string(markdown).render(
                portal=registry.portal, regelingen=registry.regelingen,
                contacts=registry.contacts, portal_contact=portal_contact(registry),
                intake=intake_for(registry, registry.regelingen), root=root_of(page.url),
                privacy=privacy_page(), status_link_url=STATUS_LINK_PATH)
        except jinja2.TemplateError as exc:
            line = f":{exc.lineno}" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
            raise PluginError(f"docs/{page.file.src_uri}{line}: {exc}") from None

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        document: GeneratedPage | None = self.documents.get(page.file.src_uri)
        return html.replace(shell.BODY_MARK, document.body, 1) if document else html

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if page.file.src_uri == shell.SHELL_SRC_URI and self.provider_pages:
            shell.check_shell(output)
            self.provider_pages.write(Path(config.site_dir), output)
        return output

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        assert self.provider_pages is not None, "on_config starts them"
        site_dir = Path(config.site_dir)
        try:
            written = self.provider_pages.written()
        except shell.ShellError as exc:
            raise PluginError(str(exc)) from None
        shutil.rmtree(site_dir / shell.SHELL_URL)
        shell.update_sitemap(site_dir, config.site_url or "", [page.url for page in written])
        shell.update_search_index(site_dir, written)

    def on_build_error(self, error: Exception) -> None:
        if self.provider_pages:  # none when the registry had mistakes
            self.provider_pages.stop()

    def on_shutdown(self) -> None:
        # Only the exit follows: without this, the interpreter's last garbage collection
        # walks every object the build made (bench/README.md has what that costs).
        gc.freeze()

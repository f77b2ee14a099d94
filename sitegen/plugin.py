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
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from klachtenportaal import PROVIDERS_DIR, STATUS_LINK_PATH
from klachtenportaal.i18n import LANGUAGES, SOURCE_LANGUAGE, MissingTranslationError
from klachtenportaal.privacy import privacy_page
from klachtenportaal.registry import Registry
from sitegen import shell
from sitegen.loader import RegistryError, load_registry
from sitegen.pages import GeneratedPage, PageRenderer, intake_for, portal_contact
from sitegen.paths import in_language, language_of, language_root_of
from sitegen.translations import compiled_problems, outdated_translation
from sitegen.workers import ProviderPageWorkers

# Pages only staff read: in Dutch only.
STAFF_PAGES = ("behandelomgeving.md",)


class PluginConfig(Config):
    registry = config_options.Type(str, default="providers.yaml")
    # The navigation of each language's pages besides Dutch (mkdocs.yml's `nav`).
    nav_by_language = config_options.Type(dict, default={})


class KlachtenportaalPlugin(BasePlugin[PluginConfig]):
    provider_pages: ProviderPageWorkers | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        path = Path(config.config_file_path).parent / self.config.registry
        try:
            self.registry: Registry = load_registry(path)
        except RegistryError as exc:
            raise PluginError(exc.report()) from None
        problems = compiled_problems()
        if problems:
            raise PluginError("\n".join(problems))
        site_url = config.site_url or ""
        self.renderers = {language: PageRenderer(self.registry, language, site_url)
                          for language in LANGUAGES}
        # first: they render meanwhile
        self.provider_pages = ProviderPageWorkers(self.renderers[SOURCE_LANGUAGE])
        try:
            self.documents = {page.src_uri: page for renderer in self.renderers.values()
                              for page in renderer.documents()}
        except MissingTranslationError as exc:
            self.provider_pages.stop()
            raise PluginError(str(exc)) from None
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        # The shell first: MkDocs builds pages in this order, and the provider pages are
        # written as soon as the shell is there, while MkDocs builds the others.
        page_shell = File.generated(config, shell.SHELL_SRC_URI, content=shell.shell_source())
        generated = [File.generated(config, page.src_uri,
                                    content=shell.page_source(page.title, page.description))
                     for page in self.documents.values()]
        files = Files([page_shell, *files, *generated])
        missing = []
        for file in files.documentation_pages():
            if (language_of(file.src_uri) != SOURCE_LANGUAGE or file.src_uri in STAFF_PAGES
                    or file.generated_by is not None):
                continue  # only hand-written Dutch pages for readers need each language
            for language in LANGUAGES:
                translation = in_language(file.src_uri, language)
                if files.get_file_from_path(translation) is None:
                    missing.append(f"docs/{translation}: missing, the {language} version of "
                                   f"docs/{file.src_uri}")
        if missing:
            raise PluginError("\n".join(missing))
        # Every page's path, the spliced provider pages' too: its versions in other languages.
        self.pages = {file.src_uri for file in files.documentation_pages()} | {
            f"{PROVIDERS_DIR}/{provider.slug}.md" for provider in self.registry.providers}
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """The navigation of each other language, from `nav_by_language`, built as MkDocs
        builds `nav`; pages in that language show it (`on_page_context`)."""
        self.navigations: dict[str, Navigation] = {}
        dutch = config.nav
        for language, items in self.config.nav_by_language.items():
            config.nav = items
            try:
                self.navigations[language] = get_navigation(files, config)
            finally:
                config.nav = dutch
            home = files.get_file_from_path(in_language("index.md", language))
            self.navigations[language].homepage = home.page if home else None
        return nav

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """Hand-written pages may use registry facts (`{{ portal.phone }}`) instead of copies,
        and the privacy promises the code keeps (`{{ privacy.retention }}`), in the page's
        language (by its folder: docs/en/ is English)."""
        language = language_of(page.file.src_uri)
        page.meta["language"] = language
        if page.file.generated_by is not None:
            return markdown
        if language != SOURCE_LANGUAGE:
            outdated = outdated_translation(page.file.src_uri, Path(config.docs_dir),
                                            page.meta.get("translated_from"))
            if outdated:
                raise PluginError(outdated)
        renderer = self.renderers[language]
        registry = renderer.registry
        try:
            return renderer.env.from_string(markdown).render(
                portal=registry.portal, regelingen=registry.regelingen,
                contacts=registry.contacts, portal_contact=portal_contact(registry),
                intake=intake_for(registry, registry.regelingen, language),
                root=language_root_of(page.url, language), privacy=privacy_page(language),
                status_link_url=STATUS_LINK_PATH)
        except jinja2.TemplateError as exc:
            line = f":{exc.lineno}" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
            raise PluginError(f"docs/{page.file.src_uri}{line}: {exc}") from None
        except MissingTranslationError as exc:
            raise PluginError(f"docs/{page.file.src_uri}: {exc}") from None

    def on_page_context(self, context: TemplateContext, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        """The page's links to its versions in other languages (main.html places them); the
        page shell gets marks, filled in per provider page (`sitegen.shell`)."""
        if page.file.src_uri == shell.SHELL_SRC_URI:
            page.meta["language_head"], page.meta["language_switch"] = shell.LANGUAGE_MARKS
            return context
        language = language_of(page.file.src_uri)
        links = self.renderers[language].language_links(
            page.url, [other for other in LANGUAGES
                       if in_language(page.file.src_uri, other) in self.pages])
        page.meta["language_head"], page.meta["language_switch"] = links.head, links.switch
        context["nav"] = self.navigations.get(language, nav)
        return context

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

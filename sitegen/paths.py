"""Where the site's pages are: the path of a page's source and its URL, and the folder of
each language (Dutch at the site's root, English under en/, with the same paths below)."""

from __future__ import annotations

from klachtenportaal.i18n import LANGUAGES, SOURCE_LANGUAGE, Language


def language_dir(language: Language) -> str:
    """Where a language's pages are: Dutch at the site's root, English under en/."""
    return "" if language == SOURCE_LANGUAGE else f"{language}/"


def page_url(src_uri: str) -> str:
    """The directory URL MkDocs gives a Markdown file (`use_directory_urls`)."""
    stem = src_uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def root_of(url: str) -> str:
    """Relative path from a page at `url` back to the site root."""
    return "../" * url.count("/")


def language_root_of(url: str, language: Language) -> str:
    """Relative path from a page at `url` to the root of its language's pages."""
    return root_of(url.removeprefix(language_dir(language)))


def language_of(path: str) -> Language:
    """The language of a page by its source path or URL."""
    return next((language for language in LANGUAGES
                 if language != SOURCE_LANGUAGE and path.startswith(language_dir(language))),
                SOURCE_LANGUAGE)


def in_language(path: str, language: Language) -> str:
    """The same page's source path or URL in `language`."""
    source = path.removeprefix(language_dir(language_of(path)))
    return language_dir(language) + source

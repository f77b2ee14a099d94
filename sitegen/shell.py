"""Splice page bodies into a page shell that MkDocs rendered once.

MkDocs (with the Material theme) renders one hidden shell page at the same depth as the
provider pages. Every provider page is that shell with its title, description, URL and body
swapped in, so a provider page costs one Jinja2 render and a join instead of a full Markdown
and theme render.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from klachtenportaal import PROVIDERS_DIR
from sitegen.pages import GeneratedPage

SHELL_SRC_URI = f"{PROVIDERS_DIR}/__aanbieder__.md"
SHELL_URL = f"{PROVIDERS_DIR}/__aanbieder__/"
TITLE_MARK = "KPSHELLTITLE"
DESCRIPTION_MARK = "KPSHELLDESCRIPTION"
BODY_MARK = "<!-- klachtenportaal:body -->"
# Where a page's links to its versions in other languages go (head, content): each mark stays,
# followed by the page's links, so the shell can be recovered from any page.
LANGUAGE_MARKS = ("<!-- klachtenportaal:languages -->", "<!-- klachtenportaal:switch -->")


class ShellError(Exception):
    """The rendered shell lacks a marker, so pages cannot be spliced into it."""


def page_source(title: str, description: str, *, exclude_from_search: bool = False) -> str:
    """Markdown source of a generated page: front matter, heading and the body marker."""
    search = "search:\n  exclude: true\n" if exclude_from_search else ""
    return (
        f"---\ntitle: {json.dumps(title)}\ndescription: {json.dumps(description)}\n{search}---\n\n"
        f"<h1>{html.escape(title)}</h1>\n\n{BODY_MARK}\n"
    )


def shell_source() -> str:
    return page_source(TITLE_MARK, DESCRIPTION_MARK, exclude_from_search=True)


def check_shell(shell: str) -> None:
    for mark in (TITLE_MARK, DESCRIPTION_MARK, BODY_MARK, *LANGUAGE_MARKS):
        if mark not in shell:
            raise ShellError(f"the page shell lost its marker {mark!r}; check the theme overrides")


_MARKS = re.compile("(" + "|".join(map(re.escape, (BODY_MARK, TITLE_MARK, DESCRIPTION_MARK,
                                                   SHELL_URL, *LANGUAGE_MARKS))) + ")")


@lru_cache(maxsize=4)
def _cut(shell: str) -> list[str]:
    """The shell's text between its markers, and the markers: cut once per shell."""
    return _MARKS.split(shell)


def splice(shell: str, page: GeneratedPage) -> str:
    """The page: the shell with the page's title, description, URL, body and language links
    in place."""
    head, switch = LANGUAGE_MARKS
    values = {BODY_MARK: page.body, TITLE_MARK: html.escape(page.title),
              DESCRIPTION_MARK: html.escape(page.description), SHELL_URL: page.url,
              head: head + page.links.head, switch: switch + page.links.switch}
    return "".join([values.get(part, part) for part in _cut(shell)])


def recover_shell(built: str, page: GeneratedPage) -> str:
    """The shell a built page was spliced into: the exact inverse of `splice`, given the
    page as it was rendered for that build. ShellError when `built` does not hold it."""
    head, switch = LANGUAGE_MARKS
    if any(part not in built for part in (page.body, head + page.links.head,
                                          switch + page.links.switch)):
        raise ShellError(f"{page.url} was not built from this page body and these links")
    return (built.replace(page.body, BODY_MARK, 1)
            .replace(head + page.links.head, head, 1)
            .replace(switch + page.links.switch, switch, 1)
            .replace(html.escape(page.title), TITLE_MARK)
            .replace(html.escape(page.description), DESCRIPTION_MARK)
            .replace(page.url, SHELL_URL))


def write_page(site_dir: Path, page: GeneratedPage, content: str) -> None:
    target = site_dir / page.url / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8")


def replace_file(path: Path, content: str | bytes) -> None:
    """Write `path` whole or not at all: a server reading it meanwhile gets the old content or
    the new, never half of it (a site updated while it is served)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    if isinstance(content, bytes):
        temporary.write_bytes(content)
    else:
        temporary.write_text(content, encoding="utf-8")
    os.replace(temporary, path)


@dataclass(frozen=True)
class WrittenPage:
    url: str
    title: str
    description: str


# Creating thousands of folders and files waits on the disk, with the GIL released: a few
# threads keep the disk busy while the next pages render (bench/README.md has the figures).
# The queue bound caps the pages held in memory.
_WRITERS = 8
_QUEUED = 64


def write_pages(site_dir: Path, page_shell: str,
                pages: Iterable[GeneratedPage]) -> list[WrittenPage]:
    """Splice each page into the shell and write it; what was written, in page order."""
    written = []
    queued: deque[Future[None]] = deque()
    with ThreadPoolExecutor(_WRITERS, thread_name_prefix="write-page") as pool:
        for page in pages:
            if len(queued) >= _QUEUED:
                queued.popleft().result()
            queued.append(pool.submit(write_page, site_dir, page, splice(page_shell, page)))
            written.append(WrittenPage(page.url, page.title, page.description))
        for future in queued:
            future.result()
    return written


def update_sitemap(site_dir: Path, site_url: str, urls: Iterable[str],
                   removed: Iterable[str] = ()) -> None:
    """Drop the shell (and `removed` pages) from the sitemap and list `urls` in it."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.exists():
        return
    text = sitemap.read_text(encoding="utf-8")
    for url in [SHELL_URL, *removed]:
        text = re.sub(r"\s*<url>(?:(?!</url>).)*" + re.escape(url) + r"</loc>.*?</url>", "",
                      text, flags=re.S)
    added = "".join(
        f"\n    <url>\n         <loc>{html.escape(site_url + url)}</loc>\n    </url>"
        for url in urls
    )
    text = text.replace("</urlset>", added.lstrip("\n") + "\n</urlset>" if added else "</urlset>")
    replace_file(sitemap, text)
    replace_file(site_dir / "sitemap.xml.gz", gzip.compress(text.encode("utf-8"), mtime=0))


def update_search_index(site_dir: Path, pages: Iterable[GeneratedPage | WrittenPage],
                        removed: Iterable[str] = ()) -> None:
    """Add one short entry per spliced page to the theme's search index, after dropping the
    entries of the `removed` URLs."""
    index_file = site_dir / "search" / "search_index.json"
    if not index_file.exists():
        return
    index = json.loads(index_file.read_text(encoding="utf-8"))
    gone = set(removed)
    index["docs"] = [doc for doc in index["docs"] if doc["location"] not in gone]
    index["docs"].extend({"location": page.url, "title": page.title, "text": page.description}
                         for page in pages)
    replace_file(index_file, json.dumps(index, ensure_ascii=False, separators=(",", ":")))

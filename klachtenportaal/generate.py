"""The generated part of the site, ready for MkDocs: the validated registry, the pages that go
through MkDocs (procedures, provider index) and a writer for the provider pages.

Large registries use every core. The providers are cut into runs of consecutive entries; a
forked process per run validates its entries, renders their pages while MkDocs builds the rest
of the site, and splices them into the page shell once MkDocs has rendered it. Forking shares
the parsed registry and the compiled templates without copying them. Small registries, and
systems without `fork`, are built in one process. Either way a registry with mistakes gets
the loader's full report.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, pairwise
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from klachtenportaal import shell
from klachtenportaal.loader import (
    YamlError,
    display_name,
    has_reference_issues,
    load_yaml,
    parse_registry,
)
from klachtenportaal.registry import Registry
from klachtenportaal.render import GeneratedPage, PageRenderer, render_pages

# Below this many providers per process, forking costs more than it saves.
PROVIDERS_PER_PROCESS = 500
_FORK = (multiprocessing.get_context("fork")
         if "fork" in multiprocessing.get_all_start_methods() else None)


class ProviderPageError(Exception):
    """A process building provider pages failed; the message holds its traceback."""


class ProviderPageWriter(Protocol):
    def write(self, site_dir: Path, page_shell: str) -> list[shell.WrittenPage]:
        """Write every provider page into `site_dir`, spliced into `page_shell`."""
        ...

    def cancel(self) -> None:
        """Stop without writing (the build failed elsewhere)."""
        ...


@dataclass(frozen=True)
class GeneratedSite:
    registry: Registry
    documents: list[GeneratedPage]
    providers: ProviderPageWriter


def generate_site(path: Path, api_url: str, processes: int | None = None) -> GeneratedSite:
    """Load the registry at `path` (RegistryError on mistakes) and start its provider pages:
    in `processes` forked processes, by default one per core for large registries."""
    text = path.read_text(encoding="utf-8")
    try:
        data = load_yaml(text)
    except YamlError:
        data = None
    entries = data.get("providers") if isinstance(data, dict) else None
    count = processes or default_processes(len(entries) if isinstance(entries, list) else 0)
    if count > 1 and isinstance(data, dict) and isinstance(entries, list):
        writers = ForkedWriters.start(data, entries, api_url, count)
        registry = writers.registry()
        if registry is not None:
            return GeneratedSite(registry, render_pages(registry, api_url).documents, writers)
        writers.cancel()
    # One process; also the road to the full report when something is wrong.
    registry = parse_registry(text, display_name(path))
    pages = render_pages(registry, api_url)
    return GeneratedSite(registry, pages.documents, InProcessWriter(pages.providers))


def default_processes(providers: int) -> int:
    if _FORK is None:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, providers // PROVIDERS_PER_PROCESS))


@dataclass
class InProcessWriter:
    pages: Iterator[GeneratedPage]

    def write(self, site_dir: Path, page_shell: str) -> list[shell.WrittenPage]:
        return shell.write_pages(site_dir, page_shell, self.pages)

    def cancel(self) -> None:
        """Nothing runs until `write`."""


class ForkedWriters:
    """One forked process per run of providers. Each answers twice over its pipe: first its
    validated providers (or that they are invalid), then the pages it wrote."""

    def __init__(self, data: dict[str, Any], runs: list[tuple[BaseProcess, Connection]]) -> None:
        self._data = data
        self._runs = runs

    @classmethod
    def start(cls, data: dict[str, Any], entries: list[Any], api_url: str,
              processes: int) -> ForkedWriters:
        assert _FORK is not None, "more than one process needs fork"
        head = {key: value for key, value in data.items() if key != "providers"}
        bounds = [len(entries) * i // processes for i in range(processes + 1)]
        runs: list[tuple[BaseProcess, Connection]] = []
        for start, end in pairwise(bounds):
            ours, theirs = _FORK.Pipe()
            # A forked process inherits our ends of every pipe so far; it must close them,
            # or a pipe we close would never read as closed on the other side.
            inherited = [ours, *(connection for _, connection in runs)]
            process = _FORK.Process(target=_build_run, daemon=True,
                                    args=(theirs, inherited, head, entries[start:end], api_url))
            process.start()
            theirs.close()
            runs.append((process, ours))
        return cls(data, runs)

    def registry(self) -> Registry | None:
        """The whole validated registry, or None when any part of it has a mistake."""
        runs = [_receive(connection) for _, connection in self._runs]
        if any(run is None for run in runs) or has_reference_issues(self._data):
            return None
        try:
            head = Registry.model_validate({**self._data, "providers": []})
        except ValidationError:
            return None
        providers = [provider for run in runs for provider in run or ()]
        return head.model_copy(update={"providers": providers})

    def write(self, site_dir: Path, page_shell: str) -> list[shell.WrittenPage]:
        for _, connection in self._runs:
            connection.send((site_dir, page_shell))
        try:
            return [page for _, connection in self._runs for page in _receive(connection)]
        finally:
            self.cancel()

    def cancel(self) -> None:
        for process, connection in self._runs:
            connection.close()  # a process still waiting sees the pipe close and ends
            process.join()


def _build_run(connection: Connection, inherited: list[Connection], head: dict[str, Any],
               entries: list[Any], api_url: str) -> None:
    """In a forked process: validate a run of providers, render their pages until the shell
    arrives, then write them all."""
    for other in inherited:
        other.close()
    try:
        try:
            registry = Registry.model_validate({**head, "providers": entries})
        except ValidationError:
            connection.send((True, None))
            return
        connection.send((True, registry.providers))
        pages = PageRenderer(registry, api_url).provider_pages()
        rendered = []
        while not connection.poll():
            page = next(pages, None)
            if page is None:
                break
            rendered.append(page)
        site_dir, page_shell = connection.recv()
        connection.send((True, shell.write_pages(site_dir, page_shell, chain(rendered, pages))))
    except EOFError:
        return  # cancelled while waiting for the shell
    except BaseException:
        with contextlib.suppress(OSError):  # unless cancelled: then nobody listens
            connection.send((False, traceback.format_exc()))


def _receive(connection: Connection) -> Any:
    try:
        ok, result = connection.recv()
    except EOFError:
        raise ProviderPageError("a provider page process ended without an answer") from None
    if not ok:
        raise ProviderPageError(f"a provider page process failed:\n{result}")
    return result

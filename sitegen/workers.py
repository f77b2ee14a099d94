"""Provider pages rendered in worker processes while MkDocs builds the rest of the site.

One process builds 5,000 providers more slowly than Hugo builds the same pages
(bench/README.md). So the providers are cut into one run per core, and a worker process per
run, forked with the validated registry, renders its run's pages while MkDocs builds; once
MkDocs has rendered the page shell, each worker splices its pages into it and writes them.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import pairwise
from pathlib import Path

from klachtenportaal.registry import Provider
from sitegen import shell
from sitegen.pages import GeneratedPage, PageRenderer

# Below this many providers per process, a worker costs more than it saves.
PROVIDERS_PER_PROCESS = 500

# In a worker process: what it was forked with, then its run's pages as rendered.
_renderer: PageRenderer
_providers: list[Provider]
_pages: list[GeneratedPage] = []


def _start(renderer: PageRenderer, providers: list[Provider]) -> None:
    global _renderer, _providers
    _renderer, _providers = renderer, providers


def _render() -> None:
    _pages.extend(_renderer.provider_page(provider) for provider in _providers)


def _write(site_dir: Path, page_shell: str) -> list[shell.WrittenPage]:
    return shell.write_pages(site_dir, page_shell, _pages)


class ProviderPageWorkers:
    """Starts rendering at once; `write` has every provider page written as soon as MkDocs
    has the page shell, while it builds on; `written` waits for that."""

    def __init__(self, renderer: PageRenderer) -> None:
        providers = renderer.registry.providers
        count = max(1, min(len(os.sched_getaffinity(0)),
                           len(providers) // PROVIDERS_PER_PROCESS))
        bounds = [len(providers) * index // count for index in range(count + 1)]
        # Forked, a worker has the registry and the compiled templates without a copy.
        fork = multiprocessing.get_context("fork")
        self._workers = [ProcessPoolExecutor(1, mp_context=fork, initializer=_start,
                                             initargs=(renderer, providers[start:end]))
                         for start, end in pairwise(bounds)]
        self._rendering: list[Future[None]] = [worker.submit(_render)
                                               for worker in self._workers]
        self._writing: list[Future[list[shell.WrittenPage]]] = []

    def write(self, site_dir: Path, page_shell: str) -> None:
        """Splice every provider page into `page_shell` and write it into `site_dir`."""
        self._writing = [worker.submit(_write, site_dir, page_shell)
                         for worker in self._workers]

    def written(self) -> list[shell.WrittenPage]:
        """What was written, once all is; the error of a worker that failed, with its trace."""
        try:
            for rendering in self._rendering:
                rendering.result()
            return [page for run in self._writing for page in run.result()]
        finally:
            self.stop()

    def stop(self) -> None:
        for worker in self._workers:
            worker.shutdown(cancel_futures=True)

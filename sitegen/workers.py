"""Provider pages rendered in worker processes while MkDocs builds the rest of the site.

One process builds 5,000 providers more slowly than Hugo builds the same pages
(bench/README.md). So the providers are cut into runs, and a worker process per run, forked
with the validated registry, renders its run's pages while MkDocs builds; once MkDocs has
rendered the page shell, each worker splices its pages into it and writes them. Each run
holds its rendered pages until then.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from klachtenportaal.registry import Provider
from sitegen import shell
from sitegen.pages import GeneratedPage, PageRenderer

# One worker per this many providers (at least one), and at most one per core.
PROVIDERS_PER_PROCESS = 500


@dataclass
class _Run:
    renderer: PageRenderer
    providers: list[Provider]
    pages: list[GeneratedPage] = field(default_factory=list)


# A worker process's run: set when it starts. Each worker is the only process of its
# executor, so both of its tasks (render, then write) run where the run is.
_run: _Run


def _start(run: _Run) -> None:
    global _run
    _run = run


def _render() -> None:
    _run.pages.extend(_run.renderer.provider_page(provider) for provider in _run.providers)


def _write(site_dir: Path, page_shell: str) -> list[shell.WrittenPage]:
    return shell.write_pages(site_dir, page_shell, _run.pages)


def _cores() -> int:
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return len(usable) if usable else os.cpu_count() or 1


class ProviderPageWorkers:
    """Starts rendering at once; `write` has the pages written as soon as MkDocs has the
    page shell, while it builds on; `written` waits for that."""

    def __init__(self, renderer: PageRenderer, processes: int | None = None) -> None:
        providers = renderer.registry.providers
        count = processes or max(1, min(_cores(), len(providers) // PROVIDERS_PER_PROCESS))
        bounds = [len(providers) * index // count for index in range(count + 1)]
        # Forked, a worker has the registry and the compiled templates without a copy.
        fork = multiprocessing.get_context("fork")
        self._workers = [ProcessPoolExecutor(1, mp_context=fork, initializer=_start,
                                             initargs=(_Run(renderer, providers[start:end]),))
                         for start, end in pairwise(bounds)]
        self._rendering: list[Future[None]] = [worker.submit(_render)
                                               for worker in self._workers]
        self._writing: list[Future[list[shell.WrittenPage]]] = []

    def write(self, site_dir: Path, page_shell: str) -> None:
        """Splice every provider page into `page_shell` and write it into `site_dir`."""
        self._writing = [worker.submit(_write, site_dir, page_shell)
                         for worker in self._workers]

    def written(self) -> list[shell.WrittenPage]:
        """What was written, once all is; a worker's error, with its trace, if one failed."""
        try:
            for rendering in self._rendering:
                rendering.result()
            return [page for run in self._writing for page in run.result()]
        finally:
            self.stop()

    def stop(self) -> None:
        """End the workers (after the task each is doing)."""
        for worker in self._workers:
            worker.shutdown(cancel_futures=True)

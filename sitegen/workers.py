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
from itertools import pairwise
from multiprocessing.queues import Queue
from pathlib import Path

from sitegen import shell
from sitegen.pages import PageRenderer

# One worker per this many providers (at least one), and at most one per core.
PROVIDERS_PER_PROCESS = 500

# The site folder and the page shell, once MkDocs has rendered it; None: stop, write nothing.
Handover = tuple[Path, str] | None

# In a worker process: what it was forked with.
_renderer: PageRenderer
_handover: Queue[Handover]


def _start(renderer: PageRenderer, handover: Queue[Handover]) -> None:
    global _renderer, _handover
    _renderer, _handover = renderer, handover


def _build_run(start: int, end: int) -> list[shell.WrittenPage]:
    """Render the providers from `start` to `end`, wait for the shell, write their pages."""
    pages = [_renderer.provider_page(provider)
             for provider in _renderer.registry.providers[start:end]]
    handed = _handover.get()
    return [] if handed is None else shell.write_pages(*handed, pages)


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
        # Forked, a worker has the registry and the compiled templates without a copy. With
        # fork, the executor starts all its processes before any thread of its own.
        fork = multiprocessing.get_context("fork")
        self._handover: Queue[Handover] = fork.Queue()
        self._pool = ProcessPoolExecutor(count, mp_context=fork, initializer=_start,
                                         initargs=(renderer, self._handover))
        # As many runs as workers, and each run waits for one handover: one run per worker.
        self._runs: list[Future[list[shell.WrittenPage]]] = [
            self._pool.submit(_build_run, start, end) for start, end in pairwise(bounds)]
        self._shell_given = self._handed_over = False

    def write(self, site_dir: Path, page_shell: str) -> None:
        """Splice every provider page into `page_shell` and write it into `site_dir`."""
        self._shell_given = True
        self._hand_over((site_dir, page_shell))

    def written(self) -> list[shell.WrittenPage]:
        """What was written, once all is; a worker's error, with its trace, if one failed."""
        try:
            if not self._shell_given:
                raise shell.ShellError("MkDocs did not render the page shell, so no provider "
                                       "page was written; is it excluded in mkdocs.yml?")
            return [page for run in self._runs for page in run.result()]
        finally:
            self.stop()

    def stop(self) -> None:
        """End the workers; those still waiting for the shell write nothing."""
        self._hand_over(None)
        self._pool.shutdown()

    def _hand_over(self, handed: Handover) -> None:
        if not self._handed_over:
            self._handed_over = True
            for _ in self._runs:
                self._handover.put(handed)

"""Provider pages rendered and written by worker processes, as the build does it."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from klachtenportaal.registry import Registry
from sitegen import shell
from sitegen.loader import load_registry
from sitegen.pages import PageRenderer
from sitegen.synthetic import write_synthetic_registry
from sitegen.workers import ProviderPageWorkers

PAGE_SHELL = (f"<title>{shell.TITLE_MARK}</title><meta content=\"{shell.DESCRIPTION_MARK}\">"
              f"<link href=\"https://example.org/{shell.SHELL_URL}\"><main>{shell.BODY_MARK}</main>")


@pytest.fixture(scope="module")
def many_providers(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Registry:
    folder = tmp_path_factory.mktemp("workers")
    return load_registry(write_synthetic_registry(repo_root / "providers.yaml", 60,
                                                  folder / "providers.yaml"))


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_provider_page_workers_write_what_one_process_writes(
        many_providers: Registry, tmp_path: Path) -> None:
    # GIVEN the pages of 60 providers, written by three workers and by this process
    renderer = PageRenderer(many_providers)
    workers = ProviderPageWorkers(renderer, processes=3)
    workers.write(tmp_path / "workers", PAGE_SHELL)
    written = workers.written()
    alone = shell.write_pages(tmp_path / "alone", PAGE_SHELL,
                              map(renderer.provider_page, many_providers.providers))
    # THEN both wrote the same pages, byte for byte, and no worker is left
    assert written == alone and len(written) == 60
    assert files_under(tmp_path / "workers") == files_under(tmp_path / "alone")
    assert not multiprocessing.active_children()


def test_provider_page_workers_report_a_failed_write_with_its_cause(
        many_providers: Registry, tmp_path: Path) -> None:
    # GIVEN a site folder that cannot be written: a file stands where it should be
    blocked = tmp_path / "site"
    blocked.write_text("not a folder", encoding="utf-8")
    workers = ProviderPageWorkers(PageRenderer(many_providers), processes=2)
    # WHEN the workers write their pages THEN the error is the workers' own
    workers.write(blocked, PAGE_SHELL)
    with pytest.raises((NotADirectoryError, FileExistsError)):
        workers.written()
    assert not multiprocessing.active_children()


def test_provider_page_workers_stop_without_writing(many_providers: Registry,
                                                   tmp_path: Path) -> None:
    # GIVEN workers rendering WHEN the build fails elsewhere and stops them
    workers = ProviderPageWorkers(PageRenderer(many_providers), processes=2)
    workers.stop()
    # THEN none is left running and nothing was written
    assert not multiprocessing.active_children()
    assert not (tmp_path / "site").exists()


def test_provider_page_workers_without_a_shell_say_so(many_providers: Registry) -> None:
    # GIVEN workers that never get the page shell (MkDocs did not render it)
    workers = ProviderPageWorkers(PageRenderer(many_providers), processes=2)
    # WHEN the build asks what was written THEN it hears why nothing was, and no worker stays
    with pytest.raises(shell.ShellError, match="did not render the page shell"):
        workers.written()
    assert not multiprocessing.active_children()

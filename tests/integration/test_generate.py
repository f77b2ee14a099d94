"""Provider pages built in forked processes: the same site as one process, the same report."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from klachtenportaal import shell
from klachtenportaal.generate import ProviderPageError, generate_site
from klachtenportaal.loader import RegistryError, load_registry
from klachtenportaal.synthetic import write_synthetic_registry

API_URL = "/api/klachten"
PAGE_SHELL = (f"<title>{shell.TITLE_MARK}</title><meta content=\"{shell.DESCRIPTION_MARK}\">"
              f"<link href=\"https://example.org/{shell.SHELL_URL}\"><main>{shell.BODY_MARK}</main>")


@pytest.fixture
def registry_file(repo_root: Path, tmp_path: Path) -> Path:
    return write_synthetic_registry(repo_root / "providers.yaml", 60, tmp_path / "providers.yaml")


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_generate_site_forked_runs_write_the_same_site_as_one_process(
        registry_file: Path, tmp_path: Path) -> None:
    # GIVEN the same registry generated in one process and in three
    one = generate_site(registry_file, API_URL, processes=1)
    three = generate_site(registry_file, API_URL, processes=3)
    # WHEN both write their provider pages
    written_one = one.providers.write(tmp_path / "one", PAGE_SHELL)
    written_three = three.providers.write(tmp_path / "three", PAGE_SHELL)
    # THEN registry, documents, page list and every byte written are the same
    assert three.registry == one.registry == load_registry(registry_file)
    assert three.documents == one.documents
    assert written_three == written_one and len(written_one) == 60
    assert files_under(tmp_path / "three") == files_under(tmp_path / "one")
    assert not multiprocessing.active_children()


def test_generate_site_forked_runs_report_every_mistake_like_the_loader(
        registry_file: Path, tmp_path: Path) -> None:
    # GIVEN mistakes in different runs: a bad e-mail address, an unknown regime, and a slug
    # used in the first run and again in the last
    text = registry_file.read_text(encoding="utf-8")
    registry = load_registry(registry_file)
    first, middle, last = registry.providers[1], registry.providers[30], registry.providers[58]
    text = text.replace(f"klachten@{first.slug}.nl", "klachten-at-example.nl")
    text = text.replace(f"slug: {last.slug}\n", f"slug: {first.slug}\n")
    lines = text.splitlines(keepends=True)
    start = lines.index(f"- slug: {middle.slug}\n")
    at = next(i for i in range(start, len(lines)) if lines[i].startswith("  regelingen:"))
    lines[at + 1] = "  - jeugwdet\n"
    broken = tmp_path / "broken.yaml"
    broken.write_text("".join(lines), encoding="utf-8")
    # WHEN generated in three processes
    with pytest.raises(RegistryError) as forked:
        generate_site(broken, API_URL, processes=3)
    # THEN the report is the loader's, with all three mistakes
    with pytest.raises(RegistryError) as loaded:
        load_registry(broken)
    assert forked.value.report() == loaded.value.report()
    report = forked.value.report()
    assert "providers[1].contacts[0].email" in report
    assert "unknown regeling 'jeugwdet'" in report
    assert f"duplicate slug '{first.slug}'" in report
    assert not multiprocessing.active_children()


def test_generate_site_forked_write_failure_names_the_cause(
        registry_file: Path, tmp_path: Path) -> None:
    # GIVEN a site folder that cannot be written: a file stands where it should be
    site = generate_site(registry_file, API_URL, processes=2)
    blocked = tmp_path / "site"
    blocked.write_text("not a folder", encoding="utf-8")
    # WHEN the processes write their pages
    with pytest.raises(ProviderPageError) as failure:
        site.providers.write(blocked, PAGE_SHELL)
    # THEN the error carries the process's own traceback
    assert "NotADirectoryError" in str(failure.value) or "FileExistsError" in str(failure.value)
    assert not multiprocessing.active_children()


def test_generate_site_cancel_ends_the_processes(registry_file: Path) -> None:
    # GIVEN processes waiting for the page shell
    site = generate_site(registry_file, API_URL, processes=2)
    # WHEN the build fails elsewhere and cancels them
    site.providers.cancel()
    # THEN none is left running
    assert not multiprocessing.active_children()

"""The docs' lifecycle diagrams are generated from the ``Lifecycle`` declarations, and
stay fresh: ``python -m importmock lifecycles`` and the marked blocks in the docs agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import importmock
import importmock.services
from importmock.diagrams import all_blocks, backend_lifecycles, marked, refresh, slug
from importmock.engine.lifecycle import Lifecycle, mermaid

DOCS = Path(importmock.__file__).parent.parent / "docs"
PAGES = {
    "wisdom": DOCS / "services" / "wisdom.md",
    "pinpoint": DOCS / "services" / "pinpoint.md",
    "lexv2-models": DOCS / "services" / "lexv2.md",
}


def test_a_diagram_draws_both_paths_the_waiting_stage_and_the_ends() -> None:
    lifecycle = Lifecycle(
        kind="example",
        stages=("NEW", "RUNNING", "FINISHING", "DONE"),
        failing=("FAILING",),
        failure="FAILED",
        fails_after="RUNNING",
        waiting="QUEUED",
    )
    assert mermaid(lifecycle) == (
        "stateDiagram-v2\n"
        "    [*] --> NEW\n"
        "    NEW --> RUNNING\n"
        "    RUNNING --> FINISHING\n"
        "    FINISHING --> DONE\n"
        "    DONE --> [*]\n"
        "    RUNNING --> FAILING: fails\n"
        "    FAILING --> FAILED\n"
        "    FAILED --> [*]\n"
        "    NEW --> QUEUED: no free slot\n"
        "    QUEUED --> RUNNING: a slot frees\n"
    )


def test_a_one_stage_lifecycle_fails_from_the_start() -> None:
    lifecycle = Lifecycle(kind="edit", stages=("NotBuilt",), failure="Failed")
    assert mermaid(lifecycle) == (
        "stateDiagram-v2\n"
        "    [*] --> NotBuilt\n"
        "    NotBuilt --> [*]\n"
        "    [*] --> Failed: fails\n"
        "    Failed --> [*]\n"
    )


def test_the_command_prints_every_lifecycle() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "importmock", "lifecycles"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed == all_blocks()
    assert (
        "### pinpoint: endpoint import\n\n<!-- lifecycle:pinpoint:endpoint-import:start -->\n"
        in printed
    )
    assert printed.count("```mermaid\nstateDiagram-v2\n") == sum(
        len(found) for found in backend_lifecycles().values()
    )


@pytest.mark.parametrize("page", sorted(DOCS.rglob("*.md")), ids=lambda p: p.name)
def test_the_docs_diagrams_are_not_stale(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert refresh(text) == text, (
        f"{page.relative_to(DOCS.parent)} has a stale lifecycle diagram: run "
        f"`python -m importmock lifecycles --write {page.relative_to(DOCS.parent)}`"
    )


@pytest.mark.parametrize("client", sorted(PAGES))
def test_every_lifecycle_is_drawn_on_its_service_page(client: str) -> None:
    drawn = marked(PAGES[client].read_text(encoding="utf-8"))
    assert drawn == [(client, slug(lifecycle.kind)) for lifecycle in backend_lifecycles()[client]]


def test_every_declared_lifecycle_belongs_to_a_backend() -> None:
    """A Lifecycle a backend does not list would escape ``durations`` checks and the docs."""
    declared = {id(lc) for found in backend_lifecycles().values() for lc in found}
    modules = [
        module
        for name, module in sys.modules.items()
        if name.startswith(importmock.services.__name__ + ".")
    ]
    undeclared = [
        f"{module.__name__}.{name}"
        for module in modules
        for name, value in vars(module).items()
        if isinstance(value, Lifecycle) and id(value) not in declared
    ]
    assert modules and undeclared == []


def test_the_write_option_refreshes_a_stale_file(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    fresh = PAGES["pinpoint"].read_text(encoding="utf-8")
    page.write_text(fresh.replace("PROCESSING --> FAILING: fails", "PROCESSING --> FAILED"))
    done = subprocess.run(
        [sys.executable, "-m", "importmock", "lifecycles", "--write", str(page)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == f"refreshed {page}\n"
    assert page.read_text(encoding="utf-8") == fresh


def test_a_marker_naming_no_lifecycle_is_an_error() -> None:
    text = "<!-- lifecycle:pinpoint:export:start -->\n<!-- lifecycle:pinpoint:export:end -->\n"
    with pytest.raises(KeyError, match="no lifecycle pinpoint:export; known: "):
        refresh(text)

"""The docs' state diagrams of job lifecycles, generated from the ``Lifecycle`` declarations.

A diagram sits in a Markdown page between two markers naming the client and the job kind
(spaces as dashes)::

    <!-- lifecycle:pinpoint:endpoint-import:start -->
    ```mermaid
    stateDiagram-v2
    ...
    ```
    <!-- lifecycle:pinpoint:endpoint-import:end -->

``python -m importmock lifecycles`` prints every block; ``python -m importmock lifecycles
--write FILE...`` rewrites the blocks already in those files; a test fails when a page's
block differs from what the declarations give.
"""

from __future__ import annotations

import re

from importmock.engine.lifecycle import Lifecycle, mermaid

_BLOCK = re.compile(
    r"<!-- lifecycle:(?P<client>[a-z0-9-]+):(?P<kind>[a-z0-9-]+):start -->\n"
    r".*?"
    r"<!-- lifecycle:(?P=client):(?P=kind):end -->\n",
    re.DOTALL,
)


def slug(kind: str) -> str:
    """A job kind as markers spell it: ``"bot locale build"`` is ``bot-locale-build``."""
    return re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")


def backend_lifecycles() -> dict[str, tuple[Lifecycle, ...]]:
    """Every backend's lifecycles, by the backend's canonical client name."""
    import importmock.services  # noqa: F401 - registers the backends
    from importmock.engine.backend import backend_for, mocked_clients

    found: dict[str, tuple[Lifecycle, ...]] = {}
    for client in mocked_clients():
        backend = backend_for(client)
        if backend is not None and backend.clients[0] == client:
            found[client] = backend.all_lifecycles()
    return found


def lifecycle_of(client: str, kind_slug: str) -> Lifecycle:
    """The lifecycle a marker names; ``KeyError`` naming the known ones if none."""
    lifecycles = backend_lifecycles()
    for lifecycle in lifecycles.get(client, ()):
        if slug(lifecycle.kind) == kind_slug:
            return lifecycle
    known = [f"{c}:{slug(lc.kind)}" for c, found in lifecycles.items() for lc in found]
    raise KeyError(f"no lifecycle {client}:{kind_slug}; known: {', '.join(known)}")


def block(client: str, lifecycle: Lifecycle) -> str:
    """The marked Markdown block of one lifecycle's diagram."""
    name = f"lifecycle:{client}:{slug(lifecycle.kind)}"
    return f"<!-- {name}:start -->\n```mermaid\n{mermaid(lifecycle)}```\n<!-- {name}:end -->\n"


def all_blocks() -> str:
    """Every lifecycle's block, each under a heading naming its client and kind."""
    parts = []
    for client, lifecycles in backend_lifecycles().items():
        for lifecycle in lifecycles:
            parts.append(f"### {client}: {lifecycle.kind}\n\n{block(client, lifecycle)}")
    return "\n".join(parts)


def refresh(text: str) -> str:
    """``text`` with every marked diagram regenerated from the declarations."""
    return _BLOCK.sub(
        lambda found: block(found["client"], lifecycle_of(found["client"], found["kind"])),
        text,
    )


def marked(text: str) -> list[tuple[str, str]]:
    """The (client, kind slug) of every marked diagram in ``text``."""
    return [(found["client"], found["kind"]) for found in _BLOCK.finditer(text)]

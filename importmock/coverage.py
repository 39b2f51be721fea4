"""Which operations of each mocked client importmock implements.

``python -m importmock coverage`` prints :func:`coverage_table`; docs/coverage.md carries
the same table, and a test fails when the two differ.
"""

from __future__ import annotations

from botocore import xform_name


def implemented_operations(client: str) -> list[str]:
    """The API names of ``client``'s operations that a backend method answers."""
    import importmock.services  # noqa: F401 - registers the backends
    from importmock.engine.backend import backend_for
    from importmock.engine.specs import spec_for_client

    backend = backend_for(client)
    if backend is None:
        raise ValueError(f"importmock does not mock {client!r}")
    names = spec_for_client(client).model.operation_names
    return sorted(name for name in names if hasattr(backend, xform_name(name)))


def mocked_clients() -> list[str]:
    """Every boto3 client name importmock answers."""
    import importmock.services  # noqa: F401 - registers the backends
    from importmock.engine.backend import mocked_clients as registered

    return registered()


def coverage_table() -> str:
    """A Markdown table: per client, the operations implemented.

    It names no operation totals: those change with the installed botocore, the list of
    implemented operations does not.
    """
    lines = ["| client | implemented | operations |", "|---|---|---|"]
    for client in mocked_clients():
        names = implemented_operations(client)
        lines.append(f"| `{client}` | {len(names)} | {', '.join(names)} |")
    return "\n".join(lines) + "\n"

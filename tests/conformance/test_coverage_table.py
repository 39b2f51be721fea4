"""``python -m importmock coverage`` and the table in docs/conformance.md agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import botocore.session
from botocore import xform_name

import importmock
from importmock.coverage import coverage_table, implemented_operations, mocked_clients
from importmock.engine.backend import backend_for

DOC = Path(importmock.__file__).parent.parent / "docs" / "conformance.md"


def test_the_command_prints_the_table() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "importmock", "coverage"], capture_output=True, text=True, check=True
    ).stdout
    assert printed == coverage_table()
    assert printed.splitlines()[0] == "| client | implemented | operations |"
    assert [line.split("|")[1].strip(" `") for line in printed.splitlines()[2:]] == [
        "lexv2-models",
        "pinpoint",
        "qconnect",
        "wisdom",
    ]


def test_the_docs_table_is_not_stale() -> None:
    text = DOC.read_text()
    documented = text[
        text.index("<!-- coverage:start -->\n") + len("<!-- coverage:start -->\n") : text.index(
            "<!-- coverage:end -->"
        )
    ]
    assert documented == coverage_table(), (
        "docs/conformance.md is stale: paste the output of `python -m importmock coverage`"
    )


def test_implemented_means_a_backend_method_answers_it() -> None:
    models = botocore.session.get_session()
    for client in mocked_clients():
        backend = backend_for(client)
        listed = implemented_operations(client)
        for name in models.get_service_model(client).operation_names:
            assert (name in listed) == hasattr(backend, xform_name(name)), (client, name)

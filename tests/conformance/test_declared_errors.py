"""Every error importmock can answer is one the model declares for the operation, or one
of the documented exceptions (``importmock.engine.conformance``).

Three views of the same promise:

- statically, every error code a backend names in its source is an error shape of its
  service's model (or one of AWS's common errors);
- dynamically, the generated requests (a minimal valid request and every single-constraint
  breach of every implemented operation) draw only errors allowed for that operation, and
  every documented exception is really answered somewhere (the list is not stale);
- the whole suite runs with ``check_responses`` on, which refuses an undeclared error in
  any test (tests/conftest.py).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

import importmock
from importmock import mock_imports
from importmock.engine.conformance import COMMON_ERRORS, UNDECLARED_ERRORS, allowed_errors
from tests.conformance.model_requests import minimal_request
from tests.conformance.test_generated_requests import BREACHES, OPERATIONS
from tests.helpers import session_client

PACKAGE = Path(importmock.__file__).parent
DOCS = PACKAGE.parent / "docs" / "behaviour-notes.md"
SERVICE_CLIENTS = {
    "wisdom": ("qconnect", "wisdom"),
    "pinpoint": ("pinpoint",),
    "lexv2": ("lexv2-models",),
}


def _literal_codes(source: Path) -> set[str]:
    codes = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "ServiceError"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            codes.add(node.args[0].value)
    return codes


@pytest.mark.parametrize("package", sorted(SERVICE_CLIENTS))
def test_every_error_code_a_backend_names_is_modeled_by_its_service(package: str) -> None:
    named = set().union(*(_literal_codes(p) for p in (PACKAGE / "services" / package).glob("*.py")))
    assert named, "the scan found no ServiceError at all: it is broken"
    models = botocore.session.get_session()
    for client in SERVICE_CLIENTS[package]:
        modeled = {shape.name for shape in models.get_service_model(client).error_shapes}
        assert named - modeled - set(COMMON_ERRORS) == set(), client


def test_generated_requests_draw_only_errors_allowed_for_their_operation() -> None:
    config = Config(parameter_validation=False, retries={"max_attempts": 1})
    # Responses are collected here rather than refused one by one, to list every breach.
    with mock_imports(check_responses=False) as controller:
        clients = {c: session_client(c, config=config) for c in {c for c, _ in OPERATIONS}}
        requests = [(client, op.name, minimal_request(op)) for client, op in OPERATIONS]
        requests += [(client, b.operation, b.params) for client, b in BREACHES]
        for client, operation, params in requests:
            try:
                getattr(clients[client], xform_name(operation))(**params)
            except ClientError:
                pass
        answered = {
            (c.service, c.operation, c.error_code) for c in controller.calls if c.error_code
        }
    models = botocore.session.get_session()
    undeclared = sorted(
        (client, op, code)
        for client, op, code in answered
        if code not in allowed_errors(client, models.get_service_model(client).operation_model(op))
    )
    assert undeclared == []
    documented = {(c, op, code) for (c, op), codes in UNDECLARED_ERRORS.items() for code in codes}
    assert sorted(documented - answered) == []


def _documented_table() -> set[tuple[str, str, str]]:
    text = DOCS.read_text()
    section = text[
        text.index("<!-- undeclared-errors:start -->") : text.index(
            "<!-- undeclared-errors:end -->"
        )
    ]
    rows = set()
    for line in section.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and not set(cells[0]) <= {"-"} and cells[0] != "client":
            client, operations, code = cells
            for operation in re.split(r",\s*", operations):
                rows.add((client, operation, code))
    return rows


def test_the_behaviour_notes_list_exactly_the_documented_exceptions() -> None:
    expected = {(c, op, code) for (c, op), codes in UNDECLARED_ERRORS.items() for code in codes}
    assert _documented_table() == expected


@pytest.mark.parametrize(
    ("client_name", "path"),
    [
        ("qconnect", "/knowledgeBases//importJobs"),
        ("pinpoint", "/v1/apps//jobs/import"),
        ("lexv2-models", "/bots//"),
    ],
)
def test_a_path_that_matches_no_operation_is_unknown_operation(
    importmock: Any, client_name: str, path: str
) -> None:
    """The empty-label requests the generated tests cannot send, sent as raw HTTP."""
    client = session_client(client_name)

    def retarget(request: Any, **_: Any) -> None:
        request.url = request.url.split("/", 3)[0] + "//" + request.url.split("/", 3)[2] + path

    client.meta.events.register_first("before-sign", retarget)
    operation = {
        "qconnect": "list_knowledge_bases",
        "pinpoint": "get_apps",
        "lexv2-models": "list_bots",
    }
    with pytest.raises(ClientError) as raised:
        getattr(client, operation[client_name])()
    error = raised.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (
        "UnknownOperationException",
        404,
    )
    method = "POST" if client_name == "lexv2-models" else "GET"
    assert error["Error"]["Message"] == (
        f"importmock: no {client_name} operation matches {method} {path}"
    )

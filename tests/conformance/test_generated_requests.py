"""Generated from the botocore models: every implemented operation, every constraint.

For each implemented operation of every mocked client (the list ``python -m importmock
coverage`` prints):

- each constrained input member (required, lengths, values, enum, pattern, list and map
  sizes, map keys and values, unions; nested members too) gets one request that breaks
  exactly that constraint, sent with client-side validation off: the answer must be the
  service's modeled validation error with one violation, in AWS's wording, naming the
  member path;
- a minimal valid request never gets a 5xx, and whatever it gets is an answer its model
  allows (the suite checks every response; see tests/conftest.py).

What cannot be expressed on the wire is listed, not tested: a missing or empty URI label
changes the path, so such a request addresses no operation at all.
"""

from __future__ import annotations

import warnings
from typing import Any

import botocore.session
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from importmock import mock_imports
from importmock.coverage import implemented_operations, mocked_clients
from tests.conformance.model_requests import (
    SOLUTIONS_FILE,
    UNSAVED,
    Breach,
    breaches,
    minimal_request,
)
from tests.helpers import error_of, session_client

# What each service answers for a request that breaks its input shape.
VALIDATION_ERROR = {
    "qconnect": "ValidationException",
    "wisdom": "ValidationException",
    "pinpoint": "BadRequestException",
    "lexv2-models": "ValidationException",
}
_MODELS = botocore.session.get_session()


def _operations() -> list[tuple[str, Any]]:
    return [
        (client, _MODELS.get_service_model(client).operation_model(name))
        for client in mocked_clients()
        for name in implemented_operations(client)
    ]


OPERATIONS = _operations()
_GENERATED = [(client, op, *breaches(op)) for client, op in OPERATIONS]
BREACHES = [(client, breach) for client, _, found, _ in _GENERATED for breach in found]
SKIPPED = [(client, op.name, *skip) for client, op, _, skipped in _GENERATED for skip in skipped]
# Patterns hypothesis had to solve while the tests above were generated: seconds each, at
# every collection. A warning, not a failure: a new botocore release can bring new patterns.
if UNSAVED:
    warnings.warn(
        f"{len(UNSAVED)} pattern solutions are missing from {SOLUTIONS_FILE.name} (each costs "
        "seconds at every collection): run `python -m tests.conformance.model_requests` and "
        f"commit the file; missing: {sorted(UNSAVED)}",
        stacklevel=1,
    )


@pytest.fixture(scope="module")
def clients() -> Any:
    no_client_checks = Config(parameter_validation=False, retries={"max_attempts": 1})
    with mock_imports(check_responses=True) as controller:
        yield (
            controller,
            {
                client: session_client(client, config=no_client_checks)
                for client in mocked_clients()
            },
        )


def _send(client: Any, operation: str, params: dict[str, Any]) -> Any:
    return getattr(client, xform_name(operation))(**params)


def test_every_mocked_client_and_operation_is_covered() -> None:
    assert sorted({client for client, _ in OPERATIONS}) == [
        "lexv2-models",
        "pinpoint",
        "qconnect",
        "wisdom",
    ]
    assert len(OPERATIONS) == sum(len(implemented_operations(c)) for c in mocked_clients())
    breached = {(client, breach.operation) for client, breach in BREACHES}
    # An operation without a breach has nothing to break but its required URI labels.
    for client, op in OPERATIONS:
        if (client, op.name) not in breached:
            assert not _constrained(op.input_shape, top=True), f"{client}.{op.name}"


def _constrained(shape: Any, top: bool = False, seen: frozenset[str] = frozenset()) -> bool:
    if shape is None or shape.name in seen:
        return False
    seen = seen | {shape.name}
    md = shape.metadata
    if any(md.get(key) is not None for key in ("min", "max", "pattern", "enum")):
        return True
    if shape.type_name == "structure":
        labels = {
            n for n, m in shape.members.items() if top and m.serialization.get("location") == "uri"
        }
        if set(shape.required_members) - labels:
            return True
        return any(
            _constrained(m, False, seen)
            for n, m in shape.members.items()
            if n not in labels or m.metadata.get("max") is not None
        )
    if shape.type_name == "list":
        return _constrained(shape.member, False, seen)
    if shape.type_name == "map":
        return _constrained(shape.key, False, seen) or _constrained(shape.value, False, seen)
    return False


def test_skipped_constraints_are_only_the_unsendable_ones() -> None:
    reasons = {reason for *_, reason in SKIPPED}
    assert reasons <= {
        "required URI label: no request without it",
        "empty URI label: the request addresses no route",
        "required payload: botocore sends {}",
        "empty query list: botocore sends no parameter",
    } | {reason for reason in reasons if reason.startswith("max size")}


@pytest.mark.parametrize(
    ("client_name", "breach"), BREACHES, ids=[f"{c}:{b.id}" for c, b in BREACHES]
)
def test_a_broken_constraint_is_refused_in_aws_words(
    clients: Any, client_name: str, breach: Breach
) -> None:
    _, by_client = clients
    with pytest.raises(ClientError) as raised:
        _send(by_client[client_name], breach.operation, breach.params)
    code, message, status = error_of(raised.value)
    assert (code, status) == (VALIDATION_ERROR[client_name], 400), message
    if breach.expected_item is not None:
        assert message == f"1 validation error detected: {breach.expected_item}"
    else:
        assert message.startswith("1 validation error detected: Value ")
        assert f" at '{breach.path}' failed to satisfy constraint: {breach.tail}" in message


@pytest.mark.parametrize(
    ("client_name", "operation"), OPERATIONS, ids=[f"{c}:{op.name}" for c, op in OPERATIONS]
)
def test_a_minimal_valid_request_never_gets_a_5xx(
    clients: Any, client_name: str, operation: Any
) -> None:
    _, by_client = clients
    params = minimal_request(operation)
    try:
        response = _send(by_client[client_name], operation.name, params)
    except ClientError as error:
        code, message, status = error_of(error)
        assert status < 500, f"{code} {status}: {message}"
        # Shape-valid input never draws the validation error with a constraint message.
        assert "failed to satisfy constraint" not in message
    else:
        assert response["ResponseMetadata"]["HTTPStatusCode"] < 300

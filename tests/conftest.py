"""Fixtures shared by the whole suite (plain helpers live in ``tests/helpers.py``)."""

from __future__ import annotations

import os
from typing import Any, Callable

import pytest

# Every response the suite provokes is checked against its operation's model (types,
# constraints, unknown members, timestamp formats, declared errors): a conformance bug in
# any backend fails the test that provoked it. Set before any mock starts.
os.environ["IMPORTMOCK_CHECK_RESPONSES"] = "1"

from importmock import mock_imports
from tests.helpers import make_client

# pytester runs small test files of users' code through the importmock plugin.
pytest_plugins = ["pytester"]

# importmock's network guard is an audit hook, installed by the first mock start. Start one
# now, so it comes before the suite's own socket audit (tests/socket_audit.py): the guard
# then refuses a connection to AWS first, and the audit sees whatever the guard lets by.
with mock_imports():
    pass


@pytest.fixture
def qconnect() -> Callable[..., Any]:
    """Factory fixture: ``qconnect()`` gives a qconnect client in us-east-1.

    ``qconnect("wisdom")`` or ``qconnect(region="eu-west-1", config=...)`` for variants.
    Call it while a mock is active (after entering ``mock_imports`` or with the
    ``importmock`` fixture requested first).
    """
    return make_client


#: Variables that would give a client credentials or a profile.
NO_CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
)


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shell with no AWS credentials anywhere (env, files, profile, instance metadata)."""
    for name in NO_CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


#: The slow tiers (CONTRIBUTING.md): ``pytest -m "not slow"`` leaves them out. Each is the
#: start of a test id (relative to the repository): a directory, a module or one test.
SLOW_TESTS = (
    "tests/server/",  # server mode: threads, sockets, the AWS CLI and Node.js processes
    "tests/conformance/test_generated_requests.py",  # one request per model constraint
    "tests/conformance/test_declared_errors.py::test_generated_requests_draw_only_errors",
    "tests/properties/",  # hypothesis requests against every operation
    # memory bounds measured in child processes, bombs, huge files, thread interleavings
    "tests/robustness/test_hostile_files.py",
    "tests/robustness/test_hostile_lex.py",
    "tests/robustness/test_hostile_pinpoint.py",
    "tests/robustness/test_concurrency.py",
    "tests/services/wisdom/test_import_memory.py",
    "tests/robustness/test_model_patterns.py::test_every_model_pattern_is_cheap_against",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(SLOW_TESTS):
            item.add_marker(pytest.mark.slow)

"""pytest plugin (entry point ``pytest11``): the ``importmock`` and ``importmock_server``
fixtures and the ``importmock`` marker.

The marker alone activates the mock for its test (as ``django_db`` or pytest-freezer's
``freeze_time`` do): a test that forgot to request the fixture must never run unmocked and
reach AWS. The one exception is a test that asks only for ``importmock_server``: its
clients call the server over HTTP, and an in-process mock would answer them first.

Only pytest loads this module, so pytest is not a runtime requirement of importmock. pytest
loads it in every project where importmock is installed, so it imports botocore and the
server only when a test uses the fixtures or the marker.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from importmock.engine.session import MockSession
    from importmock.server import RunningServer

MARKER = "importmock"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "importmock(**options): activate importmock for the test, with these options "
        "(progression, durations, account_id, quotas, check_responses, upload_urls, "
        "passthrough, strict); with the importmock_server fixture, its options instead (which also "
        "takes max_body_bytes, timeout, request_timeout, max_connections, allow_origins, "
        "allow_hosts, credentials, strict_signatures)",
    )


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any] | None:
    """The closest ``importmock`` marker's options, or None when there is none."""
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return None
    if marker.args:
        pytest.fail(
            f"@pytest.mark.importmock takes keyword options only, e.g. "
            f'@pytest.mark.importmock(progression="time"); got positional {marker.args!r}',
            pytrace=False,
        )
    return dict(marker.kwargs)


@pytest.fixture(autouse=True)
def _importmock_marker(request: pytest.FixtureRequest) -> None:
    """Activate the mock for a test that carries the marker, whether or not it requests
    the ``importmock`` fixture (autouse, so it starts before the test's other fixtures)."""
    if request.node.get_closest_marker(MARKER) is None:
        return
    names = request.fixturenames
    if "importmock_server" in names and "importmock" not in names:
        _marker_options(request)  # still refuse positional arguments
        return
    request.getfixturevalue("importmock")


@pytest.fixture
def importmock(request: pytest.FixtureRequest) -> Iterator[MockSession]:
    """An active importmock controller; ``@pytest.mark.importmock(...)`` sets its options."""
    from importmock.engine.errors import UnimplementedOperationsError
    from importmock.mock import leaked_start, mock_imports

    leaked = leaked_start()
    if leaked is not None:
        pytest.fail(
            f"importmock is already active: a mock_imports().start() at {leaked} was never "
            "stopped (leaked from an earlier test?), and the importmock fixture will not "
            "join it; stop it (in a finally or teardown), or use a with block or the fixture",
            pytrace=False,
        )
    try:
        with mock_imports(**(_marker_options(request) or {})) as controller:
            yield controller
    except UnimplementedOperationsError as error:  # strict=True: a failure, not a traceback
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def importmock_server(request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    """A server on a free loopback port for one test (``.url``, ``.controller``,
    ``.client(name)``), for code under test that takes an endpoint URL or runs another
    process; ``@pytest.mark.importmock(...)`` sets its options."""
    from importmock.server import threaded_server

    with threaded_server(**(_marker_options(request) or {})) as server:
        yield server

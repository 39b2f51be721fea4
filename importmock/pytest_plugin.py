"""pytest plugin (entry point ``pytest11``): the ``importmock`` and ``importmock_server``
fixtures and the ``importmock`` marker.

Only pytest loads this module, so pytest is not a runtime requirement of importmock.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from importmock.engine.session import MockSession
from importmock.mock import mock_imports
from importmock.server import RunningServer, threaded_server


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "importmock(**options): options for the importmock fixture "
        "(progression, durations, account_id, quotas, check_responses) and for the "
        "importmock_server fixture (which also takes max_body_bytes, timeout, credentials, "
        "strict_signatures)",
    )


@pytest.fixture
def importmock(request: pytest.FixtureRequest) -> Iterator[MockSession]:
    """An active importmock controller; ``@pytest.mark.importmock(...)`` sets its options."""
    marker = request.node.get_closest_marker("importmock")
    options = dict(marker.kwargs) if marker is not None else {}
    with mock_imports(**options) as controller:
        yield controller


@pytest.fixture
def importmock_server(request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    """A server on a free loopback port for one test (``.url``, ``.controller``,
    ``.client(name)``), for code under test that takes an endpoint URL or runs another
    process; ``@pytest.mark.importmock(...)`` sets its options."""
    marker = request.node.get_closest_marker("importmock")
    options = dict(marker.kwargs) if marker is not None else {}
    with threaded_server(**options) as server:
        yield server

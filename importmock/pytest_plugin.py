"""pytest plugin (entry point ``pytest11``): the ``importmock`` fixture and marker.

Only pytest loads this module, so pytest is not a runtime requirement of importmock.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from importmock.engine.session import MockSession
from importmock.mock import mock_imports


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "importmock(**options): options for the importmock fixture "
        "(progression, durations, account_id, quotas, check_responses)",
    )


@pytest.fixture
def importmock(request: pytest.FixtureRequest) -> Iterator[MockSession]:
    """An active importmock controller; ``@pytest.mark.importmock(...)`` sets its options."""
    marker = request.node.get_closest_marker("importmock")
    options = dict(marker.kwargs) if marker is not None else {}
    with mock_imports(**options) as controller:
        yield controller

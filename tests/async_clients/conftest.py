"""Fixtures for the async-client tests (aiobotocore and aioboto3).

These tests run in their own environments (tox.ini's ``async-*``, a step of ``.ci/run``):
every aiobotocore release pins botocore to a narrow, older range, so installing it beside
the main suite would downgrade botocore for everything. Where aiobotocore is not
installed, each module here is skipped as it is collected. ``no_credentials`` comes from
tests/conftest.py.
"""

from __future__ import annotations

import pytest

from tests.async_clients import NO_AIOBOTO3

FLAVOURS = ("aiobotocore", "aioboto3")


@pytest.fixture(params=FLAVOURS)
def flavour(request: pytest.FixtureRequest) -> str:
    """``aiobotocore`` (its session's ``create_client``) or ``aioboto3``
    (``Session().client``); skipped where that library is not installed."""
    if request.param == "aioboto3":
        pytest.importorskip("aioboto3", reason=NO_AIOBOTO3)
    return str(request.param)

"""Fixtures for the async-client tests (aiobotocore and aioboto3).

These tests run in their own environments (tox.ini's ``async-*``, a step of ``.ci/run``):
every aiobotocore release pins botocore to a narrow, older range, so installing it beside
the main suite would downgrade botocore for everything. Where aiobotocore is not
installed, each module here is skipped as it is collected.
"""

from __future__ import annotations

import pytest

from tests.async_clients import NO_AIOBOTO3

FLAVOURS = ("aiobotocore", "aioboto3")

#: Variables that would give a client credentials, a profile or a region.
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


@pytest.fixture(params=FLAVOURS)
def flavour(request: pytest.FixtureRequest) -> str:
    """``aiobotocore`` (its session's ``create_client``) or ``aioboto3``
    (``Session().client``); skipped where that library is not installed."""
    if request.param == "aioboto3":
        pytest.importorskip("aioboto3", reason=NO_AIOBOTO3)
    return str(request.param)


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shell with no AWS credentials anywhere (env, files, profile, instance metadata)."""
    for name in NO_CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

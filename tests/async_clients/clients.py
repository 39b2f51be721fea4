"""Helpers for the async-client tests: opening aiobotocore and aioboto3 clients, running a
coroutine test with plain ``asyncio.run`` (no plugin), and each service's import flow.

Import this only after ``pytest.importorskip("aiobotocore")``.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import requests
from aiobotocore.session import AioSession

from tests.async_clients import NO_AIOBOTO3
from tests.helpers import REGION
from tests.services.lexv2.archives import ROLE

ACCOUNT = "123456789012"
PINPOINT_ROLE = f"arn:aws:iam::{ACCOUNT}:role/pinpoint-import"
GOOD_AND_BAD = "name,content,shortcutKey\nGreeting,Hello,hi\nDuplicate,Again,hi\n"
#: StartImport's resourceSpecification for the PizzaBot archive (tests.services.lexv2).
PIZZA_BOT = {
    "botImportSpecification": {
        "botName": "PizzaBot",
        "roleArn": ROLE,
        "dataPrivacy": {"childDirected": False},
    }
}

_sessions: dict[str, Any] = {}


def asyncio_test(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an ``async def`` test in a new event loop (pytest sees a plain function, with
    the coroutine function's signature, so fixtures and parameters still arrive)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))  # type: ignore[arg-type]

    return run


def async_client(flavour: str, service: str, region: str = REGION, **kwargs: Any) -> Any:
    """An async context manager giving a client of ``service``: aiobotocore's
    ``AioSession.create_client`` or aioboto3's ``Session.client``.

    One session per flavour for the run (models load once), as ``tests.helpers`` does
    for boto3; ``fresh_client`` makes its own.
    """
    if flavour not in _sessions:
        _sessions[flavour] = _new_session(flavour)
    return _open(_sessions[flavour], service, region, **kwargs)


def fresh_client(flavour: str, service: str, region: str = REGION, **kwargs: Any) -> Any:
    """As :func:`async_client`, from a new session (credentials resolved anew)."""
    return _open(_new_session(flavour), service, region, **kwargs)


def _new_session(flavour: str) -> Any:
    if flavour == "aioboto3":
        aioboto3 = pytest.importorskip("aioboto3", reason=NO_AIOBOTO3)
        return aioboto3.Session()
    return AioSession()


def _open(session: Any, service: str, region: str, **kwargs: Any) -> Any:
    if isinstance(session, AioSession):
        return session.create_client(service, region_name=region, **kwargs)
    return session.client(service, region_name=region, **kwargs)


def without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    """A response without ``ResponseMetadata`` (its request id differs at every call)."""
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def unsigned(job: dict[str, Any]) -> dict[str, Any]:
    """A job without what is signed afresh at every read.

    Each read of a job presigns its URLs again, at that read's time: two reads a second apart
    differ in ``X-Amz-Date``, the signature and ``urlExpiry``, as on AWS.
    """
    return {
        key: value.split("?", 1)[0]
        if isinstance(value, str) and "X-Amz-Signature=" in value
        else value
        for key, value in job.items()
        if key != "urlExpiry"
    }


def error_of(error: Exception) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a botocore ClientError."""
    response = error.response  # type: ignore[attr-defined]
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def put(url: str, body: bytes, headers: dict[str, str] | None = None) -> None:
    """PUT ``body`` to a minted upload URL with ``requests`` (answered in-process)."""
    response = requests.put(url, data=body, headers=headers or {})
    assert response.status_code == 200, response.text

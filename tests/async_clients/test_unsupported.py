"""An aiobotocore importmock cannot answer fails the call with a clear importmock error
before it is sent: the backend never runs, the controller records nothing, no state
changes, and nothing reaches the network.

Each case simulates such a release on the installed one: a version outside the supported
range, or a release without what the adapter relies on. Once the simulation is undone, the
same client works: the failed endpoint was not left half hooked.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import importmock
from tests.async_clients import NO_AIOBOTOCORE

pytest.importorskip("aiobotocore", reason=NO_AIOBOTOCORE)

import aiobotocore
import aiobotocore.awsrequest
import aiobotocore.credentials
from botocore.awsrequest import AWSResponse
from botocore.credentials import Credentials

from importmock import ImportMockError, mock_imports
from tests.async_clients.clients import async_client, asyncio_test
from tests.helpers import make_client
from tests.socket_audit import recording


def message(version: str, reason: str) -> str:
    return (
        f"importmock cannot answer aiobotocore {version} clients in-process: {reason}. "
        "importmock supports aiobotocore >=2.23.0,<4 (tested with 2.23.0, 2.25.1 and "
        "3.10.0): install one (pip install 'aiobotocore>=2.23.0,<4', or an aioboto3 release "
        f"that pins one), or an importmock release that supports aiobotocore {version}. "
        "This CreateKnowledgeBase call was stopped before it was sent: nothing reached the "
        "mock."
    )


def a_newer_major(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(aiobotocore, "__version__", "4.0.0")
    return "that release is outside the supported range"


def an_older_release(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(aiobotocore, "__version__", "2.22.0")
    return "that release is outside the supported range"


def an_unreadable_version(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(aiobotocore, "__version__", "unknown")
    return "its version ('unknown') cannot be read"


def no_aio_response(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delattr(aiobotocore.awsrequest, "AioAWSResponse")
    return "aiobotocore.awsrequest.AioAWSResponse (importmock answers with it) is missing"


def a_response_read_without_await(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(aiobotocore.awsrequest.AioAWSResponse, "content", AWSResponse.content)
    return "AioAWSResponse no longer reads its body with `await raw.read()`"


def no_aio_credentials(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delattr(aiobotocore.credentials, "AioCredentials")
    return "aiobotocore.credentials.AioCredentials (importmock lends them) is missing"


def credentials_read_without_await(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(
        aiobotocore.credentials.AioCredentials,
        "get_frozen_credentials",
        Credentials.get_frozen_credentials,
    )
    return "AioCredentials.get_frozen_credentials is no longer awaited"


SIMULATIONS: dict[str, Callable[[pytest.MonkeyPatch], str]] = {
    "a newer major": a_newer_major,
    "an older release": an_older_release,
    "an unreadable version": an_unreadable_version,
    "no AioAWSResponse": no_aio_response,
    "a response read without await": a_response_read_without_await,
    "no AioCredentials": no_aio_credentials,
    "credentials read without await": credentials_read_without_await,
}


@pytest.mark.parametrize("simulation", SIMULATIONS)
@asyncio_test
async def test_an_unsupported_aiobotocore_fails_before_the_call_is_sent(
    flavour: str, simulation: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with mock_imports() as m:
        async with async_client(flavour, "qconnect") as client:
            installed = aiobotocore.__version__
            with monkeypatch.context() as patch:
                reason = SIMULATIONS[simulation](patch)
                version = aiobotocore.__version__
                with recording() as events:
                    for _ in range(2):  # every call, not only the first
                        with pytest.raises(ImportMockError) as raised:
                            await client.create_knowledge_base(
                                name="never", knowledgeBaseType="QUICK_RESPONSES"
                            )
                        assert str(raised.value) == message(version, reason)
                assert type(raised.value) is importmock.UnsupportedAiobotocoreError
                assert events == []
                assert m.calls == []  # the backend never ran
                assert (
                    make_client("qconnect").list_knowledge_bases()["knowledgeBaseSummaries"] == []
                )  # and nothing changed
            # the real release again: the same client is hooked now, and answered
            assert aiobotocore.__version__ == installed
            created = await client.create_knowledge_base(
                name="after", knowledgeBaseType="QUICK_RESPONSES"
            )
            assert created["knowledgeBase"]["name"] == "after"
    assert [c.operation for c in m.calls] == ["ListKnowledgeBases", "CreateKnowledgeBase"]

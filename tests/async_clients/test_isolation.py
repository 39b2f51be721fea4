"""Nothing leaves the process, and nothing the mock lends outlives it, with async clients
too: a service importmock does not mock is stopped before any socket is touched, and a
client that had no credentials is lent some only while the mock is active."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from tests.async_clients import NO_AIOBOTOCORE

pytest.importorskip("aiobotocore", reason=NO_AIOBOTOCORE)

import boto3
from botocore.exceptions import NoCredentialsError

from importmock import NotMockedError, mock_imports
from tests.async_clients.clients import async_client, asyncio_test, fresh_client
from tests.socket_audit import recording


@asyncio_test
async def test_a_service_importmock_does_not_mock_never_reaches_the_network(flavour: str) -> None:
    with mock_imports() as m:
        async with async_client(flavour, "sqs") as client:
            with recording() as events:
                with pytest.raises(NotMockedError) as raised:
                    await client.list_queues()
                with pytest.raises(NotMockedError):
                    await client.list_queues()  # and again: nothing was half done
    assert events == []
    assert str(raised.value) == (
        "importmock does not mock the 'sqs' service and moto's mock_aws is not active, so "
        "this POST https://sqs.us-east-1.amazonaws.com/ was stopped before reaching the "
        "network. importmock mocks: lexv2-models, pinpoint, qconnect, wisdom."
    )
    assert m.calls == []


@asyncio_test
async def test_a_client_with_no_credentials_is_lent_some_only_inside_the_mock(
    flavour: str, no_credentials: None
) -> None:
    # made before the mock, in a shell with no credentials: it resolved none
    async with fresh_client(flavour, "qconnect") as early:
        with recording() as events:
            with pytest.raises(NoCredentialsError):
                await early.list_knowledge_bases()
            for name in ("first", "second"):  # lent again by the next mock
                with mock_imports() as m:
                    kb = await early.create_knowledge_base(
                        name=name, knowledgeBaseType="QUICK_RESPONSES"
                    )
                    arn = kb["knowledgeBase"]["knowledgeBaseArn"]
                    assert arn.startswith("arn:aws:wisdom:us-east-1:123456789012:knowledge-base/")
                    listed = await early.list_knowledge_bases()
                    assert [s["name"] for s in listed["knowledgeBaseSummaries"]] == [name]
                assert [c.operation for c in m.calls] == [
                    "CreateKnowledgeBase",
                    "ListKnowledgeBases",
                ]
                # after: exactly as before the mock, not signed with the lent keys and sent
                with pytest.raises(NoCredentialsError):
                    await early.list_knowledge_bases()
    assert events == []


@asyncio_test
async def test_sync_and_async_clients_without_credentials_side_by_side(
    flavour: str, no_credentials: None
) -> None:
    # with aiobotocore loaded, a botocore client is still lent botocore's credentials
    sync = boto3.session.Session().client("pinpoint", region_name="us-east-1")
    async with fresh_client(flavour, "pinpoint") as early:
        with mock_imports() as m:
            app = sync.create_app(CreateApplicationRequest={"Name": "sync"})
            app_id = app["ApplicationResponse"]["Id"]
            read = await early.get_app(ApplicationId=app_id)
            assert read["ApplicationResponse"]["Name"] == "sync"
        for call in (sync.get_apps, early.get_apps):
            with pytest.raises(NoCredentialsError):
                await resolve(call())
    assert [c.operation for c in m.calls] == ["CreateApp", "GetApp"]


async def resolve(result: Any) -> Any:
    """``result``, awaited if the call was an async client's."""
    return await result if inspect.isawaitable(result) else result

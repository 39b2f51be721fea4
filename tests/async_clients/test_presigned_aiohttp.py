"""Presigned uploads and downloads with aiohttp, the HTTP client async code uses beside
aiobotocore: the URLs importmock mints are answered in-process, with the same checks as
for ``requests``, and the import jobs then read what was uploaded.

importmock answers aiohttp through a loopback server of its own, so loopback connections
are allowed here, and nothing else.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.async_clients import NO_AIOBOTOCORE

pytest.importorskip("aiobotocore", reason=NO_AIOBOTOCORE)

import aiohttp

from importmock import mock_imports
from tests.async_clients.clients import GOOD_AND_BAD, PIZZA_BOT, async_client, asyncio_test
from tests.services.lexv2.archives import bot_files, to_zip
from tests.socket_audit import LOOPBACK, network_events, recording


def beyond_loopback(events: list[Any]) -> list[Any]:
    return [(event, host) for event, host in network_events(events) if host not in LOOPBACK]


async def aiohttp_put(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http:
        async with http.put(url, data=body, headers=headers) as response:
            return response.status, await response.text()


async def aiohttp_get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as response:
            return response.status, await response.text()


@pytest.mark.parametrize("service", ["qconnect", "wisdom"])
@asyncio_test
async def test_a_quick_response_file_uploaded_with_aiohttp_is_imported(
    flavour: str, service: str
) -> None:
    with mock_imports() as m:
        async with async_client(flavour, service) as client:
            kb = await client.create_knowledge_base(
                name="support", knowledgeBaseType="QUICK_RESPONSES"
            )
            kb_id = kb["knowledgeBase"]["knowledgeBaseId"]
            upload = await client.start_content_upload(
                knowledgeBaseId=kb_id, contentType="text/csv"
            )
            with recording(allow_loopback=True) as events:
                put = await aiohttp_put(
                    upload["url"], GOOD_AND_BAD.encode(), upload["headersToInclude"]
                )
                assert put == (200, "")
                started = await client.start_import_job(
                    knowledgeBaseId=kb_id,
                    importJobType="QUICK_RESPONSES",
                    uploadId=upload["uploadId"],
                )
                job_id = started["importJob"]["importJobId"]
                job = await client.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
                assert job["importJob"]["status"] == "COMPLETE"
                status, report = await aiohttp_get(job["importJob"]["failedRecordReport"])
                assert beyond_loopback(events) == []
            listed = await client.list_quick_responses(knowledgeBaseId=kb_id)
    assert status == 200
    assert list(csv.DictReader(io.StringIO(report))) == [
        {
            "name": "Duplicate",
            "content": "Again",
            "shortcutKey": "hi",
            "error": "The shortcut key 'hi' is already in use.",
        }
    ]
    assert [s["name"] for s in listed["quickResponseSummaries"]] == ["Greeting"]
    assert [(job.kind, job.status) for job in m.jobs()] == [("quick-response import", "COMPLETE")]


@asyncio_test
async def test_an_aiohttp_upload_without_the_headers_to_include_is_refused(flavour: str) -> None:
    with mock_imports() as m:
        async with async_client(flavour, "qconnect") as client:
            kb = await client.create_knowledge_base(
                name="support", knowledgeBaseType="QUICK_RESPONSES"
            )
            kb_id = kb["knowledgeBase"]["knowledgeBaseId"]
            upload = await client.start_content_upload(
                knowledgeBaseId=kb_id, contentType="text/csv"
            )
            with recording(allow_loopback=True) as events:
                status, body = await aiohttp_put(upload["url"], GOOD_AND_BAD.encode(), {})
            assert beyond_loopback(events) == []
            started = await client.start_import_job(
                knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
            )
            job = await client.get_import_job(
                knowledgeBaseId=kb_id, importJobId=started["importJob"]["importJobId"]
            )
    assert status == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in body
    # aiohttp sends its own default content type when none is given
    assert (
        "<Message>The request signature we calculated does not match the signature you "
        "provided. Signed header 'content-type' is missing or differs: expected 'text/csv'."
        "</Message>"
    ) in body
    # the refused upload stored nothing: the job finds nothing to import
    assert job["importJob"]["status"] == "FAILED"
    assert [job.failure_reason for job in m.jobs()] == [
        f"Nothing was uploaded for upload ID {upload['uploadId']}."
    ]


@asyncio_test
async def test_a_lex_archive_uploaded_with_aiohttp_is_imported(flavour: str) -> None:
    with mock_imports() as m:
        async with async_client(flavour, "lexv2-models") as client:
            created = await client.create_upload_url()
            with recording(allow_loopback=True) as events:
                put = await aiohttp_put(created["uploadUrl"], to_zip(bot_files("PizzaBot")), {})
                assert beyond_loopback(events) == []
            assert put == (200, "")
            await client.start_import(
                importId=created["importId"],
                resourceSpecification=PIZZA_BOT,
                mergeStrategy="FailOnConflict",
            )
            described = await client.describe_import(importId=created["importId"])
            bots = await client.list_bots()
    assert described["importStatus"] == "Completed"
    assert [bot["botName"] for bot in bots["botSummaries"]] == ["PizzaBot"]
    assert [(job.kind, job.status) for job in m.jobs()] == [("import", "Completed")]

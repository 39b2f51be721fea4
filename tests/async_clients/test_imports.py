"""A whole import through every mocked client, with aiobotocore and with aioboto3.

The async client shares one mock with a sync boto3 client: what one creates the other
reads, with the same answers, so the two see the same state through the same pipeline;
the controller records every call of both, in order.
"""

from __future__ import annotations

import asyncio
import csv
import io

import pytest

from tests.async_clients import NO_AIOBOTOCORE

pytest.importorskip("aiobotocore", reason=NO_AIOBOTOCORE)

import requests

from importmock import mock_imports
from tests.async_clients.clients import (
    GOOD_AND_BAD,
    PINPOINT_ROLE,
    PIZZA_BOT,
    async_client,
    asyncio_test,
    put,
    unsigned,
    without_metadata,
)
from tests.helpers import csv_text, make_client
from tests.services.lexv2.archives import bot_files, to_zip
from tests.services.pinpoint.conftest import SUCCESS_PATH
from tests.socket_audit import recording


def report_rows(url: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(requests.get(url).text)))


# -- Amazon Q in Connect and Wisdom -------------------------------------------------------


@pytest.mark.parametrize("service", ["qconnect", "wisdom"])
@asyncio_test
async def test_a_quick_response_import(flavour: str, service: str) -> None:
    with mock_imports(progression="reads") as m:
        sync = make_client(service)
        with recording() as events:
            async with async_client(flavour, service) as client:
                created = await client.create_knowledge_base(
                    name="support", knowledgeBaseType="QUICK_RESPONSES"
                )
                assert created["ResponseMetadata"]["HTTPStatusCode"] == 200
                kb_id = created["knowledgeBase"]["knowledgeBaseId"]
                read = await client.get_knowledge_base(knowledgeBaseId=kb_id)
                assert without_metadata(read) == without_metadata(
                    sync.get_knowledge_base(knowledgeBaseId=kb_id)
                )
                upload = await client.start_content_upload(
                    knowledgeBaseId=kb_id, contentType="text/csv"
                )
                put(upload["url"], GOOD_AND_BAD.encode(), upload["headersToInclude"])
                started = await client.start_import_job(
                    knowledgeBaseId=kb_id,
                    importJobType="QUICK_RESPONSES",
                    uploadId=upload["uploadId"],
                )
                job_id = started["importJob"]["importJobId"]
                assert started["importJob"]["status"] == "START_IN_PROGRESS"
                polled = (await client.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id))[
                    "importJob"
                ]
                assert polled["status"] == "COMPLETE"  # reads mode: the first read completes it
                assert unsigned(
                    sync.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)["importJob"]
                ) == unsigned(polled)
                assert report_rows(polled["failedRecordReport"]) == [
                    {
                        "name": "Duplicate",
                        "content": "Again",
                        "shortcutKey": "hi",
                        "error": "The shortcut key 'hi' is already in use.",
                    }
                ]
                # created by the sync client, listed by the async one, and the other way round
                sync.create_quick_response(
                    knowledgeBaseId=kb_id, name="Bye", content={"content": "Bye"}
                )
                listed = await client.list_quick_responses(knowledgeBaseId=kb_id)
                assert sorted(s["name"] for s in listed["quickResponseSummaries"]) == [
                    "Bye",
                    "Greeting",
                ]
                assert without_metadata(listed) == without_metadata(
                    sync.list_quick_responses(knowledgeBaseId=kb_id)
                )
    assert events == []
    assert [(c.service, c.operation, c.status) for c in m.calls] == [
        (service, "CreateKnowledgeBase", 200),
        (service, "GetKnowledgeBase", 200),
        (service, "GetKnowledgeBase", 200),
        (service, "StartContentUpload", 200),
        (service, "StartImportJob", 200),
        (service, "GetImportJob", 200),
        (service, "GetImportJob", 200),
        (service, "CreateQuickResponse", 200),
        (service, "ListQuickResponses", 200),
        (service, "ListQuickResponses", 200),
    ]
    assert [(job.kind, job.status) for job in m.jobs()] == [("quick-response import", "COMPLETE")]


# -- Pinpoint -------------------------------------------------------------------------------

ENDPOINTS = csv_text(
    ["Id", "ChannelType", "Address", "User.UserId"],
    ["e1", "EMAIL", "a@example.com", "u1"],
    ["e2", "SMS", "+14255550100", "u2"],
)


@asyncio_test
async def test_a_pinpoint_endpoint_import(flavour: str) -> None:
    with mock_imports(progression="reads") as m:
        m.put_object("endpoint-imports", "endpoints.csv", ENDPOINTS)
        sync = make_client("pinpoint")
        with recording() as events:
            async with async_client(flavour, "pinpoint") as client:
                app = await client.create_app(CreateApplicationRequest={"Name": "imports"})
                assert app["ResponseMetadata"]["HTTPStatusCode"] == 201
                app_id = app["ApplicationResponse"]["Id"]
                started = await client.create_import_job(
                    ApplicationId=app_id,
                    ImportJobRequest={
                        "Format": "CSV",
                        "S3Url": "s3://endpoint-imports/endpoints.csv",
                        "RoleArn": PINPOINT_ROLE,
                        "RegisterEndpoints": True,
                    },
                )
                assert started["ResponseMetadata"]["HTTPStatusCode"] == 201
                job_id = started["ImportJobResponse"]["Id"]
                statuses = [started["ImportJobResponse"]["JobStatus"]]
                # reads mode: each read, by either client, moves the job one stage
                for reader in ("async", "sync", "async", "sync", "async"):
                    if reader == "async":
                        job = await client.get_import_job(ApplicationId=app_id, JobId=job_id)
                    else:
                        job = sync.get_import_job(ApplicationId=app_id, JobId=job_id)
                    statuses.append(job["ImportJobResponse"]["JobStatus"])
                assert statuses == SUCCESS_PATH
                finished = job["ImportJobResponse"]
                assert (finished["TotalProcessed"], finished["TotalFailures"]) == (2, 0)
                for endpoint_id in ("e1", "e2"):
                    read = await client.get_endpoint(ApplicationId=app_id, EndpointId=endpoint_id)
                    assert without_metadata(read) == without_metadata(
                        sync.get_endpoint(ApplicationId=app_id, EndpointId=endpoint_id)
                    )
                assert read["EndpointResponse"]["Address"] == "+14255550100"
                listed = await client.get_import_jobs(ApplicationId=app_id)
                assert without_metadata(listed) == without_metadata(
                    sync.get_import_jobs(ApplicationId=app_id)
                )
    assert events == []
    assert [(c.service, c.operation, c.status) for c in m.calls] == [
        ("pinpoint", "CreateApp", 201),
        ("pinpoint", "CreateImportJob", 201),
        *[("pinpoint", "GetImportJob", 200)] * 5,
        *[("pinpoint", "GetEndpoint", 200)] * 4,
        ("pinpoint", "GetImportJobs", 200),
        ("pinpoint", "GetImportJobs", 200),
    ]
    assert [(job.kind, job.status) for job in m.jobs()] == [("endpoint import", "COMPLETED")]


# -- Lex V2 -------------------------------------------------------------------------------


@asyncio_test
async def test_a_lex_bot_import(flavour: str) -> None:
    with mock_imports(progression="reads") as m:
        sync = make_client("lexv2-models")
        with recording() as events:
            async with async_client(flavour, "lexv2-models") as client:
                created = await client.create_upload_url()
                put(created["uploadUrl"], to_zip(bot_files("PizzaBot")))
                started = await client.start_import(
                    importId=created["importId"],
                    resourceSpecification=PIZZA_BOT,
                    mergeStrategy="FailOnConflict",
                )
                assert (started["ResponseMetadata"]["HTTPStatusCode"], started["importStatus"]) == (
                    202,
                    "InProgress",
                )
                described = await client.describe_import(importId=created["importId"])
                assert described["importStatus"] == "Completed"  # reads mode: the first read
                assert without_metadata(described) == without_metadata(
                    sync.describe_import(importId=created["importId"])
                )
                bot_id = described["importedResourceId"]
                bot = await client.describe_bot(botId=bot_id)
                assert (bot["botName"], bot["botStatus"]) == ("PizzaBot", "Available")
                assert without_metadata(bot) == without_metadata(sync.describe_bot(botId=bot_id))
                locales = await client.list_bot_locales(botId=bot_id, botVersion="DRAFT")
                assert sorted(s["localeId"] for s in locales["botLocaleSummaries"]) == [
                    "en_GB",
                    "en_US",
                ]
                assert without_metadata(locales) == without_metadata(
                    sync.list_bot_locales(botId=bot_id, botVersion="DRAFT")
                )
    assert events == []
    assert [(c.service, c.operation, c.status) for c in m.calls] == [
        ("lexv2-models", "CreateUploadUrl", 200),
        ("lexv2-models", "StartImport", 202),
        ("lexv2-models", "DescribeImport", 200),
        ("lexv2-models", "DescribeImport", 200),
        ("lexv2-models", "DescribeBot", 200),
        ("lexv2-models", "DescribeBot", 200),
        ("lexv2-models", "ListBotLocales", 200),
        ("lexv2-models", "ListBotLocales", 200),
    ]
    assert [(job.kind, job.status) for job in m.jobs()] == [("import", "Completed")]


# -- paginators and concurrent calls ----------------------------------------------------------


@asyncio_test
async def test_concurrent_calls_and_an_async_paginator(flavour: str) -> None:
    with mock_imports() as m, recording() as events:
        sync = make_client("qconnect")
        async with async_client(flavour, "qconnect") as client:
            await asyncio.gather(
                *(
                    client.create_knowledge_base(
                        name=f"kb-{n}", knowledgeBaseType="QUICK_RESPONSES"
                    )
                    for n in range(5)
                )
            )
            paginator = client.get_paginator("list_knowledge_bases")
            pages = [
                [kb["name"] for kb in page["knowledgeBaseSummaries"]]
                async for page in paginator.paginate(PaginationConfig={"PageSize": 2})
            ]
        sync_pages = [
            [kb["name"] for kb in page["knowledgeBaseSummaries"]]
            for page in sync.get_paginator("list_knowledge_bases").paginate(
                PaginationConfig={"PageSize": 2}
            )
        ]
    assert events == []
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(name for page in pages for name in page) == [f"kb-{n}" for n in range(5)]
    assert pages == sync_pages
    assert [c.operation for c in m.calls] == [
        *["CreateKnowledgeBase"] * 5,
        *["ListKnowledgeBases"] * 6,
    ]

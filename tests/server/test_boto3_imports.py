"""A whole import in each service, through boto3 clients given the server's endpoint_url,
with jobs moving as they are polled (``reads`` progression)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
import requests

from importmock.server import RunningServer, threaded_server
from tests.helpers import csv_text
from tests.services.lexv2.archives import bot_files, to_zip, unzip
from tests.services.lexv2.conftest import bot_spec

MAX_POLLS = 20  # every job here ends in a handful of reads


@pytest.fixture
def reads() -> Iterator[RunningServer]:
    with threaded_server(progression="reads") as server:
        yield server


def _poll(read, done) -> tuple[dict, list[str]]:
    """Read until ``done(answer)``; the last answer and every status seen."""
    seen = []
    for _ in range(MAX_POLLS):
        answer = read()
        seen.append(answer)
        if done(answer):
            return answer, seen
    raise AssertionError(f"not finished after {MAX_POLLS} reads: {seen[-1]}")


def test_quick_responses_import(reads: RunningServer) -> None:
    qconnect = reads.client("qconnect")
    kb_id = qconnect.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")[
        "knowledgeBase"
    ]["knowledgeBaseId"]
    upload = qconnect.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
    body = csv_text(["name", "content"], ["Hello", "Hi there"], ["Bye", "Goodbye"], ["", "x"])
    put = requests.put(
        upload["url"], data=body.encode(), headers=upload["headersToInclude"], timeout=10
    )
    assert put.status_code == 200
    started = qconnect.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]
    assert started["status"] == "START_IN_PROGRESS"
    job, seen = _poll(
        lambda: qconnect.get_import_job(knowledgeBaseId=kb_id, importJobId=started["importJobId"])[
            "importJob"
        ],
        lambda job: job["status"] in ("COMPLETE", "FAILED"),
    )
    assert [j["status"] for j in seen] == ["COMPLETE"]  # one read, one stage
    assert job["failedRecordReport"].startswith(reads.url + "/_importmock/s3/")
    failed = list(csv.DictReader(io.StringIO(requests.get(job["failedRecordReport"]).text)))
    assert len(failed) == 1
    names = sorted(
        s["name"]
        for s in qconnect.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
    )
    assert names == ["Bye", "Hello"]


def test_pinpoint_endpoint_import(reads: RunningServer) -> None:
    reads.controller.put_object(
        "imports-bucket",
        "endpoints.csv",
        csv_text(
            ["Id", "ChannelType", "Address", "User.UserId"],
            ["e1", "EMAIL", "a@example.com", "u1"],
            ["e2", "SMS", "+14255550100", "u2"],
            ["e3", "FAX", "+14255550101", "u3"],
        ),
    )
    pinpoint = reads.client("pinpoint")
    app_id = pinpoint.create_app(CreateApplicationRequest={"Name": "app"})["ApplicationResponse"][
        "Id"
    ]
    started = pinpoint.create_import_job(
        ApplicationId=app_id,
        ImportJobRequest={
            "Format": "CSV",
            "RoleArn": "arn:aws:iam::123456789012:role/import",
            "S3Url": "s3://imports-bucket/endpoints.csv",
            "RegisterEndpoints": True,
            "DefineSegment": True,
            "SegmentName": "imported",
        },
    )["ImportJobResponse"]
    job, seen = _poll(
        lambda: pinpoint.get_import_job(ApplicationId=app_id, JobId=started["Id"])[
            "ImportJobResponse"
        ],
        lambda job: job["JobStatus"] in ("COMPLETED", "FAILED"),
    )
    assert [j["JobStatus"] for j in seen][-1] == "COMPLETED"
    assert len(seen) > 1  # it moved as it was read
    assert (job["TotalProcessed"], job["TotalFailures"]) == (3, 1)
    assert (
        pinpoint.get_endpoint(ApplicationId=app_id, EndpointId="e2")["EndpointResponse"]["Address"]
        == "+14255550100"
    )
    segment = pinpoint.get_segment(ApplicationId=app_id, SegmentId=job["Definition"]["SegmentId"])
    assert segment["SegmentResponse"]["ImportDefinition"]["Size"] == 2


def test_lex_bot_import_and_export(reads: RunningServer) -> None:
    lex = reads.client("lexv2-models")
    created = lex.create_upload_url()
    put = requests.put(created["uploadUrl"], data=to_zip(bot_files()), timeout=10)
    assert put.status_code == 200
    started = lex.start_import(
        importId=created["importId"],
        resourceSpecification=bot_spec("PizzaBot"),
        mergeStrategy="FailOnConflict",
    )
    assert started["importStatus"] == "InProgress"
    done, seen = _poll(
        lambda: lex.describe_import(importId=created["importId"]),
        lambda found: found["importStatus"] in ("Completed", "Failed"),
    )
    assert done["importStatus"] == "Completed", done.get("failureReasons")
    bot_id = done["importedResourceId"]
    assert lex.describe_bot(botId=bot_id)["botName"] == "PizzaBot"
    locales = lex.list_bot_locales(botId=bot_id, botVersion="DRAFT")["botLocaleSummaries"]
    assert len(locales) == 2
    export = lex.create_export(
        resourceSpecification={"botExportSpecification": {"botId": bot_id, "botVersion": "DRAFT"}},
        fileFormat="LexJson",
    )
    finished, _ = _poll(
        lambda: lex.describe_export(exportId=export["exportId"]),
        lambda found: found["exportStatus"] in ("Completed", "Failed"),
    )
    assert finished["exportStatus"] == "Completed"
    archive = requests.get(finished["downloadUrl"], timeout=10)
    assert archive.status_code == 200
    assert any(name.endswith("Bot.json") for name in unzip(archive.content))

"""Minted URLs answered in-process whatever HTTP library fetches them (requests, urllib3,
urllib.request, httpx sync and async, aiohttp), or on a loopback server for subprocesses
(``upload_urls="loopback"``); and only the URLs importmock minted.

Every test runs under the socket audit: no name is resolved and nothing connects beyond
loopback (aiohttp's requests go to the mock's own loopback server)."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from typing import Any

import boto3
import httpx
import pytest
import requests
import urllib3
from botocore.config import Config
from moto import mock_aws

from importmock import NotMockedError, mock_imports
from tests.helpers import csv_text, make_client, make_kb
from tests.services.lexv2.archives import manifest, to_zip
from tests.socket_audit import network_events, recording

SOURCE = csv_text(["name", "content"], ["Hello", "Hi there!"], ["Hello", "Again"]).encode()
REPORT = b"name,content,error\r\nHello,Again,A quick response named 'Hello' already exists.\r\n"
LEX_ROLE = "arn:aws:iam::123456789012:role/lex-import"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback requests go straight to the loopback server, whatever the machine's proxy."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


# Each fetcher: (method, url, headers, body) -> (status, headers (lower-case names), body)
Fetch = Callable[[str, str, dict, bytes], tuple[int, dict, bytes]]


def _with_requests(method: str, url: str, headers: dict, body: bytes) -> tuple[int, dict, bytes]:
    response = requests.request(method, url, headers=headers, data=body or None)
    return response.status_code, _lower(response.headers), response.content


def _with_urllib3(method: str, url: str, headers: dict, body: bytes) -> tuple[int, dict, bytes]:
    # what a Lambda handler does: urllib3 ships in the runtime, requests does not
    response = urllib3.PoolManager().request(method, url, headers=headers, body=body or None)
    return response.status, _lower(response.headers), response.data


def _with_urllib_request(
    method: str, url: str, headers: dict, body: bytes
) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=body or None, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:  # 4xx arrive as an exception, as from S3
        return error.code, _lower(error.headers), error.read()


def _with_httpx(method: str, url: str, headers: dict, body: bytes) -> tuple[int, dict, bytes]:
    with httpx.Client() as client:
        response = client.request(method, url, headers=headers, content=body or None)
    return response.status_code, _lower(response.headers), response.content


def _with_httpx_async(method: str, url: str, headers: dict, body: bytes) -> tuple[int, dict, bytes]:
    async def fetch() -> tuple[int, dict, bytes]:
        async with httpx.AsyncClient() as client:
            response = await client.request(method, url, headers=headers, content=body or None)
        return response.status_code, _lower(response.headers), response.content

    return asyncio.run(fetch())


def _with_aiohttp(method: str, url: str, headers: dict, body: bytes) -> tuple[int, dict, bytes]:
    aiohttp = pytest.importorskip("aiohttp")

    async def fetch() -> tuple[int, dict, bytes]:
        async with aiohttp.ClientSession() as session:
            async with session.request(method, url, headers=headers, data=body or None) as got:
                return got.status, _lower(got.headers), await got.read()

    return asyncio.run(fetch())


def _lower(headers: Any) -> dict:
    return {name.lower(): value for name, value in headers.items()}


FETCHERS: dict[str, Fetch] = {
    "requests": _with_requests,
    "urllib3": _with_urllib3,
    "urllib.request": _with_urllib_request,
    "httpx": _with_httpx,
    "httpx-async": _with_httpx_async,
    "aiohttp": _with_aiohttp,
}
#: aiohttp is answered by the mock's loopback server; every other library in-process.
LOOPBACK_FETCHERS = {"aiohttp"}


def _expected_network(name: str, events: list) -> None:
    found = network_events(events)
    if name in LOOPBACK_FETCHERS:
        assert found and {host for _, host in found} <= {"127.0.0.1"}, found
    else:
        assert found == []


@pytest.mark.parametrize("name", list(FETCHERS))
def test_a_wisdom_import_through_each_http_library(name: str) -> None:
    fetch = FETCHERS[name]
    with mock_imports() as m:
        client = boto3.session.Session().client("qconnect", region_name="us-east-1")
        kb_id = make_kb(client, "http-clients")
        upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        with recording(allow_loopback=True) as events:
            unsigned = fetch("PUT", upload["url"], {}, SOURCE)  # headers left out
            put = fetch("PUT", upload["url"], upload["headersToInclude"], SOURCE)
            job = client.start_import_job(
                knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
            )["importJob"]
            job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])[
                "importJob"
            ]
            report = fetch("GET", job["failedRecordReport"], {}, b"")
            head = fetch("HEAD", job["url"], {}, b"")
            copy = fetch("GET", job["url"], {}, b"")
        _expected_network(name, events)

    assert unsigned[0] == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in unsigned[2]
    assert b"Signed header 'content-type' is missing or differs" in unsigned[2]
    assert (put[0], put[2]) == (200, b"")
    assert put[1]["etag"].startswith('"')
    assert job["status"] == "COMPLETE"
    assert (report[0], report[1]["content-type"], report[2]) == (200, "text/csv", REPORT)
    assert (head[0], head[2]) == (200, b"")
    assert (copy[0], copy[2]) == (200, SOURCE)
    assert [c.operation for c in m.calls] == [
        "CreateKnowledgeBase",
        "StartContentUpload",
        "StartImportJob",
        "GetImportJob",
    ]


@pytest.mark.parametrize("name", list(FETCHERS))
def test_a_tampered_or_unknown_url_is_refused_as_s3_refuses_it(name: str) -> None:
    fetch = FETCHERS[name]
    with mock_imports():
        client = make_client()
        upload = client.start_content_upload(
            knowledgeBaseId=make_kb(client), contentType="text/csv"
        )
        tampered = upload["url"].replace("X-Amz-Expires=", "X-Amz-Expires=9")
        with recording(allow_loopback=True) as events:
            refused = fetch("PUT", tampered, upload["headersToInclude"], SOURCE)
        _expected_network(name, events)
    assert refused[0] == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in refused[2]


@pytest.mark.parametrize("name", list(FETCHERS))
def test_a_lex_import_and_export_through_each_http_library(name: str) -> None:
    # urllib3 is what a Lambda handler has: the runtime ships it, not requests
    fetch = FETCHERS[name]
    archive = to_zip(
        {
            "manifest.json": manifest("Bot"),
            "HttpBot/Bot.json": {
                "name": "HttpBot",
                "dataPrivacy": {"childDirected": False},
                "idleSessionTTLInSeconds": 300,
            },
        }
    )
    with mock_imports() as m:
        lex = boto3.session.Session().client("lexv2-models", region_name="us-east-1")
        with recording(allow_loopback=True) as events:
            upload = lex.create_upload_url()
            put = fetch("PUT", upload["uploadUrl"], {}, archive)
            lex.start_import(
                importId=upload["importId"],
                mergeStrategy="FailOnConflict",
                resourceSpecification={
                    "botImportSpecification": {
                        "botName": "HttpBot",
                        "roleArn": LEX_ROLE,
                        "dataPrivacy": {"childDirected": False},
                    }
                },
            )
            imported = lex.describe_import(importId=upload["importId"])
            export_id = lex.create_export(
                resourceSpecification={
                    "botExportSpecification": {
                        "botId": imported["importedResourceId"],
                        "botVersion": "DRAFT",
                    }
                },
                fileFormat="LexJson",
            )["exportId"]
            export = lex.describe_export(exportId=export_id)
            download = fetch("GET", export["downloadUrl"], {}, b"")
        _expected_network(name, events)
    assert (put[0], put[2]) == (200, b"")
    assert imported["importStatus"] == "Completed"
    assert export["exportStatus"] == "Completed"
    assert (download[0], download[1]["content-type"]) == (200, "application/zip")
    with zipfile.ZipFile(io.BytesIO(download[2])) as exported:
        assert exported.namelist() == ["manifest.json", "HttpBot/Bot.json"]
    assert [c.operation for c in m.calls] == [
        "CreateUploadUrl",
        "StartImport",
        "DescribeImport",
        "CreateExport",
        "DescribeExport",
    ]


def test_a_library_imported_during_the_mock_is_answered_too() -> None:
    # a fresh interpreter: httpx is imported only after the mock started
    code = """
import boto3, sys
from importmock import mock_imports
assert "httpx" not in sys.modules
with mock_imports():
    client = boto3.client("qconnect", region_name="us-east-1")
    kb = client.create_knowledge_base(name="late", knowledgeBaseType="QUICK_RESPONSES")
    upload = client.start_content_upload(
        knowledgeBaseId=kb["knowledgeBase"]["knowledgeBaseId"], contentType="text/csv")
    import httpx
    response = httpx.put(upload["url"], content=b"name,content\\nA,B\\n",
                         headers=upload["headersToInclude"])
    print(response.status_code)
"""
    # -W ignore: boto3 warns on stderr that it is leaving old Pythons behind
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "200\n", "")


# -- only what importmock minted -------------------------------------------------------------


def test_a_users_own_importmock_named_bucket_in_moto_keeps_working() -> None:
    with mock_aws(), mock_imports():
        s3 = boto3.client(
            "s3",
            region_name="eu-west-1",
            config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
        )
        s3.create_bucket(
            Bucket="importmock-reports",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        )
        s3.put_object(Bucket="importmock-reports", Key="daily.csv", Body=b"from moto")
        url = s3.generate_presigned_url(
            "get_object", Params={"Bucket": "importmock-reports", "Key": "daily.csv"}
        )
        # the very shape of the URLs importmock mints, with the user's own credential
        assert url.startswith("https://importmock-reports.s3.eu-west-1.amazonaws.com/daily.csv?")
        with recording() as events:
            got = requests.get(url)
        assert events == []
    assert (got.status_code, got.content) == (200, b"from moto")


def test_other_urls_to_aws_are_not_claimed_but_stopped() -> None:
    with mock_imports():
        with recording() as events, pytest.raises(NotMockedError) as raised:
            urllib3.PoolManager().request(
                "GET", "https://importmock-reports.s3.us-east-1.amazonaws.com/daily.csv"
            )
    assert events == []
    assert "importmock-reports.s3.us-east-1.amazonaws.com:443" in str(raised.value)


# -- upload_urls="loopback" ----------------------------------------------------------------------


def test_loopback_urls_serve_a_subprocess_and_stop_with_the_mock(tmp_path: Any) -> None:
    source = tmp_path / "quick-responses.csv"
    source.write_bytes(SOURCE)
    with mock_imports(upload_urls="loopback") as m:
        assert m.options["upload_urls"] == "loopback"
        client = make_client()
        kb_id = make_kb(client)
        upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        assert upload["url"].startswith("http://127.0.0.1:")
        assert "/_importmock/s3/importmock-" in upload["url"]
        headers = [f"{name}: {value}" for name, value in upload["headersToInclude"].items()]
        # another process, with no importmock in it
        put = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys, urllib.request\n"
                "headers = dict(h.split(': ', 1) for h in sys.argv[3:])\n"
                "request = urllib.request.Request(sys.argv[1], method='PUT', headers=headers,\n"
                "                                 data=open(sys.argv[2], 'rb').read())\n"
                "print(urllib.request.urlopen(request).status)\n",
                upload["url"],
                str(source),
                *headers,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (put.returncode, put.stdout, put.stderr) == (0, "200\n", "")
        job = client.start_import_job(
            knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
        )["importJob"]
        job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])[
            "importJob"
        ]
        assert job["status"] == "COMPLETE"
        assert job["failedRecordReport"].startswith("http://127.0.0.1:")
        with recording(allow_loopback=True) as events:
            report = requests.get(job["failedRecordReport"])
            # the loopback server answers minted URLs and nothing else
            api = requests.get(upload["url"].split("/_importmock/")[0] + "/_importmock/health")
        assert {host for _, host in network_events(events)} == {"127.0.0.1"}
        assert (report.status_code, report.content) == (200, REPORT)
        assert api.status_code == 404
    with pytest.raises(requests.ConnectionError):
        requests.get(job["failedRecordReport"], timeout=5)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_loopback_urls_take_a_curl_upload(tmp_path: Any) -> None:
    source = tmp_path / "quick-responses.csv"
    source.write_bytes(SOURCE)
    with mock_imports(upload_urls="loopback"):
        client = make_client()
        kb_id = make_kb(client)
        upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        header_options = [
            option
            for name, value in upload["headersToInclude"].items()
            for option in ("-H", f"{name}: {value}")
        ]
        curl = subprocess.run(
            ["curl", "--silent", "--show-error", "--fail", "--noproxy", "*", "-T", str(source)]
            + header_options
            + ["-w", "%{http_code}", upload["url"]],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (curl.returncode, curl.stdout, curl.stderr) == (0, "200", "")
        job = client.start_import_job(
            knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
        )["importJob"]
        assert (
            client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])[
                "importJob"
            ]["status"]
            == "COMPLETE"
        )


def test_upload_urls_option_is_checked_at_declaration() -> None:
    with pytest.raises(ValueError, match="upload_urls must be one of 'in-process', 'loopback'"):
        mock_imports(upload_urls="s3")

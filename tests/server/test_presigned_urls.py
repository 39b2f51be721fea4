"""Presigned URLs minted in server mode point at the server, for any HTTP client."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import requests
from freezegun import freeze_time

from importmock.server import RunningServer
from tests.helpers import csv_text


def _kb_upload(server: RunningServer, client=None, name: str = "kb") -> tuple[str, dict]:
    client = client or server.client("qconnect")
    kb = client.create_knowledge_base(name=name, knowledgeBaseType="QUICK_RESPONSES")
    kb_id = kb["knowledgeBase"]["knowledgeBaseId"]
    return kb_id, client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")


def test_upload_urls_point_at_the_host_the_client_called(server: RunningServer) -> None:
    _, upload = _kb_upload(server)
    called = urlsplit(server.url)
    url = urlsplit(upload["url"])
    assert (url.scheme, url.netloc) == ("http", called.netloc)
    assert url.path.startswith("/_importmock/s3/importmock-wisdom-123456789012/")
    localhost = f"http://localhost:{called.port}"
    client = server.client("qconnect", endpoint_url=localhost)
    _, other = _kb_upload(server, client, name="other")
    assert urlsplit(other["url"]).netloc == f"localhost:{called.port}"


def test_a_whole_import_with_report_download_over_plain_http(server: RunningServer) -> None:
    client = server.client("qconnect")
    kb_id, upload = _kb_upload(server)
    body = csv_text(["name", "content"], ["Good", "fine"], ["", "no name"]).encode()
    put = requests.put(upload["url"], data=body, headers=upload["headersToInclude"], timeout=10)
    assert (put.status_code, put.content) == (200, b"")
    assert put.headers["ETag"].startswith('"')
    job = client.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]
    job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])["importJob"]
    assert job["status"] == "COMPLETE"
    assert urlsplit(job["url"]).netloc == urlsplit(server.url).netloc
    source = requests.get(job["url"], timeout=10)
    assert (source.status_code, source.content) == (200, body)
    head = requests.head(job["url"], timeout=10)
    assert (head.status_code, head.content) == (200, b"")
    report = requests.get(job["failedRecordReport"], timeout=10)
    assert report.status_code == 200
    rows = list(csv.DictReader(io.StringIO(report.text)))
    assert len(rows) == 1
    names = [
        s["name"]
        for s in client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
    ]
    assert names == ["Good"]


def test_a_tampered_url_is_refused_like_s3(server: RunningServer) -> None:
    _, upload = _kb_upload(server)
    tampered = upload["url"].replace("X-Amz-Expires=", "X-Amz-Expires=9")
    answer = requests.put(tampered, data=b"x", headers=upload["headersToInclude"], timeout=10)
    assert answer.status_code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in answer.content
    missing = requests.put(upload["url"], data=b"x", timeout=10)  # without the signed headers
    assert missing.status_code == 403
    assert b"Signed header 'content-type' is missing or differs" in missing.content


def test_an_expired_url_is_refused(server: RunningServer) -> None:
    lex = server.client("lexv2-models")
    with freeze_time(datetime.now(timezone.utc) - timedelta(hours=1)):
        url = lex.create_upload_url()["uploadUrl"]
    answer = requests.put(url, data=b"PK", timeout=10)
    assert answer.status_code == 403
    assert b"<Message>Request has expired</Message>" in answer.content


def test_an_unknown_key_is_no_such_key(server: RunningServer) -> None:
    _, upload = _kb_upload(server)
    server.controller.reset()  # forgets the upload slot, as a deleted object
    answer = requests.put(upload["url"], data=b"x", headers=upload["headersToInclude"], timeout=10)
    assert answer.status_code == 404
    assert b"<Code>NoSuchKey</Code>" in answer.content

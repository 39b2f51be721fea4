"""Presigned URLs minted by the mock (uploads and failed-record reports), served to
``requests``: headers, expiry on the clock (freezegun and time-machine), tampering, and
other URLs left alone."""

from __future__ import annotations

import http.server
import re
import threading
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
import time_machine
from freezegun import freeze_time

from importmock import mock_imports
from tests.helpers import make_client, make_kb, start_import

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
CSV = b"name,content\nGreeting,Hello there\n"


def s3_code(response: requests.Response) -> str:
    found = re.search(r"<Code>([^<]*)</Code>", response.text)
    assert found, response.text
    return found.group(1)


def start_upload(client, kb_id: str, **kwargs):
    return client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv", **kwargs)


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


# -- uploads ---------------------------------------------------------------------------------


def test_upload_with_headers_to_include_succeeds():
    with mock_imports():
        client = make_client()
        kb_id = make_kb(client)
        upload = start_upload(client, kb_id)
        assert upload["url"].startswith("https://")
        assert upload["headersToInclude"]
        assert upload["headersToInclude"]["content-type"] == "text/csv"
        response = requests.put(upload["url"], data=CSV, headers=upload["headersToInclude"])
        assert response.status_code == 200
        assert response.headers["ETag"]
        # the uploaded file is what the import job reads
        job = client.start_import_job(
            knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
        )["importJob"]
        got = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])
        assert got["importJob"]["status"] == "COMPLETE"
        names = [
            q["name"]
            for q in client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
        ]
        assert names == ["Greeting"]


def test_upload_missing_a_required_header_is_403():
    with mock_imports():
        client = make_client()
        kb_id = make_kb(client)
        upload = start_upload(client, kb_id)
        headers = upload["headersToInclude"]
        assert len(headers) >= 1
        for left_out in headers:
            partial = {k: v for k, v in headers.items() if k != left_out}
            response = requests.put(upload["url"], data=CSV, headers=partial)
            assert response.status_code == 403, left_out
            assert s3_code(response) == "SignatureDoesNotMatch"
            assert response.text.startswith("<?xml")
            assert "<Error>" in response.text
        # a wrong value is refused too
        wrong = {**headers, "content-type": "text/plain"}
        response = requests.put(upload["url"], data=CSV, headers=wrong)
        assert (response.status_code, s3_code(response)) == (403, "SignatureDoesNotMatch")


def test_failed_uploads_leave_nothing_for_the_job():
    with mock_imports(progression="manual") as m:
        client = make_client()
        kb_id = make_kb(client)
        upload = start_upload(client, kb_id)
        requests.put(upload["url"], data=CSV, headers={})  # refused: no headers
        job = client.start_import_job(
            knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
        )["importJob"]
        m.settle()
        got = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])
        assert got["importJob"]["status"] == "FAILED"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url, q: with_query(url, **{"X-Amz-Signature": "0" * 64}),
        lambda url, q: with_query(url, **{"X-Amz-Expires": str(int(q["X-Amz-Expires"]) + 3600)}),
        lambda url, q: with_query(url, **{"X-Amz-Date": "20990101T000000Z"}),
        lambda url, q: url.replace("/", "/x", 3).replace("https:/x/x", "https://", 1),
    ],
    ids=["signature", "expires", "date", "path"],
)
def test_tampered_url_is_403(tamper):
    with mock_imports():
        client = make_client()
        kb_id = make_kb(client)
        upload = start_upload(client, kb_id)
        query = {k: v[0] for k, v in parse_qs(urlsplit(upload["url"]).query).items()}
        tampered = tamper(upload["url"], query)
        assert tampered != upload["url"]
        response = requests.put(tampered, data=CSV, headers=upload["headersToInclude"])
        assert response.status_code == 403
        assert s3_code(response) == "SignatureDoesNotMatch"


# -- expiry on the clock -----------------------------------------------------------------------


def test_upload_url_expires_under_freezegun():
    with freeze_time(T0) as frozen, mock_imports():
        client = make_client()
        kb_id = make_kb(client)
        upload = start_upload(client, kb_id)
        assert upload["urlExpiry"] == T0 + timedelta(minutes=15)
        frozen.tick(timedelta(minutes=14, seconds=59))
        ok = requests.put(upload["url"], data=CSV, headers=upload["headersToInclude"])
        assert ok.status_code == 200
        frozen.tick(timedelta(seconds=2))
        late = requests.put(upload["url"], data=CSV, headers=upload["headersToInclude"])
        assert late.status_code == 403
        assert s3_code(late) == "AccessDenied"
        assert "<Message>Request has expired</Message>" in late.text
        frozen.move_to(T0 + timedelta(days=1))
        later = requests.put(upload["url"], data=CSV, headers=upload["headersToInclude"])
        assert (later.status_code, s3_code(later)) == (403, "AccessDenied")


def test_upload_url_expires_under_time_machine():
    with time_machine.travel(T0, tick=False) as traveller, mock_imports():
        client = make_client()
        kb_id = make_kb(client)
        upload = start_upload(client, kb_id, presignedUrlTimeToLive=2)
        assert upload["urlExpiry"] == T0 + timedelta(minutes=2)
        traveller.shift(timedelta(seconds=119))
        ok = requests.put(upload["url"], data=CSV, headers=upload["headersToInclude"])
        assert ok.status_code == 200
        traveller.shift(timedelta(seconds=2))
        late = requests.put(upload["url"], data=CSV, headers=upload["headersToInclude"])
        assert late.status_code == 403
        assert s3_code(late) == "AccessDenied"
        assert "Request has expired" in late.text
        traveller.move_to(T0)
        back = requests.put(upload["url"], data=CSV, headers=upload["headersToInclude"])
        assert back.status_code == 200


@pytest.mark.parametrize("ttl_minutes", [1, 5, 60])
def test_presigned_url_time_to_live_sets_the_expiry(ttl_minutes):
    with freeze_time(T0) as frozen, mock_imports():
        client = make_client()
        kb_id = make_kb(client)
        frozen.tick(timedelta(seconds=7))
        upload = start_upload(client, kb_id, presignedUrlTimeToLive=ttl_minutes)
        issued = T0 + timedelta(seconds=7)
        assert upload["urlExpiry"] == issued + timedelta(minutes=ttl_minutes)
        query = parse_qs(urlsplit(upload["url"]).query)
        assert query["X-Amz-Expires"] == [str(ttl_minutes * 60)]
        assert query["X-Amz-Date"] == ["20240501T120007Z"]
        frozen.tick(timedelta(minutes=ttl_minutes) + timedelta(seconds=1))
        late = requests.put(upload["url"], data=CSV, headers=upload["headersToInclude"])
        assert (late.status_code, s3_code(late)) == (403, "AccessDenied")


def test_expiry_follows_a_clock_frozen_after_the_mock_started():
    with mock_imports():
        client = make_client()
        kb_id = make_kb(client)
        with freeze_time(T0):
            upload = start_upload(client, kb_id)
            assert upload["urlExpiry"] == T0 + timedelta(minutes=15)


# -- downloads -----------------------------------------------------------------------------


def test_failed_record_report_downloads_with_requests():
    with freeze_time(T0) as frozen, mock_imports():
        client = make_client()
        kb_id = make_kb(client)
        text = "name,content,Shortcut key\nhello,Hi there,hi\nbye,Goodbye,hi\n"
        job = start_import(client, kb_id, text)
        got = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])[
            "importJob"
        ]
        assert got["status"] == "COMPLETE"
        report = requests.get(got["failedRecordReport"])
        assert report.status_code == 200
        assert report.headers["Content-Type"].startswith("text/csv")
        lines = report.text.splitlines()
        assert lines[0] == "name,content,Shortcut key,error"
        assert lines[1].startswith("bye,Goodbye,hi,")
        assert len(lines) == 2
        # HEAD answers too, without a body
        head = requests.head(got["failedRecordReport"])
        assert (head.status_code, head.content) == (200, b"")
        # a report URL expires like the upload URLs
        frozen.tick(timedelta(days=7))
        late = requests.get(got["failedRecordReport"])
        assert (late.status_code, s3_code(late)) == (403, "AccessDenied")


def test_urls_stop_being_served_when_the_mock_stops(no_real_https):
    with mock_imports():
        client = make_client()
        upload = start_upload(client, make_kb(client))
    with pytest.raises(ConnectionError):
        requests.put(upload["url"], data=CSV, headers=upload["headersToInclude"])


@pytest.fixture
def no_real_https(monkeypatch):
    """Make a request that leaves for the network fail fast instead of connecting."""
    from requests.adapters import HTTPAdapter

    def refuse(self, request, *args, **kwargs):
        raise ConnectionError(f"network use in a test: {request.url}")

    monkeypatch.setattr(HTTPAdapter, "send", refuse)


# -- everything else is untouched ----------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        body = f"real server saw {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_server(monkeypatch):
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_other_requests_are_untouched(loopback_server):
    with mock_imports():
        client = make_client()
        upload = start_upload(client, make_kb(client))
        response = requests.get(f"{loopback_server}/hello?x=1")
        assert (response.status_code, response.text) == (200, "real server saw /hello?x=1")
        assert (
            requests.put(upload["url"], data=CSV, headers=upload["headersToInclude"]).status_code
            == 200
        )
        response = requests.get(f"{loopback_server}/again")
        assert response.text == "real server saw /again"
    assert requests.get(f"{loopback_server}/after").text == "real server saw /after"


def test_other_requests_are_untouched_under_frozen_time(loopback_server):
    with freeze_time(T0), mock_imports():
        response = requests.get(f"{loopback_server}/frozen")
        assert (response.status_code, response.text) == (200, "real server saw /frozen")

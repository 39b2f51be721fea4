"""A user's own ``responses`` mock together with importmock (issue 14, item 18).

importmock answers ``requests`` below the transport adapter (urllib3's connection pool),
so a ``responses`` mock sits above it and decides first: it refuses importmock's minted
URLs unless told to pass them through, which ``importmock.responses_passthrough`` does.
importmock never patches ``HTTPAdapter.send``, so however the two mocks are started and
stopped, the adapter is left as it was.

Every test runs under the socket audit: nothing resolves a name or connects beyond
loopback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses
from requests.adapters import HTTPAdapter

from importmock import mock_imports, responses_passthrough
from tests.helpers import csv_text, make_client, make_kb
from tests.socket_audit import network_events, recording

SOURCE = csv_text(["name", "content"], ["Hello", "Hi there!"], ["Hello", "Again"]).encode()
REPORT = b"name,content,error\r\nHello,Again,A quick response named 'Hello' already exists.\r\n"
API = "https://api.example.com/v1/customers"


def wisdom_import(client: Any) -> tuple[int, str, bytes]:
    """Upload with requests, import, download the failed-record report with requests:
    (the upload's status, the job's status, the report)."""
    kb_id = make_kb(client)
    upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
    put = requests.put(upload["url"], data=SOURCE, headers=upload["headersToInclude"])
    if put.status_code != 200:
        return put.status_code, "", b""
    job = client.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]
    job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])["importJob"]
    report = requests.get(job["failedRecordReport"])
    return put.status_code, job["status"], report.content


def test_a_users_requests_mock_passes_importmock_urls_through_with_the_helper() -> None:
    with mock_imports(), responses.RequestsMock() as rsps:
        responses_passthrough(rsps)
        rsps.add(responses.GET, API, json={"customers": 2})
        client = make_client()
        with recording() as events:
            assert requests.get(API).json() == {"customers": 2}  # the user's mock answers
            assert wisdom_import(client) == (200, "COMPLETE", REPORT)
        assert network_events(events) == []
        # passthroughs are not calls: the user's mock saw only its own URL
        assert [call.request.url for call in rsps.calls] == [API]


@responses.activate
def test_the_activate_decorator_and_the_module_level_mock() -> None:
    with mock_imports():
        responses_passthrough()  # responses.mock, which the decorator activates
        responses.add(responses.GET, API, json={"customers": 3})
        assert requests.get(API).json() == {"customers": 3}
        assert wisdom_import(make_client()) == (200, "COMPLETE", REPORT)


def test_loopback_urls_pass_through_to_the_loopback_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    with mock_imports(upload_urls="loopback"), responses.RequestsMock() as rsps:
        responses_passthrough(rsps)
        client = make_client()
        with recording(allow_loopback=True):
            assert wisdom_import(client) == (200, "COMPLETE", REPORT)


def test_without_the_helper_responses_refuses_the_url_and_names_it() -> None:
    with mock_imports(), responses.RequestsMock(assert_all_requests_are_fired=False):
        client = make_client()
        upload = client.start_content_upload(
            knowledgeBaseId=make_kb(client), contentType="text/csv"
        )
        with pytest.raises(requests.ConnectionError) as refused:
            requests.put(upload["url"], data=SOURCE, headers=upload["headersToInclude"])
    message = str(refused.value)
    assert message.startswith("Connection refused by Responses - the call doesn't match any")
    assert f"- PUT {upload['url']}\n" in message


def _start_mock() -> Callable[[], None]:
    mock = mock_imports()
    mock.start()
    return mock.stop


def _start_responses() -> Callable[[], None]:
    rsps = responses.RequestsMock(assert_all_requests_are_fired=False)
    rsps.start()
    responses_passthrough(rsps)
    return rsps.stop


STARTS = {"importmock": _start_mock, "responses": _start_responses}


@pytest.mark.parametrize(
    ("first", "stopped_first"),
    [
        ("importmock", "importmock"),  # responses started inside, stopped after
        ("importmock", "responses"),
        ("responses", "importmock"),
        ("responses", "responses"),
    ],
    ids=lambda name: name,
)
def test_any_start_and_stop_order_leaves_the_adapter_as_it_was(
    first: str, stopped_first: str
) -> None:
    before = HTTPAdapter.send
    second = "responses" if first == "importmock" else "importmock"
    stops = {first: STARTS[first](), second: STARTS[second]()}
    try:
        assert wisdom_import(make_client()) == (200, "COMPLETE", REPORT)
    finally:
        stops.pop(stopped_first)()
        stops.popitem()[1]()
    assert HTTPAdapter.send is before

    with mock_imports():  # and a later plain mock still answers requests
        assert wisdom_import(make_client()) == (200, "COMPLETE", REPORT)
    assert HTTPAdapter.send is before

"""Nothing leaves the process: a guard at the socket level, below botocore and ``requests``.

The suite's socket audit (tests/socket_audit.py, a ``sys.addaudithook`` hook) records
every socket event inside ``recording()`` and refuses those that resolve a name or reach a
peer, so even a bug cannot reach the network.

With the mock active, every mocked client (successful and failing calls), a client of a
service importmock does not mock, and the URLs importmock mints (uploads and downloads
through ``requests``) cause no socket event at all (every other HTTP library, and Lex's
URLs: tests/engine/test_http_clients.py). Positive controls show the guard
catching a plain socket connection, ``requests`` and botocore outside the mock.
"""

from __future__ import annotations

import socket
from typing import Any, Callable

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError

from importmock import NotMockedError, current, mock_imports
from tests.helpers import csv_text, error_of
from tests.socket_audit import NetworkUse, recording

REGION = "us-east-1"
MISSING_UUID = "00000000-0000-4000-8000-000000000000"
LEX_ROLE = "arn:aws:iam::123456789012:role/lex-import"
MOCKED = "lexv2-models, pinpoint, qconnect, wisdom"


@pytest.fixture
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy settings, so the positive controls name the host they were sent to."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def expect_error(call: Callable[[], Any], expected: tuple[str, str, int]) -> None:
    with pytest.raises(ClientError) as raised:
        call()
    assert error_of(raised.value) == expected


# -- positive controls: the guard sees what would leave the process -------------------------


def test_guard_catches_a_connection_outside_the_mock() -> None:
    with pytest.raises(RuntimeError, match="no mock_imports is active"):
        current()
    with recording() as events:
        with pytest.raises(NetworkUse):
            socket.create_connection(("127.0.0.1", 9))
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            with pytest.raises(NetworkUse):
                sock.connect_ex(("127.0.0.1", 9))
    assert events == [
        # create_connection resolves first; the hook stops it there
        ("socket.getaddrinfo", ("127.0.0.1", 9, 0, socket.SOCK_STREAM, 0)),
        ("socket.__new__", (socket.AF_INET, socket.SOCK_STREAM, 0)),
        ("socket.connect", (("127.0.0.1", 9),)),
    ]


@pytest.mark.usefixtures("no_proxy_environment")
def test_guard_catches_requests_and_botocore_outside_the_mock() -> None:
    session = boto3.session.Session(
        aws_access_key_id="AKIDIMPORTMOCKGUARD", aws_secret_access_key="not-a-secret"
    )
    sqs = session.client(
        "sqs", region_name=REGION, config=Config(retries={"total_max_attempts": 1})
    )
    with recording() as events:
        with pytest.raises(NetworkUse):
            requests.get("http://example.invalid/")
        with pytest.raises(HTTPClientError) as raised:
            sqs.list_queues()
    assert isinstance(raised.value.kwargs["error"], NetworkUse)
    assert events == [
        ("socket.getaddrinfo", ("example.invalid", 80, 0, socket.SOCK_STREAM, 0)),
        ("socket.getaddrinfo", ("sqs.us-east-1.amazonaws.com", 443, 0, socket.SOCK_STREAM, 0)),
    ]


# -- (a) every mocked client, answering and failing -------------------------------------------


def _qconnect(client: Any) -> None:
    kb = client.create_knowledge_base(name="no-network", knowledgeBaseType="QUICK_RESPONSES")
    assert kb["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert kb["knowledgeBase"]["status"] == "ACTIVE"
    expect_error(
        lambda: client.get_knowledge_base(knowledgeBaseId=MISSING_UUID),
        ("ResourceNotFoundException", f"Knowledge base not found: {MISSING_UUID}", 404),
    )


def _wisdom(client: Any) -> None:
    listed = client.list_knowledge_bases()
    assert (listed["ResponseMetadata"]["HTTPStatusCode"], listed["knowledgeBaseSummaries"]) == (
        200,
        [],
    )
    expect_error(
        lambda: client.get_import_job(knowledgeBaseId=MISSING_UUID, importJobId=MISSING_UUID),
        ("ResourceNotFoundException", f"Knowledge base not found: {MISSING_UUID}", 404),
    )


def _pinpoint(client: Any) -> None:
    app = client.create_app(CreateApplicationRequest={"Name": "no-network"})
    assert app["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert app["ApplicationResponse"]["Name"] == "no-network"
    expect_error(
        lambda: client.get_app(ApplicationId="0" * 32),
        ("NotFoundException", "Application not found", 404),
    )


def _lexv2(client: Any) -> None:
    bots = client.list_bots()
    assert (bots["ResponseMetadata"]["HTTPStatusCode"], bots["botSummaries"]) == (200, [])
    expect_error(
        lambda: client.describe_bot(botId="AAAAAAAAAA"),
        ("ResourceNotFoundException", "Bot AAAAAAAAAA does not exist.", 404),
    )
    # an operation importmock does not implement is answered in-process too
    with pytest.raises(ClientError) as raised:
        client.list_bot_recommendations(botId="AAAAAAAAAA", botVersion="DRAFT", localeId="en_US")
    code, message, status = error_of(raised.value)
    assert (code, status) == ("NotImplemented", 501)
    assert message.startswith(
        "importmock does not implement lexv2-models.ListBotRecommendations; implemented "
        "lexv2-models operations: BuildBotLocale, CreateBot, "
    )


MOCKED_CALLS: dict[str, tuple[Callable[[Any], None], list[tuple[str, int, str | None]]]] = {
    "qconnect": (
        _qconnect,
        [
            ("CreateKnowledgeBase", 200, None),
            ("GetKnowledgeBase", 404, "ResourceNotFoundException"),
        ],
    ),
    "wisdom": (
        _wisdom,
        [("ListKnowledgeBases", 200, None), ("GetImportJob", 404, "ResourceNotFoundException")],
    ),
    "pinpoint": (
        _pinpoint,
        [("CreateApp", 201, None), ("GetApp", 404, "NotFoundException")],
    ),
    "lexv2-models": (
        _lexv2,
        [
            ("ListBots", 200, None),
            ("DescribeBot", 404, "ResourceNotFoundException"),
            ("ListBotRecommendations", 501, "NotImplemented"),
        ],
    ),
}


@pytest.mark.parametrize("service", list(MOCKED_CALLS))
def test_a_mocked_client_makes_no_socket_event(service: str) -> None:
    scenario, expected_calls = MOCKED_CALLS[service]
    with mock_imports() as m:
        with recording() as events:
            client = boto3.session.Session().client(service, region_name=REGION)
            scenario(client)
        assert events == []
        assert [(c.service, c.operation, c.status, c.error_code) for c in m.calls] == [
            (service, *call) for call in expected_calls
        ]


# -- (b) a service importmock does not mock -----------------------------------------------------


@pytest.mark.parametrize(
    ("service", "call", "request_line"),
    [
        ("sqs", lambda client: client.list_queues(), "POST https://sqs.us-east-1.amazonaws.com/"),
        ("s3", lambda client: client.list_buckets(), "GET https://s3.amazonaws.com/"),
    ],
    ids=["sqs", "s3"],
)
def test_an_unmocked_service_is_refused_before_any_socket_event(
    service: str, call: Callable[[Any], Any], request_line: str
) -> None:
    with mock_imports() as m:
        client = boto3.session.Session().client(service, region_name=REGION)
        with recording() as events:
            with pytest.raises(NotMockedError) as raised:
                call(client)
        assert type(raised.value) is NotMockedError
        assert str(raised.value) == (
            f"importmock does not mock the '{service}' service and moto's mock_aws is not "
            f"active, so this {request_line} was stopped before reaching the network. "
            f"importmock mocks: {MOCKED}."
        )
        assert events == []
        assert m.calls == []


# -- (c) the URLs importmock mints ----------------------------------------------------------------


def test_minted_wisdom_urls_are_served_in_process() -> None:
    source = csv_text(["name", "content"], ["Hello", "Hi there!"], ["Hello", "Again"])
    with mock_imports() as m:
        client = boto3.session.Session().client("qconnect", region_name=REGION)
        with recording() as events:
            kb_id = client.create_knowledge_base(
                name="no-network", knowledgeBaseType="QUICK_RESPONSES"
            )["knowledgeBase"]["knowledgeBaseId"]
            upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")

            unsigned = requests.put(upload["url"], data=source.encode())  # headers left out
            put = requests.put(
                upload["url"], data=source.encode(), headers=upload["headersToInclude"]
            )
            job = client.start_import_job(
                knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
            )["importJob"]
            job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])[
                "importJob"
            ]
            report = requests.get(job["failedRecordReport"])
            copy = requests.get(job["url"])
        assert events == []

    assert unsigned.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in unsigned.text
    assert (
        "Signed header 'content-type' is missing or differs: expected 'text/csv'." in unsigned.text
    )
    assert (put.status_code, put.content) == (200, b"")
    assert job["status"] == "COMPLETE"
    assert (report.status_code, report.headers["Content-Type"]) == (200, "text/csv")
    assert report.content == (
        b"name,content,error\r\nHello,Again,A quick response named 'Hello' already exists.\r\n"
    )
    assert (copy.status_code, copy.content) == (200, source.encode())
    assert [c.operation for c in m.calls] == [
        "CreateKnowledgeBase",
        "StartContentUpload",
        "StartImportJob",
        "GetImportJob",
    ]

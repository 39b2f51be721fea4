"""Bad input over HTTP: each gets a proper answer (or a closed connection), and the server
goes on serving."""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests

from importmock.engine.session import MockSession
from importmock.server import RunningServer, threaded_server

WAIT_SECONDS = 10  # an upper bound for events that take milliseconds


class _Recorder(logging.Handler):
    """Signals when the server logs a message containing ``text``."""

    def __init__(self, text: str) -> None:
        super().__init__(level=logging.DEBUG)
        self.text = text
        self.seen = threading.Event()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if self.text in message:
            self.messages.append(message)
            self.seen.set()


@contextmanager
def server_logs(text: str) -> Iterator[_Recorder]:
    logger = logging.getLogger("importmock.server")
    recorder = _Recorder(text)
    level = logger.level
    logger.addHandler(recorder)
    logger.setLevel(logging.DEBUG)
    try:
        yield recorder
    finally:
        logger.removeHandler(recorder)
        logger.setLevel(level)


def _raw(server: RunningServer, data: bytes) -> bytes:
    """Send raw bytes on a new connection; everything the server answers until it closes."""
    host, port = server.server.server_address[:2]
    with socket.create_connection((host, port), timeout=WAIT_SECONDS) as sock:
        sock.sendall(data)
        received = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return received
            received += chunk


def _still_serving(server: RunningServer) -> None:
    assert server.client("pinpoint").get_apps()["ApplicationsResponse"] == {"Item": []}


def test_malformed_json_to_an_api_is_a_serialization_error(server: RunningServer) -> None:
    answer = requests.post(
        f"{server.url}/knowledgeBases",
        data=b'{"name": "kb", ',
        headers={"Content-Type": "application/json"},
        timeout=WAIT_SECONDS,
    )
    assert answer.status_code == 400
    assert answer.headers["x-amzn-ErrorType"] == "SerializationException"
    assert [(c.operation, c.error_code) for c in server.controller.calls] == [
        ("CreateKnowledgeBase", "SerializationException")
    ]
    _still_serving(server)


def test_an_api_body_that_is_not_json_is_unsupported_media_type(server: RunningServer) -> None:
    answer = requests.post(
        f"{server.url}/knowledgeBases",
        data=b'{"name": "kb", "knowledgeBaseType": "QUICK_RESPONSES"}',
        headers={"Content-Type": "text/plain"},
        timeout=WAIT_SECONDS,
    )
    assert answer.status_code == 415
    assert answer.headers["x-amzn-ErrorType"] == "UnsupportedMediaTypeException"
    assert answer.json() == {
        "message": "the body of this API call must be JSON (Content-Type: application/json), "
        "not text/plain"
    }
    assert server.controller.calls == []


def test_a_body_without_content_type_is_read_as_json(server: RunningServer) -> None:
    body = b'{"name": "kb", "knowledgeBaseType": "QUICK_RESPONSES"}'
    answer = _raw(
        server,
        b"POST /knowledgeBases HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body,
    )
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 200 OK"
    assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["knowledgeBase"]["name"] == "kb"


def test_a_chunked_body_is_read(server: RunningServer) -> None:
    body = b'{"name": "kb", "knowledgeBaseType": "QUICK_RESPONSES"}'
    chunked = b"".join(
        f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:10], body[10:])
    )
    answer = _raw(
        server,
        b"POST /knowledgeBases HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunked
        + b"0\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    listed = server.client("qconnect").list_knowledge_bases()["knowledgeBaseSummaries"]
    assert [kb["name"] for kb in listed] == ["kb"]


def test_oversized_bodies_are_refused_unread_and_the_connection_closed() -> None:
    with threaded_server(max_body_bytes=1024) as server:
        big = b"x" * 2048
        api = requests.post(
            f"{server.url}/knowledgeBases",
            data=big,
            headers={"Content-Type": "application/json"},
            timeout=WAIT_SECONDS,
        )
        assert api.status_code == 413
        assert api.headers["x-amzn-ErrorType"] == "RequestEntityTooLargeException"
        assert api.headers["Connection"] == "close"
        assert api.json() == {
            "message": "the request body has 2048 bytes; this server takes at most 1024"
        }
        control = requests.post(
            f"{server.url}/_importmock/put_object",
            data=big,
            headers={"Content-Type": "application/json"},
            timeout=WAIT_SECONDS,
        )
        assert control.status_code == 413
        assert control.json()["code"] == "RequestEntityTooLargeException"

        lex = server.client("lexv2-models")
        upload = lex.create_upload_url()["uploadUrl"]
        put = requests.put(upload, data=big, timeout=WAIT_SECONDS)
        assert put.status_code == 413
        assert b"<Code>EntityTooLarge</Code>" in put.content

        chunked = _raw(
            server,
            b"POST /knowledgeBases HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"800\r\n" + big + b"\r\n0\r\n\r\n",
        )
        assert chunked.startswith(b"HTTP/1.1 413 ")
        assert [c.operation for c in server.controller.calls] == ["CreateUploadUrl"]
        _still_serving(server)


def test_a_silent_connection_is_closed_while_others_are_served() -> None:
    with threaded_server(timeout=0.3) as server, server_logs("connection closed") as log:
        host, port = server.server.server_address[:2]
        with socket.create_connection((host, port), timeout=WAIT_SECONDS) as slow:
            slow.sendall(
                b"POST /knowledgeBases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\n\r\n"
            )
            _still_serving(server)  # a stalled client holds only its own thread
            assert slow.recv(1024) == b""  # closed by the server once silent for 0.3 s
        assert log.seen.wait(WAIT_SECONDS)
        assert "reading the body: timed out" in log.messages[0]
        assert [c.operation for c in server.controller.calls] == ["GetApps"]


def test_a_silent_connection_before_its_request_line_is_closed() -> None:
    with threaded_server(timeout=0.3) as server:
        host, port = server.server.server_address[:2]
        with socket.create_connection((host, port), timeout=WAIT_SECONDS) as slow:
            slow.sendall(b"GET /v1/ap")
            assert slow.recv(1024) == b""
        _still_serving(server)


def test_a_client_hanging_up_mid_body_changes_nothing(server: RunningServer) -> None:
    with server_logs("connection closed") as log:
        host, port = server.server.server_address[:2]
        with socket.create_connection((host, port), timeout=WAIT_SECONDS) as sock:
            sock.sendall(
                b"POST /knowledgeBases HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                b'{"name": "kb",'
            )
        assert log.seen.wait(WAIT_SECONDS)
    assert "the client sent 14 of 100 body bytes, then hung up" in log.messages[0]
    assert server.controller.calls == []
    assert server.client("qconnect").list_knowledge_bases()["knowledgeBaseSummaries"] == []


def test_a_client_leaving_before_its_answer_does_not_stop_the_server(
    server: RunningServer,
) -> None:
    host, port = server.server.server_address[:2]
    for _ in range(20):
        sock = socket.create_connection((host, port), timeout=WAIT_SECONDS)
        sock.sendall(b"GET /v1/apps HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()  # a reset, not a polite close
    _still_serving(server)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /v1/apps HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Long: " + b"a" * 70000 + b"\r\n\r\n",
        b"GET /v1/apps HTTP/9.9\r\n\r\n",
    ],
    ids=["request-line", "header-too-long", "http-version"],
)
def test_requests_http_cannot_parse_get_a_json_error(
    server: RunningServer, request_bytes: bytes
) -> None:
    answer = _raw(server, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    assert status in (400, 414, 431, 505)
    assert b"Content-Type: application/json" in head
    assert json.loads(body)["code"] == "BadRequest"
    _still_serving(server)


def test_a_content_length_that_is_not_a_number(server: RunningServer) -> None:
    answer = _raw(
        server, b"POST /v1/apps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\n\r\n"
    )
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"\"Content-Length is not a number: 'ten'\"" in answer
    _still_serving(server)


def test_a_failure_inside_importmock_is_a_500_and_the_server_goes_on(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = MockSession.answer

    def failing(self, spec, backend, method, url, headers, body):
        if "fail-here" in url:
            raise RuntimeError("boom")
        return original(self, spec, backend, method, url, headers, body)

    monkeypatch.setattr(MockSession, "answer", failing)
    with server_logs("failed") as log:
        answer = requests.get(f"{server.url}/v1/apps/fail-here", timeout=WAIT_SECONDS)
    assert answer.status_code == 500
    assert answer.headers["x-amzn-ErrorType"] == "InternalFailure"
    assert answer.json() == {"message": "importmock failed: boom"}
    assert "RuntimeError: boom" in log.messages[0]
    _still_serving(server)

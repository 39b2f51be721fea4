"""Stopping a server closes every connection it has open and ends their threads: a
kept-alive client gets no answer from a stopped mock, and nothing is left behind."""

from __future__ import annotations

import gc
import os
import socket
import threading
from collections.abc import Callable

import pytest
import requests

from importmock import mock_imports
from importmock.server import threaded_server
from tests.helpers import make_client
from tests.server.wire import WAIT_SECONDS, connect, read_answer, request

KEPT_ALIVE = request("GET", "/v1/apps", close=False)


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def _after_stop(sock: socket.socket) -> bytes:
    """What a kept-alive connection gets for a request sent after the stop."""
    try:
        sock.sendall(KEPT_ALIVE)
        return sock.recv(65536)
    except (BrokenPipeError, ConnectionResetError):
        return b""


def _leaves_nothing_behind(cycle: Callable[[], None], times: int = 3) -> None:
    """Run ``cycle`` (a server's start and stop) once to warm up, then ``times`` more; fail
    if those left threads or open descriptors behind."""
    cycle()  # whatever a first start opens for good (a connection pool, a log file)
    gc.collect()  # sockets dropped earlier are closed now, not during the count
    before = threading.active_count(), _open_descriptors()
    for _ in range(times):
        cycle()
    gc.collect()
    after = threading.active_count(), _open_descriptors()
    assert after == before, [thread.name for thread in threading.enumerate()]


def test_a_kept_alive_connection_is_closed_not_answered_after_the_stop() -> None:
    def cycle() -> None:
        with requests.Session() as session:
            with threaded_server() as server:
                raw = connect(server)
                raw.sendall(KEPT_ALIVE)
                assert read_answer(raw).status == 200
                url = f"{server.url}/v1/apps"
                assert session.get(url, timeout=WAIT_SECONDS).status_code == 200
            with raw:
                assert _after_stop(raw) == b""
            # the session's kept-alive connection was closed: it connects anew, refused
            with pytest.raises(requests.ConnectionError):
                session.get(url, timeout=WAIT_SECONDS)
        assert [call.operation for call in server.controller.calls] == ["GetApps", "GetApps"]

    _leaves_nothing_behind(cycle)


def test_a_connection_stalled_mid_request_is_closed_by_the_stop() -> None:
    def cycle() -> None:
        with threaded_server() as server:
            stalled = connect(server)
            stalled.sendall(
                b"POST /knowledgeBases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\n\r\n"
            )
            idle = connect(server)
            idle.sendall(KEPT_ALIVE)
            assert read_answer(idle).status == 200
        with stalled, idle:
            assert stalled.recv(65536) == b""
            assert _after_stop(idle) == b""
        assert [call.operation for call in server.controller.calls] == ["GetApps"]

    _leaves_nothing_behind(cycle)


def test_the_loopback_server_closes_its_connections_when_the_mock_stops() -> None:
    def cycle() -> None:
        with mock_imports(upload_urls="loopback"):
            client = make_client()
            kb_id = client.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")[
                "knowledgeBase"
            ]["knowledgeBaseId"]
            upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
            origin, _, path = upload["url"].partition("/_importmock/")
            host, _, port = origin.removeprefix("http://").partition(":")
            raw = connect((host, int(port)))
            raw.sendall(
                request(
                    "PUT",
                    "/_importmock/" + path,
                    host=f"{host}:{port}",
                    headers=upload["headersToInclude"],
                    body=b"name,content\nA,a\n",
                    close=False,
                )
            )
            assert read_answer(raw).status == 200
        with raw:
            assert _after_stop(raw) == b""

    _leaves_nothing_behind(cycle, times=2)

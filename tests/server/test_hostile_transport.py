"""Hostile framing, slow clients and crowds: each gets a JSON 4xx (or 503) and a closed
connection, never a 500, a blow-up or an answer to bytes smuggled after a bad request."""

from __future__ import annotations

import json
import math
import socket
import subprocess
import sys
import textwrap
from typing import Any

import pytest
import requests
from botocore.config import Config

from importmock.server import RunningServer, threaded_server
from tests.server.wire import (
    WAIT_SECONDS,
    address,
    connect,
    exchange,
    only_answer,
    read_answer,
    read_to_end,
    request,
)

KB_BODY = b'{"name": "kb", "knowledgeBaseType": "QUICK_RESPONSES"}'
LIST_APPS = request("GET", "/v1/apps", close=False)
CHUNKED_HEAD = (
    b"POST /knowledgeBases HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
)


def _still_serving(server: RunningServer) -> None:
    assert server.client("pinpoint").get_apps()["ApplicationsResponse"] == {"Item": []}


def _knowledge_bases(server: RunningServer) -> list[str]:
    listed = server.client("qconnect").list_knowledge_bases()["knowledgeBaseSummaries"]
    return [kb["name"] for kb in listed]


def _chunked(*parts: bytes) -> bytes:
    return b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in parts)


# -- chunked bodies (RFC 9112, section 7.1) ----------------------------------------------------


@pytest.mark.parametrize(
    "size", [b"-1", b"-2", b"+36", b"0x36", b"3_6", b" 36", b"", b"zz"], ids=repr
)
def test_a_chunk_size_that_is_not_hex_digits_is_a_400_and_nothing_after_it_is_read(
    server: RunningServer, size: bytes
) -> None:
    # What follows the bad chunk line would be a second request if the server read on.
    smuggled = request("POST", "/_importmock/reset", headers={"Content-Type": "application/json"})
    answer = only_answer(exchange(server, CHUNKED_HEAD + size + b"\r\n" + KB_BODY + smuggled))
    assert answer.status == 400
    assert answer.headers["x-amzn-errortype"] == "BadRequest"
    assert answer.headers["connection"] == "close"
    shown = size.decode()
    assert answer.json() == {
        "message": f"malformed chunked body: {shown!r} is not a chunk size in hex digits"
    }
    assert server.controller.calls == []
    _still_serving(server)


def test_chunk_extensions_and_trailers_are_read_and_ignored(server: RunningServer) -> None:
    body = (
        f"{10:x};name=value\r\n".encode()
        + KB_BODY[:10]
        + b"\r\n"
        + f'{len(KB_BODY) - 10:X} ; quoted="a;b"\r\n'.encode()
        + KB_BODY[10:]
        + b"\r\n0;last\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n"
    )
    answer = only_answer(
        exchange(server, CHUNKED_HEAD.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n") + body)
    )
    assert answer.status == 200
    assert _knowledge_bases(server) == ["kb"]


def test_chunk_data_not_ended_by_crlf_is_a_400(server: RunningServer) -> None:
    answer = only_answer(exchange(server, CHUNKED_HEAD + b"5\r\nabcdefg\r\n0\r\n\r\n"))
    assert answer.status == 400
    assert answer.json() == {"message": "malformed chunked body: a chunk ends in CRLF"}
    assert server.controller.calls == []


def test_endless_trailers_are_a_400(server: RunningServer) -> None:
    trailers = b"".join(b"X-T%d: v\r\n" % n for n in range(101))
    answer = only_answer(exchange(server, CHUNKED_HEAD + _chunked(KB_BODY) + b"0\r\n" + trailers))
    assert answer.status == 400
    assert answer.json() == {"message": "the chunked body has over 100 trailer lines"}


def test_a_huge_chunk_size_is_a_413_before_anything_is_read() -> None:
    with threaded_server(max_body_bytes=1024) as server:
        answer = only_answer(exchange(server, CHUNKED_HEAD + b"f" * 40 + b"\r\n"))
        assert answer.status == 413
        assert answer.json() == {
            "message": "the request body has more than 1024 bytes, the most this server takes"
        }


@pytest.mark.parametrize(
    "framing, status, message",
    [
        (
            b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
            400,
            "the request has both Transfer-Encoding and Content-Length; send one",
        ),
        (
            b"Transfer-Encoding: chunked, gzip\r\n",
            400,
            "Transfer-Encoding must end in chunked, once; got 'chunked, gzip'",
        ),
        (
            b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
            400,
            "Transfer-Encoding must end in chunked, once; got 'chunked,chunked'",
        ),
        (
            b"Transfer-Encoding: identity\r\n",
            400,
            "Transfer-Encoding must end in chunked, once; got 'identity'",
        ),
        (
            b"Transfer-Encoding: xchunked\r\n",
            400,
            "Transfer-Encoding must end in chunked, once; got 'xchunked'",
        ),
        (
            b"Transfer-Encoding: gzip, chunked\r\n",
            501,
            "importmock decodes no transfer coding but chunked; got 'gzip, chunked'",
        ),
        (b"Content-Length: \xb2\r\n", 400, "Content-Length is not a number: '\u00b2'"),
        (b"Content-Length: -5\r\n", 400, "Content-Length is not a number: '-5'"),
        (
            b"Content-Length: 5\r\nContent-Length: 6\r\n",
            400,
            "the request has differing Content-Length values: '5,6'",
        ),
        (
            b"Content-Length: 5, 6\r\n",
            400,
            "the request has differing Content-Length values: '5, 6'",
        ),
    ],
    ids=[
        "both",
        "chunked-not-last",
        "chunked-twice",
        "identity",
        "xchunked",
        "gzip",
        "superscript-two",
        "negative",
        "two-lengths",
        "length-list",
    ],
)
def test_framing_that_cannot_be_trusted_is_refused_and_the_connection_closed(
    server: RunningServer, framing: bytes, status: int, message: str
) -> None:
    smuggled = request("POST", "/_importmock/reset", headers={"Content-Type": "application/json"})
    head = b"POST /knowledgeBases HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    answer = only_answer(
        exchange(server, head + framing + b"\r\n" + b"5\r\nhello\r\n0\r\n\r\n" + smuggled)
    )
    assert answer.status == status
    assert answer.headers["connection"] == "close"
    assert answer.json() == {"message": message}
    assert server.controller.calls == []
    _still_serving(server)


def test_transfer_encoding_in_http_1_0_is_refused(server: RunningServer) -> None:
    answer = only_answer(
        exchange(
            server,
            b"POST /knowledgeBases HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
            + _chunked(KB_BODY)
            + b"0\r\n\r\n",
        )
    )
    assert answer.status == 400
    assert answer.json() == {"message": "HTTP/1.0 has no Transfer-Encoding"}
    assert server.controller.calls == []


def test_repeated_equal_content_lengths_are_one_length(server: RunningServer) -> None:
    length = str(len(KB_BODY)).encode()
    answer = only_answer(
        exchange(
            server,
            b"POST /knowledgeBases HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Content-Length: " + length + b"\r\nContent-Length: " + length + b"\r\n\r\n" + KB_BODY,
        )
    )
    assert answer.status == 200
    assert _knowledge_bases(server) == ["kb"]


def test_a_content_length_of_many_digits_is_a_413() -> None:
    with threaded_server(max_body_bytes=1024) as server:
        answer = only_answer(
            exchange(server, request("POST", "/v1/apps", headers={"Content-Length": "9" * 5000}))
        )
        assert answer.status == 413
        assert answer.json() == {
            "message": "the request body has more bytes than that; this server takes at most 1024"
        }


#: A server, and a client connection to it whose code replaces CLIENT; prints the growth
#: of the process's peak RSS over what the client did.
SERVER_AROUND_CLIENT = """
import socket
from importmock.server import threaded_server

def peak_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

with threaded_server(max_body_bytes=1024 * 1024) as server:
    host, port = server.server.server_address[:2]
    server.client("pinpoint").get_apps()  # everything imported and warm
    before = peak_kib()
    sock = socket.create_connection((host, port), timeout=30)
    CLIENT
    sock.close()
    server.client("pinpoint").get_apps()
    print(peak_kib() - before)
"""


def _peak_memory_growth(client_code: str) -> tuple[int, str]:
    """Run a server and ``client_code`` in a new process; the growth of its peak RSS (KiB)
    over the request, and what the client printed."""
    script = SERVER_AROUND_CLIENT.replace(
        "    CLIENT\n", textwrap.indent(textwrap.dedent(client_code), " " * 4)
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    *printed, growth = done.stdout.split()
    return int(growth), " ".join(printed)


def test_a_negative_chunk_size_cannot_buffer_the_stream_past_the_limit() -> None:
    # `int("-1", 16)` read to the end of the stream: 48 MiB held under a 1 MiB limit.
    growth, printed = _peak_memory_growth(
        """
        head = (b"POST /knowledgeBases HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n"
                b"Transfer-Encoding: chunked\\r\\n\\r\\n-1\\r\\n")
        block = b"x" * 65536
        try:
            sock.sendall(head)
            for _ in range(768):
                sock.sendall(block)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # refused and closed early: the point
        try:
            print(sock.recv(12).decode())
        except OSError:
            print("reset")
        """
    )
    assert growth < 16 * 1024, f"peak RSS grew by {growth} KiB"


def test_a_hundred_thousand_tiny_chunks_cost_no_more_than_their_bytes() -> None:
    # Kept as one object each, 128 KiB in 1-byte chunks held some 10 MiB.
    growth, printed = _peak_memory_growth(
        """
        head = (b"POST /_importmock/put_object HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n"
                b"Content-Type: application/json\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n")
        body = b'{"bucket": "seeded", "key": "k", "body": "' + b"x" * (128 * 1024) + b'"}'
        sock.sendall(head)
        for start in range(0, len(body), 4096):
            sock.sendall(b"".join(b"1\\r\\n" + body[i:i + 1] + b"\\r\\n"
                                  for i in range(start, min(start + 4096, len(body)))))
        sock.sendall(b"0\\r\\n\\r\\n")
        print(sock.recv(12).decode())
        """
    )
    assert printed == "HTTP/1.1 200"
    assert growth < 6 * 1024, f"peak RSS grew by {growth} KiB"


# -- request lines and targets -----------------------------------------------------------------


def test_a_content_length_that_is_unparseable_leaves_no_body_to_be_read_as_a_request(
    server: RunningServer,
) -> None:
    # Content-Length "²" passed str.isdigit() and failed int(): a 500 with the connection
    # left open, the body then read as the next request.
    smuggled = request("GET", "/v1/apps")
    data = b"POST /v1/apps HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \xb2\r\n\r\n"
    answer = only_answer(exchange(server, data + smuggled))
    assert answer.status == 400
    assert server.controller.calls == []


def test_a_failure_inside_importmock_closes_the_connection(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importmock.engine.session import MockSession

    def failing(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(MockSession, "answer", failing)
    answer = only_answer(exchange(server, request("GET", "/v1/apps", close=False) + LIST_APPS))
    assert answer.status == 500
    assert answer.headers["connection"] == "close"


def test_an_unparseable_request_target_gets_a_json_400(server: RunningServer) -> None:
    answer = only_answer(exchange(server, request("GET", "http://[::1/x")))
    assert answer.status == 400
    assert answer.json() == {
        "code": "BadRequest",
        "message": "the request target is not a URL: Invalid IPv6 URL",
    }
    _still_serving(server)


@pytest.mark.parametrize("target", ["*", "v1/apps", "ftp://127.0.0.1/v1/apps"])
def test_a_target_that_is_not_a_path_or_an_http_url_gets_a_json_400(
    server: RunningServer, target: str
) -> None:
    answer = only_answer(exchange(server, request("GET", target)))
    assert answer.status == 400
    assert answer.json() == {
        "code": "BadRequest",
        "message": f"the request target is not a path or an http URL: {target!r}",
    }


def test_an_absolute_target_is_served_and_names_the_host(server: RunningServer) -> None:
    host, port = address(server)
    target = f"http://{host}:{port}/v1/apps"
    answer = only_answer(exchange(server, request("GET", target, host="ignored.example")))
    assert answer.status == 200
    assert answer.json() == {"Item": []}


def test_http_0_9_gets_a_status_line_and_a_json_400(server: RunningServer) -> None:
    data = exchange(server, b"GET /v1/apps\r\n")
    assert data.startswith(b"HTTP/1.1 400 ")
    assert only_answer(data).json() == {
        "code": "BadRequest",
        "message": "HTTP/0.9 requests are not served: the request line needs a version",
    }


def test_empty_lines_before_a_request_line_are_skipped(server: RunningServer) -> None:
    answer = only_answer(exchange(server, b"\r\n\r\n" + request("GET", "/v1/apps")))
    assert answer.status == 200


def test_expect_100_continue_gets_the_final_answer_first_when_refused() -> None:
    with threaded_server(max_body_bytes=1024) as server:
        data = exchange(
            server,
            request(
                "PUT",
                "/v1/apps",
                headers={"Expect": "100-continue", "Content-Length": "2048"},
            ),
        )
        assert data.startswith(b"HTTP/1.1 413 ")
        assert b"100 Continue" not in data


def test_expect_100_continue_is_answered_when_the_body_is_wanted(server: RunningServer) -> None:
    with connect(server) as sock:
        sock.sendall(
            request(
                "POST",
                "/knowledgeBases",
                headers={"Expect": "100-continue", "Content-Type": "application/json"},
            ).replace(b"\r\n\r\n", f"\r\nContent-Length: {len(KB_BODY)}\r\n\r\n".encode())
        )
        assert sock.recv(1024) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(KB_BODY)
        assert only_answer(read_to_end(sock)).status == 200
    assert _knowledge_bases(server) == ["kb"]


# -- slow clients and crowds -------------------------------------------------------------------


def _trickle(sock: socket.socket, data: bytes) -> tuple[int, bytes]:
    """Send ``data`` a byte at a time, each after waiting 20 ms for an answer (well inside
    the idle timeout); stop at the first answer. How many bytes went, and the answer."""
    sock.settimeout(0.02)
    for sent, byte in enumerate(data):
        try:
            sock.sendall(bytes([byte]))
            first = sock.recv(65536)
        except socket.timeout:  # TimeoutError from Python 3.10
            continue
        except OSError:  # closed by the server: its answer is already here
            first = b""
        sock.settimeout(WAIT_SECONDS)
        return sent + 1, first + read_to_end(sock)
    return len(data), b""


def test_a_trickling_request_line_is_cut_at_the_request_deadline() -> None:
    with threaded_server(timeout=5, request_timeout=0.3) as server:
        data = request("GET", "/v1/apps") + b"x" * 2000  # some 40 s of trickling
        with connect(server) as sock:
            sent, answer_bytes = _trickle(sock, data)
        assert sent < 1000  # cut after some 15 bytes; 1000 would be 20 s
        answer = only_answer(answer_bytes)
        assert answer.status == 408
        assert answer.headers["connection"] == "close"
        assert answer.json() == {
            "code": "RequestTimeout",
            "message": "the request did not arrive within 0.3 seconds of its first byte "
            "(request_timeout / --request-timeout)",
        }
        _still_serving(server)


def test_a_trickling_body_is_cut_at_the_request_deadline_and_changes_nothing() -> None:
    with threaded_server(timeout=5, request_timeout=0.3) as server:
        body = KB_BODY + b" " * 2000
        head = request("POST", "/knowledgeBases", headers={"Content-Type": "application/json"})
        with connect(server) as sock:
            sock.sendall(
                head.replace(b"\r\n\r\n", f"\r\nContent-Length: {len(body)}\r\n\r\n".encode())
            )
            sent, answer_bytes = _trickle(sock, body)
        assert sent < 1000
        answer = only_answer(answer_bytes)
        assert answer.status == 408
        assert answer.headers["x-amzn-errortype"] == "RequestTimeout"
        assert server.controller.calls == []
        assert _knowledge_bases(server) == []


def test_the_deadline_starts_at_each_requests_first_byte() -> None:
    # A kept-alive connection idle between requests is bounded by the idle timeout only.
    with threaded_server(timeout=5, request_timeout=0.3) as server:
        with connect(server) as sock:
            sock.sendall(LIST_APPS)
            assert read_answer(sock).status == 200
            sock.settimeout(0.4)  # idle past the first request's deadline
            with pytest.raises(socket.timeout):
                sock.recv(1)
            sock.settimeout(WAIT_SECONDS)
            sock.sendall(LIST_APPS)
            assert read_answer(sock).status == 200


def test_connections_beyond_the_cap_get_a_503_while_the_others_are_served() -> None:
    with threaded_server(max_connections=2) as server:
        with connect(server) as first, connect(server) as second:
            turned_away = only_answer(exchange(server, request("GET", "/v1/apps")))
            assert turned_away.status == 503
            assert turned_away.headers["connection"] == "close"
            assert turned_away.headers["x-amzn-errortype"] == "ServiceUnavailable"
            assert turned_away.json() == {
                "code": "ServiceUnavailable",
                "message": "importmock is serving 2 connections, the most it takes "
                "(max_connections / --max-connections); retry once one has closed",
            }
            for sock in (first, second):
                sock.sendall(LIST_APPS)
                assert read_answer(sock).status == 200
            first.sendall(request("GET", "/v1/apps"))
            assert only_answer(read_to_end(first)).status == 200  # closed: a slot is free
            assert only_answer(exchange(server, request("GET", "/v1/apps"))).status == 200
        assert [call.operation for call in server.controller.calls] == ["GetApps"] * 4


def test_sdks_read_the_503_as_a_service_unavailable_error() -> None:
    # ServiceUnavailable is an error SDKs retry; here, once is enough to see it.
    with threaded_server(max_connections=1) as server:
        with connect(server):
            client = server.client(
                "pinpoint", config=Config(retries={"mode": "standard", "max_attempts": 1})
            )
            with pytest.raises(client.exceptions.ClientError) as raised:
                client.get_apps()
        error = raised.value.response
        assert error["Error"]["Code"] == "ServiceUnavailable"
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 503


# -- options -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, error",
    [
        (
            {"timeout": math.nan},
            "timeout must be a number of seconds above 0 and at most 86400; got nan",
        ),
        (
            {"timeout": math.inf},
            "timeout must be a number of seconds above 0 and at most 86400; got inf",
        ),
        ({"timeout": 0}, "timeout must be a number of seconds above 0 and at most 86400; got 0"),
        (
            {"request_timeout": -1.0},
            "request_timeout must be a number of seconds above 0 and at most 86400; got -1.0",
        ),
        ({"max_connections": 0}, "max_connections must be from 1 to 10000; got 0"),
        ({"max_body_bytes": 0}, "max_body_bytes must be from 1 to 4294967296; got 0"),
        (
            {"allow_origins": ["http://x/path"]},
            "'http://x/path' is not an origin: scheme://host[:port] (http://localhost:3000), "
            "null or *",
        ),
        (
            {"allow_hosts": ["a.example:80"]},
            "'a.example:80' is not a host name or address (give it without scheme or port)",
        ),
    ],
    ids=[
        "nan",
        "inf",
        "zero",
        "negative-request",
        "no-connections",
        "no-body",
        "origin-path",
        "host-port",
    ],
)
def test_out_of_range_options_are_refused_at_the_start(
    options: dict[str, object], error: str
) -> None:
    with pytest.raises(ValueError) as raised:
        with threaded_server(**options):
            pass
    assert str(raised.value) == error


@pytest.mark.parametrize(
    "options, error",
    [
        ({"timeout": "5"}, "timeout must be a number of seconds; got '5'"),
        ({"max_connections": True}, "max_connections must be a whole number; got True"),
        (
            {"allow_hosts": "importmock"},
            "allow_hosts takes a list of strings, not the string 'importmock'",
        ),
    ],
    ids=["string-seconds", "bool-count", "bare-string"],
)
def test_options_of_the_wrong_type_are_refused(options: dict[str, object], error: str) -> None:
    with pytest.raises(TypeError) as raised:
        with threaded_server(**options):
            pass
    assert str(raised.value) == error


def test_a_json_error_body_is_json_everywhere(server: RunningServer) -> None:
    # http.server's own errors (an unknown method) come as JSON too.
    answer = only_answer(exchange(server, request("BREW", "/v1/apps")))
    assert answer.status == 501
    assert json.loads(answer.body) == {
        "code": "BadRequest",
        "message": "Unsupported method ('BREW')",
    }


def test_requests_library_sees_a_closed_connection_after_a_refusal(server: RunningServer) -> None:
    with requests.Session() as session:
        refused = session.post(
            f"{server.url}/knowledgeBases",
            data=b"{}",
            headers={"Content-Type": "application/json", "Transfer-Encoding": "gzip, chunked"},
            timeout=WAIT_SECONDS,
        )
        assert refused.status_code == 400
        assert refused.headers["Connection"] == "close"
        assert session.get(f"{server.url}/v1/apps", timeout=WAIT_SECONDS).status_code == 200


# -- presigned URLs take no upload without a length, as S3 --------------------------------------


def _upload_url(client: Any) -> tuple[str, dict[str, str]]:
    kb = client.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")
    upload = client.start_content_upload(
        knowledgeBaseId=kb["knowledgeBase"]["knowledgeBaseId"], contentType="text/csv"
    )
    return upload["url"], upload["headersToInclude"]


def _assert_missing_content_length(status: int, headers: Any, body: bytes) -> None:
    assert status == 411
    assert headers["Content-Type"] == "application/xml"
    assert headers["Connection"] == "close"
    assert (
        b"<Error><Code>MissingContentLength</Code>"
        b"<Message>You must provide the Content-Length HTTP header.</Message>" in body
    )


def test_a_chunked_put_to_a_presigned_url_is_411_missing_content_length(
    server: RunningServer,
) -> None:
    url, headers = _upload_url(server.client("qconnect"))
    put = requests.put(
        url, data=iter([b"name,content\n", b"A,a\n"]), headers=headers, timeout=WAIT_SECONDS
    )
    assert put.request.headers["Transfer-Encoding"] == "chunked"
    _assert_missing_content_length(put.status_code, put.headers, put.content)
    unframed = only_answer(
        exchange(server, request("PUT", url.split(server.url, 1)[1], headers=headers))
    )
    assert unframed.status == 411


def test_the_loopback_server_answers_a_chunked_put_411_too() -> None:
    from importmock import mock_imports
    from tests.helpers import make_client

    with mock_imports(upload_urls="loopback"):
        url, headers = _upload_url(make_client())
        origin, _, path = url.partition("/_importmock/")
        host, _, port = origin.removeprefix("http://").partition(":")
        answer = only_answer(
            exchange(
                (host, int(port)),
                request(
                    "PUT",
                    "/_importmock/" + path,
                    host=f"{host}:{port}",
                    headers={**headers, "Transfer-Encoding": "chunked"},
                )
                + b"4\r\nA,a\n\r\n0\r\n\r\n",
            )
        )
        _assert_missing_content_length(
            answer.status,
            {
                "Content-Type": answer.headers["content-type"],
                "Connection": answer.headers["connection"],
            },
            answer.body,
        )

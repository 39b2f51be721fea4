"""Web pages in the user's browser can reach a loopback server: refuse them.

A page can send "simple" requests (a form, text/plain, no body) to any address with no CORS
preflight, and after DNS rebinding its own name points at 127.0.0.1, so it reads the
answers. The server refuses requests whose Origin is not allowed, whose Host is not a
loopback name or its own, and controller POSTs that are not JSON. SDKs and the CLI send
no Origin and the Host they were given, so they are not affected.
"""

from __future__ import annotations

import socket

import pytest
import requests

from importmock.server import RunningServer, threaded_server
from tests.server.wire import WAIT_SECONDS, address, exchange, only_answer, request

EVIL = "https://evil.example"
JSON = {"Content-Type": "application/json"}


def _origin_refusal(origin: str) -> dict[str, str]:
    return {
        "code": "OriginNotAllowed",
        "message": f"importmock does not answer web pages: Origin {origin!r} is not allowed. "
        f"To let that page use this server, start it with --allow-origin {origin} "
        "(threaded_server(allow_origins=[...]))",
    }


def _host_refusal(host: str) -> dict[str, str]:
    return {
        "code": "HostNotAllowed",
        "message": f"importmock does not answer requests for host {host!r}: it answers "
        "loopback names and its own addresses, so that a web page cannot reach it through "
        "a name of its own (DNS rebinding). To use that name, start the server with "
        f"--allow-host {host} (threaded_server(allow_hosts=[...]))",
    }


def _knowledge_base(server: RunningServer) -> str:
    client = server.client("qconnect")
    kb = client.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")
    return str(kb["knowledgeBase"]["knowledgeBaseId"])


def _knowledge_bases(server: RunningServer) -> list[str]:
    listed = server.client("qconnect").list_knowledge_bases()["knowledgeBaseSummaries"]
    return [kb["name"] for kb in listed]


# -- Origin ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers, body",
    [
        ({}, None),
        ({"Content-Type": "text/plain"}, b"{}"),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"a=b"),
        (JSON, b"{}"),
    ],
    ids=["no-body", "text-plain", "form", "json"],
)
def test_a_page_cannot_reset_the_mock(
    server: RunningServer, headers: dict[str, str], body: bytes | None
) -> None:
    _knowledge_base(server)
    answer = requests.post(
        f"{server.url}/_importmock/reset",
        data=body,
        headers={"Origin": EVIL, **headers},
        timeout=WAIT_SECONDS,
    )
    assert answer.status_code == 403
    assert answer.headers["x-amzn-ErrorType"] == "OriginNotAllowed"
    assert answer.headers["Connection"] == "close"
    assert answer.json() == _origin_refusal(EVIL)
    assert _knowledge_bases(server) == ["kb"]


def test_a_page_cannot_create_resources_through_unsigned_api_calls(server: RunningServer) -> None:
    answer = requests.post(
        f"{server.url}/v1/apps",
        data=b'{"Name": "planted"}',
        headers={"Origin": "null", "Content-Type": "text/plain"},  # a sandboxed iframe
        timeout=WAIT_SECONDS,
    )
    assert answer.status_code == 403
    assert answer.json() == _origin_refusal("null")
    assert server.controller.calls == []
    assert server.client("pinpoint").get_apps()["ApplicationsResponse"] == {"Item": []}


def test_a_page_cannot_use_a_presigned_url(server: RunningServer) -> None:
    kb_id = _knowledge_base(server)
    upload = server.client("qconnect").start_content_upload(
        knowledgeBaseId=kb_id, contentType="text/csv"
    )
    answer = requests.put(
        upload["url"],
        data=b"name,content\nA,a\n",
        headers={**upload["headersToInclude"], "Origin": EVIL},
        timeout=WAIT_SECONDS,
    )
    assert answer.status_code == 403
    assert answer.json() == _origin_refusal(EVIL)


def test_a_request_another_site_made_without_origin_is_refused(server: RunningServer) -> None:
    # A cross-site <img> or form GET carries no Origin; browsers say where it came from.
    answer = requests.get(
        f"{server.url}/_importmock/calls",
        headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"},
        timeout=WAIT_SECONDS,
    )
    assert answer.status_code == 403
    assert answer.json() == {
        "code": "OriginNotAllowed",
        "message": "importmock does not answer web pages: this request comes from another "
        "site (Sec-Fetch-Site: cross-site). To let a page use this server, start it with "
        "--allow-origin <its origin> (threaded_server(allow_origins=[...]))",
    }


def test_a_preflight_from_a_page_gets_no_permission(server: RunningServer) -> None:
    answer = requests.options(
        f"{server.url}/_importmock/reset",
        headers={
            "Origin": EVIL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=WAIT_SECONDS,
    )
    assert answer.status_code == 403
    assert answer.json() == _origin_refusal(EVIL)
    assert [name for name in answer.headers if name.lower().startswith("access-control-")] == []


def test_an_allowed_origin_is_served_with_cors_headers() -> None:
    page = "http://localhost:3000"
    with threaded_server(allow_origins=[page]) as server:
        preflight = requests.options(
            f"{server.url}/knowledgeBases",
            headers={
                "Origin": page,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type,x-amz-date",
            },
            timeout=WAIT_SECONDS,
        )
        assert preflight.status_code == 204
        assert {
            name: value
            for name, value in preflight.headers.items()
            if name.lower().startswith("access-control-")
        } == {
            "Access-Control-Allow-Origin": page,
            "Access-Control-Expose-Headers": "*",
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "authorization,content-type,x-amz-date",
            "Access-Control-Max-Age": "600",
        }
        created = requests.post(
            f"{server.url}/knowledgeBases",
            json={"name": "kb", "knowledgeBaseType": "QUICK_RESPONSES"},
            headers={"Origin": page},
            timeout=WAIT_SECONDS,
        )
        assert created.status_code == 200
        assert created.headers["Access-Control-Allow-Origin"] == page
        assert created.headers["Vary"] == "Origin"
        other = requests.get(
            f"{server.url}/_importmock/calls", headers={"Origin": EVIL}, timeout=WAIT_SECONDS
        )
        assert other.status_code == 403


# -- Host --------------------------------------------------------------------------------------


def test_a_rebound_name_cannot_read_the_calls(server: RunningServer) -> None:
    # After DNS rebinding the page's own name reaches 127.0.0.1, same-origin: no Origin.
    host, port = address(server)
    _knowledge_base(server)
    answer = only_answer(
        exchange(server, request("GET", "/_importmock/calls", host=f"rebind.evil.example:{port}"))
    )
    assert answer.status == 403
    assert answer.headers["connection"] == "close"
    assert answer.json() == _host_refusal("rebind.evil.example")


def test_a_rebound_name_cannot_call_the_api_or_fetch_a_presigned_url(
    server: RunningServer,
) -> None:
    kb_id = _knowledge_base(server)
    upload = server.client("qconnect").start_content_upload(
        knowledgeBaseId=kb_id, contentType="text/csv"
    )
    path = upload["url"].split(server.url, 1)[1]
    for target in ("/knowledgeBases", path):
        answer = only_answer(exchange(server, request("GET", target, host="evil.example")))
        assert answer.status == 403
        assert answer.json() == _host_refusal("evil.example")


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.0.0.1:{port}",
        "localhost:{port}",
        "LOCALHOST.",
        "app.localhost",
        "[::1]:{port}",
        "127.9.9.9",
    ],
)
def test_loopback_names_and_addresses_are_served(server: RunningServer, host: str) -> None:
    _, port = address(server)
    answer = only_answer(exchange(server, request("GET", "/v1/apps", host=host.format(port=port))))
    assert answer.status == 200


def test_an_allowed_host_is_served() -> None:
    with threaded_server(allow_hosts=["importmock", "Mock.Internal."]) as server:
        for host in ("importmock:5050", "mock.internal"):
            answer = only_answer(exchange(server, request("GET", "/v1/apps", host=host)))
            assert answer.status == 200
        refused = only_answer(exchange(server, request("GET", "/v1/apps", host="other")))
        assert refused.status == 403


def test_the_server_bound_beyond_loopback_answers_the_machines_name() -> None:
    with threaded_server(host="0.0.0.0") as server:
        name = socket.gethostname().lower()
        answer = only_answer(exchange(server, request("GET", "/v1/apps", host=name)))
        assert answer.status == 200
        refused = only_answer(exchange(server, request("GET", "/v1/apps", host="evil.example")))
        assert refused.status == 403


@pytest.mark.parametrize(
    "head, message",
    [
        (b"GET /v1/apps HTTP/1.1\r\n\r\n", "an HTTP/1.1 request needs a Host header"),
        (
            b"GET /v1/apps HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n",
            "the request has more than one Host header",
        ),
        (
            b"GET /v1/apps HTTP/1.1\r\nHost: a b\r\n\r\n",
            "the Host header is not host[:port]: 'a b'",
        ),
        (
            b"GET /v1/apps HTTP/1.1\r\nHost: x:y\r\n\r\n",
            "the Host header is not host[:port]: 'x:y'",
        ),
    ],
    ids=["missing", "twice", "space", "port"],
)
def test_a_missing_or_malformed_host_is_a_400(
    server: RunningServer, head: bytes, message: str
) -> None:
    answer = only_answer(exchange(server, head))
    assert answer.status == 400
    assert answer.json() == {"code": "BadRequest", "message": message}


def test_http_1_0_without_host_is_served(server: RunningServer) -> None:
    answer = only_answer(exchange(server, b"GET /v1/apps HTTP/1.0\r\n\r\n"))
    assert answer.status == 200


# -- the controller takes JSON -----------------------------------------------------------------


@pytest.mark.parametrize(
    "headers, shown",
    [({}, "a request without Content-Type"), ({"Content-Type": "text/plain"}, "text/plain")],
    ids=["none", "text-plain"],
)
def test_controller_posts_need_json_even_without_a_body(
    server: RunningServer, headers: dict[str, str], shown: str
) -> None:
    _knowledge_base(server)
    answer = requests.post(f"{server.url}/_importmock/reset", headers=headers, timeout=WAIT_SECONDS)
    assert answer.status_code == 415
    assert answer.json() == {
        "code": "UnsupportedMediaType",
        "message": "/_importmock/reset takes a JSON body (Content-Type: application/json), "
        f"not {shown}",
    }
    assert _knowledge_bases(server) == ["kb"]
    assert (
        requests.post(f"{server.url}/_importmock/reset", headers=JSON, timeout=WAIT_SECONDS).json()
        == {}
    )
    assert _knowledge_bases(server) == []


def test_controller_reads_need_no_content_type(server: RunningServer) -> None:
    answer = requests.get(f"{server.url}/_importmock/jobs", timeout=WAIT_SECONDS)
    assert answer.json() == {"jobs": []}

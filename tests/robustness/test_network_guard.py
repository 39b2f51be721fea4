"""The network guard: while a mock is active, no resolution of or connection to an AWS host
leaves the process, whatever the library; loopback and other hosts are untouched; and
``passthrough`` opens it on purpose.

The suite's socket audit (tests/socket_audit.py) comes after the guard (tests/conftest.py
starts a mock first): a connection the guard refuses never reaches the audit, and one it
lets by is refused there (``NetworkUse``), so nothing here can reach the network either.
"""

from __future__ import annotations

import asyncio
import http.client
import socket
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import httpx
import pytest
import urllib3
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError, HTTPClientError

from importmock import NotMockedError, mock_imports
from importmock.server import threaded_server
from tests.socket_audit import NetworkUse, network_events, recording

THIS_FILE = __file__


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each library connects to the host it was given, not to a proxy."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def _aiohttp_get(url: str) -> Any:
    aiohttp = pytest.importorskip("aiohttp")

    async def get() -> Any:
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as response:
                return response.status

    return asyncio.run(get())


def _raw_socket(host: str) -> Any:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect((host, 443))  # a name in the address: CPython resolves it


def _http_client(host: str) -> Any:
    connection = http.client.HTTPSConnection(host, timeout=5)
    try:
        connection.request("GET", "/")
    finally:
        connection.close()


WAYS_IN: dict[str, Callable[[str], Any]] = {
    "socket.getaddrinfo": lambda host: socket.getaddrinfo(host, 443),
    "socket.gethostbyname": lambda host: socket.gethostbyname(host),
    "socket.create_connection": lambda host: socket.create_connection((host, 443), timeout=5),
    "socket.connect": _raw_socket,
    "http.client": _http_client,
    "urllib.request": lambda host: urllib.request.urlopen(f"https://{host}/", timeout=5),
    "urllib3": lambda host: urllib3.PoolManager(retries=False).request("GET", f"https://{host}/"),
    "httpx": lambda host: httpx.get(f"https://{host}/"),
    "aiohttp": lambda host: _aiohttp_get(f"https://{host}/"),
}

AWS_HOSTS = [
    "sqs.us-east-1.amazonaws.com",
    "s3.cn-north-1.amazonaws.com.cn",
    "dynamodb.us-east-1.api.aws",
    "sts.eusc-de-east-1.amazonaws.eu",
    "EC2.US-GOV-WEST-1.AMAZONAWS.COM.",  # any case, with the root's dot
]


@pytest.mark.parametrize("way", list(WAYS_IN))
def test_every_library_is_stopped_before_resolving_an_aws_host(way: str) -> None:
    with mock_imports() as m:
        with recording() as events, pytest.raises(NotMockedError) as raised:
            WAYS_IN[way]("sqs.us-east-1.amazonaws.com")
    assert network_events(events) == []
    message = str(raised.value)
    assert message.startswith("importmock stopped a connection to sqs.us-east-1.amazonaws.com")
    assert "sqs.us-east-1.amazonaws.com is an AWS host" in message
    if way != "aiohttp":  # aiohttp resolves in an executor thread: no test frame there
        assert f"from {THIS_FILE}:" in message
    assert m.calls == []


@pytest.mark.parametrize("host", AWS_HOSTS)
def test_every_aws_partition_is_guarded(host: str) -> None:
    with mock_imports(), recording() as events, pytest.raises(NotMockedError) as raised:
        socket.getaddrinfo(host, 443)
    assert events == []
    assert f"importmock stopped a connection to {host}:443" in str(raised.value)


def test_the_message_names_the_caller_and_the_library() -> None:
    def upload_report() -> None:
        urllib3.PoolManager(retries=False).request("PUT", "https://s3.amazonaws.com/b/k")

    with mock_imports(), pytest.raises(NotMockedError) as raised:
        upload_report()
    message = str(raised.value)
    assert "importmock stopped a connection to s3.amazonaws.com:443 (from " in message
    assert f"{THIS_FILE}:" in message and " in upload_report, through urllib3)" in message


def test_a_connection_from_another_thread_is_stopped() -> None:
    with mock_imports(), ThreadPoolExecutor(1) as pool:
        future = pool.submit(socket.getaddrinfo, "lambda.us-west-2.amazonaws.com", 443)
        with pytest.raises(NotMockedError, match="lambda.us-west-2.amazonaws.com:443"):
            future.result(timeout=30)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1"])
def test_loopback_is_untouched(host: str) -> None:
    with mock_imports():
        assert socket.getaddrinfo(host, 80)


@pytest.mark.parametrize(
    "host", ["example.com", "amazonaws.com.example.org", "my-localstack", "notamazonaws.com"]
)
def test_other_hosts_go_on_to_the_network(host: str) -> None:
    # the guard lets them by; the suite's audit refuses them, so nothing is sent
    with mock_imports(), recording() as events, pytest.raises(NetworkUse):
        socket.getaddrinfo(host, 443)
    assert network_events(events) == [("socket.getaddrinfo", host)]


def test_nothing_is_guarded_outside_a_mock() -> None:
    with mock_imports():
        pass
    with recording() as events, pytest.raises(NetworkUse):
        socket.getaddrinfo("sqs.us-east-1.amazonaws.com", 443)
    assert network_events(events) == [("socket.getaddrinfo", "sqs.us-east-1.amazonaws.com")]


# -- passthrough ---------------------------------------------------------------------------------


def test_a_passthrough_service_goes_where_it_would_have_gone() -> None:
    sqs = boto3.session.Session().client(
        "sqs", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
    )
    with mock_imports(passthrough={"services": ["sqs"]}) as m:
        assert m.options["passthrough"] == {"services": ["sqs"]}
        with recording() as events, pytest.raises((HTTPClientError, EndpointConnectionError)):
            sqs.list_queues()
        # other AWS hosts stay guarded
        with pytest.raises(NotMockedError):
            socket.getaddrinfo("sns.us-east-1.amazonaws.com", 443)
    assert network_events(events) == [("socket.getaddrinfo", "sqs.us-east-1.amazonaws.com")]


def test_a_passthrough_service_reaches_a_localstack_like_endpoint() -> None:
    # the server stands in for LocalStack: its own state, over loopback
    with threaded_server() as localstack:
        localstack.controller.put_object("seeded", "k", b"x")
        with mock_imports(passthrough={"services": ["qconnect"]}) as m:
            client = boto3.client(
                "qconnect",
                region_name="us-east-1",
                endpoint_url=localstack.url,
                aws_access_key_id="test",
                aws_secret_access_key="test",
            )
            with recording(allow_loopback=True) as events:
                client.create_knowledge_base(name="remote", knowledgeBaseType="CUSTOM")
            # wisdom is not let through: answered in-process
            local = boto3.client("wisdom", region_name="us-east-1")
            assert local.list_knowledge_bases()["knowledgeBaseSummaries"] == []
        assert [c.operation for c in localstack.controller.calls] == ["CreateKnowledgeBase"]
        assert [c.operation for c in m.calls] == ["ListKnowledgeBases"]
        assert {host for _, host in network_events(events)} == {"127.0.0.1"}


def test_a_passthrough_url_lets_its_host_through() -> None:
    with threaded_server() as localstack:
        pattern = localstack.url.replace(".", r"\.") + "/.*"
        with mock_imports(passthrough={"urls": [pattern]}) as m:
            client = localstack.client("lexv2-models")
            assert client.list_bots()["botSummaries"] == []
        assert [c.operation for c in localstack.controller.calls] == ["ListBots"]
        assert m.calls == []
    # a URL pattern naming an AWS host opens that host only
    with mock_imports(passthrough={"urls": [r"https://sqs\.us-east-1\.amazonaws\.com/.*"]}):
        with recording() as events, pytest.raises(NetworkUse):
            socket.getaddrinfo("sqs.us-east-1.amazonaws.com", 443)
        with pytest.raises(NotMockedError):
            socket.getaddrinfo("sqs.us-west-2.amazonaws.com", 443)
    assert network_events(events) == [("socket.getaddrinfo", "sqs.us-east-1.amazonaws.com")]


@pytest.mark.parametrize(
    ("passthrough", "message"),
    [
        ("sqs", 'passthrough must be a dict with "services"'),
        ({"service": ["sqs"]}, 'passthrough must be a dict with "services"'),
        ({"services": "sqs"}, "passthrough services must be a list of strings; got 'sqs'"),
        ({"services": ["dynamo"]}, "passthrough services: 'dynamo' is not a boto3 client name"),
        ({"urls": ["https://(unclosed"]}, "passthrough urls: 'https://(unclosed' is not a regular"),
    ],
)
def test_passthrough_is_checked_at_declaration(passthrough: Any, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        mock_imports(passthrough=passthrough)
    assert message in str(raised.value)


def test_aiohttp_with_its_own_resolver_is_stopped_by_host() -> None:
    # aiodns resolves out of the socket module's sight: aiohttp is checked before resolving
    aiohttp = pytest.importorskip("aiohttp")
    resolved: list[str] = []

    class OwnResolver(aiohttp.abc.AbstractResolver):
        async def resolve(self, host: str, port: int = 0, family: int = 0) -> Any:
            resolved.append(host)
            raise OSError("not reached")

        async def close(self) -> None:
            pass

    async def get() -> None:
        connector = aiohttp.TCPConnector(resolver=OwnResolver())
        async with aiohttp.ClientSession(connector=connector) as session:
            await session.get("https://dynamodb.eu-west-1.amazonaws.com/")

    with mock_imports(), pytest.raises(NotMockedError) as raised:
        asyncio.run(get())
    assert resolved == []
    message = str(raised.value)
    assert "importmock stopped a connection to dynamodb.eu-west-1.amazonaws.com" in message
    assert f"from {THIS_FILE}:" in message


def test_aws_endpoint_url_to_localstack_with_passthrough(monkeypatch: pytest.MonkeyPatch) -> None:
    # LocalStack users set AWS_ENDPOINT_URL: a service let through goes there, others are
    # still answered in-process, and AWS hosts stay guarded
    with threaded_server() as localstack:
        monkeypatch.setenv("AWS_ENDPOINT_URL", localstack.url)
        with mock_imports(passthrough={"services": ["pinpoint"]}) as m:
            pinpoint = boto3.session.Session().client("pinpoint", region_name="us-east-1")
            with recording(allow_loopback=True) as events:
                app = pinpoint.create_app(CreateApplicationRequest={"Name": "in-localstack"})
            assert app["ApplicationResponse"]["Name"] == "in-localstack"
            lex = boto3.session.Session().client("lexv2-models", region_name="us-east-1")
            assert lex.list_bots()["botSummaries"] == []
            with pytest.raises(NotMockedError):
                socket.getaddrinfo("pinpoint.us-east-1.amazonaws.com", 443)
        assert [c.operation for c in localstack.controller.calls] == ["CreateApp"]
        assert [c.operation for c in m.calls] == ["ListBots"]
        assert {host for _, host in network_events(events)} == {"127.0.0.1"}

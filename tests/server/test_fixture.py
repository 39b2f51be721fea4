"""The `importmock_server` pytest fixture, and the marker's options reaching it."""

from __future__ import annotations

import pytest
import requests

from importmock.server import RunningServer
from tests.server.wire import exchange, only_answer, request


def test_the_fixture_serves_on_a_free_loopback_port(importmock_server: RunningServer) -> None:
    url, controller = importmock_server
    assert url.startswith("http://127.0.0.1:")
    assert requests.get(f"{url}/_importmock/health", timeout=10).json()["status"] == "ok"
    importmock_server.client("lexv2-models").list_bots()
    assert [(c.service, c.operation) for c in controller.calls] == [("lexv2-models", "ListBots")]


@pytest.mark.importmock(progression="manual", account_id="210987654321")
def test_the_marker_sets_the_fixture_options(importmock_server: RunningServer) -> None:
    assert importmock_server.controller.options["progression"] == "manual"
    app = importmock_server.client("pinpoint").create_app(CreateApplicationRequest={"Name": "a"})
    assert ":210987654321:" in app["ApplicationResponse"]["Arn"]


@pytest.mark.importmock(allow_hosts=["importmock"], max_connections=8)
def test_the_marker_sets_the_servers_own_options(importmock_server: RunningServer) -> None:
    assert importmock_server.server.max_connections == 8
    named = only_answer(
        exchange(importmock_server, request("GET", "/v1/apps", host="importmock:5050"))
    )
    assert named.status == 200

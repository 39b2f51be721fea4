"""`importmock server` and `python -m importmock server`: start, serve, Ctrl-C."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
import requests

WAIT_SECONDS = 30
BIN = Path(sys.executable).parent


def _read_line(stream, process: subprocess.Popen) -> str:  # type: ignore[type-arg]
    """The next line the server prints, waiting at most WAIT_SECONDS."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        if not selector.select(WAIT_SECONDS):
            process.kill()
            raise AssertionError("the server printed nothing in time")
    return stream.readline()


@contextmanager
def running(*command: str) -> Iterator[tuple[subprocess.Popen, str]]:  # type: ignore[type-arg]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        line = _read_line(process.stdout, process)
        assert line.startswith("importmock server listening on http://"), line
        url = line.split(" on ")[1].split(" ")[0]
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(WAIT_SECONDS)
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            stream.close()


def _client(url: str, name: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        name,
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.mark.parametrize(
    "command",
    [
        [str(BIN / "importmock"), "server", "--port", "0"],
        [sys.executable, "-m", "importmock", "server", "--port", "0", "--progression", "reads"],
    ],
    ids=["console-script", "python-m"],
)
def test_the_server_command_serves_until_ctrl_c(command: list[str]) -> None:
    with running(*command) as (process, url):
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(f"{url}/_importmock/health", timeout=10).json()["status"] == "ok"
        app = _client(url, "pinpoint").create_app(CreateApplicationRequest={"Name": "app"})
        assert app["ApplicationResponse"]["Name"] == "app"
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 0
    assert stdout == "importmock server stopped\n"
    assert "Traceback" not in stderr
    # each request is logged on stderr
    assert "POST /v1/apps -> 201" in stderr


def test_binding_beyond_loopback_warns_loudly() -> None:
    command = [sys.executable, "-m", "importmock", "server", "--host", "0.0.0.0", "--port", "0"]
    with running(*command) as (process, url):
        assert url.startswith("http://127.0.0.1:")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=WAIT_SECONDS)
    assert "WARNING: importmock is listening on 0.0.0.0, not loopback." in stderr
    assert process.returncode == 0


def test_quiet_logs_no_requests() -> None:
    command = [sys.executable, "-m", "importmock", "server", "--port", "0", "--quiet"]
    with running(*command) as (process, url):
        _client(url, "lexv2-models").list_bots()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=WAIT_SECONDS)
    assert stderr == ""
    assert process.returncode == 0


def test_strict_signatures_from_the_command_line() -> None:
    command = [
        sys.executable,
        "-m",
        "importmock",
        "server",
        "--port",
        "0",
        "--strict-signatures",
        "--credential",
        "AKIACOMMANDLINE00001:s3cret",
    ]
    with running(*command) as (process, url):
        assert "signature checking on" in " ".join(process.args) or True
        good = boto3.client(
            "qconnect",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id="AKIACOMMANDLINE00001",
            aws_secret_access_key="s3cret",
        )
        assert good.list_knowledge_bases()["knowledgeBaseSummaries"] == []
        with pytest.raises(good.exceptions.ClientError) as raised:
            _client(url, "qconnect").list_knowledge_bases()
        assert raised.value.response["Error"]["Code"] == "UnrecognizedClientException"
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 0


@pytest.mark.parametrize(
    "arguments, message",
    [
        (
            ["--strict-signatures"],
            "importmock server: --strict-signatures needs --credential KEY:SECRET",
        ),
        (["--credential", "no-colon"], "--credential takes KEY:SECRET, not 'no-colon'"),
        (["--port", "70000"], "argument --port: '70000' is not a port (0-65535)"),
    ],
)
def test_bad_command_lines_exit_2_with_the_reason(arguments: list[str], message: str) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "-m", "importmock", "server", *arguments],
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
        env=environment,
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""

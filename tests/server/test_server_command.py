"""`importmock server` and `python -m importmock server`: start, serve, Ctrl-C.

These tests start real processes, so they wait only on what the process shows (a line on
stdout or stderr, its exit), each wait bounded by WAIT_SECONDS; they never sleep in the
hope that something has happened meanwhile.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
import requests

from tests.server.wire import read_answer

WAIT_SECONDS = 30
BIN = Path(sys.executable).parent
LISTENING = "importmock server listening on http://"
STOPPED = "importmock server stopped\n"


class Server:
    """An ``importmock server`` process whose stdout and stderr are read as they come.

    Both pipes are read together, so the process never blocks on a full pipe while a test
    waits for a line on the other one.
    """

    def __init__(self, *command: str) -> None:
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self.process.stdout is not None and self.process.stderr is not None
        self._output = {self.process.stdout.fileno(): b"", self.process.stderr.fileno(): b""}
        self._stdout, self._stderr = self._output
        self._selector = selectors.DefaultSelector()
        for fd in self._output:
            self._selector.register(fd, selectors.EVENT_READ)

    @property
    def stdout(self) -> str:
        return self._output[self._stdout].decode()

    @property
    def stderr(self) -> str:
        return self._output[self._stderr].decode()

    def wait_for(self, text: str, *, on: str = "stdout") -> None:
        """Read until ``text`` is in the output on ``on`` ("stdout" or "stderr")."""
        fd = self._stdout if on == "stdout" else self._stderr
        self._read_until(lambda: text.encode() in self._output[fd], f"{text!r} on {on}")

    def wait_for_any_output(self, *, on: str = "stdout") -> None:
        """Read until the process has written at least one byte on ``on``."""
        fd = self._stdout if on == "stdout" else self._stderr
        self._read_until(lambda: bool(self._output[fd]), f"any output on {on}")

    def stop(self, signum: int = signal.SIGINT) -> None:
        self.process.send_signal(signum)

    def finish(self) -> int:
        """Read both streams to their end, then wait for the exit; the exit status."""
        self._read_until(lambda: not self._selector.get_map(), "the end of the output")
        return self.process.wait(WAIT_SECONDS)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(WAIT_SECONDS)
        self._selector.close()
        for stream in (self.process.stdout, self.process.stderr):
            assert stream is not None
            stream.close()

    def stop_again_and_again(self) -> None:
        """Ctrl-C as an impatient user does, over and over until the process is gone."""
        # The pause between signals only spreads them over the shutdown; the test holds
        # whatever it is, since every moment must exit cleanly.
        self._read_until(lambda: not self._selector.get_map(), "the exit", between=self.stop)

    def _read_until(
        self, done: Callable[[], bool], what: str, between: Callable[[], None] | None = None
    ) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not done():
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.get_map():
                raise AssertionError(
                    f"waited for {what}; the server printed\nstdout: {self.stdout!r}\n"
                    f"stderr: {self.stderr!r}\nexit status: {self.process.poll()}"
                )
            if between is not None:
                between()
                left = min(left, 0.01)
            # Raw reads of whatever the pipe holds: a buffered reader could keep back
            # bytes that select() would then never report.
            for key, _ in self._selector.select(left):
                chunk = os.read(key.fd, 65536)
                if chunk:
                    self._output[key.fd] += chunk
                else:  # end of file: the process is exiting
                    self._selector.unregister(key.fd)


@contextmanager
def started(*command: str) -> Iterator[Server]:
    """The server process, killed at the end of the block if it is still running."""
    server = Server(*command)
    try:
        yield server
    finally:
        server.close()


@contextmanager
def running(*command: str) -> Iterator[tuple[Server, str]]:
    """The server process once it has said it listens, and its URL."""
    with started(*command) as server:
        server.wait_for("\n")
        line = server.stdout.splitlines()[0]
        assert line.startswith(LISTENING), line
        yield server, line.split(" on ")[1].split(" ")[0]


def _client(url: str, name: str):
    return boto3.client(
        name,
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def _assert_stopped_cleanly(server: Server) -> None:
    assert server.finish() == 0, server.stderr
    listening, *rest = server.stdout.splitlines(keepends=True)
    assert listening.startswith(LISTENING), server.stdout
    assert rest == [STOPPED], server.stdout
    assert "Traceback" not in server.stderr, server.stderr


SERVER = [sys.executable, "-m", "importmock", "server", "--port", "0"]


@pytest.mark.parametrize(
    "command",
    [
        [str(BIN / "importmock"), "server", "--port", "0"],
        [*SERVER, "--progression", "reads"],
    ],
    ids=["console-script", "python-m"],
)
def test_the_server_command_serves_until_ctrl_c(command: list[str]) -> None:
    with running(*command) as (server, url):
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(f"{url}/_importmock/health", timeout=10).json()["status"] == "ok"
        app = _client(url, "pinpoint").create_app(CreateApplicationRequest={"Name": "app"})
        assert app["ApplicationResponse"]["Name"] == "app"
        # each request is logged on stderr
        server.wait_for("POST /v1/apps -> 201", on="stderr")
        server.stop()
        _assert_stopped_cleanly(server)


def test_a_request_is_logged_before_it_is_answered() -> None:
    # A client holding its answer may stop the server at once: the line is already out.
    with running(*SERVER) as (server, url):
        assert requests.get(f"{url}/_importmock/health", timeout=10).status_code == 200
        server.stop()
        _assert_stopped_cleanly(server)
    assert "GET /_importmock/health -> 200" in server.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_right_after_listening_exits_0(signum: int) -> None:
    # The moment a wrapper script (or a test) first can: on reading the "listening" line.
    with running(*SERVER) as (server, _):
        server.stop(signum)
        _assert_stopped_cleanly(server)


def test_a_ctrl_c_at_the_first_byte_of_listening_exits_0() -> None:
    # Earlier still. Unbuffered, print() writes the text and its newline separately, so
    # this often lands inside the print.
    with started(*SERVER) as server:
        server.wait_for_any_output()
        server.stop()
        _assert_stopped_cleanly(server)


def test_a_ctrl_c_during_the_exposure_warning_exits_0() -> None:
    # The handling is in place even before the warning printed ahead of "listening".
    with started(*SERVER, "--host", "0.0.0.0") as server:
        server.wait_for("WARNING: importmock is listening", on="stderr")
        server.stop()
        _assert_stopped_cleanly(server)


def test_more_ctrl_cs_do_not_interrupt_the_shutdown() -> None:
    with running(*SERVER) as (server, _):
        server.stop_again_and_again()
        _assert_stopped_cleanly(server)


def test_binding_beyond_loopback_warns_loudly() -> None:
    command = [*SERVER, "--host", "0.0.0.0"]
    with running(*command) as (server, url):
        assert url.startswith("http://127.0.0.1:")
        server.wait_for("WARNING: importmock is listening on 0.0.0.0, not loopback.", on="stderr")
        server.wait_for("for another name, add --allow-host NAME.", on="stderr")
        server.stop()
        _assert_stopped_cleanly(server)


def test_quiet_logs_no_requests() -> None:
    with running(*SERVER, "--quiet") as (server, url):
        _client(url, "lexv2-models").list_bots()
        server.stop()
        assert server.finish() == 0
    assert server.stderr == ""


def test_strict_signatures_from_the_command_line() -> None:
    command = [*SERVER, "--strict-signatures", "--credential", "AKIACOMMANDLINE00001:s3cret"]
    with running(*command) as (server, url):
        assert "(signature checking on)" in server.stdout
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
        server.stop()
        _assert_stopped_cleanly(server)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (
            ["--strict-signatures"],
            "importmock server: --strict-signatures needs --credential KEY:SECRET",
        ),
        (["--credential", "no-colon"], "--credential takes KEY:SECRET, not 'no-colon'"),
        (["--port", "70000"], "argument --port: '70000' is not a port (0-65535)"),
        (["--port", "\u00b2"], "argument --port: '\u00b2' is not a port (0-65535)"),
        (
            ["--timeout", "nan"],
            "argument --timeout: 'nan' is not a number of seconds above 0 and at most 86400",
        ),
        (
            ["--timeout", "inf"],
            "argument --timeout: 'inf' is not a number of seconds above 0 and at most 86400",
        ),
        (
            ["--timeout", "0"],
            "argument --timeout: '0' is not a number of seconds above 0 and at most 86400",
        ),
        (
            ["--request-timeout", "-1"],
            "argument --request-timeout: '-1' is not a number of seconds above 0 and at most 86400",
        ),
        (
            ["--max-body-mb", "0"],
            "argument --max-body-mb: '0' is not a whole number from 1 to 4096",
        ),
        (
            ["--max-body-mb", "99999999999"],
            "argument --max-body-mb: '99999999999' is not a whole number from 1 to 4096",
        ),
        (
            ["--max-connections", "0"],
            "argument --max-connections: '0' is not a whole number from 1 to 10000",
        ),
        (
            ["--allow-origin", "localhost:3000"],
            "argument --allow-origin: 'localhost:3000' is not an origin: scheme://host[:port] "
            "(http://localhost:3000), null or *",
        ),
        (
            ["--allow-host", "http://importmock"],
            "argument --allow-host: 'http://importmock' is not a host name or address (give "
            "it without scheme or port)",
        ),
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
    assert message in done.stderr.splitlines()[-1]  # the reason is one line
    assert done.stdout == ""


def test_the_connection_limits_and_allowed_names_from_the_command_line() -> None:
    command = [
        *SERVER,
        "--max-connections",
        "1",
        "--request-timeout",
        "30",
        "--allow-host",
        "importmock",
        "--allow-origin",
        "http://localhost:3000",
    ]
    with running(*command) as (server, url):
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=WAIT_SECONDS) as held:
            held.sendall(b"GET /v1/apps HTTP/1.1\r\nHost: importmock:5050\r\n\r\n")
            assert read_answer(held).status == 200
            turned_away = requests.get(f"{url}/v1/apps", timeout=WAIT_SECONDS)
            assert turned_away.status_code == 503
            # the stop closes the connection it holds, unanswered
            server.stop()
            _assert_stopped_cleanly(server)
            held.sendall(b"GET /v1/apps HTTP/1.1\r\nHost: importmock:5050\r\n\r\n")
            assert held.recv(65536) == b""
    assert "turned a connection away: 1 connections are open, the most it takes" in server.stderr


def test_an_allowed_origin_from_the_command_line() -> None:
    with running(*SERVER, "--allow-origin", "http://localhost:3000") as (server, url):
        page = requests.get(
            f"{url}/v1/apps", headers={"Origin": "http://localhost:3000"}, timeout=WAIT_SECONDS
        )
        assert page.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
        other = requests.get(
            f"{url}/v1/apps", headers={"Origin": "http://localhost:4000"}, timeout=WAIT_SECONDS
        )
        assert other.status_code == 403
        server.stop()
        _assert_stopped_cleanly(server)

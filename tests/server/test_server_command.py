"""`importmock server` and `python -m importmock server`: start, serve, Ctrl-C.

These tests start real processes, so they wait only on what the process shows (a line on
stdout or stderr, its exit), each wait bounded by WAIT_SECONDS; they never sleep in the
hope that something has happened meanwhile.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import pytest
import requests

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


def _client(url: str, name: str):  # type: ignore[no-untyped-def]
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

"""Command line: ``importmock demo | coverage | lifecycles | server | --version`` (also
``python -m importmock ...``)."""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import signal
import socket
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importmock.server import ImportmockServer

DEMO_FILE = """name,content,Shortcut key,contentType,channels
Greeting,"Hello, thanks for contacting us!",hello,plain,Chat;Email
Refund policy,**Refunds** take 5 to 7 business days.,refund,markdown,Email
Farewell,Goodbye and have a nice day.,hello,plain,Chat
"""


def demo() -> None:
    """Import quick responses into a knowledge base and print the job as it moves."""
    # The standard library's HTTP client: importmock answers it (and requests, urllib3,
    # httpx, aiohttp) in-process, and the demo needs nothing but boto3.
    import urllib.request

    import boto3

    from importmock import mock_imports

    # `reads` progression: every GetImportJob moves the job one stage, like polling AWS.
    with mock_imports(progression="reads") as mock:
        client = boto3.client("qconnect", region_name="us-east-1")
        kb = client.create_knowledge_base(name="demo", knowledgeBaseType="QUICK_RESPONSES")
        kb_id = kb["knowledgeBase"]["knowledgeBaseId"]
        print(f"knowledge base {kb_id} is {kb['knowledgeBase']['status']}")

        upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        put = urllib.request.Request(
            upload["url"], data=DEMO_FILE.encode(), headers=upload["headersToInclude"], method="PUT"
        )
        with urllib.request.urlopen(put) as uploaded:
            print(f"uploaded quick-responses.csv: HTTP {uploaded.status}")

        job = client.start_import_job(
            knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
        )["importJob"]
        print(f"import job {job['importJobId']}: {job['status']}")
        while job["status"] not in ("COMPLETE", "FAILED"):
            job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])[
                "importJob"
            ]
            print(f"import job {job['importJobId']}: {job['status']}")

        for summary in client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]:
            print(f"created quick response '{summary['name']}' ({summary['status']})")
        if "failedRecordReport" in job:
            with urllib.request.urlopen(job["failedRecordReport"]) as download:
                report = download.read().decode("utf-8")
            for row in csv.DictReader(io.StringIO(report)):
                print(f"failed row '{row['name']}': {row['error']}")
        print(f"{len(mock.calls)} calls intercepted; nothing left this process.")


def coverage() -> None:
    """Print, per mocked client, which operations importmock implements (Markdown)."""
    from importmock.coverage import coverage_table

    sys.stdout.write(coverage_table())


def lifecycles(files: list[str]) -> None:
    """Print every job lifecycle as a marked Mermaid diagram, or refresh the diagrams
    already marked in ``files`` (see importmock/diagrams.py)."""
    from pathlib import Path

    from importmock.diagrams import all_blocks, refresh

    if not files:
        sys.stdout.write(all_blocks())
        return
    for name in files:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        fresh = refresh(text)
        if fresh != text:
            path.write_text(fresh, encoding="utf-8")
            print(f"refreshed {name}")


def serve(args: argparse.Namespace) -> int:
    """Serve every backend over HTTP until Ctrl-C (see docs/server-mode.md)."""
    import logging
    import os

    from importmock.server import ImportmockServer, warn_if_exposed

    credentials = dict(_credential(text) for text in args.credential)
    if args.strict_signatures and not credentials:
        key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
        if not (key and secret):
            sys.stderr.write(
                "importmock server: --strict-signatures needs --credential KEY:SECRET "
                "(or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment)\n"
            )
            return 2
        credentials = {key: secret}
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(message)s",
        stream=sys.stderr,
    )
    try:
        server = ImportmockServer(
            args.host,
            args.port,
            credentials=credentials,
            strict_signatures=args.strict_signatures,
            progression=args.progression,
            account_id=args.account_id,
            max_body_bytes=args.max_body_mb * 1024 * 1024,
            timeout=args.timeout,
            request_timeout=args.request_timeout,
            max_connections=args.max_connections,
            allow_origins=args.allow_origin,
            allow_hosts=args.allow_host,
        )
    except (OSError, ValueError) as error:
        sys.stderr.write(f"importmock server: {error}\n")
        return 2
    # From here to exit a Ctrl-C (or SIGTERM) only wakes this thread: nothing raises
    # KeyboardInterrupt half-way through a print, a log line or the shutdown itself.
    stop = _StopSignals()
    serving = threading.Thread(
        target=_serve_then_wake, args=(server, stop), name="importmock-server", daemon=True
    )
    ended_by_itself = False
    try:
        warn_if_exposed(server)
        serving.start()
        checking = "on" if args.strict_signatures else "off"
        print(
            f"importmock server listening on {server.url} (signature checking {checking}); "
            "Ctrl-C stops it",
            flush=True,
        )
        ended_by_itself = not stop.wait()
    finally:
        if serving.is_alive():
            if not ended_by_itself:
                server.shutdown()
            serving.join()  # its last act is stop.wake(): let it finish before stop.close()
        server.server_close()
        stop.close()
    if ended_by_itself:
        # The serving thread has printed its traceback; say why the server is gone.
        sys.stderr.write("importmock server: serving failed; stopped\n")
        return 1
    print("importmock server stopped", flush=True)
    return 0


class _StopSignals:
    """SIGINT and SIGTERM, turned into a byte that the main thread waits for.

    The signal module writes the wakeup fd from its C-level handler, whichever thread the
    signal lands on and whatever the main thread is doing. The Python-level handler then
    has nothing left to do, so a signal never interrupts the code it lands in.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._waiter, self._waker = socket.socketpair()  # a socket: Windows needs one
        self._waker.setblocking(False)  # set_wakeup_fd insists
        # The wakeup fd before the handlers: a signal in between still has its usual
        # effect (before "listening"), rather than being swallowed with no wakeup.
        signal.set_wakeup_fd(self._waker.fileno(), warn_on_full_buffer=False)
        for signum in self.SIGNALS:
            signal.signal(signum, _nothing_left_to_do)

    def wake(self) -> None:
        """Wake the waiter with no signal: byte 0, which no signal number is."""
        try:
            self._waker.send(b"\0")
        except OSError:  # full: the waiter has bytes to read already
            pass

    def wait(self) -> bool:
        """Block until a stop signal (True) or :meth:`wake` (False)."""
        woken_by = self._waiter.recv(1)
        self._ignore_from_now_on()
        return woken_by != b"\0"

    def close(self) -> None:
        self._ignore_from_now_on()
        # Detach the fd before closing it: the C handler must never write to a closed
        # (perhaps already reused) descriptor.
        signal.set_wakeup_fd(-1)
        self._waiter.close()
        self._waker.close()

    def _ignore_from_now_on(self) -> None:
        # The process is stopping: a second Ctrl-C must not interrupt the shutdown.
        # SIG_IGN, unlike a Python handler, stays in force through interpreter
        # finalization, so even the last instants of the exit are covered.
        for signum in self.SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


def _nothing_left_to_do(signum: int, frame: FrameType | None) -> None:
    """The Python-level handler: the wakeup fd has already woken the main thread."""


def _serve_then_wake(server: ImportmockServer, stop: _StopSignals) -> None:
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.wake()  # serve_forever ends by itself only on a bug: never wait forever


def _credential(text: str) -> tuple[str, str]:
    key, sep, secret = text.partition(":")
    if not (sep and key and secret):
        raise argparse.ArgumentTypeError(f"--credential takes KEY:SECRET, not {text!r}")
    return key, secret


def _port(text: str) -> int:
    return _whole_number(text, 0, 65535, "is not a port (0-65535)")


def _whole_number(text: str, lowest: int, highest: int, problem: str = "") -> int:
    # ASCII digits only: str.isdigit() also takes "²", which int() then refuses.
    if not re.fullmatch(r"[0-9]{1,9}", text) or not lowest <= int(text) <= highest:
        raise argparse.ArgumentTypeError(
            f"{text!r} {problem or f'is not a whole number from {lowest} to {highest}'}"
        )
    return int(text)


def _max_body_mb(text: str) -> int:
    from importmock.server.http import LARGEST_BODY_LIMIT

    return _whole_number(text, 1, LARGEST_BODY_LIMIT // (1024 * 1024))


def _max_connections(text: str) -> int:
    from importmock.server.http import LARGEST_CONNECTION_LIMIT

    return _whole_number(text, 1, LARGEST_CONNECTION_LIMIT)


def _seconds(text: str) -> float:
    from importmock.server.http import LONGEST_TIMEOUT_SECONDS

    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    # float() also reads "nan", "inf" and "1e999": none is a number of seconds to wait.
    if not (math.isfinite(seconds) and 0 < seconds <= LONGEST_TIMEOUT_SECONDS):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of seconds above 0 and at most {LONGEST_TIMEOUT_SECONDS:g}"
        )
    return seconds


def _origin(text: str) -> str:
    from importmock.server.gate import normalise_origin

    try:
        return normalise_origin(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _host(text: str) -> str:
    from importmock.server.gate import normalise_host

    try:
        return normalise_host(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: list[str] | None = None) -> int:
    from importmock import __version__
    from importmock.server.http import (
        DEFAULT_MAX_CONNECTIONS,
        DEFAULT_REQUEST_TIMEOUT_SECONDS,
        DEFAULT_TIMEOUT_SECONDS,
    )

    parser = argparse.ArgumentParser(prog="importmock")
    parser.add_argument("--version", action="version", version=f"importmock {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="import quick responses in a mock and print the job")
    commands.add_parser("coverage", help="print the implemented operations (Markdown)")
    diagrams = commands.add_parser(
        "lifecycles", help="print every job lifecycle as a Mermaid state diagram (Markdown)"
    )
    diagrams.add_argument(
        "--write",
        nargs="+",
        default=[],
        metavar="FILE",
        help="refresh the diagrams marked in these Markdown files instead of printing",
    )
    server = commands.add_parser("server", help="serve the mocked services over HTTP")
    server.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    server.add_argument("--port", type=_port, default=5050, help="port (0 takes a free one)")
    server.add_argument(
        "--progression",
        default="immediate",
        choices=("immediate", "reads", "time", "manual"),
        help="how jobs move (change it later with POST /_importmock/progression)",
    )
    server.add_argument("--account-id", default="123456789012", help="the default account")
    server.add_argument(
        "--strict-signatures",
        action="store_true",
        help="verify SigV4 signatures against --credential (off by default)",
    )
    server.add_argument(
        "--credential",
        action="append",
        default=[],
        metavar="KEY:SECRET",
        help="an access key id and secret that strict mode accepts (repeatable)",
    )
    server.add_argument(
        "--max-body-mb", type=_max_body_mb, default=128, help="largest request body (MiB)"
    )
    server.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT_SECONDS,
        help="seconds a connection may stay silent",
    )
    server.add_argument(
        "--request-timeout",
        type=_seconds,
        default=DEFAULT_REQUEST_TIMEOUT_SECONDS,
        help="seconds a request may take to arrive, from its first byte",
    )
    server.add_argument(
        "--max-connections",
        type=_max_connections,
        default=DEFAULT_MAX_CONNECTIONS,
        help="connections served at once; more are answered 503",
    )
    server.add_argument(
        "--allow-origin",
        type=_origin,
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a web page origin (http://localhost:3000) allowed to call (repeatable)",
    )
    server.add_argument(
        "--allow-host",
        type=_host,
        action="append",
        default=[],
        metavar="NAME",
        help="a Host name to answer besides loopback names and own addresses (repeatable)",
    )
    server.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    if args.command == "server":
        try:
            return serve(args)
        except argparse.ArgumentTypeError as error:
            parser.error(str(error))
    if args.command == "lifecycles":
        lifecycles(args.write)
        return 0
    {"demo": demo, "coverage": coverage}[args.command]()
    return 0


if __name__ == "__main__":
    sys.exit(main())

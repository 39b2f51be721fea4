"""Server mode: importmock's backends over HTTP, for the AWS CLI and every other SDK.

``importmock server`` (or ``python -m importmock server``) runs it from a shell;
:func:`threaded_server` runs one inside a test process::

    with threaded_server(progression="reads") as server:
        client = boto3.client("qconnect", endpoint_url=server.url, ...)
        server.controller.settle()

See docs/server-mode.md.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from importmock.engine.session import MockSession
from importmock.server.http import ImportmockServer, warn_if_exposed

__all__ = ["ImportmockServer", "RunningServer", "threaded_server"]

#: How often ``serve_forever`` looks for a shutdown request: a stop takes at most this.
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class RunningServer:
    """A server running in a background thread: its URL, its controller, the server."""

    url: str
    controller: MockSession
    server: ImportmockServer

    def __iter__(self) -> Iterator[Any]:
        # `with threaded_server() as (url, controller):`
        return iter((self.url, self.controller))

    def client(self, service: str, region: str = "us-east-1", **kwargs: Any) -> Any:
        """A boto3 client pointed at this server, with test credentials."""
        import boto3

        kwargs.setdefault("aws_access_key_id", "AKIAIMPORTMOCKSERVER")
        kwargs.setdefault("aws_secret_access_key", "importmock-server-secret")
        kwargs.setdefault("endpoint_url", self.url)
        return boto3.client(service, region_name=region, **kwargs)


@contextlib.contextmanager
def threaded_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    credentials: Mapping[str, str] | None = None,
    strict_signatures: bool = False,
    **options: Any,
) -> Iterator[RunningServer]:
    """Run a server in a background thread for the ``with`` block.

    ``port=0`` takes a free port. ``options`` are :func:`mock_imports`'s (``progression``,
    ``durations``, ``account_id``, ``quotas``, ``check_responses``) and the server's
    (``max_body_bytes``, ``timeout``, ``request_timeout``, ``max_connections``,
    ``allow_origins``, ``allow_hosts``; see docs/server-mode.md).

    Leaving the block stops the server: it closes every open connection (a kept-alive
    client gets no further answer) and waits for their threads.
    """
    server = ImportmockServer(
        host, port, credentials=credentials, strict_signatures=strict_signatures, **options
    )
    warn_if_exposed(server)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": POLL_SECONDS},
        name=f"importmock-server-{server.server_address[1]}",
        daemon=True,
    )
    thread.start()
    try:
        yield RunningServer(server.url, server.session, server)
    finally:
        server.shutdown()  # no new connections ...
        server.server_close()  # ... and the open ones closed, their threads ended
        thread.join()

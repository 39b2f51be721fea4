"""The in-process mock's loopback server: minted URLs for code that is not in-process.

With ``mock_imports(upload_urls="loopback")`` minted URLs point here
(``http://127.0.0.1:<port>/_importmock/s3/...``), so ``curl -T file "$url"``, a subprocess
or an HTTP client importmock does not know can use them; aiohttp's requests to in-process
URLs are sent here too (:mod:`importmock.engine.http_clients`). It serves the minted URLs
of the mock's own session and nothing else (no API, no controller), starts on first use,
and stops with the mock.
"""

from __future__ import annotations

import contextlib
import threading

from importmock.engine.session import MockSession


class LoopbackServer:
    """A server on a free loopback port for one session's minted URLs, started on demand."""

    def __init__(self, session: MockSession) -> None:
        self._session = session
        self._lock = threading.Lock()
        self._running: contextlib.ExitStack | None = None
        self._origin = ""

    def origin(self) -> str:
        """``http://127.0.0.1:<port>``, starting the server on the first call."""
        with self._lock:
            if self._running is None:
                from importmock.server import threaded_server

                stack = contextlib.ExitStack()
                running = stack.enter_context(
                    threaded_server(session=self._session, presigned_only=True)
                )
                self._running, self._origin = stack, running.url
            return self._origin

    def stop(self) -> None:
        with self._lock:
            if self._running is not None:
                self._running.close()
                self._running = None

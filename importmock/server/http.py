"""The HTTP server: one mock session served to any SDK over loopback.

Every request takes one of three paths, chosen by its URL path before its body is read:

- ``/_importmock/s3/...``: a presigned URL the mock minted (uploads, reports, exports);
- ``/_importmock/...``: the controller (:mod:`importmock.server.control`);
- anything else: an AWS API call, routed by its SigV4 scope and path
  (:mod:`importmock.server.services`) and answered by the same pipeline as in-process
  (:meth:`MockSession.answer`).

Before any of them, a request must name this server by a loopback name or one of its own
addresses (``Host``), and must not come from a web page (``Origin``) unless allowed: a page
in the user's browser can reach loopback, and DNS rebinding lets it read the answers.

Threads: one per connection (``ThreadingHTTPServer``), at most ``max_connections`` at once;
the session's lock serialises the backends, as it does for threads sharing an in-process
mock. A connection that is slow, dropped or oversized costs only its own thread, and is
closed: it may stay silent for ``timeout`` seconds, and a request must have arrived whole
``request_timeout`` seconds after its first byte. Stopping the server closes every
connection and waits for its thread.
"""

from __future__ import annotations

import io
import json
import logging
import math
import re
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from importmock.engine.presigned import SERVED_PREFIX, s3_error, served_from
from importmock.engine.session import MockSession, new_request_id
from importmock.engine.sigv4 import SignatureError, scope_of, verify
from importmock.server import control, services
from importmock.server.gate import Gate, Refused, cut, is_host_name

log = logging.getLogger("importmock.server")

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_MAX_BODY_BYTES = 128 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_REQUEST_TIMEOUT_SECONDS = 120.0
#: Far above what SDKs keep open (a boto3 client pools 10, the JavaScript SDK 50), far
#: below the usual limit of 1024 open files.
DEFAULT_MAX_CONNECTIONS = 256
#: The ranges the options accept: bodies are held in memory; a day bounds any wait.
LARGEST_BODY_LIMIT = 4096 * 1024 * 1024
LARGEST_CONNECTION_LIMIT = 10_000
LONGEST_TIMEOUT_SECONDS = 86_400.0
#: How long a stop waits for the threads of the connections it has closed.
STOP_WAIT_SECONDS = 30.0
#: After the answer, what a closing connection still reads (and drops) of a body the client
#: is sending, and for how long: closing a socket with unread bytes resets the connection,
#: and a client still writing (aiohttp streaming a generator into a refused upload) then
#: sees the reset instead of the answer it was sent.
LINGER_BYTES = 1024 * 1024
LINGER_SECONDS = 1.0
Answer = tuple[int, dict[str, str], bytes]

_DIGITS = re.compile(r"[0-9]+")
#: RFC 9112, section 7.1: chunk-size is 1*HEXDIG; extensions (``;name=value``) are ignored.
_CHUNK_SIZE_LINE = re.compile(rb"([0-9A-Fa-f]+)(?:[ \t]*;[^\r\n]*)?\r\n")
_MAX_TRAILER_LINES = 100  # as many as http.server takes header lines
_READ_PIECE_BYTES = 1024 * 1024  # a declared length is read as it arrives, never allocated


class _Closed(Exception):
    """The client went away (or stalled) mid-request: nothing can be answered."""


class _DeadlinePassed(Exception):
    """The request had not arrived whole within ``request_timeout`` of its first byte."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the request did not arrive within {seconds:g} seconds of its first byte "
            "(request_timeout / --request-timeout)"
        )


# -- the options -------------------------------------------------------------------------------


def check_seconds(name: str, value: Any) -> float:
    """``value`` as a number of seconds: finite, above 0, at most a day."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds; got {value!r}")
    if not (math.isfinite(value) and 0 < value <= LONGEST_TIMEOUT_SECONDS):
        raise ValueError(
            f"{name} must be a number of seconds above 0 and at most "
            f"{LONGEST_TIMEOUT_SECONDS:g}; got {value!r}"
        )
    return float(value)


def check_whole_number(name: str, value: Any, lowest: int, highest: int) -> int:
    """``value`` as a whole number from ``lowest`` to ``highest``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number; got {value!r}")
    if not lowest <= value <= highest:
        raise ValueError(f"{name} must be from {lowest} to {highest}; got {value!r}")
    return value


class Headers(Mapping[str, str]):
    """A request's headers, looked up case-insensitively; repeated ones joined by commas
    (as SigV4 canonicalises them)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._values: dict[str, str] = {}
        self._names: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        for name, value in pairs:
            lowered = name.lower()
            self._counts[lowered] = self._counts.get(lowered, 0) + 1
            if lowered in self._values:
                self._values[lowered] += "," + value
            else:
                self._values[lowered] = value
                self._names[lowered] = name

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()]

    def get(self, name: str, default: Any = None) -> Any:
        return self._values.get(name.lower(), default)

    def count(self, name: str) -> int:
        """How many times the header was sent."""
        return self._counts.get(name.lower(), 0)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.values())

    def __len__(self) -> int:
        return len(self._values)


class _WireRequest:
    """A request as the presigned-URL server reads it (``method``, ``url``, ...)."""

    def __init__(self, method: str, url: str, headers: Headers, body: bytes) -> None:
        self.method, self.url, self.headers, self.body = method, url, headers, body


class _PacedReader(io.RawIOBase):
    """A connection's reads: each waits at most the idle timeout, and once a request has
    begun, no later than its deadline. A socket timeout alone applies per ``recv``, so a
    client sending a byte now and then could hold a connection for ever."""

    def __init__(self, connection: socket.socket, idle_seconds: float, request_seconds: float):
        super().__init__()
        self._connection = connection
        self._idle_seconds = idle_seconds
        self._request_seconds = request_seconds
        self._deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wait = self._idle_seconds
        if self._deadline is not None:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise _DeadlinePassed(self._request_seconds)
            wait = min(wait, left)
        self._connection.settimeout(wait)
        try:
            received = self._connection.recv_into(buffer)
        except socket.timeout:  # TimeoutError from Python 3.10; its own class on 3.9
            if self._deadline is not None and time.monotonic() >= self._deadline:
                raise _DeadlinePassed(self._request_seconds) from None
            raise
        if received and self._deadline is None:  # the first bytes of a request
            self._deadline = time.monotonic() + self._request_seconds
        return received

    def next_request(self) -> None:
        """The request has been answered: the next one's clock starts at its first byte."""
        self._deadline = None


class ImportmockServer(ThreadingHTTPServer):
    """Serves one :class:`MockSession` over HTTP; see :func:`importmock.server.threaded_server`."""

    daemon_threads = True  # a stalled client never keeps the process from exiting
    request_queue_size = 128  # bursts of new connections wait instead of being refused
    allow_reuse_address = True

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 5050,
        *,
        session: MockSession | None = None,
        credentials: Mapping[str, str] | None = None,
        strict_signatures: bool = False,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT_SECONDS,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        allow_origins: Iterable[str] = (),
        allow_hosts: Iterable[str] = (),
        presigned_only: bool = False,
        **session_options: Any,
    ) -> None:
        import importmock.services  # noqa: F401 - registers every backend

        if strict_signatures and not credentials:
            raise ValueError(
                "strict signature checking needs credentials: a dict of access key id to "
                "secret access key"
            )
        self.max_body_bytes = check_whole_number(
            "max_body_bytes", max_body_bytes, 1, LARGEST_BODY_LIMIT
        )
        self.connection_timeout = check_seconds("timeout", timeout)
        self.request_timeout = check_seconds("request_timeout", request_timeout)
        self.max_connections = check_whole_number(
            "max_connections", max_connections, 1, LARGEST_CONNECTION_LIMIT
        )
        if "strict" in session_options:
            raise ValueError(
                "strict= applies to an in-process mock (mock_imports), which fails the test "
                "when it stops; a server outlives its clients' tests. In server mode, read "
                "the controller's calls.unimplemented() instead."
            )
        if "sleep" in session_options:
            # The sleeps that option moves are those of the process running an in-process
            # mock; a server's clients sleep in their own processes.
            raise ValueError(
                "sleep= applies to an in-process mock (mock_imports), whose process does the "
                "sleeping; a server's clients sleep in their own processes. In server mode, "
                "use progression='reads' or 'manual' so polling needs no waiting."
            )
        self.session = session if session is not None else MockSession(**session_options)
        # A server with its own session is what serves it (an in-process mock's loopback
        # server shares the mock's session, which the mock marks).
        self._owns_session = session is None
        if self._owns_session:
            self.session.active = True
        self.credentials = dict(credentials or {})
        self.strict_signatures = strict_signatures
        #: Serve only minted URLs (an in-process mock's loopback server: its API and
        #: controller stay in-process, out of reach of other local processes).
        self.presigned_only = presigned_only
        self._connections_lock = threading.Lock()
        self._open_connections: set[socket.socket] = set()
        self._connection_threads: list[threading.Thread] = []
        self._stopping = False
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)
        # The name it was told to bind is one of its own names; so is the machine's, when
        # other machines can reach it. Its addresses are checked per connection.
        own_names = [host] if is_host_name(host) else []
        if not self.loopback_only:
            own_names.append(socket.gethostname())
        self.gate = Gate(allow_hosts, allow_origins, own_names)

    @property
    def url(self) -> str:
        """The base URL to give SDKs as ``endpoint_url``."""
        host, port = str(self.server_address[0]), self.server_address[1]
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1"  # reachable from this machine whatever the bind
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    @property
    def loopback_only(self) -> bool:
        host = str(self.server_address[0])
        return host in LOOPBACK_HOSTS or host.startswith("127.")

    # -- connections ---------------------------------------------------------------------
    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread for the connection, or a 503 when ``max_connections`` are open."""
        with self._connections_lock:
            self._connection_threads = [t for t in self._connection_threads if t.is_alive()]
            admitted = not self._stopping and len(self._open_connections) < self.max_connections
            if admitted:
                self._open_connections.add(request)
                thread = threading.Thread(
                    target=self.process_request_thread,
                    args=(request, client_address),
                    name=f"importmock-connection-{self.server_address[1]}",
                    daemon=True,
                )
                self._connection_threads.append(thread)
        if admitted:
            thread.start()
        else:
            self._turn_away(request)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            with self._connections_lock:
                # Freed before the close: a client that sees its connection end may
                # connect again at once.
                self._open_connections.discard(request)
            self.shutdown_request(request)

    def shutdown_request(self, request: Any) -> None:
        """Close a connection the lingering way: end our side, drop what the client still
        sends (up to ``LINGER_BYTES``, ``LINGER_SECONDS``), then close."""
        try:
            request.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER_SECONDS
            dropped = 0
            while dropped < LINGER_BYTES:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                request.settimeout(left)
                received = request.recv(65536)
                if not received:  # the client has closed its side too
                    break
                dropped += len(received)
        except OSError:  # reset, timed out, or already shut by a stop
            pass
        self.close_request(request)

    def _turn_away(self, connection: socket.socket) -> None:
        """Answer a connection over the limit with a 503, from the accepting thread."""
        log.warning(
            "turned a connection away: %d connections are open, the most it takes",
            self.max_connections,
        )
        body = json.dumps(
            {
                "code": "ServiceUnavailable",
                "message": f"importmock is serving {self.max_connections} connections, the "
                "most it takes (max_connections / --max-connections); retry once one "
                "has closed",
            }
        ).encode()
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nServer: importmock\r\n"
            "Content-Type: application/json\r\nx-amzn-ErrorType: ServiceUnavailable\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        try:
            connection.setblocking(False)  # the accepting thread never waits on a client
            connection.send(head + body)
            connection.shutdown(socket.SHUT_WR)
            # Read what the client has sent already: closing a socket with unread bytes
            # resets the connection, which can discard the answer before it is read.
            for _ in range(16):
                if not connection.recv(65536):
                    break
        except OSError:
            pass
        finally:
            connection.close()

    def server_close(self) -> None:
        """Stop listening, close every open connection and wait for its thread."""
        super().server_close()
        if self._owns_session:
            self.session.active = False
        with self._connections_lock:
            self._stopping = True
            for connection in self._open_connections:
                try:
                    # Wakes the thread reading it; the thread itself closes the socket.
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            threads = list(self._connection_threads)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [thread for thread in threads if thread.is_alive()]
        if stuck:
            log.warning("%d connection threads still run after the stop", len(stuck))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: SDKs reuse their connections
    # Headers and body go out in two writes: without TCP_NODELAY the body waits for the
    # client's delayed ACK of the headers, 40 ms per call on a kept-alive connection.
    disable_nagle_algorithm = True
    server: ImportmockServer

    def version_string(self) -> str:
        return "importmock"

    def setup(self) -> None:
        self.timeout = self.server.connection_timeout  # type: ignore[misc]
        super().setup()
        self.rfile.close()
        self._reader = _PacedReader(
            self.connection, self.server.connection_timeout, self.server.request_timeout
        )
        self.rfile = io.BufferedReader(self._reader)
        self._continue_owed = False
        self._authority = ""
        # The address this client connected to, once per connection: a Host naming it is
        # this server's own.
        try:
            self._reached: str | None = str(self.connection.getsockname()[0]).partition("%")[0]
        except OSError:
            self._reached = None

    def handle_one_request(self) -> None:
        """http.server's, plus: empty lines before a request line are skipped, and a
        request that does not arrive in time is answered 408."""
        self._continue_owed = False
        # Until the request line is parsed: send_error and its log line read them.
        self.command, self.requestline, self.request_version = "", "", "HTTP/1.1"
        try:
            self.raw_requestline = self.rfile.readline(65537)
            # RFC 9112, section 2.2: a server should ignore at least one empty line
            # received before a request line (some clients send one after a body).
            for _ in range(2):
                if self.raw_requestline not in (b"\r\n", b"\n"):
                    break
                self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if len(self.raw_requestline) > 65536:
                self.requestline = ""
                self.request_version = ""
                self.send_error(414)
                return
            if not self.parse_request():
                return  # answered already
            handler = getattr(self, "do_" + self.command, None)
            if handler is None:
                self.send_error(501, f"Unsupported method ({cut(self.command)!r})")
                return
            handler()
            self.wfile.flush()
        except _DeadlinePassed as late:
            log.info("connection closed: %s", late)
            self.send_error(408, str(late))
        except socket.timeout:  # silent for `timeout` seconds, most often between requests
            log.debug("closing a connection silent for %g seconds", self.timeout)
            self.close_connection = True
        finally:
            self._reader.next_request()

    def parse_request(self) -> bool:
        words = self.raw_requestline.split()
        if len(words) < 3:
            # http.server takes `GET /` as HTTP/0.9 and would answer a bare body with no
            # status line; an empty line would get no answer at all.
            self.close_connection = True
            line = cut(self.raw_requestline.decode("latin-1").strip())
            reason = (
                "HTTP/0.9 requests are not served: the request line needs a version"
                if len(words) == 2
                else f"Bad request syntax ({line!r})"
            )
            self.send_error(400, reason)
            return False
        return super().parse_request()

    def handle_expect_100(self) -> bool:
        # "100 Continue" only once the body is wanted: a request refused before (too
        # large, not allowed) gets its final answer instead, and sends no body.
        self._continue_owed = True
        return True

    def do_GET(self) -> None:
        self._serve()

    do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_GET

    def do_OPTIONS(self) -> None:
        headers = Headers(list(self.headers.items()))
        if headers.get("Origin") is None or headers.get("Access-Control-Request-Method") is None:
            self._serve()  # not a CORS preflight: an ordinary request
            return
        try:
            _, _, authority = _request_target(self.path)
            self._authority = self._checked_authority(authority, headers)
            cors = self.server.gate.cors_headers(headers)
            self._body(headers)
        except Refused as refusal:
            log.info("OPTIONS %s (CORS preflight) -> %s", cut(self.path), refusal.status)
            self.close_connection = True
            self._send(*_refusal_as_gate(refusal))
            return
        except _Closed:
            self.close_connection = True
            return
        log.info("OPTIONS %s (CORS preflight) -> 204", cut(self.path))
        allowed = {
            **cors,
            "Access-Control-Allow-Methods": headers["Access-Control-Request-Method"],
            "Access-Control-Max-Age": "600",
        }
        if headers.get("Access-Control-Request-Headers"):
            allowed["Access-Control-Allow-Headers"] = headers["Access-Control-Request-Headers"]
        self._send(204, allowed, b"")

    # -- one request -------------------------------------------------------------------
    def _serve(self) -> None:
        started = time.perf_counter()
        path = self.path
        cors: dict[str, str] = {}
        answer_refusal = _refusal_as_gate
        try:
            path, query, authority = _request_target(self.path)
            headers = Headers(list(self.headers.items()))
            self._authority = self._checked_authority(authority, headers)
            cors = self.server.gate.cors_headers(headers)
            if path.startswith(SERVED_PREFIX):
                answer_refusal = _refusal_as_s3
                status, out, body = self._presigned(path, query, headers)
            elif self.server.presigned_only:
                answer_refusal = _refusal_as_json
                raise Refused(
                    404, "NotFound", f"importmock serves only minted URLs here: {cut(path)}"
                )
            elif path.startswith(control.PREFIX):
                answer_refusal = _refusal_as_control
                status, out, body = self._control(path[len(control.PREFIX) :], headers)
            else:
                answer_refusal = _refusal_as_json
                status, out, body = self._api_call(path, query, headers)
        except _Closed as why:
            log.info("%s %s: connection closed: %s", self.command, self.path, why)
            self.close_connection = True
            return
        except Refused as refusal:
            status, out, body = answer_refusal(refusal)
            # An unread (oversized or unreadable) body must not be taken for a next request.
            self.close_connection = True
        except Exception as error:  # a bug in importmock: answer it, keep serving
            log.error("%s %s failed:\n%s", self.command, self.path, traceback.format_exc())
            status, out, body = _refusal_as_json(
                Refused(500, "InternalFailure", f"importmock failed: {error}")
            )
            # Whether its body was read is unknown: what follows cannot be trusted to be
            # the next request.
            self.close_connection = True
        # Logged before the answer goes out, so a client holding its answer can rely on
        # the line being written (and a Ctrl-C right after cannot lose it).
        log.info(
            "%s %s -> %s (%.1f ms)",
            self.command,
            path,
            status,
            (time.perf_counter() - started) * 1000,
        )
        self._send(status, {**out, **cors}, body)

    def _api_call(self, path: str, query: str, headers: Headers) -> Answer:
        scope = scope_of(headers.get("Authorization"))
        target = services.resolve(scope.service if scope else None, self.command, path, query)
        payload = self._body(headers)
        if self.server.strict_signatures:
            try:
                verify(
                    self.command,
                    path,
                    query,
                    headers,
                    payload,
                    self.server.credentials,
                    time.time(),
                )
            except SignatureError as error:
                raise Refused(error.status, error.code, error.message) from None
        if not isinstance(target, services.Mocked):
            return target.response(headers, new_request_id())
        if payload:
            _check_json_body(headers)
        origin = self._origin(headers)
        token = served_from.set(origin)  # URLs minted by this call point back here
        try:
            return self.server.session.answer(
                target.spec,
                target.backend,
                self.command,
                _url(origin, path, query),
                headers,
                payload,
            )
        finally:
            served_from.reset(token)

    def _control(self, name: str, headers: Headers) -> Answer:
        operation = control.OPERATIONS.get(name)
        if self.command == "POST" and operation is not None and operation.method == "POST":
            _check_control_json(name, headers.get("Content-Type"))
        payload = self._body(headers)
        return control.handle(self.server.session, self.command, name, payload)

    def _presigned(self, path: str, query: str, headers: Headers) -> Answer:
        self._framing(headers)  # framing it cannot trust is a 400 first
        if self.command == "PUT" and headers.get("Content-Length") is None:
            # S3 takes no upload without its length, a chunked one included.
            raise Refused(
                411, "MissingContentLength", "You must provide the Content-Length HTTP header."
            )
        payload = self._body(headers)
        url = _url(self._origin(headers), path, query)
        status, out, body = self.server.session.serve_url(
            _WireRequest(self.command, url, headers, payload)
        )
        return status, out, body if isinstance(body, bytes) else str(body).encode()

    def _origin(self, headers: Headers) -> str:
        """``http://host:port`` as the client addressed this server."""
        return "http://" + (self._authority or urlsplit(self.server.url).netloc)

    def _checked_authority(self, target_authority: str, headers: Headers) -> str:
        return self.server.gate.authority(
            target_authority, headers, self.request_version, self._reached
        )

    # -- reading and writing -----------------------------------------------------------
    def _framing(self, headers: Headers) -> int | None:
        """The body's declared length, or None for a chunked body (RFC 9112, section 6).

        Framing that cannot be trusted is refused: the connection then closes, since where
        this request ends, and the next begins, is unknown.
        """
        coding = headers.get("Transfer-Encoding")
        declared = headers.get("Content-Length")
        if coding is not None:
            if declared is not None:
                # Which of the two frames the body? Proxies have disagreed (request
                # smuggling); RFC 9112 lets a server refuse the request, and this one does.
                raise Refused(
                    400,
                    "BadRequest",
                    "the request has both Transfer-Encoding and Content-Length; send one",
                )
            if self.request_version == "HTTP/1.0":
                raise Refused(400, "BadRequest", "HTTP/1.0 has no Transfer-Encoding")
            codings = [part.strip().lower() for part in coding.split(",")]
            if codings[-1] != "chunked" or codings.count("chunked") > 1:
                raise Refused(
                    400,
                    "BadRequest",
                    f"Transfer-Encoding must end in chunked, once; got {cut(coding)!r}",
                )
            if len(codings) > 1:
                raise Refused(
                    501,
                    "NotImplemented",
                    f"importmock decodes no transfer coding but chunked; got {cut(coding)!r}",
                )
            return None
        if declared is None:
            return 0
        values = {value.strip() for value in declared.split(",")}
        if len(values) > 1:
            raise Refused(
                400,
                "BadRequest",
                f"the request has differing Content-Length values: {cut(declared)!r}",
            )
        value = values.pop()
        if not _DIGITS.fullmatch(value):
            raise Refused(400, "BadRequest", f"Content-Length is not a number: {cut(declared)!r}")
        digits = value.lstrip("0")
        return int(digits or "0") if len(digits) <= 18 else sys.maxsize

    def _body(self, headers: Headers) -> bytes:
        limit = self.server.max_body_bytes
        length = self._framing(headers)
        if length is not None and length > limit:
            size = f"{length} bytes" if length < sys.maxsize else "more bytes than that"
            raise Refused(
                413,
                "RequestEntityTooLargeException",
                f"the request body has {size}; this server takes at most {limit}",
            )
        if length == 0:
            return b""
        if self._continue_owed:
            self._continue_owed = False
            self.connection.settimeout(self.server.connection_timeout)
            self.send_response_only(100)
            self.end_headers()
        if length is None:
            return self._chunked_body(limit)
        return self._read(length)

    def _chunked_body(self, limit: int) -> bytes:
        body = bytearray()  # grows with what arrives: no per-chunk objects kept
        while True:
            line = self._readline()
            size_line = _CHUNK_SIZE_LINE.fullmatch(line)
            if size_line is None:
                shown = line[:40].decode("latin-1").rstrip("\r\n")
                raise Refused(
                    400,
                    "BadRequest",
                    f"malformed chunked body: {shown!r} is not a chunk size in hex digits",
                )
            digits = size_line.group(1).lstrip(b"0")
            size = int(digits, 16) if digits else 0
            if size == 0:
                self._trailers()
                return bytes(body)
            if len(digits) > 16 or len(body) + size > limit:
                raise Refused(
                    413,
                    "RequestEntityTooLargeException",
                    f"the request body has more than {limit} bytes, the most this server takes",
                )
            body += self._read(size)
            if self._readline() != b"\r\n":
                raise Refused(400, "BadRequest", "malformed chunked body: a chunk ends in CRLF")

    def _trailers(self) -> None:
        for _ in range(_MAX_TRAILER_LINES + 1):
            line = self._readline()
            if line in (b"\r\n", b"\n"):
                return
            if not line.endswith(b"\n"):
                raise Refused(400, "BadRequest", "malformed chunked body: a trailer too long")
        raise Refused(
            400, "BadRequest", f"the chunked body has over {_MAX_TRAILER_LINES} trailer lines"
        )

    def _read(self, length: int) -> bytes:
        pieces: list[bytes] = []
        left = length
        while left:
            # Read as it arrives: a declared length is no reason to allocate it up front.
            try:
                piece = self.rfile.read(min(left, _READ_PIECE_BYTES))
            except _DeadlinePassed as late:
                raise Refused(408, "RequestTimeout", str(late)) from None
            except (TimeoutError, OSError) as error:
                raise _Closed(f"reading the body: {error}") from None
            if not piece:
                raise _Closed(
                    f"the client sent {length - left} of {length} body bytes, then hung up"
                )
            pieces.append(piece)
            left -= len(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def _readline(self) -> bytes:
        try:
            line = self.rfile.readline(65537)
        except _DeadlinePassed as late:
            raise Refused(408, "RequestTimeout", str(late)) from None
        except (TimeoutError, OSError) as error:
            raise _Closed(f"reading the body: {error}") from None
        if not line:
            raise _Closed("the client hung up inside a chunked body")
        return line

    def _send(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        try:
            # Writes wait at most the idle timeout, whatever the request's deadline left.
            self.connection.settimeout(self.server.connection_timeout)
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError as error:  # the client left before reading its answer
            log.info("%s %s: could not answer: %s", self.command, self.path, error)
            self.close_connection = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, headers too long) as JSON, not HTML."""
        self.close_connection = True
        # An unparseable request line leaves http.server thinking it is HTTP/0.9, which
        # would get a bare body with no status line: answer in HTTP/1.1 all the same.
        self.request_version = "HTTP/1.1"
        text = message or self.responses.get(code, ("error",))[0]
        error_code = "RequestTimeout" if code == 408 else "BadRequest"
        try:
            self.connection.settimeout(self.server.connection_timeout)
            self.send_response(code, message)
            body = json.dumps({"code": error_code, "message": text}).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("x-amzn-ErrorType", error_code)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)


def _request_target(target: str) -> tuple[str, str, str]:
    """The path, query and (absolute form only) authority of a request target."""
    try:
        split = urlsplit(target)
    except ValueError as error:
        raise Refused(400, "BadRequest", f"the request target is not a URL: {error}") from None
    if target.startswith("/"):
        return split.path or "/", split.query, ""
    if split.scheme in ("http", "https") and split.netloc and "@" not in split.netloc:
        return split.path or "/", split.query, split.netloc
    raise Refused(
        400, "BadRequest", f"the request target is not a path or an http URL: {cut(target)!r}"
    )


def _url(origin: str, path: str, query: str) -> str:
    return f"{origin}{path}?{query}" if query else f"{origin}{path}"


def _check_json_body(headers: Headers) -> None:
    """A body of a rest-json API call must be declared JSON, as Smithy's servers require."""
    content_type = headers.get("Content-Type")
    if content_type is None:
        return  # curl and hand-made requests often omit it; the body is still parsed
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.startswith("application/x-amz-json"):
        raise Refused(
            415,
            "UnsupportedMediaTypeException",
            f"the body of this API call must be JSON (Content-Type: application/json), "
            f"not {content_type}",
        )


def _check_control_json(name: str, content_type: str | None) -> None:
    """What changes the mock's state takes ``Content-Type: application/json``, even with no
    body: a web page can send a form, text or nothing with no CORS preflight, never JSON."""
    if (content_type or "").split(";")[0].strip().lower() != "application/json":
        raise Refused(
            415,
            "UnsupportedMediaType",
            f"{control.PREFIX}{name} takes a JSON body (Content-Type: application/json), "
            f"not {content_type or 'a request without Content-Type'}",
        )


def _refusal_as_json(refusal: Refused) -> Answer:
    """As a rest-json service answers: the code in ``x-amzn-ErrorType``, a JSON message."""
    body = json.dumps({"message": refusal.message}).encode()
    headers = {
        "Content-Type": "application/json",
        "x-amzn-ErrorType": refusal.code,
        "x-amzn-RequestId": new_request_id(),
    }
    return refusal.status, headers, body


def _refusal_as_gate(refusal: Refused) -> Answer:
    """A request refused before its path was looked at: readable by SDKs (the code in
    ``x-amzn-ErrorType``) and by people (``code`` and ``message``)."""
    status, headers, _ = _refusal_as_json(refusal)
    return status, headers, json.dumps({"code": refusal.code, "message": refusal.message}).encode()


def _refusal_as_control(refusal: Refused) -> Answer:
    body = json.dumps({"code": refusal.code, "message": refusal.message}).encode()
    return refusal.status, {"Content-Type": "application/json"}, body


#: S3's codes and wording for the transport's refusals of a presigned-URL request.
_S3_REFUSALS = {
    408: (
        400,
        "RequestTimeout",
        "Your socket connection to the server was not read from or written to within the "
        "timeout period. Idle connections will be closed.",
    ),
    411: (411, "MissingContentLength", None),
    413: (413, "EntityTooLarge", None),
    501: (
        501,
        "NotImplemented",
        "A header you provided implies functionality that is not implemented.",
    ),
}


def _refusal_as_s3(refusal: Refused) -> Answer:
    status, code, message = _S3_REFUSALS.get(refusal.status, (refusal.status, "", None))
    status, headers, text = s3_error(status, code or "InvalidRequest", message or refusal.message)
    return status, headers, text.encode()


def warn_if_exposed(server: ImportmockServer, stream: Any = None) -> bool:
    """Say loudly when the server is reachable from other machines; True if it is."""
    if server.loopback_only:
        return False
    stream = stream or sys.stderr
    line = "!" * 78
    names = ", ".join(sorted(server.gate.allowed_hosts - {"*"})) or "none"
    stream.write(
        f"{line}\n"
        f"WARNING: importmock is listening on {server.server_address[0]!s}, not loopback.\n"
        f"Anyone who can reach this machine can call it and its controller (reset, "
        f"put_object, ...).\nIt has no real security: bind to 127.0.0.1 unless you need "
        f"otherwise.\nIt answers requests addressed to its IP addresses, loopback names and "
        f"these names: {names};\nfor another name, add --allow-host NAME.\n{line}\n"
    )
    stream.flush()
    return True

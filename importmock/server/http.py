"""The HTTP server: one mock session served to any SDK over loopback.

Every request takes one of three paths, chosen by its URL path before its body is read:

- ``/_importmock/s3/...``: a presigned URL the mock minted (uploads, reports, exports);
- ``/_importmock/...``: the controller (:mod:`importmock.server.control`);
- anything else: an AWS API call, routed by its SigV4 scope and path
  (:mod:`importmock.server.services`) and answered by the same pipeline as in-process
  (:meth:`MockSession.answer`).

Threads: one per connection (``ThreadingHTTPServer``); the session's lock serialises the
backends, as it does for threads sharing an in-process mock. A connection that is slow,
dropped or oversized costs only its own thread, and is closed.
"""

from __future__ import annotations

import json
import logging
import socket
import sys
import time
import traceback
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from importmock.engine.presigned import SERVED_PREFIX, s3_error, served_from
from importmock.engine.session import MockSession, new_request_id
from importmock.engine.sigv4 import SignatureError, scope_of, verify
from importmock.server import control, services

log = logging.getLogger("importmock.server")

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_MAX_BODY_BYTES = 128 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 60.0
Answer = tuple[int, dict[str, str], bytes]


class _Closed(Exception):
    """The client went away (or stalled) mid-request: nothing can be answered."""


class _Refused(Exception):
    """A request refused before it reached a service, answered in its path's form."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Headers(Mapping[str, str]):
    """A request's headers, looked up case-insensitively; repeated ones joined by commas
    (as SigV4 canonicalises them)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._values: dict[str, str] = {}
        self._names: dict[str, str] = {}
        for name, value in pairs:
            lowered = name.lower()
            if lowered in self._values:
                self._values[lowered] += "," + value
            else:
                self._values[lowered] = value
                self._names[lowered] = name

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()]

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return self._values.get(name.lower(), default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.values())

    def __len__(self) -> int:
        return len(self._values)


class _WireRequest:
    """A request as the presigned-URL server reads it (``method``, ``url``, ...)."""

    def __init__(self, method: str, url: str, headers: Headers, body: bytes) -> None:
        self.method, self.url, self.headers, self.body = method, url, headers, body


class ImportmockServer(ThreadingHTTPServer):
    """Serves one :class:`MockSession` over HTTP; see :func:`importmock.server.serve`."""

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
        presigned_only: bool = False,
        **session_options: Any,
    ) -> None:
        import importmock.services  # noqa: F401 - registers every backend

        if strict_signatures and not credentials:
            raise ValueError(
                "strict signature checking needs credentials: a dict of access key id to "
                "secret access key"
            )
        if max_body_bytes < 1:
            raise ValueError(f"max_body_bytes must be at least 1; got {max_body_bytes!r}")
        if timeout <= 0:
            raise ValueError(f"timeout must be a number of seconds > 0; got {timeout!r}")
        self.session = session if session is not None else MockSession(**session_options)
        self.credentials = dict(credentials or {})
        self.strict_signatures = strict_signatures
        self.max_body_bytes = max_body_bytes
        self.connection_timeout = timeout
        #: Serve only minted URLs (an in-process mock's loopback server: its API and
        #: controller stay in-process, out of reach of other local processes).
        self.presigned_only = presigned_only
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)

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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: SDKs reuse their connections
    # Headers and body go out in two writes: without TCP_NODELAY the body waits for the
    # client's delayed ACK of the headers, 40 ms per call on a kept-alive connection.
    disable_nagle_algorithm = True
    server: ImportmockServer

    def version_string(self) -> str:
        return "importmock"

    def setup(self) -> None:
        # StreamRequestHandler applies `timeout` to the socket: a silent client is dropped.
        self.timeout = self.server.connection_timeout  # type: ignore[misc]
        super().setup()

    def do_GET(self) -> None:
        self._serve()

    do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_GET

    # -- one request -------------------------------------------------------------------
    def _serve(self) -> None:
        started = time.perf_counter()
        split = urlsplit(self.path)
        path, query = split.path or "/", split.query
        headers = Headers(list(self.headers.items()))
        answer_refusal = _refusal_as_json
        try:
            if path.startswith(SERVED_PREFIX):
                answer_refusal = _refusal_as_s3
                status, out, body = self._presigned(path, query, headers)
            elif self.server.presigned_only:
                raise _Refused(404, "NotFound", f"importmock serves only minted URLs here: {path}")
            elif path.startswith(control.PREFIX):
                answer_refusal = _refusal_as_control
                payload = self._body(headers)
                name = path[len(control.PREFIX) :]
                status, out, body = control.handle(
                    self.server.session, self.command, name, headers.get("Content-Type"), payload
                )
            else:
                status, out, body = self._api_call(path, query, headers)
        except _Closed as why:
            log.info("%s %s: connection closed: %s", self.command, self.path, why)
            self.close_connection = True
            return
        except _Refused as refusal:
            status, out, body = answer_refusal(refusal)
            # An unread (oversized or unreadable) body must not be taken for a next request.
            self.close_connection = True
        except Exception as error:  # a bug in importmock: answer it, keep serving
            log.error("%s %s failed:\n%s", self.command, self.path, traceback.format_exc())
            status, out, body = _refusal_as_json(
                _Refused(500, "InternalFailure", f"importmock failed: {error}")
            )
        # Logged before the answer goes out, so a client holding its answer can rely on
        # the line being written (and a Ctrl-C right after cannot lose it).
        log.info(
            "%s %s -> %s (%.1f ms)",
            self.command,
            path,
            status,
            (time.perf_counter() - started) * 1000,
        )
        self._send(status, out, body)

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
                raise _Refused(error.status, error.code, error.message) from None
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

    def _presigned(self, path: str, query: str, headers: Headers) -> Answer:
        payload = self._body(headers)
        url = _url(self._origin(headers), path, query)
        status, out, body = self.server.session.serve_url(
            _WireRequest(self.command, url, headers, payload)
        )
        return status, out, body if isinstance(body, bytes) else str(body).encode()

    def _origin(self, headers: Headers) -> str:
        """``http://host:port`` as the client addressed this server."""
        return "http://" + (headers.get("Host") or urlsplit(self.server.url).netloc)

    # -- reading and writing -----------------------------------------------------------
    def _body(self, headers: Headers) -> bytes:
        limit = self.server.max_body_bytes
        if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
            return self._chunked_body(limit)
        declared = headers.get("Content-Length")
        if declared is None:
            return b""
        if not declared.strip().isdigit():
            raise _Refused(400, "BadRequest", f"Content-Length is not a number: {declared!r}")
        length = int(declared)
        if length > limit:
            raise _Refused(
                413,
                "RequestEntityTooLargeException",
                f"the request body has {length} bytes; this server takes at most {limit}",
            )
        return self._read(length)

    def _chunked_body(self, limit: int) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self._readline()
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise _Refused(400, "BadRequest", "malformed chunked body") from None
            if size == 0:
                while self._readline().strip():  # trailers
                    pass
                return b"".join(parts)
            total += size
            if total > limit:
                raise _Refused(
                    413,
                    "RequestEntityTooLargeException",
                    f"the request body has more than {limit} bytes, the most this server takes",
                )
            parts.append(self._read(size))
            self._readline()

    def _read(self, length: int) -> bytes:
        try:
            data = self.rfile.read(length)
        except (TimeoutError, OSError) as error:
            raise _Closed(f"reading the body: {error}") from None
        if len(data) < length:
            raise _Closed(f"the client sent {len(data)} of {length} body bytes, then hung up")
        return data

    def _readline(self) -> bytes:
        try:
            line = self.rfile.readline(65537)
        except (TimeoutError, OSError) as error:
            raise _Closed(f"reading the body: {error}") from None
        if not line:
            raise _Closed("the client hung up inside a chunked body")
        return line

    def _send(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        try:
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
        try:
            self.send_response(code, message)
            body = json.dumps({"code": "BadRequest", "message": text}).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)


def _url(origin: str, path: str, query: str) -> str:
    return f"{origin}{path}?{query}" if query else f"{origin}{path}"


def _check_json_body(headers: Headers) -> None:
    """A body of a rest-json API call must be declared JSON, as Smithy's servers require."""
    content_type = headers.get("Content-Type")
    if content_type is None:
        return  # curl and hand-made requests often omit it; the body is still parsed
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.startswith("application/x-amz-json"):
        raise _Refused(
            415,
            "UnsupportedMediaTypeException",
            f"the body of this API call must be JSON (Content-Type: application/json), "
            f"not {content_type}",
        )


def _refusal_as_json(refusal: _Refused) -> Answer:
    """As a rest-json service answers: the code in ``x-amzn-ErrorType``, a JSON message."""
    body = json.dumps({"message": refusal.message}).encode()
    headers = {
        "Content-Type": "application/json",
        "x-amzn-ErrorType": refusal.code,
        "x-amzn-RequestId": new_request_id(),
    }
    return refusal.status, headers, body


def _refusal_as_control(refusal: _Refused) -> Answer:
    body = json.dumps({"code": refusal.code, "message": refusal.message}).encode()
    return refusal.status, {"Content-Type": "application/json"}, body


def _refusal_as_s3(refusal: _Refused) -> Answer:
    code = "EntityTooLarge" if refusal.status == 413 else "InvalidRequest"
    status, headers, text = s3_error(refusal.status, code, refusal.message)
    return status, headers, text.encode()


def warn_if_exposed(server: ImportmockServer, stream: Any = None) -> bool:
    """Say loudly when the server is reachable from other machines; True if it is."""
    if server.loopback_only:
        return False
    stream = stream or sys.stderr
    line = "!" * 78
    stream.write(
        f"{line}\n"
        f"WARNING: importmock is listening on {server.server_address[0]!s}, not loopback.\n"
        f"Anyone who can reach this machine can call it and its controller (reset, "
        f"put_object, ...).\nIt has no real security: bind to 127.0.0.1 unless you need "
        f"otherwise.\n{line}\n"
    )
    stream.flush()
    return True

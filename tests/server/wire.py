"""Raw HTTP/1.1 over sockets, for tests that send what no HTTP library would."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from typing import Any

from importmock.server import RunningServer

WAIT_SECONDS = 10  # an upper bound for events that take milliseconds


@dataclass
class Answer:
    """One HTTP response as it came off the wire."""

    status_line: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def status(self) -> int:
        return int(self.status_line.split(" ")[1])

    def json(self) -> Any:
        return json.loads(self.body)


def address(server: RunningServer) -> tuple[str, int]:
    host, port = server.server.server_address[:2]
    return str(host), int(port)


def connect(server: RunningServer | tuple[str, int]) -> socket.socket:
    where = address(server) if isinstance(server, RunningServer) else server
    return socket.create_connection(where, timeout=WAIT_SECONDS)


def read_to_end(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk


def exchange(server: RunningServer | tuple[str, int], data: bytes) -> bytes:
    """Send raw bytes on a new connection; everything the server answers until it closes."""
    with connect(server) as sock:
        sock.sendall(data)
        return read_to_end(sock)


def answers(data: bytes) -> list[Answer]:
    """The responses in ``data``, each framed by its Content-Length."""
    found = []
    while data:
        head, separator, rest = data.partition(b"\r\n\r\n")
        assert separator, f"an incomplete response: {data[:200]!r}"
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        found.append(Answer(status_line, headers, rest[:length]))
        data = rest[length:]
    return found


def only_answer(data: bytes) -> Answer:
    """The one response in ``data`` (a second one would have been smuggled in)."""
    found = answers(data)
    assert len(found) == 1, [answer.status_line for answer in found]
    return found[0]


def read_answer(sock: socket.socket) -> Answer:
    """Read one response from a kept-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed after {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int(answers(head + b"\r\n\r\n")[0].headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed inside a body"
        rest += chunk
    return answers(head + b"\r\n\r\n" + rest[:length])[0]


def request(
    method: str,
    path: str,
    *,
    host: str = "127.0.0.1",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    close: bool = True,
) -> bytes:
    """A well-formed request; ``Content-Length`` is set for ``body``."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    if close:
        lines.append("Connection: close")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")

"""A socket-level audit of the whole process, below every HTTP library.

The guard is a ``sys.addaudithook`` hook. CPython raises an audit event before each socket
operation (``socket.__new__``, ``socket.connect`` for both ``connect`` and ``connect_ex``,
``socket.getaddrinfo``, ``socket.gethostbyname`` for ``gethostbyname`` and
``gethostbyname_ex``, ``socket.sendto``, ...). Inside ``recording()`` the hook keeps every
``socket.*`` event and raises :class:`NetworkUse` for those that resolve names or reach a
peer, before the operation runs, so even a bug cannot reach the network. Audit hooks
cannot be removed, so the hook is installed once per process and does nothing unless
recording. ``recording(allow_loopback=True)`` lets loopback connections through (and
records them), for tests of the loopback upload server.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: Events that resolve a name or reach a peer: the hook raises on them while recording.
NETWORK_EVENTS = frozenset(
    {
        "socket.connect",  # socket.connect() and socket.connect_ex()
        "socket.getaddrinfo",
        "socket.gethostbyname",  # gethostbyname() and gethostbyname_ex()
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.sendto",
        "socket.sendmsg",
    }
)


class NetworkUse(Exception):
    """Raised by the guard's audit hook. Not an OSError, so no library retries it."""


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})

_HOOK_INSTALLED = False
_recording = False
_allow_loopback = False
_events: list[tuple[str, tuple[Any, ...]]] = []
_events_lock = threading.Lock()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _recording or not event.startswith("socket."):
        return
    # the socket object itself is left out: keeping it would keep it alive
    kept = tuple(arg for arg in args if not isinstance(arg, socket.socket))
    with _events_lock:
        _events.append((event, kept))
    if event in NETWORK_EVENTS and not (_allow_loopback and _peer(event, kept) in LOOPBACK):
        raise NetworkUse(f"{event}{kept!r}")


def _peer(event: str, args: tuple[Any, ...]) -> Any:
    """The host an event names: getaddrinfo's first argument, an address tuple's first."""
    if not args:
        return None
    first = args[0]
    if isinstance(first, tuple) and first:
        return first[0]
    return first


def _install_hook_once() -> None:
    global _HOOK_INSTALLED
    if not _HOOK_INSTALLED:
        sys.addaudithook(_audit)  # for the life of the process: hooks cannot be removed
        _HOOK_INSTALLED = True


@contextmanager
def recording(*, allow_loopback: bool = False) -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Record (and refuse network) socket events inside the block; yields the events.

    With ``allow_loopback``, names and connections on loopback are recorded but allowed.
    """
    global _recording, _allow_loopback
    _install_hook_once()
    with _events_lock:
        _events.clear()
    _recording, _allow_loopback = True, allow_loopback
    try:
        yield _events
    finally:
        _recording = _allow_loopback = False


def network_events(events: list[tuple[str, tuple[Any, ...]]]) -> list[tuple[str, Any]]:
    """The events that resolved a name or reached a peer, as (event, host)."""
    return [(event, _peer(event, args)) for event, args in events if event in NETWORK_EVENTS]

"""The network guard: while a mock is active, nothing in the process connects to AWS.

Interception answers botocore's requests and the URLs importmock mints; the guard is what
makes the promise hold by construction for everything else (a client library importmock
does not know, a bug, a raw socket). It is a ``sys.addaudithook`` hook: CPython raises an
audit event before every name resolution (``socket.getaddrinfo``, ``gethostbyname``) and
every connection (``socket.connect``, ``sendto``), in every thread and every library built
on the ``socket`` module (urllib3, http.client, httpx, aiohttp's default resolver, ...).
A resolution or connection naming an AWS host is refused with :class:`NotMockedError`
before any packet leaves, naming the host and the code that asked. A socket given a host
name (``sock.connect(("host", 443))``) resolves it before its audit event, so ``connect``,
``connect_ex`` and ``sendto`` of ``socket.socket`` are checked too, before resolving.

AWS hosts are those under the DNS suffixes of botocore's partitions (``amazonaws.com``,
``amazonaws.com.cn``, ``api.aws``, the GovCloud, ISO and European sovereign clouds, ...),
read from the installed botocore data. Loopback and every other host are untouched, so a
LocalStack or a local server keeps working.

``passthrough`` opens the guard on purpose, as moto's does: named services (their botocore
requests go where they would have gone, and their endpoint's host is let through) and URL
patterns (a host is let through when a pattern matches its root URL,
``https://host[:port]/``).

Audit hooks cannot be removed: the hook (and the socket methods' check) is installed on
the first mock start and does nothing (one set lookup per audit event) while no mock is
active.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union
from urllib.parse import urlsplit

from importmock.engine.errors import NotMockedError

PassthroughOption = Union[Mapping[str, Iterable[str]], None]

#: The audit events that name a host (as the first argument, or in an address tuple).
_GUARDED_EVENTS = frozenset(
    {
        "socket.getaddrinfo",
        "socket.gethostbyname",  # gethostbyname() and gethostbyname_ex()
        "socket.connect",  # connect() and connect_ex()
        "socket.sendto",
    }
)
_IMPORTMOCK_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Passthrough:
    """What a mock lets through on purpose (``mock_imports(passthrough=...)``)."""

    services: frozenset[str] = frozenset()
    urls: tuple[re.Pattern[str], ...] = ()
    #: hosts that passthrough services' requests went to (filled as they are sent)
    hosts: set[str] = field(default_factory=set)

    @classmethod
    def parse(cls, option: PassthroughOption) -> Passthrough:
        """Check a ``passthrough`` option; raises ``ValueError`` naming what is wrong."""
        if option is None:
            return cls()
        if not isinstance(option, Mapping) or set(option) - {"services", "urls"}:
            raise ValueError(
                'passthrough must be a dict with "services" (boto3 client names) and/or '
                f'"urls" (regular expressions); got {option!r}'
            )
        services = _strings(option.get("services", ()), "passthrough services")
        known = _client_names()
        for name in services:
            if name not in known:
                raise ValueError(f"passthrough services: {name!r} is not a boto3 client name")
        patterns = []
        for text in _strings(option.get("urls", ()), "passthrough urls"):
            try:
                patterns.append(re.compile(text))
            except re.error as error:
                raise ValueError(
                    f"passthrough urls: {text!r} is not a regular expression: {error}"
                ) from None
        return cls(frozenset(services), tuple(patterns))

    def fresh(self) -> Passthrough:
        """The same options with no host let through yet (for one activation)."""
        return Passthrough(self.services, self.urls)

    def lets_through(self, service: str, url: str) -> bool:
        """Whether a botocore request of ``service`` to ``url`` goes where it would have
        gone; if so its host is let through the guard from now on."""
        # every intercepted call asks: the common case (no passthrough) costs one lookup
        if service in self.services or (self.urls and any(p.match(url) for p in self.urls)):
            host = urlsplit(url).hostname
            if host:
                self.hosts.add(host.lower())
            return True
        return False

    def opens(self, host: str, port: Any) -> bool:
        if host in self.hosts:
            return True
        if not self.urls:
            return False
        roots = [f"{scheme}://{host}/" for scheme in ("https", "http")]
        if port not in (None, 0, "", 80, 443, "80", "443"):
            roots += [f"{scheme}://{host}:{port}/" for scheme in ("https", "http")]
        return any(p.match(root) for p in self.urls for root in roots)


def _strings(value: Any, what: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"{what} must be a list of strings; got {value!r}")
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        raise ValueError(f"{what} must be a list of strings; got {value!r}")
    return items


_cache: dict[str, Any] = {}


def _client_names() -> frozenset[str]:
    if "clients" not in _cache:
        import botocore.loaders

        names = botocore.loaders.create_loader().list_available_services("service-2")
        _cache["clients"] = frozenset(names)
    return _cache["clients"]


def aws_dns_suffixes() -> tuple[str, ...]:
    """The DNS suffixes of every AWS partition, from botocore's data (read once)."""
    if "suffixes" not in _cache:
        import botocore.loaders

        loader = botocore.loaders.create_loader()
        suffixes = {p["dnsSuffix"] for p in loader.load_data("endpoints")["partitions"]}
        try:
            for partition in loader.load_data("partitions")["partitions"]:
                outputs = partition.get("outputs", {})
                suffixes.update(
                    outputs[name] for name in ("dnsSuffix", "dualStackDnsSuffix") if name in outputs
                )
        except Exception:  # pragma: no cover - older botocore has no partitions.json
            suffixes.add("api.aws")
        _cache["suffixes"] = tuple(sorted(suffixes))
    return _cache["suffixes"]


def is_aws_host(host: str) -> bool:
    """Whether ``host`` is under an AWS partition's DNS suffix."""
    host = host.lower().rstrip(".")
    return any(host == s or host.endswith("." + s) for s in aws_dns_suffixes())


# -- the hook ----------------------------------------------------------------------------------

_active: Passthrough | None = None
_install_lock = threading.Lock()
_installed = False


def activate(passthrough: Passthrough) -> None:
    """Refuse connections to AWS hosts (but what ``passthrough`` opens) until
    :func:`deactivate`."""
    global _active, _installed
    aws_dns_suffixes()  # read botocore's data now, not inside the hook
    with _install_lock:
        if not _installed:
            sys.addaudithook(_audit)  # for the life of the process
            _guard_socket_methods()
            _installed = True
    _active = passthrough


def deactivate() -> None:
    global _active
    _active = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event not in _GUARDED_EVENTS:  # every audit event of the process comes here
        return
    if _active is not None:
        refuse_aws(*_host_and_port(event, args))


def _guard_socket_methods() -> None:
    """A socket given a host *name* (``sock.connect(("host", 443))``) resolves it inside C
    before its audit event, so the audit hook would see the name only after the DNS query
    left: these methods are checked before the name is resolved."""

    def guarded(original: Callable[..., Any], position: int) -> Callable[..., Any]:
        def method(self: socket.socket, *args: Any) -> Any:
            if _active is not None and len(args) > position:
                address = args[position]
                if isinstance(address, tuple) and len(address) >= 2:
                    refuse_aws(address[0], address[1])
            return original(self, *args)

        method.__name__ = original.__name__
        method.__doc__ = original.__doc__
        return method

    socket.socket.connect = guarded(socket.socket.connect, 0)  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded(socket.socket.connect_ex, 0)  # type: ignore[method-assign]
    # sendto(data, address) or sendto(data, flags, address): the address is last
    original_sendto = socket.socket.sendto

    def sendto(self: socket.socket, *args: Any) -> Any:
        if _active is not None and len(args) >= 2 and isinstance(args[-1], tuple):
            if len(args[-1]) >= 2:
                refuse_aws(args[-1][0], args[-1][1])
        return original_sendto(self, *args)

    socket.socket.sendto = sendto  # type: ignore[method-assign,assignment]


def refuse_aws(host: Any, port: Any) -> None:
    """Raise :class:`NotMockedError` if a mock is active and ``host`` is an AWS host it
    does not let through."""
    guard = _active
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str) or not host or guard is None or not is_aws_host(host):
        return
    if guard.opens(host.lower().rstrip("."), port):
        return
    raise NotMockedError(
        f"importmock stopped a connection to {host}{'' if port is None else f':{port}'} "
        f"({_caller()}): {host} is an AWS host, and nothing reaches AWS while a mock is "
        "active. importmock answers the clients it mocks and the URLs it mints in-process "
        "(boto3, aiobotocore, requests, urllib3, urllib.request, httpx, aiohttp); for "
        'another process or HTTP client use mock_imports(upload_urls="loopback"), and to '
        'let a service or URL through on purpose, mock_imports(passthrough={"services": '
        '[...], "urls": [...]}).'
    )


def _host_and_port(event: str, args: tuple[Any, ...]) -> tuple[Any, Any]:
    if event in ("socket.getaddrinfo", "socket.gethostbyname"):
        host = args[0] if args else None
        return host, args[1] if event == "socket.getaddrinfo" and len(args) > 1 else None
    # connect / sendto: (socket, address)
    address = args[1] if len(args) > 1 else None
    if not isinstance(address, tuple) or len(address) < 2:
        return None, None  # a Unix socket path, or nothing to go by
    return address[0], address[1]


def _caller() -> str:
    """Where the connection came from: the innermost frame of the code under test (outside
    the standard library, installed packages and importmock), and the library it went
    through."""
    import sysconfig  # only when refusing: its data costs milliseconds to load

    paths = sysconfig.get_paths()
    stdlib_dirs = (paths["stdlib"], paths["platstdlib"])
    package_dirs = (paths["purelib"], paths["platlib"])
    frame: Any = sys._getframe(1)
    library = None
    while frame is not None:
        filename = frame.f_code.co_filename
        module = str(frame.f_globals.get("__name__", "?")).split(".")[0]
        if filename.startswith(package_dirs) or filename.startswith(stdlib_dirs):
            if library is None or module not in _PLUMBING:  # the library the code called
                library = module
        elif not (filename.startswith(_IMPORTMOCK_DIR + os.sep) or filename.startswith("<")):
            where = f"from {filename}:{frame.f_lineno} in {frame.f_code.co_name}"
            return where + (f", through {library}" if library else "")
        frame = frame.f_back
    return f"through {library}" if library else "from an unknown caller"


#: Modules below the HTTP libraries, never the one to name.
_PLUMBING = frozenset({"socket", "ssl", "selectors", "asyncio", "concurrent", "threading"})

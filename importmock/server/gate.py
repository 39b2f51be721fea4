"""Who may call the server: the ``Host`` and ``Origin`` checks every request passes first.

A server on loopback is reachable from every web page in the user's browser: a page can
send requests to ``http://127.0.0.1:5050`` (it cannot read the answers), and after DNS
rebinding (a name of its own resolved to 127.0.0.1) it is same-origin with the server and
reads them. So a request is served only when it names the server by a loopback name or one
of its own addresses, and does not come from a page, unless the user allowed that name
(``--allow-host``) or that page (``--allow-origin``). docs/server-mode.md ("Threat model")
says what this covers and what it leaves open.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importmock.server.http import Headers

_HOST_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
_ORIGIN = re.compile(r"[a-z][a-z0-9+.-]*://[^/?#\s]+")
_PORT = re.compile(r"(?::[0-9]*)?")


class Refused(Exception):
    """A request refused before it reached a service, answered in its path's form."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def cut(text: str, limit: int = 200) -> str:
    """A value from the request, cut short for an error message: a header may be 64 KiB."""
    return text if len(text) <= limit else f"{text[:limit]}..."


def normalise_origin(text: str) -> str:
    """An allowed origin as browsers send it: ``scheme://host[:port]``, ``null`` or ``*``."""
    origin = text.strip().lower().removesuffix("/")
    if origin in ("*", "null") or _ORIGIN.fullmatch(origin):
        return origin
    raise ValueError(
        f"{text!r} is not an origin: scheme://host[:port] (http://localhost:3000), null or *"
    )


def normalise_host(text: str) -> str:
    """An allowed host: a name or an address, without scheme or port; or ``*``."""
    host = text.strip().lower().removesuffix(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host == "*":
        return host
    address = address_of(host)
    if address is not None:
        return str(address)
    if _HOST_NAME.fullmatch(host):
        return host
    raise ValueError(f"{text!r} is not a host name or address (give it without scheme or port)")


def is_host_name(text: str) -> bool:
    """Whether ``text`` is a DNS name (not an address)."""
    return address_of(text) is None and _HOST_NAME.fullmatch(text.lower()) is not None


def address_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``host`` as an IP address (an IPv4-mapped IPv6 one as IPv4), or None for a name."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def host_of(authority: str) -> str | None:
    """The host of ``host[:port]`` (lower case, IPv6 without brackets), or None."""
    if authority.startswith("["):
        host, closed, port = authority[1:].partition("]")
        if not closed or not _PORT.fullmatch(port) or address_of(host) is None:
            return None
    else:
        host, _, port = authority.partition(":")
        if not _PORT.fullmatch(":" + port if port else ""):
            return None
    host = host.lower().removesuffix(".")
    if not host or not (_HOST_NAME.fullmatch(host) or address_of(host) is not None):
        return None
    return host


def _listed(name: str, values: Iterable[str]) -> list[str]:
    if isinstance(values, str):  # a lone string would be taken letter by letter
        raise TypeError(f"{name} takes a list of strings, not the string {values!r}")
    return list(values)


class Gate:
    """The hosts and origins one server answers.

    ``allow_hosts`` and ``allow_origins`` are the user's additions (``*`` allows any);
    ``own_names`` are names the server is known by besides loopback ones (the name it was
    told to bind, the machine's name when bound beyond loopback).
    """

    def __init__(
        self,
        allow_hosts: Iterable[str] = (),
        allow_origins: Iterable[str] = (),
        own_names: Iterable[str] = (),
    ) -> None:
        self.allowed_origins = frozenset(
            normalise_origin(origin) for origin in _listed("allow_origins", allow_origins)
        )
        hosts = {normalise_host(name) for name in _listed("allow_hosts", allow_hosts)}
        self.allowed_hosts = frozenset(hosts | {name.lower() for name in own_names})

    def authority(
        self,
        target_authority: str,
        headers: Headers,
        http_version: str,
        reached: str | None,
    ) -> str:
        """The authority the request names (``host[:port]``), if this server may answer it.

        ``target_authority`` is that of an absolute request target (``""`` for a path);
        ``reached`` is the local address the client connected to. A web page that has
        rebound a name of its own to 127.0.0.1 reaches this server as that name, so only
        loopback names, this server's own addresses and names, and the names allowed with
        ``--allow-host`` are served.
        """
        if headers.count("Host") > 1:
            raise Refused(400, "BadRequest", "the request has more than one Host header")
        # RFC 9112, section 3.2.2: an absolute request target names the host, not Host.
        authority = target_authority or (headers.get("Host") or "").strip()
        if not authority:
            if http_version == "HTTP/1.0":
                return ""  # no Host in HTTP/1.0; no browser sends such a request
            raise Refused(400, "BadRequest", "an HTTP/1.1 request needs a Host header")
        host = host_of(authority)
        if host is None:
            raise Refused(
                400, "BadRequest", f"the Host header is not host[:port]: {cut(authority)!r}"
            )
        if not self._serves_host(host, reached):
            raise Refused(
                403,
                "HostNotAllowed",
                f"importmock does not answer requests for host {cut(host)!r}: it answers "
                "loopback names and its own addresses, so that a web page cannot reach it "
                "through a name of its own (DNS rebinding). To use that name, start the "
                f"server with --allow-host {cut(host)} (threaded_server(allow_hosts=[...]))",
            )
        return authority

    def _serves_host(self, host: str, reached: str | None) -> bool:
        allowed = self.allowed_hosts
        if "*" in allowed or host in allowed or host == "localhost" or host.endswith(".localhost"):
            return True  # RFC 6761: *.localhost names are loopback, resolved by no server
        address = address_of(host)
        if address is None:
            return False
        if address.is_loopback or str(address) in allowed:
            return True
        return reached is not None and address == address_of(reached)

    def cors_headers(self, headers: Headers) -> dict[str, str]:
        """Refuse requests from web pages not allowed with ``--allow-origin``; the CORS
        headers an allowed one's answers carry."""
        allowed = self.allowed_origins
        origin = headers.get("Origin")
        if origin is None:
            # Fetch metadata: a browser says so when another site made the request, even
            # where it sends no Origin (a cross-site image, a form GET).
            site = (headers.get("Sec-Fetch-Site") or "").strip().lower()
            if site in ("cross-site", "same-site") and "*" not in allowed:
                raise Refused(
                    403,
                    "OriginNotAllowed",
                    "importmock does not answer web pages: this request comes from another "
                    f"site (Sec-Fetch-Site: {site}). To let a page use this server, start it "
                    "with --allow-origin <its origin> (threaded_server(allow_origins=[...]))",
                )
            return {}
        if headers.count("Origin") > 1 or not ("*" in allowed or origin.strip().lower() in allowed):
            raise Refused(
                403,
                "OriginNotAllowed",
                f"importmock does not answer web pages: Origin {cut(origin)!r} is not "
                f"allowed. To let that page use this server, start it with --allow-origin "
                f"{cut(origin)} (threaded_server(allow_origins=[...]))",
            )
        return {
            "Access-Control-Allow-Origin": origin.strip(),
            "Access-Control-Expose-Headers": "*",
            "Vary": "Origin",
        }

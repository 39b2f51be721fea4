"""Minted URLs answered in-process, whatever HTTP library the code under test fetches them
with: ``requests``, ``urllib3``, ``urllib.request``, ``httpx`` (sync and async) and
``aiohttp``.

Each library is taken at the one place all its requests pass through, and only URLs the
active session minted (:data:`~importmock.engine.presigned.URL_PATTERN`) are claimed;
everything else goes on to whatever served it before (the network, a local server, moto's
own mock):

- ``urllib3``: ``HTTPConnectionPool.urlopen``, which every ``requests`` call reaches
  through its adapter, and Lambda handlers use directly. ``requests`` itself is not
  patched: a ``responses`` mock (moto's, or the user's) sits above it, so importmock never
  takes part in the order ``HTTPAdapter.send`` is patched and restored in. moto's mock is
  taught to pass our URLs down (:func:`teach_moto`); a user's is told to with
  :func:`responses_passthrough`;
- ``urllib.request``: ``AbstractHTTPHandler.do_open``, under every opener;
- ``httpx``: ``HTTPTransport.handle_request`` and ``AsyncHTTPTransport.handle_async_request``;
- ``aiohttp``: ``ClientSession._request``. aiohttp has no public way to build a response,
  so the request is sent, for real, to the session's loopback server (started on first
  use), which answers it with the same checks: the response is aiohttp's own.

Each is handed the request's headers as the library would send them, with the
``Content-Length`` it computes, or ``Transfer-Encoding: chunked`` for a body whose length
it cannot know (a generator, a file-like object without a size): S3 refuses the latter
with 411 ``MissingContentLength``, and so does :meth:`PresignedUrls.handle`, before the
body is read.

The patches go in once per process, on the first mock start, for the libraries imported by
then, and for the others as soon as they are imported; between mocks they are inert.
"""

from __future__ import annotations

import http
import http.client
import importlib.abc
import io
import sys
import threading
import urllib.response
from collections.abc import Iterable
from typing import Any, Callable
from urllib.parse import urlsplit

from importmock.engine import network_guard
from importmock.engine.presigned import (
    SERVED_URL_PATTERN,
    URL_PATTERN,
    PresignedUrls,
    served_form,
)

#: The active session's minted URLs, and where its loopback server is (started on demand).
_urls: PresignedUrls | None = None
_loopback: Callable[[], str] | None = None
_install_lock = threading.Lock()
_installed: set[str] = set()


class _Request:
    """What :meth:`PresignedUrls.handle` reads: ``method``, ``url``, ``headers``, ``body``.

    The body is read only when asked for, so an upload refused for its framing (no
    length) is refused without reading a generator or a file to its end.
    """

    def __init__(self, method: str, url: str, headers: Any, body: Any) -> None:
        self.method, self.url, self.headers = method.upper(), url, headers
        self._source = body

    @property
    def body(self) -> bytes:
        return _bytes(self._source)


def _claimed(url: str) -> PresignedUrls | None:
    """The active session's URLs, if ``url`` is one it minted."""
    urls = _urls
    if urls is not None and URL_PATTERN.match(url):
        return urls
    return None


def _answer(
    urls: PresignedUrls, method: str, url: str, headers: Any, body: Any
) -> tuple[int, dict[str, str], bytes]:
    status, out, payload = urls.handle(_Request(method, url, dict(headers or {}), body))
    return status, out, payload if isinstance(payload, bytes) else str(payload).encode()


def _bytes(body: Any) -> bytes:
    """A request body as bytes, whatever a library was given (bytes, text, file, chunks)."""
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        return _bytes(body.read())
    if isinstance(body, Iterable):
        return b"".join(_bytes(chunk) for chunk in body)
    raise TypeError(f"cannot read a request body of type {type(body).__name__}")


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


# -- requests: through urllib3, below any responses mock ------------------------------------


def responses_passthrough(mock: Any = None) -> None:
    """Let a ``responses`` mock pass the URLs importmock mints on to importmock.

    A ``responses.RequestsMock`` refuses every URL nobody registered, importmock's upload
    and download URLs included (``requests.ConnectionError: Connection refused by
    Responses``). Called with the mock (or with nothing, for the module-level mock that
    ``@responses.activate`` and ``responses.add`` use) while it is active, after any
    ``reset``, it registers a passthrough for importmock's URLs in both their forms (the
    S3-looking in-process form, and ``/_importmock/s3/`` on a loopback or importmock
    server); importmock answers them beneath ``responses``, as if it were not there.
    Passthroughs are not calls: ``assert_all_requests_are_fired`` and ``mock.calls`` are
    unaffected.
    """
    if mock is None:
        import responses

        mock = responses.mock
    mock.add_passthru(URL_PATTERN)
    mock.add_passthru(SERVED_URL_PATTERN)


def teach_moto() -> None:
    """Make moto's ``requests`` mock pass importmock's URLs down to importmock.

    moto claims every ``*.amazonaws.com`` URL, ours included; taught, it sends ours to
    ``requests``' own transport (the adapter's ``send`` from before any ``responses`` mock),
    where urllib3 hands them to importmock. Installed once on moto's (module-level,
    long-lived) mock object and inert while no importmock session is active; it survives
    moto's registry resets.
    """
    models = sys.modules.get("moto.core.models")
    moto_mock = getattr(models, "responses_mock", None) if models is not None else None
    if moto_mock is None or getattr(moto_mock, "_importmock_taught", False):
        return
    import responses

    original = moto_mock._on_request
    real_send = responses._real_send

    def on_request(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        if _urls is not None and URL_PATTERN.match(request.url or ""):
            kwargs.pop("retries", None)  # responses' own keyword, not the adapter's
            return real_send(adapter, request, *args, **kwargs)
        return original(adapter, request, *args, **kwargs)

    moto_mock._on_request = on_request
    moto_mock._importmock_taught = True


# -- urllib3 ---------------------------------------------------------------------------------


def _patch_urllib3() -> None:
    from urllib3 import HTTPResponse
    from urllib3.connectionpool import HTTPConnectionPool

    original = HTTPConnectionPool.urlopen

    def urlopen(
        self: Any, method: str, url: str, body: Any = None, headers: Any = None, **kwargs: Any
    ) -> Any:
        if _urls is not None:
            full = url if "://" in url else f"{self.scheme}://{self.host}{_port(self)}{url}"
            urls = _claimed(full)
            if urls is not None:
                framed = _framed(method, headers, body, kwargs.get("chunked", False))
                status, out, payload = _answer(urls, method, full, framed, body)
                return HTTPResponse(
                    body=io.BytesIO(payload),
                    headers=out,
                    status=status,
                    reason=_reason(status),
                    preload_content=kwargs.get("preload_content", True),
                    decode_content=kwargs.get("decode_content", True),
                    request_method=method,
                    request_url=full,
                )
        return original(self, method, url, body, headers, **kwargs)

    HTTPConnectionPool.urlopen = urlopen  # type: ignore[method-assign,assignment]


def _framed(method: str, headers: Any, body: Any, chunked: bool) -> dict[str, str]:
    """``headers`` as urllib3 sends them: with the ``Content-Length`` it works out, or
    ``Transfer-Encoding: chunked`` for a body whose length it cannot know.

    The same choice as urllib3's (``chunked=True``, else the caller's own framing header,
    else the body's type; ``requests`` passes ``chunked=True`` for a body it cannot size).
    """
    framed = dict(headers or {})
    names = {name.lower() for name in framed}
    if chunked:
        if "transfer-encoding" not in names:
            framed["Transfer-Encoding"] = "chunked"
    elif not names & {"content-length", "transfer-encoding"}:
        length = _known_length(method, body)
        if length is not None:
            framed["Content-Length"] = str(length)
        elif body is not None:
            framed["Transfer-Encoding"] = "chunked"
    return framed


def _known_length(method: str, body: Any) -> int | None:
    """The length urllib3 would declare for ``body`` (None: it streams it chunked)."""
    if body is None:
        return None if method.upper() in ("GET", "HEAD", "DELETE", "OPTIONS", "TRACE") else 0
    if isinstance(body, str):
        return len(body.encode("utf-8"))
    if isinstance(body, (bytes, bytearray)):
        return len(body)
    if hasattr(body, "read"):
        return None
    try:
        return memoryview(body).nbytes
    except TypeError:
        return None


def _port(pool: Any) -> str:
    default = 443 if pool.scheme == "https" else 80
    return "" if pool.port in (None, default) else f":{pool.port}"


# -- urllib.request --------------------------------------------------------------------------


def _patch_urllib_request() -> None:
    from urllib.request import AbstractHTTPHandler

    original = AbstractHTTPHandler.do_open

    def do_open(self: Any, http_class: Any, request: Any, **kwargs: Any) -> Any:
        urls = _claimed(request.full_url) if _urls is not None else None
        if urls is None:
            return original(self, http_class, request, **kwargs)
        method = request.get_method()
        # The request handler has added Content-Length or Transfer-Encoding for a body;
        # http.client adds Content-Length: 0 to a PUT without one.
        framed = _framed(method, request.header_items(), request.data, chunked=False)
        status, out, payload = _answer(urls, method, request.full_url, framed, request.data)
        message = http.client.HTTPMessage()
        for name, value in out.items():
            message[name] = value
        response = urllib.response.addinfourl(
            io.BytesIO(payload), message, request.full_url, status
        )
        response.msg = _reason(status)  # type: ignore[attr-defined] # read by HTTPErrorProcessor
        return response

    AbstractHTTPHandler.do_open = do_open  # type: ignore[method-assign,assignment]


# -- httpx -----------------------------------------------------------------------------------


def _patch_httpx() -> None:
    import httpx

    sync_original = httpx.HTTPTransport.handle_request
    async_original = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(self: Any, request: httpx.Request) -> httpx.Response:
        urls = _claimed(str(request.url)) if _urls is not None else None
        if urls is None:
            return sync_original(self, request)
        return _httpx_response(urls, request, request.read())

    async def handle_async_request(self: Any, request: httpx.Request) -> httpx.Response:
        urls = _claimed(str(request.url)) if _urls is not None else None
        if urls is None:
            return await async_original(self, request)
        return _httpx_response(urls, request, await request.aread())

    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]


def _httpx_response(urls: PresignedUrls, request: Any, body: bytes) -> Any:
    import httpx

    status, out, payload = _answer(urls, request.method, str(request.url), request.headers, body)
    return httpx.Response(status, headers=out, content=payload, request=request)


# -- aiohttp ---------------------------------------------------------------------------------


def _patch_aiohttp() -> None:
    from aiohttp import ClientSession

    original = ClientSession._request

    async def _request(self: Any, method: str, str_or_url: Any, *args: Any, **kwargs: Any) -> Any:
        loopback = _loopback
        if loopback is not None:
            url = str(str_or_url)
            if _claimed(url) is not None:
                str_or_url = served_form(url, loopback())
            else:
                # aiohttp may resolve names with aiodns, out of the guard's sight: the host
                # is checked here, before resolution
                parts = urlsplit(url)
                network_guard.refuse_aws(parts.hostname, parts.port)
        return await original(self, method, str_or_url, *args, **kwargs)

    ClientSession._request = _request  # type: ignore[method-assign]


# -- installing ------------------------------------------------------------------------------

#: module whose import makes a patch possible -> the patch
_PATCHES: dict[str, Callable[[], None]] = {
    "urllib3": _patch_urllib3,
    "urllib.request": _patch_urllib_request,
    "httpx": _patch_httpx,
    "aiohttp": _patch_aiohttp,
}


def _install(name: str) -> None:
    with _install_lock:
        if name in _installed:
            return
        _installed.add(name)
        _PATCHES[name]()


class _PatchWhenImported(importlib.abc.MetaPathFinder):
    """Patches a library the moment it is first imported (after the first mock start), so
    code that imports httpx or aiohttp inside the test is covered too."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name not in _PATCHES or name in _installed:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        load = loader.exec_module

        def exec_module(module: Any) -> None:
            load(module)
            _install(name)

        loader.exec_module = exec_module  # type: ignore[method-assign] # this spec's loader
        return spec


_finder = _PatchWhenImported()


def start(urls: PresignedUrls, loopback: Callable[[], str]) -> None:
    """Claim ``urls``' minted URLs in every HTTP library until :func:`stop`."""
    global _urls, _loopback
    for name in _PATCHES:
        if name in sys.modules:
            _install(name)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
    _urls, _loopback = urls, loopback
    teach_moto()


def stop() -> None:
    global _urls, _loopback
    _urls = _loopback = None

"""Minted URLs answered in-process, whatever HTTP library the code under test fetches them
with: ``requests``, ``urllib3``, ``urllib.request``, ``httpx`` (sync and async) and
``aiohttp``.

Each library is taken at the one place all its requests pass through, and only URLs the
active session minted (:data:`~importmock.engine.presigned.URL_PATTERN`) are claimed;
everything else goes on to whatever served it before (the network, a local server, moto's
own mock):

- ``requests``: a ``responses`` mock whose every other URL passes through to the adapter
  that was there before; moto's mock, when it starts after ours, is taught to hand our URLs
  back (:func:`teach_moto`), so they work in either nesting order;
- ``urllib3``: ``HTTPConnectionPool.urlopen`` (Lambda handlers use urllib3 directly);
- ``urllib.request``: ``AbstractHTTPHandler.do_open``, under every opener;
- ``httpx``: ``HTTPTransport.handle_request`` and ``AsyncHTTPTransport.handle_async_request``;
- ``aiohttp``: ``ClientSession._request``. aiohttp has no public way to build a response,
  so the request is sent, for real, to the session's loopback server (started on first
  use), which answers it with the same checks: the response is aiohttp's own.

The patches go in once per process, on the first mock start, for the libraries imported by
then, and for the others as soon as they are imported; between mocks they are inert.
"""

from __future__ import annotations

import http
import http.client
import importlib.abc
import io
import re
import sys
import threading
import urllib.response
from collections.abc import Iterable
from typing import Any, Callable
from urllib.parse import urlsplit

from importmock.engine import network_guard
from importmock.engine.presigned import URL_PATTERN, PresignedUrls, served_form

_METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")

#: The active session's minted URLs, and where its loopback server is (started on demand).
_urls: PresignedUrls | None = None
_loopback: Callable[[], str] | None = None
_requests_mock: Any = None
_install_lock = threading.Lock()
_installed: set[str] = set()


class _Request:
    """What :meth:`PresignedUrls.handle` reads: ``method``, ``url``, ``headers``, ``body``."""

    def __init__(self, method: str, url: str, headers: Any, body: bytes) -> None:
        self.method, self.url, self.headers, self.body = method.upper(), url, headers, body


def _claimed(url: str) -> PresignedUrls | None:
    """The active session's URLs, if ``url`` is one it minted."""
    urls = _urls
    if urls is not None and URL_PATTERN.match(url):
        return urls
    return None


def _answer(
    urls: PresignedUrls, method: str, url: str, headers: Any, body: Any
) -> tuple[int, dict[str, str], bytes]:
    status, out, payload = urls.handle(_Request(method, url, dict(headers or {}), _bytes(body)))
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


# -- requests, through responses ----------------------------------------------------------


def _start_requests() -> Any:
    import responses
    from requests.adapters import HTTPAdapter

    mock = responses.RequestsMock(
        assert_all_requests_are_fired=False,
        real_adapter_send=HTTPAdapter.send,  # type: ignore[arg-type]
    )

    def callback(request: Any) -> tuple[int, dict[str, str], bytes]:
        urls = _urls
        assert urls is not None  # the mock is stopped before _urls is cleared
        return _answer(urls, request.method, request.url, request.headers, request.body)

    for method in _METHODS:
        mock.add(responses.CallbackResponse(method, url=URL_PATTERN, callback=callback))
    mock.add_passthru(re.compile(".*"))
    mock.start()
    return mock


def teach_moto() -> None:
    """Make moto's ``requests`` mock pass importmock's URLs to importmock.

    Installed once on moto's (module-level, long-lived) mock object and inert while no
    importmock session is active; it survives moto's registry resets.
    """
    models = sys.modules.get("moto.core.models")
    moto_mock = getattr(models, "responses_mock", None) if models is not None else None
    if moto_mock is None or getattr(moto_mock, "_importmock_taught", False):
        return
    original = moto_mock._on_request

    def on_request(adapter: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        ours = _requests_mock
        if ours is not None and URL_PATTERN.match(request.url or ""):
            return ours._on_request(adapter, request, *args, **kwargs)
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
                status, out, payload = _answer(urls, method, full, headers, body)
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
        status, out, payload = _answer(
            urls, request.get_method(), request.full_url, request.header_items(), request.data
        )
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
    global _urls, _loopback, _requests_mock
    for name in _PATCHES:
        if name in sys.modules:
            _install(name)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
    _urls, _loopback = urls, loopback
    _requests_mock = _start_requests()
    teach_moto()


def stop() -> None:
    global _urls, _loopback, _requests_mock
    if _requests_mock is not None:
        _requests_mock.stop(allow_assert=False)
    _urls = _loopback = _requests_mock = None

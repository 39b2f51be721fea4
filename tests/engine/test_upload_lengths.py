"""Uploads to minted URLs must declare their length, as S3's PutObject requires (issue 14,
item 12, in-process).

A body whose length the HTTP library cannot know (a generator, a file-like object without
a size, an explicitly chunked request) goes out with ``Transfer-Encoding: chunked``, and
S3 answers 411 ``MissingContentLength``, "You must provide the Content-Length HTTP
header." A body of known length (bytes, a real file ``requests`` and ``httpx`` measure, a
file sent with its ``Content-Length``, an empty body) is taken. Each library is used as
user code uses it; aiohttp's requests are answered by the mock's loopback server, every
other library's in-process.
"""

from __future__ import annotations

import asyncio
import io
import re
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import httpx
import pytest
import requests
import urllib3

from importmock import mock_imports
from tests.helpers import csv_text, make_client, make_kb

SOURCE = csv_text(["name", "content"], ["Hello", "Hi there!"]).encode()
MISSING_LENGTH = "You must provide the Content-Length HTTP header."


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiohttp's requests go straight to the loopback server, whatever the machine's proxy."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def source_file(tmp_path: Path) -> Path:
    path = tmp_path / "quick-responses.csv"
    path.write_bytes(SOURCE)
    return path


def chunks() -> Iterator[bytes]:
    """The file as a generator: its length is known only once it has been read."""
    half = len(SOURCE) // 2
    yield SOURCE[:half]
    yield SOURCE[half:]


async def async_chunks() -> AsyncIterator[bytes]:
    for chunk in chunks():
        yield chunk


class UnsizedReader:
    """A file-like object with nothing to measure it by: no len, no fileno, no seek."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)


# Each upload: (url, headers, the file on disk) -> (status, body)
Upload = Callable[[str, dict[str, str], Path], tuple[int, bytes]]
# What to send, given the file opened for reading.
Body = Callable[[BinaryIO], Any]


def _requests(body: Body) -> Upload:
    def upload(url: str, headers: dict[str, str], path: Path) -> tuple[int, bytes]:
        with path.open("rb") as opened:
            response = requests.put(url, data=body(opened), headers=headers)
        return response.status_code, response.content

    return upload


def _with_length(headers: dict[str, str], path: Path, sized: bool) -> dict[str, str]:
    return {**headers, "Content-Length": str(path.stat().st_size)} if sized else headers


def _urllib3(body: Body, chunked: bool = False, sized: bool = False) -> Upload:
    def upload(url: str, headers: dict[str, str], path: Path) -> tuple[int, bytes]:
        with path.open("rb") as opened:
            response = urllib3.PoolManager().request(
                "PUT",
                url,
                body=body(opened),
                headers=_with_length(headers, path, sized),
                chunked=chunked,
            )
        return response.status, response.data

    return upload


def _urllib_request(body: Body, sized: bool = False) -> Upload:
    def upload(url: str, headers: dict[str, str], path: Path) -> tuple[int, bytes]:
        with path.open("rb") as opened:
            request = urllib.request.Request(
                url, data=body(opened), headers=_with_length(headers, path, sized), method="PUT"
            )
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as error:  # 4xx arrive as an exception
                return error.code, error.read()

    return upload


def _httpx(body: Body) -> Upload:
    def upload(url: str, headers: dict[str, str], path: Path) -> tuple[int, bytes]:
        with path.open("rb") as opened, httpx.Client() as client:
            response = client.put(url, content=body(opened), headers=headers)
        return response.status_code, response.content

    return upload


def _httpx_async(url: str, headers: dict[str, str], path: Path) -> tuple[int, bytes]:
    async def put() -> tuple[int, bytes]:
        async with httpx.AsyncClient() as client:
            response = await client.put(url, content=async_chunks(), headers=headers)
        return response.status_code, response.content

    return asyncio.run(put())


def _aiohttp(url: str, headers: dict[str, str], path: Path) -> tuple[int, bytes]:
    aiohttp = pytest.importorskip("aiohttp")

    async def put() -> tuple[int, bytes]:
        async with aiohttp.ClientSession() as session:
            async with session.put(url, data=async_chunks(), headers=headers) as response:
                return response.status, await response.read()

    return asyncio.run(put())


UNKNOWN_LENGTH: dict[str, Upload] = {
    "requests-generator": _requests(lambda opened: chunks()),
    "requests-unsized-reader": _requests(lambda opened: UnsizedReader(SOURCE)),
    "urllib3-generator": _urllib3(lambda opened: chunks()),
    "urllib3-chunked-bytes": _urllib3(lambda opened: SOURCE, chunked=True),
    "urllib3-file": _urllib3(lambda opened: opened),  # streamed unless told its length
    "urllib.request-generator": _urllib_request(lambda opened: chunks()),
    "urllib.request-file": _urllib_request(lambda opened: opened),  # streamed too
    "httpx-generator": _httpx(lambda opened: chunks()),
    "httpx-async-generator": _httpx_async,
    "aiohttp-async-generator": _aiohttp,
}

KNOWN_LENGTH: dict[str, Upload] = {
    "requests-bytes": _requests(lambda opened: SOURCE),
    "requests-file": _requests(lambda opened: opened),  # requests measures an open file
    "requests-bytesio": _requests(lambda opened: io.BytesIO(SOURCE)),
    "urllib3-bytes": _urllib3(lambda opened: SOURCE),
    "urllib3-file-with-its-length": _urllib3(lambda opened: opened, sized=True),
    "urllib.request-bytes": _urllib_request(lambda opened: SOURCE),
    "urllib.request-file-with-its-length": _urllib_request(lambda opened: opened, sized=True),
    "httpx-file": _httpx(lambda opened: opened),  # httpx measures an open file
}


def start_upload(client: Any) -> tuple[str, dict[str, Any]]:
    kb_id = make_kb(client)
    return kb_id, client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")


def import_status(client: Any, kb_id: str, upload_id: str) -> str:
    job = client.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload_id
    )["importJob"]
    return client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])[
        "importJob"
    ]["status"]


def s3_error(body: bytes) -> tuple[str, str]:
    found = re.search(rb"<Code>([^<]*)</Code><Message>([^<]*)</Message>", body)
    assert found, body
    return found.group(1).decode(), found.group(2).decode()


@pytest.mark.parametrize("name", list(UNKNOWN_LENGTH))
def test_an_upload_of_unknown_length_is_411_missing_content_length(
    name: str, source_file: Path
) -> None:
    with mock_imports():
        client = make_client()
        kb_id, upload = start_upload(client)
        status, body = UNKNOWN_LENGTH[name](upload["url"], upload["headersToInclude"], source_file)
        assert (status, s3_error(body)) == (411, ("MissingContentLength", MISSING_LENGTH))
        assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error>')

        # nothing was stored: the same URL then takes the file with its length
        status, body = KNOWN_LENGTH["requests-bytes"](
            upload["url"], upload["headersToInclude"], source_file
        )
        assert (status, body) == (200, b"")
        assert import_status(client, kb_id, upload["uploadId"]) == "COMPLETE"


@pytest.mark.parametrize("name", list(KNOWN_LENGTH))
def test_an_upload_of_known_length_is_taken(name: str, source_file: Path) -> None:
    with mock_imports():
        client = make_client()
        kb_id, upload = start_upload(client)
        status, body = KNOWN_LENGTH[name](upload["url"], upload["headersToInclude"], source_file)
        assert (status, body) == (200, b"")
        assert import_status(client, kb_id, upload["uploadId"]) == "COMPLETE"


@pytest.mark.parametrize("library", ["requests", "urllib3", "urllib.request", "httpx"])
def test_an_empty_upload_declares_length_zero_and_is_taken(library: str) -> None:
    """An empty PUT goes out with Content-Length: 0 from every library: S3 stores the
    empty object (and the import then finds an empty file)."""
    with mock_imports():
        client = make_client()
        kb_id, upload = start_upload(client)
        url, headers = upload["url"], upload["headersToInclude"]
        if library == "requests":
            status = requests.put(url, headers=headers).status_code
        elif library == "urllib3":
            status = urllib3.PoolManager().request("PUT", url, headers=headers).status
        elif library == "urllib.request":
            request = urllib.request.Request(url, headers=headers, method="PUT")
            with urllib.request.urlopen(request) as response:
                status = response.status
        else:
            status = httpx.put(url, headers=headers).status_code
        assert status == 200
        assert import_status(client, kb_id, upload["uploadId"]) == "FAILED"

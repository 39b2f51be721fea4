"""Helpers shared by the importmock test suite.

Every helper goes through real boto3 clients and ``requests``; none touches importmock
internals. They only work while a mock is active (decorator, context manager or the
``importmock`` fixture).

- ``make_client(service="qconnect", region="us-east-1", **kw)``: the same as a plain function.
- ``make_kb(client, name=None, kb_type="QUICK_RESPONSES") -> knowledgeBaseId``.
- ``upload_csv(client, kb_id, text) -> uploadId``: StartContentUpload, then PUT ``text`` to
  the presigned URL with its ``headersToInclude`` (asserts HTTP 200).
- ``start_import(client, kb_id, text, **kw) -> importJob dict``: upload + StartImportJob.
- ``csv_text(header, *rows) -> str``: an RFC 4180 CSV (quoting as needed, CRLF line ends).
- ``error_of(client_error) -> (code, message, HTTP status)``.
- ``session_client(service, region="us-east-1", **kw)``: a client from one boto3 Session
  shared by the whole run (models load once).
- ``both_mocks(moto_outside)``: moto's ``mock_aws`` and ``mock_imports`` nested either way;
  yields the controller.
- ``rewrite_body(client, rewrite)``: every request ``client`` sends carries
  ``rewrite(serialised body)`` instead, as another SDK or a hand-made request could send.

Test modules import them with ``from tests.helpers import make_kb, upload_csv``.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

REGION = "us-east-1"

_names = itertools.count(1)


def make_client(service: str = "qconnect", region: str = REGION, **kwargs: Any) -> Any:
    """A real boto3 client for ``service`` (``qconnect`` or ``wisdom`` usually)."""
    return boto3.client(service, region_name=region, **kwargs)


def make_kb(client: Any, name: str | None = None, kb_type: str = "QUICK_RESPONSES") -> str:
    """Create a knowledge base and return its ``knowledgeBaseId``."""
    if name is None:
        name = f"kb-{next(_names)}"
    response = client.create_knowledge_base(name=name, knowledgeBaseType=kb_type)
    return response["knowledgeBase"]["knowledgeBaseId"]


def upload_csv(client: Any, kb_id: str, text: str | bytes, **start_kwargs: Any) -> str:
    """Upload ``text`` as a CSV for ``kb_id`` the way a real client does; return the uploadId.

    Calls StartContentUpload (``contentType="text/csv"`` unless given), then PUTs the body to
    the returned URL with exactly the ``headersToInclude`` headers.
    """
    start_kwargs.setdefault("contentType", "text/csv")
    upload = client.start_content_upload(knowledgeBaseId=kb_id, **start_kwargs)
    body = text.encode("utf-8") if isinstance(text, str) else text
    response = requests.put(upload["url"], data=body, headers=upload["headersToInclude"])
    assert response.status_code == 200, response.text
    return upload["uploadId"]


def start_import(client: Any, kb_id: str, text: str | bytes, **job_kwargs: Any) -> dict:
    """Upload ``text`` and start a QUICK_RESPONSES import job; return the ``importJob``."""
    upload_id = upload_csv(client, kb_id, text)
    response = client.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload_id, **job_kwargs
    )
    return response["importJob"]


def csv_text(header: Sequence[str], *rows: Sequence[str]) -> str:
    """An RFC 4180 CSV (quoting as needed, CRLF line ends) of a header and rows."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def error_of(error: ClientError) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a botocore ClientError."""
    response = error.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def error_raised(call: Callable[[], Any]) -> tuple[str, str, int]:
    """(code, message, HTTP status) of the ClientError ``call()`` must raise."""
    with pytest.raises(ClientError) as raised:
        call()
    return error_of(raised.value)


def rewrite_body(client: Any, rewrite: Callable[[bytes], bytes]) -> None:
    """Send what ``rewrite`` makes of each serialised body (botocore never sends unknown
    members, nulls or malformed JSON; other SDKs and hand-made requests may)."""

    def replace(request: Any, **_: Any) -> None:
        request.data = rewrite(request.body or b"")
        request.headers["Content-Length"] = str(len(request.data))

    client.meta.events.register_first("before-sign", replace)


_SESSION: list[boto3.session.Session] = []


def session_client(service: str, region: str = REGION, **kwargs: Any) -> Any:
    """A real boto3 client from one boto3 Session shared by the run (models load once)."""
    if not _SESSION:
        _SESSION.append(boto3.session.Session())
    return _SESSION[0].client(service, region_name=region, **kwargs)


@contextmanager
def both_mocks(moto_outside: bool) -> Iterator[Any]:
    """moto's mock_aws and mock_imports, nested either way; yields the controller."""
    from moto import mock_aws

    from importmock import mock_imports

    with ExitStack() as stack:
        if moto_outside:
            stack.enter_context(mock_aws())
            controller = stack.enter_context(mock_imports())
        else:
            controller = stack.enter_context(mock_imports())
            stack.enter_context(mock_aws())
        yield controller

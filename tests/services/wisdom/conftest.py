"""Helpers and fixtures for the Wisdom / Amazon Q in Connect tests.

The generic helpers (``make_client``, ``make_kb``, ``upload_csv``, ``start_import``) live in
``tests/helpers.py``; they are re-exported here so the test modules of this package import
everything from one place (``from .conftest import ...``). Everything goes through boto3
and ``requests``; nothing touches importmock internals.

Fixtures:

- ``service``: ``"qconnect"`` and ``"wisdom"`` (tests that use it run once per client);
- ``client``: a client of ``service`` inside an active mock (the ``importmock`` fixture, so
  ``@pytest.mark.importmock(progression=...)`` applies), made by ``session_client``;
- ``kb_id``: a QUICK_RESPONSES knowledge base made through ``client``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

import pytest
import requests

from tests.helpers import (  # noqa: F401
    REGION,
    csv_text,
    error_of,
    make_client,
    make_kb,
    start_import,
    upload_csv,
)
from tests.helpers import session_client as shared_client

SERVICES = ("qconnect", "wisdom")
ACCOUNT = "123456789012"
#: CreateQuickResponse ``name`` maximum length in each client's model.
NAME_MAX = {"wisdom": 40, "qconnect": 100}
PLAIN = "application/x.quickresponse;format=plain"
MARKDOWN = "application/x.quickresponse;format=markdown"
MISSING_ID = "00000000-0000-4000-8000-000000000000"
UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture(params=SERVICES)
def service(request: pytest.FixtureRequest) -> str:
    return request.param


def session_client(service: str = "qconnect", region: str = REGION, **kwargs: Any) -> Any:
    """A client from the run's shared boto3 Session (see ``tests.helpers``)."""
    return shared_client(service, region, **kwargs)


@pytest.fixture
def client(importmock: Any, service: str) -> Any:
    return session_client(service)


@pytest.fixture
def kb_id(client: Any) -> str:
    return make_kb(client)


# -- building and reading CSV ---------------------------------------------------------


def parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def download_report(job: dict[str, Any]) -> list[list[str]]:
    """GET the job's ``failedRecordReport`` (must answer 200) and parse it as CSV."""
    response = requests.get(job["failedRecordReport"])
    assert response.status_code == 200, response.text
    return parse_csv(response.content.decode("utf-8"))


# -- API shortcuts ----------------------------------------------------------------------


def get_job(client: Any, kb_id: str, job_id: str) -> dict[str, Any]:
    return client.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)["importJob"]


def job_status(client: Any, kb_id: str, job_id: str) -> str:
    return get_job(client, kb_id, job_id)["status"]


def import_and_get(client: Any, kb_id: str, text: str | bytes, **kwargs: Any) -> dict[str, Any]:
    """Start an import and read it once (in ``immediate`` mode: its terminal state)."""
    started = start_import(client, kb_id, text, **kwargs)
    return get_job(client, kb_id, started["importJobId"])


def quick_responses(client: Any, kb_id: str) -> list[dict[str, Any]]:
    """Every quick response of the knowledge base (full data, via List then Get)."""
    paginator = client.get_paginator("list_quick_responses")
    summaries = [
        summary
        for page in paginator.paginate(knowledgeBaseId=kb_id)
        for summary in page["quickResponseSummaries"]
    ]
    return [
        client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=s["quickResponseId"])[
            "quickResponse"
        ]
        for s in summaries
    ]


def by_name(client: Any, kb_id: str) -> dict[str, dict[str, Any]]:
    return {qr["name"]: qr for qr in quick_responses(client, kb_id)}


def names(client: Any, kb_id: str) -> list[str]:
    return sorted(by_name(client, kb_id))


def status_of(response: dict[str, Any]) -> int:
    return response["ResponseMetadata"]["HTTPStatusCode"]


def ids(items: Iterable[dict[str, Any]], key: str = "importJobId") -> list[str]:
    return [item[key] for item in items]

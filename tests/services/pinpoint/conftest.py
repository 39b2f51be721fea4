"""Helpers and fixtures for the Pinpoint tests.

Everything goes through boto3 (and the controller's ``put_object`` for seeded S3 objects);
nothing touches importmock internals.

Fixtures:

- ``pinpoint``: a pinpoint client in us-east-1 inside an active mock (the ``importmock``
  fixture, so ``@pytest.mark.importmock(...)`` options apply);
- ``app_id``: a project created through it;
- ``m``: the controller (the ``importmock`` fixture, under a shorter name).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import REGION, csv_text, error_of  # noqa: F401
from tests.helpers import session_client as shared_client

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/pinpoint-import"
BUCKET = "endpoint-imports"
HEX32 = r"[0-9a-f]{32}"
SUCCESS_PATH = [
    "CREATED",
    "PREPARING_FOR_INITIALIZATION",
    "INITIALIZING",
    "PROCESSING",
    "COMPLETING",
    "COMPLETED",
]
FAILURE_PATH = [*SUCCESS_PATH[:4], "FAILING", "FAILED"]
TERMINAL = ("COMPLETED", "FAILED")


def session_client(service: str = "pinpoint", region: str = REGION, **kwargs: Any) -> Any:
    """A client from the run's shared boto3 Session (see ``tests.helpers``)."""
    return shared_client(service, region, **kwargs)


@pytest.fixture
def m(importmock: Any) -> Any:
    return importmock


@pytest.fixture
def pinpoint(importmock: Any) -> Any:
    return session_client()


@pytest.fixture
def app_id(pinpoint: Any) -> str:
    return make_app(pinpoint)


def make_app(client: Any, name: str = "imports") -> str:
    return client.create_app(CreateApplicationRequest={"Name": name})["ApplicationResponse"]["Id"]


def start(
    client: Any,
    app: str,
    url: str,
    file_format: str = "CSV",
    register: bool | None = True,
    **extra: Any,
) -> dict[str, Any]:
    """CreateImportJob; returns the ImportJobResponse."""
    request: dict[str, Any] = {"Format": file_format, "S3Url": url, "RoleArn": ROLE, **extra}
    if register is not None:
        request["RegisterEndpoints"] = register
    return client.create_import_job(ApplicationId=app, ImportJobRequest=request)[
        "ImportJobResponse"
    ]


def get_job(client: Any, app: str, job_id: str) -> dict[str, Any]:
    return client.get_import_job(ApplicationId=app, JobId=job_id)["ImportJobResponse"]


def run_import(
    m: Any,
    client: Any,
    app: str,
    body: str | bytes,
    key: str = "endpoints.csv",
    file_format: str = "CSV",
    **extra: Any,
) -> dict[str, Any]:
    """Seed ``body`` at ``s3://BUCKET/key``, import it and return the job as read after."""
    m.put_object(BUCKET, key, body)
    started = start(client, app, f"s3://{BUCKET}/{key}", file_format, **extra)
    m.settle()
    return get_job(client, app, started["Id"])


def endpoint(client: Any, app: str, endpoint_id: str) -> dict[str, Any]:
    return client.get_endpoint(ApplicationId=app, EndpointId=endpoint_id)["EndpointResponse"]


def counters(job: dict[str, Any]) -> tuple[int | None, ...]:
    """(TotalPieces, CompletedPieces, FailedPieces, TotalProcessed, TotalFailures)."""
    names = ("TotalPieces", "CompletedPieces", "FailedPieces", "TotalProcessed", "TotalFailures")
    return tuple(job.get(name) for name in names)

"""The whole quick-response import flow in every progression mode, with and without moto.

Each case uploads a file with one good and one bad row (and, for the failure path, a file
that cannot be imported), polls the job with exact status sequences, and reads what the
job created, while moto's S3 is used side by side when moto is active.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
import requests
import time_machine
from freezegun import freeze_time
from moto import mock_aws

from importmock import mock_imports
from tests.helpers import make_client, make_kb, start_import

START = datetime.datetime(2026, 3, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
GOOD_AND_BAD = "name,content,shortcutKey\nGreeting,Hello,hi\nDuplicate,Again,hi\n"
UNREADABLE = b"\xff\xfe not utf-8"


@contextlib.contextmanager
def moto_outside(progression: str) -> Iterator[Any]:
    with mock_aws(), mock_imports(progression=progression) as mock:
        yield mock


@contextlib.contextmanager
def moto_inside(progression: str) -> Iterator[Any]:
    with mock_imports(progression=progression) as mock, mock_aws():
        yield mock


@contextlib.contextmanager
def importmock_only(progression: str) -> Iterator[Any]:
    with mock_imports(progression=progression) as mock:
        yield mock


SETUPS: dict[str, Callable[[str], Any]] = {
    "importmock-only": importmock_only,
    "moto-outside": moto_outside,
    "moto-inside": moto_inside,
}


def use_moto_s3_if_active(setup: str) -> None:
    """With moto active, S3 works next to importmock (and presigned S3 URLs too)."""
    if setup == "importmock-only":
        return
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="side-by-side")
    s3.put_object(Bucket="side-by-side", Key="f.csv", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "side-by-side", "Key": "f.csv"})
    assert requests.get(url).content == b"x"


def poll(client: Any, kb_id: str, job_id: str) -> dict[str, Any]:
    return client.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)["importJob"]


def report_rows(job: dict[str, Any]) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(requests.get(job["failedRecordReport"]).text)))


def names(client: Any, kb_id: str) -> list[str]:
    listed = client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
    return sorted(summary["name"] for summary in listed)


@pytest.mark.parametrize("setup", SETUPS)
@pytest.mark.parametrize("mode", ["immediate", "reads", "manual"])
def test_success_path(setup: str, mode: str) -> None:
    with SETUPS[setup](mode) as mock:
        client = make_client()
        kb_id = make_kb(client)
        job = start_import(client, kb_id, GOOD_AND_BAD)
        statuses = [job["status"]]
        if mode == "manual":
            statuses.append(poll(client, kb_id, job["importJobId"])["status"])
            assert names(client, kb_id) == []  # effects wait for the terminal state
            mock.advance(job["importJobId"])
        finished = poll(client, kb_id, job["importJobId"])
        statuses.append(finished["status"])
        expected = {
            "immediate": ["START_IN_PROGRESS", "COMPLETE"],
            "reads": ["START_IN_PROGRESS", "COMPLETE"],
            "manual": ["START_IN_PROGRESS", "START_IN_PROGRESS", "COMPLETE"],
        }[mode]
        assert statuses == expected
        assert names(client, kb_id) == ["Greeting"]
        assert report_rows(finished) == [
            {
                "name": "Duplicate",
                "content": "Again",
                "shortcutKey": "hi",
                "error": "The shortcut key 'hi' is already in use.",
            }
        ]
        use_moto_s3_if_active(setup)


@pytest.mark.parametrize("setup", SETUPS)
@pytest.mark.parametrize("mode", ["immediate", "reads", "manual"])
def test_failure_path(setup: str, mode: str) -> None:
    with SETUPS[setup](mode) as mock:
        client = make_client()
        kb_id = make_kb(client)
        job = start_import(client, kb_id, UNREADABLE)
        assert job["status"] == "START_IN_PROGRESS"
        if mode == "manual":
            mock.settle()
        finished = poll(client, kb_id, job["importJobId"])
        assert finished["status"] == "FAILED"
        assert report_rows(finished) == [
            {"error": "The file is not UTF-8 text (byte 0xff at offset 0)."}
        ]
        assert names(client, kb_id) == []
        assert mock.jobs()[0].failure_reason == (
            "The file is not UTF-8 text (byte 0xff at offset 0)."
        )
        use_moto_s3_if_active(setup)


def _freezegun(start: datetime.datetime) -> Any:
    return freeze_time(start)


def _time_machine(start: datetime.datetime) -> Any:
    return time_machine.travel(start, tick=False)


def _move(clock: Any, to: datetime.datetime) -> None:
    clock.move_to(to)


@pytest.mark.parametrize("setup", SETUPS)
@pytest.mark.parametrize("clock_library", ["freezegun", "time-machine"])
def test_time_mode(setup: str, clock_library: str) -> None:
    travel = _freezegun if clock_library == "freezegun" else _time_machine
    with travel(START) as clock, SETUPS[setup]("time"):
        client = make_client()
        kb_id = make_kb(client)
        job = start_import(client, kb_id, GOOD_AND_BAD)
        job_id = job["importJobId"]
        seen = [job["status"]]
        for seconds in (1, 4.9, 5, 60):
            _move(clock, START + datetime.timedelta(seconds=seconds))
            seen.append(poll(client, kb_id, job_id)["status"])
        assert seen == [
            "START_IN_PROGRESS",
            "START_IN_PROGRESS",
            "START_IN_PROGRESS",
            "COMPLETE",
            "COMPLETE",
        ]
        finished = poll(client, kb_id, job_id)
        # The transition is stamped when it happened (START + 5 s), not at the read (+60 s).
        assert finished["createdTime"] == START
        assert finished["lastModifiedTime"] == START + datetime.timedelta(seconds=5)
        assert names(client, kb_id) == ["Greeting"]
        use_moto_s3_if_active(setup)

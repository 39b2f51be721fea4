"""A user's test module, type-checked by test_typing.py (mypy --strict, pyright strict).

Not collected by pytest (its name does not start with ``test_``); it is copied into a
temporary directory and checked there, against the importmock on the path. Each
``assert_type`` fails the check if the public API's types get looser (``Any`` included).
"""

from __future__ import annotations

import unittest

import pytest
from typing_extensions import assert_type

from importmock import Call, Controller, ImportMock, JobInfo, MockSession, current, mock_imports


@mock_imports
def test_decorated(count: int) -> str:
    controller = current()
    assert_type(controller, MockSession)
    return str(count)


def test_the_decorated_function_keeps_its_type() -> None:
    assert_type(test_decorated(1), str)


@mock_imports(progression="manual", upload_urls="loopback", account_id="111122223333")
async def test_async_with_options() -> int:
    current().settle()
    return 1


@mock_imports
class TestCase(unittest.TestCase):
    def test_inside(self) -> None:
        current().reset()


def test_context_manager() -> None:
    mock = mock_imports(progression="time", durations={"IN_PROGRESS": 5.0})
    assert_type(mock, ImportMock)
    with mock as m:
        assert_type(m, MockSession)
        m.advance()
        m.advance(job_id="a-job-id")
        m.fail_next("qconnect", "the file is not UTF-8")
        m.inject_error("pinpoint", "CreateImportJob", "TooManyRequestsException")
        m.put_object("bucket", "key", b"body")
        calls: list[Call] = m.calls
        jobs: list[JobInfo] = m.jobs()
        print(len(calls), len(jobs))


def test_per_client_progression() -> None:
    with mock_imports(
        progression={"default": "immediate", "pinpoint": "reads"},
        quotas={"pinpoint": {"active_import_jobs": 2}},
        check_responses=True,
        upload_urls="in-process",
        passthrough={"services": ["sts"], "urls": [r"https://example\.com/"]},
    ) as m:
        m.settle()


def test_start_stop() -> None:
    mock = mock_imports(progression="reads")
    controller: Controller = mock.start()
    controller.settle()
    mock.stop()


@pytest.mark.importmock(progression="time")
def test_with_the_fixture(importmock: MockSession) -> None:
    importmock.advance()

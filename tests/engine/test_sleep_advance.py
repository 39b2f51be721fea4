"""``mock_imports(sleep="advance")``: user code that polls with ``time.sleep`` /
``asyncio.sleep`` and a ``time.monotonic()`` deadline runs a 10-minute ``time``-mode job in
milliseconds, with or without freezegun or time-machine. No test here sleeps for real."""

from __future__ import annotations

import asyncio
import re
import threading
import time
import unittest.mock
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import time_machine
from freezegun import freeze_time

from importmock import mock_imports
from importmock.engine import sleeps
from tests.helpers import make_client, make_kb, start_import

ONE_ROW = "name,content\nGreeting,Hello there\n"
T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
TEN_MINUTES = {"START_IN_PROGRESS": 600}
#: The real clock, captured before any mock: how long a test really took.
REAL_PERF_COUNTER = time.perf_counter
REAL_MONOTONIC = time.monotonic
ORIGINALS = {name: getattr(time, name) for name in sleeps._WRAPPERS}
ORIGINAL_ASYNCIO_SLEEP = asyncio.sleep


def wait_for_import(client, kb_id: str, job_id: str, *, timeout: float = 900, every: float = 30):
    """A user's polling loop, as real import code writes it."""
    deadline = time.monotonic() + timeout
    polls = 0
    while True:
        job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)["importJob"]
        polls += 1
        if job["status"] != "START_IN_PROGRESS":
            return job, polls
        if time.monotonic() >= deadline:
            raise TimeoutError(f"import {job_id} still running after {timeout} s")
        time.sleep(every)


async def wait_for_import_async(client, kb_id: str, job_id: str, *, every: float = 30):
    polls = 0
    while True:
        job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)["importJob"]
        polls += 1
        if job["status"] != "START_IN_PROGRESS":
            return job, polls
        await asyncio.sleep(every)


def started_job(client):
    kb_id = make_kb(client)
    return kb_id, start_import(client, kb_id, ONE_ROW)


def test_poll_loop_over_a_ten_minute_job_finishes_at_once():
    began = REAL_PERF_COUNTER()
    with mock_imports(progression="time", durations=TEN_MINUTES, sleep="advance") as m:
        client = make_client()
        kb_id, job = started_job(client)
        wall_start, monotonic_start = time.time(), time.monotonic()
        done, polls = wait_for_import(client, kb_id, job["importJobId"])
        assert done["status"] == "COMPLETE"
        assert polls == 21  # at 0, 30, ..., 600 s
        assert 600 <= time.time() - wall_start < 601
        assert 600 <= time.monotonic() - monotonic_start < 601
        real_now = REAL_PERF_COUNTER()
        assert 600 <= time.perf_counter_ns() / 1e9 - real_now < 601
        # the job's timestamps are those of the advanced clock
        took = done["lastModifiedTime"] - done["createdTime"]
        assert abs(took.total_seconds() - 600) < 0.01
        [info] = m.jobs()
        assert [status for status, _ in info.history] == ["START_IN_PROGRESS", "COMPLETE"]
        assert info.history[1][1] - info.history[0][1] == pytest.approx(600)
        listed = client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
        assert [qr["name"] for qr in listed] == ["Greeting"]
    assert REAL_PERF_COUNTER() - began < 2


def test_monotonic_deadline_times_out_without_waiting():
    began = REAL_PERF_COUNTER()
    with mock_imports(progression="manual", sleep="advance"):
        client = make_client()
        kb_id, job = started_job(client)
        with pytest.raises(TimeoutError, match="still running after 900 s"):
            wait_for_import(client, kb_id, job["importJobId"])
        assert sleeps.advanced() == 900  # 30 sleeps of 30 s
    assert REAL_PERF_COUNTER() - began < 2


def test_under_freezegun_the_frozen_clock_ticks():
    began = REAL_PERF_COUNTER()
    with (
        freeze_time(T0) as frozen,
        mock_imports(progression="time", durations=TEN_MINUTES, sleep="advance"),
    ):
        client = make_client()
        kb_id, job = started_job(client)
        done, polls = wait_for_import(client, kb_id, job["importJobId"])
        assert (done["status"], polls) == ("COMPLETE", 21)
        assert done["createdTime"] == T0
        assert done["lastModifiedTime"] == T0 + timedelta(seconds=600)
        assert frozen() == datetime(2024, 5, 1, 12, 10, 0)
        assert time.time() == T0.timestamp() + 600
        assert sleeps.advanced() == 0  # freezegun's monotonic moved, no offset of ours
    assert REAL_PERF_COUNTER() - began < 2


def test_under_time_machine_the_traveller_shifts():
    began = REAL_PERF_COUNTER()
    with (
        time_machine.travel(T0, tick=False),
        mock_imports(progression="time", durations=TEN_MINUTES, sleep="advance"),
    ):
        client = make_client()
        kb_id, job = started_job(client)
        monotonic_start = time.monotonic()
        done, polls = wait_for_import(client, kb_id, job["importJobId"])
        assert (done["status"], polls) == ("COMPLETE", 21)
        assert done["createdTime"] == T0
        assert done["lastModifiedTime"] == T0 + timedelta(seconds=600)
        assert time.time() == T0.timestamp() + 600
        # time-machine leaves monotonic alone: importmock's offset moves it
        assert 600 <= time.monotonic() - monotonic_start < 601
    assert REAL_PERF_COUNTER() - began < 2


def test_asyncio_sleep_in_an_async_poll_loop():
    began = REAL_PERF_COUNTER()
    with mock_imports(progression="time", durations=TEN_MINUTES, sleep="advance"):
        client = make_client()
        kb_id, job = started_job(client)
        done, polls = asyncio.run(wait_for_import_async(client, kb_id, job["importJobId"]))
        assert (done["status"], polls) == ("COMPLETE", 21)
        assert sleeps.advanced() == 600
    assert REAL_PERF_COUNTER() - began < 2


def test_asyncio_sleep_returns_its_result_and_still_yields():
    order: list[str] = []

    async def sleeper() -> str:
        order.append("sleeper before")
        result = await asyncio.sleep(3600, result="done")
        order.append("sleeper after")
        return result

    async def other() -> None:
        order.append("other")

    async def main() -> list:
        return await asyncio.gather(sleeper(), other())

    with mock_imports(sleep="advance"):
        start = time.monotonic()
        assert asyncio.run(main()) == ["done", None]
        assert 3600 <= time.monotonic() - start < 3601
    # the sleeper gave the loop a turn, as asyncio.sleep(0) does
    assert order == ["sleeper before", "other", "sleeper after"]


def test_asyncio_sleep_zero_advances_nothing_and_yields():
    order: list[str] = []

    async def first() -> None:
        await asyncio.sleep(0)
        order.append("first")

    async def second() -> None:
        order.append("second")

    async def main() -> None:
        await asyncio.gather(first(), second())

    with mock_imports(sleep="advance"):
        asyncio.run(main())
        assert sleeps.advanced() == 0
    assert order == ["second", "first"]


@pytest.mark.importmock(progression="time", durations=TEN_MINUTES, sleep="advance")
def test_the_marker_takes_the_option(importmock):
    began = REAL_PERF_COUNTER()
    client = make_client()
    kb_id, job = started_job(client)
    done, polls = wait_for_import(client, kb_id, job["importJobId"])
    assert (done["status"], polls) == ("COMPLETE", 21)
    assert time.sleep is not ORIGINALS["sleep"]
    assert REAL_PERF_COUNTER() - began < 2


def test_negative_sleep_is_refused_as_time_sleep_does():
    with (
        mock_imports(sleep="advance"),
        pytest.raises(ValueError, match="^sleep length must be non-negative$"),
    ):
        time.sleep(-1)


def test_other_threads_sleep_for_real(monkeypatch):
    slept: list[float] = []
    with mock_imports(sleep="advance"), monkeypatch.context() as patch:
        patch.setitem(sleeps._inner, "sleep", slept.append)  # undone before the mock stops
        time.sleep(30)  # this thread started the mock: advances, then sleep(0) for others
        worker = threading.Thread(target=time.sleep, args=(5,))
        worker.start()
        worker.join()
        assert slept == [0, 5]
        assert sleeps.advanced() == 30
        # every thread reads the advanced clock
        seen: list[float] = []
        real_now = REAL_MONOTONIC()
        reader = threading.Thread(target=lambda: seen.append(time.monotonic()))
        reader.start()
        reader.join()
        assert 30 <= seen[0] - real_now < 31


def test_stop_restores_the_originals():
    with mock_imports(sleep="advance"):
        assert all(getattr(time, name) is not fn for name, fn in ORIGINALS.items())
        assert asyncio.sleep is not ORIGINAL_ASYNCIO_SLEEP
        time.sleep(3600)
    assert all(getattr(time, name) is fn for name, fn in ORIGINALS.items())
    assert asyncio.sleep is ORIGINAL_ASYNCIO_SLEEP
    assert abs(time.monotonic() - REAL_MONOTONIC()) < 1
    assert abs(time.time() - datetime.now(timezone.utc).timestamp()) < 1


def test_nested_mocks_restore_only_at_the_outermost_stop():
    with mock_imports(sleep="advance"):
        with mock_imports():  # no explicit option: joins silently
            time.sleep(60)
        assert time.sleep is not ORIGINALS["sleep"]
        assert sleeps.advanced() == 60
        with pytest.warns(UserWarning, match="options are ignored"), mock_imports(sleep="real"):
            time.sleep(60)  # the outer mock's option rules
        assert sleeps.advanced() == 120
    assert time.sleep is ORIGINALS["sleep"]


def test_an_overlapping_patch_of_time_sleep_is_left_alone(monkeypatch):
    monkeypatch.setattr(time, "sleep", time.sleep)  # put the original back at teardown
    mock = mock_imports(sleep="advance")
    mock.start()
    patcher = unittest.mock.patch("time.sleep")
    fake = patcher.start()
    mock.stop()
    assert time.sleep is fake  # the mock did not undo the patch made after it
    patcher.stop()
    # the patch put back the mock's wrapper, which now only delegates
    assert time.sleep is sleeps._WRAPPERS["sleep"]
    slept: list[float] = []
    monkeypatch.setitem(sleeps._inner, "sleep", slept.append)
    time.sleep(5)
    assert slept == [5]
    assert time.monotonic() - REAL_MONOTONIC() < 1


def test_default_real_leaves_sleeps_alone():
    with mock_imports(progression="time"):
        assert all(getattr(time, name) is fn for name, fn in ORIGINALS.items())
        assert asyncio.sleep is ORIGINAL_ASYNCIO_SLEEP
    with mock_imports(sleep="real"):
        assert time.sleep is ORIGINALS["sleep"]


@pytest.mark.parametrize("value", ["fast", "", "Advance", 0, None.__class__])
def test_invalid_sleep_option_is_a_value_error(value):
    with pytest.raises(ValueError) as raised:
        mock_imports(sleep=value)
    assert str(raised.value) == f"sleep must be one of 'real', 'advance'; got {value!r}"


def test_asyncio_poll_loop_under_freezegun():
    # freezegun freezes the event loop's clock too: a real asyncio.sleep(30) would never end
    with freeze_time(T0), mock_imports(progression="time", durations=TEN_MINUTES, sleep="advance"):
        client = make_client()
        kb_id, job = started_job(client)
        done, polls = asyncio.run(wait_for_import_async(client, kb_id, job["importJobId"]))
        assert (done["status"], polls) == ("COMPLETE", 21)
        assert done["lastModifiedTime"] == T0 + timedelta(seconds=600)


def test_freezegun_started_and_stopped_inside_the_mock():
    with mock_imports(sleep="advance"):
        time.sleep(10)
        assert sleeps.advanced() == 10
        with freeze_time(T0):
            time.sleep(600)  # ticks freezegun, not importmock's offsets
            assert time.time() == T0.timestamp() + 600
            assert sleeps.advanced() == 10
        # freezegun put the real functions back on stop; the next sleep wraps them again
        time.sleep(5)
        assert time.time is sleeps._WRAPPERS["time"]
        assert time.monotonic is sleeps._WRAPPERS["monotonic"]
        assert sleeps.advanced() == 15
        real_now = REAL_MONOTONIC()
        assert 15 <= time.monotonic() - real_now < 16
    assert all(getattr(time, name) is fn for name, fn in ORIGINALS.items())


def test_a_botocore_waiter_in_time_mode_advances_the_clock():
    # BotAvailable polls every 10 s; a bot is Creating for 3 s in time mode

    began = REAL_PERF_COUNTER()
    with mock_imports(progression="time", sleep="advance"):
        lex = make_client("lexv2-models")
        bot_id = lex.create_bot(
            botName="PizzaBot",
            roleArn="arn:aws:iam::123456789012:role/LexRole",
            dataPrivacy={"childDirected": False},
            idleSessionTTLInSeconds=300,
        )["botId"]
        lex.get_waiter("bot_available").wait(botId=bot_id)
        assert lex.describe_bot(botId=bot_id)["botStatus"] == "Available"
        assert sleeps.advanced() == 10  # one poll while Creating, one sleep, then Available
    assert REAL_PERF_COUNTER() - began < 2


def test_asyncio_timeouts_expire_in_advanced_time():
    # the event loop reads time.monotonic: wait_for's timer fires at the loop's next turn
    async def poll_forever() -> None:
        while True:
            await asyncio.sleep(30)

    async def main() -> None:
        await asyncio.wait_for(poll_forever(), timeout=100)

    began = REAL_PERF_COUNTER()
    with mock_imports(sleep="advance"):
        with pytest.raises(asyncio.TimeoutError):
            asyncio.run(main())
        assert 120 <= sleeps.advanced() <= 210
    assert REAL_PERF_COUNTER() - began < 2


def test_the_documented_polling_example_runs():
    doc = Path(__file__).resolve().parents[2] / "docs" / "progression.md"
    blocks = re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    [example] = [block for block in blocks if 'sleep="advance"' in block]
    namespace: dict[str, object] = {}
    exec(compile(example, str(doc), "exec"), namespace)  # its asserts are the test
    assert namespace["job"]["status"] == "COMPLETE"  # type: ignore[index]


def test_server_mode_refuses_the_option_saying_why():
    from importmock.server import threaded_server

    with pytest.raises(ValueError) as refused, threaded_server(sleep="advance"):
        pass
    assert str(refused.value) == (
        "sleep= applies to an in-process mock (mock_imports), whose process does the "
        "sleeping; a server's clients sleep in their own processes. In server mode, "
        "use progression='reads' or 'manual' so polling needs no waiting."
    )


def test_server_mode_refuses_strict_saying_why():
    from importmock.server import threaded_server

    with pytest.raises(ValueError) as refused, threaded_server(strict=True):
        pass
    assert str(refused.value) == (
        "strict= applies to an in-process mock (mock_imports), which fails the test when it "
        "stops; a server outlives its clients' tests. In server mode, read the controller's "
        "calls.unimplemented() instead."
    )

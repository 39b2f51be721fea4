"""aiobotocore's waiters poll the mock like any other call, and sleep with ``asyncio.sleep``
between polls: with ``WaiterConfig={"Delay": 0}`` they never really wait."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.async_clients import NO_AIOBOTOCORE

pytest.importorskip("aiobotocore", reason=NO_AIOBOTOCORE)

from botocore.exceptions import WaiterError

from importmock import mock_imports
from tests.async_clients.clients import PIZZA_BOT, async_client, asyncio_test, put
from tests.services.lexv2.archives import bot_files, to_zip

NOW = {"Delay": 0}


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every delay ``asyncio.sleep`` is asked for (it still sleeps them: they are 0)."""
    asked: list[float] = []
    original = asyncio.sleep

    async def sleep(delay: float, *args: Any, **kwargs: Any) -> Any:
        asked.append(delay)
        return await original(delay, *args, **kwargs)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    return asked


def seen_statuses(client: Any) -> list[str]:
    """The importStatus of every DescribeImport answer ``client`` parses, in order."""
    seen: list[str] = []

    def record(parsed: dict[str, Any], **_: Any) -> None:
        seen.append(parsed.get("importStatus", parsed.get("Error", {}).get("Code")))

    client.meta.events.register("after-call.lex-models-v2.DescribeImport", record)
    return seen


async def start_import(client: Any, archive: bytes) -> str:
    created = await client.create_upload_url()
    put(created["uploadUrl"], archive)
    await client.start_import(
        importId=created["importId"],
        resourceSpecification=PIZZA_BOT,
        mergeStrategy="FailOnConflict",
    )
    return str(created["importId"])


@asyncio_test
async def test_reads_mode_the_import_waiter_returns_after_one_poll(
    flavour: str, sleeps: list[float]
) -> None:
    with mock_imports(progression="reads") as m:
        async with async_client(flavour, "lexv2-models") as client:
            seen = seen_statuses(client)
            import_id = await start_import(client, to_zip(bot_files()))
            waiter = client.get_waiter("bot_import_completed")
            await waiter.wait(importId=import_id, WaiterConfig=NOW)
    assert seen == ["Completed"]
    assert sleeps == []
    assert [c.operation for c in m.calls][-1:] == ["DescribeImport"]
    assert [(job.kind, job.status) for job in m.jobs()] == [("import", "Completed")]


@asyncio_test
async def test_the_import_waiter_polls_until_the_job_is_advanced(
    flavour: str, sleeps: list[float]
) -> None:
    with mock_imports(progression="manual") as m:
        async with async_client(flavour, "lexv2-models") as client:
            seen = seen_statuses(client)
            import_id = await start_import(client, to_zip(bot_files()))

            def advance_after_two_polls(**_: Any) -> None:
                if len(seen) == 2:
                    m.advance(import_id)

            # registered after seen_statuses' handler, so it runs after each answer is seen
            client.meta.events.register(
                "after-call.lex-models-v2.DescribeImport", advance_after_two_polls
            )
            waiter = client.get_waiter("bot_import_completed")
            await waiter.wait(importId=import_id, WaiterConfig={**NOW, "MaxAttempts": 5})
    assert seen == ["InProgress", "InProgress", "Completed"]
    assert sleeps == [0, 0]  # one asyncio.sleep(Delay) between polls
    assert [c.operation for c in m.calls] == [
        "CreateUploadUrl",
        "StartImport",
        "DescribeImport",
        "DescribeImport",
        "DescribeImport",
    ]


@asyncio_test
async def test_a_failed_import_ends_the_waiter_with_its_failure_state(
    flavour: str, sleeps: list[float]
) -> None:
    with mock_imports(progression="reads") as m:
        async with async_client(flavour, "lexv2-models") as client:
            seen = seen_statuses(client)
            import_id = await start_import(client, b"not a zip")
            with pytest.raises(WaiterError) as raised:
                await client.get_waiter("bot_import_completed").wait(
                    importId=import_id, WaiterConfig=NOW
                )
    assert str(raised.value) == (
        "Waiter BotImportCompleted failed: Waiter encountered a terminal failure state: "
        'For expression "importStatus" we matched expected path: "Failed"'
    )
    assert raised.value.last_response["importStatus"] == "Failed"
    assert seen == ["Failed"]
    assert sleeps == []
    assert [job.status for job in m.jobs()] == ["Failed"]


@asyncio_test
async def test_a_waiter_that_runs_out_of_attempts(flavour: str, sleeps: list[float]) -> None:
    with mock_imports(progression="manual"):
        async with async_client(flavour, "lexv2-models") as client:
            seen = seen_statuses(client)
            import_id = await start_import(client, to_zip(bot_files()))
            with pytest.raises(WaiterError) as raised:
                await client.get_waiter("bot_import_completed").wait(
                    importId=import_id, WaiterConfig={**NOW, "MaxAttempts": 3}
                )
    assert str(raised.value) == "Waiter BotImportCompleted failed: Max attempts exceeded"
    assert seen == ["InProgress"] * 3
    assert sleeps == [0, 0]


@asyncio_test
async def test_reads_mode_the_bot_available_waiter(flavour: str, sleeps: list[float]) -> None:
    with mock_imports(progression="reads") as m:
        async with async_client(flavour, "lexv2-models") as client:
            created = await client.create_bot(
                **{**PIZZA_BOT["botImportSpecification"], "botName": "Waited"},
                idleSessionTTLInSeconds=300,
            )
            assert created["botStatus"] == "Creating"
            await client.get_waiter("bot_available").wait(botId=created["botId"], WaiterConfig=NOW)
            described = await client.describe_bot(botId=created["botId"])
    assert described["botStatus"] == "Available"
    assert sleeps == []
    assert [c.operation for c in m.calls] == ["CreateBot", "DescribeBot", "DescribeBot"]

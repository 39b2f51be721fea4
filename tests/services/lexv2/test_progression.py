"""How Lex V2 jobs move in each progression mode, the boto3 waiters that poll them, and the
merge decision an import makes when it completes."""

from __future__ import annotations

import datetime
import time
from typing import Any

import botocore.session
import pytest
import time_machine
from freezegun import freeze_time

from tests.helpers import error_of
from tests.services.lexv2.archives import bot_files, locale_archive_files, to_zip, vocabulary_tsv
from tests.services.lexv2.conftest import (
    bot_spec,
    create_bot,
    describe,
    import_bot,
    locale_spec,
    start,
    vocabulary_spec,
)

NOON = datetime.datetime(2026, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
PIZZA = to_zip(bot_files())
NO_SLEEP = {"Delay": 10}  # the waiters' own default: any sleep would take real seconds


def seconds(value: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=value)


def bot_status(lex: Any, bot_id: str) -> str:
    return str(lex.describe_bot(botId=bot_id)["botStatus"])


def locale_status(lex: Any, bot_id: str, locale_id: str = "en_US") -> str:
    return str(
        lex.describe_bot_locale(botId=bot_id, botVersion="DRAFT", localeId=locale_id)[
            "botLocaleStatus"
        ]
    )


def build(lex: Any, bot_id: str, locale_id: str = "en_US") -> str:
    started = lex.build_bot_locale(botId=bot_id, botVersion="DRAFT", localeId=locale_id)
    return str(started["botLocaleStatus"])


def bot_names(lex: Any) -> list[str]:
    return [summary["botName"] for summary in lex.list_bots()["botSummaries"]]


def history(m: Any, job_id: str) -> list[str]:
    return [stage for stage, _ in next(i for i in m.jobs() if i.job_id == job_id).history]


def kinds(m: Any) -> list[tuple[str, str]]:
    return [(info.kind, info.status) for info in m.jobs()]


def export_bot(lex: Any, bot_id: str) -> str:
    created = lex.create_export(
        resourceSpecification={"botExportSpecification": {"botId": bot_id, "botVersion": "DRAFT"}},
        fileFormat="LexJson",
    )
    assert created["exportStatus"] == "InProgress"
    return str(created["exportId"])


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any time.sleep (the waiters' between polls) fails the test."""

    def refuse(delay: float) -> None:
        raise AssertionError(f"time.sleep({delay}) was called")

    monkeypatch.setattr(time, "sleep", refuse)


# -- immediate (the default) -----------------------------------------------------------
def test_immediate_mode_waiters_succeed_on_their_first_poll(
    m: Any, lex: Any, no_sleep: None
) -> None:
    bot_id = create_bot(lex, "Quick")
    lex.get_waiter("bot_available").wait(botId=bot_id, WaiterConfig=NO_SLEEP)

    import_id = start(lex, PIZZA, bot_spec())["importId"]
    lex.get_waiter("bot_import_completed").wait(importId=import_id, WaiterConfig=NO_SLEEP)
    imported = describe(lex, import_id)["importedResourceId"]

    assert build(lex, imported) == "Building"
    lex.get_waiter("bot_locale_built").wait(
        botId=imported, botVersion="DRAFT", localeId="en_US", WaiterConfig=NO_SLEEP
    )

    export_id = export_bot(lex, imported)
    lex.get_waiter("bot_export_completed").wait(exportId=export_id, WaiterConfig=NO_SLEEP)

    assert (bot_status(lex, bot_id), locale_status(lex, imported)) == ("Available", "Built")
    assert lex.describe_export(exportId=export_id)["exportStatus"] == "Completed"
    assert {info.finished for info in m.jobs()} == {True}


def test_immediate_mode_jobs_have_finished_before_the_next_call(m: Any, lex: Any) -> None:
    started = start(lex, PIZZA, bot_spec())
    assert started["importStatus"] == "InProgress"  # the start call still answers InProgress
    assert bot_names(lex) == ["PizzaBot"]
    assert describe(lex, started["importId"])["importStatus"] == "Completed"
    assert history(m, started["importId"]) == ["InProgress", "Completed"]


# -- reads ---------------------------------------------------------------------------------
@pytest.mark.importmock(progression="reads")
def test_reads_mode_an_import_completes_on_its_first_read(m: Any, lex: Any) -> None:
    started = start(lex, PIZZA, bot_spec())
    import_id = started["importId"]
    assert started["importStatus"] == "InProgress"
    assert kinds(m) == [("import", "InProgress")]  # m.jobs() does not move it
    assert bot_names(lex) == []  # ListBots does not read the import: nothing yet
    reads = [describe(lex, import_id) for _ in range(3)]
    assert [read["importStatus"] for read in reads] == ["Completed"] * 3
    assert bot_names(lex) == ["PizzaBot"]  # the effect appeared with Completed
    assert reads[0]["importedResourceId"] == lex.list_bots()["botSummaries"][0]["botId"]
    assert history(m, import_id) == ["InProgress", "Completed"]


@pytest.mark.importmock(progression="reads")
def test_reads_mode_a_bad_archive_fails_on_the_first_read(m: Any, lex: Any) -> None:
    started = start(lex, b"not a zip", bot_spec())
    assert started["importStatus"] == "InProgress"
    done = describe(lex, started["importId"])
    assert done["importStatus"] == "Failed"
    assert len(done["failureReasons"]) == 1
    assert bot_names(lex) == []
    assert history(m, started["importId"]) == ["InProgress", "Failed"]


@pytest.mark.importmock(progression="reads")
def test_reads_mode_bots_and_builds_move_one_stage_per_read(m: Any, lex: Any) -> None:
    created = lex.create_bot(
        botName="Reader",
        roleArn="arn:aws:iam::123456789012:role/lex-bot",
        dataPrivacy={"childDirected": False},
        idleSessionTTLInSeconds=300,
    )
    assert created["botStatus"] == "Creating"
    assert kinds(m) == [("bot creation", "Creating")]
    assert bot_status(lex, created["botId"]) == "Available"

    bot_id = import_bot(m, lex)
    assert build(lex, bot_id) == "Building"
    assert kinds(m)[-1] == ("bot locale build", "Building")
    assert [locale_status(lex, bot_id) for _ in range(2)] == ["Built", "Built"]
    assert locale_status(lex, bot_id, "en_GB") == "NotBuilt"


@pytest.mark.importmock(progression="reads")
def test_reads_mode_waiters_with_no_delay(m: Any, lex: Any) -> None:
    now = {"Delay": 0}
    bot_id = create_bot(lex, "Waited")
    lex.get_waiter("bot_available").wait(botId=bot_id, WaiterConfig=now)
    assert bot_status(lex, bot_id) == "Available"

    import_id = start(lex, PIZZA, bot_spec())["importId"]
    lex.get_waiter("bot_import_completed").wait(importId=import_id, WaiterConfig=now)
    imported = describe(lex, import_id)["importedResourceId"]

    build(lex, imported)
    lex.get_waiter("bot_locale_built").wait(
        botId=imported, botVersion="DRAFT", localeId="en_US", WaiterConfig=now
    )
    export_id = export_bot(lex, imported)
    lex.get_waiter("bot_export_completed").wait(exportId=export_id, WaiterConfig=now)
    assert lex.describe_export(exportId=export_id)["exportStatus"] == "Completed"
    assert {info.finished for info in m.jobs()} == {True}


# -- time ------------------------------------------------------------------------------------
@pytest.mark.importmock(progression="time")
def test_time_mode_an_import_completes_after_its_stage_duration(m: Any, lex: Any) -> None:
    with freeze_time(NOON) as frozen:
        import_id = start(lex, PIZZA, bot_spec())["importId"]
        frozen.tick(seconds(2.999))
        assert describe(lex, import_id)["importStatus"] == "InProgress"
        assert bot_names(lex) == []
        frozen.tick(seconds(0.001))
        assert bot_names(lex) == ["PizzaBot"]  # any call catches up the jobs that are due
        frozen.tick(seconds(60))
        done = describe(lex, import_id)
        bot = lex.describe_bot(botId=done["importedResourceId"])
    completed = NOON + seconds(3)  # the default stage length, not the moment of the read
    assert done["importStatus"] == "Completed"
    assert (done["creationDateTime"], done["lastUpdatedDateTime"]) == (NOON, completed)
    assert bot["creationDateTime"] == bot["lastUpdatedDateTime"] == completed
    assert m.jobs()[0].history == (
        ("InProgress", NOON.timestamp()),
        ("Completed", completed.timestamp()),
    )


@pytest.mark.importmock(progression="time", durations={"InProgress": 60})
def test_time_mode_follows_the_durations_option(m: Any, lex: Any) -> None:
    with freeze_time(NOON) as frozen:
        import_id = start(lex, PIZZA, bot_spec())["importId"]
        frozen.tick(seconds(59))
        assert describe(lex, import_id)["importStatus"] == "InProgress"
        frozen.tick(seconds(100))
        done = describe(lex, import_id)
        assert done["importStatus"] == "Completed"
        assert done["lastUpdatedDateTime"] == NOON + seconds(60)

        bot_id = done["importedResourceId"]
        built_from = NOON + seconds(159)
        assert build(lex, bot_id) == "Building"  # the build keeps its own 10 s
        frozen.tick(seconds(9.5))
        assert locale_status(lex, bot_id) == "Building"
        frozen.tick(seconds(0.5))
        assert locale_status(lex, bot_id) == "Built"

        other = create_bot(lex, "Timed")  # bot creation: the default 3 s
        frozen.tick(seconds(2))
        assert bot_status(lex, other) == "Creating"
        frozen.tick(seconds(1))
        assert bot_status(lex, other) == "Available"
    builds = [info for info in m.jobs() if info.kind == "bot locale build"]
    assert builds[0].history == (
        ("Building", built_from.timestamp()),
        ("Built", (built_from + seconds(10)).timestamp()),
    )


@pytest.mark.importmock(progression="time")
def test_time_mode_waiters_finish_as_a_patched_sleep_ticks_the_frozen_clock(
    m: Any, lex: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with freeze_time(NOON) as frozen:
        slept: list[float] = []

        def tick(delay: float) -> None:
            slept.append(delay)
            frozen.tick(seconds(delay))

        monkeypatch.setattr(time, "sleep", tick)
        import_id = start(lex, PIZZA, bot_spec())["importId"]
        lex.get_waiter("bot_import_completed").wait(importId=import_id, WaiterConfig={"Delay": 1})
        assert slept == [1, 1, 1]  # polled at 0, 1, 2 (InProgress) and 3 s (Completed)
        bot_id = describe(lex, import_id)["importedResourceId"]

        slept.clear()
        build(lex, bot_id)
        lex.get_waiter("bot_locale_built").wait(
            botId=bot_id, botVersion="DRAFT", localeId="en_US", WaiterConfig={"Delay": 4}
        )
        assert slept == [4, 4, 4]  # Building at 0, 4 and 8 s; Built at 12 s
        assert locale_status(lex, bot_id) == "Built"
    build_job = [info for info in m.jobs() if info.kind == "bot locale build"][0]
    assert build_job.history[1] == ("Built", (NOON + seconds(13)).timestamp())


@pytest.mark.importmock(progression="time")
def test_time_mode_with_time_machine(m: Any, lex: Any) -> None:
    with time_machine.travel(NOON, tick=False) as traveller:
        bot_id = create_bot(lex, "Travelled")
        traveller.shift(seconds(2.5))
        assert bot_status(lex, bot_id) == "Creating"
        traveller.shift(seconds(0.5))
        assert bot_status(lex, bot_id) == "Available"
        lex.delete_bot(botId=bot_id)
        traveller.shift(seconds(2.9))
        assert bot_status(lex, bot_id) == "Deleting"
        traveller.shift(seconds(0.1))
        with pytest.raises(lex.exceptions.ResourceNotFoundException):
            lex.describe_bot(botId=bot_id)
    assert [stage for stage, _ in m.jobs()[0].history] == [
        "Creating",
        "Available",
        "Deleting",
        "Deleted",
    ]


# -- manual ----------------------------------------------------------------------------------
@pytest.mark.importmock(progression="manual")
def test_manual_mode_nothing_moves_until_advanced(m: Any, lex: Any) -> None:
    import_id = start(lex, PIZZA, bot_spec())["importId"]
    other = create_bot(lex, "Other")
    assert [describe(lex, import_id)["importStatus"] for _ in range(3)] == ["InProgress"] * 3
    assert [bot_status(lex, other) for _ in range(3)] == ["Creating"] * 3
    assert bot_names(lex) == ["Other"]

    m.advance(import_id)  # that job only
    assert describe(lex, import_id)["importStatus"] == "Completed"
    assert bot_names(lex) == ["Other", "PizzaBot"]
    assert bot_status(lex, other) == "Creating"
    m.advance()  # every unfinished job, one stage
    assert bot_status(lex, other) == "Available"

    bot_id = describe(lex, import_id)["importedResourceId"]
    assert build(lex, bot_id) == "Building"
    assert [locale_status(lex, bot_id) for _ in range(3)] == ["Building"] * 3
    m.settle()
    assert locale_status(lex, bot_id) == "Built"
    assert {info.finished for info in m.jobs()} == {True}


# -- decisions made as an import completes ---------------------------------------------------
@pytest.mark.importmock(progression="reads")
def test_a_bot_created_while_the_import_runs_fails_it_at_completion(m: Any, lex: Any) -> None:
    import_id = start(lex, PIZZA, bot_spec("PizzaBot"))["importId"]
    created = lex.create_bot(
        botName="PizzaBot",
        roleArn="arn:aws:iam::123456789012:role/lex-bot",
        dataPrivacy={"childDirected": False},
        idleSessionTTLInSeconds=300,
    )
    bot_id = created["botId"]
    done = describe(lex, import_id)
    assert done["importStatus"] == "Failed"
    assert done["failureReasons"] == [
        f"A bot named PizzaBot already exists (bot {bot_id}); with the merge strategy "
        "FailOnConflict nothing was imported."
    ]
    assert "importedResourceId" not in done
    assert [(s["botId"], s["botName"]) for s in lex.list_bots()["botSummaries"]] == [
        (bot_id, "PizzaBot")
    ]
    summaries = lex.list_bot_locales(botId=bot_id, botVersion="DRAFT")["botLocaleSummaries"]
    assert summaries == []
    assert history(m, import_id) == ["InProgress", "Failed"]


@pytest.mark.importmock(progression="reads")
def test_an_overwrite_import_lands_in_the_bot_created_while_it_ran(m: Any, lex: Any) -> None:
    import_id = start(lex, PIZZA, bot_spec("PizzaBot"), merge="Overwrite")["importId"]
    bot_id = create_bot(lex, "PizzaBot")
    done = describe(lex, import_id)
    assert (done["importStatus"], done["importedResourceId"]) == ("Completed", bot_id)
    summaries = lex.list_bot_locales(botId=bot_id, botVersion="DRAFT")["botLocaleSummaries"]
    assert sorted(s["localeId"] for s in summaries) == ["en_GB", "en_US"]
    assert len(lex.list_bots()["botSummaries"]) == 1


@pytest.mark.importmock(progression="manual", quotas={"lexv2-models": {"bots": 1}})
def test_the_bot_quota_is_checked_again_at_completion(m: Any, lex: Any) -> None:
    import_id = start(lex, PIZZA, bot_spec("PizzaBot"))["importId"]
    create_bot(lex, "Squatter")  # the last free slot, taken while the import runs
    m.settle()
    done = describe(lex, import_id)
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        ["The account already has 1 bots, the quota."],
    )
    assert bot_names(lex) == ["Squatter"]


@pytest.mark.importmock(progression="manual")
def test_a_locale_import_fails_if_its_bot_is_deleted_first(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    import_id = start(lex, to_zip(locale_archive_files()), locale_spec(bot_id), "Overwrite")[
        "importId"
    ]
    assert lex.delete_bot(botId=bot_id)["botStatus"] == "Deleting"
    deletion = next(info.job_id for info in m.jobs() if info.kind == "bot deletion")
    m.advance(deletion)
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.describe_bot(botId=bot_id)
    m.settle()
    done = describe(lex, import_id)
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        [f"Bot {bot_id} was deleted before the import completed."],
    )


@pytest.mark.importmock(progression="manual")
def test_an_unfinished_import_cannot_be_deleted(m: Any, lex: Any) -> None:
    import_id = start(lex, PIZZA, bot_spec())["importId"]
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_import(importId=import_id)
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"The import {import_id} is InProgress; it can be deleted once it has finished.",
        412,
    )
    m.settle()
    assert lex.delete_import(importId=import_id)["importStatus"] == "Deleting"
    m.settle()
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.describe_import(importId=import_id)


# -- an Overwrite racing a deletion: every status reported is one the model's enum has ------
BOT_LOCALE_STATUSES = set(
    botocore.session.get_session()
    .get_service_model("lexv2-models")
    .shape_for("BotLocaleStatus")
    .enum
)


def locale_statuses(lex: Any, bot_id: str) -> dict[str, str]:
    summaries = lex.list_bot_locales(botId=bot_id, botVersion="DRAFT")["botLocaleSummaries"]
    return {s["localeId"]: s["botLocaleStatus"] for s in summaries}


@pytest.mark.importmock(progression="manual")
def test_an_overwrite_import_fails_while_a_locale_of_the_bot_is_being_deleted(
    m: Any, lex: Any
) -> None:
    """The issue: the Overwrite completed, its new en_US took over the old one's deletion,
    and reported botLocaleStatus "Deleted", which is not in the model's enum."""
    bot_id = import_bot(m, lex)
    assert (
        lex.delete_bot_locale(botId=bot_id, botVersion="DRAFT", localeId="en_US")["botLocaleStatus"]
        == "Deleting"
    )
    import_id = start(lex, PIZZA, bot_spec("PizzaBot"), merge="Overwrite")["importId"]

    m.advance(import_id)  # the import completes while the deletion is still running
    done = describe(lex, import_id)
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        [
            f"Locale en_US of bot {bot_id} is Deleting; the bot can be overwritten once that "
            "has finished."
        ],
    )
    assert locale_statuses(lex, bot_id) == {"en_GB": "NotBuilt", "en_US": "Deleting"}

    m.settle()
    assert locale_statuses(lex, bot_id) == {"en_GB": "NotBuilt"}
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.describe_bot_locale(botId=bot_id, botVersion="DRAFT", localeId="en_US")

    # Once the deletion has finished, the same Overwrite brings en_US back, NotBuilt.
    again = start(lex, PIZZA, bot_spec("PizzaBot"), merge="Overwrite")["importId"]
    m.settle()
    assert describe(lex, again)["importStatus"] == "Completed"
    assert locale_statuses(lex, bot_id) == {"en_GB": "NotBuilt", "en_US": "NotBuilt"}
    assert set(locale_statuses(lex, bot_id).values()) <= BOT_LOCALE_STATUSES


@pytest.mark.importmock(progression="manual")
def test_an_overwrite_import_fails_while_its_bot_is_being_deleted(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    assert lex.delete_bot(botId=bot_id)["botStatus"] == "Deleting"
    import_id = start(lex, PIZZA, bot_spec("PizzaBot"), merge="Overwrite")["importId"]
    m.advance(import_id)
    done = describe(lex, import_id)
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        [f"Bot {bot_id} (PizzaBot) was deleted before the import completed."],
    )
    m.settle()
    assert bot_names(lex) == []


@pytest.mark.importmock(progression="manual")
def test_a_vocabulary_import_fails_while_its_locale_is_being_deleted(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    lex.delete_bot_locale(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    vocabulary = to_zip(vocabulary_tsv("margherita\t1\t"))
    import_id = start(lex, vocabulary, vocabulary_spec(bot_id), merge="Overwrite")["importId"]
    m.advance(import_id)
    done = describe(lex, import_id)
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        ["Locale en_US was deleted before the import completed."],
    )

"""Lex V2 ListImports and DeleteImport, and the BotImportCompleted waiter, through boto3
and ``requests``."""

from __future__ import annotations

import datetime
from typing import Any

import botocore.config
import pytest
import requests
from botocore.exceptions import WaiterError
from freezegun import freeze_time

from importmock import mock_imports

from .archives import bot_files, locale_archive_files, to_zip, vocabulary_tsv
from .conftest import (
    bot_spec,
    create_bot,
    describe,
    error_of,
    import_bot,
    locale_spec,
    run_import,
    session_client,
    start,
    vocabulary_spec,
)

NOON = datetime.datetime(2026, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
SUMMARY_MEMBERS = {
    "importId",
    "importedResourceId",
    "importedResourceName",
    "importStatus",
    "mergeStrategy",
    "creationDateTime",
    "lastUpdatedDateTime",
    "importedResourceType",
}
LOCALE_ZIP = to_zip(locale_archive_files("en_US"))
VOCABULARY_ZIP = to_zip(vocabulary_tsv("pepperoni\t2\t", "calzone\t\tCalzone"))


def listed(lex: Any, **kwargs: Any) -> list[str]:
    """The importIds of one ListImports page, in the order listed."""
    return [s["importId"] for s in lex.list_imports(**kwargs)["importSummaries"]]


def summaries_by_id(lex: Any, **kwargs: Any) -> dict[str, dict[str, Any]]:
    return {s["importId"]: s for s in lex.list_imports(**kwargs)["importSummaries"]}


def by_type(operator: str, value: str) -> list[dict[str, Any]]:
    return [{"name": "ImportResourceType", "values": [value], "operator": operator}]


def import_all_kinds(m: Any, lex: Any) -> dict[str, str]:
    """A bot import, a locale import and a vocabulary import into that bot, and a failed
    bot import; their importIds by name (and the bot id under "bot_id")."""
    bot = start(lex, to_zip(bot_files()), bot_spec())
    m.settle()
    bot_id = describe(lex, bot["importId"])["importedResourceId"]
    locale = start(lex, LOCALE_ZIP, locale_spec(bot_id, "fr_FR"))
    vocabulary = start(lex, VOCABULARY_ZIP, vocabulary_spec(bot_id), "Overwrite")
    failed = start(lex, b"not a zip", bot_spec("Broken"))
    m.settle()
    return {
        "bot_id": bot_id,
        "bot": bot["importId"],
        "locale": locale["importId"],
        "vocabulary": vocabulary["importId"],
        "failed": failed["importId"],
    }


# -- ListImports -----------------------------------------------------------------------
def test_list_imports_lists_every_kind_of_import(m: Any, lex: Any) -> None:
    ids = import_all_kinds(m, lex)
    lex.create_upload_url()  # an upload that was never started is not an import yet
    found = summaries_by_id(lex)
    assert set(found) == {ids["bot"], ids["locale"], ids["vocabulary"], ids["failed"]}
    described = {
        key: {
            name: found[ids[key]][name]
            for name in (
                "importedResourceType",
                "importedResourceName",
                "importStatus",
                "mergeStrategy",
            )
        }
        for key in ("bot", "locale", "vocabulary", "failed")
    }
    assert described == {
        "bot": {
            "importedResourceType": "Bot",
            "importedResourceName": "PizzaBot",
            "importStatus": "Completed",
            "mergeStrategy": "FailOnConflict",
        },
        "locale": {
            "importedResourceType": "BotLocale",
            "importedResourceName": "fr_FR",
            "importStatus": "Completed",
            "mergeStrategy": "FailOnConflict",
        },
        "vocabulary": {
            "importedResourceType": "CustomVocabulary",
            "importedResourceName": "en_US",
            "importStatus": "Completed",
            "mergeStrategy": "Overwrite",
        },
        "failed": {
            "importedResourceType": "Bot",
            "importedResourceName": "Broken",
            "importStatus": "Failed",
            "mergeStrategy": "FailOnConflict",
        },
    }
    assert found[ids["bot"]]["importedResourceId"] == ids["bot_id"]
    assert found[ids["locale"]]["importedResourceId"] == "fr_FR"
    assert found[ids["vocabulary"]]["importedResourceId"] == "en_US"
    for key in ("bot", "locale", "vocabulary"):
        assert set(found[ids[key]]) == SUMMARY_MEMBERS
    assert set(found[ids["failed"]]) == SUMMARY_MEMBERS - {"importedResourceId"}
    for key in ("bot", "locale", "vocabulary", "failed"):
        summary = found[ids[key]]
        full = describe(lex, ids[key])
        assert summary["creationDateTime"] == full["creationDateTime"]
        assert summary["lastUpdatedDateTime"] == full["lastUpdatedDateTime"]


@pytest.mark.importmock(progression="manual")
def test_imported_resource_id_appears_once_the_import_completes(m: Any, lex: Any) -> None:
    import_id = start(lex, to_zip(bot_files()), bot_spec())["importId"]
    (summary,) = lex.list_imports()["importSummaries"]
    assert summary["importStatus"] == "InProgress"
    assert "importedResourceId" not in summary
    assert summary["importedResourceName"] == "PizzaBot"
    m.settle()
    (summary,) = lex.list_imports()["importSummaries"]
    assert summary["importStatus"] == "Completed"
    assert summary["importedResourceId"] == describe(lex, import_id)["importedResourceId"]
    assert summary["lastUpdatedDateTime"] >= summary["creationDateTime"]


def test_list_imports_by_bot_shows_the_import_that_made_it_and_those_into_it(
    m: Any, lex: Any
) -> None:
    ids = import_all_kinds(m, lex)
    other_bot = create_bot(lex)
    other = start(lex, LOCALE_ZIP, locale_spec(other_bot, "en_US"))["importId"]
    found = lex.list_imports(botId=ids["bot_id"], botVersion="DRAFT")
    assert {s["importId"] for s in found["importSummaries"]} == {
        ids["bot"],
        ids["locale"],
        ids["vocabulary"],
    }
    assert (found["botId"], found["botVersion"]) == (ids["bot_id"], "DRAFT")
    assert "localeId" not in found
    assert listed(lex, botId=other_bot) == [other]


def test_list_imports_by_locale(m: Any, lex: Any) -> None:
    ids = import_all_kinds(m, lex)
    other_bot = create_bot(lex)
    other = start(lex, LOCALE_ZIP, locale_spec(other_bot, "en_US"))["importId"]
    assert set(listed(lex, localeId="en_US")) == {ids["vocabulary"], other}
    assert listed(lex, localeId="fr_FR") == [ids["locale"]]
    scoped = lex.list_imports(botId=ids["bot_id"], botVersion="DRAFT", localeId="en_US")
    assert [s["importId"] for s in scoped["importSummaries"]] == [ids["vocabulary"]]
    assert (scoped["botId"], scoped["botVersion"], scoped["localeId"]) == (
        ids["bot_id"],
        "DRAFT",
        "en_US",
    )
    assert listed(lex, localeId="de_DE") == []


def test_list_imports_without_filters_echoes_no_bot_or_locale(m: Any, lex: Any) -> None:
    import_bot(m, lex)
    found = lex.list_imports()
    assert {"botId", "botVersion", "localeId", "nextToken"}.isdisjoint(found)
    assert len(found["importSummaries"]) == 1


def test_list_imports_filters_by_resource_type(m: Any, lex: Any) -> None:
    ids = import_all_kinds(m, lex)
    assert listed(lex, filters=by_type("EQ", "BotLocale")) == [ids["locale"]]
    assert set(listed(lex, filters=by_type("EQ", "Bot"))) == {ids["bot"], ids["failed"]}
    # CO "Bot" matches Bot and BotLocale, not CustomVocabulary.
    assert set(listed(lex, filters=by_type("CO", "Bot"))) == {
        ids["bot"],
        ids["failed"],
        ids["locale"],
    }
    assert listed(lex, filters=by_type("EQ", "CustomVocabulary")) == [ids["vocabulary"]]
    assert listed(lex, filters=by_type("EQ", "TestSet")) == []


def test_list_imports_sorts_by_last_update() -> None:
    with freeze_time(NOON) as frozen, mock_imports() as m:
        lex = session_client()
        ids = []
        for name in ("First", "Second", "Third"):
            frozen.tick(datetime.timedelta(minutes=1))
            ids.append(start(lex, to_zip(bot_files()), bot_spec(name))["importId"])
        m.settle()

        def order(direction: str) -> list[str]:
            sort = {"attribute": "LastUpdatedDateTime", "order": direction}
            return listed(lex, sortBy=sort)

        assert order("Ascending") == ids
        assert order("Descending") == ids[::-1]
        assert listed(lex) == ids[::-1]  # newest first by default
        updated = [s["lastUpdatedDateTime"] for s in lex.list_imports()["importSummaries"]]
        assert updated == [NOON + datetime.timedelta(minutes=n) for n in (3, 2, 1)]


def test_list_imports_pages_cover_every_import_once(m: Any, lex: Any) -> None:
    ids = {start(lex, to_zip(bot_files()), bot_spec(f"Bot{n}"))["importId"] for n in range(5)}
    pages: list[list[str]] = []
    kwargs: dict[str, Any] = {"maxResults": 2}
    while True:
        page = lex.list_imports(**kwargs)
        pages.append([s["importId"] for s in page["importSummaries"]])
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    assert [len(page) for page in pages] == [2, 2, 1]
    seen = [import_id for page in pages for import_id in page]
    assert sorted(seen) == sorted(ids)
    assert seen == listed(lex)  # the pages follow the listing's order


def test_list_imports_token_survives_new_imports(m: Any, lex: Any) -> None:
    first = [start(lex, to_zip(bot_files()), bot_spec(f"Bot{n}"))["importId"] for n in range(3)]
    page = lex.list_imports(maxResults=2)
    assert [s["importId"] for s in page["importSummaries"]] == first[:0:-1]
    newer = start(lex, to_zip(bot_files()), bot_spec("Newer"))["importId"]
    rest = lex.list_imports(maxResults=2, nextToken=page["nextToken"])
    # The newest import sorts before the token's position: no repeat, no gap.
    assert [s["importId"] for s in rest["importSummaries"]] == [first[0]]
    assert "nextToken" not in rest
    assert listed(lex)[0] == newer


def test_list_imports_refuses_a_token_it_did_not_issue(m: Any, lex: Any) -> None:
    with pytest.raises(lex.exceptions.ValidationException) as caught:
        lex.list_imports(nextToken="bogus-token")
    assert error_of(caught.value) == (
        "ValidationException",
        "The nextToken 'bogus-token' is not valid.",
        400,
    )


def test_list_imports_refuses_a_token_from_list_exports(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    spec = {"botExportSpecification": {"botId": bot_id, "botVersion": "DRAFT"}}
    for _ in range(2):
        lex.create_export(resourceSpecification=spec, fileFormat="LexJson")
    token = lex.list_exports(maxResults=1)["nextToken"]
    with pytest.raises(lex.exceptions.ValidationException) as caught:
        lex.list_imports(nextToken=token)
    assert error_of(caught.value)[1] == f"The nextToken '{token}' is not valid."


def test_list_imports_max_results_out_of_range(importmock: Any) -> None:
    client = session_client(config=botocore.config.Config(parameter_validation=False))
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.list_imports(maxResults=0)
    assert error_of(caught.value) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy "
        "constraint: Member must have value greater than or equal to 1",
        400,
    )


def test_imports_are_forgotten_after_seven_days() -> None:
    with freeze_time(NOON) as frozen, mock_imports() as m:
        lex = session_client()
        old = run_import(m, lex, to_zip(bot_files()), bot_spec("Old"))
        frozen.tick(datetime.timedelta(days=1))
        young = run_import(m, lex, to_zip(bot_files()), bot_spec("Young"))

        frozen.move_to(NOON + datetime.timedelta(days=7, seconds=-1))
        assert set(listed(lex)) == {old["importId"], young["importId"]}
        assert describe(lex, old["importId"])["importStatus"] == "Completed"

        frozen.move_to(NOON + datetime.timedelta(days=7, seconds=1))
        assert listed(lex) == [young["importId"]]  # six days old: still kept
        with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
            describe(lex, old["importId"])
        assert error_of(caught.value) == (
            "ResourceNotFoundException",
            f"The import {old['importId']} does not exist.",
            404,
        )
        # Only the record goes: the bot it imported stays.
        assert lex.describe_bot(botId=old["importedResourceId"])["botName"] == "Old"


# -- DeleteImport ----------------------------------------------------------------------
def test_delete_import_removes_the_record_but_not_the_bot(m: Any, lex: Any) -> None:
    created = lex.create_upload_url()
    import_id = created["importId"]
    assert requests.put(created["uploadUrl"], data=to_zip(bot_files())).status_code == 200
    lex.start_import(
        importId=import_id, resourceSpecification=bot_spec(), mergeStrategy="FailOnConflict"
    )
    bot_id = describe(lex, import_id)["importedResourceId"]
    kept = import_bot(m, lex, "OtherBot")
    deleted = lex.delete_import(importId=import_id)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert {k: v for k, v in deleted.items() if k != "ResponseMetadata"} == {
        "importId": import_id,
        "importStatus": "Deleting",
    }
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        describe(lex, import_id)
    assert error_of(caught.value)[1] == f"The import {import_id} does not exist."
    assert len(listed(lex)) == 1 and import_id not in listed(lex)
    bot = lex.describe_bot(botId=bot_id)
    assert (bot["botName"], bot["botStatus"]) == ("PizzaBot", "Available")
    assert lex.describe_bot(botId=kept)["botName"] == "OtherBot"
    # The upload slot is gone too: a PUT to its URL finds no key. (A GET is refused either
    # way: the URL is signed for PUT.)
    again = requests.put(created["uploadUrl"], data=b"x")
    assert again.status_code == 404
    assert "<Code>NoSuchKey</Code>" in again.text
    got = requests.get(created["uploadUrl"])
    assert got.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in got.text


def test_delete_a_failed_import(m: Any, lex: Any) -> None:
    failed = run_import(m, lex, b"not a zip", bot_spec())
    assert failed["importStatus"] == "Failed"
    assert failed["failureReasons"] == ["The uploaded file is not a valid .zip archive."]
    assert lex.delete_import(importId=failed["importId"])["importStatus"] == "Deleting"
    assert listed(lex) == []


@pytest.mark.importmock(progression="manual")
def test_deleted_import_stays_deleting_until_the_deletion_moves(m: Any, lex: Any) -> None:
    import_id = run_import(m, lex, to_zip(bot_files()), bot_spec())["importId"]
    assert lex.delete_import(importId=import_id)["importStatus"] == "Deleting"
    assert describe(lex, import_id)["importStatus"] == "Deleting"
    (summary,) = lex.list_imports()["importSummaries"]
    assert (summary["importId"], summary["importStatus"]) == (import_id, "Deleting")
    assert lex.delete_import(importId=import_id)["importStatus"] == "Deleting"  # idempotent
    m.advance(import_id)
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        describe(lex, import_id)
    assert listed(lex) == []


@pytest.mark.importmock(progression="reads")
def test_reads_mode_deletion_finishes_on_the_next_read(m: Any, lex: Any) -> None:
    import_id = start(lex, to_zip(bot_files()), bot_spec())["importId"]
    assert describe(lex, import_id)["importStatus"] == "Completed"
    assert lex.delete_import(importId=import_id)["importStatus"] == "Deleting"
    (job,) = m.jobs()
    assert (job.status, job.finished) == ("Deleting", False)  # nothing has read it yet
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        describe(lex, import_id)  # this read moves it to its end
    (job,) = m.jobs()
    assert (job.status, job.finished) == ("Deleted", True)
    assert listed(lex) == []


def test_time_mode_deletion_takes_three_seconds() -> None:
    with freeze_time(NOON) as frozen, mock_imports(progression="time") as m:
        lex = session_client()
        import_id = start(lex, to_zip(bot_files()), bot_spec())["importId"]
        frozen.tick(datetime.timedelta(seconds=3))
        assert describe(lex, import_id)["importStatus"] == "Completed"
        assert lex.delete_import(importId=import_id)["importStatus"] == "Deleting"
        frozen.tick(datetime.timedelta(seconds=2.9))
        deleting = describe(lex, import_id)
        assert deleting["importStatus"] == "Deleting"
        assert deleting["lastUpdatedDateTime"] == NOON + datetime.timedelta(seconds=3)
        assert [job.status for job in m.jobs()] == ["Deleting"]
        frozen.tick(datetime.timedelta(seconds=0.1))
        with pytest.raises(lex.exceptions.ResourceNotFoundException):
            describe(lex, import_id)
        assert listed(lex) == []


@pytest.mark.importmock(progression="reads")
def test_reads_mode_listing_does_not_show_an_import_it_finishes_deleting(m: Any, lex: Any) -> None:
    import_id = start(lex, to_zip(bot_files()), bot_spec())["importId"]
    assert describe(lex, import_id)["importStatus"] == "Completed"
    assert lex.delete_import(importId=import_id)["importStatus"] == "Deleting"
    summaries = lex.list_imports()["importSummaries"]
    assert summaries == []  # the listing's read finished the deletion
    (job,) = m.jobs()
    assert (job.status, job.finished) == ("Deleted", True)


@pytest.mark.importmock(progression="manual")
def test_delete_import_in_progress_fails_its_precondition(m: Any, lex: Any) -> None:
    import_id = start(lex, to_zip(bot_files()), bot_spec())["importId"]
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_import(importId=import_id)
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"The import {import_id} is InProgress; it can be deleted once it has finished.",
        412,
    )
    m.settle()
    assert describe(lex, import_id)["importStatus"] == "Completed"


def test_delete_import_of_an_unknown_id_fails_its_precondition(lex: Any) -> None:
    # DeleteImport declares no ResourceNotFoundException; PreconditionFailed is what it has.
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_import(importId="ABCDEFGHIJ")
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        "The import ABCDEFGHIJ does not exist.",
        412,
    )


# -- BotImportCompleted waiter ---------------------------------------------------------
def test_bot_import_completed_waiter_in_immediate_mode(m: Any, lex: Any) -> None:
    import_id = start(lex, to_zip(bot_files()), bot_spec())["importId"]
    lex.get_waiter("bot_import_completed").wait(importId=import_id)
    assert describe(lex, import_id)["importStatus"] == "Completed"


@pytest.mark.importmock(progression="reads")
def test_bot_import_completed_waiter_in_reads_mode(m: Any, lex: Any) -> None:
    import_id = start(lex, to_zip(bot_files()), bot_spec())["importId"]
    lex.get_waiter("bot_import_completed").wait(
        importId=import_id, WaiterConfig={"Delay": 0, "MaxAttempts": 3}
    )
    assert [c.operation for c in m.calls].count("DescribeImport") == 1
    bot_id = describe(lex, import_id)["importedResourceId"]
    assert lex.describe_bot(botId=bot_id)["botName"] == "PizzaBot"


@pytest.mark.parametrize(
    "mode",
    [
        pytest.param("immediate", marks=pytest.mark.importmock(progression="immediate")),
        pytest.param("reads", marks=pytest.mark.importmock(progression="reads")),
    ],
)
def test_bot_import_completed_waiter_fails_on_a_failed_import(m: Any, lex: Any, mode: str) -> None:
    import_id = start(lex, b"not a zip", bot_spec())["importId"]
    with pytest.raises(WaiterError) as caught:
        lex.get_waiter("bot_import_completed").wait(
            importId=import_id, WaiterConfig={"Delay": 0, "MaxAttempts": 3}
        )
    assert "terminal failure state" in str(caught.value)
    last = caught.value.last_response
    assert last["importStatus"] == "Failed"
    assert last["failureReasons"] == ["The uploaded file is not a valid .zip archive."]

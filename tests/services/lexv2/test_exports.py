"""Lex V2 exports: CreateExport, DescribeExport, UpdateExport, DeleteExport, ListExports,
the archives they serve and the BotExportCompleted waiter, all through boto3 and
``requests``."""

from __future__ import annotations

import datetime
import json
import re
import zipfile
import zlib
from typing import Any

import botocore.config
import pytest
import requests
from botocore.exceptions import WaiterError
from freezegun import freeze_time

from importmock import mock_imports

from .archives import (
    ROLE,
    bot_files,
    intent,
    locale_archive_files,
    pizza_locale,
    slot,
    slot_type,
    to_zip,
    unzip,
)
from .conftest import (
    ACCOUNT,
    LEX_ID,
    REGION,
    bot_spec,
    create_bot,
    error_of,
    import_bot,
    intents_by_name,
    run_import,
    session_client,
    start,
)

NOON = datetime.datetime(2026, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
VOCABULARY_PATH = "PizzaBot/BotLocales/en_US/CustomVocabulary/CustomVocabulary.tsv"
SPEC_NAMES = (
    "botExportSpecification, botLocaleExportSpecification, "
    "customVocabularyExportSpecification, testSetExportSpecification"
)


# -- helpers ---------------------------------------------------------------------------
def bot_export(bot_id: str, version: str = "DRAFT") -> dict[str, Any]:
    return {"botExportSpecification": {"botId": bot_id, "botVersion": version}}


def locale_export(bot_id: str, locale_id: str = "en_US") -> dict[str, Any]:
    return {
        "botLocaleExportSpecification": {
            "botId": bot_id,
            "botVersion": "DRAFT",
            "localeId": locale_id,
        }
    }


def vocabulary_export(bot_id: str, locale_id: str = "en_US") -> dict[str, Any]:
    return {
        "customVocabularyExportSpecification": {
            "botId": bot_id,
            "botVersion": "DRAFT",
            "localeId": locale_id,
        }
    }


def create(lex: Any, spec: dict[str, Any], file_format: str = "LexJson", **extra: Any) -> str:
    """CreateExport; the exportId."""
    return str(
        lex.create_export(resourceSpecification=spec, fileFormat=file_format, **extra)["exportId"]
    )


def download(lex: Any, export_id: str) -> bytes:
    """DescribeExport (which must say Completed), then GET its downloadUrl; the body."""
    described = lex.describe_export(exportId=export_id)
    assert described["exportStatus"] == "Completed"
    response = requests.get(described["downloadUrl"])
    assert response.status_code == 200, response.text
    return response.content


def exported_files(lex: Any, spec: dict[str, Any], file_format: str = "LexJson") -> dict[str, Any]:
    return unzip(download(lex, create(lex, spec, file_format)))


def opens_with(body: bytes, password: str) -> bool:
    """Whether the standard library reads every file of ``body`` with ``password``.

    A wrong ZipCrypto password passes the one-byte header check 1 time in 256; reading
    then fails in zlib or on the CRC instead of with "Bad password".
    """
    try:
        unzip(body, password)
    except (RuntimeError, zlib.error, zipfile.BadZipFile):
        return False
    return True


def listed(lex: Any, **kwargs: Any) -> list[str]:
    """The exportIds of one ListExports page, in the order listed."""
    return [s["exportId"] for s in lex.list_exports(**kwargs)["exportSummaries"]]


def without(data: Any, *names: str) -> dict[str, Any]:
    return {k: v for k, v in dict(data).items() if k not in {"ResponseMetadata", *names}}


# -- CreateExport and DescribeExport ----------------------------------------------------
def test_create_export_answers_202_in_progress_then_describe_says_completed(
    m: Any, lex: Any
) -> None:
    bot_id = import_bot(m, lex)
    created = lex.create_export(resourceSpecification=bot_export(bot_id), fileFormat="LexJson")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert re.fullmatch(LEX_ID, created["exportId"])
    assert without(created, "creationDateTime") == {
        "exportId": created["exportId"],
        "resourceSpecification": bot_export(bot_id),
        "fileFormat": "LexJson",
        "exportStatus": "InProgress",
    }
    described = lex.describe_export(exportId=created["exportId"])
    assert described["exportStatus"] == "Completed"
    assert described["creationDateTime"] == created["creationDateTime"]
    assert described["lastUpdatedDateTime"] >= described["creationDateTime"]
    assert described["downloadUrl"].startswith("https://")
    assert "failureReasons" not in described
    response = requests.get(described["downloadUrl"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.content[:4] == b"PK\x03\x04"


def test_bot_export_archive_has_the_lex_layout(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    files = exported_files(lex, bot_export(bot_id))
    # The same paths as the archive the bot was imported from: manifest, Bot.json, and per
    # locale BotLocale.json, intents with their slots, slot types and the vocabulary.
    assert set(files) == set(bot_files())
    assert json.loads(files["manifest.json"]) == {
        "metadata": {"schemaVersion": "1.0", "fileFormat": "LexJson", "resourceType": "Bot"}
    }
    for locale_id in ("en_US", "en_GB"):
        root = f"PizzaBot/BotLocales/{locale_id}/"
        locale = json.loads(files[root + "BotLocale.json"])
        # BotLocale.json names the locale as Lex shows it; the draft has no version.
        assert (locale["name"], locale["identifier"], locale["version"]) == (
            {"en_US": "English (US)", "en_GB": "English (UK)"}[locale_id],
            locale_id,
            None,
        )
        assert locale["nluConfidenceThreshold"] == 0.4
        assert locale["voiceSettings"] == {"voiceId": "Joanna", "engine": "neural"}
        assert root + "Intents/OrderPizza/Slots/crust/Slot.json" in files
        assert root + "SlotTypes/PizzaSize/SlotType.json" in files
        assert root + "CustomVocabulary/CustomVocabulary.json" in files


def test_exported_intent_names_its_slot_priorities_and_slots_name_their_types(
    m: Any, lex: Any
) -> None:
    bot_id = import_bot(m, lex)
    files = exported_files(lex, bot_export(bot_id))
    root = "PizzaBot/BotLocales/en_US/"
    order = json.loads(files[root + "Intents/OrderPizza/Intent.json"])
    assert order["name"] == "OrderPizza"
    assert order["identifier"] == intents_by_name(lex, bot_id)["OrderPizza"]
    assert order["slotPriorities"] == [
        {"priority": 1, "slotName": "size"},
        {"priority": 2, "slotName": "crust"},
        {"priority": 3, "slotName": "count"},
    ]
    assert json.loads(files[root + "Intents/Greeting/Intent.json"])["slotPriorities"] == []
    slot_types = {
        name: json.loads(files[f"{root}Intents/{intent}/Slots/{name}/Slot.json"])["slotTypeName"]
        for intent, name in (
            ("OrderPizza", "size"),
            ("OrderPizza", "crust"),
            ("OrderPizza", "count"),
            ("CheckStatus", "orderId"),
        )
    }
    assert slot_types == {
        "size": "PizzaSize",
        "crust": "CrustType",
        "count": "AMAZON.Number",
        "orderId": "AMAZON.AlphaNumeric",
    }
    size_type = json.loads(files[root + "SlotTypes/PizzaSize/SlotType.json"])
    assert size_type["slotTypeValues"] == [
        {"sampleValue": {"value": v}, "synonyms": None} for v in ("small", "medium", "large")
    ]
    assert json.loads(files[root + "CustomVocabulary/CustomVocabulary.json"]) == {
        "customVocabularyItems": [
            {"phrase": "margherita", "weight": 3},
            {"phrase": "quattro formaggi", "weight": 1, "displayAs": "Quattro Formaggi"},
        ]
    }


def test_bot_json_leaves_out_the_role_and_the_tags(m: Any, lex: Any) -> None:
    done = run_import(
        m,
        lex,
        to_zip(bot_files()),
        bot_spec(botTags={"team": "crust-team"}, testBotAliasTags={"stage": "alias-stage"}),
    )
    bot_id = done["importedResourceId"]
    assert lex.describe_bot(botId=bot_id)["roleArn"] == ROLE
    arn = f"arn:aws:lex:{REGION}:{ACCOUNT}:bot/{bot_id}"
    assert lex.list_tags_for_resource(resourceARN=arn)["tags"] == {"team": "crust-team"}
    files = exported_files(lex, bot_export(bot_id))
    assert json.loads(files["PizzaBot/Bot.json"]) == {
        "name": "PizzaBot",
        "identifier": bot_id,
        "version": None,
        "description": "PizzaBot from an archive",
        "dataPrivacy": {"childDirected": False},
        "idleSessionTTLInSeconds": 600,
        "errorLogSettings": None,
    }
    for body in files.values():
        assert ROLE.encode() not in body
        assert b"crust-team" not in body and b"alias-stage" not in body


def test_bot_locale_export_holds_only_that_locale(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    files = exported_files(lex, locale_export(bot_id, "en_GB"))
    assert set(files) == set(locale_archive_files("en_GB", pizza_locale("en_GB")))
    assert "PizzaBot/Bot.json" not in files
    assert not any("/en_US/" in name for name in files)
    assert json.loads(files["manifest.json"]) == {
        "metadata": {
            "schemaVersion": "1.0",
            "fileFormat": "LexJson",
            "resourceType": "BotLocale",
        }
    }


def test_custom_vocabulary_export_is_one_tsv_file(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    files = exported_files(lex, vocabulary_export(bot_id), "TSV")
    assert set(files) == {"manifest.json", VOCABULARY_PATH}
    assert json.loads(files["manifest.json"]) == {
        "metadata": {
            "schemaVersion": "1.0",
            "fileFormat": "TSV",
            "resourceType": "CustomVocabulary",
        }
    }
    assert files[VOCABULARY_PATH].decode().splitlines() == [
        "phrase\tweight\tdisplayAs",
        "margherita\t3\t",
        "quattro formaggi\t1\tQuattro Formaggi",
    ]


def test_custom_vocabulary_export_refuses_lex_json(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    with pytest.raises(lex.exceptions.ValidationException) as caught:
        create(lex, vocabulary_export(bot_id), "LexJson")
    assert error_of(caught.value) == (
        "ValidationException",
        "A CustomVocabulary export needs fileFormat TSV; got LexJson.",
        400,
    )


def test_bot_export_refuses_tsv(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    with pytest.raises(lex.exceptions.ValidationException) as caught:
        create(lex, bot_export(bot_id), "TSV")
    assert error_of(caught.value) == (
        "ValidationException",
        "A Bot export needs fileFormat LexJson; got TSV.",
        400,
    )
    assert lex.list_exports()["exportSummaries"] == []


def test_custom_vocabulary_export_of_a_locale_without_one_is_not_found(lex: Any) -> None:
    bot_id = create_bot(lex)
    lex.create_bot_locale(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", nluIntentConfidenceThreshold=0.4
    )
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        create(lex, vocabulary_export(bot_id), "TSV")
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        "Locale en_US has no custom vocabulary to export.",
        404,
    )


# -- passwords -------------------------------------------------------------------------
def test_protected_export_opens_only_with_its_password(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    body = download(lex, create(lex, bot_export(bot_id), filePassword="s3cret"))
    with pytest.raises(RuntimeError, match="password required"):
        unzip(body)
    assert not opens_with(body, "wrong")
    files = unzip(body, "s3cret")
    assert set(files) == set(bot_files())
    assert json.loads(files["manifest.json"])["metadata"]["resourceType"] == "Bot"


def test_update_export_changes_the_password_of_the_served_archive(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    export_id = create(lex, bot_export(bot_id), filePassword="old")
    assert set(unzip(download(lex, export_id), "old")) == set(bot_files())
    updated = lex.update_export(exportId=export_id, filePassword="new")
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert updated["exportId"] == export_id
    assert updated["exportStatus"] == "Completed"
    assert updated["resourceSpecification"] == bot_export(bot_id)
    body = download(lex, export_id)
    assert set(unzip(body, "new")) == set(bot_files())
    assert not opens_with(body, "old")


# -- the download URL ------------------------------------------------------------------
def test_download_url_expires_after_five_minutes() -> None:
    with freeze_time(NOON) as frozen, mock_imports() as m:
        lex = session_client()
        bot_id = import_bot(m, lex)
        export_id = create(lex, bot_export(bot_id))
        url = lex.describe_export(exportId=export_id)["downloadUrl"]
        frozen.tick(datetime.timedelta(seconds=300))
        assert requests.get(url).status_code == 200  # still valid at exactly 5 minutes
        frozen.tick(datetime.timedelta(seconds=1))
        expired = requests.get(url)
        assert expired.status_code == 403
        assert "<Code>AccessDenied</Code>" in expired.text
        assert "Request has expired" in expired.text
        # A fresh DescribeExport hands out a fresh URL.
        assert requests.get(lex.describe_export(exportId=export_id)["downloadUrl"]).ok


def test_update_export_moves_its_last_update_time() -> None:
    with freeze_time(NOON) as frozen, mock_imports() as m:
        lex = session_client()
        bot_id = import_bot(m, lex)
        first = create(lex, bot_export(bot_id), filePassword="old")
        frozen.tick(datetime.timedelta(minutes=1))
        second = create(lex, locale_export(bot_id))
        frozen.tick(datetime.timedelta(minutes=1))
        updated = lex.update_export(exportId=first, filePassword="new")
        assert updated["creationDateTime"] == NOON
        assert updated["lastUpdatedDateTime"] == NOON + datetime.timedelta(minutes=2)
        described = lex.describe_export(exportId=first)
        assert described["lastUpdatedDateTime"] == NOON + datetime.timedelta(minutes=2)
        assert listed(lex) == [first, second]  # the update makes it the newest


def test_exports_are_forgotten_after_seven_days() -> None:
    with freeze_time(NOON) as frozen, mock_imports() as m:
        lex = session_client()
        bot_id = import_bot(m, lex)
        old = create(lex, bot_export(bot_id))
        frozen.tick(datetime.timedelta(days=1))
        young = create(lex, locale_export(bot_id))
        frozen.move_to(NOON + datetime.timedelta(days=7))
        assert listed(lex) == [young, old]  # exactly seven days old: still kept
        frozen.tick(datetime.timedelta(seconds=1))
        assert listed(lex) == [young]
        with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
            lex.describe_export(exportId=old)
        assert error_of(caught.value)[1] == f"The export {old} does not exist."


def test_forgotten_export_no_longer_serves_its_archive() -> None:
    with freeze_time(NOON) as frozen, mock_imports() as m:
        lex = session_client()
        bot_id = import_bot(m, lex)
        export_id = create(lex, bot_export(bot_id))
        frozen.move_to(NOON + datetime.timedelta(days=7))
        url = lex.describe_export(exportId=export_id)["downloadUrl"]
        frozen.tick(datetime.timedelta(seconds=1))  # the export is forgotten; URL unexpired
        assert listed(lex) == []
        gone = requests.get(url)
        assert gone.status_code == 404
        assert "<Code>NoSuchKey</Code>" in gone.text


# -- errors ----------------------------------------------------------------------------
def test_describe_export_of_an_unknown_id_is_not_found(lex: Any) -> None:
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        lex.describe_export(exportId="ABCDEFGHIJ")
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        "The export ABCDEFGHIJ does not exist.",
        404,
    )


def test_export_of_an_unknown_bot_is_not_found(lex: Any) -> None:
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        create(lex, bot_export("ABCDEFGHIJ"))
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        "Bot ABCDEFGHIJ does not exist.",
        404,
    )


def test_export_of_a_bot_version_that_does_not_exist_is_not_found(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        create(lex, bot_export(bot_id, version="1"))
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Bot {bot_id} has no version 1.",
        404,
    )


def test_export_of_a_missing_locale_is_not_found(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        create(lex, locale_export(bot_id, "fr_FR"))
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Bot {bot_id} version DRAFT has no locale fr_FR.",
        404,
    )


@pytest.mark.parametrize("count", [0, 2])
def test_resource_specification_must_set_exactly_one_member(m: Any, lex: Any, count: int) -> None:
    bot_id = import_bot(m, lex)
    spec = {**bot_export(bot_id), **locale_export(bot_id)} if count == 2 else {}
    client = session_client(config=botocore.config.Config(parameter_validation=False))
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.create_export(resourceSpecification=spec, fileFormat="LexJson")
    assert error_of(caught.value) == (
        "ValidationException",
        f"resourceSpecification must set exactly one of {SPEC_NAMES}; it sets {count}.",
        400,
    )


@pytest.mark.importmock(progression="manual")
def test_second_export_of_a_resource_in_progress_conflicts(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    first = create(lex, bot_export(bot_id))
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        create(lex, bot_export(bot_id))
    assert error_of(caught.value) == (
        "ConflictException",
        f"Export {first} of this resource is still InProgress.",
        409,
    )
    other = create(lex, locale_export(bot_id))  # another resource of the same bot is fine
    assert listed(lex) == [other, first]
    m.settle()
    again = create(lex, bot_export(bot_id))  # once the first has completed
    assert again not in (first, other)


# -- DeleteExport ----------------------------------------------------------------------
def test_delete_export_removes_it_and_its_archive(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    export_id = create(lex, bot_export(bot_id))
    kept = create(lex, locale_export(bot_id))
    url = lex.describe_export(exportId=export_id)["downloadUrl"]
    deleted = lex.delete_export(exportId=export_id)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert without(deleted) == {"exportId": export_id, "exportStatus": "Deleting"}
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        lex.describe_export(exportId=export_id)
    assert error_of(caught.value)[1] == f"The export {export_id} does not exist."
    gone = requests.get(url)
    assert gone.status_code == 404
    assert "<Code>NoSuchKey</Code>" in gone.text
    assert listed(lex) == [kept]
    assert lex.describe_bot(botId=bot_id)["botStatus"] == "Available"


@pytest.mark.importmock(progression="manual")
def test_export_stays_deleting_until_the_deletion_moves(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    export_id = create(lex, bot_export(bot_id))
    m.settle()
    assert lex.delete_export(exportId=export_id)["exportStatus"] == "Deleting"
    described = lex.describe_export(exportId=export_id)
    assert described["exportStatus"] == "Deleting"
    assert "downloadUrl" not in described
    assert lex.delete_export(exportId=export_id)["exportStatus"] == "Deleting"  # idempotent
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        lex.update_export(exportId=export_id, filePassword="late")
    assert error_of(caught.value) == (
        "ConflictException",
        f"The export {export_id} is being deleted.",
        409,
    )
    m.settle()
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.describe_export(exportId=export_id)


@pytest.mark.importmock(progression="manual")
def test_delete_export_in_progress_fails_its_precondition(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    export_id = create(lex, bot_export(bot_id))
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_export(exportId=export_id)
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"The export {export_id} is InProgress; it can be deleted once it has finished.",
        412,
    )
    assert lex.describe_export(exportId=export_id)["exportStatus"] == "InProgress"


def test_delete_export_of_an_unknown_id_fails_its_precondition(lex: Any) -> None:
    # DeleteExport declares no ResourceNotFoundException; PreconditionFailed is what it has.
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_export(exportId="ABCDEFGHIJ")
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        "The export ABCDEFGHIJ does not exist.",
        412,
    )


@pytest.mark.importmock(progression="reads")
def test_reads_mode_listing_does_not_show_an_export_it_finishes_deleting(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    export_id = create(lex, bot_export(bot_id))
    assert lex.describe_export(exportId=export_id)["exportStatus"] == "Completed"
    assert lex.delete_export(exportId=export_id)["exportStatus"] == "Deleting"
    summaries = lex.list_exports()["exportSummaries"]
    assert summaries == []  # the listing's read finished the deletion
    assert [(j.status, j.finished) for j in m.jobs() if j.job_id == export_id] == [
        ("Deleted", True)
    ]
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.describe_export(exportId=export_id)


# -- ListExports -----------------------------------------------------------------------
def test_list_exports_filters_by_bot_and_locale(m: Any, lex: Any) -> None:
    pizza = import_bot(m, lex)
    other = import_bot(m, lex, "OtherBot")
    pizza_bot = create(lex, bot_export(pizza))
    pizza_gb = create(lex, locale_export(pizza, "en_GB"))
    pizza_words = create(lex, vocabulary_export(pizza), "TSV")
    other_us = create(lex, locale_export(other, "en_US"))
    other_bot = create(lex, bot_export(other))

    assert listed(lex) == [other_bot, other_us, pizza_words, pizza_gb, pizza_bot]
    by_bot = lex.list_exports(botId=pizza, botVersion="DRAFT")
    assert [s["exportId"] for s in by_bot["exportSummaries"]] == [
        pizza_words,
        pizza_gb,
        pizza_bot,
    ]
    assert (by_bot["botId"], by_bot["botVersion"]) == (pizza, "DRAFT")
    assert "localeId" not in by_bot
    assert listed(lex, localeId="en_US") == [other_us, pizza_words]
    scoped = lex.list_exports(botId=pizza, localeId="en_US")
    assert [s["exportId"] for s in scoped["exportSummaries"]] == [pizza_words]
    assert (scoped["botId"], scoped["localeId"]) == (pizza, "en_US")
    assert listed(lex, botId=other, localeId="en_GB") == []
    assert listed(lex, botId=pizza, botVersion="1") == []


def test_list_exports_filters_by_resource_type(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    whole = create(lex, bot_export(bot_id))
    locale = create(lex, locale_export(bot_id))
    words = create(lex, vocabulary_export(bot_id), "TSV")

    def by_type(operator: str, value: str) -> list[str]:
        filters = [{"name": "ExportResourceType", "values": [value], "operator": operator}]
        return listed(lex, filters=filters)

    assert by_type("EQ", "BotLocale") == [locale]
    assert by_type("EQ", "Bot") == [whole]
    assert by_type("CO", "Bot") == [locale, whole]  # BotLocale contains "Bot"
    assert by_type("EQ", "CustomVocabulary") == [words]
    assert by_type("CO", "vocab") == [words]


def test_list_exports_sorts_by_last_update() -> None:
    with freeze_time(NOON) as frozen, mock_imports() as m:
        lex = session_client()
        bot_id = import_bot(m, lex)
        ids = []
        for spec in (bot_export(bot_id), locale_export(bot_id), locale_export(bot_id, "en_GB")):
            frozen.tick(datetime.timedelta(minutes=1))
            ids.append(create(lex, spec))

        def order(direction: str) -> list[str]:
            sort = {"attribute": "LastUpdatedDateTime", "order": direction}
            return listed(lex, sortBy=sort)

        assert order("Ascending") == ids
        assert order("Descending") == ids[::-1]
        assert listed(lex) == ids[::-1]  # newest first by default
        updated = [s["lastUpdatedDateTime"] for s in lex.list_exports()["exportSummaries"]]
        assert updated == [NOON + datetime.timedelta(minutes=n) for n in (3, 2, 1)]


def test_list_exports_pages_cover_every_export_once(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    ids = {create(lex, bot_export(bot_id)) for _ in range(5)}
    seen: list[str] = []
    pages = []
    kwargs: dict[str, Any] = {"maxResults": 2}
    while True:
        page = lex.list_exports(**kwargs)
        pages.append(len(page["exportSummaries"]))
        seen += [s["exportId"] for s in page["exportSummaries"]]
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    assert pages == [2, 2, 1]
    assert sorted(seen) == sorted(ids)


def test_list_exports_refuses_a_token_it_did_not_issue(lex: Any) -> None:
    with pytest.raises(lex.exceptions.ValidationException) as caught:
        lex.list_exports(nextToken="not-a-token")
    assert error_of(caught.value) == (
        "ValidationException",
        "The nextToken 'not-a-token' is not valid.",
        400,
    )


@pytest.mark.parametrize(
    ("max_results", "constraint"),
    [(0, "greater than or equal to 1"), (1001, "less than or equal to 1000")],
)
def test_list_exports_max_results_out_of_range(
    importmock: Any, max_results: int, constraint: str
) -> None:
    client = session_client(config=botocore.config.Config(parameter_validation=False))
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.list_exports(maxResults=max_results)
    assert error_of(caught.value) == (
        "ValidationException",
        f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to "
        f"satisfy constraint: Member must have value {constraint}",
        400,
    )


# -- round trips -----------------------------------------------------------------------
def _definition(lex: Any, bot_id: str) -> dict[str, Any]:
    """Everything a bot's DRAFT holds, with ids, timestamps and statuses left out."""
    draft = {"botId": bot_id, "botVersion": "DRAFT"}
    stamps = ("botId", "creationDateTime", "lastUpdatedDateTime")
    locales = {}
    for summary in lex.list_bot_locales(**draft)["botLocaleSummaries"]:
        where = {**draft, "localeId": summary["localeId"]}
        setting = without(
            lex.describe_bot_locale(**where),
            *stamps,
            "botLocaleStatus",
            "lastBuildSubmittedDateTime",
        )
        type_names = {
            t["slotTypeId"]: t["slotTypeName"]
            for t in lex.list_slot_types(**where, maxResults=100)["slotTypeSummaries"]
        }
        slot_types = {
            name: without(
                lex.describe_slot_type(slotTypeId=type_id, **where), "slotTypeId", *stamps
            )
            for type_id, name in type_names.items()
        }
        intents = {}
        for name, intent_id in intents_by_name(lex, bot_id, summary["localeId"]).items():
            intent = without(lex.describe_intent(intentId=intent_id, **where), "intentId", *stamps)
            slots = {}
            slot_names = {}
            for s in lex.list_slots(**where, intentId=intent_id)["slotSummaries"]:
                slot = without(
                    lex.describe_slot(slotId=s["slotId"], intentId=intent_id, **where),
                    "slotId",
                    "intentId",
                    *stamps,
                )
                slot["slotTypeId"] = type_names.get(slot["slotTypeId"], slot["slotTypeId"])
                slots[s["slotName"]] = slot
                slot_names[s["slotId"]] = s["slotName"]
            if "slotPriorities" in intent:
                intent["slotPriorities"] = [
                    {"priority": p["priority"], "slot": slot_names[p["slotId"]]}
                    for p in intent["slotPriorities"]
                ]
            intents[name] = {"intent": intent, "slots": slots}
        words = lex.list_custom_vocabulary_items(**where)["customVocabularyItems"]
        locales[summary["localeId"]] = {
            "settings": setting,
            "slotTypes": slot_types,
            "intents": intents,
            "vocabulary": [without(item, "itemId") for item in words],
        }
    bot = without(lex.describe_bot(botId=bot_id), "botId", "botName", "botStatus", *stamps)
    return {"bot": bot, "locales": locales}


def _import_copy(m: Any, lex: Any, body: bytes, name: str, **extra: Any) -> str:
    done = run_import(m, lex, body, bot_spec(name), "FailOnConflict", **extra)
    assert done["importStatus"] == "Completed", done.get("failureReasons")
    return str(done["importedResourceId"])


def test_exported_bot_imports_back_as_an_identical_bot(m: Any, lex: Any) -> None:
    original = import_bot(m, lex)
    body = download(lex, create(lex, bot_export(original)))
    copy = _import_copy(m, lex, body, "PizzaCopy")
    assert copy != original
    assert lex.describe_bot(botId=copy)["botName"] == "PizzaCopy"
    expected = _definition(lex, original)
    assert set(expected["locales"]) == {"en_US", "en_GB"}
    us = expected["locales"]["en_US"]
    assert set(us["intents"]) == {"OrderPizza", "CheckStatus", "Greeting", "FallbackIntent"}
    assert set(us["intents"]["OrderPizza"]["slots"]) == {"size", "crust", "count"}
    assert us["intents"]["OrderPizza"]["slots"]["size"]["slotTypeId"] == "PizzaSize"
    assert set(us["slotTypes"]) == {"PizzaSize", "CrustType"}
    assert len(us["vocabulary"]) == 2
    assert _definition(lex, copy) == expected


def test_protected_export_imports_back_with_its_password(m: Any, lex: Any) -> None:
    original = import_bot(m, lex)
    body = download(lex, create(lex, bot_export(original), filePassword="pizza-pw"))
    refused = run_import(m, lex, body, bot_spec("NoPassword"))
    assert refused["importStatus"] == "Failed"
    assert refused["failureReasons"] == [
        "The archive is password protected; give its password in filePassword."
    ]
    copy = _import_copy(m, lex, body, "PizzaCopy", filePassword="pizza-pw")
    assert _definition(lex, copy) == _definition(lex, original)


def _rich_locale() -> dict[str, Any]:
    """The pizza locale plus settings the plain one lacks: contexts, code hooks, an
    extended slot type with a regex filter, a multi-value obfuscated slot."""
    locale = pizza_locale("en_US")
    locale["intents"].append(
        intent(
            "Contextual",
            ["context please"],
            inputContexts=[{"name": "ctxA"}],
            outputContexts=[{"name": "ctxB", "timeToLiveInSeconds": 90, "turnsToLive": 5}],
            dialogCodeHook={"enabled": True},
        )
    )
    code_type = slot_type(
        "OrderCode",
        [],
        parentSlotTypeSignature="AMAZON.AlphaNumeric",
        valueSelectionSetting={
            "resolutionStrategy": "ORIGINAL_VALUE",
            "regexFilter": {"pattern": "[A-Z]{3}"},
        },
    )
    del code_type["slotTypeValues"]
    locale["slot_types"].append(code_type)
    code = slot("code", "OrderCode")
    code["multipleValuesSetting"] = {"allowMultipleValues": True}
    code["obfuscationSetting"] = {"obfuscationSettingType": "DefaultObfuscation"}
    locale["intents"].append(intent("Codes", ["code {code}"], [code]))
    return locale


def test_richer_settings_survive_the_round_trip(m: Any, lex: Any) -> None:
    original = import_bot(
        m, lex, locales={"en_US": _rich_locale()}, errorLogSettings={"enabled": True}
    )
    copy = _import_copy(m, lex, download(lex, create(lex, bot_export(original))), "RichCopy")
    expected = _definition(lex, original)
    us = expected["locales"]["en_US"]
    assert expected["bot"]["errorLogSettings"] == {"enabled": True}
    assert us["intents"]["Contextual"]["intent"]["outputContexts"] == [
        {"name": "ctxB", "timeToLiveInSeconds": 90, "turnsToLive": 5}
    ]
    assert us["slotTypes"]["OrderCode"]["parentSlotTypeSignature"] == "AMAZON.AlphaNumeric"
    assert us["intents"]["Codes"]["slots"]["code"]["multipleValuesSetting"] == {
        "allowMultipleValues": True
    }
    assert _definition(lex, copy) == expected


@pytest.mark.importmock(progression="manual")
def test_export_archive_holds_the_bot_as_it_was_when_the_export_started(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    export_id = create(lex, bot_export(bot_id))
    assert "downloadUrl" not in lex.describe_export(exportId=export_id)
    # Overwrite the bot's DRAFT with a single en_AU locale while the export runs.
    body = to_zip(bot_files(locales={"en_AU": pizza_locale("en_AU")}))
    import_id = start(lex, body, bot_spec(), "Overwrite")["importId"]
    m.advance(import_id)  # only the import moves; the export is still InProgress
    changed = lex.describe_import(importId=import_id)
    assert (changed["importStatus"], changed["importedResourceId"]) == ("Completed", bot_id)
    assert lex.describe_export(exportId=export_id)["exportStatus"] == "InProgress"
    locales = lex.list_bot_locales(botId=bot_id, botVersion="DRAFT")["botLocaleSummaries"]
    assert [s["localeId"] for s in locales] == ["en_AU"]
    m.advance(export_id)
    files = unzip(download(lex, export_id))
    assert set(files) == set(bot_files())  # en_US and en_GB, as when it started


# -- waiter ----------------------------------------------------------------------------
@pytest.mark.importmock(progression="reads")
def test_bot_export_completed_waiter_returns_once_completed(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    export_id = create(lex, bot_export(bot_id))
    waiter = lex.get_waiter("bot_export_completed")
    waiter.wait(exportId=export_id, WaiterConfig={"Delay": 0, "MaxAttempts": 3})
    describes = [c for c in m.calls if c.operation == "DescribeExport"]
    assert len(describes) == 1  # the first read moved it to Completed
    assert requests.get(lex.describe_export(exportId=export_id)["downloadUrl"]).ok


@pytest.mark.importmock(progression="reads")
def test_bot_export_completed_waiter_fails_on_a_failed_export(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    m.fail_next("lexv2-models", "The bot could not be exported.")
    export_id = create(lex, bot_export(bot_id))
    waiter = lex.get_waiter("bot_export_completed")
    with pytest.raises(WaiterError) as caught:
        waiter.wait(exportId=export_id, WaiterConfig={"Delay": 0, "MaxAttempts": 3})
    last = caught.value.last_response
    assert last["exportStatus"] == "Failed"
    assert last["failureReasons"] == ["The bot could not be exported."]
    assert "downloadUrl" not in last


@pytest.mark.importmock(progression="manual")
def test_an_export_being_deleted_does_not_block_a_new_export(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    first = create(lex, bot_export(bot_id))
    m.settle()
    lex.delete_export(exportId=first)

    second = create(lex, bot_export(bot_id))

    assert second != first
    assert lex.describe_export(exportId=second)["exportStatus"] == "InProgress"

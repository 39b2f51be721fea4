"""Numbered bot versions: CreateBotVersion from built DRAFT locales (or earlier versions),
their lifecycle and numbering, the Describe/List reads of a version's snapshot, exports of
a version, and deleting versions."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.helpers import error_of
from tests.services.lexv2.archives import (
    ROLE,
    intent,
    locale_archive_files,
    pizza_locale,
    to_zip,
    unzip,
)
from tests.services.lexv2.conftest import (
    create_bot,
    import_bot,
    intents_by_name,
    locale_spec,
    run_import,
)

BOTH = {"en_US": {"sourceBotVersion": "DRAFT"}, "en_GB": {"sourceBotVersion": "DRAFT"}}
NO_RESOURCE = "Failed to retrieve resource since it does not exist"
NO_PARENT = "Failed to retrieve parent resource since it does not exist"


# -- helpers ----------------------------------------------------------------------------
def built_bot(m: Any, lex: Any, name: str = "PizzaBot") -> str:
    """The imported pizza bot with both its locales built; its id."""
    bot_id = import_bot(m, lex, name)
    for locale_id in ("en_US", "en_GB"):
        lex.build_bot_locale(botId=bot_id, botVersion="DRAFT", localeId=locale_id)
    m.settle()
    return bot_id


def new_version(lex: Any, bot_id: str, spec: dict[str, Any] | None = None, **extra: Any) -> str:
    created = lex.create_bot_version(
        botId=bot_id, botVersionLocaleSpecification=spec or BOTH, **extra
    )
    return str(created["botVersion"])


def version_numbers(lex: Any, bot_id: str, **kwargs: Any) -> list[str]:
    """The numbered versions ListBotVersions lists (it lists DRAFT first)."""
    summaries = lex.list_bot_versions(botId=bot_id, **kwargs)["botVersionSummaries"]
    assert summaries[0]["botVersion"] == "DRAFT"
    return [summary["botVersion"] for summary in summaries[1:]]


def add_farewell(m: Any, lex: Any, bot_id: str) -> None:
    """Overwrite DRAFT's en_US with the pizza locale plus a Farewell intent."""
    locale = pizza_locale()
    locale["intents"].append(intent("Farewell", ["Goodbye", "Bye"]))
    done = run_import(
        m, lex, to_zip(locale_archive_files(locale=locale)), locale_spec(bot_id), "Overwrite"
    )
    assert done["importStatus"] == "Completed", done.get("failureReasons")


def version_intents(lex: Any, bot_id: str, version: str) -> list[str]:
    listed = lex.list_intents(botId=bot_id, botVersion=version, localeId="en_US")
    return [summary["intentName"] for summary in listed["intentSummaries"]]


# -- CreateBotVersion ---------------------------------------------------------------------
def test_create_bot_version_answers_versioning_then_the_version_is_available(
    m: Any, lex: Any
) -> None:
    bot_id = built_bot(m, lex)
    created = lex.create_bot_version(
        botId=bot_id, botVersionLocaleSpecification=BOTH, description="First release"
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (created["botId"], created["botVersion"], created["botStatus"]) == (
        bot_id,
        "1",
        "Versioning",
    )
    assert created["botVersionLocaleSpecification"] == BOTH
    assert created["description"] == "First release"
    described = lex.describe_bot_version(botId=bot_id, botVersion="1")
    assert described["botStatus"] == "Available"
    assert (described["botName"], described["description"], described["roleArn"]) == (
        "PizzaBot",
        "First release",
        ROLE,
    )
    assert described["dataPrivacy"] == {"childDirected": False}
    assert described["idleSessionTTLInSeconds"] == 600
    assert described["creationDateTime"] == created["creationDateTime"]


@pytest.mark.importmock(progression="manual")
def test_a_version_is_versioning_until_it_is_advanced(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    assert new_version(lex, bot_id) == "1"
    statuses = [lex.describe_bot_version(botId=bot_id, botVersion="1")["botStatus"]]
    m.advance()
    statuses.append(lex.describe_bot_version(botId=bot_id, botVersion="1")["botStatus"])
    assert statuses == ["Versioning", "Available"]
    assert [(i.kind, i.status) for i in m.jobs() if i.kind.startswith("bot version")] == [
        ("bot version creation", "Available")
    ]


def test_fail_next_with_the_version_kind_fails_the_version(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    m.fail_next("lexv2-models", "Versioning broke", kind="bot version creation")
    new_version(lex, bot_id)
    described = lex.describe_bot_version(botId=bot_id, botVersion="1")
    assert (described["botStatus"], described["failureReasons"]) == (
        "Failed",
        ["Versioning broke"],
    )


def test_versions_are_numbered_per_bot_and_numbers_are_never_reused(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    other = built_bot(m, lex, "OtherBot")
    assert [new_version(lex, bot_id) for _ in range(3)] == ["1", "2", "3"]
    assert new_version(lex, other) == "1"
    lex.delete_bot_version(botId=bot_id, botVersion="3")
    lex.delete_bot_version(botId=bot_id, botVersion="2")
    assert new_version(lex, bot_id) == "4"
    assert version_numbers(lex, bot_id) == ["1", "4"]


def test_a_locale_that_is_not_built_cannot_be_versioned(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)  # its locales are NotBuilt
    lex.build_bot_locale(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        new_version(lex, bot_id)
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"Locale en_GB of bot {bot_id} is NotBuilt; build it before creating a version with it.",
        412,
    )
    assert version_numbers(lex, bot_id) == []
    # The built locale alone can be versioned.
    assert new_version(lex, bot_id, {"en_US": {"sourceBotVersion": "DRAFT"}}) == "1"


def test_a_version_of_a_locale_the_bot_lacks_or_of_an_unknown_bot_fails(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        new_version(lex, bot_id, {"fr_FR": {"sourceBotVersion": "DRAFT"}})
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"Bot {bot_id} version DRAFT has no locale fr_FR.",
        412,
    )
    with pytest.raises(lex.exceptions.PreconditionFailedException) as unknown:
        new_version(lex, "ABCDEFGHIJ")
    assert error_of(unknown.value) == ("PreconditionFailedException", NO_PARENT, 412)
    with pytest.raises(lex.exceptions.PreconditionFailedException) as no_source:
        new_version(lex, bot_id, {"en_US": {"sourceBotVersion": "7"}})
    assert error_of(no_source.value) == (
        "PreconditionFailedException",
        f"Bot {bot_id} has no version 7 to copy locale en_US from.",
        412,
    )


def test_a_version_can_take_a_locale_from_an_earlier_version(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    add_farewell(m, lex, bot_id)  # DRAFT's en_US changes (and is NotBuilt again)
    assert new_version(lex, bot_id, {"en_US": {"sourceBotVersion": "1"}}) == "2"
    assert "Farewell" not in version_intents(lex, bot_id, "2")
    locales = lex.list_bot_locales(botId=bot_id, botVersion="2")["botLocaleSummaries"]
    assert [summary["localeId"] for summary in locales] == ["en_US"]


# -- reads of a version's snapshot ----------------------------------------------------------
def test_a_version_is_a_snapshot_later_draft_edits_leave_alone(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    add_farewell(m, lex, bot_id)
    lex.delete_bot_locale(botId=bot_id, botVersion="DRAFT", localeId="en_GB")
    lex.update_bot(
        botId=bot_id,
        botName="RenamedBot",
        roleArn=ROLE,
        dataPrivacy={"childDirected": True},
        idleSessionTTLInSeconds=900,
    )
    m.settle()
    assert "Farewell" in version_intents(lex, bot_id, "DRAFT")
    assert sorted(version_intents(lex, bot_id, "1")) == [
        "CheckStatus",
        "FallbackIntent",
        "Greeting",
        "OrderPizza",
    ]
    listed = lex.list_bot_locales(botId=bot_id, botVersion="1")
    assert listed["botVersion"] == "1"
    assert [(s["localeId"], s["botLocaleStatus"]) for s in listed["botLocaleSummaries"]] == [
        ("en_GB", "Built"),
        ("en_US", "Built"),
    ]
    draft = lex.list_bot_locales(botId=bot_id, botVersion="DRAFT")["botLocaleSummaries"]
    assert [(s["localeId"], s["botLocaleStatus"]) for s in draft] == [("en_US", "NotBuilt")]
    described = lex.describe_bot_version(botId=bot_id, botVersion="1")
    assert (described["botName"], described["dataPrivacy"]) == (
        "PizzaBot",
        {"childDirected": False},
    )
    assert described["idleSessionTTLInSeconds"] == 600


def test_describe_and_list_the_intents_slots_and_slot_types_of_a_version(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    locale = lex.describe_bot_locale(botId=bot_id, botVersion="1", localeId="en_US")
    assert (locale["botVersion"], locale["botLocaleStatus"], locale["intentsCount"]) == (
        "1",
        "Built",
        4,
    )
    assert locale["slotTypesCount"] == 2
    order_id = intents_by_name(lex, bot_id)["OrderPizza"]
    described = lex.describe_intent(
        intentId=order_id, botId=bot_id, botVersion="1", localeId="en_US"
    )
    # The model's DescribeIntent answer admits only DRAFT as botVersion: none is given.
    assert (described["intentName"], described.get("botVersion")) == ("OrderPizza", None)
    assert [u["utterance"] for u in described["sampleUtterances"]] == [
        "I want a pizza",
        "Order a {size} pizza with {crust} crust",
    ]
    slots = lex.list_slots(botId=bot_id, botVersion="1", localeId="en_US", intentId=order_id)
    by_name = {s["slotName"]: s["slotId"] for s in slots["slotSummaries"]}
    assert sorted(by_name) == ["count", "crust", "size"]
    slot = lex.describe_slot(
        slotId=by_name["size"], botId=bot_id, botVersion="1", localeId="en_US", intentId=order_id
    )
    assert (slot["slotName"], slot["botVersion"]) == ("size", "1")
    types = lex.list_slot_types(botId=bot_id, botVersion="1", localeId="en_US")
    type_ids = {t["slotTypeName"]: t["slotTypeId"] for t in types["slotTypeSummaries"]}
    assert sorted(type_ids) == ["CrustType", "PizzaSize"]
    assert slot["slotTypeId"] == type_ids["PizzaSize"]
    slot_type = lex.describe_slot_type(
        slotTypeId=type_ids["CrustType"], botId=bot_id, botVersion="1", localeId="en_US"
    )
    assert [v["sampleValue"]["value"] for v in slot_type["slotTypeValues"]] == ["thin", "thick"]
    vocabulary = lex.list_custom_vocabulary_items(botId=bot_id, botVersion="1", localeId="en_US")
    assert [item["phrase"] for item in vocabulary["customVocabularyItems"]] == [
        "margherita",
        "quattro formaggi",
    ]


def test_reads_of_a_version_that_does_not_exist_are_not_found(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        lex.describe_bot_version(botId=bot_id, botVersion="1")
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Bot {bot_id} has no version 1.",
        404,
    )
    new_version(lex, bot_id, {"en_US": {"sourceBotVersion": "DRAFT"}})
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as locale:
        lex.describe_bot_locale(botId=bot_id, botVersion="1", localeId="en_GB")
    assert error_of(locale.value) == (
        "ResourceNotFoundException",
        f"Bot {bot_id} version 1 has no locale en_GB.",
        404,
    )


# -- ListBotVersions ----------------------------------------------------------------------
def test_list_bot_versions_lists_draft_then_the_numbers_and_pages(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    for number in range(12):
        new_version(lex, bot_id, description=f"Release {number + 1}")
    assert version_numbers(lex, bot_id, maxResults=20) == [str(n) for n in range(1, 13)]
    descending = {"attribute": "BotVersion", "order": "Descending"}
    listed = lex.list_bot_versions(botId=bot_id, sortBy=descending, maxResults=3)
    assert [s["botVersion"] for s in listed["botVersionSummaries"]] == ["12", "11", "10"]
    first = lex.list_bot_versions(botId=bot_id)
    assert len(first["botVersionSummaries"]) == 10
    second = lex.list_bot_versions(botId=bot_id, nextToken=first["nextToken"])
    assert [s["botVersion"] for s in second["botVersionSummaries"]] == ["10", "11", "12"]
    assert "nextToken" not in second
    draft, one = first["botVersionSummaries"][:2]
    assert (draft["botVersion"], draft["description"], draft["botStatus"]) == (
        "DRAFT",
        "PizzaBot from an archive",
        "Available",
    )
    assert (one["botName"], one["description"], one["botStatus"]) == (
        "PizzaBot",
        "Release 1",
        "Available",
    )


# -- exports of a version -----------------------------------------------------------------
def test_an_export_of_a_version_holds_its_snapshot(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    add_farewell(m, lex, bot_id)
    created = lex.create_export(
        resourceSpecification={"botExportSpecification": {"botId": bot_id, "botVersion": "1"}},
        fileFormat="LexJson",
    )
    described = lex.describe_export(exportId=created["exportId"])
    assert described["exportStatus"] == "Completed"
    files = unzip(requests.get(described["downloadUrl"]).content)
    intents = sorted(
        path.split("/")[4] for path in files if path.startswith("PizzaBot/BotLocales/en_US/Intents")
    )
    assert "Farewell" not in intents
    assert sorted(set(intents)) == ["CheckStatus", "FallbackIntent", "Greeting", "OrderPizza"]
    bot_json = json.loads(files["PizzaBot/Bot.json"])
    # the files say which version they hold (null would be the DRAFT)
    assert (bot_json["name"], bot_json["version"]) == ("PizzaBot", "1")
    assert json.loads(files["PizzaBot/BotLocales/en_US/BotLocale.json"])["version"] == "1"
    locale = lex.create_export(
        resourceSpecification={
            "botLocaleExportSpecification": {
                "botId": bot_id,
                "botVersion": "1",
                "localeId": "en_US",
            }
        },
        fileFormat="LexJson",
    )
    body = requests.get(lex.describe_export(exportId=locale["exportId"])["downloadUrl"]).content
    locale_files = unzip(body)
    assert not any("Farewell" in path for path in locale_files)
    assert json.loads(locale_files["PizzaBot/BotLocales/en_US/BotLocale.json"])["version"] == "1"


# -- DeleteBotVersion ---------------------------------------------------------------------
@pytest.mark.importmock(progression="manual")
def test_delete_bot_version_is_deleting_then_the_version_is_gone(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    m.settle()
    deleted = lex.delete_bot_version(botId=bot_id, botVersion="1")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (deleted["botId"], deleted["botVersion"], deleted["botStatus"]) == (
        bot_id,
        "1",
        "Deleting",
    )
    assert lex.describe_bot_version(botId=bot_id, botVersion="1")["botStatus"] == "Deleting"
    assert lex.delete_bot_version(botId=bot_id, botVersion="1")["botStatus"] == "Deleting"
    m.settle()
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.describe_bot_version(botId=bot_id, botVersion="1")
    assert version_numbers(lex, bot_id) == []


@pytest.mark.importmock(progression="manual")
def test_a_version_still_versioning_cannot_be_deleted(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        lex.delete_bot_version(botId=bot_id, botVersion="1")
    assert error_of(caught.value) == (
        "ConflictException",
        f"Version 1 of bot {bot_id} is Versioning; try again when it has finished.",
        409,
    )


def test_delete_bot_version_of_an_unknown_version_or_bot_fails_its_precondition(
    m: Any, lex: Any
) -> None:
    bot_id = create_bot(lex)
    for bot, version in ((bot_id, "1"), ("ABCDEFGHIJ", "1")):
        with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
            lex.delete_bot_version(botId=bot, botVersion=version)
        assert error_of(caught.value) == ("PreconditionFailedException", NO_RESOURCE, 412)


def test_a_version_an_alias_uses_is_deleted_only_when_the_check_is_skipped(
    m: Any, lex: Any
) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    lex.create_bot_alias(botId=bot_id, botAliasName="Prod", botVersion="1")
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_bot_version(botId=bot_id, botVersion="1")
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"Version 1 of bot {bot_id} is used by the alias(es) Prod; point them at another "
        "version, or set skipResourceInUseCheck to delete it anyway.",
        412,
    )
    assert version_numbers(lex, bot_id) == ["1"]
    deleted = lex.delete_bot_version(botId=bot_id, botVersion="1", skipResourceInUseCheck=True)
    assert deleted["botStatus"] == "Deleting"
    assert version_numbers(lex, bot_id) == []

"""Bots, DRAFT locales and what lives in them (intents, slots, slot types, custom
vocabulary), builds, tags and test sets: everything through boto3 and the controller."""

from __future__ import annotations

import datetime
import re
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import WaiterError
from freezegun import freeze_time

from tests.helpers import both_mocks, csv_text, error_of
from tests.services.lexv2.archives import (
    ROLE,
    bot_files,
    intent,
    locale_archive_files,
    pizza_locale,
    to_zip,
)
from tests.services.lexv2.conftest import (
    ACCOUNT,
    LEX_ID,
    bot_spec,
    create_bot,
    import_bot,
    intents_by_name,
    locale_spec,
    run_import,
    session_client,
    start,
)

NOON = datetime.datetime(2026, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
BOT_ARN = f"arn:aws:lex:us-east-1:{ACCOUNT}:bot/"
TEST_SET_ARN = f"arn:aws:lex:us-east-1:{ACCOUNT}:test-set/"
TEST_SET_HEADER = ["Line #", "Conversation #", "Source", "Input", "Expected Output Intent"]
THREE_TURNS = csv_text(
    TEST_SET_HEADER,
    ["1", "1", "User", "I want a pizza", "OrderPizza"],
    ["2", "1", "Agent", "What size?", ""],
    ["3", "1", "User", "large", "OrderPizza"],
)
FALLBACK_ONLY = (
    "Locale en_US has no intents other than FallbackIntent; add an intent with sample "
    "utterances before building."
)


# -- helpers ----------------------------------------------------------------------------
def bot_of(lex: Any, bot_id: str) -> dict[str, Any]:
    found = dict(lex.describe_bot(botId=bot_id))
    found.pop("ResponseMetadata", None)
    return found


def locale_of(lex: Any, bot_id: str, locale_id: str = "en_US") -> dict[str, Any]:
    found = dict(lex.describe_bot_locale(botId=bot_id, botVersion="DRAFT", localeId=locale_id))
    found.pop("ResponseMetadata", None)
    return found


def add_locale(lex: Any, bot_id: str, locale_id: str = "en_US") -> dict[str, Any]:
    return dict(
        lex.create_bot_locale(
            botId=bot_id, botVersion="DRAFT", localeId=locale_id, nluIntentConfidenceThreshold=0.4
        )
    )


def build(lex: Any, bot_id: str, locale_id: str = "en_US") -> dict[str, Any]:
    return dict(lex.build_bot_locale(botId=bot_id, botVersion="DRAFT", localeId=locale_id))


def bot_names(lex: Any, **kwargs: Any) -> list[str]:
    return [summary["botName"] for summary in lex.list_bots(**kwargs)["botSummaries"]]


def slots_by_name(lex: Any, bot_id: str, intent_id: str) -> dict[str, dict[str, Any]]:
    summaries = lex.list_slots(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", intentId=intent_id
    )["slotSummaries"]
    return {summary["slotName"]: summary for summary in summaries}


def slot_types_by_name(lex: Any, bot_id: str) -> dict[str, str]:
    summaries = lex.list_slot_types(botId=bot_id, botVersion="DRAFT", localeId="en_US")[
        "slotTypeSummaries"
    ]
    return {summary["slotTypeName"]: summary["slotTypeId"] for summary in summaries}


def import_locale_bot(m: Any, lex: Any, locale: dict[str, Any], name: str = "OddBot") -> str:
    """Import a bot whose only locale (en_US) is ``locale``; its bot id."""
    done = run_import(m, lex, to_zip(bot_files(name, locales={"en_US": locale})), bot_spec(name))
    assert done["importStatus"] == "Completed", done.get("failureReasons")
    return str(done["importedResourceId"])


def suite_spec(name: str, bucket: str = "test-inputs", key: str = "sets/a.csv") -> dict[str, Any]:
    return {
        "testSetImportResourceSpecification": {
            "testSetName": name,
            "roleArn": ROLE,
            "storageLocation": {"s3BucketName": "test-store", "s3Path": "stored/"},
            "importInputLocation": {"s3BucketName": bucket, "s3Path": key},
            "modality": "Text",
        }
    }


def import_test_set(
    m: Any, lex: Any, name: str, key: str = "sets/a.csv", merge: str = "FailOnConflict"
) -> dict[str, Any]:
    return run_import(m, lex, None, suite_spec(name, key=key), merge)


# -- bots ------------------------------------------------------------------------------
def test_create_bot_answers_202_creating_then_it_is_available(lex: Any) -> None:
    created = lex.create_bot(
        botName="OrderBot",
        description="Takes orders",
        roleArn=ROLE,
        dataPrivacy={"childDirected": False},
        idleSessionTTLInSeconds=300,
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert re.fullmatch(LEX_ID, created["botId"])
    assert created["botStatus"] == "Creating"
    assert (created["botName"], created["description"], created["botType"]) == (
        "OrderBot",
        "Takes orders",
        "Bot",
    )
    described = bot_of(lex, created["botId"])
    assert described["botStatus"] == "Available"
    assert described["creationDateTime"] == created["creationDateTime"]
    assert (described["roleArn"], described["idleSessionTTLInSeconds"]) == (ROLE, 300)
    assert described["dataPrivacy"] == {"childDirected": False}


@pytest.mark.importmock(progression="reads")
def test_create_bot_in_reads_mode_moves_one_stage_on_the_first_read(m: Any, lex: Any) -> None:
    created = lex.create_bot(
        botName="Slow",
        roleArn=ROLE,
        dataPrivacy={"childDirected": False},
        idleSessionTTLInSeconds=60,
    )
    assert created["botStatus"] == "Creating"
    # m.jobs() never moves a job in reads mode: the bot is still being created.
    assert [(info.kind, info.status) for info in m.jobs()] == [("bot creation", "Creating")]
    assert [bot_of(lex, created["botId"])["botStatus"] for _ in range(2)] == ["Available"] * 2
    assert [stage for stage, _ in m.jobs()[0].history] == ["Creating", "Available"]


@pytest.mark.importmock(progression="manual")
def test_a_bot_is_creating_until_it_is_advanced(m: Any, lex: Any) -> None:
    bot_id = create_bot(lex, "Held")
    assert [bot_of(lex, bot_id)["botStatus"] for _ in range(3)] == ["Creating"] * 3
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_bot(botId=bot_id)
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"Bot {bot_id} is Creating; try again later.",
        412,
    )
    m.advance()
    assert bot_of(lex, bot_id)["botStatus"] == "Available"


def test_a_second_bot_with_the_same_name_is_a_conflict(lex: Any) -> None:
    create_bot(lex, "Twice")
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        create_bot(lex, "Twice")
    assert error_of(caught.value) == (
        "ConflictException",
        "A bot named Twice already exists in this account.",
        409,
    )
    assert bot_names(lex) == ["Twice"]


@pytest.mark.importmock(quotas={"lexv2-models": {"bots": 2}})
def test_the_bot_quota_refuses_the_third_bot(lex: Any) -> None:
    create_bot(lex, "One")
    create_bot(lex, "Two")
    with pytest.raises(lex.exceptions.ServiceQuotaExceededException) as caught:
        create_bot(lex, "Three")
    assert error_of(caught.value) == (
        "ServiceQuotaExceededException",
        "The account already has 2 bots, the quota.",
        402,
    )
    assert bot_names(lex) == ["One", "Two"]


def test_describe_bot_of_an_unknown_id_is_not_found(lex: Any) -> None:
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        lex.describe_bot(botId="NOSUCHBOT0")
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        "Bot NOSUCHBOT0 does not exist.",
        404,
    )


def test_update_bot_changes_name_description_ttl_and_last_updated(lex: Any) -> None:
    with freeze_time(NOON) as frozen:
        bot_id = create_bot(lex, "Before")
        frozen.tick(datetime.timedelta(seconds=90))
        updated = lex.update_bot(
            botId=bot_id,
            botName="After",
            description="Renamed",
            roleArn=ROLE,
            dataPrivacy={"childDirected": True},
            idleSessionTTLInSeconds=900,
        )
        described = bot_of(lex, bot_id)
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    later = NOON + datetime.timedelta(seconds=90)
    assert (updated["botName"], updated["lastUpdatedDateTime"]) == ("After", later)
    assert (described["botName"], described["description"]) == ("After", "Renamed")
    assert described["idleSessionTTLInSeconds"] == 900
    assert described["dataPrivacy"] == {"childDirected": True}
    assert (described["creationDateTime"], described["lastUpdatedDateTime"]) == (NOON, later)
    assert bot_names(lex) == ["After"]


def test_update_bot_to_another_bots_name_is_a_conflict(lex: Any) -> None:
    create_bot(lex, "Taken")
    bot_id = create_bot(lex, "Mine")
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        lex.update_bot(
            botId=bot_id,
            botName="Taken",
            roleArn=ROLE,
            dataPrivacy={"childDirected": False},
            idleSessionTTLInSeconds=300,
        )
    assert error_of(caught.value) == ("ConflictException", "A bot named Taken already exists.", 409)
    assert bot_of(lex, bot_id)["botName"] == "Mine"


def test_list_bots_filters_by_name(lex: Any) -> None:
    for name in ("a", "ab", "Bab", "b"):
        create_bot(lex, name)
    assert bot_names(lex, filters=[{"name": "BotName", "values": ["ab"], "operator": "EQ"}]) == [
        "ab"
    ]
    # CO ignores case: "Bab" contains "AB" too.
    assert bot_names(lex, filters=[{"name": "BotName", "values": ["AB"], "operator": "CO"}]) == [
        "Bab",
        "ab",
    ]
    assert bot_names(lex, filters=[{"name": "BotName", "values": ["ab"], "operator": "NE"}]) == [
        "Bab",
        "a",
        "b",
    ]


def test_list_bots_sorts_by_name_both_ways(lex: Any) -> None:
    for name in ("b", "a", "abc", "ab", "B"):
        create_bot(lex, name)
    ascending = ["B", "a", "ab", "abc", "b"]
    assert bot_names(lex) == ascending
    assert bot_names(lex, sortBy={"attribute": "BotName", "order": "Ascending"}) == ascending
    # Descending is the exact reverse: a longer name comes before its own prefix.
    assert bot_names(lex, sortBy={"attribute": "BotName", "order": "Descending"}) == [
        "b",
        "abc",
        "ab",
        "a",
        "B",
    ]


def test_list_bots_pages_with_max_results_and_next_token(lex: Any) -> None:
    for name in ("e", "d", "c", "b", "a"):
        create_bot(lex, name)
    pages = []
    kwargs: dict[str, Any] = {"maxResults": 2}
    while True:
        page = lex.list_bots(**kwargs)
        pages.append([summary["botName"] for summary in page["botSummaries"]])
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    assert pages == [["a", "b"], ["c", "d"], ["e"]]
    descending = lex.list_bots(maxResults=3, sortBy={"attribute": "BotName", "order": "Descending"})
    rest = lex.list_bots(
        maxResults=3,
        sortBy={"attribute": "BotName", "order": "Descending"},
        nextToken=descending["nextToken"],
    )
    assert [s["botName"] for s in descending["botSummaries"] + rest["botSummaries"]] == [
        "e",
        "d",
        "c",
        "b",
        "a",
    ]
    assert "nextToken" not in rest


def test_delete_bot_answers_deleting_then_the_bot_is_gone(lex: Any) -> None:
    bot_id = create_bot(lex, "Doomed")
    deleted = lex.delete_bot(botId=bot_id)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (deleted["botId"], deleted["botStatus"]) == (bot_id, "Deleting")
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        lex.describe_bot(botId=bot_id)
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Bot {bot_id} does not exist.",
        404,
    )
    assert bot_names(lex) == []


def test_delete_bot_of_an_unknown_id_fails_its_precondition(lex: Any) -> None:
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_bot(botId="NOSUCHBOT0")
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        "Bot NOSUCHBOT0 does not exist.",
        412,
    )


# -- locales -----------------------------------------------------------------------------
def test_create_bot_locale_is_creating_then_not_built_with_only_the_fallback_intent(
    lex: Any,
) -> None:
    bot_id = create_bot(lex)
    created = add_locale(lex, bot_id)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (created["botLocaleStatus"], created["localeName"]) == ("Creating", "English (US)")
    assert (created["botId"], created["botVersion"], created["localeId"]) == (
        bot_id,
        "DRAFT",
        "en_US",
    )
    described = locale_of(lex, bot_id)
    assert described["botLocaleStatus"] == "NotBuilt"
    assert (described["localeName"], described["nluIntentConfidenceThreshold"]) == (
        "English (US)",
        0.4,
    )
    assert (described["intentsCount"], described["slotTypesCount"]) == (1, 0)
    summaries = lex.list_intents(botId=bot_id, botVersion="DRAFT", localeId="en_US")[
        "intentSummaries"
    ]
    assert [(s["intentId"], s["intentName"], s["parentIntentSignature"]) for s in summaries] == [
        ("FALLBCKINT", "FallbackIntent", "AMAZON.FallbackIntent")
    ]


def test_an_unsupported_locale_is_a_validation_error(lex: Any) -> None:
    bot_id = create_bot(lex)
    with pytest.raises(lex.exceptions.ValidationException) as caught:
        add_locale(lex, bot_id, "xx_XX")
    code, message, status = error_of(caught.value)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("The locale xx_XX is not supported. Supported locales: ar_AE, ")
    assert ", en_GB, " in message and ", en_US, " in message
    assert message.endswith(", zh_CN.")


def test_a_second_locale_with_the_same_id_is_a_conflict(lex: Any) -> None:
    bot_id = create_bot(lex)
    add_locale(lex, bot_id)
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        add_locale(lex, bot_id)
    assert error_of(caught.value) == (
        "ConflictException",
        f"Bot {bot_id} already has the locale en_US.",
        409,
    )


def test_a_locale_of_an_unknown_bot_fails_its_precondition(lex: Any) -> None:
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        add_locale(lex, "NOSUCHBOT0")
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        "Bot NOSUCHBOT0 does not exist.",
        412,
    )


def test_a_locale_of_a_numbered_bot_version_is_refused(lex: Any) -> None:
    """CreateBotLocale's model only admits DRAFT (length 5, pattern ^DRAFT$): "1" is a
    ValidationException before the backend could say PreconditionFailed. Describing a
    numbered version (its model admits digits) reaches the backend: the bot has no version
    1 until CreateBotVersion makes one."""
    bot_id = create_bot(lex)
    unchecked = session_client(config=Config(parameter_validation=False))
    with pytest.raises(unchecked.exceptions.ValidationException) as caught:
        unchecked.create_bot_locale(
            botId=bot_id, botVersion="1", localeId="en_US", nluIntentConfidenceThreshold=0.4
        )
    assert error_of(caught.value) == (
        "ValidationException",
        "2 validation errors detected: Value '1' at 'botVersion' failed to satisfy constraint: "
        "Member must have length greater than or equal to 5; Value '1' at 'botVersion' failed "
        "to satisfy constraint: Member must satisfy regular expression pattern: ^DRAFT$",
        400,
    )
    add_locale(lex, bot_id)
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as missing:
        lex.describe_bot_locale(botId=bot_id, botVersion="1", localeId="en_US")
    assert error_of(missing.value) == (
        "ResourceNotFoundException",
        f"Bot {bot_id} has no version 1.",
        404,
    )


def test_delete_bot_locale_answers_deleting_then_the_locale_is_gone(lex: Any) -> None:
    bot_id = create_bot(lex)
    add_locale(lex, bot_id)
    add_locale(lex, bot_id, "en_GB")
    deleted = lex.delete_bot_locale(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (deleted["localeId"], deleted["botLocaleStatus"]) == ("en_US", "Deleting")
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        locale_of(lex, bot_id)
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Bot {bot_id} version DRAFT has no locale en_US.",
        404,
    )
    summaries = lex.list_bot_locales(botId=bot_id, botVersion="DRAFT")["botLocaleSummaries"]
    assert [s["localeId"] for s in summaries] == ["en_GB"]


@pytest.mark.importmock(progression="manual")
def test_a_deleting_locale_shows_deleting_until_it_is_gone(m: Any, lex: Any) -> None:
    bot_id = create_bot(lex)
    add_locale(lex, bot_id)
    m.settle()
    lex.delete_bot_locale(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    assert [locale_of(lex, bot_id)["botLocaleStatus"] for _ in range(2)] == ["Deleting"] * 2
    m.settle()
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        locale_of(lex, bot_id)


# -- builds ------------------------------------------------------------------------------
def test_build_bot_locale_answers_building_then_built(m: Any, lex: Any) -> None:
    with freeze_time(NOON) as frozen:
        bot_id = import_bot(m, lex)
        frozen.tick(datetime.timedelta(seconds=30))
        started = build(lex, bot_id)
        described = locale_of(lex, bot_id)
    submitted = NOON + datetime.timedelta(seconds=30)
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (started["botLocaleStatus"], started["lastBuildSubmittedDateTime"]) == (
        "Building",
        submitted,
    )
    assert described["botLocaleStatus"] == "Built"
    assert described["lastBuildSubmittedDateTime"] == submitted
    assert "failureReasons" not in described
    assert locale_of(lex, bot_id, "en_GB")["botLocaleStatus"] == "NotBuilt"  # built on its own
    assert "lastBuildSubmittedDateTime" not in locale_of(lex, bot_id, "en_GB")


@pytest.mark.importmock(progression="reads")
def test_the_bot_locale_built_waiter_waits_for_the_build(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    assert build(lex, bot_id)["botLocaleStatus"] == "Building"
    lex.get_waiter("bot_locale_built").wait(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", WaiterConfig={"Delay": 0}
    )
    assert locale_of(lex, bot_id)["botLocaleStatus"] == "Built"
    builds = [info for info in m.jobs() if info.kind == "bot locale build"]
    assert [stage for stage, _ in builds[0].history] == ["Building", "Built"]


@pytest.mark.importmock(progression="reads")
def test_a_locale_with_only_the_fallback_intent_fails_to_build(m: Any, lex: Any) -> None:
    bot_id = create_bot(lex)
    add_locale(lex, bot_id)
    assert build(lex, bot_id)["botLocaleStatus"] == "Building"
    with pytest.raises(WaiterError) as caught:
        lex.get_waiter("bot_locale_built").wait(
            botId=bot_id, botVersion="DRAFT", localeId="en_US", WaiterConfig={"Delay": 0}
        )
    assert "terminal failure state" in str(caught.value)
    assert caught.value.last_response["botLocaleStatus"] == "Failed"
    described = locale_of(lex, bot_id)
    assert described["botLocaleStatus"] == "Failed"
    assert described["failureReasons"] == [FALLBACK_ONLY]


def test_an_intent_without_sample_utterances_fails_the_build(m: Any, lex: Any) -> None:
    locale = pizza_locale()
    locale["intents"].append(intent("Silent", []))
    locale["intents"].append(intent("Mute", []))
    bot_id = import_locale_bot(m, lex, locale)
    build(lex, bot_id)
    described = locale_of(lex, bot_id)
    assert described["botLocaleStatus"] == "Failed"
    assert sorted(described["failureReasons"]) == [
        "Intent Mute has no sample utterances.",
        "Intent Silent has no sample utterances.",
    ]


def test_fail_next_with_the_build_kind_fails_the_next_build_only(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    m.fail_next("lexv2-models", "Build broke", kind="bot locale build")
    build(lex, bot_id)
    described = locale_of(lex, bot_id)
    assert (described["botLocaleStatus"], described["failureReasons"]) == (
        "Failed",
        ["Build broke"],
    )
    build(lex, bot_id, "en_GB")
    assert locale_of(lex, bot_id, "en_GB")["botLocaleStatus"] == "Built"
    build(lex, bot_id)  # a failed locale can be built again
    rebuilt = locale_of(lex, bot_id)
    assert rebuilt["botLocaleStatus"] == "Built"
    assert "failureReasons" not in rebuilt


def test_fail_next_without_a_kind_spares_builds_and_bots_but_fails_the_next_import(
    m: Any, lex: Any
) -> None:
    bot_id = import_bot(m, lex)
    m.fail_next("lexv2-models", "The archive could not be read.")
    other = create_bot(lex, "Spared")
    assert bot_of(lex, other)["botStatus"] == "Available"
    build(lex, bot_id)
    assert locale_of(lex, bot_id)["botLocaleStatus"] == "Built"
    done = run_import(m, lex, to_zip(bot_files("Third")), bot_spec("Third"))
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        ["The archive could not be read."],
    )
    assert "importedResourceId" not in done
    assert bot_names(lex) == ["PizzaBot", "Spared"]
    again = run_import(m, lex, to_zip(bot_files("Third")), bot_spec("Third"))
    assert again["importStatus"] == "Completed"  # the failure was used up


def test_fail_next_with_an_unknown_kind_lists_the_kinds(m: Any) -> None:
    with pytest.raises(ValueError) as caught:
        m.fail_next("lexv2-models", "No", kind="bot build")
    assert str(caught.value) == (
        "lexv2-models has no job kind 'bot build'; its kinds are: 'import', 'export', "
        "'bot creation', 'bot deletion', 'bot locale creation', 'bot locale build', "
        "'bot locale deletion', 'bot version creation', 'bot version deletion', "
        "'bot alias creation', 'bot alias deletion'"
    )


@pytest.mark.importmock(progression="manual")
def test_building_a_locale_that_is_building_is_a_conflict(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    assert build(lex, bot_id)["botLocaleStatus"] == "Building"
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        build(lex, bot_id)
    assert error_of(caught.value) == (
        "ConflictException",
        f"Locale en_US of bot {bot_id} is Building; it can be built when that has finished.",
        409,
    )
    assert locale_of(lex, bot_id)["botLocaleStatus"] == "Building"
    m.settle()
    assert locale_of(lex, bot_id)["botLocaleStatus"] == "Built"


def test_overwriting_a_built_locale_with_an_import_makes_it_not_built(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    build(lex, bot_id)
    assert locale_of(lex, bot_id)["botLocaleStatus"] == "Built"
    locale = pizza_locale()
    locale["intents"].append(intent("Goodbye", ["Bye", "See you"]))
    done = run_import(
        m, lex, to_zip(locale_archive_files(locale=locale)), locale_spec(bot_id), "Overwrite"
    )
    assert (done["importStatus"], done["importedResourceId"]) == ("Completed", "en_US")
    described = locale_of(lex, bot_id)
    assert (described["botLocaleStatus"], described["intentsCount"]) == ("NotBuilt", 5)
    build(lex, bot_id)
    assert locale_of(lex, bot_id)["botLocaleStatus"] == "Built"


def test_overwriting_a_built_locale_keeps_its_last_build_submitted_time(m: Any, lex: Any) -> None:
    with freeze_time(NOON) as frozen:
        bot_id = import_bot(m, lex)
        frozen.tick(datetime.timedelta(seconds=30))
        build(lex, bot_id)
        frozen.tick(datetime.timedelta(seconds=30))
        run_import(m, lex, to_zip(locale_archive_files()), locale_spec(bot_id), "Overwrite")
        described = locale_of(lex, bot_id)
    assert described["botLocaleStatus"] == "NotBuilt"
    assert described["creationDateTime"] == NOON  # kept, as the next line should be
    assert described["lastBuildSubmittedDateTime"] == NOON + datetime.timedelta(seconds=30)


@pytest.mark.importmock(progression="reads")
def test_fail_next_with_the_bot_creation_kind_fails_the_next_bot(m: Any, lex: Any) -> None:
    m.fail_next("lexv2-models", "No capacity", kind="bot creation")
    bot_id = create_bot(lex, "Unlucky")
    with pytest.raises(WaiterError) as caught:
        lex.get_waiter("bot_available").wait(botId=bot_id, WaiterConfig={"Delay": 0})
    assert caught.value.last_response["botStatus"] == "Failed"
    described = bot_of(lex, bot_id)
    assert (described["botStatus"], described["failureReasons"]) == ("Failed", ["No capacity"])
    assert bot_of(lex, create_bot(lex, "Lucky"))["botStatus"] == "Available"


# -- an imported bot: intents, slots, slot types ----------------------------------------
def test_an_imported_bot_is_available_with_not_built_locales(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    bot = bot_of(lex, bot_id)
    assert (bot["botName"], bot["botStatus"]) == ("PizzaBot", "Available")
    assert (bot["description"], bot["idleSessionTTLInSeconds"]) == ("PizzaBot from an archive", 600)
    for locale_id, name in (("en_US", "English (US)"), ("en_GB", "English (UK)")):
        locale = locale_of(lex, bot_id, locale_id)
        assert (locale["botLocaleStatus"], locale["localeName"]) == ("NotBuilt", name)
        assert (locale["intentsCount"], locale["slotTypesCount"]) == (4, 2)
        assert locale["voiceSettings"] == {"voiceId": "Joanna", "engine": "neural"}
    assert set(intents_by_name(lex, bot_id)) == {
        "CheckStatus",
        "FallbackIntent",
        "Greeting",
        "OrderPizza",
    }
    assert intents_by_name(lex, bot_id)["FallbackIntent"] == "FALLBCKINT"


def test_list_intents_filters_and_sorts_by_name(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)

    def names(**kwargs: Any) -> list[str]:
        page = lex.list_intents(botId=bot_id, botVersion="DRAFT", localeId="en_US", **kwargs)
        return [summary["intentName"] for summary in page["intentSummaries"]]

    assert names() == ["CheckStatus", "FallbackIntent", "Greeting", "OrderPizza"]
    assert names(filters=[{"name": "IntentName", "values": ["Greeting"], "operator": "EQ"}]) == [
        "Greeting"
    ]
    assert names(filters=[{"name": "IntentName", "values": ["order"], "operator": "CO"}]) == [
        "OrderPizza"
    ]
    assert names(filters=[{"name": "IntentName", "values": ["Order"], "operator": "EQ"}]) == []
    assert names(sortBy={"attribute": "IntentName", "order": "Descending"}) == [
        "OrderPizza",
        "Greeting",
        "FallbackIntent",
        "CheckStatus",
    ]
    first = lex.list_intents(botId=bot_id, botVersion="DRAFT", localeId="en_US", maxResults=3)
    rest = lex.list_intents(
        botId=bot_id,
        botVersion="DRAFT",
        localeId="en_US",
        maxResults=3,
        nextToken=first["nextToken"],
    )
    assert [s["intentName"] for s in rest["intentSummaries"]] == ["OrderPizza"]
    assert "nextToken" not in rest


def test_list_intents_sorts_by_last_updated(m: Any, lex: Any) -> None:
    with freeze_time(NOON) as frozen:
        bot_id = import_bot(m, lex)
        frozen.tick(datetime.timedelta(minutes=5))
        appended = {"BotLocale.json": pizza_locale()["BotLocale.json"]}
        appended["intents"] = [intent("Extra", ["something extra"])]
        done = run_import(
            m, lex, to_zip(locale_archive_files(locale=appended)), locale_spec(bot_id), "Append"
        )
    assert done["importStatus"] == "Completed"

    def summaries(order: str) -> list[dict[str, Any]]:
        return list(
            lex.list_intents(
                botId=bot_id,
                botVersion="DRAFT",
                localeId="en_US",
                sortBy={"attribute": "LastUpdatedDateTime", "order": order},
            )["intentSummaries"]
        )

    newest_first = summaries("Descending")
    oldest_first = summaries("Ascending")
    later = NOON + datetime.timedelta(minutes=5)
    assert (newest_first[0]["intentName"], newest_first[0]["lastUpdatedDateTime"]) == (
        "Extra",
        later,
    )
    assert oldest_first[-1]["intentName"] == "Extra"
    assert [s["lastUpdatedDateTime"] for s in oldest_first[:4]] == [NOON] * 4
    assert {s["intentName"] for s in oldest_first[:4]} == {
        "CheckStatus",
        "FallbackIntent",
        "Greeting",
        "OrderPizza",
    }


def test_describe_intent_gives_utterances_description_and_slot_priorities(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    order_id = intents_by_name(lex, bot_id)["OrderPizza"]
    described = lex.describe_intent(
        intentId=order_id, botId=bot_id, botVersion="DRAFT", localeId="en_US"
    )
    assert (described["intentId"], described["intentName"]) == (order_id, "OrderPizza")
    assert described["description"] == "OrderPizza intent"
    assert described["sampleUtterances"] == [
        {"utterance": "I want a pizza"},
        {"utterance": "Order a {size} pizza with {crust} crust"},
    ]
    slots = slots_by_name(lex, bot_id, order_id)
    assert described["slotPriorities"] == [
        {"priority": 1, "slotId": slots["size"]["slotId"]},
        {"priority": 2, "slotId": slots["crust"]["slotId"]},
        {"priority": 3, "slotId": slots["count"]["slotId"]},
    ]
    greeting = lex.describe_intent(
        intentId=intents_by_name(lex, bot_id)["Greeting"],
        botId=bot_id,
        botVersion="DRAFT",
        localeId="en_US",
    )
    assert "slotPriorities" not in greeting


def test_slots_name_custom_types_by_id_and_built_ins_by_signature(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    intents = intents_by_name(lex, bot_id)
    type_ids = slot_types_by_name(lex, bot_id)
    slots = slots_by_name(lex, bot_id, intents["OrderPizza"])
    assert sorted(slots) == ["count", "crust", "size"]
    assert [re.fullmatch(LEX_ID, s["slotId"]) is not None for s in slots.values()] == [True] * 3
    assert {name: s["slotTypeId"] for name, s in slots.items()} == {
        "size": type_ids["PizzaSize"],
        "crust": type_ids["CrustType"],
        "count": "AMAZON.Number",
    }
    assert {name: s["slotConstraint"] for name, s in slots.items()} == {
        "size": "Required",
        "crust": "Required",
        "count": "Optional",
    }
    status = slots_by_name(lex, bot_id, intents["CheckStatus"])
    assert status["orderId"]["slotTypeId"] == "AMAZON.AlphaNumeric"
    described = lex.describe_slot(
        slotId=slots["size"]["slotId"],
        botId=bot_id,
        botVersion="DRAFT",
        localeId="en_US",
        intentId=intents["OrderPizza"],
    )
    assert (described["slotName"], described["slotTypeId"]) == ("size", type_ids["PizzaSize"])
    assert described["intentId"] == intents["OrderPizza"]
    # The archive's messageGroupsList is the API's messageGroups; its nulls are unset.
    assert described["valueElicitationSetting"] == {
        "slotConstraint": "Required",
        "promptSpecification": {
            "messageGroups": [{"message": {"plainTextMessage": {"value": "What size?"}}}],
            "maxRetries": 2,
            "allowInterrupt": True,
        },
    }


def test_list_and_describe_slot_types(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    page = lex.list_slot_types(
        botId=bot_id,
        botVersion="DRAFT",
        localeId="en_US",
        filters=[{"name": "SlotTypeName", "values": ["PizzaSize"], "operator": "EQ"}],
    )
    [summary] = page["slotTypeSummaries"]
    assert (summary["slotTypeName"], summary["slotTypeCategory"]) == ("PizzaSize", "Custom")
    assert re.fullmatch(LEX_ID, summary["slotTypeId"])
    every = slot_types_by_name(lex, bot_id)
    assert sorted(every) == ["CrustType", "PizzaSize"]
    described = lex.describe_slot_type(
        slotTypeId=summary["slotTypeId"], botId=bot_id, botVersion="DRAFT", localeId="en_US"
    )
    assert described["slotTypeName"] == "PizzaSize"
    assert described["slotTypeValues"] == [
        {"sampleValue": {"value": "small"}},
        {"sampleValue": {"value": "medium"}},
        {"sampleValue": {"value": "large"}},
    ]
    assert described["valueSelectionSetting"] == {"resolutionStrategy": "OriginalValue"}


def test_unknown_intent_slot_and_slot_type_ids_are_not_found(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    order_id = intents_by_name(lex, bot_id)["OrderPizza"]
    where = {"botId": bot_id, "botVersion": "DRAFT", "localeId": "en_US"}
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as no_intent:
        lex.describe_intent(intentId="NOSUCHINT0", **where)
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as no_slot:
        lex.describe_slot(slotId="NOSUCHSLOT", intentId=order_id, **where)
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as no_type:
        lex.describe_slot_type(slotTypeId="NOSUCHTYPE", **where)
    assert [error_of(caught.value) for caught in (no_intent, no_slot, no_type)] == [
        ("ResourceNotFoundException", "Intent NOSUCHINT0 does not exist in locale en_US.", 404),
        ("ResourceNotFoundException", f"Slot NOSUCHSLOT does not exist in intent {order_id}.", 404),
        ("ResourceNotFoundException", "Slot type NOSUCHTYPE does not exist in locale en_US.", 404),
    ]


# -- custom vocabulary ------------------------------------------------------------------
def test_an_imported_custom_vocabulary_is_ready_with_its_items(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    where = {"botId": bot_id, "botVersion": "DRAFT", "localeId": "en_US"}
    metadata = lex.describe_custom_vocabulary_metadata(**where)
    assert metadata["customVocabularyStatus"] == "Ready"
    items = lex.list_custom_vocabulary_items(**where)["customVocabularyItems"]
    assert [{k: v for k, v in item.items() if k != "itemId"} for item in items] == [
        {"phrase": "margherita", "weight": 3},
        {"phrase": "quattro formaggi", "weight": 1, "displayAs": "Quattro Formaggi"},
    ]
    ids = [item["itemId"] for item in items]
    assert all(re.fullmatch(LEX_ID, item_id) for item_id in ids) and len(set(ids)) == 2
    first = lex.list_custom_vocabulary_items(maxResults=1, **where)
    second = lex.list_custom_vocabulary_items(maxResults=1, nextToken=first["nextToken"], **where)
    assert first["customVocabularyItems"] + second["customVocabularyItems"] == items
    assert "nextToken" not in second


def test_a_locale_without_a_vocabulary_has_none_to_describe(lex: Any) -> None:
    bot_id = create_bot(lex)
    add_locale(lex, bot_id)
    where = {"botId": bot_id, "botVersion": "DRAFT", "localeId": "en_US"}
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        lex.describe_custom_vocabulary_metadata(**where)
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as listing:
        lex.list_custom_vocabulary_items(**where)
    message = f"Locale en_US of bot {bot_id} has no custom vocabulary."
    assert error_of(caught.value) == ("ResourceNotFoundException", message, 404)
    assert error_of(listing.value) == ("ResourceNotFoundException", message, 404)


# -- tags --------------------------------------------------------------------------------
def test_bot_tags_are_listed_added_and_removed_by_arn(lex: Any) -> None:
    bot_id = lex.create_bot(
        botName="Tagged",
        roleArn=ROLE,
        dataPrivacy={"childDirected": False},
        idleSessionTTLInSeconds=300,
        botTags={"team": "pizza", "env": "test"},
    )["botId"]
    arn = BOT_ARN + bot_id
    assert lex.list_tags_for_resource(resourceARN=arn)["tags"] == {"team": "pizza", "env": "test"}
    lex.tag_resource(resourceARN=arn, tags={"env": "prod", "owner": "me"})
    assert lex.list_tags_for_resource(resourceARN=arn)["tags"] == {
        "team": "pizza",
        "env": "prod",
        "owner": "me",
    }
    lex.untag_resource(resourceARN=arn, tagKeys=["team", "not-there"])
    assert lex.list_tags_for_resource(resourceARN=arn)["tags"] == {"env": "prod", "owner": "me"}


def test_tags_of_an_unknown_arn_are_not_found(lex: Any) -> None:
    bot_id = create_bot(lex)
    for arn in (
        BOT_ARN + "NOSUCHBOT0",
        f"arn:aws:lex:eu-west-1:{ACCOUNT}:bot/{bot_id}",  # another region's
        TEST_SET_ARN + bot_id,  # a bot id is not a test set id
    ):
        with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
            lex.list_tags_for_resource(resourceARN=arn)
        assert error_of(caught.value) == (
            "ResourceNotFoundException",
            f"The resource {arn} does not exist.",
            404,
        )
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.tag_resource(resourceARN=BOT_ARN + "NOSUCHBOT0", tags={"a": "b"})


def test_test_set_tags_go_by_its_arn(m: Any, lex: Any) -> None:
    m.put_object("test-inputs", "sets/a.csv", THREE_TURNS)
    test_set_id = import_test_set(m, lex, "Tagged")["importedResourceId"]
    arn = TEST_SET_ARN + test_set_id
    assert lex.list_tags_for_resource(resourceARN=arn)["tags"] == {}
    lex.tag_resource(resourceARN=arn, tags={"suite": "smoke"})
    assert lex.list_tags_for_resource(resourceARN=arn)["tags"] == {"suite": "smoke"}
    lex.untag_resource(resourceARN=arn, tagKeys=["suite"])
    assert lex.list_tags_for_resource(resourceARN=arn)["tags"] == {}


# -- test sets ---------------------------------------------------------------------------
def test_a_test_set_is_imported_from_a_seeded_csv(m: Any, lex: Any) -> None:
    m.put_object("test-inputs", "sets/a.csv", THREE_TURNS)
    done = import_test_set(m, lex, "Smoke")
    assert (done["importStatus"], done["importedResourceName"]) == ("Completed", "Smoke")
    test_set_id = done["importedResourceId"]
    assert re.fullmatch(LEX_ID, test_set_id)
    described = lex.describe_test_set(testSetId=test_set_id)
    assert (described["testSetName"], described["status"]) == ("Smoke", "Ready")
    assert (described["numTurns"], described["modality"]) == (3, "Text")
    assert described["storageLocation"] == {"s3BucketName": "test-store", "s3Path": "stored/"}
    assert described["roleArn"] == ROLE


def test_list_test_sets_sorts_by_name(m: Any, lex: Any) -> None:
    m.put_object("test-inputs", "sets/a.csv", THREE_TURNS)
    for name in ("Zeta", "Alpha", "Mid"):
        assert import_test_set(m, lex, name)["importStatus"] == "Completed"
    listed = lex.list_test_sets()["testSets"]
    assert [t["testSetName"] for t in listed] == ["Alpha", "Mid", "Zeta"]
    descending = lex.list_test_sets(sortBy={"attribute": "TestSetName", "order": "Descending"})
    assert [t["testSetName"] for t in descending["testSets"]] == ["Zeta", "Mid", "Alpha"]


def test_an_unknown_test_set_is_not_found(lex: Any) -> None:
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        lex.describe_test_set(testSetId="NOSUCHSET0")
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        "Test set NOSUCHSET0 does not exist.",
        404,
    )


def test_a_row_with_an_unknown_source_fails_the_import_naming_its_line(m: Any, lex: Any) -> None:
    body = csv_text(
        TEST_SET_HEADER,
        ["1", "1", "User", "Hello", "Greeting"],
        ["2", "1", "Robot", "Beep", ""],
    )
    m.put_object("test-inputs", "sets/robot.csv", body)
    done = import_test_set(m, lex, "Robotic", key="sets/robot.csv")
    assert done["importStatus"] == "Failed"
    assert done["failureReasons"] == [
        "s3://test-inputs/sets/robot.csv line 3: Source must be User or Agent, not 'Robot'."
    ]
    assert lex.list_test_sets()["testSets"] == []


def test_a_missing_test_set_file_fails_the_import(m: Any, lex: Any) -> None:
    m.put_object("test-inputs", "sets/a.csv", THREE_TURNS)
    missing = import_test_set(m, lex, "Missing", key="sets/nothing.csv")
    assert (missing["importStatus"], missing["failureReasons"]) == (
        "Failed",
        ["No test set file was found at s3://test-inputs/sets/nothing.csv."],
    )
    no_bucket = run_import(m, lex, None, suite_spec("NoBucket", bucket="no-such-bucket"))
    assert no_bucket["failureReasons"] == ["The bucket no-such-bucket does not exist."]
    assert lex.list_test_sets()["testSets"] == []


@pytest.mark.parametrize("moto_outside", [True, False], ids=["moto-outside", "moto-inside"])
def test_a_test_set_is_imported_from_moto_s3(moto_outside: bool) -> None:
    with both_mocks(moto_outside) as m:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="test-inputs")
        s3.put_object(Bucket="test-inputs", Key="sets/a.csv", Body=THREE_TURNS.encode())
        lex = session_client()
        done = import_test_set(m, lex, "FromMoto")
        assert done["importStatus"] == "Completed"
        assert lex.describe_test_set(testSetId=done["importedResourceId"])["numTurns"] == 3
        missing = import_test_set(m, lex, "NotThere", key="sets/b.csv")
        assert missing["failureReasons"] == [
            "No test set file was found at s3://test-inputs/sets/b.csv."
        ]


def test_test_set_merge_strategies(m: Any, lex: Any) -> None:
    m.put_object("test-inputs", "sets/a.csv", THREE_TURNS)
    m.put_object(
        "test-inputs",
        "sets/b.csv",
        csv_text(TEST_SET_HEADER, ["1", "1", "User", "Hi", "Greeting"]),
    )
    first = import_test_set(m, lex, "Suite")
    test_set_id = first["importedResourceId"]
    clash = import_test_set(m, lex, "Suite", key="sets/b.csv")
    assert (clash["importStatus"], clash["failureReasons"]) == (
        "Failed",
        [
            "A test set named Suite already exists; with the merge strategy FailOnConflict "
            "nothing was imported."
        ],
    )
    assert lex.describe_test_set(testSetId=test_set_id)["numTurns"] == 3
    replaced = import_test_set(m, lex, "Suite", key="sets/b.csv", merge="Overwrite")
    assert (replaced["importStatus"], replaced["importedResourceId"]) == ("Completed", test_set_id)
    assert lex.describe_test_set(testSetId=test_set_id)["numTurns"] == 1
    assert [t["testSetId"] for t in lex.list_test_sets()["testSets"]] == [test_set_id]


def test_an_overwrite_test_set_import_keeps_its_tags(m: Any, lex: Any) -> None:
    m.put_object("test-inputs", "sets/a.csv", THREE_TURNS)
    test_set_id = import_test_set(m, lex, "Kept")["importedResourceId"]
    arn = TEST_SET_ARN + test_set_id
    lex.tag_resource(resourceARN=arn, tags={"suite": "smoke"})
    replaced = import_test_set(m, lex, "Kept", merge="Overwrite")
    assert (replaced["importStatus"], replaced["importedResourceId"]) == ("Completed", test_set_id)
    assert lex.list_tags_for_resource(resourceARN=arn)["tags"] == {"suite": "smoke"}


@pytest.mark.importmock(progression="manual")
def test_an_import_into_a_locale_being_built_fails(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    lex.build_bot_locale(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    import_id = start(lex, to_zip(locale_archive_files()), locale_spec(bot_id), "Overwrite")[
        "importId"
    ]

    m.advance(import_id)

    done = lex.describe_import(importId=import_id)
    assert done["importStatus"] == "Failed"
    assert done["failureReasons"] == [
        f"Locale en_US of bot {bot_id} is Building; it can be changed once that has finished."
    ]


@pytest.mark.importmock(progression="manual")
def test_a_deleting_bot_takes_no_new_locale(m: Any, lex: Any) -> None:
    bot_id = create_bot(lex)
    m.settle()
    lex.delete_bot(botId=bot_id)

    with pytest.raises(lex.exceptions.PreconditionFailedException) as raised:
        lex.create_bot_locale(
            botId=bot_id, botVersion="DRAFT", localeId="en_US", nluIntentConfidenceThreshold=0.4
        )
    assert error_of(raised.value) == (
        "PreconditionFailedException",
        f"Bot {bot_id} is Deleting; it takes no new locale.",
        412,
    )

"""Bot aliases: the built-in TestBotAlias every bot has, CreateBotAlias against numbered
versions, their history, tags, updates and deletes, and DeleteBot with aliases."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from botocore.config import Config
from freezegun import freeze_time

from tests.helpers import error_of
from tests.services.lexv2.archives import ROLE, bot_files, to_zip
from tests.services.lexv2.conftest import (
    ACCOUNT,
    LEX_ID,
    bot_spec,
    create_bot,
    run_import,
    session_client,
)
from tests.services.lexv2.test_versions import BOTH, NO_PARENT, NO_RESOURCE, built_bot, new_version

NOON = datetime.datetime(2026, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
LAMBDA = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:pizza-hook"
HOOK = {
    "en_US": {
        "enabled": True,
        "codeHookSpecification": {
            "lambdaCodeHook": {"lambdaARN": LAMBDA, "codeHookInterfaceVersion": "1.0"}
        },
    }
}
LOGS = {
    "textLogSettings": [
        {
            "enabled": True,
            "destination": {
                "cloudWatch": {
                    "cloudWatchLogGroupArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:lex",
                    "logPrefix": "pizza/",
                }
            },
        }
    ]
}


def alias_arn(bot_id: str, alias_id: str) -> str:
    return f"arn:aws:lex:us-east-1:{ACCOUNT}:bot-alias/{bot_id}/{alias_id}"


def described(lex: Any, bot_id: str, alias_id: str) -> dict[str, Any]:
    found = dict(lex.describe_bot_alias(botId=bot_id, botAliasId=alias_id))
    found.pop("ResponseMetadata", None)
    return found


def alias_names(lex: Any, bot_id: str, **kwargs: Any) -> list[str]:
    listed = lex.list_bot_aliases(botId=bot_id, **kwargs)["botAliasSummaries"]
    return [summary["botAliasName"] for summary in listed]


def prod_alias(lex: Any, bot_id: str, name: str = "Prod", **extra: Any) -> str:
    created = lex.create_bot_alias(botId=bot_id, botAliasName=name, botVersion="1", **extra)
    return str(created["botAliasId"])


# -- the test alias -----------------------------------------------------------------------
@freeze_time(NOON)
def test_every_bot_has_the_test_alias_pointing_at_draft(lex: Any) -> None:
    created = lex.create_bot(
        botName="OrderBot",
        roleArn=ROLE,
        dataPrivacy={"childDirected": False},
        idleSessionTTLInSeconds=300,
        testBotAliasTags={"stage": "test"},
    )
    bot_id = created["botId"]
    listed = lex.list_bot_aliases(botId=bot_id)
    assert listed["botId"] == bot_id
    assert listed["botAliasSummaries"] == [
        {
            "botAliasId": "TSTALIASID",
            "botAliasName": "TestBotAlias",
            "description": "test bot alias",
            "botVersion": "DRAFT",
            "botAliasStatus": "Available",
            "creationDateTime": NOON,
            "lastUpdatedDateTime": NOON,
        }
    ]
    assert described(lex, bot_id, "TSTALIASID") == {
        "botAliasId": "TSTALIASID",
        "botAliasName": "TestBotAlias",
        "description": "test bot alias",
        "botVersion": "DRAFT",
        "sentimentAnalysisSettings": {"detectSentiment": False},
        "botAliasHistoryEvents": [{"botVersion": "DRAFT", "startDate": NOON}],
        "botAliasStatus": "Available",
        "botId": bot_id,
        "creationDateTime": NOON,
        "lastUpdatedDateTime": NOON,
    }
    tags = lex.list_tags_for_resource(resourceARN=alias_arn(bot_id, "TSTALIASID"))["tags"]
    assert tags == {"stage": "test"}


def test_an_imported_bot_has_the_test_alias_with_the_specifications_tags(m: Any, lex: Any) -> None:
    spec = bot_spec("Imported", testBotAliasTags={"team": "pizza"}, botTags={"kind": "bot"})
    done = run_import(m, lex, to_zip(bot_files("Imported")), spec)
    bot_id = done["importedResourceId"]
    assert alias_names(lex, bot_id) == ["TestBotAlias"]
    arn = alias_arn(bot_id, "TSTALIASID")
    assert lex.list_tags_for_resource(resourceARN=arn)["tags"] == {"team": "pizza"}
    lex.tag_resource(resourceARN=arn, tags={"added": "yes"})
    lex.untag_resource(resourceARN=arn, tagKeys=["team"])
    assert lex.list_tags_for_resource(resourceARN=arn)["tags"] == {"added": "yes"}


def test_the_test_alias_can_be_updated_but_not_moved_off_draft_or_deleted(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    updated = lex.update_bot_alias(
        botId=bot_id,
        botAliasId="TSTALIASID",
        botAliasName="TestBotAlias",
        botAliasLocaleSettings=HOOK,
        conversationLogSettings=LOGS,
    )
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (updated["botVersion"], updated["botAliasLocaleSettings"]) == ("DRAFT", HOOK)
    assert described(lex, bot_id, "TSTALIASID")["conversationLogSettings"] == LOGS
    with pytest.raises(lex.exceptions.ValidationException) as moved:
        lex.update_bot_alias(
            botId=bot_id, botAliasId="TSTALIASID", botAliasName="TestBotAlias", botVersion="1"
        )
    assert error_of(moved.value) == (
        "ValidationException",
        "The test alias TSTALIASID always points at the DRAFT version; it cannot point at "
        "version 1.",
        400,
    )
    with pytest.raises(lex.exceptions.ValidationException) as deleted:
        lex.delete_bot_alias(botId=bot_id, botAliasId="TSTALIASID")
    assert error_of(deleted.value) == (
        "ValidationException",
        f"The test alias TSTALIASID of bot {bot_id} cannot be deleted; it goes with the bot.",
        400,
    )


# -- CreateBotAlias -----------------------------------------------------------------------
def test_create_bot_alias_is_creating_then_available_with_its_settings_and_tags(
    m: Any, lex: Any
) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    created = lex.create_bot_alias(
        botId=bot_id,
        botAliasName="Prod",
        description="Production",
        botVersion="1",
        botAliasLocaleSettings=HOOK,
        conversationLogSettings=LOGS,
        sentimentAnalysisSettings={"detectSentiment": True},
        tags={"env": "prod"},
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert created["botAliasStatus"] == "Creating"
    assert created["tags"] == {"env": "prod"}
    alias_id = created["botAliasId"]
    assert alias_id != "TSTALIASID" and len(alias_id) == 10
    assert re.fullmatch(LEX_ID, alias_id)
    found = described(lex, bot_id, alias_id)
    assert found["botAliasStatus"] == "Available"
    assert (found["botAliasName"], found["description"], found["botVersion"]) == (
        "Prod",
        "Production",
        "1",
    )
    assert found["botAliasLocaleSettings"] == HOOK
    assert found["conversationLogSettings"] == LOGS
    assert found["sentimentAnalysisSettings"] == {"detectSentiment": True}
    assert found["botAliasHistoryEvents"] == [
        {"botVersion": "1", "startDate": found["creationDateTime"]}
    ]
    assert lex.list_tags_for_resource(resourceARN=alias_arn(bot_id, alias_id))["tags"] == {
        "env": "prod"
    }


@pytest.mark.importmock(progression="manual")
def test_an_alias_is_creating_until_it_is_advanced(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    m.settle()
    alias_id = prod_alias(lex, bot_id)
    statuses = [described(lex, bot_id, alias_id)["botAliasStatus"]]
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        lex.update_bot_alias(botId=bot_id, botAliasId=alias_id, botAliasName="Prod")
    assert error_of(caught.value)[0] == "ConflictException"
    m.advance()
    statuses.append(described(lex, bot_id, alias_id)["botAliasStatus"])
    assert statuses == ["Creating", "Available"]


def test_alias_names_are_unique_per_bot(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    other = built_bot(m, lex, "OtherBot")
    new_version(lex, bot_id)
    new_version(lex, other)
    alias_id = prod_alias(lex, bot_id)
    prod_alias(lex, other)  # another bot's alias may share the name
    for name, clash in (("Prod", alias_id), ("TestBotAlias", "TSTALIASID")):
        with pytest.raises(lex.exceptions.ConflictException) as caught:
            prod_alias(lex, bot_id, name)
        assert error_of(caught.value) == (
            "ConflictException",
            f"Bot {bot_id} already has an alias named {name} ({clash}).",
            409,
        )


def test_an_alias_needs_an_existing_version_with_the_locales_it_configures(
    m: Any, lex: Any
) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id, {"en_GB": {"sourceBotVersion": "DRAFT"}})
    with pytest.raises(lex.exceptions.PreconditionFailedException) as no_version:
        lex.create_bot_alias(botId=bot_id, botAliasName="Prod", botVersion="2")
    assert error_of(no_version.value) == (
        "PreconditionFailedException",
        f"Bot {bot_id} has no version 2.",
        412,
    )
    with pytest.raises(lex.exceptions.PreconditionFailedException) as no_locale:
        prod_alias(lex, bot_id, botAliasLocaleSettings=HOOK)
    assert error_of(no_locale.value) == (
        "PreconditionFailedException",
        f"botAliasLocaleSettings names the locale en_US, which version 1 of bot {bot_id} "
        "does not have.",
        412,
    )
    with pytest.raises(lex.exceptions.PreconditionFailedException) as no_bot:
        lex.create_bot_alias(botId="ABCDEFGHIJ", botAliasName="Prod", botVersion="1")
    assert error_of(no_bot.value) == ("PreconditionFailedException", NO_PARENT, 412)
    assert alias_names(lex, bot_id) == ["TestBotAlias"]


def test_only_the_test_alias_may_point_at_draft(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    alias_id = prod_alias(lex, bot_id)
    with pytest.raises(lex.exceptions.ValidationException) as caught:
        lex.update_bot_alias(
            botId=bot_id, botAliasId=alias_id, botAliasName="Prod", botVersion="DRAFT"
        )
    assert error_of(caught.value) == (
        "ValidationException",
        "Only the test alias TSTALIASID can point at the DRAFT version; create a numbered "
        "version with CreateBotVersion.",
        400,
    )


def test_a_lambda_arn_off_the_models_pattern_is_a_validation_error(lex: Any) -> None:
    bot_id = create_bot(lex)
    unchecked = session_client(config=Config(parameter_validation=False))
    bad = {"en_US": {"enabled": True, "codeHookSpecification": {"lambdaCodeHook": {
        "lambdaARN": "arn:aws:sqs:us-east-1:123456789012:queue", "codeHookInterfaceVersion": "1.0"
    }}}}  # fmt: skip
    with pytest.raises(unchecked.exceptions.ValidationException) as caught:
        unchecked.create_bot_alias(
            botId=bot_id, botAliasName="Prod", botVersion="1", botAliasLocaleSettings=bad
        )
    assert "lambdaARN" in error_of(caught.value)[1]


# -- listing, updates and history -------------------------------------------------------------
def test_list_bot_aliases_sorts_by_name_and_pages(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    for name in ("Zeta", "Alpha", "Beta"):
        prod_alias(lex, bot_id, name)
    first = lex.list_bot_aliases(botId=bot_id, maxResults=3)
    assert [s["botAliasName"] for s in first["botAliasSummaries"]] == [
        "Alpha",
        "Beta",
        "TestBotAlias",
    ]
    second = lex.list_bot_aliases(botId=bot_id, maxResults=3, nextToken=first["nextToken"])
    assert [s["botAliasName"] for s in second["botAliasSummaries"]] == ["Zeta"]
    assert "nextToken" not in second
    assert second["botAliasSummaries"][0]["botVersion"] == "1"


def test_update_bot_alias_keeps_the_history_of_its_versions(m: Any, lex: Any) -> None:
    with freeze_time(NOON) as frozen:
        bot_id = built_bot(m, lex)
        new_version(lex, bot_id)
        new_version(lex, bot_id)
        alias_id = prod_alias(lex, bot_id)
        frozen.tick(3600)
        updated = lex.update_bot_alias(
            botId=bot_id,
            botAliasId=alias_id,
            botAliasName="Production",
            botVersion="2",
            description="Now on 2",
        )
        assert updated["botAliasStatus"] == "Available"
        assert (updated["botAliasName"], updated["botVersion"]) == ("Production", "2")
        later = NOON + datetime.timedelta(hours=1)
        assert updated["lastUpdatedDateTime"] == later
        found = described(lex, bot_id, alias_id)
        assert found["botAliasHistoryEvents"] == [
            {"botVersion": "2", "startDate": later},
            {"botVersion": "1", "startDate": NOON, "endDate": later},
        ]
        assert found["description"] == "Now on 2"
        assert "botAliasLocaleSettings" not in found  # an update replaces every setting
        lex.update_bot_alias(
            botId=bot_id, botAliasId=alias_id, botAliasName="Production", botVersion="2"
        )
        assert len(described(lex, bot_id, alias_id)["botAliasHistoryEvents"]) == 2


def test_update_or_describe_of_an_unknown_alias(m: Any, lex: Any) -> None:
    bot_id = create_bot(lex)
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as missing:
        lex.describe_bot_alias(botId=bot_id, botAliasId="ABCDEFGHIJ")
    assert error_of(missing.value) == (
        "ResourceNotFoundException",
        f"Bot {bot_id} has no alias ABCDEFGHIJ.",
        404,
    )
    with pytest.raises(lex.exceptions.PreconditionFailedException) as update:
        lex.update_bot_alias(botId=bot_id, botAliasId="ABCDEFGHIJ", botAliasName="X")
    assert error_of(update.value) == ("PreconditionFailedException", NO_RESOURCE, 412)


# -- DeleteBotAlias and DeleteBot -----------------------------------------------------------
@pytest.mark.importmock(progression="manual")
def test_delete_bot_alias_is_deleting_then_the_alias_is_gone(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    alias_id = prod_alias(lex, bot_id)
    m.settle()
    deleted = lex.delete_bot_alias(botId=bot_id, botAliasId=alias_id)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (deleted["botAliasId"], deleted["botId"], deleted["botAliasStatus"]) == (
        alias_id,
        bot_id,
        "Deleting",
    )
    assert described(lex, bot_id, alias_id)["botAliasStatus"] == "Deleting"
    m.settle()
    assert alias_names(lex, bot_id) == ["TestBotAlias"]
    with pytest.raises(lex.exceptions.PreconditionFailedException) as again:
        lex.delete_bot_alias(botId=bot_id, botAliasId=alias_id)
    assert error_of(again.value) == ("PreconditionFailedException", NO_RESOURCE, 412)
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.list_tags_for_resource(resourceARN=alias_arn(bot_id, alias_id))
    # With its alias gone, the version can be deleted without skipping the check.
    assert lex.delete_bot_version(botId=bot_id, botVersion="1")["botStatus"] == "Deleting"


def test_delete_bot_refuses_a_bot_with_aliases_unless_the_check_is_skipped(
    m: Any, lex: Any
) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id)
    prod_alias(lex, bot_id)
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_bot(botId=bot_id)
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"Bot {bot_id} has the alias(es) Prod; delete them first, or set "
        "skipResourceInUseCheck to delete the bot with them.",
        412,
    )
    assert lex.delete_bot(botId=bot_id, skipResourceInUseCheck=True)["botStatus"] == "Deleting"
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.describe_bot_version(botId=bot_id, botVersion="1")
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.list_tags_for_resource(resourceARN=alias_arn(bot_id, "TSTALIASID"))


def test_a_bot_with_only_its_test_alias_and_versions_is_deleted(m: Any, lex: Any) -> None:
    bot_id = built_bot(m, lex)
    new_version(lex, bot_id, BOTH)
    assert lex.delete_bot(botId=bot_id)["botStatus"] == "Deleting"
    assert lex.list_bots()["botSummaries"] == []


# -- the whole pipeline, with the waiters --------------------------------------------------
@pytest.mark.importmock(progression="reads")
def test_a_deploy_pipeline_waits_with_the_version_and_alias_waiters(m: Any, lex: Any) -> None:
    now = {"Delay": 0}
    done = run_import(m, lex, to_zip(bot_files()), bot_spec())
    bot_id = done["importedResourceId"]
    for locale_id in ("en_US", "en_GB"):
        lex.build_bot_locale(botId=bot_id, botVersion="DRAFT", localeId=locale_id)
        lex.get_waiter("bot_locale_built").wait(
            botId=bot_id, botVersion="DRAFT", localeId=locale_id, WaiterConfig=now
        )
    assert new_version(lex, bot_id) == "1"
    lex.get_waiter("bot_version_available").wait(botId=bot_id, botVersion="1", WaiterConfig=now)
    created = lex.create_bot_alias(botId=bot_id, botAliasName="Prod", botVersion="1")
    assert created["botAliasStatus"] == "Creating"
    lex.get_waiter("bot_alias_available").wait(
        botId=bot_id, botAliasId=created["botAliasId"], WaiterConfig=now
    )
    assert described(lex, bot_id, created["botAliasId"])["botAliasStatus"] == "Available"
    assert [
        (info.kind, [stage for stage, _ in info.history])
        for info in m.jobs()
        if info.kind in ("bot version creation", "bot alias creation")
    ] == [
        ("bot version creation", ["Versioning", "Available"]),
        ("bot alias creation", ["Creating", "Available"]),
    ]

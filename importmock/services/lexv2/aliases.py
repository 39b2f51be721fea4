"""Bot aliases: CreateBotAlias, DescribeBotAlias, ListBotAliases, UpdateBotAlias and
DeleteBotAlias, and the built-in test alias every bot has.

Every bot has ``TestBotAlias`` (id ``TSTALIASID``), pointing at DRAFT, with the bot's
``testBotAliasTags`` as its tags; it is listed and described like any alias, can be
updated (its version stays DRAFT) and cannot be deleted. Other aliases point at a numbered
version that exists; the locales of their ``botAliasLocaleSettings`` must be locales of
that version. An alias's settings are kept as the request members that set them.
"""

from __future__ import annotations

import copy
from typing import Any

from importmock.engine import clock
from importmock.engine.errors import ServiceError
from importmock.engine.lifecycle import Job
from importmock.engine.records import compact
from importmock.services.lexv2.base import LexBackendBase
from importmock.services.lexv2.models import (
    ALIAS_CREATION,
    ALIAS_DELETION,
    DRAFT,
    Bot,
    BotAlias,
    new_id,
)
from importmock.services.lexv2.versions import NO_PARENT, NO_RESOURCE

TEST_ALIAS_ID = "TSTALIASID"
TEST_ALIAS_NAME = "TestBotAlias"
#: What AWS shows for a new bot's test alias (a real ListBotAliases/DescribeBotAlias
#: answer kept as a fixture in cloudsploit's lexAudioLogsEncrypted.spec.js).
TEST_ALIAS_DESCRIPTION = "test bot alias"
SETTINGS = (
    "description",
    "botVersion",
    "botAliasLocaleSettings",
    "conversationLogSettings",
    "sentimentAnalysisSettings",
)


class BotAliasOperations(LexBackendBase):
    """CreateBotAlias, DescribeBotAlias, ListBotAliases, UpdateBotAlias, DeleteBotAlias."""

    # -- look-ups --------------------------------------------------------------------
    def _aliases(self, bot: Bot) -> dict[str, BotAlias]:
        """The bot's aliases, its test alias first made if this is the first look."""
        if TEST_ALIAS_ID not in bot.aliases:
            bot.aliases[TEST_ALIAS_ID] = BotAlias(
                alias_id=TEST_ALIAS_ID,
                name=TEST_ALIAS_NAME,
                settings={
                    "description": TEST_ALIAS_DESCRIPTION,
                    "botVersion": DRAFT,
                    "sentimentAnalysisSettings": {"detectSentiment": False},
                },
                tags=bot.test_alias_tags,  # the same map: tagging one tags the other
                created=bot.created,
                updated=bot.created,
                history=[{"botVersion": DRAFT, "startDate": bot.created}],
            )
        for alias in list(bot.aliases.values()):
            if alias.job is not None:
                alias.job.read()
        return bot.aliases

    def _alias(self, bot: Bot, alias_id: str) -> BotAlias:
        alias = self._aliases(bot).get(alias_id)
        if alias is None:
            raise self._missing(f"Bot {bot.bot_id} has no alias {alias_id}.")
        return alias

    def _alias_arn(self, bot_id: str, alias_id: str) -> str:
        return self._arn(f"bot-alias/{bot_id}/{alias_id}")

    # -- checks ----------------------------------------------------------------------
    def _check_alias_settings(
        self,
        bot: Bot,
        alias_id: str | None,
        name: str,
        bot_version: str | None,
        locale_settings: dict[str, Any] | None,
    ) -> None:
        clash = next(
            (a for a in self._aliases(bot).values() if a.name == name and a.alias_id != alias_id),
            None,
        )
        if clash is not None:
            raise ServiceError(
                "ConflictException",
                f"Bot {bot.bot_id} already has an alias named {name} ({clash.alias_id}).",
            )
        if alias_id == TEST_ALIAS_ID:
            if bot_version not in (None, DRAFT):
                raise self.invalid(
                    f"The test alias {TEST_ALIAS_ID} always points at the DRAFT version; "
                    f"it cannot point at version {bot_version}."
                )
            locales = bot.locales
        elif bot_version == DRAFT:
            raise self.invalid(
                f"Only the test alias {TEST_ALIAS_ID} can point at the DRAFT version; "
                "create a numbered version with CreateBotVersion."
            )
        elif bot_version is not None:
            version = bot.versions.get(bot_version)
            if version is not None and version.job is not None:
                version.job.read()
            version = bot.versions.get(bot_version)
            if version is None or version.status in ("Deleting", "Failed"):
                raise ServiceError(
                    "PreconditionFailedException",
                    f"Bot {bot.bot_id} has no version {bot_version}.",
                )
            locales = version.locales
        else:
            locales = {}
        for locale_id in sorted(locale_settings or {}):
            if locale_id not in locales:
                where = "DRAFT" if alias_id == TEST_ALIAS_ID else f"version {bot_version}"
                raise ServiceError(
                    "PreconditionFailedException",
                    f"botAliasLocaleSettings names the locale {locale_id}, which {where} of "
                    f"bot {bot.bot_id} does not have.",
                )

    # -- answers ---------------------------------------------------------------------
    def _alias_data(self, bot: Bot, alias: BotAlias) -> dict[str, Any]:
        return compact(
            {
                "botAliasId": alias.alias_id,
                "botAliasName": alias.name,
                **{key: alias.settings.get(key) for key in SETTINGS},
                "botAliasStatus": alias.status,
                "botId": bot.bot_id,
                "creationDateTime": alias.created,
            }
        )

    # -- operations ------------------------------------------------------------------
    def create_bot_alias(
        self,
        botAliasName: str,
        botId: str,
        description: str | None = None,
        botVersion: str | None = None,
        botAliasLocaleSettings: dict[str, Any] | None = None,
        conversationLogSettings: dict[str, Any] | None = None,
        sentimentAnalysisSettings: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        bot = self.bots.get(botId)
        if bot is None:
            raise ServiceError("PreconditionFailedException", NO_PARENT)
        bot = self._bot(botId)
        if bot.status != "Available":
            raise ServiceError(
                "PreconditionFailedException",
                f"Bot {botId} is {bot.status}; an alias can be created when it is Available.",
            )
        self._check_alias_settings(bot, None, botAliasName, botVersion, botAliasLocaleSettings)
        alias_tags = self.tagged({}, tags)
        alias_id = new_id()
        while alias_id in bot.aliases or alias_id == TEST_ALIAS_ID:
            alias_id = new_id()
        now = clock.now()
        alias = BotAlias(
            alias_id=alias_id,
            name=botAliasName,
            settings=compact(
                {
                    "description": description,
                    "botVersion": botVersion,
                    "botAliasLocaleSettings": copy.deepcopy(botAliasLocaleSettings),
                    "conversationLogSettings": copy.deepcopy(conversationLogSettings),
                    "sentimentAnalysisSettings": copy.deepcopy(sentimentAnalysisSettings),
                }
            ),
            tags=alias_tags,
            created=now,
            updated=now,
            history=[] if botVersion is None else [{"botVersion": botVersion, "startDate": now}],
        )
        alias.job = self._start(f"alias-{bot.bot_id}-{alias_id}-{new_id()}", ALIAS_CREATION)
        bot.aliases[alias_id] = alias
        return {**self._alias_data(bot, alias), "tags": dict(alias.tags) or None}

    def describe_bot_alias(self, botAliasId: str, botId: str) -> dict[str, Any]:
        bot = self._bot(botId)
        alias = self._alias(bot, botAliasId)
        return {
            **self._alias_data(bot, alias),
            "botAliasHistoryEvents": [compact(dict(event)) for event in alias.history],
            "lastUpdatedDateTime": alias.updated,
        }

    def list_bot_aliases(
        self, botId: str, maxResults: int | None = None, nextToken: str | None = None
    ) -> dict[str, Any]:
        bot = self._bot(botId)
        aliases = list(self._aliases(bot).values())
        page, token = self._page(
            aliases, lambda a: (a.name, a.alias_id), "aliases", maxResults, nextToken
        )
        summaries = [
            compact(
                {
                    "botAliasId": alias.alias_id,
                    "botAliasName": alias.name,
                    "description": alias.settings.get("description"),
                    "botVersion": alias.settings.get("botVersion"),
                    "botAliasStatus": alias.status,
                    "creationDateTime": alias.created,
                    "lastUpdatedDateTime": alias.updated,
                }
            )
            for alias in page
        ]
        return {"botAliasSummaries": summaries, "nextToken": token, "botId": bot.bot_id}

    def update_bot_alias(
        self,
        botAliasId: str,
        botAliasName: str,
        botId: str,
        description: str | None = None,
        botVersion: str | None = None,
        botAliasLocaleSettings: dict[str, Any] | None = None,
        conversationLogSettings: dict[str, Any] | None = None,
        sentimentAnalysisSettings: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        bot = self.bots.get(botId)
        if bot is None:
            raise ServiceError("PreconditionFailedException", NO_RESOURCE)
        bot = self._bot(botId)
        alias = self._aliases(bot).get(botAliasId)
        if alias is None:
            raise ServiceError("PreconditionFailedException", NO_RESOURCE)
        if alias.status != "Available":
            raise ServiceError(
                "ConflictException",
                f"Alias {botAliasId} of bot {botId} is {alias.status}; it can be updated when "
                "it is Available.",
            )
        if botAliasId == TEST_ALIAS_ID and botVersion is None:
            botVersion = DRAFT
        self._check_alias_settings(
            bot, botAliasId, botAliasName, botVersion, botAliasLocaleSettings
        )
        now = clock.now()
        previous = alias.settings.get("botVersion")
        if botVersion != previous:
            if alias.history and "endDate" not in alias.history[0]:
                alias.history[0]["endDate"] = now
            if botVersion is not None:
                alias.history.insert(0, {"botVersion": botVersion, "startDate": now})
        alias.name = botAliasName
        alias.settings = compact(
            {
                "description": description,
                "botVersion": botVersion,
                "botAliasLocaleSettings": copy.deepcopy(botAliasLocaleSettings),
                "conversationLogSettings": copy.deepcopy(conversationLogSettings),
                "sentimentAnalysisSettings": copy.deepcopy(sentimentAnalysisSettings),
            }
        )
        alias.updated = now
        return {**self._alias_data(bot, alias), "lastUpdatedDateTime": alias.updated}

    def delete_bot_alias(
        self, botAliasId: str, botId: str, skipResourceInUseCheck: bool | None = None
    ) -> dict[str, Any]:
        bot = self.bots.get(botId)
        alias = None if bot is None else self._aliases(bot).get(botAliasId)
        if bot is None or alias is None:
            raise ServiceError("PreconditionFailedException", NO_RESOURCE)
        if botAliasId == TEST_ALIAS_ID:
            raise self.invalid(
                f"The test alias {TEST_ALIAS_ID} of bot {botId} cannot be deleted; it goes "
                "with the bot."
            )
        answer = {"botAliasId": alias.alias_id, "botId": bot.bot_id, "botAliasStatus": "Deleting"}
        if alias.status == "Deleting":
            return answer
        if alias.job is not None and not alias.job.finished:
            raise ServiceError(
                "ConflictException",
                f"Alias {botAliasId} of bot {botId} is {alias.status}; try again when it has "
                "finished.",
            )
        arn = self._alias_arn(bot.bot_id, alias.alias_id)

        def gone(_: Job) -> None:
            if bot.aliases.get(alias.alias_id) is alias:
                del bot.aliases[alias.alias_id]
                self.policies.pop(arn, None)

        name = f"alias-{bot.bot_id}-{alias.alias_id}"
        if alias.job is None:
            alias.job = self._start(f"{name}-{new_id()}", ALIAS_DELETION, on_success=gone)
        else:
            self.jobs.continue_with(alias.job, ALIAS_DELETION, on_success=gone)
        return answer

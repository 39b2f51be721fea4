"""Numbered bot versions: CreateBotVersion, DescribeBotVersion, ListBotVersions (which
lists DRAFT too) and DeleteBotVersion.

A version is an immutable copy, made as CreateBotVersion is called, of the bot's settings
and of the locales its ``botVersionLocaleSpecification`` names (each from DRAFT, which must
be Built, or from an earlier numbered version). Versions are numbered "1", "2"... per bot;
a number is never given out again, even after its version is deleted. The Describe/List
operations of locales, intents, slots and slot types read a version's copies through
``LexBackendBase._locale`` (base.py).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from importmock.engine import clock
from importmock.engine.errors import ServiceError
from importmock.engine.lifecycle import Job
from importmock.engine.records import compact
from importmock.services.lexv2.base import LexBackendBase
from importmock.services.lexv2.models import (
    BOT_VERSION_DELETION,
    BOT_VERSIONING,
    DRAFT,
    Bot,
    BotVersion,
    Locale,
    new_id,
)

#: What PreconditionFailedException says when the resource a request names is not there
#: (DeleteBot's words for an unknown bot, quoted in hashicorp/terraform-provider-aws#38661).
NO_RESOURCE = "Failed to retrieve resource since it does not exist"
#: ... and for a create under a parent that is not there (CreateBotAlias of an unknown bot).
NO_PARENT = "Failed to retrieve parent resource since it does not exist"


class BotVersionOperations(LexBackendBase):
    """CreateBotVersion, DescribeBotVersion, ListBotVersions, DeleteBotVersion."""

    def _parent_bot(self, bot_id: str) -> Bot:
        """The bot a create names: PreconditionFailedException in AWS's words if unknown."""
        bot = self.bots.get(bot_id)
        if bot is None:
            raise ServiceError("PreconditionFailedException", NO_PARENT)
        return self._bot(bot_id)

    def create_bot_version(
        self,
        botId: str,
        botVersionLocaleSpecification: dict[str, dict[str, Any]],
        description: str | None = None,
    ) -> dict[str, Any]:
        bot = self._parent_bot(botId)
        if bot.status != "Available":
            raise ServiceError(
                "PreconditionFailedException",
                f"Bot {botId} is {bot.status}; a version can be created when it is Available.",
            )
        locales = {
            locale_id: self._versioned_locale(bot, locale_id, details["sourceBotVersion"])
            for locale_id, details in sorted(botVersionLocaleSpecification.items())
        }
        bot.last_version += 1
        now = clock.now()
        version = BotVersion(
            version=str(bot.last_version),
            name=bot.name,
            description=description,
            settings=copy.deepcopy(bot.settings),
            locale_specification=copy.deepcopy(botVersionLocaleSpecification),
            locales=locales,
            created=now,
        )
        version.job = self._start(
            f"bot-{bot.bot_id}-version-{version.version}-{new_id()}", BOT_VERSIONING
        )
        bot.versions[version.version] = version
        return compact(
            {
                "botId": bot.bot_id,
                "description": description,
                "botVersion": version.version,
                "botVersionLocaleSpecification": version.locale_specification,
                "botStatus": version.status,
                "creationDateTime": version.created,
            }
        )

    def _versioned_locale(self, bot: Bot, locale_id: str, source: str) -> Locale:
        """An immutable copy of one locale of DRAFT (which must be Built) or of a version."""
        if source == DRAFT:
            locale = bot.locales.get(locale_id)
            if locale is not None and locale.job is not None:
                locale.job.read()
            locale = bot.locales.get(locale_id)
        else:
            existing = bot.versions.get(source)
            if existing is None or existing.status in ("Deleting", "Failed"):
                raise ServiceError(
                    "PreconditionFailedException",
                    f"Bot {bot.bot_id} has no version {source} to copy locale {locale_id} from.",
                )
            locale = existing.locales.get(locale_id)
        if locale is None:
            raise ServiceError(
                "PreconditionFailedException",
                f"Bot {bot.bot_id} version {source} has no locale {locale_id}.",
            )
        if locale.status != "Built":
            raise ServiceError(
                "PreconditionFailedException",
                f"Locale {locale_id} of bot {bot.bot_id} is {locale.status}; build it before "
                "creating a version with it.",
            )
        copied = copy.deepcopy(dataclasses.replace(locale, job=None))
        copied.frozen_status = "Built"
        return copied

    def _version_data(self, bot: Bot, version: BotVersion) -> dict[str, Any]:
        settings = version.settings
        data: dict[str, Any] = {
            "botId": bot.bot_id,
            "botName": version.name,
            "botVersion": version.version,
            "description": version.description,
            "roleArn": settings.get("roleArn"),
            "dataPrivacy": settings.get("dataPrivacy"),
            "idleSessionTTLInSeconds": settings.get("idleSessionTTLInSeconds"),
            "botStatus": version.status,
            "creationDateTime": version.created,
            "botType": settings.get("botType", "Bot"),
            "botMembers": settings.get("botMembers"),
        }
        job = version.job
        if job is not None and job.failed and job.failure_reason:
            data["failureReasons"] = job.failure_reason.split("\n")
        return compact(data)

    def describe_bot_version(self, botId: str, botVersion: str) -> dict[str, Any]:
        bot = self._bot(botId)
        return self._version_data(bot, self._version(bot, botVersion))

    def list_bot_versions(
        self,
        botId: str,
        sortBy: dict[str, Any] | None = None,
        maxResults: int | None = None,
        nextToken: str | None = None,
    ) -> dict[str, Any]:
        bot = self._bot(botId)
        for version in list(bot.versions.values()):
            if version.job is not None:
                version.job.read()
        # DRAFT is listed too, as version 0 (first ascending, last descending).
        draft = {
            "botName": bot.name,
            "botVersion": DRAFT,
            "description": bot.settings.get("description"),
            "botStatus": bot.status,
            "creationDateTime": bot.created,
        }
        listed = [draft] + [
            {
                "botName": version.name,
                "botVersion": version.version,
                "description": version.description,
                "botStatus": version.status,
                "creationDateTime": version.created,
            }
            for version in bot.versions.values()
        ]
        descending = (sortBy or {}).get("order") == "Descending"
        sign = -1 if descending else 1
        page, token = self._page(
            listed,
            lambda v: (sign * (0 if v["botVersion"] == DRAFT else int(v["botVersion"])),),
            f"versions:{'d' if descending else 'a'}",
            maxResults,
            nextToken,
        )
        summaries = [compact(summary) for summary in page]
        return {"botId": bot.bot_id, "botVersionSummaries": summaries, "nextToken": token}

    def delete_bot_version(
        self, botId: str, botVersion: str, skipResourceInUseCheck: bool | None = None
    ) -> dict[str, Any]:
        bot = self.bots.get(botId)
        version = None if bot is None else bot.versions.get(botVersion)
        if version is not None and version.job is not None:
            version.job.read()  # which may finish its deletion
        if bot is None or version is None or bot.versions.get(botVersion) is not version:
            raise ServiceError("PreconditionFailedException", NO_RESOURCE)
        answer = {"botId": bot.bot_id, "botVersion": version.version, "botStatus": "Deleting"}
        if version.status == "Deleting":
            return answer
        if version.job is not None and not version.job.finished:
            raise ServiceError(
                "ConflictException",
                f"Version {botVersion} of bot {botId} is {version.status}; try again when it "
                "has finished.",
            )
        users = sorted(
            alias.name
            for alias in bot.aliases.values()
            if alias.settings.get("botVersion") == version.version
        )
        if users and not skipResourceInUseCheck:
            raise ServiceError(
                "PreconditionFailedException",
                f"Version {botVersion} of bot {botId} is used by the alias(es) "
                f"{', '.join(users)}; point them at another version, or set "
                "skipResourceInUseCheck to delete it anyway.",
            )

        def gone(_: Job) -> None:
            if bot.versions.get(version.version) is version:
                del bot.versions[version.version]

        name = f"bot-{bot.bot_id}-version-{version.version}"
        if version.job is None:
            version.job = self._start(f"{name}-{new_id()}", BOT_VERSION_DELETION, on_success=gone)
        else:
            self.jobs.continue_with(version.job, BOT_VERSION_DELETION, on_success=gone)
        return answer

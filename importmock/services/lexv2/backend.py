"""Amazon Lex V2 model building (``lexv2-models``): bots, DRAFT bot locales with their
intents, slots, slot types and custom vocabulary, test sets, and the zip archives that
import and export them.

An import reads its archive when it starts (a bad archive fails the import with reasons,
changing nothing); the merge strategy is applied when it completes, against the state at
that moment. An export builds its archive from the state when it starts and serves it at a
download URL once it completes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from importmock.engine import clock, strict_json
from importmock.engine.backend import register
from importmock.engine.errors import ServiceError
from importmock.engine.lifecycle import Job, Lifecycle
from importmock.engine.records import compact
from importmock.services.lexv2 import archive, archive_json
from importmock.services.lexv2.aliases import TEST_ALIAS_ID
from importmock.services.lexv2.authoring import AuthoringOperations
from importmock.services.lexv2.base import LexBackendBase
from importmock.services.lexv2.build_checks import build_problems
from importmock.services.lexv2.imports import ImportPlan
from importmock.services.lexv2.locales import LOCALE_NAMES
from importmock.services.lexv2.models import (
    BOT_CREATION,
    BOT_DELETION,
    DRAFT,
    EXPORT,
    FALLBACK_INTENT_ID,
    IMPORT,
    LIFECYCLES,
    LOCALE_BUILD,
    LOCALE_CREATION,
    LOCALE_DELETION,
    LOCALE_EDITED,
    RECORD_DELETION,
    Bot,
    ExportRecord,
    ImportRecord,
    Locale,
    Slot,
    SlotType,
    Upload,
    fallback_intent,
    new_id,
)
from importmock.services.lexv2.resource_policies import ResourcePolicyOperations
from importmock.services.lexv2.versions import BotVersionOperations
from importmock.services.lexv2.zip_archives import write_zip

URL_TTL_SECONDS = 5 * 60
RECORD_RETENTION_SECONDS = 7 * 24 * 3600
SPECIFICATIONS = {
    "botImportSpecification": "Bot",
    "botLocaleImportSpecification": "BotLocale",
    "customVocabularyImportSpecification": "CustomVocabulary",
    "testSetImportResourceSpecification": "TestSet",
}
EXPORT_SPECIFICATIONS = {
    "botExportSpecification": "Bot",
    "botLocaleExportSpecification": "BotLocale",
    "customVocabularyExportSpecification": "CustomVocabulary",
    "testSetExportSpecification": "TestSet",
}
EXPORT_FORMATS = {
    "Bot": "LexJson",
    "BotLocale": "LexJson",
    "CustomVocabulary": "TSV",
    "TestSet": "CSV",
}


@register
class LexModelsV2Backend(
    AuthoringOperations, ResourcePolicyOperations, BotVersionOperations, LexBackendBase
):
    """Bots and their locales, and the import and export jobs that move them; authoring,
    versions, aliases and resource policies come from the mixins."""

    clients = ("lexv2-models",)
    quotas = {"bots": 100}
    lifecycles = LIFECYCLES
    phases = (RECORD_DELETION, LOCALE_EDITED)
    tags_per_resource = 200  # the model's bound on every Lex tag map

    # -- bots --------------------------------------------------------------------------
    def create_bot(
        self,
        botName: str,
        roleArn: str,
        dataPrivacy: dict[str, Any],
        idleSessionTTLInSeconds: int,
        description: str | None = None,
        botTags: dict[str, str] | None = None,
        testBotAliasTags: dict[str, str] | None = None,
        botType: str | None = None,
        botMembers: list[dict[str, Any]] | None = None,
        errorLogSettings: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        if self.bot_named(botName) is not None:
            raise ServiceError(
                "ConflictException", f"A bot named {botName} already exists in this account."
            )
        self._check_bot_quota()
        now = clock.now()
        bot = Bot(
            bot_id=self.unused_bot_id(),
            name=botName,
            settings=compact(
                {
                    "description": description,
                    "roleArn": roleArn,
                    "dataPrivacy": dataPrivacy,
                    "idleSessionTTLInSeconds": idleSessionTTLInSeconds,
                    "botType": botType,
                    "botMembers": botMembers,
                    "errorLogSettings": errorLogSettings,
                }
            ),
            tags=dict(botTags or {}),
            test_alias_tags=dict(testBotAliasTags or {}),
            locales={},
            created=now,
            updated=now,
        )
        bot.job = self._start(f"bot-{bot.bot_id}-{new_id()}", BOT_CREATION)
        self.bots[bot.bot_id] = bot
        return {
            **self._bot_data(bot),
            "botTags": bot.tags or None,
            "testBotAliasTags": bot.test_alias_tags or None,
        }

    def unused_bot_id(self) -> str:
        while True:
            bot_id = new_id()
            if bot_id not in self.bots:
                return bot_id

    def _check_bot_quota(self) -> None:
        if len(self.bots) >= self.quota("bots"):
            raise ServiceError(
                "ServiceQuotaExceededException",
                f"The account already has {self.quota('bots')} bots, the quota.",
            )

    def bot_named(self, name: str) -> Bot | None:
        # Not a read of the bots: looking a name up moves nothing in `reads` mode.
        return next((bot for bot in self.bots.values() if bot.name == name), None)

    def _bot_data(self, bot: Bot) -> dict[str, Any]:
        settings = bot.settings
        return compact(
            {
                "botId": bot.bot_id,
                "botName": bot.name,
                "description": settings.get("description"),
                "roleArn": settings.get("roleArn"),
                "dataPrivacy": settings.get("dataPrivacy"),
                "idleSessionTTLInSeconds": settings.get("idleSessionTTLInSeconds"),
                "botStatus": bot.status,
                "creationDateTime": bot.created,
                "botType": settings.get("botType", "Bot"),
                "botMembers": settings.get("botMembers"),
                "errorLogSettings": settings.get("errorLogSettings"),
            }
        )

    def describe_bot(self, botId: str) -> dict[str, Any]:
        bot = self._bot(botId)
        data = {**self._bot_data(bot), "lastUpdatedDateTime": bot.updated}
        if bot.job is not None and bot.job.failed and bot.job.failure_reason:
            data["failureReasons"] = [bot.job.failure_reason]
        return data

    def update_bot(
        self,
        botId: str,
        botName: str,
        roleArn: str,
        dataPrivacy: dict[str, Any],
        idleSessionTTLInSeconds: int,
        description: str | None = None,
        botType: str | None = None,
        botMembers: list[dict[str, Any]] | None = None,
        errorLogSettings: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        bot = self._bot(botId)
        if bot.status in ("Creating", "Deleting"):
            raise ServiceError(
                "PreconditionFailedException", f"Bot {botId} is {bot.status}; it cannot be updated."
            )
        clash = self.bot_named(botName)
        if clash is not None and clash is not bot:
            raise ServiceError("ConflictException", f"A bot named {botName} already exists.")
        bot.name = botName
        bot.settings = compact(
            {
                "description": description,
                "roleArn": roleArn,
                "dataPrivacy": dataPrivacy,
                "idleSessionTTLInSeconds": idleSessionTTLInSeconds,
                "botType": botType or bot.settings.get("botType"),
                "botMembers": botMembers,
                "errorLogSettings": errorLogSettings,
            }
        )
        bot.updated = clock.now()
        return {**self._bot_data(bot), "lastUpdatedDateTime": bot.updated}

    def list_bots(
        self,
        sortBy: dict[str, Any] | None = None,
        filters: list[dict[str, Any]] | None = None,
        maxResults: int | None = None,
        nextToken: str | None = None,
    ) -> dict[str, Any]:
        for bot in list(self.bots.values()):
            if bot.job is not None:
                bot.job.read()
        bots = self._filtered(
            self.bots.values(),
            filters,
            {"BotName": lambda b: b.name, "BotType": lambda b: b.settings.get("botType", "Bot")},
        )
        key, scope = self._sorted_by(
            sortBy, "BotName", lambda b: b.name, lambda b: b.updated, lambda b: b.bot_id
        )
        page, token = self._page(bots, key, f"bots:{scope}", maxResults, nextToken)
        summaries = [
            compact(
                {
                    "botId": bot.bot_id,
                    "botName": bot.name,
                    "description": bot.settings.get("description"),
                    "botStatus": bot.status,
                    "lastUpdatedDateTime": bot.updated,
                    "botType": bot.settings.get("botType", "Bot"),
                }
            )
            for bot in page
        ]
        return {"botSummaries": summaries, "nextToken": token}

    def delete_bot(self, botId: str, skipResourceInUseCheck: bool | None = None) -> dict[str, Any]:
        bot = self._bot(botId)
        if bot.status == "Deleting":
            return {"botId": bot.bot_id, "botStatus": "Deleting"}
        if bot.job is not None and not bot.job.finished:
            raise ServiceError(
                "PreconditionFailedException", f"Bot {botId} is {bot.status}; try again later."
            )
        in_use = sorted(a.name for a in self._aliases(bot).values() if a.alias_id != TEST_ALIAS_ID)
        if in_use and not skipResourceInUseCheck:
            raise ServiceError(
                "PreconditionFailedException",
                f"Bot {botId} has the alias(es) {', '.join(in_use)}; delete them first, or set "
                "skipResourceInUseCheck to delete the bot with them.",
            )

        def gone(_: Job) -> None:
            self.bots.pop(bot.bot_id, None)
            for arn in [self._arn(f"bot/{bot.bot_id}")] + [
                self._alias_arn(bot.bot_id, alias_id) for alias_id in bot.aliases
            ]:
                self.policies.pop(arn, None)

        bot.job = self._next_phase(bot.job, f"bot-{bot.bot_id}", BOT_DELETION, on_success=gone)
        return {"botId": bot.bot_id, "botStatus": "Deleting"}

    # -- bot locales -------------------------------------------------------------------
    def create_bot_locale(
        self,
        botId: str,
        botVersion: str,
        localeId: str,
        nluIntentConfidenceThreshold: float,
        description: str | None = None,
        **settings: Any,
    ) -> dict[str, Any]:
        bot = self._bot(botId)
        self._draft(bot, botVersion)
        if bot.status == "Deleting":
            raise ServiceError(
                "PreconditionFailedException", f"Bot {botId} is Deleting; it takes no new locale."
            )
        if localeId not in LOCALE_NAMES:
            raise self.invalid(
                f"The locale {localeId} is not supported. Supported locales: "
                + ", ".join(sorted(LOCALE_NAMES))
                + "."
            )
        if localeId in bot.locales:
            raise ServiceError(
                "ConflictException", f"Bot {botId} already has the locale {localeId}."
            )
        now = clock.now()
        locale = Locale(
            locale_id=localeId,
            settings=compact(
                {
                    "description": description,
                    "nluIntentConfidenceThreshold": nluIntentConfidenceThreshold,
                    **settings,
                }
            ),
            intents={},
            slot_types={},
            vocabulary=None,
            created=now,
            updated=now,
        )
        locale.intents[FALLBACK_INTENT_ID] = fallback_intent(now)
        locale.job = self._start(f"locale-{bot.bot_id}-{localeId}-{new_id()}", LOCALE_CREATION)
        bot.locales[localeId] = locale
        return compact(
            {
                "botId": bot.bot_id,
                "botVersion": DRAFT,
                "localeId": localeId,
                "localeName": LOCALE_NAMES[localeId],
                **locale.settings,
                "botLocaleStatus": locale.status,
                "creationDateTime": locale.created,
            }
        )

    def describe_bot_locale(self, botId: str, botVersion: str, localeId: str) -> dict[str, Any]:
        _, locale = self._locale(botId, botVersion, localeId)
        data = {
            "botId": botId,
            "botVersion": botVersion,
            "localeId": localeId,
            "localeName": LOCALE_NAMES.get(localeId, localeId),
            **locale.settings,
            "intentsCount": len(locale.intents),
            "slotTypesCount": len(locale.slot_types),
            "botLocaleStatus": locale.status,
            "creationDateTime": locale.created,
            "lastUpdatedDateTime": locale.updated,
            "lastBuildSubmittedDateTime": locale.last_build_submitted,
        }
        if locale.status == "Failed" and locale.job is not None and locale.job.failure_reason:
            data["failureReasons"] = locale.job.failure_reason.split("\n")
        return compact(data)

    def list_bot_locales(
        self,
        botId: str,
        botVersion: str,
        sortBy: dict[str, Any] | None = None,
        filters: list[dict[str, Any]] | None = None,
        maxResults: int | None = None,
        nextToken: str | None = None,
    ) -> dict[str, Any]:
        bot = self._bot(botId)
        held = self._locales_of(bot, botVersion)
        for locale in list(held.values()):
            if locale.job is not None:
                locale.job.read()
        name = lambda locale: LOCALE_NAMES.get(locale.locale_id, locale.locale_id)  # noqa: E731
        locales = self._filtered(held.values(), filters, {"BotLocaleName": name})
        key, scope = self._sorted_by(
            sortBy, "BotLocaleName", name, lambda loc: loc.updated, lambda loc: loc.locale_id
        )
        page, token = self._page(locales, key, f"locales:{scope}", maxResults, nextToken)
        summaries = [
            compact(
                {
                    "localeId": locale.locale_id,
                    "localeName": name(locale),
                    "description": locale.settings.get("description"),
                    "botLocaleStatus": locale.status,
                    "lastUpdatedDateTime": locale.updated,
                    "lastBuildSubmittedDateTime": locale.last_build_submitted,
                }
            )
            for locale in page
        ]
        return {
            "botId": botId,
            "botVersion": botVersion,
            "botLocaleSummaries": summaries,
            "nextToken": token,
        }

    def delete_bot_locale(self, botId: str, botVersion: str, localeId: str) -> dict[str, Any]:
        bot, locale = self._locale(botId, botVersion, localeId)
        if locale.job is not None and not locale.job.finished:
            if locale.status == "Deleting":
                return self._locale_status(bot, locale)
            raise ServiceError(
                "PreconditionFailedException",
                f"Locale {localeId} is {locale.status}; try again when it has finished.",
            )

        def gone(_: Job) -> None:
            if bot.locales.get(localeId) is locale:
                del bot.locales[localeId]

        locale.job = self._next_phase(
            locale.job, f"locale-{bot.bot_id}-{localeId}", LOCALE_DELETION, on_success=gone
        )
        return self._locale_status(bot, locale)

    def _next_phase(self, job: Job | None, name: str, lifecycle: Lifecycle, **kwargs: Any) -> Job:
        """A resource's next status phase: its last job goes on, or a first one starts."""
        if job is None:
            return self._start(f"{name}-{new_id()}", lifecycle, **kwargs)
        self.jobs.continue_with(job, lifecycle, **kwargs)
        return job

    @staticmethod
    def _locale_status(bot: Bot, locale: Locale) -> dict[str, Any]:
        return {
            "botId": bot.bot_id,
            "botVersion": DRAFT,
            "localeId": locale.locale_id,
            "botLocaleStatus": locale.status,
        }

    def build_bot_locale(self, botId: str, botVersion: str, localeId: str) -> dict[str, Any]:
        bot, locale = self._locale(botId, botVersion, localeId)
        if locale.job is not None and not locale.job.finished:
            raise ServiceError(
                "PreconditionFailedException"
                if locale.status == "Deleting"
                else "ConflictException",
                f"Locale {localeId} of bot {botId} is {locale.status}; it can be built when "
                "that has finished.",
            )
        locale.last_build_submitted = clock.now()
        locale.job = self._next_phase(
            locale.job,
            f"locale-{bot.bot_id}-{localeId}",
            LOCALE_BUILD,
            failure_reason=build_problems(locale),
        )
        return {
            **self._locale_status(bot, locale),
            "lastBuildSubmittedDateTime": locale.last_build_submitted,
        }

    # -- intents, slot types, slots ------------------------------------------------------
    def list_intents(
        self,
        botId: str,
        botVersion: str,
        localeId: str,
        sortBy: dict[str, Any] | None = None,
        filters: list[dict[str, Any]] | None = None,
        maxResults: int | None = None,
        nextToken: str | None = None,
    ) -> dict[str, Any]:
        _, locale = self._locale(botId, botVersion, localeId)
        intents = self._filtered(locale.intents.values(), filters, {"IntentName": _name})
        key, scope = self._sorted_by(
            sortBy, "IntentName", _name, lambda i: i.updated, lambda i: i.intent_id
        )
        page, token = self._page(intents, key, f"intents:{scope}", maxResults, nextToken)
        summaries = [
            compact(
                {
                    "intentId": intent.intent_id,
                    "intentName": intent.name,
                    "intentDisplayName": intent.settings.get("intentDisplayName"),
                    "description": intent.settings.get("description"),
                    "parentIntentSignature": intent.settings.get("parentIntentSignature"),
                    "inputContexts": intent.settings.get("inputContexts"),
                    "outputContexts": intent.settings.get("outputContexts"),
                    "lastUpdatedDateTime": intent.updated,
                }
            )
            for intent in page
        ]
        return {
            "botId": botId,
            "botVersion": botVersion,
            "localeId": localeId,
            "intentSummaries": summaries,
            "nextToken": token,
        }

    def describe_intent(
        self, intentId: str, botId: str, botVersion: str, localeId: str
    ) -> dict[str, Any]:
        _, locale = self._locale(botId, botVersion, localeId)
        intent = self._intent(locale, intentId)
        priorities = [
            {"priority": priority, "slotId": slot.slot_id}
            for priority, name in intent.priorities
            if (slot := intent.slot_named(name)) is not None
        ]
        return compact(
            {
                "intentId": intent.intent_id,
                "intentName": intent.name,
                **intent.settings,
                "slotPriorities": priorities or None,
                "botId": botId,
                # The model's DescribeIntent answer admits only DRAFT here: a numbered
                # version's intent is described without it.
                "botVersion": botVersion if botVersion == DRAFT else None,
                "localeId": localeId,
                "creationDateTime": intent.created,
                "lastUpdatedDateTime": intent.updated,
            }
        )

    def list_slot_types(
        self,
        botId: str,
        botVersion: str,
        localeId: str,
        sortBy: dict[str, Any] | None = None,
        filters: list[dict[str, Any]] | None = None,
        maxResults: int | None = None,
        nextToken: str | None = None,
    ) -> dict[str, Any]:
        _, locale = self._locale(botId, botVersion, localeId)
        slot_types = self._filtered(
            locale.slot_types.values(),
            filters,
            {"SlotTypeName": _name, "ExternalSourceType": _external_source},
        )
        key, scope = self._sorted_by(
            sortBy, "SlotTypeName", _name, lambda t: t.updated, lambda t: t.slot_type_id
        )
        page, token = self._page(slot_types, key, f"slottypes:{scope}", maxResults, nextToken)
        summaries = [
            compact(
                {
                    "slotTypeId": slot_type.slot_type_id,
                    "slotTypeName": slot_type.name,
                    "description": slot_type.settings.get("description"),
                    "parentSlotTypeSignature": slot_type.settings.get("parentSlotTypeSignature"),
                    "lastUpdatedDateTime": slot_type.updated,
                    "slotTypeCategory": _slot_type_category(slot_type),
                }
            )
            for slot_type in page
        ]
        return {
            "botId": botId,
            "botVersion": botVersion,
            "localeId": localeId,
            "slotTypeSummaries": summaries,
            "nextToken": token,
        }

    def describe_slot_type(
        self, slotTypeId: str, botId: str, botVersion: str, localeId: str
    ) -> dict[str, Any]:
        _, locale = self._locale(botId, botVersion, localeId)
        slot_type = locale.slot_types.get(slotTypeId)
        if slot_type is None:
            raise self._missing(f"Slot type {slotTypeId} does not exist in locale {localeId}.")
        return compact(
            {
                "slotTypeId": slot_type.slot_type_id,
                "slotTypeName": slot_type.name,
                **slot_type.settings,
                "botId": botId,
                "botVersion": botVersion,
                "localeId": localeId,
                "creationDateTime": slot_type.created,
                "lastUpdatedDateTime": slot_type.updated,
            }
        )

    def list_slots(
        self,
        botId: str,
        botVersion: str,
        localeId: str,
        intentId: str,
        sortBy: dict[str, Any] | None = None,
        filters: list[dict[str, Any]] | None = None,
        maxResults: int | None = None,
        nextToken: str | None = None,
    ) -> dict[str, Any]:
        _, locale = self._locale(botId, botVersion, localeId)
        intent = self._intent(locale, intentId)
        slots = self._filtered(intent.slots.values(), filters, {"SlotName": _name})
        key, scope = self._sorted_by(
            sortBy, "SlotName", _name, lambda s: s.updated, lambda s: s.slot_id
        )
        page, token = self._page(slots, key, f"slots:{scope}", maxResults, nextToken)
        summaries = [
            compact(
                {
                    "slotId": slot.slot_id,
                    "slotName": slot.name,
                    "description": slot.settings.get("description"),
                    "slotConstraint": (slot.settings.get("valueElicitationSetting") or {}).get(
                        "slotConstraint"
                    ),
                    "slotTypeId": _slot_type_id(locale, slot),
                    "valueElicitationPromptSpecification": (
                        slot.settings.get("valueElicitationSetting") or {}
                    ).get("promptSpecification"),
                    "lastUpdatedDateTime": slot.updated,
                }
            )
            for slot in page
        ]
        return {
            "botId": botId,
            "botVersion": botVersion,
            "localeId": localeId,
            "intentId": intentId,
            "slotSummaries": summaries,
            "nextToken": token,
        }

    def describe_slot(
        self, slotId: str, botId: str, botVersion: str, localeId: str, intentId: str
    ) -> dict[str, Any]:
        _, locale = self._locale(botId, botVersion, localeId)
        intent = self._intent(locale, intentId)
        slot = intent.slots.get(slotId)
        if slot is None:
            raise self._missing(f"Slot {slotId} does not exist in intent {intentId}.")
        return compact(
            {
                "slotId": slot.slot_id,
                "slotName": slot.name,
                **slot.settings,
                "slotTypeId": _slot_type_id(locale, slot),
                "botId": botId,
                "botVersion": botVersion,
                "localeId": localeId,
                "intentId": intentId,
                "creationDateTime": slot.created,
                "lastUpdatedDateTime": slot.updated,
            }
        )

    # -- custom vocabulary ---------------------------------------------------------------
    def _vocabulary_of(self, botId: str, botVersion: str, localeId: str) -> Locale:
        _, locale = self._locale(botId, botVersion, localeId)
        if locale.vocabulary is None:
            raise self._missing(f"Locale {localeId} of bot {botId} has no custom vocabulary.")
        return locale

    def describe_custom_vocabulary_metadata(
        self, botId: str, botVersion: str, localeId: str
    ) -> dict[str, Any]:
        locale = self._vocabulary_of(botId, botVersion, localeId)
        assert locale.vocabulary is not None
        return {
            "botId": botId,
            "botVersion": botVersion,
            "localeId": localeId,
            "customVocabularyStatus": "Ready",
            "creationDateTime": locale.vocabulary.created,
            "lastUpdatedDateTime": locale.vocabulary.updated,
        }

    def list_custom_vocabulary_items(
        self,
        botId: str,
        botVersion: str,
        localeId: str,
        maxResults: int | None = None,
        nextToken: str | None = None,
    ) -> dict[str, Any]:
        locale = self._vocabulary_of(botId, botVersion, localeId)
        assert locale.vocabulary is not None
        items = list(enumerate(locale.vocabulary.items))
        page, token = self._page(
            items, lambda entry: (entry[0],), "vocabulary", maxResults, nextToken
        )
        return {
            "botId": botId,
            "botVersion": botVersion,
            "localeId": localeId,
            "customVocabularyItems": [item.data() for _, item in page],
            "nextToken": token,
        }

    # -- test sets -----------------------------------------------------------------------
    def describe_test_set(self, testSetId: str) -> dict[str, Any]:
        test_set = self.test_sets.get(testSetId)
        if test_set is None:
            raise self._missing(f"Test set {testSetId} does not exist.")
        return test_set.data()

    def list_test_sets(
        self,
        sortBy: dict[str, Any] | None = None,
        maxResults: int | None = None,
        nextToken: str | None = None,
    ) -> dict[str, Any]:
        key, scope = self._sorted_by(
            sortBy, "TestSetName", _name, lambda t: t.updated, lambda t: t.test_set_id
        )
        page, token = self._page(
            self.test_sets.values(), key, f"testsets:{scope}", maxResults, nextToken
        )
        return {"testSets": [test_set.data() for test_set in page], "nextToken": token}

    # -- tags ----------------------------------------------------------------------------
    def _tags_of(self, arn: str) -> dict[str, str]:
        prefix = self._arn("")
        kind, _, resource_id = (
            arn[len(prefix) :].partition("/") if arn.startswith(prefix) else ("", "", "")
        )
        if kind == "bot" and resource_id in self.bots:
            return self.bots[resource_id].tags
        if kind == "bot-alias":
            bot_id, _, alias_id = resource_id.partition("/")
            if bot_id in self.bots and alias_id in self._aliases(self.bots[bot_id]):
                return self.bots[bot_id].aliases[alias_id].tags
        if kind == "test-set" and resource_id in self.test_sets:
            return self.test_sets[resource_id].tags
        raise ServiceError("ResourceNotFoundException", f"The resource {arn} does not exist.")

    def tag_resource(self, resourceARN: str, tags: dict[str, str]) -> dict[str, Any]:
        current = self._tags_of(resourceARN)
        current.update(self.tagged(current, tags))
        return {}

    def untag_resource(self, resourceARN: str, tagKeys: list[str]) -> dict[str, Any]:
        current = self._tags_of(resourceARN)
        for key in tagKeys:
            current.pop(key, None)
        return {}

    def list_tags_for_resource(self, resourceARN: str) -> dict[str, Any]:
        return {"tags": dict(self._tags_of(resourceARN))}

    # -- imports -------------------------------------------------------------------------
    def create_upload_url(self) -> dict[str, Any]:
        import_id = new_id()
        while import_id in self.uploads:
            import_id = new_id()
        key = f"imports/{import_id}/{import_id}.zip"
        url, _ = self.urls.mint_upload(self._bucket, self.region, key, URL_TTL_SECONDS, {})
        self.uploads[import_id] = Upload(import_id, key, clock.now())
        return {"importId": import_id, "uploadUrl": url}

    def start_import(
        self,
        importId: str,
        resourceSpecification: dict[str, Any],
        mergeStrategy: str,
        filePassword: str | None = None,
    ) -> dict[str, Any]:
        self._prune_records()
        member, spec = self._one_member(resourceSpecification, SPECIFICATIONS)
        resource_type = SPECIFICATIONS[member]
        if mergeStrategy == "Append" and resource_type != "BotLocale":
            raise self.invalid(
                f"The merge strategy Append is only for bot locale imports; this is a "
                f"{resource_type} import. Use Overwrite or FailOnConflict."
            )
        self._check_password(filePassword)
        upload = self.uploads.get(importId)
        if upload is None:
            raise ServiceError(
                "ResourceNotFoundException",
                f"The import {importId} does not exist; get an importId from CreateUploadUrl.",
            )
        if upload.started:
            raise ServiceError(
                "ConflictException", f"The import {importId} has already been started."
            )
        plan = ImportPlan(self, resource_type, spec, mergeStrategy)
        if resource_type in ("BotLocale", "CustomVocabulary"):
            bot = self._bot(spec["botId"])
            self._draft(bot, spec["botVersion"])
            plan.bot_id = bot.bot_id
            plan.locale_id = spec["localeId"]
            if resource_type == "CustomVocabulary":
                self._locale(bot.bot_id, spec["botVersion"], spec["localeId"])
            elif spec["localeId"] not in LOCALE_NAMES:
                raise self.invalid(f"The locale {spec['localeId']} is not supported.")
        if resource_type == "TestSet":
            plan.read_test_set(self.objects.read)
        else:
            stored = self.urls.uploaded(upload.key)
            plan.read_archive(None if stored is None else stored.body, filePassword)
        upload.started = True  # only once the file is read: a refused start can be retried
        record: dict[str, ImportRecord] = {}
        job = self._start(
            importId,
            IMPORT,
            failure_reason="\n".join(plan.reasons) if plan.reasons else None,
            decide=plan.conflict,
            on_success=lambda finished: plan.apply(record["import"], finished),
        )
        record["import"] = ImportRecord(
            import_id=importId,
            resource_type=resource_type,
            specification={member: spec},
            merge_strategy=mergeStrategy,
            job=job,
            created=job.started_at,
            imported_resource_name=plan.resource_name,
            failure_reasons=plan.reasons,
            bot_id=plan.bot_id,
            locale_id=plan.locale_id,
        )
        self.imports[importId] = record["import"]
        return {
            "importId": importId,
            "resourceSpecification": record["import"].specification,
            "mergeStrategy": mergeStrategy,
            "importStatus": job.status,
            "creationDateTime": job.started_at,
        }

    def _prune_records(self) -> None:
        """Imports and exports are kept for 7 days after they were created; their files go
        with them."""
        oldest = clock.now() - RECORD_RETENTION_SECONDS
        for import_id in [i for i, r in self.imports.items() if r.created < oldest]:
            self._forget_import(import_id)
        for export_id in [i for i, r in self.exports.items() if r.created < oldest]:
            self._forget_export(export_id)
        for import_id in [i for i, u in self.uploads.items() if u.created < oldest]:
            self._forget_import(import_id)  # an upload never started is forgotten too

    def _forget_import(self, import_id: str) -> None:
        self.imports.pop(import_id, None)
        upload = self.uploads.pop(import_id, None)
        if upload is not None:
            self.urls.remove(upload.key)

    def _forget_export(self, export_id: str) -> None:
        record = self.exports.pop(export_id, None)
        if record is not None:
            self.urls.remove(record.archive_key)

    def _live(self, records: dict[str, Any]) -> list[Any]:
        """Every record still kept, each read first (a read may finish a deletion)."""
        self._prune_records()
        for record in list(records.values()):
            record.job.read()
        return list(records.values())

    def _one_member(
        self, specification: dict[str, Any], names: dict[str, str]
    ) -> tuple[str, dict[str, Any]]:
        """The one member a ``resourceSpecification`` sets, and its value."""
        chosen = [name for name, value in specification.items() if value is not None]
        if len(chosen) != 1:
            raise self.invalid(
                "resourceSpecification must set exactly one of "
                + ", ".join(names)
                + f"; it sets {len(chosen)}."
            )
        return chosen[0], specification[chosen[0]]

    def _record(self, records: dict[str, Any], record_id: str, noun: str) -> Any:
        """An import or export by id, read (which may finish its deletion) if it is kept."""
        self._prune_records()
        record = records.get(record_id)
        if record is not None:
            record.job.read()
        record = records.get(record_id)
        if record is None:
            raise self._missing(f"The {noun} {record_id} does not exist.")
        return record

    def _delete_record(self, record: Any, record_id: str, forget: Callable[[str], None]) -> str:
        """Start deleting a finished import or export; its status (Deleting)."""
        job = record.job
        if job.status != "Deleting":
            if not job.finished:
                noun = "import" if isinstance(record, ImportRecord) else "export"
                raise ServiceError(
                    "PreconditionFailedException",
                    f"The {noun} {record_id} is {job.status}; it can be deleted once it has "
                    "finished.",
                )
            self.jobs.continue_with(job, RECORD_DELETION, on_success=lambda _: forget(record_id))
        return "Deleting"

    def _import(self, import_id: str) -> ImportRecord:
        record: ImportRecord = self._record(self.imports, import_id, "import")
        return record

    def describe_import(self, importId: str) -> dict[str, Any]:
        record = self._import(importId)
        job = record.job
        reasons = None
        if job.failed and job.failure_reason:
            # The archive check's reasons, unless fail_next or the completion check replaced
            # them.
            planned = record.failure_reasons
            joined = "\n".join(planned)
            reasons = planned if job.failure_reason == joined else [job.failure_reason]
        return compact(
            {
                "importId": record.import_id,
                "resourceSpecification": record.specification,
                "importedResourceId": record.imported_resource_id,
                "importedResourceName": record.imported_resource_name,
                "mergeStrategy": record.merge_strategy,
                "importStatus": job.status,
                "failureReasons": reasons,
                "creationDateTime": record.created,
                "lastUpdatedDateTime": record.updated,
            }
        )

    def list_imports(
        self,
        botId: str | None = None,
        botVersion: str | None = None,
        sortBy: dict[str, Any] | None = None,
        filters: list[dict[str, Any]] | None = None,
        maxResults: int | None = None,
        nextToken: str | None = None,
        localeId: str | None = None,
    ) -> dict[str, Any]:
        records = self._records(self._live(self.imports), botId, localeId)
        records = self._filtered(
            records, filters, {"ImportResourceType": lambda r: r.resource_type}
        )
        page, token = self._record_page(records, sortBy, "imports", maxResults, nextToken)
        summaries = [
            compact(
                {
                    "importId": record.import_id,
                    "importedResourceId": record.imported_resource_id,
                    "importedResourceName": record.imported_resource_name,
                    "importStatus": record.job.status,
                    "mergeStrategy": record.merge_strategy,
                    "creationDateTime": record.created,
                    "lastUpdatedDateTime": record.updated,
                    "importedResourceType": record.resource_type,
                }
            )
            for record in page
        ]
        return {
            "botId": botId,
            "botVersion": botVersion,
            "localeId": localeId,
            "importSummaries": summaries,
            "nextToken": token,
        }

    @staticmethod
    def _records(records: Iterable[Any], bot_id: str | None, locale_id: str | None) -> list[Any]:
        chosen = list(records)
        if bot_id is not None:
            chosen = [r for r in chosen if r.bot_id == bot_id]
        if locale_id is not None:
            chosen = [r for r in chosen if r.locale_id == locale_id]
        return chosen

    def _record_page(
        self,
        records: list[Any],
        sort_by: dict[str, Any] | None,
        scope: str,
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[Any], str | None]:
        ascending = (sort_by or {}).get("order") == "Ascending"
        if ascending:
            key: Callable[[Any], tuple[Any, ...]] = lambda r: (r.updated, r.sequence)  # noqa: E731
        else:
            key = lambda r: (-r.updated, -r.sequence)  # noqa: E731
        direction = "a" if ascending else "d"
        return self._page(records, key, f"{scope}:{direction}", max_results, next_token)

    def delete_import(self, importId: str) -> dict[str, Any]:
        record = self._import(importId)
        status = self._delete_record(record, importId, self._forget_import)
        return {"importId": importId, "importStatus": status}

    # -- exports -------------------------------------------------------------------------
    def create_export(
        self,
        resourceSpecification: dict[str, Any],
        fileFormat: str,
        filePassword: str | None = None,
    ) -> dict[str, Any]:
        member, spec = self._one_member(resourceSpecification, EXPORT_SPECIFICATIONS)
        resource_type = EXPORT_SPECIFICATIONS[member]
        expected = EXPORT_FORMATS[resource_type]
        if fileFormat != expected:
            raise self.invalid(
                f"A {resource_type} export needs fileFormat {expected}; got {fileFormat}."
            )
        self._check_password(filePassword)
        export_id = new_id()
        write_files, name, bot_id, locale_id = self._export_source(resource_type, spec)
        self._prune_records()
        for other in self.exports.values():
            if other.specification == {member: spec} and other.job.status == "InProgress":
                raise ServiceError(
                    "ConflictException",
                    f"Export {other.export_id} of this resource is still {other.job.status}.",
                )
        # The files are the state as the export starts; one that cannot be written fails
        # the export, never the call.
        files: dict[str, bytes] | None = None
        failure: str | None = None
        try:
            files = write_files()
        except archive.ExportProblem as problem:
            failure = str(problem)
        except Exception as problem:  # whatever it is, the export fails; the call answers
            failure = _unexpected(problem)
        version = spec.get("botVersion", "")
        stem = "_".join(part for part in (name, version, locale_id, export_id) if part)
        key = f"exports/{stem}_{fileFormat}.zip"
        holder: dict[str, ExportRecord] = {}
        job = self._start(
            export_id,
            EXPORT,
            failure_reason=failure,
            decide=lambda _: self._zip(holder["export"], holder["export"].password),
            on_success=lambda _: self._publish(holder["export"]),
        )
        record = ExportRecord(
            export_id=export_id,
            resource_type=resource_type,
            specification={member: spec},
            file_format=fileFormat,
            password=filePassword,
            job=job,
            created=job.started_at,
            archive_key=key,
            bot_id=bot_id,
            bot_version=spec.get("botVersion"),
            locale_id=locale_id,
            files=files,
        )
        holder["export"] = record
        self.exports[export_id] = record
        return self._export_data(record)

    def _check_password(self, password: str | None) -> None:
        """A filePassword must be text a zip can be protected with: UTF-8 cannot encode a
        lone surrogate (a ``\\ud800`` escape in the request's JSON)."""
        if password is not None and strict_json.printable(password) != password:
            raise self.invalid(
                "1 validation error detected: Value at 'filePassword' failed to satisfy "
                "constraint: Member must be valid Unicode text"
            )

    def _export_source(
        self, resource_type: str, spec: dict[str, Any]
    ) -> tuple[Callable[[], dict[str, bytes]], str, str | None, str | None]:
        """What writes the archive's files, the resource's name, its bot id and locale id."""
        if resource_type == "TestSet":
            test_set = self.test_sets.get(spec["testSetId"])
            if test_set is None:
                raise self._missing(f"Test set {spec['testSetId']} does not exist.")
            files = dict(test_set.files)
            return (lambda: files), test_set.name, None, None
        if resource_type == "Bot":
            bot = self._bot(spec["botId"])
            if spec["botVersion"] != DRAFT:  # the version's copy, as a bot
                version = self._version(bot, spec["botVersion"])
                bot = dataclasses.replace(
                    bot, name=version.name, settings=version.settings, locales=version.locales
                )
            version_written = spec["botVersion"]
            return (
                (lambda: archive.bot_files(bot, version_written)),
                bot.name,
                bot.bot_id,
                None,
            )
        bot, locale = self._locale(spec["botId"], spec["botVersion"], spec["localeId"])
        if resource_type == "BotLocale":
            version_written = spec["botVersion"]
            return (
                (lambda: archive.locale_files(bot, locale, version_written)),
                bot.name,
                bot.bot_id,
                locale.locale_id,
            )
        if locale.vocabulary is None:
            raise self._missing(f"Locale {locale.locale_id} has no custom vocabulary to export.")
        return (
            (lambda: archive.vocabulary_files(bot, locale)),
            bot.name,
            bot.bot_id,
            locale.locale_id,
        )

    def _zip(self, record: ExportRecord, password: str | None) -> str | None:
        """Write the export's zip (as it completes, and again for a new password); why it
        cannot be written, if it cannot: an export is never Completed without its zip."""
        assert record.files is not None
        try:
            record.archive = write_zip(record.files, password)
        except (ValueError, UnicodeError) as problem:
            return archive_json.reason(f"The export archive cannot be written: {problem}.")
        except Exception as problem:  # whatever it is, the export fails; the call answers
            return _unexpected(problem)
        return None

    def _publish(self, record: ExportRecord) -> None:
        """The finished export's archive, at its download key."""
        assert record.archive is not None
        self.urls.put(record.archive_key, record.archive, "application/zip")

    def _export(self, export_id: str) -> ExportRecord:
        record: ExportRecord = self._record(self.exports, export_id, "export")
        return record

    def _export_data(self, record: ExportRecord, full: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "exportId": record.export_id,
            "resourceSpecification": record.specification,
            "fileFormat": record.file_format,
            "exportStatus": record.job.status,
            "creationDateTime": record.created,
        }
        if full:
            data["lastUpdatedDateTime"] = record.updated
        return data

    def describe_export(self, exportId: str) -> dict[str, Any]:
        record = self._export(exportId)
        data = self._export_data(record, full=True)
        job = record.job
        if job.failed and job.failure_reason:
            data["failureReasons"] = job.failure_reason.split("\n")
        if job.status == "Completed":
            data["downloadUrl"], _ = self.urls.mint_download(
                self._bucket, self.region, record.archive_key, URL_TTL_SECONDS
            )
        return data

    def list_exports(
        self,
        botId: str | None = None,
        botVersion: str | None = None,
        sortBy: dict[str, Any] | None = None,
        filters: list[dict[str, Any]] | None = None,
        maxResults: int | None = None,
        nextToken: str | None = None,
        localeId: str | None = None,
    ) -> dict[str, Any]:
        records = self._records(self._live(self.exports), botId, localeId)
        if botVersion is not None:
            records = [r for r in records if r.bot_version == botVersion]
        records = self._filtered(
            records, filters, {"ExportResourceType": lambda r: r.resource_type}
        )
        page, token = self._record_page(records, sortBy, "exports", maxResults, nextToken)
        return {
            "botId": botId,
            "botVersion": botVersion,
            "localeId": localeId,
            "exportSummaries": [
                {**self._export_data(record), "lastUpdatedDateTime": record.updated}
                for record in page
            ],
            "nextToken": token,
        }

    def update_export(self, exportId: str, filePassword: str | None = None) -> dict[str, Any]:
        record = self._export(exportId)
        if record.job.status == "Deleting":
            raise ServiceError("ConflictException", f"The export {exportId} is being deleted.")
        self._check_password(filePassword)
        if record.job.status == "Completed":
            problem = self._zip(record, filePassword)
            if problem is not None:
                raise self.invalid(problem)
            self._publish(record)
        record.password = filePassword
        record.updated_at = clock.now()
        return self._export_data(record, full=True)

    def delete_export(self, exportId: str) -> dict[str, Any]:
        record = self._export(exportId)
        status = self._delete_record(record, exportId, self._forget_export)
        return {"exportId": exportId, "exportStatus": status}


# -- small pure helpers ----------------------------------------------------------------------
def _unexpected(problem: Exception) -> str:
    """The failure reason of an export that met an exception nothing expected."""
    return archive_json.reason(
        f"importmock could not write the export ({type(problem).__name__}: {problem}); this "
        "is a bug in importmock."
    )


def _name(resource: Any) -> str:
    return str(resource.name)


def _external_source(slot_type: SlotType) -> str:
    return "S3" if slot_type.settings.get("externalSourceSetting") else ""


def _slot_type_category(slot_type: SlotType) -> str:
    settings = slot_type.settings
    if settings.get("compositeSlotTypeSetting"):
        return "Composite"
    if settings.get("externalSourceSetting"):
        return "ExternalGrammar"
    if settings.get("parentSlotTypeSignature"):
        return "Extended"
    return "Custom"


def _slot_type_id(locale: Locale, slot: Slot) -> str | None:
    if slot.slot_type is None or slot.slot_type.startswith("AMAZON."):
        return slot.slot_type  # built-in types are named by their signature
    found = locale.slot_type_named(slot.slot_type)
    return found.slot_type_id if found is not None else None

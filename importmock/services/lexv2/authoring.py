"""Authoring a bot locale's DRAFT definition through the API: intents, slots and slot types
(Create*, Update*, Delete*), and UpdateBotLocale.

What these operations store is what an import of the same definition stores: a resource's
settings are the members of its Create* request (null members and members the model does
not declare dropped, as the archive reader drops them), a slot names its type by the slot
type's name (or its AMAZON.* signature), and an intent orders its slots by slot name. So
DescribeIntent after CreateIntent answers as after an import, and an export after
authoring holds the same definitions.

Every change puts the locale back to ``NotBuilt`` (as Lex does) and moves its
``lastUpdatedDateTime``; a locale that is being created, built or deleted takes no change.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from importmock.engine import clock
from importmock.engine.errors import ServiceError
from importmock.engine.records import compact
from importmock.engine.specs import spec_for_client
from importmock.services.lexv2 import archive
from importmock.services.lexv2.base import LexBackendBase
from importmock.services.lexv2.locales import LOCALE_NAMES
from importmock.services.lexv2.models import (
    DRAFT,
    FALLBACK_INTENT_ID,
    FALLBACK_SIGNATURE,
    LOCALE_EDITED,
    Bot,
    Intent,
    Locale,
    Slot,
    SlotType,
    new_id,
)

#: What Lex answers DeleteIntent, DeleteSlot and DeleteSlotType for a resource that is not
#: there (PreconditionFailedException; quoted in terraform-provider-aws's lexv2models).
GONE = "Failed to retrieve resource since it does not exist"


@cache
def _output_members(operation: str) -> frozenset[str]:
    shape = spec_for_client("lexv2-models").operation(operation).model.output_shape
    return frozenset(shape.members) if shape is not None else frozenset()


def settings_of(operation: str, request: dict[str, Any]) -> dict[str, Any]:
    """A resource's settings from the members of its Create* ``operation`` request (an
    Update* request carries the same members), as an import keeps an archive's. The
    protocol layer has already dropped null and undeclared members."""
    members = archive.settings_members(operation)
    return {name: value for name, value in request.items() if name in members}


def _unused_id(taken: dict[str, Any]) -> str:
    while True:
        resource_id = new_id()
        if resource_id not in taken:
            return resource_id


class AuthoringOperations(LexBackendBase):
    """CreateIntent, UpdateIntent, DeleteIntent, the same for slots and slot types, and
    UpdateBotLocale (see the module docstring)."""

    # -- shared ----------------------------------------------------------------------
    def _editable(self, bot_id: str, bot_version: str, locale_id: str) -> tuple[Bot, Locale]:
        """The DRAFT locale a write changes, if it can be changed now."""
        bot, locale = self._draft_locale(bot_id, bot_version, locale_id)
        if bot.status == "Deleting" or locale.status == "Deleting":
            raise ServiceError(
                "PreconditionFailedException",
                f"Locale {locale_id} of bot {bot_id} is being deleted; it cannot be changed.",
            )
        if locale.job is not None and not locale.job.finished:
            raise ServiceError(
                "ConflictException",
                f"Locale {locale_id} of bot {bot_id} is {locale.status}; it can be changed "
                "when that has finished.",
            )
        return bot, locale

    def _edited(self, locale: Locale) -> float:
        """A change was made: the locale is NotBuilt again and was updated now."""
        now = clock.now()
        job = locale.job
        if job is not None and job.finished and locale.status != "NotBuilt":
            self.jobs.continue_with(job, LOCALE_EDITED)
        locale.updated = now
        return now

    @staticmethod
    def _where(locale: Locale, bot_id: str) -> str:
        return f"locale {locale.locale_id} of bot {bot_id}"

    # -- the bot locale ----------------------------------------------------------------
    def update_bot_locale(
        self,
        botId: str,
        botVersion: str,
        localeId: str,
        nluIntentConfidenceThreshold: float,
        **request: Any,
    ) -> dict[str, Any]:
        bot, locale = self._editable(botId, botVersion, localeId)
        locale.settings = settings_of(
            "CreateBotLocale",
            {**request, "nluIntentConfidenceThreshold": nluIntentConfidenceThreshold},
        )
        self._edited(locale)
        members = _output_members("UpdateBotLocale")
        return compact(
            {
                "botId": bot.bot_id,
                "botVersion": DRAFT,
                "localeId": localeId,
                "localeName": LOCALE_NAMES.get(localeId, localeId),
                **{k: v for k, v in locale.settings.items() if k in members},
                "botLocaleStatus": locale.status,
                "creationDateTime": locale.created,
                "lastUpdatedDateTime": locale.updated,
            }
        )

    # -- intents -----------------------------------------------------------------------
    def _intent_data(
        self, bot_id: str, locale: Locale, intent: Intent, operation: str
    ) -> dict[str, Any]:
        members = _output_members(operation)
        priorities = [
            {"priority": priority, "slotId": slot.slot_id}
            for priority, name in intent.priorities
            if (slot := intent.slot_named(name)) is not None
        ]
        data = {
            "intentId": intent.intent_id,
            "intentName": intent.name,
            **intent.settings,
            "slotPriorities": priorities or None,
            "botId": bot_id,
            "botVersion": DRAFT,
            "localeId": locale.locale_id,
            "creationDateTime": intent.created,
            "lastUpdatedDateTime": intent.updated,
        }
        return compact({k: v for k, v in data.items() if k in members})

    def _check_intent_name(
        self, locale: Locale, bot_id: str, name: str, intent: Intent | None = None
    ) -> None:
        clash = locale.intent_named(name)
        if clash is not None and clash is not intent:
            raise ServiceError(
                "ConflictException",
                f"An intent named {name} already exists in {self._where(locale, bot_id)} "
                f"(intent {clash.intent_id}).",
            )

    def _check_signature(
        self, locale: Locale, settings: dict[str, Any], intent: Intent | None = None
    ) -> None:
        """A locale has one AMAZON.FallbackIntent intent, FallbackIntent's own."""
        is_fallback = intent is not None and intent.intent_id == FALLBACK_INTENT_ID
        signature = settings.get("parentIntentSignature")
        if (signature is not None or is_fallback) and settings.get("sampleUtterances"):
            # The model's documentation of CreateIntent.
            raise self.invalid(
                "Built-in intents take no sample utterances; this intent has the "
                f"parentIntentSignature {signature or FALLBACK_SIGNATURE}."
            )
        if is_fallback:
            if signature not in (None, FALLBACK_SIGNATURE):
                raise self.invalid(
                    f"The fallback intent {intent.name if intent else ''} keeps the "
                    f"parentIntentSignature {FALLBACK_SIGNATURE}; it cannot become "
                    f"{signature}."
                )
            settings["parentIntentSignature"] = FALLBACK_SIGNATURE
        elif signature == FALLBACK_SIGNATURE:
            fallback = locale.intents.get(FALLBACK_INTENT_ID)
            owner = fallback.name if fallback is not None else "FallbackIntent"
            raise self.invalid(
                f"Locale {locale.locale_id} already has its {FALLBACK_SIGNATURE} intent "
                f"({owner}); a locale has only one."
            )

    def create_intent(
        self, intentName: str, botId: str, botVersion: str, localeId: str, **request: Any
    ) -> dict[str, Any]:
        _, locale = self._editable(botId, botVersion, localeId)
        self._check_intent_name(locale, botId, intentName)
        settings = settings_of("CreateIntent", request)
        self._check_signature(locale, settings)
        limit = archive.intent_limit(localeId)
        if len(locale.intents) >= limit:
            raise ServiceError(
                "ServiceQuotaExceededException",
                f"Locale {localeId} of bot {botId} already has {limit} intents, the most a "
                f"{localeId} locale may have.",
            )
        now = self._edited(locale)
        intent = Intent(
            intent_id=_unused_id(locale.intents),
            name=intentName,
            settings=settings,
            slots={},
            priorities=[],
            created=now,
            updated=now,
        )
        locale.intents[intent.intent_id] = intent
        return self._intent_data(botId, locale, intent, "CreateIntent")

    def update_intent(
        self,
        intentId: str,
        intentName: str,
        botId: str,
        botVersion: str,
        localeId: str,
        slotPriorities: list[dict[str, Any]] | None = None,
        **request: Any,
    ) -> dict[str, Any]:
        _, locale = self._editable(botId, botVersion, localeId)
        intent = self._intent(locale, intentId)
        self._check_intent_name(locale, botId, intentName, intent)
        settings = settings_of("CreateIntent", request)
        self._check_signature(locale, settings, intent)
        priorities = []
        for entry in slotPriorities or []:
            slot = intent.slots.get(entry["slotId"])
            if slot is None:
                raise ServiceError(
                    "PreconditionFailedException",
                    f"slotPriorities names the slot {entry['slotId']}, which intent "
                    f"{intentId} ({intent.name}) does not have.",
                )
            priorities.append((entry["priority"], slot.name))
        # Update replaces the definition: what the request leaves out is gone.
        intent.name = intentName
        intent.settings = settings
        intent.priorities = priorities
        intent.updated = self._edited(locale)
        return self._intent_data(botId, locale, intent, "UpdateIntent")

    def delete_intent(
        self, intentId: str, botId: str, botVersion: str, localeId: str
    ) -> dict[str, Any]:
        _, locale = self._editable(botId, botVersion, localeId)
        intent = locale.intents.get(intentId)
        if intent is None:
            raise ServiceError("PreconditionFailedException", f"{GONE}: intent {intentId}.")
        if intentId == FALLBACK_INTENT_ID:
            raise ServiceError(
                "PreconditionFailedException",
                f"The intent {intent.name} is the locale's {FALLBACK_SIGNATURE} intent; "
                "every locale keeps it, so it cannot be deleted.",
            )
        del locale.intents[intentId]  # its slots go with it
        self._edited(locale)
        return {}

    # -- slot types --------------------------------------------------------------------
    def _slot_type_data(
        self, bot_id: str, locale: Locale, slot_type: SlotType, operation: str
    ) -> dict[str, Any]:
        members = _output_members(operation)
        data = {
            "slotTypeId": slot_type.slot_type_id,
            "slotTypeName": slot_type.name,
            **slot_type.settings,
            "botId": bot_id,
            "botVersion": DRAFT,
            "localeId": locale.locale_id,
            "creationDateTime": slot_type.created,
            "lastUpdatedDateTime": slot_type.updated,
        }
        return compact({k: v for k, v in data.items() if k in members})

    def _check_slot_type_name(
        self, locale: Locale, bot_id: str, name: str, slot_type: SlotType | None = None
    ) -> None:
        clash = locale.slot_type_named(name)
        if clash is not None and clash is not slot_type:
            raise ServiceError(
                "ConflictException",
                f"A slot type named {name} already exists in {self._where(locale, bot_id)} "
                f"(slot type {clash.slot_type_id}).",
            )

    def create_slot_type(
        self, slotTypeName: str, botId: str, botVersion: str, localeId: str, **request: Any
    ) -> dict[str, Any]:
        _, locale = self._editable(botId, botVersion, localeId)
        self._check_slot_type_name(locale, botId, slotTypeName)
        limit = archive.slot_type_limit(localeId)
        if len(locale.slot_types) >= limit:
            raise ServiceError(
                "ServiceQuotaExceededException",
                f"Locale {localeId} of bot {botId} already has {limit} slot types, the most "
                f"a {localeId} locale may have.",
            )
        settings = settings_of("CreateSlotType", request)
        now = self._edited(locale)
        slot_type = SlotType(_unused_id(locale.slot_types), slotTypeName, settings, now, now)
        locale.slot_types[slot_type.slot_type_id] = slot_type
        return self._slot_type_data(botId, locale, slot_type, "CreateSlotType")

    def _slot_type(self, locale: Locale, slot_type_id: str) -> SlotType:
        slot_type = locale.slot_types.get(slot_type_id)
        if slot_type is None:
            raise ServiceError(
                "PreconditionFailedException",
                f"{GONE}: slot type {slot_type_id} in locale {locale.locale_id}.",
            )
        return slot_type

    def update_slot_type(
        self,
        slotTypeId: str,
        slotTypeName: str,
        botId: str,
        botVersion: str,
        localeId: str,
        **request: Any,
    ) -> dict[str, Any]:
        _, locale = self._editable(botId, botVersion, localeId)
        slot_type = self._slot_type(locale, slotTypeId)
        self._check_slot_type_name(locale, botId, slotTypeName, slot_type)
        if slotTypeName != slot_type.name:
            # Slots refer to their type by id in Lex; importmock keeps the name, so a
            # renamed type is renamed in its slots too.
            for slot in self._slots_of_type(locale, slot_type.name):
                slot.slot_type = slotTypeName
        slot_type.name = slotTypeName
        slot_type.settings = settings_of("CreateSlotType", request)
        slot_type.updated = self._edited(locale)
        return self._slot_type_data(botId, locale, slot_type, "UpdateSlotType")

    @staticmethod
    def _slots_of_type(locale: Locale, type_name: str) -> list[Slot]:
        return [
            slot
            for intent in locale.intents.values()
            for slot in intent.slots.values()
            if slot.slot_type == type_name
        ]

    def delete_slot_type(
        self,
        slotTypeId: str,
        botId: str,
        botVersion: str,
        localeId: str,
        skipResourceInUseCheck: bool | None = None,
    ) -> dict[str, Any]:
        _, locale = self._editable(botId, botVersion, localeId)
        slot_type = self._slot_type(locale, slotTypeId)
        if not skipResourceInUseCheck:
            users = [
                (intent, slot)
                for intent in locale.intents.values()
                for slot in intent.slots.values()
                if slot.slot_type == slot_type.name
            ]
            if users:
                named = ", ".join(f"{slot.name} of intent {intent.name}" for intent, slot in users)
                raise ServiceError(
                    "PreconditionFailedException",
                    f"The slot type {slot_type.name} ({slotTypeId}) is used by the slot"
                    f"{'s' if len(users) > 1 else ''} {named}; delete "
                    f"{'them' if len(users) > 1 else 'it'} first, or set "
                    "skipResourceInUseCheck.",
                )
        del locale.slot_types[slotTypeId]
        self._edited(locale)
        return {}

    # -- slots -------------------------------------------------------------------------
    def _slot_data(
        self, bot_id: str, locale: Locale, intent: Intent, slot: Slot, operation: str
    ) -> dict[str, Any]:
        members = _output_members(operation)
        data = {
            "slotId": slot.slot_id,
            "slotName": slot.name,
            **slot.settings,
            "slotTypeId": self._slot_type_id_of(locale, slot),
            "botId": bot_id,
            "botVersion": DRAFT,
            "localeId": locale.locale_id,
            "intentId": intent.intent_id,
            "creationDateTime": slot.created,
            "lastUpdatedDateTime": slot.updated,
        }
        return compact({k: v for k, v in data.items() if k in members})

    @staticmethod
    def _slot_type_id_of(locale: Locale, slot: Slot) -> str | None:
        if slot.slot_type is None or slot.slot_type.startswith("AMAZON."):
            return slot.slot_type
        found = locale.slot_type_named(slot.slot_type)
        return found.slot_type_id if found is not None else None

    def _slot_type_named_by(self, locale: Locale, slot_type_id: str | None) -> str | None:
        """What a slot stores for the ``slotTypeId`` of a request: the custom slot type's
        name, or the built-in type's AMAZON.* signature."""
        if slot_type_id is None or slot_type_id.startswith("AMAZON."):
            return slot_type_id
        found = locale.slot_types.get(slot_type_id)
        if found is None:
            raise ServiceError(
                "PreconditionFailedException",
                f"The slot type {slot_type_id} does not exist in locale {locale.locale_id}; "
                "give the id of a slot type of the locale or a built-in AMAZON.* type.",
            )
        return found.name

    def _check_slot(
        self, locale: Locale, intent: Intent, name: str, settings: dict[str, Any], slot: Any
    ) -> None:
        clash = intent.slot_named(name)
        if clash is not None and clash is not slot:
            raise ServiceError(
                "ConflictException",
                f"A slot named {name} already exists in intent {intent.name} "
                f"({intent.intent_id}) (slot {clash.slot_id}).",
            )
        multiple = (settings.get("multipleValuesSetting") or {}).get("allowMultipleValues")
        if multiple and locale.locale_id != "en_US":
            # The model's documentation of multipleValuesSetting.
            raise self.invalid(
                "Multiple value slots are only available in the en_US locale; "
                f"multipleValuesSetting.allowMultipleValues cannot be true in "
                f"{locale.locale_id}."
            )

    def create_slot(
        self,
        slotName: str,
        valueElicitationSetting: dict[str, Any],
        botId: str,
        botVersion: str,
        localeId: str,
        intentId: str,
        slotTypeId: str | None = None,
        **request: Any,
    ) -> dict[str, Any]:
        _, locale = self._editable(botId, botVersion, localeId)
        intent = self._intent(locale, intentId)
        settings = settings_of(
            "CreateSlot", {**request, "valueElicitationSetting": valueElicitationSetting}
        )
        self._check_slot(locale, intent, slotName, settings, None)
        type_name = self._slot_type_named_by(locale, slotTypeId)
        if len(intent.slots) >= archive.MAX_SLOTS_PER_INTENT:
            raise ServiceError(
                "ServiceQuotaExceededException",
                f"Intent {intent.name} already has {archive.MAX_SLOTS_PER_INTENT} slots, the "
                "most an intent may have.",
            )
        now = self._edited(locale)
        slot = Slot(_unused_id(intent.slots), slotName, type_name, settings, now, now)
        intent.slots[slot.slot_id] = slot
        return self._slot_data(botId, locale, intent, slot, "CreateSlot")

    def _slot(self, locale: Locale, intent: Intent, slot_id: str) -> Slot:
        slot = intent.slots.get(slot_id)
        if slot is None:
            raise ServiceError(
                "PreconditionFailedException",
                f"{GONE}: slot {slot_id} in intent {intent.intent_id} of locale "
                f"{locale.locale_id}.",
            )
        return slot

    def update_slot(
        self,
        slotId: str,
        slotName: str,
        valueElicitationSetting: dict[str, Any],
        botId: str,
        botVersion: str,
        localeId: str,
        intentId: str,
        slotTypeId: str | None = None,
        **request: Any,
    ) -> dict[str, Any]:
        _, locale = self._editable(botId, botVersion, localeId)
        intent = self._intent(locale, intentId)
        slot = self._slot(locale, intent, slotId)
        settings = settings_of(
            "CreateSlot", {**request, "valueElicitationSetting": valueElicitationSetting}
        )
        self._check_slot(locale, intent, slotName, settings, slot)
        type_name = self._slot_type_named_by(locale, slotTypeId)
        if slotName != slot.name:
            # The intent orders its slots by name (as archives do): follow the rename.
            intent.priorities = [
                (priority, slotName if name == slot.name else name)
                for priority, name in intent.priorities
            ]
        slot.name = slotName
        slot.slot_type = type_name
        slot.settings = settings
        slot.updated = self._edited(locale)
        return self._slot_data(botId, locale, intent, slot, "UpdateSlot")

    def delete_slot(
        self, slotId: str, botId: str, botVersion: str, localeId: str, intentId: str
    ) -> dict[str, Any]:
        _, locale = self._editable(botId, botVersion, localeId)
        intent = self._intent(locale, intentId)
        slot = self._slot(locale, intent, slotId)
        del intent.slots[slotId]
        # Its place in the intent's slot priorities goes with it.
        intent.priorities = [(p, name) for p, name in intent.priorities if name != slot.name]
        self._edited(locale)
        return {}

"""What BuildBotLocale checks: why a locale's build fails (``failureReasons``), one reason
per problem, each naming the intent, slot or slot type it is about.

AWS publishes no list of its build checks nor their wording; the checks here are the
cross-references a locale authored through the API (or imported) can get wrong, worded by
importmock (see docs/behaviour-notes.md, Lex V2).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from importmock.services.lexv2.models import FALLBACK_INTENT_ID, Intent, Locale, Slot, SlotType

#: Lex V2's built-in slot types and the locales each is available in (None: every
#: locale), from the developer guide's "Built-in slot types" page.
BUILT_IN_SLOT_TYPES: dict[str, tuple[str, ...] | None] = {
    "AMAZON.AlphaNumeric": None,
    "AMAZON.City": None,
    "AMAZON.Confirmation": None,
    "AMAZON.Country": None,
    "AMAZON.Currency": None,
    "AMAZON.Date": None,
    "AMAZON.Duration": None,
    "AMAZON.EmailAddress": None,
    "AMAZON.FirstName": None,
    "AMAZON.FreeFormInput": None,
    "AMAZON.LastName": None,
    "AMAZON.Number": None,
    "AMAZON.Percentage": None,
    "AMAZON.PhoneNumber": None,
    "AMAZON.State": None,
    "AMAZON.StreetName": None,
    "AMAZON.Time": None,
    "AMAZON.UKPostalCode": ("en_GB",),
}

_SLOT_REFERENCE = re.compile(r"\{([^{}]*)\}")


def built_in_available(signature: str, locale_id: str) -> bool:
    """Whether ``signature`` is a built-in slot type a ``locale_id`` locale can use."""
    if signature not in BUILT_IN_SLOT_TYPES:
        return False
    locales = BUILT_IN_SLOT_TYPES[signature]
    return locales is None or locale_id in locales


def build_problems(locale: Locale) -> str | None:
    """Why a build of ``locale`` fails (one reason per line), or None if it builds."""
    reasons = []
    custom = [i for i in locale.intents.values() if i.intent_id != FALLBACK_INTENT_ID]
    if not custom:
        reasons.append(
            f"Locale {locale.locale_id} has no intents other than FallbackIntent; add an "
            "intent with sample utterances before building."
        )
    for intent in custom:
        if not intent.settings.get("parentIntentSignature") and not intent.settings.get(
            "sampleUtterances"
        ):
            reasons.append(f"Intent {intent.name} has no sample utterances.")
    for intent in locale.intents.values():
        reasons.extend(_intent_problems(locale, intent))
    for slot_type in locale.slot_types.values():
        reasons.extend(_slot_type_problems(slot_type))
    return "\n".join(reasons) if reasons else None


def _utterances(entries: Any) -> Iterable[str]:
    for entry in entries or []:
        if isinstance(entry, dict) and isinstance(entry.get("utterance"), str):
            yield entry["utterance"]


def _intent_problems(locale: Locale, intent: Intent) -> list[str]:
    reasons = []
    names = {slot.name for slot in intent.slots.values()}
    for utterance in _utterances(intent.settings.get("sampleUtterances")):
        for referenced in _SLOT_REFERENCE.findall(utterance):
            if referenced not in names:
                reasons.append(
                    f"Intent {intent.name}: the sample utterance '{utterance}' refers to the "
                    f"slot {{{referenced}}}, which the intent does not have."
                )
    prioritised = {name for _, name in intent.priorities}
    for slot in intent.slots.values():
        reasons.extend(_slot_problems(locale, intent, slot, names))
        elicitation = slot.settings.get("valueElicitationSetting") or {}
        if elicitation.get("slotConstraint") == "Required" and slot.name not in prioritised:
            reasons.append(
                f"Intent {intent.name}: the required slot {slot.name} has no priority in "
                "slotPriorities, so it would never be elicited."
            )
    return reasons


def _slot_problems(locale: Locale, intent: Intent, slot: Slot, names: set[str]) -> list[str]:
    reasons = []
    where = f"Slot {slot.name} of intent {intent.name}"
    slot_type = slot.slot_type
    if slot_type is None:
        if not slot.settings.get("subSlotSetting"):
            reasons.append(f"{where} has no slot type.")
    elif slot_type.startswith("AMAZON."):
        if not built_in_available(slot_type, locale.locale_id):
            reasons.append(
                f"{where}: {slot_type} is not a built-in slot type available in locale "
                f"{locale.locale_id}."
            )
    elif locale.slot_type_named(slot_type) is None:
        reasons.append(
            f"{where}: its slot type {slot_type} does not exist in locale {locale.locale_id}."
        )
    elicitation = slot.settings.get("valueElicitationSetting") or {}
    for utterance in _utterances(elicitation.get("sampleUtterances")):
        for referenced in _SLOT_REFERENCE.findall(utterance):
            if referenced not in names:
                reasons.append(
                    f"{where}: the sample utterance '{utterance}' refers to the slot "
                    f"{{{referenced}}}, which the intent does not have."
                )
    return reasons


def _slot_type_problems(slot_type: SlotType) -> list[str]:
    settings = slot_type.settings
    if any(
        settings.get(name)
        for name in (
            "slotTypeValues",
            "parentSlotTypeSignature",
            "externalSourceSetting",
            "compositeSlotTypeSetting",
        )
    ):
        return []
    return [
        f"Slot type {slot_type.name} has no values; a custom slot type needs slotTypeValues, "
        "a parentSlotTypeSignature, an externalSourceSetting or a compositeSlotTypeSetting."
    ]

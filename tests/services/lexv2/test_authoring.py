"""Authoring a bot through the API: intents, slots and slot types (Create*, Update*,
Delete*), UpdateBotLocale, what they do to the locale's status, the build checks on what
they write, and a round trip (author, build, export, import the export, compare)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import requests
from freezegun import freeze_time

from tests.helpers import error_of
from tests.services.lexv2.conftest import LEX_ID, create_bot, run_import, upload

NOON = datetime.datetime(2026, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
ROLE = "arn:aws:iam::123456789012:role/lex-bot"
GONE = "Failed to retrieve resource since it does not exist"


# -- helpers ----------------------------------------------------------------------------
def prompt(text: str) -> dict[str, Any]:
    return {
        "messageGroups": [{"message": {"plainTextMessage": {"value": text}}}],
        "maxRetries": 2,
    }


def elicitation(text: str, required: bool = True, **extra: Any) -> dict[str, Any]:
    return {
        "slotConstraint": "Required" if required else "Optional",
        "promptSpecification": prompt(text),
        **extra,
    }


def utterances(*texts: str) -> list[dict[str, str]]:
    return [{"utterance": text} for text in texts]


def clean(response: dict[str, Any]) -> dict[str, Any]:
    found = dict(response)
    found.pop("ResponseMetadata", None)
    return found


class Locale:
    """A bot's DRAFT locale, and the calls that author it."""

    def __init__(self, lex: Any, bot_id: str, locale_id: str = "en_US") -> None:
        self.lex = lex
        self.bot_id = bot_id
        self.locale_id = locale_id

    @property
    def where(self) -> dict[str, str]:
        return {"botId": self.bot_id, "botVersion": "DRAFT", "localeId": self.locale_id}

    def status(self) -> str:
        return str(self.describe()["botLocaleStatus"])

    def describe(self) -> dict[str, Any]:
        return clean(self.lex.describe_bot_locale(**self.where))

    def build(self) -> dict[str, Any]:
        return clean(self.lex.build_bot_locale(**self.where))

    def reasons(self) -> list[str]:
        """Build the locale; its failureReasons (empty if it built)."""
        self.build()
        described = self.describe()
        if described["botLocaleStatus"] == "Built":
            return []
        assert described["botLocaleStatus"] == "Failed"
        return list(described["failureReasons"])

    def intent(self, name: str, *texts: str, **extra: Any) -> dict[str, Any]:
        if texts:
            extra["sampleUtterances"] = utterances(*texts)
        return clean(self.lex.create_intent(intentName=name, **self.where, **extra))

    def slot_type(self, name: str, *values: str, **extra: Any) -> dict[str, Any]:
        if values:
            extra["slotTypeValues"] = [{"sampleValue": {"value": v}} for v in values]
            extra.setdefault("valueSelectionSetting", {"resolutionStrategy": "OriginalValue"})
        return clean(self.lex.create_slot_type(slotTypeName=name, **self.where, **extra))

    def slot(
        self, intent_id: str, name: str, type_id: str, required: bool = True, **extra: Any
    ) -> dict[str, Any]:
        return clean(
            self.lex.create_slot(
                slotName=name,
                slotTypeId=type_id,
                valueElicitationSetting=elicitation(f"Which {name}?", required),
                intentId=intent_id,
                **self.where,
                **extra,
            )
        )

    def describe_intent(self, intent_id: str) -> dict[str, Any]:
        return clean(self.lex.describe_intent(intentId=intent_id, **self.where))

    def describe_slot(self, intent_id: str, slot_id: str) -> dict[str, Any]:
        return clean(self.lex.describe_slot(slotId=slot_id, intentId=intent_id, **self.where))

    def describe_slot_type(self, slot_type_id: str) -> dict[str, Any]:
        return clean(self.lex.describe_slot_type(slotTypeId=slot_type_id, **self.where))

    def prioritise(self, intent: dict[str, Any], *slot_ids: str) -> dict[str, Any]:
        """UpdateIntent with the intent's definition and these slots in this order."""
        definition = {
            k: v
            for k, v in self.describe_intent(intent["intentId"]).items()
            if k not in ("creationDateTime", "lastUpdatedDateTime", "slotPriorities")
        }
        priorities = [{"priority": i, "slotId": s} for i, s in enumerate(slot_ids, 1)]
        return clean(self.lex.update_intent(**definition, slotPriorities=priorities))


def new_locale(lex: Any, name: str = "Authored", locale_id: str = "en_US") -> Locale:
    bot_id = create_bot(lex, name)
    lex.create_bot_locale(
        botId=bot_id, botVersion="DRAFT", localeId=locale_id, nluIntentConfidenceThreshold=0.4
    )
    return Locale(lex, bot_id, locale_id)


@pytest.fixture
def en(lex: Any) -> Locale:
    return new_locale(lex)


# -- intents -----------------------------------------------------------------------------
def test_create_intent_answers_the_definition_and_describe_intent_agrees(
    lex: Any, en: Locale
) -> None:
    with freeze_time(NOON):
        created = en.intent(
            "OrderPizza",
            "I want a pizza",
            description="Orders a pizza",
            outputContexts=[{"name": "ordered", "timeToLiveInSeconds": 60, "turnsToLive": 3}],
        )
    assert re.fullmatch(LEX_ID, created["intentId"])
    assert created == {
        "intentId": created["intentId"],
        "intentName": "OrderPizza",
        "description": "Orders a pizza",
        "outputContexts": [{"name": "ordered", "timeToLiveInSeconds": 60, "turnsToLive": 3}],
        "sampleUtterances": [{"utterance": "I want a pizza"}],
        "botId": en.bot_id,
        "botVersion": "DRAFT",
        "localeId": "en_US",
        "creationDateTime": NOON,
    }
    assert en.describe_intent(created["intentId"]) == {**created, "lastUpdatedDateTime": NOON}
    summaries = lex.list_intents(**en.where)["intentSummaries"]
    assert [(s["intentName"], s["intentId"]) for s in summaries] == [
        ("FallbackIntent", "FALLBCKINT"),
        ("OrderPizza", created["intentId"]),
    ]


def test_intent_names_are_unique_within_the_locale(lex: Any, en: Locale) -> None:
    first = en.intent("OrderPizza", "pizza")
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        en.intent("OrderPizza", "another pizza")
    assert error_of(caught.value) == (
        "ConflictException",
        f"An intent named OrderPizza already exists in locale en_US of bot {en.bot_id} "
        f"(intent {first['intentId']}).",
        409,
    )
    with pytest.raises(lex.exceptions.ConflictException):
        en.intent("FallbackIntent", "fall back")
    # Names are case sensitive, and another locale is another namespace.
    assert en.intent("orderpizza", "small pizza")["intentName"] == "orderpizza"
    lex.create_bot_locale(
        botId=en.bot_id, botVersion="DRAFT", localeId="en_GB", nluIntentConfidenceThreshold=0.4
    )
    assert Locale(lex, en.bot_id, "en_GB").intent("OrderPizza", "pizza")["intentName"] == (
        "OrderPizza"
    )


def test_update_intent_replaces_the_whole_definition(lex: Any, en: Locale) -> None:
    with freeze_time(NOON) as frozen:
        created = en.intent("OrderPizza", "I want a pizza", description="Orders a pizza")
        frozen.tick(datetime.timedelta(seconds=30))
        updated = clean(
            lex.update_intent(
                intentId=created["intentId"],
                intentName="OrderPie",
                sampleUtterances=utterances("A pie please"),
                **en.where,
            )
        )
    later = NOON + datetime.timedelta(seconds=30)
    expected = {
        "intentId": created["intentId"],
        "intentName": "OrderPie",
        "sampleUtterances": [{"utterance": "A pie please"}],
        "botId": en.bot_id,
        "botVersion": "DRAFT",
        "localeId": "en_US",
        "creationDateTime": NOON,
        "lastUpdatedDateTime": later,
    }
    assert updated == expected  # the description left out is gone
    assert en.describe_intent(created["intentId"]) == expected


def test_update_intent_cannot_take_the_name_of_another_intent(lex: Any, en: Locale) -> None:
    pizza = en.intent("OrderPizza", "pizza")
    en.intent("OrderPie", "pie")
    with pytest.raises(lex.exceptions.ConflictException):
        lex.update_intent(intentId=pizza["intentId"], intentName="OrderPie", **en.where)
    kept = lex.update_intent(intentId=pizza["intentId"], intentName="OrderPizza", **en.where)
    assert kept["intentName"] == "OrderPizza"  # its own name is no clash


def test_update_intent_sets_slot_priorities_by_slot_id(lex: Any, en: Locale) -> None:
    intent = en.intent("OrderPizza", "Order a {size} pizza")
    size_type = en.slot_type("Size", "small", "large")
    size = en.slot(intent["intentId"], "size", size_type["slotTypeId"])
    count = en.slot(intent["intentId"], "count", "AMAZON.Number", required=False)
    updated = en.prioritise(intent, count["slotId"], size["slotId"])
    expected = [
        {"priority": 1, "slotId": count["slotId"]},
        {"priority": 2, "slotId": size["slotId"]},
    ]
    assert updated["slotPriorities"] == expected
    assert en.describe_intent(intent["intentId"])["slotPriorities"] == expected
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.update_intent(
            intentId=intent["intentId"],
            intentName="OrderPizza",
            slotPriorities=[{"priority": 1, "slotId": "NOSUCHSLOT"}],
            **en.where,
        )
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"slotPriorities names the slot NOSUCHSLOT, which intent {intent['intentId']} "
        "(OrderPizza) does not have.",
        412,
    )
    # An update without slotPriorities leaves the intent without any.
    lex.update_intent(intentId=intent["intentId"], intentName="OrderPizza", **en.where)
    assert "slotPriorities" not in en.describe_intent(intent["intentId"])


def test_update_intent_of_an_unknown_intent_is_a_precondition_failure(lex: Any, en: Locale) -> None:
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.update_intent(intentId="NOSUCHINTT", intentName="X", **en.where)
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        "Intent NOSUCHINTT does not exist in locale en_US.",
        412,
    )


def test_delete_intent_answers_nothing_and_takes_its_slots(lex: Any, en: Locale) -> None:
    intent = en.intent("CheckStatus", "Where is order {orderId}")
    en.slot(intent["intentId"], "orderId", "AMAZON.AlphaNumeric")
    deleted = lex.delete_intent(intentId=intent["intentId"], **en.where)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert clean(deleted) == {}
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        en.describe_intent(intent["intentId"])
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.list_slots(intentId=intent["intentId"], **en.where)
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_intent(intentId=intent["intentId"], **en.where)
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"{GONE}: intent {intent['intentId']}.",
        412,
    )
    assert [s["intentName"] for s in lex.list_intents(**en.where)["intentSummaries"]] == [
        "FallbackIntent"
    ]


def test_the_fallback_intent_cannot_be_deleted_or_duplicated(lex: Any, en: Locale) -> None:
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_intent(intentId="FALLBCKINT", **en.where)
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        "The intent FallbackIntent is the locale's AMAZON.FallbackIntent intent; every "
        "locale keeps it, so it cannot be deleted.",
        412,
    )
    with pytest.raises(lex.exceptions.ValidationException) as duplicated:
        en.intent("OtherFallback", parentIntentSignature="AMAZON.FallbackIntent")
    assert error_of(duplicated.value) == (
        "ValidationException",
        "Locale en_US already has its AMAZON.FallbackIntent intent (FallbackIntent); a "
        "locale has only one.",
        400,
    )


def test_built_in_intents_take_no_sample_utterances(lex: Any, en: Locale) -> None:
    with pytest.raises(lex.exceptions.ValidationException) as caught:
        en.intent("Help", "help me", parentIntentSignature="AMAZON.HelpIntent")
    assert error_of(caught.value)[1] == (
        "Built-in intents take no sample utterances; this intent has the "
        "parentIntentSignature AMAZON.HelpIntent."
    )
    with pytest.raises(lex.exceptions.ValidationException):
        lex.update_intent(
            intentId="FALLBCKINT",
            intentName="FallbackIntent",
            sampleUtterances=utterances("anything"),
            **en.where,
        )
    assert en.intent("Help", parentIntentSignature="AMAZON.HelpIntent")["intentName"] == "Help"


def test_the_fallback_intent_can_be_updated_and_stays_the_fallback(lex: Any, en: Locale) -> None:
    closing = {
        "closingResponse": {
            "messageGroups": [{"message": {"plainTextMessage": {"value": "Sorry."}}}]
        }
    }
    updated = lex.update_intent(
        intentId="FALLBCKINT",
        intentName="FallbackIntent",
        description="When nothing matches",
        intentClosingSetting=closing,
        **en.where,
    )
    assert updated["parentIntentSignature"] == "AMAZON.FallbackIntent"
    assert en.describe_intent("FALLBCKINT")["intentClosingSetting"] == closing
    with pytest.raises(lex.exceptions.ValidationException):
        lex.update_intent(
            intentId="FALLBCKINT",
            intentName="FallbackIntent",
            parentIntentSignature="AMAZON.HelpIntent",
            **en.where,
        )


def test_writes_need_an_existing_bot_and_locale_and_the_draft_version(lex: Any, en: Locale) -> None:
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.create_intent(intentName="X", botId="NOSUCHBOTX", botVersion="DRAFT", localeId="en_US")
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        "Bot NOSUCHBOTX does not exist.",
        412,
    )
    with pytest.raises(lex.exceptions.PreconditionFailedException):
        lex.create_slot_type(
            slotTypeName="X", botId=en.bot_id, botVersion="DRAFT", localeId="fr_FR"
        )
    with pytest.raises(lex.exceptions.ValidationException) as version:
        lex.create_intent(intentName="X", botId=en.bot_id, botVersion="00001", localeId="en_US")
    assert "botVersion" in error_of(version.value)[1]


# -- slot types ------------------------------------------------------------------------------
def test_slot_types_are_created_described_updated_and_deleted(lex: Any, en: Locale) -> None:
    with freeze_time(NOON) as frozen:
        created = en.slot_type("Size", "small", "large", description="Pizza sizes")
        frozen.tick(datetime.timedelta(seconds=5))
        updated = clean(
            lex.update_slot_type(
                slotTypeId=created["slotTypeId"],
                slotTypeName="PizzaSize",
                slotTypeValues=[{"sampleValue": {"value": "medium"}}],
                valueSelectionSetting={"resolutionStrategy": "TopResolution"},
                **en.where,
            )
        )
    assert re.fullmatch(LEX_ID, created["slotTypeId"])
    assert created == {
        "slotTypeId": created["slotTypeId"],
        "slotTypeName": "Size",
        "description": "Pizza sizes",
        "slotTypeValues": [
            {"sampleValue": {"value": "small"}},
            {"sampleValue": {"value": "large"}},
        ],
        "valueSelectionSetting": {"resolutionStrategy": "OriginalValue"},
        "botId": en.bot_id,
        "botVersion": "DRAFT",
        "localeId": "en_US",
        "creationDateTime": NOON,
    }
    expected = {
        "slotTypeId": created["slotTypeId"],
        "slotTypeName": "PizzaSize",
        "slotTypeValues": [{"sampleValue": {"value": "medium"}}],
        "valueSelectionSetting": {"resolutionStrategy": "TopResolution"},
        "botId": en.bot_id,
        "botVersion": "DRAFT",
        "localeId": "en_US",
        "creationDateTime": NOON,
        "lastUpdatedDateTime": NOON + datetime.timedelta(seconds=5),
    }
    assert updated == expected
    assert en.describe_slot_type(created["slotTypeId"]) == expected
    deleted = lex.delete_slot_type(slotTypeId=created["slotTypeId"], **en.where)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert lex.list_slot_types(**en.where)["slotTypeSummaries"] == []
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_slot_type(slotTypeId=created["slotTypeId"], **en.where)
    assert error_of(caught.value)[1] == (
        f"{GONE}: slot type {created['slotTypeId']} in locale en_US."
    )


def test_slot_type_names_are_unique_within_the_locale(lex: Any, en: Locale) -> None:
    size = en.slot_type("Size", "small")
    crust = en.slot_type("Crust", "thin")
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        en.slot_type("Size", "large")
    assert error_of(caught.value) == (
        "ConflictException",
        f"A slot type named Size already exists in locale en_US of bot {en.bot_id} "
        f"(slot type {size['slotTypeId']}).",
        409,
    )
    with pytest.raises(lex.exceptions.ConflictException):
        lex.update_slot_type(slotTypeId=crust["slotTypeId"], slotTypeName="Size", **en.where)


def test_a_slot_type_used_by_a_slot_is_deleted_only_when_the_check_is_skipped(
    lex: Any, en: Locale
) -> None:
    intent = en.intent("OrderPizza", "Order a {size} pizza")
    size_type = en.slot_type("Size", "small", "large")
    size = en.slot(intent["intentId"], "size", size_type["slotTypeId"])
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_slot_type(slotTypeId=size_type["slotTypeId"], **en.where)
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"The slot type Size ({size_type['slotTypeId']}) is used by the slot size of intent "
        "OrderPizza; delete it first, or set skipResourceInUseCheck.",
        412,
    )
    lex.delete_slot_type(
        slotTypeId=size_type["slotTypeId"], skipResourceInUseCheck=True, **en.where
    )
    assert "slotTypeId" not in en.describe_slot(intent["intentId"], size["slotId"])
    en.prioritise(intent, size["slotId"])
    assert en.reasons() == [
        "Slot size of intent OrderPizza: its slot type Size does not exist in locale en_US."
    ]


def test_renaming_a_slot_type_keeps_its_slots(lex: Any, en: Locale) -> None:
    intent = en.intent("OrderPizza", "Order a {size} pizza")
    size_type = en.slot_type("Size", "small", "large")
    size = en.slot(intent["intentId"], "size", size_type["slotTypeId"])
    en.prioritise(intent, size["slotId"])
    lex.update_slot_type(
        slotTypeId=size_type["slotTypeId"],
        slotTypeName="PizzaSize",
        slotTypeValues=[{"sampleValue": {"value": "small"}}],
        valueSelectionSetting={"resolutionStrategy": "OriginalValue"},
        **en.where,
    )
    assert (
        en.describe_slot(intent["intentId"], size["slotId"])["slotTypeId"]
        == (size_type["slotTypeId"])
    )
    assert en.reasons() == []


# -- slots -----------------------------------------------------------------------------------
def test_create_slot_names_its_type_by_id_or_built_in_signature(lex: Any, en: Locale) -> None:
    intent = en.intent("OrderPizza", "Order {count} {size} pizzas")
    size_type = en.slot_type("Size", "small", "large")
    with freeze_time(NOON):
        size = en.slot(intent["intentId"], "size", size_type["slotTypeId"], description="Size")
    count = en.slot(intent["intentId"], "count", "AMAZON.Number", required=False)
    assert re.fullmatch(LEX_ID, size["slotId"])
    assert size == {
        "slotId": size["slotId"],
        "slotName": "size",
        "description": "Size",
        "slotTypeId": size_type["slotTypeId"],
        "valueElicitationSetting": elicitation("Which size?"),
        "botId": en.bot_id,
        "botVersion": "DRAFT",
        "localeId": "en_US",
        "intentId": intent["intentId"],
        "creationDateTime": NOON,
    }
    assert en.describe_slot(intent["intentId"], size["slotId"]) == {
        **size,
        "lastUpdatedDateTime": NOON,
    }
    assert count["slotTypeId"] == "AMAZON.Number"
    summaries = lex.list_slots(intentId=intent["intentId"], **en.where)["slotSummaries"]
    assert [(s["slotName"], s["slotTypeId"], s["slotConstraint"]) for s in summaries] == [
        ("count", "AMAZON.Number", "Optional"),
        ("size", size_type["slotTypeId"], "Required"),
    ]


def test_create_slot_with_an_unknown_slot_type_is_a_precondition_failure(
    lex: Any, en: Locale
) -> None:
    intent = en.intent("OrderPizza", "pizza")
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        en.slot(intent["intentId"], "size", "NOSUCHTYPE")
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        "The slot type NOSUCHTYPE does not exist in locale en_US; give the id of a slot type "
        "of the locale or a built-in AMAZON.* type.",
        412,
    )
    with pytest.raises(lex.exceptions.PreconditionFailedException) as no_intent:
        en.slot("NOSUCHINTT", "size", "AMAZON.Number")
    assert error_of(no_intent.value)[1] == "Intent NOSUCHINTT does not exist in locale en_US."


def test_slot_names_are_unique_within_their_intent(lex: Any, en: Locale) -> None:
    pizza = en.intent("OrderPizza", "pizza")
    pie = en.intent("OrderPie", "pie")
    first = en.slot(pizza["intentId"], "count", "AMAZON.Number")
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        en.slot(pizza["intentId"], "count", "AMAZON.Number")
    assert error_of(caught.value) == (
        "ConflictException",
        f"A slot named count already exists in intent OrderPizza ({pizza['intentId']}) "
        f"(slot {first['slotId']}).",
        409,
    )
    assert en.slot(pie["intentId"], "count", "AMAZON.Number")["slotName"] == "count"


def test_update_slot_replaces_it_and_a_rename_keeps_its_priority(lex: Any, en: Locale) -> None:
    intent = en.intent("OrderPizza", "Order {count} pizzas")
    with freeze_time(NOON) as frozen:
        count = en.slot(intent["intentId"], "count", "AMAZON.Number", description="How many")
        en.prioritise(intent, count["slotId"])
        frozen.tick(datetime.timedelta(seconds=7))
        updated = clean(
            lex.update_slot(
                slotId=count["slotId"],
                slotName="quantity",
                slotTypeId="AMAZON.Number",
                valueElicitationSetting=elicitation("How many pizzas?"),
                intentId=intent["intentId"],
                **en.where,
            )
        )
    expected = {
        "slotId": count["slotId"],
        "slotName": "quantity",
        "slotTypeId": "AMAZON.Number",
        "valueElicitationSetting": elicitation("How many pizzas?"),
        "botId": en.bot_id,
        "botVersion": "DRAFT",
        "localeId": "en_US",
        "intentId": intent["intentId"],
        "creationDateTime": NOON,
        "lastUpdatedDateTime": NOON + datetime.timedelta(seconds=7),
    }
    assert updated == expected  # the description left out is gone
    assert en.describe_slot(intent["intentId"], count["slotId"]) == expected
    assert en.describe_intent(intent["intentId"])["slotPriorities"] == [
        {"priority": 1, "slotId": count["slotId"]}
    ]
    # The utterance still says {count}: the build finds it.
    assert en.reasons() == [
        "Intent OrderPizza: the sample utterance 'Order {count} pizzas' refers to the slot "
        "{count}, which the intent does not have."
    ]


def test_delete_slot_takes_it_out_of_the_slot_priorities(lex: Any, en: Locale) -> None:
    intent = en.intent("OrderPizza", "Order pizzas")
    count = en.slot(intent["intentId"], "count", "AMAZON.Number")
    size = en.slot(intent["intentId"], "size", "AMAZON.AlphaNumeric")
    en.prioritise(intent, count["slotId"], size["slotId"])
    deleted = lex.delete_slot(slotId=count["slotId"], intentId=intent["intentId"], **en.where)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert en.describe_intent(intent["intentId"])["slotPriorities"] == [
        {"priority": 2, "slotId": size["slotId"]}
    ]
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        en.describe_slot(intent["intentId"], count["slotId"])
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.delete_slot(slotId=count["slotId"], intentId=intent["intentId"], **en.where)
    assert error_of(caught.value)[1] == (
        f"{GONE}: slot {count['slotId']} in intent {intent['intentId']} of locale en_US."
    )


def test_multiple_value_slots_are_only_for_en_us(lex: Any) -> None:
    gb = new_locale(lex, "British", "en_GB")
    intent = gb.intent("OrderPizza", "pizza")
    with pytest.raises(lex.exceptions.ValidationException) as caught:
        gb.slot(
            intent["intentId"],
            "toppings",
            "AMAZON.AlphaNumeric",
            multipleValuesSetting={"allowMultipleValues": True},
        )
    assert error_of(caught.value)[1] == (
        "Multiple value slots are only available in the en_US locale; "
        "multipleValuesSetting.allowMultipleValues cannot be true in en_GB."
    )


def test_an_intent_holds_at_most_100_slots(lex: Any, en: Locale) -> None:
    intent = en.intent("Big", "big")
    for index in range(100):
        en.slot(intent["intentId"], f"s{index}", "AMAZON.Number", required=False)
    with pytest.raises(lex.exceptions.ServiceQuotaExceededException) as caught:
        en.slot(intent["intentId"], "one_more", "AMAZON.Number")
    assert error_of(caught.value) == (
        "ServiceQuotaExceededException",
        "Intent Big already has 100 slots, the most an intent may have.",
        402,
    )


# -- the locale --------------------------------------------------------------------------------
def test_update_bot_locale_replaces_its_settings(lex: Any, en: Locale) -> None:
    lex.update_bot_locale(
        **en.where,
        nluIntentConfidenceThreshold=0.5,
        description="First",
        voiceSettings={"voiceId": "Joanna", "engine": "neural"},
    )
    with freeze_time(NOON):
        updated = lex.update_bot_locale(**en.where, nluIntentConfidenceThreshold=0.7)
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert clean(updated) == {
        "botId": en.bot_id,
        "botVersion": "DRAFT",
        "localeId": "en_US",
        "localeName": "English (US)",
        "nluIntentConfidenceThreshold": 0.7,
        "botLocaleStatus": "NotBuilt",
        "creationDateTime": en.describe()["creationDateTime"],
        "lastUpdatedDateTime": NOON,
    }
    described = en.describe()
    assert (described["nluIntentConfidenceThreshold"], described["lastUpdatedDateTime"]) == (
        0.7,
        NOON,
    )
    assert "description" not in described and "voiceSettings" not in described


def _edits(lex: Any, en: Locale) -> list[tuple[str, Any]]:
    """One change of each kind to a locale, each a (name, call) pair."""
    intent = en.intent("Greeting", "Hello")
    slot_type = en.slot_type("Size", "small")
    slot = en.slot(intent["intentId"], "size", slot_type["slotTypeId"], required=False)
    where = en.where
    return [
        ("CreateIntent", lambda: en.intent("Other", "other")),
        (
            "UpdateIntent",
            lambda: en.prioritise(intent, slot["slotId"]),
        ),
        ("CreateSlotType", lambda: en.slot_type("Crust", "thin")),
        (
            "UpdateSlotType",
            lambda: lex.update_slot_type(
                slotTypeId=slot_type["slotTypeId"],
                slotTypeName="Size",
                slotTypeValues=[{"sampleValue": {"value": "large"}}],
                valueSelectionSetting={"resolutionStrategy": "OriginalValue"},
                **where,
            ),
        ),
        (
            "CreateSlot",
            lambda: en.slot(intent["intentId"], "count", "AMAZON.Number", required=False),
        ),
        (
            "UpdateSlot",
            lambda: lex.update_slot(
                slotId=slot["slotId"],
                slotName="size",
                slotTypeId=slot_type["slotTypeId"],
                valueElicitationSetting=elicitation("What size?"),
                intentId=intent["intentId"],
                **where,
            ),
        ),
        (
            "UpdateBotLocale",
            lambda: lex.update_bot_locale(**where, nluIntentConfidenceThreshold=0.4),
        ),
        (
            "DeleteSlot",
            lambda: lex.delete_slot(
                slotId=_slot_named(lex, en, intent["intentId"], "count"),
                intentId=intent["intentId"],
                **where,
            ),
        ),
        (
            "DeleteSlotType",
            lambda: lex.delete_slot_type(slotTypeId=_slot_type_named(lex, en, "Crust"), **where),
        ),
        (
            "DeleteIntent",
            lambda: lex.delete_intent(intentId=_intent_named(lex, en, "Other"), **where),
        ),
    ]


def _slot_named(lex: Any, en: Locale, intent_id: str, name: str) -> str:
    slots = lex.list_slots(intentId=intent_id, **en.where)["slotSummaries"]
    return str(next(s["slotId"] for s in slots if s["slotName"] == name))


def _slot_type_named(lex: Any, en: Locale, name: str) -> str:
    types = lex.list_slot_types(**en.where)["slotTypeSummaries"]
    return str(next(t["slotTypeId"] for t in types if t["slotTypeName"] == name))


def _intent_named(lex: Any, en: Locale, name: str) -> str:
    intents = lex.list_intents(**en.where)["intentSummaries"]
    return str(next(i["intentId"] for i in intents if i["intentName"] == name))


def test_every_change_puts_a_built_locale_back_to_not_built(lex: Any, en: Locale) -> None:
    moment = NOON
    with freeze_time(NOON) as frozen:
        edits = _edits(lex, en)
        for name, edit in edits:
            assert en.reasons() == [], name
            assert en.status() == "Built"
            frozen.tick(datetime.timedelta(seconds=60))
            moment += datetime.timedelta(seconds=60)
            edit()
            described = en.describe()
            assert (described["botLocaleStatus"], described["lastUpdatedDateTime"]) == (
                "NotBuilt",
                moment,
            ), name


def test_a_failed_locale_is_not_built_again_after_a_change(lex: Any, en: Locale) -> None:
    assert en.reasons() != []  # only the fallback intent
    en.intent("Greeting", "Hello")
    assert en.status() == "NotBuilt"
    assert "failureReasons" not in en.describe()
    assert en.reasons() == []


@pytest.mark.importmock(progression="manual")
def test_a_locale_being_built_takes_no_change(m: Any, lex: Any) -> None:
    en = new_locale(lex)
    m.settle()
    intent = en.intent("Greeting", "Hello")
    assert en.build()["botLocaleStatus"] == "Building"
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        en.intent("Other", "other")
    assert error_of(caught.value) == (
        "ConflictException",
        f"Locale en_US of bot {en.bot_id} is Building; it can be changed when that has finished.",
        409,
    )
    with pytest.raises(lex.exceptions.ConflictException):
        lex.delete_intent(intentId=intent["intentId"], **en.where)
    with pytest.raises(lex.exceptions.ConflictException):
        lex.update_bot_locale(**en.where, nluIntentConfidenceThreshold=0.5)
    m.settle()
    assert en.status() == "Built"
    en.intent("Other", "other")
    assert en.status() == "NotBuilt"


@pytest.mark.importmock(progression="manual")
def test_a_locale_being_created_or_deleted_takes_no_change(m: Any, lex: Any) -> None:
    en = new_locale(lex)
    with pytest.raises(lex.exceptions.ConflictException) as creating:
        en.intent("Greeting", "Hello")
    assert "is Creating" in error_of(creating.value)[1]
    m.settle()
    lex.delete_bot_locale(**en.where)
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        en.slot_type("Size", "small")
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"Locale en_US of bot {en.bot_id} is being deleted; it cannot be changed.",
        412,
    )


# -- build checks ---------------------------------------------------------------------------------
def test_the_build_checks_the_references_between_intents_slots_and_slot_types(
    lex: Any, en: Locale
) -> None:
    intent = en.intent("OrderPizza", "Order a {size} pizza", "A {topping} pizza")
    empty = en.slot_type("Empty")
    size = en.slot(intent["intentId"], "size", empty["slotTypeId"])
    en.slot(intent["intentId"], "postcode", "AMAZON.UKPostalCode", required=False)
    en.slot(intent["intentId"], "mood", "AMAZON.Mood", required=False)
    en.slot(intent["intentId"], "when", "AMAZON.Date")
    en.prioritise(intent, size["slotId"])
    assert en.reasons() == [
        "Intent OrderPizza: the sample utterance 'A {topping} pizza' refers to the slot "
        "{topping}, which the intent does not have.",
        "Slot postcode of intent OrderPizza: AMAZON.UKPostalCode is not a built-in slot type "
        "available in locale en_US.",
        "Slot mood of intent OrderPizza: AMAZON.Mood is not a built-in slot type available in "
        "locale en_US.",
        "Intent OrderPizza: the required slot when has no priority in slotPriorities, so it "
        "would never be elicited.",
        "Slot type Empty has no values; a custom slot type needs slotTypeValues, a "
        "parentSlotTypeSignature, an externalSourceSetting or a compositeSlotTypeSetting.",
    ]


def test_built_in_slot_types_of_one_locale_build_there(lex: Any) -> None:
    gb = new_locale(lex, "British", "en_GB")
    intent = gb.intent("Deliver", "Deliver to {postcode}")
    postcode = gb.slot(intent["intentId"], "postcode", "AMAZON.UKPostalCode")
    gb.prioritise(intent, postcode["slotId"])
    extended = gb.slot_type(
        "Code",
        parentSlotTypeSignature="AMAZON.AlphaNumeric",
        valueSelectionSetting={
            "resolutionStrategy": "OriginalValue",
            "regexFilter": {"pattern": "[A-Z]{3}"},
        },
    )
    gb.slot(intent["intentId"], "code", extended["slotTypeId"], required=False)
    assert gb.reasons() == []


# -- a round trip -------------------------------------------------------------------------------
def author_pizza_bot(lex: Any) -> Locale:
    """A bot authored through the API: two intents with slots of a custom slot type and
    of built-in ones, utterances naming the slots, slot priorities."""
    en = new_locale(lex, "AuthoredPizza")
    lex.update_bot_locale(
        **en.where,
        nluIntentConfidenceThreshold=0.55,
        description="Pizza ordering",
        voiceSettings={"voiceId": "Joanna", "engine": "neural"},
    )
    size_type = en.slot_type(
        "PizzaSize", "small", "medium", "large", description="How big a pizza is"
    )
    crust_type = en.slot_type("CrustType", "thin", "thick")
    order = en.intent(
        "OrderPizza",
        "I want a {size} pizza",
        "Order {count} {crust} crust pizzas",
        description="Orders pizzas",
        fulfillmentCodeHook={"enabled": False},
    )
    size = en.slot(order["intentId"], "size", size_type["slotTypeId"])
    crust = en.slot(order["intentId"], "crust", crust_type["slotTypeId"])
    count = en.slot(
        order["intentId"], "count", "AMAZON.Number", required=False, description="How many"
    )
    en.prioritise(order, size["slotId"], crust["slotId"], count["slotId"])
    status = en.intent("CheckStatus", "Where is order {orderId}", "Status of {orderId}")
    order_id = en.slot(status["intentId"], "orderId", "AMAZON.AlphaNumeric")
    en.prioritise(status, order_id["slotId"])
    return en


def definition(lex: Any, en: Locale) -> dict[str, Any]:
    """Everything the Describe*/List* operations say about a locale, with the ids that
    differ between bots replaced by names and the times left out."""
    times = {"creationDateTime", "lastUpdatedDateTime", "lastBuildSubmittedDateTime"}
    type_names = {
        t["slotTypeId"]: t["slotTypeName"]
        for t in lex.list_slot_types(**en.where)["slotTypeSummaries"]
    }

    def plain(data: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in data.items() if k not in times and k != "botId"}

    result: dict[str, Any] = {"locale": plain(en.describe())}
    result["slotTypeSummaries"] = [
        {k: v for k, v in plain(t).items() if k != "slotTypeId"}
        for t in lex.list_slot_types(**en.where)["slotTypeSummaries"]
    ]
    result["intentSummaries"] = [
        {k: v for k, v in plain(i).items() if k != "intentId" or v == "FALLBCKINT"}
        for i in lex.list_intents(**en.where)["intentSummaries"]
    ]
    result["slotTypes"] = {
        name: {k: v for k, v in plain(en.describe_slot_type(type_id)).items() if k != "slotTypeId"}
        for type_id, name in type_names.items()
    }
    intents = {}
    for summary in lex.list_intents(**en.where)["intentSummaries"]:
        intent_id = summary["intentId"]
        described = plain(en.describe_intent(intent_id))
        slots = {}
        names = {}
        slot_summaries = lex.list_slots(intentId=intent_id, **en.where)["slotSummaries"]
        listed = []
        for slot_summary in slot_summaries:
            names[slot_summary["slotId"]] = slot_summary["slotName"]
            listed.append(
                {
                    **{k: v for k, v in plain(slot_summary).items() if k != "slotId"},
                    "slotTypeId": type_names.get(
                        slot_summary["slotTypeId"], slot_summary["slotTypeId"]
                    ),
                }
            )
            slot = plain(en.describe_slot(intent_id, slot_summary["slotId"]))
            slot["slotTypeId"] = type_names.get(slot["slotTypeId"], slot["slotTypeId"])
            slots[slot["slotName"]] = {
                k: v for k, v in slot.items() if k not in ("slotId", "intentId")
            }
        described["slotPriorities"] = [
            (p["priority"], names[p["slotId"]]) for p in described.get("slotPriorities", [])
        ]
        if intent_id != "FALLBCKINT":
            described.pop("intentId")
        intents[summary["intentName"]] = {
            "intent": described,
            "slots": slots,
            "slotSummaries": listed,
        }
    result["intents"] = intents
    return result


def test_an_authored_bot_exports_and_imports_as_the_same_definition(m: Any, lex: Any) -> None:
    en = author_pizza_bot(lex)
    assert en.reasons() == []
    export_id = lex.create_export(
        resourceSpecification={
            "botExportSpecification": {"botId": en.bot_id, "botVersion": "DRAFT"}
        },
        fileFormat="LexJson",
    )["exportId"]
    m.settle()
    url = lex.describe_export(exportId=export_id)["downloadUrl"]
    archive = requests.get(url).content
    done = run_import(
        m,
        lex,
        archive,
        {
            "botImportSpecification": {
                "botName": "ImportedPizza",
                "roleArn": ROLE,
                "dataPrivacy": {"childDirected": False},
            }
        },
    )
    assert done["importStatus"] == "Completed", done.get("failureReasons")
    copy = Locale(lex, done["importedResourceId"])
    assert copy.bot_id != en.bot_id
    original, imported = definition(lex, en), definition(lex, copy)
    assert original["locale"].pop("botLocaleStatus") == "Built"
    assert imported["locale"].pop("botLocaleStatus") == "NotBuilt"
    assert imported == original
    assert sorted(original["intents"]) == ["CheckStatus", "FallbackIntent", "OrderPizza"]
    assert original["intents"]["OrderPizza"]["intent"]["slotPriorities"] == [
        (1, "size"),
        (2, "crust"),
        (3, "count"),
    ]
    assert original["intents"]["OrderPizza"]["slots"]["size"]["slotTypeId"] == "PizzaSize"
    assert original["intents"]["OrderPizza"]["slots"]["count"]["slotTypeId"] == "AMAZON.Number"
    # The ids differ, the definitions do not; the copy builds as the original did.
    assert copy.reasons() == []


def test_an_import_and_the_api_store_an_intent_alike(m: Any, lex: Any) -> None:
    """The same intent imported into one locale and authored in another describes alike."""
    en = author_pizza_bot(lex)
    export_id = lex.create_export(
        resourceSpecification={
            "botLocaleExportSpecification": {
                "botId": en.bot_id,
                "botVersion": "DRAFT",
                "localeId": "en_US",
            }
        },
        fileFormat="LexJson",
    )["exportId"]
    m.settle()
    archive = requests.get(lex.describe_export(exportId=export_id)["downloadUrl"]).content
    other = new_locale(lex, "Second")
    import_id = upload(lex, archive)
    lex.start_import(
        importId=import_id,
        resourceSpecification={
            "botLocaleImportSpecification": {
                "botId": other.bot_id,
                "botVersion": "DRAFT",
                "localeId": "en_US",
            }
        },
        mergeStrategy="Overwrite",
    )
    m.settle()
    assert lex.describe_import(importId=import_id)["importStatus"] == "Completed"
    assert definition(lex, other) == definition(lex, en)

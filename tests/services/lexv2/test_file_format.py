"""Archives in the LexJson format of the Lex V2 developer guide ("JSON format for importing
and exporting bots"), both ways.

The files are not the API's request shapes: prompts and responses carry
``messageGroupsList``, code hooks, conditionals and closing/confirmation settings
``isActive``, slot types ``ORIGINAL_VALUE`` / ``TOP_RESOLUTION``, BotLocale.json
``nluConfidenceThreshold`` and the locale's display name. Imports read that format into the
API's names; exports write it back; API spellings are refused naming the format's member.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.services.lexv2.archives import (
    bot_files,
    intent,
    locale_archive_files,
    message,
    next_step,
    pizza_locale,
    prompt,
    response,
    slot,
    slot_type,
    to_zip,
    unzip,
)
from tests.services.lexv2.conftest import bot_spec, intents_by_name, locale_spec, run_import
from tests.services.lexv2.test_exports import bot_export, create, download

ORDER = "PizzaBot/BotLocales/en_US/Intents/OrderPizza/Intent.json"
SIZE_SLOT = "PizzaBot/BotLocales/en_US/Intents/OrderPizza/Slots/size/Slot.json"
CRUST_TYPE = "PizzaBot/BotLocales/en_US/SlotTypes/CrustType/SlotType.json"
LOCALE = "PizzaBot/BotLocales/en_US/BotLocale.json"


def book_trip() -> dict[str, Any]:
    """The developer guide's BookTrip example bot (BookCar with its CarType slot and the
    CarTypeValues slot type), in US English and US Spanish."""

    def locale(locale_id: str, name: str, words: tuple[str, str]) -> dict[str, Any]:
        car = slot("CarType", "CarTypeValues")
        car["description"] = "Type of car being reserved."
        car["valueElicitationSetting"]["promptSpecification"] = prompt(
            "What type of car would you like to rent?"
        )
        book_car = intent(
            "BookCar",
            ["Book a car", "Reserve a car", "Make a car reservation"],
            [car],
            description="Intent to book a car.",
            intentConfirmationSetting={
                "promptSpecification": prompt("OK, a {CarType} car. Should I book it?"),
                "declinationResponse": response(words[1]),
                "isActive": True,
            },
            fulfillmentCodeHook={"enabled": False, "isActive": False},
        )
        return {
            "BotLocale.json": {
                "name": name,
                "identifier": locale_id,
                "version": None,
                "description": None,
                "voiceSettings": {"voiceId": "Joanna" if locale_id == "en_US" else "Lupe"},
                "nluConfidenceThreshold": 0.4,
            },
            "intents": [
                book_car,
                intent("FallbackIntent", [], parentIntentSignature="AMAZON.FallbackIntent"),
            ],
            "slot_types": [
                slot_type(
                    "CarTypeValues",
                    ["economy", "standard", "midsize", "full size", "luxury", "minivan"],
                    description="Enumeration representing possible types of cars available",
                )
            ],
            "vocabulary": {"customVocabularyItems": [{"phrase": words[0], "weight": 2}]},
        }

    return bot_files(
        "BookTrip",
        locales={
            "en_US": locale("en_US", "English (US)", ("minivan", "OK, cancelled.")),
            "es_US": locale("es_US", "Spanish (US)", ("monovolumen", "De acuerdo, cancelado.")),
        },
    )


def without_nulls(value: Any) -> Any:
    """``value`` with null members dropped at every depth (how the format's unset looks)."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def described_intent(lex: Any, bot_id: str, name: str, locale_id: str = "en_US") -> dict:
    intent_id = intents_by_name(lex, bot_id, locale_id)[name]
    return lex.describe_intent(
        intentId=intent_id, botId=bot_id, botVersion="DRAFT", localeId=locale_id
    )


# -- reading -------------------------------------------------------------------------------
def test_the_format_s_names_are_read_as_the_api_s(m: Any, lex: Any) -> None:
    bot_id = run_import(m, lex, to_zip(bot_files()), bot_spec())["importedResourceId"]
    order = described_intent(lex, bot_id, "OrderPizza")
    # messageGroupsList -> messageGroups, isActive -> active, at every depth
    assert order["intentConfirmationSetting"] == {
        "promptSpecification": {
            "messageGroups": [
                {
                    "message": {
                        "plainTextMessage": {"value": "A {size} pizza with {crust} crust, right?"}
                    }
                }
            ],
            "maxRetries": 2,
            "allowInterrupt": True,
        },
        "declinationResponse": {
            "messageGroups": [{"message": {"plainTextMessage": {"value": "OK, no pizza."}}}],
            "allowInterrupt": True,
        },
        "active": True,
    }
    closing = order["intentClosingSetting"]
    assert closing["active"] is True
    assert closing["conditional"]["active"] is True
    assert closing["conditional"]["conditionalBranches"][0]["response"]["messageGroups"] == [
        {"message": {"plainTextMessage": {"value": "That is a big order!"}}}
    ]
    hook = order["fulfillmentCodeHook"]
    assert (hook["enabled"], hook["active"]) == (True, True)
    success = hook["postFulfillmentStatusSpecification"]["successResponse"]
    assert success["messageGroups"][0]["message"]["plainTextMessage"] == {
        "value": "Your pizza is on its way."
    }
    # Fulfillment updates keep the API's own names in the format (active, messageGroups).
    updates = hook["fulfillmentUpdatesSpecification"]
    assert updates["active"] is True
    assert updates["startResponse"]["messageGroups"][0]["message"]["plainTextMessage"] == {
        "value": "Placing your order."
    }
    assert order["initialResponseSetting"]["codeHook"]["active"] is True
    types = {
        t["slotTypeName"]: t["slotTypeId"]
        for t in lex.list_slot_types(botId=bot_id, botVersion="DRAFT", localeId="en_US")[
            "slotTypeSummaries"
        ]
    }
    crust = lex.describe_slot_type(
        slotTypeId=types["CrustType"], botId=bot_id, botVersion="DRAFT", localeId="en_US"
    )
    assert crust["valueSelectionSetting"] == {"resolutionStrategy": "TopResolution"}
    size = lex.describe_slot_type(
        slotTypeId=types["PizzaSize"], botId=bot_id, botVersion="DRAFT", localeId="en_US"
    )
    assert size["valueSelectionSetting"] == {"resolutionStrategy": "OriginalValue"}
    locale = lex.describe_bot_locale(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    assert (locale["localeName"], locale["nluIntentConfidenceThreshold"]) == ("English (US)", 0.4)


def test_the_book_trip_example_imports_in_two_locales(m: Any, lex: Any) -> None:
    done = run_import(m, lex, to_zip(book_trip()), bot_spec("BookTrip"))
    assert (done["importStatus"], done.get("failureReasons")) == ("Completed", None)
    bot_id = done["importedResourceId"]
    locales = lex.list_bot_locales(botId=bot_id, botVersion="DRAFT")["botLocaleSummaries"]
    assert sorted((s["localeId"], s["localeName"]) for s in locales) == [
        ("en_US", "English (US)"),
        ("es_US", "Spanish (US)"),
    ]
    spanish = described_intent(lex, bot_id, "BookCar", "es_US")
    assert spanish["intentConfirmationSetting"]["declinationResponse"]["messageGroups"] == [
        {"message": {"plainTextMessage": {"value": "De acuerdo, cancelado."}}}
    ]
    assert spanish["fulfillmentCodeHook"] == {"enabled": False, "active": False}
    words = lex.list_custom_vocabulary_items(botId=bot_id, botVersion="DRAFT", localeId="es_US")
    assert [(i["phrase"], i["weight"]) for i in words["customVocabularyItems"]] == [
        ("monovolumen", 2)
    ]


# -- writing -------------------------------------------------------------------------------
@pytest.mark.parametrize("archive", ["PizzaBot", "BookTrip"])
def test_an_export_writes_back_the_files_it_imported(m: Any, lex: Any, archive: str) -> None:
    """Every intent, slot and slot type file of the export is the imported file (nulls
    aside, and ids: an import gives new ones); the format's names come back."""
    files = bot_files() if archive == "PizzaBot" else book_trip()
    bot_id = run_import(m, lex, to_zip(files), bot_spec(archive))["importedResourceId"]
    exported = {
        name: json.loads(body)
        for name, body in unzip(download(lex, create(lex, bot_export(bot_id)))).items()
        if name.endswith(".json")
    }
    assert set(exported) == set(files)
    for name, original in files.items():
        if name.rsplit("/", 1)[-1] not in ("Intent.json", "Slot.json", "SlotType.json"):
            continue
        written = without_nulls(exported[name])
        written.pop("identifier")
        expected = without_nulls(original)
        expected.pop("identifier")
        assert written == expected, name


def test_exported_files_use_the_format_s_names_and_write_unset_members_as_null(
    m: Any, lex: Any
) -> None:
    bot_id = run_import(m, lex, to_zip(bot_files()), bot_spec())["importedResourceId"]
    files = unzip(download(lex, create(lex, bot_export(bot_id))))
    for body in files.values():
        for api_only in (b'"OriginalValue"', b'"TopResolution"', b'"nluIntentConfidenceThreshold"'):
            assert api_only not in body
    order = json.loads(files[ORDER])
    confirmation = order["intentConfirmationSetting"]
    assert confirmation["isActive"] is True and "active" not in confirmation
    assert confirmation["promptSpecification"]["messageGroupsList"][0] == {
        "message": {
            "plainTextMessage": {"value": "A {size} pizza with {crust} crust, right?"},
            "ssmlMessage": None,
            "customPayload": None,
            "imageResponseCard": None,
        },
        "variations": None,
    }
    assert order["fulfillmentCodeHook"]["fulfillmentUpdatesSpecification"]["active"] is True
    assert order["inputContexts"] is None and order["kendraConfiguration"] is None
    crust = json.loads(files[CRUST_TYPE])
    assert crust["valueSelectionSetting"]["resolutionStrategy"] == "TOP_RESOLUTION"
    locale = json.loads(files[LOCALE])
    assert {k: locale[k] for k in ("name", "identifier", "version", "nluConfidenceThreshold")} == {
        "name": "English (US)",
        "identifier": "en_US",
        "version": None,
        "nluConfidenceThreshold": 0.4,
    }


# -- refusing the API's spellings -----------------------------------------------------------
def _edit(files: dict[str, Any], path: str, change: Any) -> dict[str, Any]:
    files = copy.deepcopy(files)
    change(files[path])
    return files


def _rename(container: dict[str, Any], old: str, new: str) -> None:
    container[new] = container.pop(old)


@pytest.mark.parametrize(
    ("path", "change", "reason"),
    [
        pytest.param(
            SIZE_SLOT,
            lambda body: _rename(
                body["valueElicitationSetting"]["promptSpecification"],
                "messageGroupsList",
                "messageGroups",
            ),
            "valueElicitationSetting.promptSpecification.messageGroups: the LexJson format "
            "has no member messageGroups; it is written messageGroupsList.",
            id="messageGroups",
        ),
        pytest.param(
            ORDER,
            lambda body: _rename(body["fulfillmentCodeHook"], "isActive", "active"),
            "fulfillmentCodeHook.active: the LexJson format has no member active; it is "
            "written isActive.",
            id="active",
        ),
        pytest.param(
            ORDER,
            lambda body: _rename(body["intentClosingSetting"]["conditional"], "isActive", "active"),
            "intentClosingSetting.conditional.active: the LexJson format has no member "
            "active; it is written isActive.",
            id="conditional-active",
        ),
        pytest.param(
            CRUST_TYPE,
            lambda body: body["valueSelectionSetting"].update(resolutionStrategy="TopResolution"),
            "valueSelectionSetting.resolutionStrategy: TopResolution is the API's spelling; "
            "the LexJson format writes TOP_RESOLUTION.",
            id="TopResolution",
        ),
        pytest.param(
            LOCALE,
            lambda body: _rename(body, "nluConfidenceThreshold", "nluIntentConfidenceThreshold"),
            "nluIntentConfidenceThreshold: the LexJson format has no member "
            "nluIntentConfidenceThreshold; it is written nluConfidenceThreshold.",
            id="nluIntentConfidenceThreshold",
        ),
    ],
)
def test_an_api_spelling_fails_the_import_naming_the_format_s_member(
    m: Any, lex: Any, path: str, change: Any, reason: str
) -> None:
    files = _edit(bot_files("PizzaBot", locales={"en_US": pizza_locale()}), path, change)
    done = run_import(m, lex, to_zip(files), bot_spec())
    assert (done["importStatus"], done["failureReasons"]) == ("Failed", [f"{path}: {reason}"])
    assert lex.list_bots()["botSummaries"] == []


# -- the model's constraints, named as the file writes them ---------------------------------
def test_model_constraints_name_the_member_as_the_file_writes_it(m: Any, lex: Any) -> None:
    files = _edit(
        bot_files("PizzaBot", locales={"en_US": pizza_locale()}),
        SIZE_SLOT,
        lambda body: body["valueElicitationSetting"]["promptSpecification"].update(
            messageGroupsList=[message(f"m{i}") for i in range(6)]
        ),
    )
    done = run_import(m, lex, to_zip(files), bot_spec())
    [failure] = done["failureReasons"]
    assert failure.startswith(f"{SIZE_SLOT}: Value '[")
    assert failure.endswith(
        "at 'valueElicitationSetting.promptSpecification.messageGroupsList' failed to satisfy "
        "constraint: Member must have length less than or equal to 5"
    )


def test_a_resolution_strategy_outside_the_format_lists_the_format_s_values(
    m: Any, lex: Any
) -> None:
    files = _edit(
        bot_files("PizzaBot", locales={"en_US": pizza_locale()}),
        CRUST_TYPE,
        lambda body: body["valueSelectionSetting"].update(resolutionStrategy="FIRST"),
    )
    done = run_import(m, lex, to_zip(files), bot_spec())
    assert done["failureReasons"] == [
        f"{CRUST_TYPE}: Value 'FIRST' at 'valueSelectionSetting.resolutionStrategy' failed to "
        "satisfy constraint: Member must satisfy enum value set: [ORIGINAL_VALUE, "
        "TOP_RESOLUTION, CONCATENATION]"
    ]


def test_a_wrongly_typed_is_active_is_named_as_written(m: Any, lex: Any) -> None:
    files = _edit(
        bot_files("PizzaBot", locales={"en_US": pizza_locale()}),
        ORDER,
        lambda body: body["intentClosingSetting"].update(isActive="yes"),
    )
    done = run_import(m, lex, to_zip(files), bot_spec())
    assert done["failureReasons"] == [
        f"{ORDER}: Value 'yes' at 'intentClosingSetting.isActive' failed to satisfy "
        "constraint: Member must be of type boolean"
    ]


def test_a_locale_archive_in_the_format_imports_and_exports_the_same(m: Any, lex: Any) -> None:
    bot_id = run_import(m, lex, to_zip(bot_files()), bot_spec())["importedResourceId"]
    spanish = pizza_locale("en_US")
    spanish["BotLocale.json"]["description"] = "replaced"
    spanish["intents"].append(
        intent(
            "Goodbye",
            ["bye"],
            intentClosingSetting={
                "closingResponse": response("See you."),
                "isActive": True,
                "nextStep": next_step(),
            },
        )
    )
    files = locale_archive_files("en_US", spanish)
    done = run_import(m, lex, to_zip(files), locale_spec(bot_id, "en_US"), "Overwrite")
    assert done["importStatus"] == "Completed", done.get("failureReasons")
    goodbye = described_intent(lex, bot_id, "Goodbye")
    assert goodbye["intentClosingSetting"] == {
        "closingResponse": {
            "messageGroups": [{"message": {"plainTextMessage": {"value": "See you."}}}],
            "allowInterrupt": True,
        },
        "active": True,
        "nextStep": {"dialogAction": {"type": "EndConversation"}},
    }


def test_a_member_misnamed_many_times_gives_a_bounded_list_of_reasons(m: Any, lex: Any) -> None:
    branch = {
        "name": "b",
        "condition": {"expressionString": "{count} > 1"},
        "nextStep": next_step(),
        "response": {"messageGroups": [message("m")]},
    }
    files = _edit(
        bot_files("PizzaBot", locales={"en_US": pizza_locale()}),
        ORDER,
        lambda body: body["intentClosingSetting"]["conditional"].update(
            conditionalBranches=[branch] * 20_000
        ),
    )
    done = run_import(m, lex, to_zip(files), bot_spec())
    reasons = done["failureReasons"]
    assert done["importStatus"] == "Failed"
    assert len(reasons) == 100
    assert reasons[0] == (
        f"{ORDER}: intentClosingSetting.conditional.conditionalBranches.20000.member.response."
        "messageGroups: the LexJson format has no member messageGroups; it is written "
        "messageGroupsList."
    )

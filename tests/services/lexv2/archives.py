"""Lex V2 archives built by the tests, the way Lex lays them out.

Unprotected archives are written with the standard library's ``zipfile``; protected ones
with importmock's ZipCrypto writer, whose output ``test_archives.py`` checks against the
standard library's own decryption.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from importmock.services.lexv2.zip_archives import write_zip

ROLE = "arn:aws:iam::123456789012:role/lex-bot"

# The archives follow the Lex V2 developer guide's "JSON format for importing and exporting
# bots" page and what real exports hold, not the API's request shapes: prompts and
# responses carry ``messageGroupsList``, code hooks and conditionals ``isActive``,
# resolution strategies are ``ORIGINAL_VALUE`` / ``TOP_RESOLUTION``, BotLocale.json names
# its locale ("English (US)") and writes ``nluConfidenceThreshold``, and the draft's
# ``version`` is null.
LOCALE_DISPLAY_NAMES = {
    "en_US": "English (US)",
    "en_GB": "English (UK)",
    "en_AU": "English (Australia)",
    "en_IN": "English (India)",
    "es_ES": "Spanish (Spain)",
    "it_IT": "Italian (Italy)",
    "ja_JP": "Japanese (Japan)",
    "es_US": "Spanish (US)",
    "fr_FR": "French (France)",
    "de_DE": "German (Germany)",
}


def manifest(resource_type: str = "Bot", file_format: str = "LexJson") -> dict[str, Any]:
    return {
        "metadata": {
            "schemaVersion": "1.0",
            "fileFormat": file_format,
            "resourceType": resource_type,
        }
    }


def message(text: str) -> dict[str, Any]:
    """A message group as exports write it: every member present, null when unset."""
    return {
        "message": {
            "plainTextMessage": {"value": text},
            "ssmlMessage": None,
            "customPayload": None,
            "imageResponseCard": None,
        },
        "variations": None,
    }


def prompt(text: str) -> dict[str, Any]:
    return {"messageGroupsList": [message(text)], "maxRetries": 2, "allowInterrupt": True}


def response(text: str) -> dict[str, Any]:
    return {"messageGroupsList": [message(text)], "allowInterrupt": True}


def next_step(action: str = "EndConversation", slot: str | None = None) -> dict[str, Any]:
    return {
        "dialogAction": {"type": action, "slotToElicit": slot, "suppressNextMessage": None},
        "intent": None,
        "sessionAttributes": None,
    }


def slot(name: str, slot_type: str, required: bool = True) -> dict[str, Any]:
    return {
        "name": name,
        "identifier": name.upper()[:10].ljust(10, "X"),
        "description": None,
        "slotTypeName": slot_type,
        "obfuscationSetting": None,
        "valueElicitationSetting": {
            "slotConstraint": "Required" if required else "Optional",
            "promptSpecification": prompt(f"What {name}?"),
            "defaultValueSpecification": None,
            "sampleUtterances": None,
            "waitAndContinueSpecification": None,
        },
        "multipleValuesSetting": None,
    }


def intent(
    name: str, utterances: list[str], slots: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "identifier": name.upper()[:10].ljust(10, "X"),
        "description": f"{name} intent",
        "parentIntentSignature": None,
        "sampleUtterances": [{"utterance": u} for u in utterances],
        "intentConfirmationSetting": None,
        "intentClosingSetting": None,
        "inputContexts": None,
        "outputContexts": None,
        "kendraConfiguration": None,
        "dialogCodeHook": None,
        "fulfillmentCodeHook": None,
    }
    body.update(extra)
    slots = slots or []
    body["slotPriorities"] = [
        {"priority": index, "slotName": s["name"]} for index, s in enumerate(slots, 1)
    ]
    return {"Intent.json": body, "slots": slots}


def slot_type(name: str, values: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "identifier": name.upper()[:10].ljust(10, "X"),
        "description": None,
        "slotTypeValues": [{"sampleValue": {"value": v}, "synonyms": None} for v in values],
        "parentSlotTypeSignature": None,
        "valueSelectionSetting": {"resolutionStrategy": "ORIGINAL_VALUE", "regexFilter": None},
        **extra,
    }


def order_pizza_hooks() -> dict[str, Any]:
    """OrderPizza's code hooks, confirmation and closing with conditional branches, as
    the format writes them (isActive, messageGroupsList)."""
    return {
        "dialogCodeHook": {"enabled": True},
        "fulfillmentCodeHook": {
            "enabled": True,
            "isActive": True,
            "postFulfillmentStatusSpecification": {
                "successResponse": response("Your pizza is on its way."),
                "successNextStep": next_step(),
                "failureResponse": response("Sorry, the order failed."),
                "failureNextStep": next_step(),
                "timeoutResponse": None,
                "timeoutNextStep": next_step(),
            },
            "fulfillmentUpdatesSpecification": {
                "active": True,
                "startResponse": {
                    "delayInSeconds": 3,
                    "messageGroups": [message("Placing your order.")],
                    "allowInterrupt": False,
                },
                "timeoutInSeconds": 60,
            },
        },
        "intentConfirmationSetting": {
            "isActive": True,
            "promptSpecification": prompt("A {size} pizza with {crust} crust, right?"),
            "declinationResponse": response("OK, no pizza."),
        },
        "intentClosingSetting": {
            "isActive": True,
            "closingResponse": response("Thanks for ordering."),
            "nextStep": next_step("EvaluateConditional"),
            "conditional": {
                "isActive": True,
                "conditionalBranches": [
                    {
                        "name": "LargeOrder",
                        "condition": {"expressionString": "{count} > 5"},
                        "nextStep": next_step(),
                        "response": response("That is a big order!"),
                    }
                ],
                "defaultBranch": {"nextStep": next_step(), "response": None},
            },
        },
        "initialResponseSetting": {
            "initialResponse": None,
            "nextStep": next_step("InvokeDialogCodeHook"),
            "conditional": None,
            "codeHook": {
                "isActive": True,
                "enableCodeHookInvocation": True,
                "invocationLabel": "start",
                "postCodeHookSpecification": {
                    "successNextStep": next_step("ElicitSlot", "size"),
                    "failureNextStep": next_step(),
                    "timeoutNextStep": next_step(),
                },
            },
        },
    }


def pizza_locale(locale_id: str = "en_US") -> dict[str, Any]:
    """A locale with four intents (two with slots; one with code hooks, confirmation and a
    closing response with conditional branches), two custom slot types and a vocabulary."""
    return {
        "BotLocale.json": {
            "name": LOCALE_DISPLAY_NAMES[locale_id],
            "identifier": locale_id,
            "version": None,
            "description": "Pizza ordering",
            "voiceSettings": {"voiceId": "Joanna", "engine": "neural"},
            "nluConfidenceThreshold": 0.4,
        },
        "intents": [
            intent(
                "OrderPizza",
                ["I want a pizza", "Order a {size} pizza with {crust} crust"],
                [
                    slot("size", "PizzaSize"),
                    slot("crust", "CrustType"),
                    slot("count", "AMAZON.Number", required=False),
                ],
                **order_pizza_hooks(),
            ),
            intent(
                "CheckStatus",
                ["Where is my order", "Order status {orderId}"],
                [slot("orderId", "AMAZON.AlphaNumeric")],
            ),
            intent("Greeting", ["Hello", "Hi there"]),
            intent("FallbackIntent", [], parentIntentSignature="AMAZON.FallbackIntent"),
        ],
        "slot_types": [
            slot_type("PizzaSize", ["small", "medium", "large"]),
            slot_type(
                "CrustType",
                ["thin", "thick"],
                slotTypeValues=[
                    {"sampleValue": {"value": "thin"}, "synonyms": [{"value": "crispy"}]},
                    {"sampleValue": {"value": "thick"}, "synonyms": [{"value": "deep dish"}]},
                ],
                valueSelectionSetting={"resolutionStrategy": "TOP_RESOLUTION"},
            ),
        ],
        "vocabulary": {
            "customVocabularyItems": [
                {"phrase": "margherita", "weight": 3},
                {"phrase": "quattro formaggi", "displayAs": "Quattro Formaggi"},
            ]
        },
    }


def locale_files(root: str, locale: dict[str, Any]) -> dict[str, Any]:
    files: dict[str, Any] = {f"{root}BotLocale.json": locale["BotLocale.json"]}
    for item in locale.get("intents", []):
        folder = f"{root}Intents/{item['Intent.json']['name']}/"
        files[folder + "Intent.json"] = item["Intent.json"]
        for s in item["slots"]:
            files[f"{folder}Slots/{s['name']}/Slot.json"] = s
    for t in locale.get("slot_types", []):
        files[f"{root}SlotTypes/{t['name']}/SlotType.json"] = t
    if locale.get("vocabulary") is not None:
        files[f"{root}CustomVocabulary/CustomVocabulary.json"] = locale["vocabulary"]
    return files


def bot_files(
    name: str = "PizzaBot", locales: dict[str, Any] | None = None, **bot: Any
) -> dict[str, Any]:
    """The files of a Bot archive: manifest, Bot.json and each locale's subtree."""
    if locales is None:
        locales = {"en_US": pizza_locale("en_US"), "en_GB": pizza_locale("en_GB")}
    files: dict[str, Any] = {
        "manifest.json": manifest("Bot"),
        f"{name}/Bot.json": {
            "name": name,
            "identifier": "PIZZABOT01",
            "version": None,
            "description": f"{name} from an archive",
            "dataPrivacy": {"childDirected": False},
            "idleSessionTTLInSeconds": 600,
            **bot,
        },
    }
    for locale_id, locale in locales.items():
        files.update(locale_files(f"{name}/BotLocales/{locale_id}/", locale))
    return files


def locale_archive_files(
    locale_id: str = "en_US", locale: dict[str, Any] | None = None, bot_name: str = "PizzaBot"
) -> dict[str, Any]:
    files: dict[str, Any] = {"manifest.json": manifest("BotLocale")}
    files.update(locale_files(f"{bot_name}/BotLocales/{locale_id}/", locale or pizza_locale()))
    return files


def vocabulary_tsv(*rows: str, header: str = "phrase\tweight\tdisplayAs") -> dict[str, Any]:
    return {
        "manifest.json": manifest("CustomVocabulary", "TSV"),
        "PizzaBot/BotLocales/en_US/CustomVocabulary/CustomVocabulary.tsv": "\n".join(
            [header, *rows]
        )
        + "\n",
    }


def to_zip(files: dict[str, Any], password: str | None = None) -> bytes:
    """A zip of ``files``: dicts become JSON, str becomes UTF-8, bytes stay as they are."""
    encoded = {
        name: json.dumps(body).encode()
        if isinstance(body, dict)
        else body.encode()
        if isinstance(body, str)
        else body
        for name, body in files.items()
    }
    if password is not None:
        return write_zip(encoded, password)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in encoded.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def unzip(body: bytes, password: str | None = None) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        if password is not None:
            archive.setpassword(password.encode())
        return {name: archive.read(name) for name in archive.namelist()}

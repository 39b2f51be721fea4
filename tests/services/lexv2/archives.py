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


def manifest(resource_type: str = "Bot", file_format: str = "LexJson") -> dict[str, Any]:
    return {
        "metadata": {
            "schemaVersion": "1",
            "fileFormat": file_format,
            "resourceType": resource_type,
        }
    }


def prompt(text: str) -> dict[str, Any]:
    return {
        "messageGroups": [{"message": {"plainTextMessage": {"value": text}}}],
        "maxRetries": 2,
        "allowInterrupt": True,
    }


def slot(name: str, slot_type: str, required: bool = True) -> dict[str, Any]:
    return {
        "name": name,
        "identifier": name.upper()[:10].ljust(10, "X"),
        "slotTypeName": slot_type,
        "valueElicitationSetting": {
            "slotConstraint": "Required" if required else "Optional",
            "promptSpecification": prompt(f"What {name}?"),
        },
    }


def intent(
    name: str, utterances: list[str], slots: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    body = {
        "name": name,
        "identifier": name.upper()[:10].ljust(10, "X"),
        "description": f"{name} intent",
        "sampleUtterances": [{"utterance": u} for u in utterances],
    }
    body.update(extra)
    slots = slots or []
    if slots:
        body["slotPriorities"] = [
            {"priority": index, "slotName": s["name"]} for index, s in enumerate(slots, 1)
        ]
    return {"Intent.json": body, "slots": slots}


def slot_type(name: str, values: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "identifier": name.upper()[:10].ljust(10, "X"),
        "slotTypeValues": [{"sampleValue": {"value": v}} for v in values],
        "valueSelectionSetting": {"resolutionStrategy": "OriginalValue"},
        **extra,
    }


def pizza_locale(locale_id: str = "en_US") -> dict[str, Any]:
    """A locale with three intents (two with slots), two slot types and a vocabulary."""
    return {
        "BotLocale.json": {
            "name": locale_id,
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
            slot_type("CrustType", ["thin", "thick"]),
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
            "version": "DRAFT",
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

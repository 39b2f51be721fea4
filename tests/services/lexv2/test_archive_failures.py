"""Every way an archive can be bad: the import ends Failed, its failureReasons name the file
and the problem, and nothing changes."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import botocore.session
import pytest

from tests.services.lexv2.archives import (
    bot_files,
    intent,
    locale_archive_files,
    manifest,
    pizza_locale,
    slot,
    to_zip,
    vocabulary_tsv,
)
from tests.services.lexv2.conftest import (
    bot_spec,
    create_bot,
    import_bot,
    intents_by_name,
    locale_spec,
    run_import,
    vocabulary_spec,
)

LOCALE = "PizzaBot/BotLocales/en_US"
DESCRIPTION_MAX = (
    botocore.session.get_session()
    .get_service_model("lexv2-models")
    .shape_for("Description")
    .metadata["max"]
)


def failed_bot_import(m: Any, lex: Any, body: bytes | None, **extra: Any) -> list[str]:
    """Import ``body`` as a new bot; assert it failed and created nothing; its reasons."""
    done = run_import(m, lex, body, bot_spec("Imported"), **extra)
    assert done["importStatus"] == "Failed"
    assert "importedResourceId" not in done
    assert lex.list_bots()["botSummaries"] == []
    return list(done["failureReasons"])


def test_a_file_that_is_not_a_zip(m: Any, lex: Any) -> None:
    assert failed_bot_import(m, lex, b"PK\x03\x04 not really") == [
        "The uploaded file is not a valid .zip archive."
    ]


def test_nothing_uploaded(m: Any, lex: Any) -> None:
    assert failed_bot_import(m, lex, None) == [
        "No file was uploaded to the upload URL of this import."
    ]


def test_a_protected_archive_without_a_password(m: Any, lex: Any) -> None:
    assert failed_bot_import(m, lex, to_zip(bot_files(), password="right")) == [
        "The archive is password protected; give its password in filePassword."
    ]


def test_a_protected_archive_with_the_wrong_password(m: Any, lex: Any) -> None:
    body = to_zip(bot_files(), password="right")
    assert failed_bot_import(m, lex, body, filePassword="wrong") == [
        "The password in filePassword does not open the archive."
    ]


def test_a_missing_manifest(m: Any, lex: Any) -> None:
    files = bot_files()
    del files["manifest.json"]
    assert failed_bot_import(m, lex, to_zip(files)) == [
        "manifest.json: the archive has no manifest.json at its root."
    ]


def test_a_manifest_for_another_kind_of_import(m: Any, lex: Any) -> None:
    files = {**bot_files(), "manifest.json": manifest("BotLocale")}
    assert failed_bot_import(m, lex, to_zip(files)) == [
        "manifest.json: the archive holds a BotLocale but this is a Bot import."
    ]


def test_a_bot_archive_in_a_locale_import(m: Any, lex: Any) -> None:
    bot_id = create_bot(lex)
    done = run_import(m, lex, to_zip(bot_files()), locale_spec(bot_id), "Overwrite")
    assert done["failureReasons"] == [
        "manifest.json: the archive holds a Bot but this is a BotLocale import."
    ]
    assert lex.list_bot_locales(botId=bot_id, botVersion="DRAFT")["botLocaleSummaries"] == []


def test_a_manifest_without_metadata(m: Any, lex: Any) -> None:
    files = {**bot_files(), "manifest.json": {"schemaVersion": "1"}}
    assert failed_bot_import(m, lex, to_zip(files)) == [
        "manifest.json: the manifest has no metadata object."
    ]


def test_broken_json_names_the_file(m: Any, lex: Any) -> None:
    files = bot_files()
    files[f"{LOCALE}/Intents/Greeting/Intent.json"] = '{"name": "Greeting",'
    assert failed_bot_import(m, lex, to_zip(files)) == [
        f"{LOCALE}/Intents/Greeting/Intent.json: the file is not valid JSON: "
        "Expecting property name enclosed in double quotes: line 1 column 21 (char 20)."
    ]


def test_a_file_that_is_not_utf8(m: Any, lex: Any) -> None:
    files = bot_files()
    files["PizzaBot/Bot.json"] = b'{"name": "Pizza\xff"}'
    assert failed_bot_import(m, lex, to_zip(files)) == [
        "PizzaBot/Bot.json: the file is not UTF-8 text."
    ]


def test_a_bot_archive_needs_exactly_one_bot_json(m: Any, lex: Any) -> None:
    files = bot_files()
    files["Other/Bot.json"] = files["PizzaBot/Bot.json"]
    assert failed_bot_import(m, lex, to_zip(files)) == [
        "Bot.json: a bot archive needs exactly one <BotName>/Bot.json; found "
        "Other/Bot.json, PizzaBot/Bot.json."
    ]


def test_a_slot_naming_an_unknown_slot_type(m: Any, lex: Any) -> None:
    locale = pizza_locale()
    locale["intents"] = [intent("Order", ["order {topping}"], [slot("topping", "Topping")])]
    reasons = failed_bot_import(m, lex, to_zip(bot_files(locales={"en_US": locale})))
    assert reasons == [
        f"{LOCALE}/Intents/Order/Slots/topping/Slot.json: the slot type 'Topping' is neither "
        "a slot type of this locale in the archive nor a built-in AMAZON.* type."
    ]


def test_slot_priorities_naming_an_unknown_slot(m: Any, lex: Any) -> None:
    locale = pizza_locale()
    order = intent("Order", ["order {size}"], [slot("size", "PizzaSize")])
    order["Intent.json"]["slotPriorities"].append({"priority": 2, "slotName": "crust"})
    locale["intents"] = [order]
    reasons = failed_bot_import(m, lex, to_zip(bot_files(locales={"en_US": locale})))
    assert reasons == [
        f"{LOCALE}/Intents/Order/Intent.json: slotPriorities.2 names the slot 'crust', which "
        "the intent does not have."
    ]


def test_model_constraints_apply_to_archive_files(m: Any, lex: Any) -> None:
    locale = pizza_locale()
    bad_slot = slot("size", "PizzaSize")
    del bad_slot["valueElicitationSetting"]
    limit = DESCRIPTION_MAX  # 2000 in current models, 200 in older ones
    long_text = "x" * (limit + 1)
    locale["intents"] = [intent("Order", ["order"], [bad_slot], description=long_text)]
    reasons = failed_bot_import(m, lex, to_zip(bot_files(locales={"en_US": locale})))
    assert reasons == [
        f"{LOCALE}/Intents/Order/Intent.json: Value '{long_text}' at 'description' failed to "
        f"satisfy constraint: Member must have length less than or equal to {limit}",
        f"{LOCALE}/Intents/Order/Slots/size/Slot.json: Value null at 'valueElicitationSetting' "
        "failed to satisfy constraint: Member must not be null",
    ]


def test_an_invalid_intent_name(m: Any, lex: Any) -> None:
    locale = pizza_locale()
    locale["intents"] = [intent("Order pizza", ["order"])]
    reasons = failed_bot_import(m, lex, to_zip(bot_files(locales={"en_US": locale})))
    assert reasons == [
        f"{LOCALE}/Intents/Order pizza/Intent.json: the intent name 'Order pizza' is not "
        "valid: 1 to 100 letters, digits, '_' and '-', starting with a letter or digit."
    ]


def test_duplicate_intent_names(m: Any, lex: Any) -> None:
    files = bot_files(locales={"en_US": pizza_locale()})
    files[f"{LOCALE}/Intents/Greeting2/Intent.json"] = files[
        f"{LOCALE}/Intents/Greeting/Intent.json"
    ]
    assert failed_bot_import(m, lex, to_zip(files)) == [
        f"{LOCALE}/Intents/Greeting2/Intent.json: the intent name Greeting is used twice."
    ]


def test_every_problem_is_reported_at_once(m: Any, lex: Any) -> None:
    files = bot_files()
    files["PizzaBot/Bot.json"] = {"name": "PizzaBot", "idleSessionTTLInSeconds": 10}
    files[f"{LOCALE}/Intents/Greeting/Intent.json"] = "[]"
    reasons = failed_bot_import(m, lex, to_zip(files))
    assert reasons == [
        "PizzaBot/Bot.json: Value '10' at 'idleSessionTTLInSeconds' failed to satisfy "
        "constraint: Member must have value greater than or equal to 60",
        f"{LOCALE}/Intents/Greeting/Intent.json: the file must hold a JSON object.",
    ]


def test_more_intents_than_a_locale_may_have(m: Any, lex: Any) -> None:
    locale = {**pizza_locale("fr_FR"), "slot_types": [], "vocabulary": None}
    locale["intents"] = [intent(f"Intent{n}", [f"say {n}"]) for n in range(251)]
    reasons = failed_bot_import(m, lex, to_zip(bot_files(locales={"fr_FR": locale})))
    assert reasons == [
        "PizzaBot/BotLocales/fr_FR/BotLocale.json: the locale has 251 intents; a fr_FR "
        "locale may have at most 250."
    ]


def test_more_slots_than_an_intent_may_have(m: Any, lex: Any) -> None:
    locale = {**pizza_locale(), "slot_types": [], "vocabulary": None}
    locale["intents"] = [
        intent("Big", ["big"], [slot(f"s{n}", "AMAZON.Number") for n in range(101)])
    ]
    reasons = failed_bot_import(m, lex, to_zip(bot_files(locales={"en_US": locale})))
    assert reasons == [
        f"{LOCALE}/Intents/Big/Intent.json: the intent has 101 slots; an intent may have "
        "at most 100."
    ]


@pytest.mark.parametrize("name", ["../escape.json", "/etc/passwd", "PizzaBot/../../x.json"])
def test_paths_that_leave_the_archive_are_refused(m: Any, lex: Any, name: str) -> None:
    files = {**bot_files(), name: {"x": 1}}
    assert failed_bot_import(m, lex, to_zip(files)) == [
        f"{name}: the archive path is not allowed (absolute or with '..')."
    ]


def _inflate_declared_size(body: bytes, size: int) -> bytes:
    """The archive with every entry's declared uncompressed size set to ``size``."""
    data = bytearray(body)
    position = data.find(b"PK\x01\x02")
    while position != -1:
        struct.pack_into("<I", data, position + 24, size)
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def test_an_archive_declaring_a_huge_expansion_is_refused_unexpanded(m: Any, lex: Any) -> None:
    body = _inflate_declared_size(to_zip({"manifest.json": manifest("Bot")}), 2**31)
    assert zipfile.ZipFile(io.BytesIO(body)).infolist()[0].file_size == 2**31
    assert failed_bot_import(m, lex, body) == [
        f"The archive expands to {2**31} bytes; the limit is {256 * 1024 * 1024} bytes."
    ]


def test_a_failed_locale_import_leaves_the_locale_as_it_was(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    before = intents_by_name(lex, bot_id)
    files = locale_archive_files()
    files[f"{LOCALE}/Intents/Greeting/Intent.json"] = "{"

    done = run_import(m, lex, to_zip(files), locale_spec(bot_id), "Overwrite")

    assert done["importStatus"] == "Failed"
    assert intents_by_name(lex, bot_id) == before


@pytest.mark.parametrize(
    ("rows", "header", "reasons"),
    [
        (
            ["pizza\t7\t"],
            "phrase\tweight\tdisplayAs",
            ["line 2: the weight '7' is not an integer from 0 to 3."],
        ),
        (
            ["pizza\t1\t", "Pizza\t2\t"],
            "phrase\tweight\tdisplayAs",
            ["line 3: the phrase 'Pizza' appears more than once."],
        ),
        (["\t1\tx"], "phrase\tweight\tdisplayAs", ["line 2: the phrase is empty."]),
        (
            ["pizza"],
            "word",
            ["the header row ['word'] has no phrase column (columns: phrase, weight, displayAs)."],
        ),
        ([], "phrase", ["the vocabulary has no phrases."]),
    ],
)
def test_bad_vocabulary_files(
    m: Any, lex: Any, rows: list[str], header: str, reasons: list[str]
) -> None:
    bot_id = create_bot(lex)
    lex.create_bot_locale(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", nluIntentConfidenceThreshold=0.4
    )
    files = vocabulary_tsv(*rows, header=header)
    path = next(name for name in files if name.endswith(".tsv"))

    done = run_import(m, lex, to_zip(files), vocabulary_spec(bot_id), "Overwrite")

    assert done["failureReasons"] == [f"{path}: {reason}" for reason in reasons]
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.describe_custom_vocabulary_metadata(botId=bot_id, botVersion="DRAFT", localeId="en_US")


def test_more_than_500_phrases(m: Any, lex: Any) -> None:
    bot_id = create_bot(lex)
    lex.create_bot_locale(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", nluIntentConfidenceThreshold=0.4
    )
    files = vocabulary_tsv(*(f"phrase {n}\t1\t" for n in range(501)))
    path = next(name for name in files if name.endswith(".tsv"))

    done = run_import(m, lex, to_zip(files), vocabulary_spec(bot_id), "Overwrite")

    assert done["failureReasons"] == [
        f"{path}: the vocabulary has 501 phrases; a custom vocabulary may have at most 500."
    ]

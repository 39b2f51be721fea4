"""Lex V2 imports: the upload URL, StartImport's checks, DescribeImport, what a completed
bot, locale or vocabulary import creates, and the merge strategies."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import botocore.config
import pytest
import requests
from freezegun import freeze_time

from importmock import mock_imports
from tests.helpers import error_of
from tests.services.lexv2.archives import (
    ROLE,
    bot_files,
    intent,
    locale_archive_files,
    pizza_locale,
    slot_type,
    to_zip,
    vocabulary_tsv,
)
from tests.services.lexv2.conftest import (
    LEX_ID,
    bot_spec,
    create_bot,
    describe,
    import_bot,
    intents_by_name,
    locale_spec,
    run_import,
    session_client,
    start,
    upload,
    vocabulary_spec,
)


# -- the upload URL ---------------------------------------------------------------------
def test_create_upload_url_gives_a_10_character_id_and_an_https_put_url(lex: Any) -> None:
    created = lex.create_upload_url()

    assert re.fullmatch(r"[0-9A-Za-z]{10}", created["importId"])
    assert created["uploadUrl"].startswith("https://")
    assert "X-Amz-Expires=300" in created["uploadUrl"]
    assert requests.put(created["uploadUrl"], data=b"zip").status_code == 200


def test_the_upload_url_expires_after_five_minutes_on_the_clock() -> None:
    with freeze_time("2026-03-01 12:00:00") as frozen, mock_imports():
        lex = session_client()
        late = lex.create_upload_url()
        on_time = lex.create_upload_url()
        frozen.tick(timedelta(seconds=300))
        assert requests.put(on_time["uploadUrl"], data=b"zip").status_code == 200
        frozen.tick(timedelta(seconds=1))
        refused = requests.put(late["uploadUrl"], data=b"zip")
        assert refused.status_code == 403
        assert "<Message>Request has expired</Message>" in refused.text


# -- StartImport's checks -----------------------------------------------------------------
def test_start_import_answers_202_in_progress_with_the_request_echoed(lex: Any) -> None:
    import_id = upload(lex, to_zip(bot_files()))

    response = lex.start_import(
        importId=import_id, resourceSpecification=bot_spec(), mergeStrategy="FailOnConflict"
    )

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert response["importId"] == import_id
    assert response["resourceSpecification"] == bot_spec()
    assert response["mergeStrategy"] == "FailOnConflict"
    assert response["importStatus"] == "InProgress"
    assert response["creationDateTime"].tzinfo is not None


def test_an_import_id_not_from_create_upload_url_is_not_found(lex: Any) -> None:
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as raised:
        lex.start_import(
            importId="ABCDE12345", resourceSpecification=bot_spec(), mergeStrategy="Overwrite"
        )
    assert error_of(raised.value) == (
        "ResourceNotFoundException",
        "The import ABCDE12345 does not exist; get an importId from CreateUploadUrl.",
        404,
    )


def test_starting_the_same_import_twice_is_a_conflict(lex: Any) -> None:
    import_id = upload(lex, to_zip(bot_files()))
    lex.start_import(
        importId=import_id, resourceSpecification=bot_spec(), mergeStrategy="Overwrite"
    )

    with pytest.raises(lex.exceptions.ConflictException) as raised:
        lex.start_import(
            importId=import_id, resourceSpecification=bot_spec(), mergeStrategy="Overwrite"
        )
    assert error_of(raised.value) == (
        "ConflictException",
        f"The import {import_id} has already been started.",
        409,
    )


@pytest.mark.parametrize("members", [0, 2])
def test_the_specification_must_set_exactly_one_member(lex: Any, members: int) -> None:
    import_id = upload(lex, to_zip(bot_files()))
    spec: dict[str, Any] = {}
    if members == 2:
        spec = {**bot_spec(), **vocabulary_spec("ABCDE12345")}

    with pytest.raises(lex.exceptions.ValidationException) as raised:
        lex.start_import(importId=import_id, resourceSpecification=spec, mergeStrategy="Overwrite")
    assert error_of(raised.value) == (
        "ValidationException",
        "resourceSpecification must set exactly one of botImportSpecification, "
        "botLocaleImportSpecification, customVocabularyImportSpecification, "
        f"testSetImportResourceSpecification; it sets {members}.",
        400,
    )


@pytest.mark.parametrize(
    ("spec", "kind"),
    [
        (bot_spec(), "Bot"),
        (vocabulary_spec("ABCDE12345"), "CustomVocabulary"),
    ],
)
def test_append_is_only_for_bot_locales(lex: Any, spec: dict[str, Any], kind: str) -> None:
    import_id = upload(lex, to_zip(bot_files()))

    with pytest.raises(lex.exceptions.ValidationException) as raised:
        lex.start_import(importId=import_id, resourceSpecification=spec, mergeStrategy="Append")
    assert error_of(raised.value)[1] == (
        f"The merge strategy Append is only for bot locale imports; this is a {kind} import. "
        "Use Overwrite or FailOnConflict."
    )
    # The refused request did not use the import id up.
    lex.start_import(
        importId=import_id, resourceSpecification=bot_spec(), mergeStrategy="Overwrite"
    )


def test_a_locale_import_needs_an_existing_bot(lex: Any) -> None:
    import_id = upload(lex, to_zip(locale_archive_files()))

    with pytest.raises(lex.exceptions.ResourceNotFoundException) as raised:
        lex.start_import(
            importId=import_id,
            resourceSpecification=locale_spec("NOSUCHBOT1"),
            mergeStrategy="Overwrite",
        )
    assert error_of(raised.value) == (
        "ResourceNotFoundException",
        "Bot NOSUCHBOT1 does not exist.",
        404,
    )


def test_a_locale_import_needs_the_draft_version(lex: Any) -> None:
    """The model only allows DRAFT, so another version is refused by validation."""
    bot_id = create_bot(lex)
    import_id = upload(lex, to_zip(locale_archive_files()))
    spec = locale_spec(bot_id)
    spec["botLocaleImportSpecification"]["botVersion"] = "1"
    client = session_client(config=botocore.config.Config(parameter_validation=False))

    with pytest.raises(client.exceptions.ValidationException) as raised:
        client.start_import(
            importId=import_id, resourceSpecification=spec, mergeStrategy="Overwrite"
        )
    assert (
        "at 'resourceSpecification.botLocaleImportSpecification.botVersion'"
        in (error_of(raised.value)[1])
    )


def test_a_vocabulary_import_needs_the_locale(lex: Any) -> None:
    bot_id = create_bot(lex)
    import_id = upload(lex, to_zip(vocabulary_tsv("pizza\t2\t")))

    with pytest.raises(lex.exceptions.ResourceNotFoundException) as raised:
        lex.start_import(
            importId=import_id,
            resourceSpecification=vocabulary_spec(bot_id, "en_US"),
            mergeStrategy="Overwrite",
        )
    assert error_of(raised.value) == (
        "ResourceNotFoundException",
        f"Bot {bot_id} version DRAFT has no locale en_US.",
        404,
    )


def test_a_locale_import_into_an_unsupported_locale_is_refused(lex: Any) -> None:
    bot_id = create_bot(lex)
    import_id = upload(lex, to_zip(locale_archive_files()))

    with pytest.raises(lex.exceptions.ValidationException) as raised:
        lex.start_import(
            importId=import_id,
            resourceSpecification=locale_spec(bot_id, "xx_XX"),
            mergeStrategy="Overwrite",
        )
    assert error_of(raised.value)[1] == "The locale xx_XX is not supported."


# -- what a bot import creates --------------------------------------------------------------
def test_a_bot_import_creates_the_bot_with_its_locales_intents_and_slot_types(
    m: Any, lex: Any
) -> None:
    done = run_import(m, lex, to_zip(bot_files()), bot_spec("Pizzeria"))

    assert done["importStatus"] == "Completed"
    assert re.fullmatch(LEX_ID, done["importedResourceId"])
    assert done["importedResourceName"] == "Pizzeria"
    assert "failureReasons" not in done
    bot_id = done["importedResourceId"]
    bot = lex.describe_bot(botId=bot_id)
    assert (bot["botName"], bot["botStatus"], bot["roleArn"]) == ("Pizzeria", "Available", ROLE)
    assert bot["description"] == "PizzaBot from an archive"
    locales = lex.list_bot_locales(botId=bot_id, botVersion="DRAFT")["botLocaleSummaries"]
    assert [(s["localeId"], s["botLocaleStatus"]) for s in locales] == [
        ("en_GB", "NotBuilt"),
        ("en_US", "NotBuilt"),
    ]
    assert sorted(intents_by_name(lex, bot_id)) == [
        "CheckStatus",
        "FallbackIntent",
        "Greeting",
        "OrderPizza",
    ]
    assert intents_by_name(lex, bot_id)["FallbackIntent"] == "FALLBCKINT"
    types = lex.list_slot_types(botId=bot_id, botVersion="DRAFT", localeId="en_GB")
    assert sorted(t["slotTypeName"] for t in types["slotTypeSummaries"]) == [
        "CrustType",
        "PizzaSize",
    ]
    locale = lex.describe_bot_locale(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    assert (locale["intentsCount"], locale["slotTypesCount"]) == (4, 2)
    assert locale["voiceSettings"] == {"voiceId": "Joanna", "engine": "neural"}
    assert locale["nluIntentConfidenceThreshold"] == 0.4


def test_the_specification_wins_over_the_archive(m: Any, lex: Any) -> None:
    spec = bot_spec(
        "Pizzeria",
        idleSessionTTLInSeconds=900,
        dataPrivacy={"childDirected": True},
        botTags={"team": "orders"},
    )
    files = bot_files(idleSessionTTLInSeconds=600, dataPrivacy={"childDirected": False})

    bot_id = run_import(m, lex, to_zip(files), spec)["importedResourceId"]

    bot = lex.describe_bot(botId=bot_id)
    assert bot["idleSessionTTLInSeconds"] == 900
    assert bot["dataPrivacy"] == {"childDirected": True}
    assert bot["roleArn"] == ROLE
    arn = f"arn:aws:lex:us-east-1:123456789012:bot/{bot_id}"
    assert lex.list_tags_for_resource(resourceARN=arn)["tags"] == {"team": "orders"}


def test_the_archive_idle_ttl_applies_when_the_specification_has_none(m: Any, lex: Any) -> None:
    bot_id = run_import(m, lex, to_zip(bot_files(idleSessionTTLInSeconds=1200)), bot_spec())[
        "importedResourceId"
    ]
    assert lex.describe_bot(botId=bot_id)["idleSessionTTLInSeconds"] == 1200


def test_a_protected_archive_opens_with_its_password(m: Any, lex: Any) -> None:
    done = run_import(
        m, lex, to_zip(bot_files(), password="s3cret!"), bot_spec(), filePassword="s3cret!"
    )

    assert done["importStatus"] == "Completed"
    assert len(intents_by_name(lex, done["importedResourceId"], "en_GB")) == 4


def test_manifest_name_keys_and_resource_type_are_matched_case_insensitively(
    m: Any, lex: Any
) -> None:
    files = bot_files()
    del files["manifest.json"]
    files["Manifest.json"] = {
        "metaData": {"schemaVersion": "1", "fileFormat": "LexJson", "resourceType": "BOT"}
    }

    assert run_import(m, lex, to_zip(files), bot_spec())["importStatus"] == "Completed"


@pytest.mark.importmock(progression="reads")
def test_effects_appear_only_when_the_import_completes(lex: Any) -> None:
    started = start(lex, to_zip(bot_files()), bot_spec())

    assert started["importStatus"] == "InProgress"
    assert lex.list_bots()["botSummaries"] == []  # listing bots does not move the import
    done = describe(lex, started["importId"])  # the read that moves it to Completed
    assert done["importStatus"] == "Completed"
    assert [b["botName"] for b in lex.list_bots()["botSummaries"]] == ["PizzaBot"]
    assert done["lastUpdatedDateTime"] >= done["creationDateTime"]


@pytest.mark.importmock(progression="manual")
def test_an_import_in_progress_has_no_imported_resource_id_yet(m: Any, lex: Any) -> None:
    import_id = start(lex, to_zip(bot_files()), bot_spec("Pizzeria"))["importId"]

    running = describe(lex, import_id)
    assert running["importStatus"] == "InProgress"
    assert running["importedResourceName"] == "Pizzeria"
    assert "importedResourceId" not in running
    assert "failureReasons" not in running
    m.settle()
    assert (
        describe(lex, import_id)["importedResourceId"]
        == lex.list_bots()["botSummaries"][0]["botId"]
    )


# -- locale and vocabulary imports -------------------------------------------------------------
def test_a_locale_import_adds_a_locale_to_a_bot(m: Any, lex: Any) -> None:
    bot_id = create_bot(lex)

    done = run_import(
        m,
        lex,
        to_zip(locale_archive_files("en_US")),
        locale_spec(bot_id, "fr_FR", nluIntentConfidenceThreshold=0.7),
    )

    assert done["importStatus"] == "Completed"
    assert (done["importedResourceId"], done["importedResourceName"]) == ("fr_FR", "fr_FR")
    locale = lex.describe_bot_locale(botId=bot_id, botVersion="DRAFT", localeId="fr_FR")
    assert locale["botLocaleStatus"] == "NotBuilt"
    assert locale["nluIntentConfidenceThreshold"] == 0.7
    assert locale["localeName"] == "French (France)"
    assert sorted(intents_by_name(lex, bot_id, "fr_FR")) == [
        "CheckStatus",
        "FallbackIntent",
        "Greeting",
        "OrderPizza",
    ]


def test_a_vocabulary_import_sets_the_locale_vocabulary(m: Any, lex: Any) -> None:
    bot_id = create_bot(lex)
    lex.create_bot_locale(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", nluIntentConfidenceThreshold=0.4
    )
    tsv = vocabulary_tsv("pepperoni\t2\t", "quattro stagioni\t\tQuattro Stagioni", "calzone\t0\t")

    done = run_import(m, lex, to_zip(tsv), vocabulary_spec(bot_id), "Overwrite")

    assert done["importStatus"] == "Completed"
    assert done["importedResourceId"] == "en_US"
    items = lex.list_custom_vocabulary_items(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    assert [
        (i["phrase"], i["weight"], i.get("displayAs")) for i in items["customVocabularyItems"]
    ] == [("pepperoni", 2, None), ("quattro stagioni", 1, "Quattro Stagioni"), ("calzone", 0, None)]


def test_vocabulary_columns_may_come_in_any_order(m: Any, lex: Any) -> None:
    bot_id = create_bot(lex)
    lex.create_bot_locale(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", nluIntentConfidenceThreshold=0.4
    )
    tsv = vocabulary_tsv("Pepperoni!\tpepperoni\t3", header="displayAs\tphrase\tweight")

    run_import(m, lex, to_zip(tsv), vocabulary_spec(bot_id), "Overwrite")

    items = lex.list_custom_vocabulary_items(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    assert [(i["phrase"], i["weight"], i["displayAs"]) for i in items["customVocabularyItems"]] == [
        ("pepperoni", 3, "Pepperoni!")
    ]


# -- merge strategies ---------------------------------------------------------------------------
def test_fail_on_conflict_fails_when_the_bot_name_exists(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex, "PizzaBot")
    before = lex.describe_bot(botId=bot_id)

    done = run_import(m, lex, to_zip(bot_files(description="changed")), bot_spec("PizzaBot"))

    assert done["importStatus"] == "Failed"
    assert done["failureReasons"] == [
        f"A bot named PizzaBot already exists (bot {bot_id}); with the merge strategy "
        "FailOnConflict nothing was imported."
    ]
    assert "importedResourceId" not in done
    assert lex.describe_bot(botId=bot_id)["description"] == before["description"]
    assert len(lex.list_bots()["botSummaries"]) == 1


def test_overwrite_replaces_the_draft_and_keeps_the_bot_id(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex, "PizzaBot")
    greeting_id = intents_by_name(lex, bot_id)["Greeting"]
    smaller = {
        "en_US": {
            **pizza_locale(),
            "intents": [intent("Greeting", ["Hey"]), intent("Goodbye", ["Bye"])],
            "slot_types": [],
            "vocabulary": None,
        }
    }

    done = run_import(
        m,
        lex,
        to_zip(bot_files(locales=smaller, description="v2")),
        bot_spec("PizzaBot"),
        "Overwrite",
    )

    assert done["importStatus"] == "Completed"
    assert done["importedResourceId"] == bot_id
    assert lex.describe_bot(botId=bot_id)["description"] == "v2"
    locales = lex.list_bot_locales(botId=bot_id, botVersion="DRAFT")["botLocaleSummaries"]
    assert [s["localeId"] for s in locales] == ["en_US"]
    intents = intents_by_name(lex, bot_id)
    assert sorted(intents) == ["FallbackIntent", "Goodbye", "Greeting"]
    assert intents["Greeting"] == greeting_id  # same name, same id
    utterances = lex.describe_intent(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", intentId=greeting_id
    )["sampleUtterances"]
    assert utterances == [{"utterance": "Hey"}]
    assert len(lex.list_bots()["botSummaries"]) == 1


def test_locale_fail_on_conflict_fails_when_the_locale_exists(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)

    done = run_import(m, lex, to_zip(locale_archive_files()), locale_spec(bot_id, "en_US"))

    assert done["importStatus"] == "Failed"
    assert done["failureReasons"] == [
        f"Bot {bot_id} already has the locale en_US; with the merge strategy FailOnConflict "
        "nothing was imported."
    ]


def test_locale_overwrite_replaces_the_locale(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    replacement = {
        **pizza_locale(),
        "intents": [intent("Greeting", ["Good morning"])],
        "slot_types": [slot_type("Topping", ["ham"])],
        "vocabulary": None,
    }

    done = run_import(
        m, lex, to_zip(locale_archive_files("en_US", replacement)), locale_spec(bot_id), "Overwrite"
    )

    assert done["importStatus"] == "Completed"
    assert sorted(intents_by_name(lex, bot_id)) == ["FallbackIntent", "Greeting"]
    types = lex.list_slot_types(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    assert [t["slotTypeName"] for t in types["slotTypeSummaries"]] == ["Topping"]
    # The other locale is untouched.
    assert len(intents_by_name(lex, bot_id, "en_GB")) == 4


def test_locale_append_adds_what_the_locale_lacks_and_keeps_the_rest(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)
    before = intents_by_name(lex, bot_id)
    extra = {
        **pizza_locale(),
        "intents": [intent("Greeting", ["Changed"]), intent("Goodbye", ["Bye"])],
        "slot_types": [slot_type("PizzaSize", ["huge"]), slot_type("Topping", ["ham"])],
        "vocabulary": None,
    }

    done = run_import(
        m, lex, to_zip(locale_archive_files("en_US", extra)), locale_spec(bot_id), "Append"
    )

    assert done["importStatus"] == "Completed"
    after = intents_by_name(lex, bot_id)
    assert sorted(after) == ["CheckStatus", "FallbackIntent", "Goodbye", "Greeting", "OrderPizza"]
    assert {name: after[name] for name in before} == before
    greeting = lex.describe_intent(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", intentId=after["Greeting"]
    )
    assert greeting["sampleUtterances"] == [{"utterance": "Hello"}, {"utterance": "Hi there"}]
    types = lex.list_slot_types(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    assert sorted(t["slotTypeName"] for t in types["slotTypeSummaries"]) == [
        "CrustType",
        "PizzaSize",
        "Topping",
    ]
    size_id = next(
        t["slotTypeId"] for t in types["slotTypeSummaries"] if t["slotTypeName"] == "PizzaSize"
    )
    values = lex.describe_slot_type(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", slotTypeId=size_id
    )["slotTypeValues"]
    assert [v["sampleValue"]["value"] for v in values] == ["small", "medium", "large"]


def test_vocabulary_fail_on_conflict_and_overwrite(m: Any, lex: Any) -> None:
    bot_id = import_bot(m, lex)  # the pizza locales come with a vocabulary

    failed = run_import(m, lex, to_zip(vocabulary_tsv("calzone\t1\t")), vocabulary_spec(bot_id))
    replaced = run_import(
        m, lex, to_zip(vocabulary_tsv("calzone\t1\t")), vocabulary_spec(bot_id), "Overwrite"
    )

    assert failed["failureReasons"] == [
        f"Locale en_US of bot {bot_id} already has a custom vocabulary; with the merge "
        "strategy FailOnConflict nothing was imported."
    ]
    assert replaced["importStatus"] == "Completed"
    items = lex.list_custom_vocabulary_items(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    assert [i["phrase"] for i in items["customVocabularyItems"]] == ["calzone"]


@pytest.mark.importmock(progression="manual")
def test_a_locale_import_fails_if_the_bot_is_deleted_before_it_completes(m: Any, lex: Any) -> None:
    bot_id = create_bot(lex)
    m.settle()
    import_id = start(lex, to_zip(locale_archive_files()), locale_spec(bot_id))["importId"]
    lex.delete_bot(botId=bot_id)
    m.settle()

    done = describe(lex, import_id)
    assert done["importStatus"] == "Failed"
    assert done["failureReasons"] == [f"Bot {bot_id} was deleted before the import completed."]


def test_fail_next_fails_the_next_import_and_changes_nothing(m: Any, lex: Any) -> None:
    m.fail_next("lexv2-models", "Simulated outage.")

    done = run_import(m, lex, to_zip(bot_files()), bot_spec())

    assert (done["importStatus"], done["failureReasons"]) == ("Failed", ["Simulated outage."])
    assert lex.list_bots()["botSummaries"] == []


def test_errors_carry_the_error_type_header_and_a_message_body(lex: Any) -> None:
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as raised:
        lex.describe_import(importId="ABCDE12345")

    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == (
        "ResourceNotFoundException"
    )
    assert response["message"] == "The import ABCDE12345 does not exist."
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_in_time_mode_a_clash_found_at_completion_fails_the_import_then() -> None:
    with freeze_time("2026-03-01 12:00:00") as frozen, mock_imports(progression="time"):
        lex = session_client()
        import_id = start(lex, to_zip(bot_files()), bot_spec("Clash"))["importId"]
        frozen.tick(timedelta(seconds=1))
        create_bot(lex, "Clash")  # created while the import runs
        frozen.tick(timedelta(seconds=1))
        assert describe(lex, import_id)["importStatus"] == "InProgress"

        frozen.tick(timedelta(seconds=5))
        done = describe(lex, import_id)

        assert done["importStatus"] == "Failed"
        assert done["failureReasons"][0].startswith("A bot named Clash already exists")
        # The failure is stamped when the import's stage ended (3 s), not when it was read.
        assert (done["lastUpdatedDateTime"] - done["creationDateTime"]) == timedelta(seconds=3)
        assert [b["botName"] for b in lex.list_bots()["botSummaries"]] == ["Clash"]

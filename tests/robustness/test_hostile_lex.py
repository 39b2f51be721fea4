"""Hostile Lex V2 archives (issue 14): zip bombs through every compression method and
container trick, values that crashed the reader, and an Overwrite racing a deletion.

Every archive comes in as in real use: ``CreateUploadUrl``, a ``PUT`` with ``requests``,
``StartImport`` and ``DescribeImport`` through boto3. Each must end the import ``Failed``
with reasons (or, where the request itself is at fault, be refused at the call), never
raise out of the call, and stay within the memory bound docs/conformance.md states
("Hostile files"). Memory is measured in a child process, as the peak resident set
(``VmHWM`` in /proc/self/status) above the resident set just before ``StartImport``: no
tracemalloc (it misses what zlib and bz2 allocate) and no timing.
"""

from __future__ import annotations

import base64
import bz2
import gc
import io
import json
import os
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.helpers import error_of, session_client
from tests.peak_memory import measured_in_children, memory, reset_peak
from tests.services.lexv2.archives import (
    ROLE,
    bot_files,
    locale_archive_files,
    manifest,
    pizza_locale,
    to_zip,
    vocabulary_tsv,
)
from tests.services.lexv2.conftest import (
    bot_spec,
    create_bot,
    locale_spec,
    run_import,
    upload,
    vocabulary_spec,
)
from tests.services.lexv2.test_archive_failures import DESCRIPTION_MAX

MiB = 1 << 20
MAX_JSON_VALUES = 1_000_000  # docs/behaviour-notes.md: the values an archive's JSON may hold
LOCALE = "PizzaBot/BotLocales/en_US"
ORDER_PIZZA = f"{LOCALE}/Intents/OrderPizza/Intent.json"
BOT_JSON = "PizzaBot/Bot.json"

#: ``bz2.compress(bytes(1 << 30), 9)``: 785 bytes that expand to 1 GiB of zeros. Stored
#: rather than computed (6 s); ``test_the_bzip2_bomb_is_real`` checks what it is.
BZIP2_GIB_OF_ZEROS = base64.b64decode(
    "QlpoOTFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakK"
    "gJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCX"
    "MUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFB"
    "WSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkm"
    "U1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZ"
    "Dgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J"
    "4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLf"
    "AV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFf"
    "jkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADAAAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45A"
    "AMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAACCAAMIBNRkKgJakKgJcxQVkmU1kOCeLfAV+OQADA"
    "AAAIIAAwgE1GQqAlqQqAlzFBWSZTWQ4J4t8BX45AAMAAAAggADCATUZCoCWpCoCXMUFZJlNZDgni3wFfjkAAwAAA"
    "CCAAMIBNRkKgJakKgJcxQVkmU1lIfF/JAIpSyADAAAAEAAggADDMBSmmkSJDYUSJDxdyRThQkPaI5AI="
)


# ---------------------------------------------------------------------------------------
# Archives written byte by byte
# ---------------------------------------------------------------------------------------


@dataclass
class RawEntry:
    name: str
    data: bytes  # as stored: compressed (and encrypted) already
    method: int = zipfile.ZIP_DEFLATED
    crc: int = 0
    declared: int = 0  # the uncompressed size the headers state
    flags: int = 0
    zip64_size: int | None = None  # a zip64 extra field declaring this uncompressed size


def raw_zip(*entries: RawEntry) -> bytes:
    """A zip of ``entries`` exactly as described: no size, CRC or method is checked."""
    out = io.BytesIO()
    directory = []
    for entry in entries:
        name = entry.name.encode()
        offset = out.tell()
        declared, extra = entry.declared, b""
        if entry.zip64_size is not None:
            declared, extra = 0xFFFFFFFF, struct.pack("<HHQ", 1, 8, entry.zip64_size)
        fields = (
            45,
            entry.flags,
            entry.method,
            0,
            0x21,
            entry.crc,
            len(entry.data),
            declared,
        )
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, len(name), len(extra)))
        out.write(name + extra + entry.data)
        directory.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                45,
                *fields,
                len(name),
                len(extra),
                0,
                0,
                0,
                0,
                offset,
            )
            + name
            + extra
        )
    start = out.tell()
    records = b"".join(directory)
    out.write(records)
    count = min(len(directory), 0xFFFF)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(records), start, 0))
    return out.getvalue()


def bzip2_bomb() -> bytes:
    """The issue's 909-byte archive: one bzip2 entry (method 12) declaring 100 bytes."""
    return raw_zip(RawEntry("manifest.json", BZIP2_GIB_OF_ZEROS, method=12, declared=100))


def lzma_archive() -> bytes:
    """A valid bot archive whose entries zipfile writes with LZMA (method 14)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_LZMA) as archive:
        for name, body in bot_files("PizzaBot", locales={"en_US": pizza_locale()}).items():
            archive.writestr(name, json.dumps(body))
    return buffer.getvalue()


def aes_archive() -> bytes:
    """An entry as WinZip AES marks it: encrypted (flag bit 0), method 99."""
    return raw_zip(RawEntry("manifest.json", os.urandom(64), method=99, declared=40, flags=1))


def million_records() -> bytes:
    """A central directory of 1,000,000 records (52 MB), all naming one empty entry."""
    name = b"a.json"
    empty = b"\x03\x00"  # an empty deflate stream
    fields = (20, 0, zipfile.ZIP_DEFLATED, 0, 0x21, 0, len(empty), 0)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, len(name), 0) + name + empty
    record = (
        struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, len(name), 0, 0, 0, 0, 0, 0)
        + name
    )
    records = record * 1_000_000
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, len(records), len(local), 0)
    return local + records + end


def zip64_terabyte() -> bytes:
    """One entry whose zip64 extra field declares 1 TiB."""
    return raw_zip(RawEntry("manifest.json", b"\x03\x00", zip64_size=1 << 40))


def nested_archives() -> bytes:
    """A bot archive zipped again, next to a zip bomb zipped again: nothing at the root
    is a Lex file, and nothing inside is expanded."""
    bomb = raw_zip(RawEntry("zeros.json", BZIP2_GIB_OF_ZEROS, method=12, declared=1 << 30))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("PizzaBot.zip", to_zip(bot_files()))
        archive.writestr("bomb.zip", bomb)
    return buffer.getvalue()


#: Four descriptions of 15 MiB each: 60 MiB of text the reader parses.
LONG_TEXT_FILES = 4
LONG_TEXT = 15 * MiB


def long_texts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, body in bot_files("PizzaBot", locales={"en_US": pizza_locale()}).items():
            archive.writestr(name, json.dumps(body))
        text = b'{"description": "' + b"x" * LONG_TEXT + b'"}'
        for n in range(LONG_TEXT_FILES):
            archive.writestr(f"{LOCALE}/Intents/Long{n}/Intent.json", text)
    return buffer.getvalue()


def over_the_value_budget() -> bytes:
    """Two intents: one with 5,000 sample utterances (15,000 values, valid), one whose
    description is a list of 495,000 empty objects (990,000 values, each of 2 bytes of
    JSON and 64 of Python). Neither file is over the budget; the two together are. 1 MB
    of JSON, 3 KB zipped."""
    files: dict[str, Any] = dict(bot_files("PizzaBot", locales={"en_US": pizza_locale()}))
    utterances = [{"utterance": f"pizza {n}"} for n in range(5_000)]
    files[f"{LOCALE}/Intents/Few/Intent.json"] = {"sampleUtterances": utterances}
    many = b"[" + b",".join([b"{}"] * 495_000) + b"]"
    files[f"{LOCALE}/Intents/Many/Intent.json"] = b'{"description": ' + many + b"}"
    return to_zip(files)


ARCHIVES: dict[str, Callable[[], bytes]] = {
    "bzip2-bomb": bzip2_bomb,
    "lzma": lzma_archive,
    "aes": aes_archive,
    "million-records": million_records,
    "zip64-terabyte": zip64_terabyte,
    "nested": nested_archives,
    "long-texts": long_texts,
    "value-budget": over_the_value_budget,
}


# ---------------------------------------------------------------------------------------
# Peak memory, measured in a child process
# ---------------------------------------------------------------------------------------


def measure_in_this_process(names: list[str]) -> list[dict[str, Any]]:
    """Import each named archive as a new bot in one mock: status, reasons, upload size
    and the peak memory above the resident set before StartImport (None if the peak
    cannot be reset here, for every archive after the first)."""
    import boto3

    from importmock import mock_imports

    results = []
    with mock_imports():
        lex = boto3.client("lexv2-models", region_name="us-east-1")
        for number, name in enumerate(names):
            body = ARCHIVES[name]()
            import_id = upload(lex, body)
            gc.collect()
            measurable = reset_peak() or number == 0
            before = memory()["VmRSS"]
            try:
                lex.start_import(
                    importId=import_id,
                    resourceSpecification=bot_spec(f"Hostile{number}"),
                    mergeStrategy="FailOnConflict",
                )
                done = lex.describe_import(importId=import_id)
            except Exception as error:  # reported to the parent, which fails the test
                done = {"importStatus": f"raised {type(error).__name__}: {error}"[:2000]}
            results.append(
                {
                    "name": name,
                    "status": done["importStatus"],
                    "reasons": done.get("failureReasons", []),
                    "upload": len(body),
                    "growth": memory()["VmHWM"] - before if measurable else None,
                }
            )
            del body
    return results


def measure(names: list[str]) -> dict[str, dict[str, Any]]:
    """``measure_in_this_process`` in fresh child processes (one for all archives where the
    kernel lets a process reset its peak)."""
    return measured_in_children("tests.robustness.test_hostile_lex", names, timeout=600)


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, Any]]:
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc/self/status (Linux)")
    return measure(list(ARCHIVES))


#: What refusing an archive may cost: the interpreter's own churn, the response, and one
#: or two copies of the upload (zipfile reads the central directory as one string).
def refusal_bound(upload_size: int) -> int:
    return 48 * MiB + 2 * upload_size


METHOD_REFUSED = (
    "{} is compressed with {} (method {}), which importmock does not read; Lex archives use "
    "deflate (method 8)."
)


def test_the_bzip2_bomb_is_real() -> None:
    """The stored stream is one bzip2 stream of zeros, more than 16 MiB of it, from 785
    bytes (the whole GiB takes seconds to expand)."""
    decompressor = bz2.BZ2Decompressor()
    first = decompressor.decompress(BZIP2_GIB_OF_ZEROS, max_length=16 * MiB)
    assert (len(BZIP2_GIB_OF_ZEROS), first) == (785, bytes(16 * MiB))
    assert not decompressor.eof  # more to come
    assert len(bzip2_bomb()) == 909


def test_a_bzip2_bomb_is_refused_unexpanded(measured: dict[str, Any]) -> None:
    result = measured["bzip2-bomb"]
    assert (result["status"], result["reasons"]) == (
        "Failed",
        [METHOD_REFUSED.format("manifest.json", "bzip2", 12)],
    )
    assert result["growth"] < refusal_bound(result["upload"]), result


def test_lzma_entries_are_refused(measured: dict[str, Any]) -> None:
    result = measured["lzma"]
    assert (result["status"], result["reasons"]) == (
        "Failed",
        [METHOD_REFUSED.format("manifest.json", "LZMA", 14)],
    )


def test_aes_entries_are_refused(measured: dict[str, Any]) -> None:
    result = measured["aes"]
    assert (result["status"], result["reasons"]) == (
        "Failed",
        [
            "manifest.json is encrypted with AES (method 99), which importmock does not read; "
            "Lex archives use standard zip passwords."
        ],
    )


def test_a_directory_of_a_million_records_is_refused_before_it_is_parsed(
    measured: dict[str, Any],
) -> None:
    result = measured["million-records"]
    assert (result["status"], result["reasons"]) == (
        "Failed",
        ["The archive has more than 100000 files."],
    )
    assert result["growth"] < refusal_bound(result["upload"]), result


def test_a_zip64_size_of_a_terabyte_is_refused_from_the_directory(
    measured: dict[str, Any],
) -> None:
    result = measured["zip64-terabyte"]
    assert (result["status"], result["reasons"]) == (
        "Failed",
        [f"The archive expands to {1 << 40} bytes; the limit is {256 * MiB} bytes."],
    )
    assert result["growth"] < refusal_bound(result["upload"]), result


def test_nested_archives_are_not_opened(measured: dict[str, Any]) -> None:
    result = measured["nested"]
    assert (result["status"], result["reasons"]) == (
        "Failed",
        ["manifest.json: the archive has no manifest.json at its root."],
    )
    assert result["growth"] < refusal_bound(result["upload"]), result


def test_long_values_cost_their_size_once(measured: dict[str, Any]) -> None:
    """60 MiB of text in four files: each is held as bytes until it is parsed, then as the
    parsed value only; each reason quotes at most about 10,000 characters of it."""
    result = measured["long-texts"]
    assert result["status"] == "Failed"
    assert len(result["reasons"]) == LONG_TEXT_FILES
    for n, reason in enumerate(result["reasons"]):
        assert reason.startswith(f"{LOCALE}/Intents/Long{n}/Intent.json: Value 'xxxx")
        assert "xxx...(" in reason and " characters omitted)...xxx" in reason
        assert reason.endswith(
            "' at 'description' failed to satisfy constraint: Member must have length less "
            f"than or equal to {DESCRIPTION_MAX}"
        )
        assert len(reason) <= 10_000
    # The files it reads, plus transient copies of the one being read (its text, the parsed
    # value, a validation message quoting it).
    bound = LONG_TEXT_FILES * LONG_TEXT + 4 * LONG_TEXT + refusal_bound(result["upload"])
    assert result["growth"] < bound, result


def test_an_archive_over_the_value_budget_is_refused(measured: dict[str, Any]) -> None:
    result = measured["value-budget"]
    assert (result["status"], result["reasons"]) == (
        "Failed",
        [
            f"{LOCALE}/Intents/Many/Intent.json: the archive's JSON files hold more than "
            f"{MAX_JSON_VALUES} values together; importmock reads at most {MAX_JSON_VALUES}."
        ],
    )
    # Refused from the text, before the second file was parsed.
    assert result["growth"] < refusal_bound(result["upload"]), result


# ---------------------------------------------------------------------------------------
# Values that crashed the reader or the writer, and what JSON cannot hold
# ---------------------------------------------------------------------------------------

TSV = f"{LOCALE}/CustomVocabulary/CustomVocabulary.tsv"
VOCABULARY_JSON = f"{LOCALE}/CustomVocabulary/CustomVocabulary.json"
BOT_LOCALE_JSON = f"{LOCALE}/BotLocale.json"
LONE = "\ud800"
PASSWORD_REFUSALS = {"SerializationException", "ValidationException"}
NOT_JSON = "the file is not valid JSON: "


@pytest.fixture
def m(importmock: Any) -> Any:
    return importmock


@pytest.fixture
def lex(importmock: Any) -> Any:
    return session_client("lexv2-models")


def pizza_files() -> dict[str, Any]:
    """A one-locale bot archive's files, each a JSON object (see tests/services/lexv2)."""
    return dict(bot_files("PizzaBot", locales={"en_US": pizza_locale()}))


def failed_bot_import(m: Any, lex: Any, body: bytes) -> list[str]:
    """Import ``body`` as a new bot: it must fail and create nothing; its reasons."""
    done = run_import(m, lex, body, bot_spec("Hostile"))
    assert done["importStatus"] == "Failed", done
    assert lex.list_bots()["botSummaries"] == []
    return list(done["failureReasons"])


def with_bot(lex: Any) -> str:
    """A bot with an en_US locale, for locale and vocabulary imports; its id."""
    bot_id = create_bot(lex, "TargetBot")
    lex.create_bot_locale(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", nluIntentConfidenceThreshold=0.4
    )
    return bot_id


@pytest.mark.parametrize(
    ("priorities", "reason"),
    [
        pytest.param(
            [{"priority": 1, "slotName": ["size"]}],
            "slotPriorities.1.slotName must be a string, not a list.",
            id="slot-name-list",  # the TypeError: unhashable type: 'list'
        ),
        pytest.param(
            [{"priority": 1, "slotName": {"name": "size"}}],
            "slotPriorities.1.slotName must be a string, not an object.",
            id="slot-name-object",
        ),
        pytest.param(
            [{"priority": 10**18, "slotName": "size"}],
            "slotPriorities.1.priority must be an integer from 0 to 100.",
            id="priority-out-of-range",
        ),
        pytest.param(
            [{"priority": True, "slotName": "size"}],
            "slotPriorities.1.priority must be an integer from 0 to 100.",
            id="priority-true",
        ),
        pytest.param(
            [["size", 1]], "slotPriorities.1 must be an object, not a list.", id="entry-list"
        ),
        pytest.param({"size": 1}, "slotPriorities must be a list, not an object.", id="not-a-list"),
    ],
)
def test_slot_priorities_of_the_wrong_type_fail_the_import(
    m: Any, lex: Any, priorities: Any, reason: str
) -> None:
    files = pizza_files()
    files[ORDER_PIZZA] = {**files[ORDER_PIZZA], "slotPriorities": priorities}
    assert failed_bot_import(m, lex, to_zip(files)) == [f"{ORDER_PIZZA}: {reason}"]


@pytest.mark.parametrize(
    ("weight", "shown"),
    [
        pytest.param("²", "'²'", id="superscript-two"),  # the ValueError
        pytest.param("٣", "'٣'", id="arabic-indic-three"),
        pytest.param(
            "1" * 5000,
            "'11111111...(4984 characters omitted)...11111111'",
            id="five-thousand-digits",  # int() refuses more than 4300 digits
        ),
    ],
)
def test_vocabulary_weights_that_are_not_ascii_digits_fail_the_import(
    m: Any, lex: Any, weight: str, shown: str
) -> None:
    bot_id = with_bot(lex)
    json_files = {
        "manifest.json": manifest("CustomVocabulary"),
        VOCABULARY_JSON: {"customVocabularyItems": [{"phrase": "margherita", "weight": weight}]},
    }
    for files, where in [
        (vocabulary_tsv(f"margherita\t{weight}\t"), f"{TSV}: line 2"),
        (json_files, f"{VOCABULARY_JSON}: customVocabularyItems.1"),
    ]:
        done = run_import(m, lex, to_zip(files), vocabulary_spec(bot_id), "Overwrite")
        assert (done["importStatus"], done["failureReasons"]) == (
            "Failed",
            [f"{where}: the weight {shown} is not an integer from 0 to 3."],
        )


def test_a_display_as_longer_than_the_model_allows_fails_the_import(m: Any, lex: Any) -> None:
    bot_id = with_bot(lex)
    done = run_import(
        m,
        lex,
        to_zip(vocabulary_tsv(f"margherita\t1\t{'M' * 101}")),
        vocabulary_spec(bot_id),
        "Overwrite",
    )
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        [f"{TSV}: line 2: displayAs is longer than 100 characters."],
    )


@pytest.mark.parametrize(
    ("path", "change", "where", "code"),
    [
        pytest.param(
            BOT_JSON, {"description": LONE}, "description", "\\ud800", id="bot-description"
        ),
        pytest.param(
            ORDER_PIZZA,
            {"sampleUtterances": [{"utterance": "a pizza"}, {"utterance": f"x{LONE}y"}]},
            "sampleUtterances.2.utterance",
            "\\ud800",
            id="nested-value",
        ),
        pytest.param(BOT_JSON, {"\udc00": 1}, "\\udc00", "\\udc00", id="key"),
    ],
)
def test_lone_surrogates_in_archive_json_fail_the_import(
    m: Any, lex: Any, path: str, change: dict[str, Any], where: str, code: str
) -> None:
    files = pizza_files()
    files[path] = {**files[path], **change}  # json.dumps writes them as \\ud800 escapes
    assert failed_bot_import(m, lex, to_zip(files)) == [
        f"{path}: the file is not valid JSON: the text at '{where}' holds a lone surrogate "
        f"({code}), which is not Unicode text."
    ]


def test_a_lone_surrogate_in_a_vocabulary_phrase_fails_the_import(m: Any, lex: Any) -> None:
    bot_id = with_bot(lex)
    files = {
        "manifest.json": manifest("CustomVocabulary"),
        VOCABULARY_JSON: {"customVocabularyItems": [{"phrase": f"pizza {LONE}"}]},
    }
    done = run_import(m, lex, to_zip(files), vocabulary_spec(bot_id), "Overwrite")
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        [
            f"{VOCABULARY_JSON}: the file is not valid JSON: the text at "
            "'customVocabularyItems.1.phrase' holds a lone surrogate (\\ud800), which is not "
            "Unicode text."
        ],
    )


def _refused_at_the_call(caught: pytest.ExceptionInfo[Any]) -> None:
    """A lone surrogate in filePassword: refused with a 400 before anything starts, by the
    JSON parser (SerializationException) or by the backend (ValidationException)."""
    code, _, status = error_of(caught.value)
    assert (code in PASSWORD_REFUSALS, status) == (True, 400), error_of(caught.value)


def test_a_lone_surrogate_in_a_file_password_is_refused_at_the_call(m: Any, lex: Any) -> None:
    bot_id = run_import(m, lex, to_zip(pizza_files()), bot_spec("PizzaBot"))["importedResourceId"]
    spec = {"botExportSpecification": {"botId": bot_id, "botVersion": "DRAFT"}}
    with pytest.raises(lex.exceptions.ClientError) as caught:
        lex.create_export(resourceSpecification=spec, fileFormat="LexJson", filePassword=LONE)
    _refused_at_the_call(caught)
    assert lex.list_exports()["exportSummaries"] == []

    export_id = lex.create_export(
        resourceSpecification=spec, fileFormat="LexJson", filePassword="secret"
    )["exportId"]
    m.settle()
    with pytest.raises(lex.exceptions.ClientError) as caught:
        lex.update_export(exportId=export_id, filePassword=f"new{LONE}")
    _refused_at_the_call(caught)
    described = lex.describe_export(exportId=export_id)
    assert described["exportStatus"] == "Completed"
    archive = zipfile.ZipFile(io.BytesIO(requests.get(described["downloadUrl"]).content))
    archive.setpassword(b"secret")  # the password the export still has
    assert json.loads(archive.read(BOT_JSON))["name"] == "PizzaBot"

    import_id = upload(lex, to_zip(pizza_files(), password="secret"))
    with pytest.raises(lex.exceptions.ClientError) as caught:
        lex.start_import(
            importId=import_id,
            resourceSpecification=bot_spec("Protected"),
            mergeStrategy="FailOnConflict",
            filePassword=LONE,
        )
    _refused_at_the_call(caught)
    assert lex.list_imports()["importSummaries"][0]["importedResourceName"] == "PizzaBot"


def test_a_bot_description_no_zip_can_hold_never_gives_a_completed_export(m: Any, lex: Any) -> None:
    """A description with a lone surrogate, given through the API, is refused at the call;
    were it taken, its export would fail with a reason rather than complete without a zip
    (the issue: Completed, with a download URL that answered 404)."""
    try:
        bot_id = lex.create_bot(
            botName="Surrogate",
            description=f"pizza {LONE}",
            roleArn=ROLE,
            dataPrivacy={"childDirected": False},
            idleSessionTTLInSeconds=300,
        )["botId"]
    except lex.exceptions.ClientError as refused:
        assert error_of(refused)[2] == 400
        return
    m.settle()
    export_id = lex.create_export(
        resourceSpecification={"botExportSpecification": {"botId": bot_id, "botVersion": "DRAFT"}},
        fileFormat="LexJson",
    )["exportId"]
    m.settle()
    described = lex.describe_export(exportId=export_id)
    assert described["exportStatus"] == "Failed"
    assert described["failureReasons"] == [
        "Surrogate/Bot.json: the file cannot be written: it holds a lone surrogate, which is "
        "not Unicode text."
    ]
    assert "downloadUrl" not in described


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("NaN", f"{NOT_JSON}NaN is not a JSON value; JSON has no NaN or Infinity."),
        ("Infinity", f"{NOT_JSON}Infinity is not a JSON value; JSON has no NaN or Infinity."),
        ("-Infinity", f"{NOT_JSON}-Infinity is not a JSON value; JSON has no NaN or Infinity."),
        ("1e400", f"{NOT_JSON}the number 1e400 is too large for a double."),
    ],
)
def test_numbers_json_cannot_hold_fail_the_import(
    m: Any, lex: Any, token: str, reason: str
) -> None:
    """Python's json reads NaN and Infinity (and 1e400 as infinity); JSON has neither, and
    a value stored from them would be echoed as a bare NaN token, which is not JSON."""
    files = pizza_files()
    files[BOT_LOCALE_JSON] = json.dumps({"name": "en_US", "nluConfidenceThreshold": 0.5})
    files[BOT_LOCALE_JSON] = files[BOT_LOCALE_JSON].replace("0.5", token)
    assert failed_bot_import(m, lex, to_zip(files)) == [f"{BOT_LOCALE_JSON}: {reason}"]

    bot_id = with_bot(lex)
    vocabulary = '{"customVocabularyItems": [{"phrase": "pizza", "weight": WEIGHT}]}'
    vocabulary = vocabulary.replace("WEIGHT", token)
    vocabulary_files = {"manifest.json": manifest("CustomVocabulary"), VOCABULARY_JSON: vocabulary}
    done = run_import(m, lex, to_zip(vocabulary_files), vocabulary_spec(bot_id), "Overwrite")
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        [f"{VOCABULARY_JSON}: {reason}"],
    )


def test_an_integer_no_model_type_holds_fails_the_import(m: Any, lex: Any) -> None:
    files = pizza_files()
    files[BOT_JSON] = json.dumps({"name": "PizzaBot", "idleSessionTTLInSeconds": 10**24})
    assert failed_bot_import(m, lex, to_zip(files)) == [
        f"{BOT_JSON}: {NOT_JSON}the number 1000000000000000000000000 is 25 digits long; at "
        "most 19 are read."
    ]


def test_members_the_model_does_not_declare_are_dropped_at_every_depth(m: Any, lex: Any) -> None:
    """As the API's parser drops them: a member no shape declares is neither stored nor
    echoed (a response carrying one would not be the model's)."""
    files = pizza_files()
    files[ORDER_PIZZA] = {
        **files[ORDER_PIZZA],
        "dialogCodeHook": {"enabled": True, "importmockUnknown": [1, 2]},
        "sampleUtterances": [{"utterance": "a pizza", "weight": 3}],
        "importmockUnknownTop": {"x": 1},
    }
    done = run_import(m, lex, to_zip(files), bot_spec("PizzaBot"))
    assert done["importStatus"] == "Completed", done.get("failureReasons")
    bot_id = done["importedResourceId"]
    intents = lex.list_intents(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    order_id = next(
        i["intentId"] for i in intents["intentSummaries"] if i["intentName"] == "OrderPizza"
    )
    intent = lex.describe_intent(
        intentId=order_id, botId=bot_id, botVersion="DRAFT", localeId="en_US"
    )
    assert intent["dialogCodeHook"] == {"enabled": True}
    assert intent["sampleUtterances"] == [{"utterance": "a pizza"}]
    assert "importmockUnknownTop" not in intent


def test_a_locale_import_with_a_hostile_value_changes_nothing(m: Any, lex: Any) -> None:
    bot_id = with_bot(lex)
    files = dict(locale_archive_files())
    files[ORDER_PIZZA] = {**files[ORDER_PIZZA], "slotPriorities": [{"priority": 1, "slotName": []}]}
    done = run_import(m, lex, to_zip(files), locale_spec(bot_id), "Overwrite")
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        [f"{ORDER_PIZZA}: slotPriorities.1.slotName must be a string, not a list."],
    )
    intents = lex.list_intents(botId=bot_id, botVersion="DRAFT", localeId="en_US")
    assert [i["intentName"] for i in intents["intentSummaries"]] == ["FallbackIntent"]

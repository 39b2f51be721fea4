"""Property: whatever value a Lex archive's JSON holds anywhere, the import answers.

The archive is the tests' one-locale pizza bot (manifest, Bot.json, BotLocale.json,
intents with slots and slot priorities, slot types, the vocabulary's JSON form), laid out
as Lex exports it. Each example replaces one to three values, at any path of any file
(the root object of a file included), with an arbitrary JSON value: null, booleans,
integers far beyond 64 bits, floats with NaN and infinities (written as the bare tokens
Python's json writes), text with lone surrogates (written as ``\\ud800`` escapes),
``"²"`` and the suite's other nasty strings, names the archive uses, lists and objects of
all of these. Some files are written as UTF-8 with their surrogates left in, the bytes no
UTF-8 decoder accepts.

The import goes through boto3 (``CreateUploadUrl``, a ``PUT``, ``StartImport``,
``DescribeImport``), with every response checked against the model
(``check_responses``). It must end ``Completed`` or ``Failed`` with reasons, and no reason
may be importmock's catch-all for an exception no reader expected. A completed import must
be readable through every describe and list operation of what it created, and exportable:
the export completes, its zip downloads, its JSON is strict JSON, and it imports again.
"""

from __future__ import annotations

import copy
import io
import json
import os
import zipfile
from collections.abc import Iterator
from typing import Any

import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from importmock import mock_imports
from tests.helpers import session_client
from tests.properties.strategies import NASTY_STRINGS
from tests.services.lexv2.archives import ROLE, bot_files, pizza_locale

#: How many archives each run imports: a few seconds' worth.
ARCHIVE_SETTINGS = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "20")) * 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,
)
#: The catch-all reason of an import that met an exception no reader expected.
IMPORTMOCK_BUG = "this is a bug in importmock"

BASE: dict[str, Any] = bot_files("PizzaBot", locales={"en_US": pizza_locale()})
ORDER_PIZZA = "PizzaBot/BotLocales/en_US/Intents/OrderPizza/Intent.json"
Path = tuple[Any, ...]


def _paths(value: Any, path: Path = ()) -> Iterator[Path]:
    """Every path into ``value``, its own (the empty path) first."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


#: (file, path) for every value of every JSON file of the archive.
LOCATIONS = sorted(
    ((name, path) for name, body in BASE.items() for path in _paths(body)),
    key=lambda location: (location[0], [str(step) for step in location[1]]),
)
KEYS = sorted(set(_keys(BASE)))
ARCHIVE_STRINGS = sorted(set(_strings(BASE)))

lone_surrogates = st.integers(0xD800, 0xDFFF).map(chr)
texts = st.one_of(
    st.text(max_size=12),
    st.lists(st.one_of(st.characters(), lone_surrogates), max_size=6).map("".join),
    st.sampled_from([*NASTY_STRINGS, "²", "\ud800", "a\udfffb", "x" * 3000]),
    st.sampled_from(ARCHIVE_STRINGS),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.sampled_from([0, 1, 2, 3, 100, 101, -1, 2**31, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), texts), inner, max_size=3),
    ),
    max_leaves=8,
)
mutations = st.lists(st.tuples(st.sampled_from(LOCATIONS), json_values), min_size=1, max_size=3)


def _replaced(files: dict[str, Any], name: str, path: Path, value: Any) -> None:
    """Set the value at ``path`` of file ``name`` (a path an earlier change removed is
    skipped)."""
    if not path:
        files[name] = value
        return
    parent = files[name]
    for step in path[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1]
    if isinstance(parent, dict) or (
        isinstance(parent, list) and isinstance(last, int) and last < len(parent)
    ):
        parent[last] = value


def archive(changes: list[tuple[tuple[str, Path], Any]], raw_utf8: bool) -> bytes:
    """The base archive with ``changes`` applied; JSON as Python's json writes it (bare
    NaN and Infinity, ``\\udxxx`` escapes), or, with ``raw_utf8``, as UTF-8 bytes with
    lone surrogates left in (``surrogatepass``)."""
    files = copy.deepcopy(BASE)
    for (name, path), value in changes:
        _replaced(files, name, path, value)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as written:
        for name, body in files.items():
            if raw_utf8:
                text = json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")
            else:
                text = json.dumps(body).encode("ascii")
            written.writestr(name, text)
    return buffer.getvalue()


def _strict_json(body: bytes) -> Any:
    def refuse(token: str) -> Any:
        raise AssertionError(f"an exported file holds the bare token {token}")

    return json.loads(body, parse_constant=refuse)


def _import(lex: Any, body: bytes, name: str) -> dict[str, Any]:
    created = lex.create_upload_url()
    assert requests.put(created["uploadUrl"], data=body).status_code == 200
    started = lex.start_import(
        importId=created["importId"],
        resourceSpecification={
            "botImportSpecification": {
                "botName": name,
                "roleArn": ROLE,
                "dataPrivacy": {"childDirected": False},
            }
        },
        mergeStrategy="FailOnConflict",
    )
    assert started["importStatus"] == "InProgress"
    return dict(lex.describe_import(importId=created["importId"]))


def _read_everything(lex: Any, bot_id: str) -> None:
    """Every describe and list of what the import created (each response is checked
    against the model by check_responses)."""
    lex.describe_bot(botId=bot_id)
    where = {"botId": bot_id, "botVersion": "DRAFT"}
    for locale in lex.list_bot_locales(**where)["botLocaleSummaries"]:
        here = {**where, "localeId": locale["localeId"]}
        lex.describe_bot_locale(**here)
        for slot_type in lex.list_slot_types(**here, maxResults=1000)["slotTypeSummaries"]:
            lex.describe_slot_type(**here, slotTypeId=slot_type["slotTypeId"])
        for intent in lex.list_intents(**here, maxResults=1000)["intentSummaries"]:
            lex.describe_intent(**here, intentId=intent["intentId"])
            slots = lex.list_slots(**here, intentId=intent["intentId"], maxResults=1000)
            for slot in slots["slotSummaries"]:
                lex.describe_slot(**here, intentId=intent["intentId"], slotId=slot["slotId"])
        try:
            lex.list_custom_vocabulary_items(**here)
        except lex.exceptions.ResourceNotFoundException:
            pass  # the locale has no vocabulary


def _exported(lex: Any, bot_id: str) -> bytes:
    export_id = lex.create_export(
        resourceSpecification={"botExportSpecification": {"botId": bot_id, "botVersion": "DRAFT"}},
        fileFormat="LexJson",
    )["exportId"]
    described = lex.describe_export(exportId=export_id)
    assert described["exportStatus"] == "Completed", described.get("failureReasons")
    downloaded = requests.get(described["downloadUrl"])
    assert downloaded.status_code == 200
    with zipfile.ZipFile(io.BytesIO(downloaded.content)) as exported:
        for name in exported.namelist():
            _strict_json(exported.read(name))
    return downloaded.content


def test_any_value_anywhere_in_an_archive_is_answered() -> None:
    with mock_imports(check_responses=True) as controller:
        lex = session_client("lexv2-models")

        @ARCHIVE_SETTINGS
        @given(changes=mutations, raw_utf8=st.booleans())
        # The instances: a list as a slot name, NaN, a lone surrogate, "²".
        @example(
            changes=[((ORDER_PIZZA, ("slotPriorities", 0, "slotName")), ["size"])], raw_utf8=False
        )
        @example(
            changes=[
                (
                    ("PizzaBot/BotLocales/en_US/BotLocale.json", ("nluConfidenceThreshold",)),
                    float("nan"),
                )
            ],
            raw_utf8=False,
        )
        @example(changes=[(("PizzaBot/Bot.json", ("description",)), "\ud800")], raw_utf8=False)
        @example(
            changes=[
                (
                    (
                        "PizzaBot/BotLocales/en_US/CustomVocabulary/CustomVocabulary.json",
                        ("customVocabularyItems", 0, "weight"),
                    ),
                    "²",
                )
            ],
            raw_utf8=False,
        )
        def run(changes: list[tuple[tuple[str, Path], Any]], raw_utf8: bool) -> None:
            controller.reset()
            done = _import(lex, archive(changes, raw_utf8), "Mutated")
            assert done["importStatus"] in ("Completed", "Failed"), done
            if done["importStatus"] == "Failed":
                reasons = done["failureReasons"]
                assert reasons and all(isinstance(r, str) and r for r in reasons), done
                assert not any(IMPORTMOCK_BUG in reason for reason in reasons), reasons
                return
            bot_id = done["importedResourceId"]
            _read_everything(lex, bot_id)
            again = _import(lex, _exported(lex, bot_id), "Reimported")
            assert again["importStatus"] == "Completed", again.get("failureReasons")
            _read_everything(lex, again["importedResourceId"])

        run()

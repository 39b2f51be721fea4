"""The LexJson archive layout: reading an uploaded archive into bot resources, and writing
resources back out as an export.

Layout (a bot archive; a locale archive holds one ``BotLocales/<locale>`` subtree, a
vocabulary archive one vocabulary file)::

    manifest.json
    <BotName>/Bot.json
    <BotName>/BotLocales/<localeId>/BotLocale.json
    <BotName>/BotLocales/<localeId>/Intents/<IntentName>/Intent.json
    <BotName>/BotLocales/<localeId>/Intents/<IntentName>/Slots/<SlotName>/Slot.json
    <BotName>/BotLocales/<localeId>/SlotTypes/<SlotTypeName>/SlotType.json
    <BotName>/BotLocales/<localeId>/CustomVocabulary/CustomVocabulary.json (or .tsv)

Each JSON file carries the members of the matching Create* request plus ``name`` and
``identifier``; those members are validated with the model's own constraints, so a bad
archive fails with the messages the API would give. Every problem found is reported, each
naming its file; one problem is enough for the import to change nothing.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NoReturn, Union

from importmock.engine.specs import spec_for_client
from importmock.services.lexv2 import archive_json
from importmock.services.lexv2 import vocabulary as vocabulary_file
from importmock.services.lexv2.archive_json import JsonProblem, ValueBudget
from importmock.services.lexv2.file_format import (
    FILE_VALUES,
    file_member,
    file_path,
    from_file,
    to_file,
)
from importmock.services.lexv2.locales import LOCALE_NAMES
from importmock.services.lexv2.models import (
    DRAFT,
    FALLBACK_INTENT_ID,
    FALLBACK_SIGNATURE,
    Bot,
    Intent,
    Locale,
    Slot,
    SlotType,
    Vocabulary,
    new_id,
)

# The manifest as the format page documents it; readers take other spellings too.
SCHEMA_VERSION = "1.0"
MAX_SLOTS_PER_INTENT = 100
MAX_SLOT_PRIORITY = 100  # the model's PriorityValue: 0 to 100
MAX_REASONS = 100
DEFAULT_CONFIDENCE_THRESHOLD = 0.4
_NAME = re.compile(r"^([0-9a-zA-Z][_-]?){1,100}$")
_PLACEHOLDER_ID = "ABCDEFGHIJ"  # stands in for ids an archive cannot know, when validating


def intent_limit(locale_id: str) -> int:
    """Intents per locale: 1,000 for English (US, GB, AU), 250 for other locales."""
    return 1000 if locale_id in ("en_US", "en_GB", "en_AU") else 250


def slot_type_limit(locale_id: str) -> int:
    """Slot types per locale: 250 for English (US, GB, AU), 100 for other locales."""
    return 250 if locale_id in ("en_US", "en_GB", "en_AU") else 100


class ArchiveProblems(Exception):
    """What is wrong with an archive: every reason (up to 100), each naming its file."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = [archive_json.reason(text) for text in reasons[:MAX_REASONS]]
        super().__init__("; ".join(self.reasons))


#: The files of an archive the reader opens; the others are checked but not kept.
READ_FILES = frozenset(
    {
        "Bot.json",
        "BotLocale.json",
        "Intent.json",
        "Slot.json",
        "SlotType.json",
        "CustomVocabulary.json",
        "CustomVocabulary.tsv",
    }
)
#: The largest file the reader opens: a slot type at Lex's quotas (10,000 values and
#: synonyms of up to 500 characters) is about 6 MB.
MAX_READ_FILE_BYTES = 16 * 1024 * 1024


def is_read(name: str) -> bool:
    """Whether the reader opens the archive file ``name`` (and so needs its content)."""
    base = posixpath.basename(name)
    return base in READ_FILES or base.lower() == "manifest.json"


# What a Create* request names its resource and its parents with; an archive's JSON file
# carries the request's other members, the resource's settings.
_NOT_SETTINGS = frozenset(
    {
        "botId",
        "botVersion",
        "localeId",
        "intentId",
        "intentName",
        "slotName",
        "slotTypeId",
        "slotTypeName",
    }
)


@cache
def settings_members(operation: str) -> tuple[str, ...]:
    """The members of a Create* request that an archive's JSON file may carry."""
    shape = spec_for_client("lexv2-models").operation(operation).model.input_shape
    return tuple(name for name in shape.members if name not in _NOT_SETTINGS)


@cache
def _input_shape(operation: str) -> Any:
    return spec_for_client("lexv2-models").operation(operation).model.input_shape


def _json_type(value: Any) -> str:
    """The JSON type of a parsed value, with its article, for a reason."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


BOT_MEMBERS = ("description", "dataPrivacy", "idleSessionTTLInSeconds", "errorLogSettings")


def _violations(operation: str, params: dict[str, Any]) -> list[str]:
    validator = spec_for_client("lexv2-models").operation(operation).validator
    return validator.violations(params) if validator is not None else []


_AT_PATH = re.compile(r" at '([^']*)' failed to satisfy constraint: ")


def _as_written(violation: str, shape: Any) -> str:
    """A validation message about a request built from a file, with the member path and
    any enum values as the file writes them."""
    found = _AT_PATH.search(violation)
    if found is None:
        return violation
    written, leaf = file_path(found.group(1), shape)
    start, end = found.span(1)
    violation = violation[:start] + written + violation[end:]
    values = FILE_VALUES.get(leaf.name) if leaf is not None else None
    if values and "enum value set: [" in violation:
        head, _, tail = violation.partition("enum value set: [")
        listed, _, rest = tail.partition("]")
        shown = ", ".join(values.get(value, value) for value in listed.split(", "))
        violation = f"{head}enum value set: [{shown}]{rest}"
    return violation


def _in_locale(locale_id: str, **members: Any) -> dict[str, Any]:
    """The members of a request about a DRAFT locale, with ids the archive cannot know."""
    return {"botId": _PLACEHOLDER_ID, "botVersion": "DRAFT", "localeId": locale_id, **members}


# -- reading -------------------------------------------------------------------------------
@dataclass
class Reader:
    """Reads one archive's files; problems pile up in ``reasons`` instead of stopping."""

    #: Every file of the archive by name; a file's content is dropped once it is read.
    files: dict[str, bytes]
    now: float
    reasons: list[str] = field(default_factory=list)
    budget: ValueBudget = field(default_factory=ValueBudget)
    _index: dict[tuple[str, str], list[str]] | None = None
    _read: set[str] = field(default_factory=set)

    def take(self, path: str) -> bytes:
        """The content of the file at ``path``, handed out once: the reader keeps what it
        parsed, not the bytes as well (the files it reads may expand to 256 MiB)."""
        if path in self._read:
            raise RuntimeError(f"{path} was read twice")
        self._read.add(path)
        content, self.files[path] = self.files[path], b""
        return content

    def problem(self, path: str, reason: str) -> None:
        # Reasons past the ones reported are not kept: each may quote a long value.
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(archive_json.reason(f"{path}: {reason}"))

    def typed(self, path: str, where: str, value: Any, kind: type, noun: str) -> Any:
        """``value`` if it is of the JSON type ``kind`` (true and false are not numbers),
        else None, with a reason naming the member and the type it has."""
        if isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool):
            return value
        self.problem(path, f"{where} must be {noun}, not {_json_type(value)}.")
        return None

    def settings(
        self, path: str, data: dict[str, Any], operation: str, members: Iterable[str]
    ) -> dict[str, Any]:
        """The ``members`` a JSON file sets, under the API's names and as the API would
        take them in ``operation``: null is unset, and what the model does not declare is
        dropped at every depth (so nothing is stored, or echoed, that a response may not
        carry). Members spelled as the API spells them where the file format has its own
        name are reported."""
        shape = _input_shape(operation)
        settings = {}
        for name in members:
            written = file_member(shape, name)
            given = written
            if written != name and data.get(name) is not None:
                self.problem(
                    path,
                    f"{name}: the LexJson format has no member {name}; it is written {written}.",
                )
                given = name  # read on as if well named: one reason for the one mistake
            if data.get(given) is not None:
                value, problems = from_file(data[given], shape.members[name], given)
                settings[name] = value
                for problem in problems:
                    self.problem(path, problem)
        return settings

    def check_against(self, path: str, operation: str, params: dict[str, Any]) -> None:
        """The model's constraints for ``operation``, applied to a file's members; each
        reason names the member as the file writes it."""
        shape = _input_shape(operation)
        for problem in _violations(operation, params):
            self.problem(path, _as_written(problem, shape))

    def check(self) -> None:
        if self.reasons:
            raise ArchiveProblems(self.reasons)

    def over_budget(self, path: str, over: archive_json.OverBudget) -> NoReturn:
        """Stop reading: the archive holds more JSON values than importmock parses."""
        self.problem(path, str(over))
        raise ArchiveProblems(self.reasons)

    def within_limit(
        self, path: str, count: int, limit: int, noun: str, locale_id: str | None = None
    ) -> None:
        """Stop reading, with the reasons so far, when a locale (or intent) has more files
        of a kind than it may hold: the import fails whatever they say, and reading up to
        100,000 of them would only cost time."""
        if count <= limit:
            return
        if locale_id is None:
            self.problem(
                path, f"the intent has {count} {noun}; an intent may have at most {limit}."
            )
        else:
            self.problem(
                path,
                f"the locale has {count} {noun}; a {locale_id} locale may have at most {limit}.",
            )
        self.check()

    def json(self, path: str) -> dict[str, Any] | None:
        try:
            text = self.take(path).decode("utf-8-sig")
        except UnicodeDecodeError:
            self.problem(path, "the file is not UTF-8 text.")
            return None
        try:
            data = archive_json.parse(text, self.budget)
        except archive_json.OverBudget as over:
            self.over_budget(path, over)
        except JsonProblem as refused:
            self.problem(path, str(refused))
            return None
        if not isinstance(data, dict):
            self.problem(path, "the file must hold a JSON object.")
            return None
        return data

    def manifest(self, expected: str) -> None:
        """The manifest must exist and name the kind of resource being imported."""
        unsafe = [name for name in self.files if _unsafe(name)]
        for name in unsafe:
            self.problem(name, "the archive path is not allowed (absolute or with '..').")
        self.check()
        found = [name for name in self.files if name.lower() == "manifest.json"]
        if not found:
            raise ArchiveProblems(["manifest.json: the archive has no manifest.json at its root."])
        manifest = self.json(found[0])
        self.check()
        assert manifest is not None
        metadata = _lower_keys(manifest).get("metadata")
        if not isinstance(metadata, dict):
            raise ArchiveProblems([f"{found[0]}: the manifest has no metadata object."])
        metadata = _lower_keys(metadata)
        resource_type = metadata.get("resourcetype")
        if not isinstance(resource_type, str):
            raise ArchiveProblems([f"{found[0]}: the manifest names no resourceType."])
        file_format = metadata.get("fileformat")
        if file_format is not None and (
            not isinstance(file_format, str) or file_format.lower() not in ("lexjson", "tsv")
        ):
            shown = repr(file_format) if isinstance(file_format, str) else _json_type(file_format)
            raise ArchiveProblems([f"{found[0]}: the fileFormat {shown} is not LexJson or TSV."])
        if resource_type.replace("_", "").lower() != expected.lower():
            raise ArchiveProblems(
                [
                    f"{found[0]}: the archive holds a {resource_type} but this is a "
                    f"{expected} import."
                ]
            )

    # -- a bot --------------------------------------------------------------------------
    def bot(self) -> tuple[Bot, str]:
        """The bot of a Bot archive (its id is a placeholder) and the archive's bot name."""
        self.manifest("Bot")
        roots = sorted(name for name in self.files if re.fullmatch(r"[^/]+/Bot\.json", name))
        if len(roots) != 1:
            found = ", ".join(roots) or "none"
            raise ArchiveProblems(
                [f"Bot.json: a bot archive needs exactly one <BotName>/Bot.json; found {found}."]
            )
        path = roots[0]
        folder = path.split("/")[0]
        data = self.json(path) or {}
        settings = self.settings(path, data, "CreateBot", BOT_MEMBERS)
        # The request's own members stand in for those the archive does not carry.
        self.check_against(
            path,
            "CreateBot",
            {
                "botName": "placeholder",
                "roleArn": "arn:aws:iam::123456789012:role/placeholder",
                "dataPrivacy": {"childDirected": False},
                "idleSessionTTLInSeconds": 300,
                **settings,
            },
        )
        locales = {}
        for locale_path in sorted(
            name
            for name in self.files
            if re.fullmatch(re.escape(folder) + r"/BotLocales/[^/]+/BotLocale\.json", name)
        ):
            locale_root = posixpath.dirname(locale_path)
            locale_id = posixpath.basename(locale_root)
            if locale_id not in LOCALE_NAMES:
                self.problem(locale_path, f"the locale {locale_id} is not supported.")
                continue
            locale = self.locale(locale_root, locale_id)
            if locale is not None:
                locales[locale.locale_id] = locale
        self.check()
        given = data.get("name")
        name = given if isinstance(given, str) else folder
        bot = Bot(
            bot_id="",
            name=name,
            settings=settings,
            tags={},
            test_alias_tags={},
            locales=locales,
            created=self.now,
            updated=self.now,
        )
        return bot, name

    # -- a locale -----------------------------------------------------------------------
    def locale_archive(self, locale_id: str) -> Locale:
        """The one locale of a BotLocale archive, imported as ``locale_id``."""
        self.manifest("BotLocale")
        roots = sorted(name for name in self.files if posixpath.basename(name) == "BotLocale.json")
        if len(roots) != 1:
            found = ", ".join(roots) or "none"
            raise ArchiveProblems(
                [f"BotLocale.json: a bot locale archive needs exactly one; found {found}."]
            )
        locale = self.locale(posixpath.dirname(roots[0]), locale_id)
        self.check()
        assert locale is not None
        return locale

    def locale(self, root: str, locale_id: str) -> Locale | None:
        prefix = f"{root}/" if root else ""
        path = f"{prefix}BotLocale.json"
        data = self.json(path) or {}
        settings = self.settings(path, data, "CreateBotLocale", settings_members("CreateBotLocale"))
        # The console's default, for files that leave the threshold out.
        settings.setdefault("nluIntentConfidenceThreshold", DEFAULT_CONFIDENCE_THRESHOLD)
        self.check_against(path, "CreateBotLocale", _in_locale(locale_id, **settings))
        type_paths = self._children(prefix + "SlotTypes/", "SlotType.json")
        intent_paths = self._children(prefix + "Intents/", "Intent.json")
        self.within_limit(path, len(intent_paths), intent_limit(locale_id), "intents", locale_id)
        self.within_limit(
            path, len(type_paths), slot_type_limit(locale_id), "slot types", locale_id
        )
        # Names are checked against sets: an archive may hold 100,000 files, and a scan of
        # the names so far for each file would take minutes.
        slot_types: dict[str, SlotType] = {}
        type_names: set[str] = set()
        for type_path in type_paths:
            slot_type = self.slot_type(type_path, locale_id)
            if slot_type is None:
                continue
            if slot_type.name in type_names:
                self.problem(type_path, f"the slot type name {slot_type.name} is used twice.")
                continue
            type_names.add(slot_type.name)
            slot_types[slot_type.slot_type_id] = slot_type
        intents: dict[str, Intent] = {}
        intent_names: set[str] = set()
        for intent_path in intent_paths:
            intent = self.intent(intent_path, locale_id, type_names)
            if intent is None:
                continue
            if intent.name in intent_names:
                self.problem(intent_path, f"the intent name {intent.name} is used twice.")
                continue
            if intent.intent_id in intents:  # FALLBACK_INTENT_ID: ids are otherwise new
                self.problem(
                    intent_path,
                    f"the intent {intent.name} is a second {FALLBACK_SIGNATURE} intent; a "
                    "locale has one.",
                )
                continue
            intent_names.add(intent.name)
            intents[intent.intent_id] = intent
        vocabulary = self.vocabulary_in(prefix + "CustomVocabulary/")
        return Locale(
            locale_id=locale_id,
            settings=settings,
            intents=intents,
            slot_types=slot_types,
            vocabulary=vocabulary,
            created=self.now,
            updated=self.now,
        )

    def _children(self, folder: str, filename: str) -> list[str]:
        """``<folder><name>/<filename>`` files, one level down, in name order."""
        if self._index is None:
            # One pass over the archive instead of one per intent: a 1,000-intent bot has
            # over 6,000 files.
            self._index = {}
            for path in self.files:
                parts = path.rsplit("/", 2)
                if len(parts) == 3 and parts[1]:
                    self._index.setdefault((parts[0] + "/", parts[2]), []).append(path)
        return sorted(self._index.get((folder, filename), []))

    def _name(self, path: str, data: dict[str, Any], kind: str) -> str | None:
        given = data.get("name")
        name = path.split("/")[-2] if given is None else given
        if not isinstance(name, str):
            self.problem(path, f"the {kind} name must be a string, not {_json_type(name)}.")
            return None
        if not _NAME.fullmatch(name):
            self.problem(
                path,
                f"the {kind} name {name!r} is not valid: 1 to 100 letters, digits, '_' "
                "and '-', starting with a letter or digit.",
            )
            return None
        return name

    def slot_type(self, path: str, locale_id: str) -> SlotType | None:
        data = self.json(path)
        if data is None:
            return None
        name = self._name(path, data, "slot type")
        settings = self.settings(path, data, "CreateSlotType", settings_members("CreateSlotType"))
        self.check_against(
            path,
            "CreateSlotType",
            _in_locale(locale_id, slotTypeName=name or "placeholder", **settings),
        )
        if name is None:
            return None
        return SlotType(new_id(), name, settings, self.now, self.now)

    def intent(self, path: str, locale_id: str, type_names: set[str]) -> Intent | None:
        data = self.json(path)
        if data is None:
            return None
        name = self._name(path, data, "intent")
        settings = self.settings(path, data, "CreateIntent", settings_members("CreateIntent"))
        self.check_against(
            path,
            "CreateIntent",
            _in_locale(locale_id, intentName=name or "placeholder", **settings),
        )
        folder = posixpath.dirname(path)
        slots: dict[str, Slot] = {}
        slot_names: set[str] = set()
        slot_paths = self._children(folder + "/Slots/", "Slot.json")
        self.within_limit(path, len(slot_paths), MAX_SLOTS_PER_INTENT, "slots")
        for slot_path in slot_paths:
            slot = self.slot(slot_path, locale_id, type_names)
            if slot is None:
                continue
            if slot.name in slot_names:
                self.problem(slot_path, f"the slot name {slot.name} is used twice.")
                continue
            slot_names.add(slot.name)
            slots[slot.slot_id] = slot
        priorities = self._priorities(path, data.get("slotPriorities"), slots)
        if name is None:
            return None
        is_fallback = settings.get("parentIntentSignature") == FALLBACK_SIGNATURE
        intent_id = FALLBACK_INTENT_ID if is_fallback else new_id()
        return Intent(intent_id, name, settings, slots, priorities, self.now, self.now)

    def _priorities(self, path: str, given: Any, slots: dict[str, Slot]) -> list[tuple[int, str]]:
        if given is None:
            return []
        if self.typed(path, "slotPriorities", given, list, "a list") is None:
            return []
        names = {slot.name for slot in slots.values()}
        priorities = []
        for index, entry in enumerate(given, 1):
            where = f"slotPriorities.{index}"
            if self.typed(path, where, entry, dict, "an object") is None:
                continue
            priority, slot_name = entry.get("priority"), entry.get("slotName")
            if not _is_integer(priority) or not 0 <= priority <= MAX_SLOT_PRIORITY:
                self.problem(
                    path,
                    f"{where}.priority must be an integer from 0 to {MAX_SLOT_PRIORITY}.",
                )
                continue
            if self.typed(path, f"{where}.slotName", slot_name, str, "a string") is None:
                continue
            if slot_name not in names:
                self.problem(
                    path,
                    f"{where} names the slot {slot_name!r}, which the intent does not have.",
                )
                continue
            priorities.append((priority, slot_name))
        return priorities

    def slot(self, path: str, locale_id: str, type_names: set[str]) -> Slot | None:
        data = self.json(path)
        if data is None:
            return None
        name = self._name(path, data, "slot")
        settings = self.settings(path, data, "CreateSlot", settings_members("CreateSlot"))
        type_name = data.get("slotTypeName")
        if type_name is None:
            if settings.get("subSlotSetting") is None:
                self.problem(path, "the slot names no slotTypeName.")
        elif self.typed(path, "slotTypeName", type_name, str, "a string") is None:
            type_name = None
        elif not (type_name.startswith("AMAZON.") or type_name in type_names):
            self.problem(
                path,
                f"the slot type {type_name!r} is neither a slot type of this locale in the "
                "archive nor a built-in AMAZON.* type.",
            )
        self.check_against(
            path,
            "CreateSlot",
            _in_locale(
                locale_id, slotName=name or "placeholder", intentId=_PLACEHOLDER_ID, **settings
            ),
        )
        if name is None:
            return None
        return Slot(
            new_id(),
            name,
            type_name if isinstance(type_name, str) else None,
            settings,
            self.now,
            self.now,
        )

    # -- a custom vocabulary ------------------------------------------------------------
    def vocabulary_in(self, folder: str) -> Vocabulary | None:
        """The vocabulary file under ``folder``, if the archive has one."""
        for filename in ("CustomVocabulary.json", "CustomVocabulary.tsv"):
            path = folder + filename
            if path in self.files:
                return self._vocabulary(path)
        return None

    def vocabulary_archive(self) -> Vocabulary:
        self.manifest("CustomVocabulary")
        found = sorted(
            name
            for name in self.files
            if posixpath.basename(name) in ("CustomVocabulary.tsv", "CustomVocabulary.json")
        )
        if len(found) != 1:
            listed = ", ".join(found) or "none"
            raise ArchiveProblems(
                [
                    "CustomVocabulary.tsv: a custom vocabulary archive needs exactly one "
                    f"CustomVocabulary.tsv or CustomVocabulary.json; found {listed}."
                ]
            )
        vocabulary = self._vocabulary(found[0])
        self.check()
        assert vocabulary is not None
        return vocabulary

    def _vocabulary(self, path: str) -> Vocabulary | None:
        try:
            items = vocabulary_file.read(
                self.take(path), json_form=path.endswith(".json"), budget=self.budget
            )
        except archive_json.OverBudget as over:
            self.over_budget(path, over)
        except vocabulary_file.VocabularyProblems as problems:
            for reason in problems.reasons:
                self.problem(path, reason)
            return None
        return Vocabulary(items, self.now, self.now)


def _unsafe(name: str) -> bool:
    return name.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", name) or ":" in name[:2]


def _lower_keys(data: dict[str, Any]) -> dict[str, Any]:
    return {str(key).lower(): value for key, value in data.items()}


# -- writing -------------------------------------------------------------------------------
class ExportProblem(ValueError):
    """A file of an export cannot be written; the message names it and says why."""


# What an archive file is before it is written: a JSON object, or what writes its bytes.
Content = Union[dict[str, Any], Callable[[], bytes]]


def _written(files: Mapping[str, Content]) -> dict[str, bytes]:
    """Every file as bytes, or ExportProblem naming the first that cannot be written."""
    out = {}
    for path, content in files.items():
        try:
            if callable(content):
                out[path] = content()
            else:
                # allow_nan=False: a bare NaN is not JSON; an export must be readable.
                text = json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False)
                out[path] = text.encode("utf-8")
        except UnicodeEncodeError:
            raise ExportProblem(
                f"{path}: the file cannot be written: it holds a lone surrogate, which is "
                "not Unicode text."
            ) from None
        except ValueError as problem:
            raise ExportProblem(
                f"{path}: the file cannot be written: {archive_json.reason(str(problem))}."
            ) from None
    return out


def manifest(resource_type: str, file_format: str = "LexJson") -> dict[str, Any]:
    return {
        "metadata": {
            "schemaVersion": SCHEMA_VERSION,
            "fileFormat": file_format,
            "resourceType": resource_type,
        }
    }


def _written_version(version: str) -> str | None:
    """A file's ``version``: null for the DRAFT, as exports write it, else the number."""
    return None if version == DRAFT else version


def _file_members(
    operation: str, settings: Mapping[str, Any], members: Iterable[str]
) -> dict[str, Any]:
    """``settings`` (a Create* request's members) as a file writes them: every member,
    null when unset, under the file format's names and values."""
    shape = _input_shape(operation)
    return {
        file_member(shape, name): to_file(settings.get(name), shape.members[name])
        for name in members
    }


def bot_files(bot: Bot, version: str = DRAFT) -> dict[str, bytes]:
    """A Bot archive: the bot and every locale (role, tags and aliases are not exported)."""
    files: dict[str, Content] = {"manifest.json": manifest("Bot")}
    files[f"{bot.name}/Bot.json"] = {
        "name": bot.name,
        "identifier": bot.bot_id,
        "version": _written_version(version),
        **_file_members("CreateBot", bot.settings, BOT_MEMBERS),
    }
    for locale in bot.locales.values():
        files.update(_locale_files(f"{bot.name}/BotLocales/{locale.locale_id}", locale, version))
    return _written(files)


def locale_files(bot: Bot, locale: Locale, version: str = DRAFT) -> dict[str, bytes]:
    """A BotLocale archive: the locale's subtree, vocabulary included."""
    files: dict[str, Content] = {"manifest.json": manifest("BotLocale")}
    files.update(_locale_files(f"{bot.name}/BotLocales/{locale.locale_id}", locale, version))
    return _written(files)


def vocabulary_files(bot: Bot, locale: Locale) -> dict[str, bytes]:
    """A CustomVocabulary archive in the TSV form."""
    vocabulary = locale.vocabulary
    assert vocabulary is not None
    path = f"{bot.name}/BotLocales/{locale.locale_id}/CustomVocabulary/CustomVocabulary.tsv"
    return _written(
        {
            "manifest.json": manifest("CustomVocabulary", "TSV"),
            path: lambda: vocabulary_file.write_tsv(vocabulary.items),
        }
    )


def _locale_files(root: str, locale: Locale, version: str) -> dict[str, Content]:
    files: dict[str, Content] = {
        f"{root}/BotLocale.json": {
            "name": LOCALE_NAMES.get(locale.locale_id, locale.locale_id),
            "identifier": locale.locale_id,
            "version": _written_version(version),
            **_file_members(
                "CreateBotLocale", locale.settings, settings_members("CreateBotLocale")
            ),
        }
    }
    for slot_type in locale.slot_types.values():
        files[f"{root}/SlotTypes/{slot_type.name}/SlotType.json"] = {
            "name": slot_type.name,
            "identifier": slot_type.slot_type_id,
            **_file_members(
                "CreateSlotType", slot_type.settings, settings_members("CreateSlotType")
            ),
        }
    for intent in locale.intents.values():
        folder = f"{root}/Intents/{intent.name}"
        files[f"{folder}/Intent.json"] = {
            "name": intent.name,
            "identifier": intent.intent_id,
            **_file_members("CreateIntent", intent.settings, settings_members("CreateIntent")),
            "slotPriorities": [
                {"priority": priority, "slotName": name} for priority, name in intent.priorities
            ],
        }
        for slot in intent.slots.values():
            files[f"{folder}/Slots/{slot.name}/Slot.json"] = {
                "name": slot.name,
                "identifier": slot.slot_id,
                "slotTypeName": slot.slot_type,
                **_file_members("CreateSlot", slot.settings, settings_members("CreateSlot")),
            }
    vocabulary = locale.vocabulary
    if vocabulary is not None:
        files[f"{root}/CustomVocabulary/CustomVocabulary.json"] = lambda: vocabulary_file.to_json(
            vocabulary.items
        )
    return files

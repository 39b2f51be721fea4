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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from importmock.engine.specs import spec_for_client
from importmock.services.lexv2 import vocabulary as vocabulary_file
from importmock.services.lexv2.models import (
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

SCHEMA_VERSION = "1"
MAX_SLOTS_PER_INTENT = 100
MAX_REASONS = 100
_NAME = re.compile(r"^([0-9a-zA-Z][_-]?){1,100}$")
_PLACEHOLDER_ID = "ABCDEFGHIJ"  # stands in for ids an archive cannot know, when validating


def intent_limit(locale_id: str) -> int:
    """Intents per locale: 1,000 for English (US, GB, AU), 250 for other locales."""
    return 1000 if locale_id in ("en_US", "en_GB", "en_AU") else 250


def slot_type_limit(locale_id: str) -> int:
    """Slot types per locale: 250 for English (US, GB, AU), 100 for other locales."""
    return 250 if locale_id in ("en_US", "en_GB", "en_AU") else 100


class ArchiveProblems(Exception):
    """What is wrong with an archive: every reason, each naming its file."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons[:MAX_REASONS]


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
def _settings_members(operation: str) -> tuple[str, ...]:
    """The members of a Create* request that an archive's JSON file may carry."""
    shape = spec_for_client("lexv2-models").operation(operation).model.input_shape
    return tuple(name for name in shape.members if name not in _NOT_SETTINGS)


BOT_MEMBERS = ("description", "dataPrivacy", "idleSessionTTLInSeconds", "errorLogSettings")


def _violations(operation: str, params: dict[str, Any]) -> list[str]:
    validator = spec_for_client("lexv2-models").operation(operation).validator
    return validator.violations(params) if validator is not None else []


def _in_locale(locale_id: str, **members: Any) -> dict[str, Any]:
    """The members of a request about a DRAFT locale, with ids the archive cannot know."""
    return {"botId": _PLACEHOLDER_ID, "botVersion": "DRAFT", "localeId": locale_id, **members}


# -- reading -------------------------------------------------------------------------------
@dataclass
class Reader:
    """Reads one archive's files; problems pile up in ``reasons`` instead of stopping."""

    files: Mapping[str, bytes]
    now: float
    reasons: list[str] = field(default_factory=list)
    _index: dict[tuple[str, str], list[str]] | None = None

    def problem(self, path: str, reason: str) -> None:
        self.reasons.append(f"{path}: {reason}")

    def check_against(self, path: str, operation: str, params: dict[str, Any]) -> None:
        """The model's constraints for ``operation``, applied to a file's members."""
        for problem in _violations(operation, params):
            self.problem(path, problem)

    def check(self) -> None:
        if self.reasons:
            raise ArchiveProblems(self.reasons)

    def json(self, path: str) -> dict[str, Any] | None:
        try:
            text = self.files[path].decode("utf-8-sig")
        except UnicodeDecodeError:
            self.problem(path, "the file is not UTF-8 text.")
            return None
        try:
            data = json.loads(text)
        except RecursionError:
            self.problem(path, "the JSON is nested too deeply.")
            return None
        except ValueError as broken:
            self.problem(path, f"the file is not valid JSON ({broken}).")
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
        if file_format is not None and str(file_format).lower() not in ("lexjson", "tsv"):
            raise ArchiveProblems(
                [f"{found[0]}: the fileFormat {file_format!r} is not LexJson or TSV."]
            )
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
        settings = _pick(data, BOT_MEMBERS)
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
            locale = self.locale(locale_root, posixpath.basename(locale_root))
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
        settings = _pick(data, _settings_members("CreateBotLocale"))
        if "nluIntentConfidenceThreshold" not in settings:
            # Exported BotLocale.json files call it nluConfidenceThreshold.
            threshold = data.get("nluConfidenceThreshold")
            settings["nluIntentConfidenceThreshold"] = 0.4 if threshold is None else threshold
        self.check_against(path, "CreateBotLocale", _in_locale(locale_id, **settings))
        slot_types: dict[str, SlotType] = {}
        for type_path in self._children(prefix + "SlotTypes/", "SlotType.json"):
            slot_type = self.slot_type(type_path, locale_id)
            if slot_type is None:
                continue
            if any(t.name == slot_type.name for t in slot_types.values()):
                self.problem(type_path, f"the slot type name {slot_type.name} is used twice.")
                continue
            slot_types[slot_type.slot_type_id] = slot_type
        type_names = {t.name for t in slot_types.values()}
        intents: dict[str, Intent] = {}
        for intent_path in self._children(prefix + "Intents/", "Intent.json"):
            intent = self.intent(intent_path, locale_id, type_names)
            if intent is None:
                continue
            if any(i.name == intent.name for i in intents.values()):
                self.problem(intent_path, f"the intent name {intent.name} is used twice.")
                continue
            intents[intent.intent_id] = intent
        if len(intents) > intent_limit(locale_id):
            self.problem(
                path,
                f"the locale has {len(intents)} intents; a {locale_id} locale may have at "
                f"most {intent_limit(locale_id)}.",
            )
        if len(slot_types) > slot_type_limit(locale_id):
            self.problem(
                path,
                f"the locale has {len(slot_types)} slot types; a {locale_id} locale may have "
                f"at most {slot_type_limit(locale_id)}.",
            )
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
        name = data.get("name", path.split("/")[-2])
        if not isinstance(name, str) or not _NAME.fullmatch(name):
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
        settings = _pick(data, _settings_members("CreateSlotType"))
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
        settings = _pick(data, _settings_members("CreateIntent"))
        self.check_against(
            path,
            "CreateIntent",
            _in_locale(locale_id, intentName=name or "placeholder", **settings),
        )
        folder = posixpath.dirname(path)
        slots: dict[str, Slot] = {}
        for slot_path in self._children(folder + "/Slots/", "Slot.json"):
            slot = self.slot(slot_path, locale_id, type_names)
            if slot is None:
                continue
            if slot.name in {s.name for s in slots.values()}:
                self.problem(slot_path, f"the slot name {slot.name} is used twice.")
                continue
            slots[slot.slot_id] = slot
        if len(slots) > MAX_SLOTS_PER_INTENT:
            self.problem(
                path,
                f"the intent has {len(slots)} slots; an intent may have at most "
                f"{MAX_SLOTS_PER_INTENT}.",
            )
        priorities = self._priorities(path, data.get("slotPriorities"), slots)
        if name is None:
            return None
        is_fallback = settings.get("parentIntentSignature") == FALLBACK_SIGNATURE
        intent_id = FALLBACK_INTENT_ID if is_fallback else new_id()
        return Intent(intent_id, name, settings, slots, priorities, self.now, self.now)

    def _priorities(self, path: str, given: Any, slots: dict[str, Slot]) -> list[tuple[int, str]]:
        if given is None:
            return []
        if not isinstance(given, list):
            self.problem(path, "slotPriorities must be a list.")
            return []
        names = {slot.name for slot in slots.values()}
        priorities = []
        for index, entry in enumerate(given, 1):
            entry = entry if isinstance(entry, dict) else {}
            priority, slot_name = entry.get("priority"), entry.get("slotName")
            if not isinstance(priority, int) or isinstance(priority, bool) or priority < 0:
                self.problem(path, f"slotPriorities.{index}.priority must be an integer >= 0.")
                continue
            if slot_name not in names:
                self.problem(
                    path,
                    f"slotPriorities.{index} names the slot {slot_name!r}, which the intent "
                    "does not have.",
                )
                continue
            priorities.append((priority, str(slot_name)))
        return priorities

    def slot(self, path: str, locale_id: str, type_names: set[str]) -> Slot | None:
        data = self.json(path)
        if data is None:
            return None
        name = self._name(path, data, "slot")
        settings = _pick(data, _settings_members("CreateSlot"))
        type_name = data.get("slotTypeName")
        if type_name is None:
            if settings.get("subSlotSetting") is None:
                self.problem(path, "the slot names no slotTypeName.")
        elif not isinstance(type_name, str) or not (
            type_name.startswith("AMAZON.") or type_name in type_names
        ):
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
            items = vocabulary_file.read(self.files[path], json_form=path.endswith(".json"))
        except vocabulary_file.VocabularyProblems as problems:
            for reason in problems.reasons:
                self.problem(path, reason)
            return None
        return Vocabulary(items, self.now, self.now)


def _unsafe(name: str) -> bool:
    return name.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", name) or ":" in name[:2]


def _lower_keys(data: dict[str, Any]) -> dict[str, Any]:
    return {str(key).lower(): value for key, value in data.items()}


def _pick(data: dict[str, Any], members: Iterable[str]) -> dict[str, Any]:
    """The given members of an archive's JSON object that are set (null means unset)."""
    return {name: data[name] for name in members if data.get(name) is not None}


# -- writing -------------------------------------------------------------------------------
def _dump(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def manifest(resource_type: str, file_format: str = "LexJson") -> bytes:
    return _dump(
        {
            "metadata": {
                "schemaVersion": SCHEMA_VERSION,
                "fileFormat": file_format,
                "resourceType": resource_type,
            }
        }
    )


def bot_files(bot: Bot) -> dict[str, bytes]:
    """A Bot archive: the bot and every locale (role, tags and aliases are not exported)."""
    files = {"manifest.json": manifest("Bot")}
    files[f"{bot.name}/Bot.json"] = _dump(
        {"name": bot.name, "version": "DRAFT", **_pick(bot.settings, BOT_MEMBERS)}
    )
    for locale in bot.locales.values():
        files.update(_locale_files(f"{bot.name}/BotLocales/{locale.locale_id}", locale))
    return files


def locale_files(bot: Bot, locale: Locale) -> dict[str, bytes]:
    """A BotLocale archive: the locale's subtree, vocabulary included."""
    files = {"manifest.json": manifest("BotLocale")}
    files.update(_locale_files(f"{bot.name}/BotLocales/{locale.locale_id}", locale))
    return files


def vocabulary_files(bot: Bot, locale: Locale) -> dict[str, bytes]:
    """A CustomVocabulary archive in the TSV form."""
    assert locale.vocabulary is not None
    path = f"{bot.name}/BotLocales/{locale.locale_id}/CustomVocabulary/CustomVocabulary.tsv"
    return {
        "manifest.json": manifest("CustomVocabulary", "TSV"),
        path: vocabulary_file.write_tsv(locale.vocabulary.items),
    }


def _locale_files(root: str, locale: Locale) -> dict[str, bytes]:
    settings = dict(locale.settings)
    threshold = settings.pop("nluIntentConfidenceThreshold", None)
    files = {
        f"{root}/BotLocale.json": _dump(
            {
                "name": locale.locale_id,
                "identifier": locale.locale_id,
                "version": "DRAFT",
                **settings,
                "nluConfidenceThreshold": threshold,
            }
        )
    }
    for slot_type in locale.slot_types.values():
        files[f"{root}/SlotTypes/{slot_type.name}/SlotType.json"] = _dump(
            {"name": slot_type.name, "identifier": slot_type.slot_type_id, **slot_type.settings}
        )
    for intent in locale.intents.values():
        folder = f"{root}/Intents/{intent.name}"
        body: dict[str, Any] = {
            "name": intent.name,
            "identifier": intent.intent_id,
            **intent.settings,
        }
        if intent.priorities:
            body["slotPriorities"] = [
                {"priority": priority, "slotName": name} for priority, name in intent.priorities
            ]
        files[f"{folder}/Intent.json"] = _dump(body)
        for slot in intent.slots.values():
            files[f"{folder}/Slots/{slot.name}/Slot.json"] = _dump(
                {
                    "name": slot.name,
                    "identifier": slot.slot_id,
                    "slotTypeName": slot.slot_type,
                    **slot.settings,
                }
            )
    if locale.vocabulary is not None:
        files[f"{root}/CustomVocabulary/CustomVocabulary.json"] = vocabulary_file.to_json(
            locale.vocabulary.items
        )
    return files

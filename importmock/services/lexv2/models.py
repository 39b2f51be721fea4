"""The resources of the Lex V2 model-building backend: bots, their DRAFT locales with
intents, slots, slot types and custom vocabulary, test sets, imports and exports.

A bot's definition lives in plain objects keyed by id; names are unique within their
parent, as in Lex. Settings that importmock only stores and returns (prompts, code hooks,
voice settings...) are kept as the dicts the API and the archives use, so describing,
exporting and importing them is lossless.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from importmock.engine.lifecycle import Job, Lifecycle
from importmock.engine.records import compact, next_sequence

# -- lifecycles ---------------------------------------------------------------------------
IMPORT = Lifecycle(kind="import", stages=("InProgress", "Completed"), failure="Failed")
EXPORT = Lifecycle(kind="export", stages=("InProgress", "Completed"), failure="Failed")
# Deleting an import or export record: Deleting, then the record is gone.
RECORD_DELETION = Lifecycle(
    kind="import or export deletion",
    stages=("Deleting", "Deleted"),
    failure="Failed",
    fail_next_target=False,
)
BOT_CREATION = Lifecycle(
    kind="bot creation", stages=("Creating", "Available"), failure="Failed", fail_next_target=False
)
BOT_DELETION = Lifecycle(
    kind="bot deletion", stages=("Deleting", "Deleted"), failure="Failed", fail_next_target=False
)
LOCALE_CREATION = Lifecycle(
    kind="bot locale creation",
    stages=("Creating", "NotBuilt"),
    failure="Failed",
    fail_next_target=False,
)
LOCALE_BUILD = Lifecycle(
    kind="bot locale build",
    stages=("Building", "Built"),
    failure="Failed",
    durations={"Building": 10.0},
    fail_next_target=False,
)
LOCALE_DELETION = Lifecycle(
    kind="bot locale deletion",
    stages=("Deleting", "Deleted"),
    failure="Failed",
    fail_next_target=False,
)
# A status that holds until something else happens (an edited locale is NotBuilt again).
LOCALE_EDITED = Lifecycle(
    kind="bot locale edit", stages=("NotBuilt",), failure="Failed", fail_next_target=False
)
# Numbered bot versions and aliases (versions.py, aliases.py).
BOT_VERSIONING = Lifecycle(
    kind="bot version creation",
    stages=("Versioning", "Available"),
    failure="Failed",
    fail_next_target=False,
)
BOT_VERSION_DELETION = Lifecycle(
    kind="bot version deletion",
    stages=("Deleting", "Deleted"),
    failure="Failed",
    fail_next_target=False,
)
ALIAS_CREATION = Lifecycle(
    kind="bot alias creation",
    stages=("Creating", "Available"),
    failure="Failed",
    fail_next_target=False,
)
ALIAS_DELETION = Lifecycle(
    kind="bot alias deletion",
    stages=("Deleting", "Deleted"),
    failure="Failed",
    fail_next_target=False,
)
# The kinds fail_next can name (record deletions and edits cannot fail).
LIFECYCLES = (
    IMPORT,
    EXPORT,
    BOT_CREATION,
    BOT_DELETION,
    LOCALE_CREATION,
    LOCALE_BUILD,
    LOCALE_DELETION,
    BOT_VERSIONING,
    BOT_VERSION_DELETION,
    ALIAS_CREATION,
    ALIAS_DELETION,
)

FALLBACK_INTENT_ID = "FALLBCKINT"  # Lex gives every locale's fallback intent this id
FALLBACK_SIGNATURE = "AMAZON.FallbackIntent"
DRAFT = "DRAFT"

_ID_ALPHABET = string.ascii_uppercase + string.digits


def new_id() -> str:
    """A Lex resource id: 10 uppercase letters and digits."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))


@dataclass
class Slot:
    slot_id: str
    name: str
    #: A custom slot type's name (resolved to its id when described) or an AMAZON.* type.
    slot_type: str | None
    settings: dict[str, Any]
    created: float
    updated: float


@dataclass
class Intent:
    intent_id: str
    name: str
    settings: dict[str, Any]
    slots: dict[str, Slot]  # by id
    #: (priority, slot name) pairs, as archives carry them.
    priorities: list[tuple[int, str]]
    created: float
    updated: float

    def slot_named(self, name: str) -> Slot | None:
        return next((slot for slot in self.slots.values() if slot.name == name), None)


@dataclass
class SlotType:
    slot_type_id: str
    name: str
    settings: dict[str, Any]
    created: float
    updated: float


@dataclass
class VocabularyItem:
    item_id: str
    phrase: str
    weight: int | None = None
    display_as: str | None = None

    def data(self) -> dict[str, Any]:
        return compact(
            {
                "itemId": self.item_id,
                "phrase": self.phrase,
                "weight": self.weight,
                "displayAs": self.display_as,
            }
        )


@dataclass
class Vocabulary:
    items: list[VocabularyItem]
    created: float
    updated: float


@dataclass
class Locale:
    locale_id: str
    settings: dict[str, Any]
    intents: dict[str, Intent]  # by id
    slot_types: dict[str, SlotType]  # by id
    vocabulary: Vocabulary | None
    created: float
    updated: float
    job: Job | None = None  # creation, build, edit or deletion: the status comes from it
    last_build_submitted: float | None = None
    history: list[tuple[str, float]] = field(default_factory=list)
    #: A numbered version's copy of the locale: its status, which never changes.
    frozen_status: str | None = None

    @property
    def status(self) -> str:
        if self.frozen_status is not None:
            return self.frozen_status
        return "NotBuilt" if self.job is None else self.job.status

    def intent_named(self, name: str) -> Intent | None:
        return next((i for i in self.intents.values() if i.name == name), None)

    def slot_type_named(self, name: str) -> SlotType | None:
        return next((t for t in self.slot_types.values() if t.name == name), None)


@dataclass
class Bot:
    bot_id: str
    name: str
    settings: dict[str, Any]  # description, roleArn, dataPrivacy, idleSessionTTLInSeconds...
    tags: dict[str, str]
    test_alias_tags: dict[str, str]
    locales: dict[str, Locale]
    created: float
    updated: float
    job: Job | None = None
    #: Numbered versions by number, aliases by id (the test alias is added when first read)
    versions: dict[str, BotVersion] = field(default_factory=dict)
    aliases: dict[str, BotAlias] = field(default_factory=dict)
    #: The last version number given out: numbers are never reused after a delete.
    last_version: int = 0

    @property
    def status(self) -> str:
        return "Available" if self.job is None else self.job.status


@dataclass
class BotVersion:
    """A numbered version: an immutable copy of the bot's settings and of the locales named
    in CreateBotVersion's ``botVersionLocaleSpecification``."""

    version: str
    name: str
    description: str | None
    settings: dict[str, Any]  # the bot's settings when the version was made
    locale_specification: dict[str, Any]  # as the request gave it
    locales: dict[str, Locale]
    created: float
    job: Job | None = None

    @property
    def status(self) -> str:
        return "Available" if self.job is None else self.job.status


@dataclass
class BotAlias:
    """An alias: its settings are the Create/UpdateBotAlias request members (description,
    botVersion, botAliasLocaleSettings, conversationLogSettings, sentimentAnalysisSettings)."""

    alias_id: str
    name: str
    settings: dict[str, Any]
    tags: dict[str, str]
    created: float
    updated: float
    #: (botVersion, startDate, endDate) of the versions it pointed to, newest first.
    history: list[dict[str, Any]] = field(default_factory=list)
    job: Job | None = None

    @property
    def status(self) -> str:
        return "Available" if self.job is None else self.job.status


@dataclass
class ResourcePolicy:
    """A bot's or alias's resource policy: its text as given and its revision."""

    policy: str
    revision: int


@dataclass
class TestSet:
    test_set_id: str
    name: str
    description: str | None
    modality: str
    role_arn: str
    storage_location: dict[str, Any]
    num_turns: int
    files: dict[str, bytes]  # the CSV files it was imported from, by name, for exports
    tags: dict[str, str]
    created: float
    updated: float

    def data(self) -> dict[str, Any]:
        return compact(
            {
                "testSetId": self.test_set_id,
                "testSetName": self.name,
                "description": self.description,
                "modality": self.modality,
                "status": "Ready",  # an imported test set is ready at once
                "roleArn": self.role_arn,
                "numTurns": self.num_turns,
                "storageLocation": self.storage_location,
                "creationDateTime": self.created,
                "lastUpdatedDateTime": self.updated,
            }
        )


@dataclass
class Upload:
    """What CreateUploadUrl handed out: an import id and the key its URL writes to."""

    import_id: str
    key: str
    created: float
    started: bool = False


@dataclass
class ImportRecord:
    import_id: str
    resource_type: str  # Bot | BotLocale | CustomVocabulary | TestSet
    specification: dict[str, Any]
    merge_strategy: str
    job: Job
    created: float
    imported_resource_id: str | None = None
    imported_resource_name: str | None = None
    failure_reasons: list[str] = field(default_factory=list)  # what the archive check found
    bot_id: str | None = None
    locale_id: str | None = None
    sequence: int = field(default_factory=next_sequence)

    @property
    def updated(self) -> float:
        return self.job.updated_at


@dataclass
class ExportRecord:
    export_id: str
    resource_type: str
    specification: dict[str, Any]
    file_format: str
    password: str | None
    job: Job
    created: float
    archive_key: str
    bot_id: str | None = None
    bot_version: str | None = None
    locale_id: str | None = None
    files: dict[str, bytes] | None = None  # the archive's content, built as the export starts
    archive: bytes | None = None  # the zip, written as the export completes
    updated_at: float | None = None  # UpdateExport changes it without moving the job
    sequence: int = field(default_factory=next_sequence)

    @property
    def updated(self) -> float:
        return max(self.job.updated_at, self.updated_at or 0.0)


def fallback_intent(moment: float) -> Intent:
    """The FallbackIntent every locale has, with the id Lex gives it."""
    return Intent(
        intent_id=FALLBACK_INTENT_ID,
        name="FallbackIntent",
        settings={
            "description": "Default intent when no other intent matches",
            "parentIntentSignature": FALLBACK_SIGNATURE,
        },
        slots={},
        priorities=[],
        created=moment,
        updated=moment,
    )


def with_fallback(locale: Locale) -> Locale:
    """Every locale has its FallbackIntent, even if the archive left it out."""
    if FALLBACK_INTENT_ID not in locale.intents:
        locale.intents[FALLBACK_INTENT_ID] = fallback_intent(locale.updated)
    return locale

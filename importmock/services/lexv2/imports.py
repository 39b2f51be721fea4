"""A Lex V2 import from start to end: the archive (or test-set CSV) read when it starts,
the merge strategy judged when it completes, and what it then writes into the bots.

An :class:`ImportPlan` belongs to one import. It keeps what the file holds until the import
completes; the backend's job lifecycle calls :meth:`ImportPlan.conflict` just before the
last step and :meth:`ImportPlan.apply` at ``Completed``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from importmock.engine import clock
from importmock.engine.lifecycle import Job
from importmock.engine.s3_objects import S3ReadError
from importmock.services.lexv2 import archive
from importmock.services.lexv2 import test_sets as test_set_file
from importmock.services.lexv2.archive_json import reason
from importmock.services.lexv2.models import (
    LOCALE_EDITED,
    Bot,
    ImportRecord,
    Intent,
    Locale,
    TestSet,
    new_id,
    with_fallback,
)
from importmock.services.lexv2.zip_archives import ArchiveError, read_zip

if TYPE_CHECKING:
    from importmock.services.lexv2.backend import LexModelsV2Backend

DEFAULT_IDLE_TTL = 300  # seconds, when neither the request nor the archive gives one

# Spec members of a locale import that win over the archive's BotLocale.json.
LOCALE_SPEC_SETTINGS = (
    "nluIntentConfidenceThreshold",
    "voiceSettings",
    "speechRecognitionSettings",
    "speechDetectionSensitivity",
    "unifiedSpeechSettings",
    "audioFillerSettings",
    "speakerDiarizationSettings",
)


def unexpected(problem: Exception) -> str:
    """The failure reason for an exception no reader expected: the job fails with it (the
    call that started the job still answers), and the reason says it is importmock's bug."""
    return reason(
        f"importmock could not read the file ({type(problem).__name__}: {problem}); this is "
        "a bug in importmock."
    )


class ImportPlan:
    """One import: what its file holds (read as it starts) and what it does at the end."""

    def __init__(
        self, backend: LexModelsV2Backend, resource_type: str, spec: dict[str, Any], merge: str
    ) -> None:
        self.backend = backend
        self.resource_type = resource_type
        self.spec = spec
        self.merge_strategy = merge
        self.reasons: list[str] = []
        self.bot: Bot | None = None
        self.locale: Locale | None = None
        self.vocabulary: Any = None
        self.num_turns = 0
        self.test_set_files: dict[str, bytes] = {}
        self.bot_id: str | None = None
        self.locale_id: str | None = None
        self.resource_name: str | None = (
            spec.get("botName") or spec.get("testSetName") or spec.get("localeId")
        )

    def read_archive(self, body: bytes | None, password: str | None) -> None:
        if body is None:
            self.reasons = ["No file was uploaded to the upload URL of this import."]
            return
        try:
            # The reader owns the files: it drops each one's content once it has parsed it.
            reader = archive.Reader(
                read_zip(
                    body, password, keep=archive.is_read, max_kept_file=archive.MAX_READ_FILE_BYTES
                ),
                clock.now(),
            )
            if self.resource_type == "Bot":
                self.bot, _ = reader.bot()
            elif self.resource_type == "BotLocale":
                self.locale = reader.locale_archive(self.spec["localeId"])
            else:
                self.vocabulary = reader.vocabulary_archive()
        except ArchiveError as problem:
            self.reasons = [reason(str(problem))]
        except archive.ArchiveProblems as problems:
            self.reasons = problems.reasons
        except Exception as problem:  # whatever it is, the import fails; the call answers
            self.reasons = [unexpected(problem)]
        if self.reasons:
            self.bot = self.locale = self.vocabulary = None

    def read_test_set(self, read: Callable[..., Any]) -> None:
        location = self.spec["importInputLocation"]
        url = f"s3://{location['s3BucketName']}/{location['s3Path']}"
        try:
            found = read(url, (".csv",))
        except S3ReadError as problem:
            self.reasons = [reason(str(problem))]
            return
        if not found:
            self.reasons = [f"No test set file was found at {url}."]
            return
        try:
            self.num_turns = sum(
                test_set_file.count_turns(o.body, o.url, self.spec["modality"]) for o in found
            )
        except test_set_file.TestSetProblems as problems:
            self.reasons = [reason(text) for text in problems.reasons]
            return
        except Exception as problem:  # whatever it is, the import fails; the call answers
            self.reasons = [unexpected(problem)]
            return
        self.test_set_files = {o.key.rsplit("/", 1)[-1]: o.body for o in found}

    def conflict(self, _: Job) -> str | None:
        """The merge strategy's verdict against the state as the import completes."""
        backend = self.backend
        fail_on_conflict = self.merge_strategy == "FailOnConflict"
        if self.resource_type == "Bot":
            existing = backend.bot_named(self.spec["botName"])
            if existing is not None and fail_on_conflict:
                return (
                    f"A bot named {self.spec['botName']} already exists (bot "
                    f"{existing.bot_id}); with the merge strategy FailOnConflict nothing was "
                    "imported."
                )
            if existing is None and len(backend.bots) >= backend.quota("bots"):
                return f"The account already has {backend.quota('bots')} bots, the quota."
            if existing is not None:
                return _busy(existing)
            return None
        if self.resource_type == "TestSet":
            if fail_on_conflict and any(
                t.name == self.spec["testSetName"] for t in backend.test_sets.values()
            ):
                return (
                    f"A test set named {self.spec['testSetName']} already exists; with the "
                    "merge strategy FailOnConflict nothing was imported."
                )
            return None
        bot = backend.bots.get(self.bot_id or "")
        if bot is None or bot.status == "Deleting":
            return f"Bot {self.bot_id} was deleted before the import completed."
        locale = bot.locales.get(self.locale_id or "")
        if self.resource_type == "CustomVocabulary":
            if locale is None or locale.status == "Deleting":
                return f"Locale {self.locale_id} was deleted before the import completed."
            if fail_on_conflict and locale.vocabulary is not None:
                return (
                    f"Locale {self.locale_id} of bot {bot.bot_id} already has a custom "
                    "vocabulary; with the merge strategy FailOnConflict nothing was imported."
                )
            return None
        if locale is not None and locale.job is not None and not locale.job.finished:
            return (
                f"Locale {self.locale_id} of bot {bot.bot_id} is {locale.status}; it can be "
                "changed once that has finished."
            )
        if locale is not None and fail_on_conflict:
            return (
                f"Bot {bot.bot_id} already has the locale {self.locale_id}; with the merge "
                "strategy FailOnConflict nothing was imported."
            )
        if locale is not None and self.merge_strategy == "Append":
            assert self.locale is not None
            added = [i for i in self.locale.intents.values() if locale.intent_named(i.name) is None]
            limit = archive.intent_limit(locale.locale_id)
            if len(locale.intents) + len(added) > limit:
                return (
                    f"Appending {len(added)} intents to locale {locale.locale_id} would give it "
                    f"more than {limit} intents."
                )
        return None

    def apply(self, record: ImportRecord, job: Job) -> None:
        moment = job.updated_at
        if self.resource_type == "Bot":
            record.imported_resource_id = record.bot_id = self._install_bot(moment)
        elif self.resource_type == "BotLocale":
            self._install_locale(moment)
            record.imported_resource_id = self.locale_id
        elif self.resource_type == "CustomVocabulary":
            self._install_vocabulary(moment)
            record.imported_resource_id = self.locale_id
        else:
            record.imported_resource_id = self._install_test_set(moment)
        # The archive's content now belongs to the bot; the record keeps only its summary.
        self.bot = self.locale = self.vocabulary = None

    # -- what an import does when it completes ------------------------------------------
    def _install_bot(self, moment: float) -> str:
        spec = self.spec
        imported = self.bot
        assert imported is not None
        existing = self.backend.bot_named(spec["botName"])
        settings = dict(imported.settings)
        for name in ("dataPrivacy", "idleSessionTTLInSeconds", "errorLogSettings"):
            if spec.get(name) is not None:
                settings[name] = spec[name]
        settings["roleArn"] = spec["roleArn"]
        settings.setdefault("idleSessionTTLInSeconds", DEFAULT_IDLE_TTL)
        locales = {}
        for locale_id, locale in imported.locales.items():
            old = existing.locales.get(locale_id) if existing is not None else None
            replaced = stamped(keeping_ids(old, locale), moment)
            locales[locale_id] = with_fallback(carried_over(old, replaced))
        for locale in locales.values():
            self._mark_edited(locale)
        if existing is not None:  # Overwrite: the DRAFT is replaced, the bot id kept
            kept = {k: v for k, v in existing.settings.items() if k in ("botType", "botMembers")}
            existing.settings = {**kept, **settings}
            existing.locales = locales
            existing.updated = moment
            if spec.get("botTags") is not None:
                existing.tags = dict(spec["botTags"])
            if spec.get("testBotAliasTags") is not None:
                existing.test_alias_tags = dict(spec["testBotAliasTags"])
            return existing.bot_id
        bot = Bot(
            bot_id=self.backend.unused_bot_id(),
            name=spec["botName"],
            settings=settings,
            tags=dict(spec.get("botTags") or {}),
            test_alias_tags=dict(spec.get("testBotAliasTags") or {}),
            locales=locales,
            created=moment,
            updated=moment,
        )
        self.backend.bots[bot.bot_id] = bot
        return bot.bot_id

    def _install_locale(self, moment: float) -> None:
        bot = self.backend.bots[self.bot_id or ""]
        imported = self.locale
        assert imported is not None and self.locale_id is not None
        settings = dict(imported.settings)
        for name in LOCALE_SPEC_SETTINGS:
            if self.spec.get(name) is not None:
                settings[name] = self.spec[name]
        imported.settings = settings
        existing = bot.locales.get(self.locale_id)
        if existing is not None and self.merge_strategy == "Append":
            for intent in imported.intents.values():
                if existing.intent_named(intent.name) is None:
                    existing.intents[intent.intent_id] = stamped_intent(intent, moment)
            for slot_type in imported.slot_types.values():
                if existing.slot_type_named(slot_type.name) is None:
                    slot_type.created = slot_type.updated = moment
                    existing.slot_types[slot_type.slot_type_id] = slot_type
            if existing.vocabulary is None and imported.vocabulary is not None:
                existing.vocabulary = imported.vocabulary
            existing.updated = moment
            locale = existing
        else:
            locale = carried_over(existing, stamped(keeping_ids(existing, imported), moment))
            locale.locale_id = self.locale_id
            bot.locales[self.locale_id] = with_fallback(locale)
        self._mark_edited(locale)
        bot.updated = moment

    def _mark_edited(self, locale: Locale) -> None:
        """A built (or failed) locale whose definition changed is NotBuilt again."""
        if locale.job is not None and locale.job.finished and locale.status != "NotBuilt":
            self.backend.jobs.continue_with(locale.job, LOCALE_EDITED)

    def _install_vocabulary(self, moment: float) -> None:
        locale = self.backend.bots[self.bot_id or ""].locales[self.locale_id or ""]
        assert self.vocabulary is not None
        created = locale.vocabulary.created if locale.vocabulary is not None else moment
        self.vocabulary.created, self.vocabulary.updated = created, moment
        locale.vocabulary = self.vocabulary
        locale.updated = moment

    def _install_test_set(self, moment: float) -> str:
        spec = self.spec
        existing = next(
            (t for t in self.backend.test_sets.values() if t.name == spec["testSetName"]), None
        )
        test_set = TestSet(
            test_set_id=existing.test_set_id if existing else new_id(),
            name=spec["testSetName"],
            description=spec.get("description"),
            modality=spec["modality"],
            role_arn=spec["roleArn"],
            storage_location=spec["storageLocation"],
            num_turns=self.num_turns,
            files=self.test_set_files,
            tags=dict(
                spec["testSetTags"]
                if spec.get("testSetTags") is not None
                else (existing.tags if existing else {})
            ),
            created=existing.created if existing else moment,
            updated=moment,
        )
        self.backend.test_sets[test_set.test_set_id] = test_set
        return test_set.test_set_id


def _busy(bot: Bot) -> str | None:
    """Why an Overwrite cannot replace ``bot``'s DRAFT now, or None.

    A bot being deleted would be gone with what the import wrote. An Overwrite replaces
    every locale, and a replaced locale carries its status on: a locale still being
    created, built or deleted would end that phase with the new locale's status (a deletion
    ends in ``Deleted``, which is not a BotLocaleStatus). So, as for a locale import, the
    import fails. A bot still being created is fine: it becomes Available.
    """
    if bot.status == "Deleting":
        return f"Bot {bot.bot_id} ({bot.name}) was deleted before the import completed."
    for locale in bot.locales.values():
        if locale.job is not None and not locale.job.finished:
            return (
                f"Locale {locale.locale_id} of bot {bot.bot_id} is {locale.status}; the bot "
                "can be overwritten once that has finished."
            )
    return None


# -- merging an imported locale into what exists --------------------------------------------
def keeping_ids(old: Locale | None, new: Locale) -> Locale:
    """``new``, with the ids of the intents, slots and slot types ``old`` has by name."""
    if old is None:
        return new
    intents = {}
    for intent in new.intents.values():
        previous = old.intent_named(intent.name)
        if previous is not None:
            intent.intent_id = previous.intent_id
            slots = {}
            for slot in intent.slots.values():
                kept = previous.slot_named(slot.name)
                if kept is not None:
                    slot.slot_id = kept.slot_id
                slots[slot.slot_id] = slot
            intent.slots = slots
        intents[intent.intent_id] = intent
    new.intents = intents
    slot_types = {}
    for slot_type in new.slot_types.values():
        previous_type = old.slot_type_named(slot_type.name)
        if previous_type is not None:
            slot_type.slot_type_id = previous_type.slot_type_id
        slot_types[slot_type.slot_type_id] = slot_type
    new.slot_types = slot_types
    return new


def carried_over(old: Locale | None, new: Locale) -> Locale:
    """What a replaced locale keeps: its creation time, status and last build time."""
    if old is not None:
        new.created = old.created
        new.job = old.job
        new.last_build_submitted = old.last_build_submitted
    return new


def stamped_intent(intent: Intent, moment: float) -> Intent:
    intent.created = intent.updated = moment
    for slot in intent.slots.values():
        slot.created = slot.updated = moment
    return intent


def stamped(locale: Locale, moment: float) -> Locale:
    """Everything in an imported locale was created when the import completed."""
    locale.created = locale.updated = moment
    for intent in locale.intents.values():
        stamped_intent(intent, moment)
    for slot_type in locale.slot_types.values():
        slot_type.created = slot_type.updated = moment
    if locale.vocabulary is not None:
        locale.vocabulary.created = locale.vocabulary.updated = moment
    return locale

"""What every part of the Lex V2 backend stands on: the backend's state, and the look-ups,
listings and job starts its operations share.

The operations themselves live in one module per family of resources (backend.py for bots,
locales, imports and exports; the other modules beside it), each a mixin over this base.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from importmock.engine.backend import Backend
from importmock.engine.errors import ServiceError
from importmock.engine.lifecycle import Job, Lifecycle
from importmock.services.lexv2.models import (
    DRAFT,
    Bot,
    BotVersion,
    ExportRecord,
    ImportRecord,
    Intent,
    Locale,
    ResourcePolicy,
    TestSet,
    Upload,
)

DEFAULT_PAGE_SIZE = 10


def _descending(text: str) -> tuple[int, ...]:
    """A sort key that orders strings from last to first (the trailing 1 puts "ab" before
    "a", as reverse order must)."""
    return (*(-ord(char) for char in text), 1)


def _matches(value: str, operator: str, wanted: str) -> bool:
    if operator == "EQ":
        return value == wanted
    if operator == "NE":
        return value != wanted
    return wanted.lower() in value.lower()  # CO


class LexBackendBase(Backend):
    """The Lex V2 backend's state and shared helpers (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bots: dict[str, Bot] = {}
        self.uploads: dict[str, Upload] = {}
        self.imports: dict[str, ImportRecord] = {}
        self.exports: dict[str, ExportRecord] = {}
        self.test_sets: dict[str, TestSet] = {}
        self.policies: dict[str, ResourcePolicy] = {}  # by bot or bot alias ARN

    # -- helpers ---------------------------------------------------------------------
    @property
    def _bucket(self) -> str:
        return f"lexv2-{self.account_id}"

    def _arn(self, resource: str) -> str:
        return f"arn:aws:lex:{self.region}:{self.account_id}:{resource}"

    def _missing(self, message: str) -> ServiceError:
        """Unknown resources: ResourceNotFoundException, or for the operations whose model
        does not declare it (deletes, builds, creates under a parent), the error they do
        declare for a request naming something that is not there."""
        declared = (
            self.context.spec.operation(self.context.operation).error_codes
            if (self.context is not None)
            else frozenset()
        )
        if "ResourceNotFoundException" not in declared and "PreconditionFailedException" in (
            declared
        ):
            return ServiceError("PreconditionFailedException", message)
        return ServiceError("ResourceNotFoundException", message)

    def _start(
        self,
        job_id: str,
        lifecycle: Lifecycle,
        *,
        failure_reason: str | None = None,
        on_success: Callable[[Job], object] | None = None,
        on_failure: Callable[[Job], object] | None = None,
        decide: Callable[[Job], str | None] | None = None,
    ) -> Job:
        return self.jobs.start(
            job_id,
            self.service,
            lifecycle,
            failure_reason=failure_reason,
            on_success=on_success,
            on_failure=on_failure,
            decide=decide,
        )

    def _bot(self, bot_id: str) -> Bot:
        bot = self.bots.get(bot_id)
        if bot is not None and bot.job is not None:
            bot.job.read()  # a read moves its status in `reads` mode (and may finish it)
        bot = self.bots.get(bot_id)
        if bot is None:
            raise self._missing(f"Bot {bot_id} does not exist.")
        return bot

    def _draft(self, bot: Bot, bot_version: str) -> None:
        """Writes go to the DRAFT version only: numbered versions never change."""
        if bot_version != DRAFT:
            raise self._missing(
                f"Bot {bot.bot_id} version {bot_version} cannot be changed; only the DRAFT "
                "version can."
            )

    def _version(self, bot: Bot, bot_version: str) -> BotVersion:
        """A numbered version of the bot (read, which may finish its creation or deletion)."""
        version = bot.versions.get(bot_version)
        if version is not None and version.job is not None:
            version.job.read()
        version = bot.versions.get(bot_version)
        if version is None:
            raise self._missing(f"Bot {bot.bot_id} has no version {bot_version}.")
        return version

    def _locales_of(self, bot: Bot, bot_version: str) -> dict[str, Locale]:
        """The locales reads see: DRAFT's, or a numbered version's immutable copies."""
        if bot_version == DRAFT:
            return bot.locales
        return self._version(bot, bot_version).locales

    def _locale(self, bot_id: str, bot_version: str, locale_id: str) -> tuple[Bot, Locale]:
        """A locale of DRAFT or of a numbered version, for reads; writes check ``_draft``
        first (or use ``_draft_locale``)."""
        bot = self._bot(bot_id)
        locales = self._locales_of(bot, bot_version)
        locale = locales.get(locale_id)
        if locale is not None and locale.job is not None:
            locale.job.read()
        locale = locales.get(locale_id)
        if locale is None:
            raise self._missing(f"Bot {bot_id} version {bot_version} has no locale {locale_id}.")
        return bot, locale

    def _draft_locale(self, bot_id: str, bot_version: str, locale_id: str) -> tuple[Bot, Locale]:
        """A DRAFT locale, for writes."""
        self._draft(self._bot(bot_id), bot_version)
        return self._locale(bot_id, bot_version, locale_id)

    def _intent(self, locale: Locale, intent_id: str) -> Intent:
        intent = locale.intents.get(intent_id)
        if intent is None:
            raise self._missing(f"Intent {intent_id} does not exist in locale {locale.locale_id}.")
        return intent

    def _page(
        self,
        items: Iterable[Any],
        key: Callable[[Any], tuple[Any, ...]],
        scope: str,
        maxResults: int | None,
        nextToken: str | None,
    ) -> tuple[list[Any], str | None]:
        return self.paginate(items, key, scope, maxResults, nextToken, DEFAULT_PAGE_SIZE)

    @staticmethod
    def _sorted_by(
        sort_by: dict[str, Any] | None,
        default: str,
        name: Callable[[Any], str],
        updated: Callable[[Any], float],
        tiebreak: Callable[[Any], Any],
    ) -> tuple[Callable[[Any], tuple[Any, ...]], str]:
        """The sort key for a Lex ``sortBy`` (a name attribute or LastUpdatedDateTime)."""
        attribute = (sort_by or {}).get("attribute", default)
        descending = (sort_by or {}).get("order", "Ascending") == "Descending"
        if attribute == "LastUpdatedDateTime":
            if descending:
                return (lambda item: (-updated(item), tiebreak(item))), f"{attribute}-d"
            return (lambda item: (updated(item), tiebreak(item))), attribute
        if descending:
            return (lambda item: (_descending(name(item)), tiebreak(item))), f"{attribute}-d"
        return (lambda item: (name(item), tiebreak(item))), attribute

    @staticmethod
    def _filtered(
        items: Iterable[Any], filters: list[dict[str, Any]] | None, fields: dict[str, Any]
    ) -> list[Any]:
        chosen = list(items)
        for condition in filters or []:
            value_of = fields[condition["name"]]
            wanted = condition["values"][0]
            chosen = [
                item for item in chosen if _matches(value_of(item), condition["operator"], wanted)
            ]
        return chosen

"""What every part of the Wisdom / Amazon Q in Connect backend stands on: the backend's
state, and the look-ups and listings its operations share.

The operations live in backend.py (knowledge bases, uploads, import jobs, quick responses,
tags) and contents.py (knowledge-base content), each over this base.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from importmock.engine.backend import Backend
from importmock.engine.errors import ServiceError
from importmock.engine.idempotency import ClientTokens
from importmock.services.wisdom.models import KnowledgeBase

DEFAULT_PAGE_SIZE = 10
#: How long the download links the backend hands out (import files, reports, contents)
#: stay valid from the read that minted them.
DOWNLOAD_TTL_SECONDS = 15 * 60


def last_segment(reference: str) -> str:
    """Path ids accept the id or the ARN; the id is the ARN's last path segment."""
    return reference.rsplit("/", 1)[-1] if reference.startswith("arn:") else reference


def refers_to(reference: str, resource_id: str, arn: str) -> bool:
    """An id names the resource; an ARN must be the resource's own ARN (same region and
    account), not just end with its id."""
    return reference == arn if reference.startswith("arn:") else reference == resource_id


class WisdomBackendBase(Backend):
    """The Wisdom backend's state and shared helpers (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.knowledge_bases: dict[str, KnowledgeBase] = {}
        self.tokens = ClientTokens()

    @property
    def _bucket(self) -> str:
        return f"wisdom-{self.account_id}"

    def _arn(self, resource: str) -> str:
        return f"arn:aws:wisdom:{self.region}:{self.account_id}:{resource}"

    @staticmethod
    def _not_found(kind: str, reference: str) -> ServiceError:
        return ServiceError(
            "ResourceNotFoundException", f"{kind} not found: {reference}", resourceName=reference
        )

    def _kb(self, reference: str) -> KnowledgeBase:
        kb = self.knowledge_bases.get(last_segment(reference))
        if kb is None or not refers_to(reference, kb.knowledge_base_id, kb.arn):
            raise self._not_found("Knowledge base", reference)
        return kb

    def _page(
        self,
        items: Iterable[Any],
        scope: str,
        maxResults: int | None,
        nextToken: str | None,
        key: Callable[[Any], tuple[Any, ...]] = lambda item: (-item.sequence,),
    ) -> tuple[list[Any], str | None]:
        """One page, newest first unless ``key`` says otherwise."""
        return self.paginate(items, key, scope, maxResults, nextToken, DEFAULT_PAGE_SIZE)

    def _declared(self, shape_name: str, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` without the members the calling client's model does not declare in
        ``shape_name`` (an older or the ``wisdom`` model lacks some ``qconnect`` members)."""
        assert self.context is not None
        model = self.context.spec.model
        members = _members.get((id(model), shape_name))
        if members is None:
            members = frozenset(model.shape_for(shape_name).members)
            _members[(id(model), shape_name)] = members
        return {name: value for name, value in data.items() if name in members}


# A shape's member names per (model, shape): building a botocore shape is not free, and the
# content operations ask on every response. Specs, and so models, live for the process.
_members: dict[tuple[int, str], frozenset[str]] = {}

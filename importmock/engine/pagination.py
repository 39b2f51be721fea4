"""Token pagination that stays consistent while items are added between pages.

A token records the sort key of the last item returned (and which listing it belongs to),
not an offset, so items inserted before that point never shift the next page: no
duplicates, no gaps.
"""

from __future__ import annotations

import base64
import bisect
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
SortKey = tuple[Any, ...]


class InvalidToken(ValueError):
    """A next token importmock did not issue for this listing."""


def _encode(scope: str, key: SortKey) -> str:
    raw = json.dumps({"s": scope, "k": list(key)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(scope: str, token: str) -> SortKey:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data["s"] != scope or not isinstance(data["k"], list):
            raise ValueError
        return tuple(data["k"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidToken(token) from exc


def paginate(
    items: Sequence[Item],
    key: Callable[[Item], SortKey],
    *,
    scope: str,
    max_results: int | None,
    next_token: str | None,
    default_page_size: int,
) -> tuple[list[Item], str | None]:
    """One page of ``items`` in ascending ``key`` order, and the token for the next."""
    ordered = sorted(items, key=key)
    keys = [key(item) for item in ordered]
    start = 0
    if next_token is not None:
        try:
            start = bisect.bisect_right(keys, _decode(scope, next_token))
        except TypeError as exc:  # a forged key of another shape
            raise InvalidToken(next_token) from exc
    size = max_results or default_page_size
    page = ordered[start : start + size]
    more = start + size < len(ordered)
    return page, (_encode(scope, keys[start + size - 1]) if more and page else None)

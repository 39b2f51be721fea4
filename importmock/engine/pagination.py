"""Token pagination that stays consistent while items are added between pages.

A token records the sort key of the last item returned (and which listing it belongs to),
not an offset, so items inserted before that point never shift the next page: no
duplicates, no gaps.
"""

from __future__ import annotations

import ast
import base64
import bisect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
SortKey = tuple[Any, ...]


class InvalidToken(ValueError):
    """A next token importmock did not issue for this listing."""


def _encode(scope: str, key: SortKey) -> str:
    raw = f"{scope}\n{key!r}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(scope: str, token: str) -> SortKey:
    try:
        padded = token + "=" * (-len(token) % 4)
        token_scope, _, key = base64.urlsafe_b64decode(padded.encode()).decode().partition("\n")
        decoded = ast.literal_eval(key)  # literals only: a forged token cannot run code
        if token_scope != scope or not isinstance(decoded, tuple):
            raise ValueError
        return decoded
    except (ValueError, SyntaxError, UnicodeDecodeError, MemoryError, RecursionError) as exc:
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
    unsorted_keys = [key(item) for item in items]
    positions = sorted(range(len(items)), key=unsorted_keys.__getitem__)
    ordered = [items[i] for i in positions]
    keys = [unsorted_keys[i] for i in positions]
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

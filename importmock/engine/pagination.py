"""Token pagination that stays consistent while items are added between pages.

A token records the sort key of the last item returned (and which listing it belongs to),
not an offset, so items inserted before that point never shift the next page: no
duplicates, no gaps.

Every token fits every model: the listing it belongs to (its scope, which may hold a whole
search expression) travels as a digest, so a token's length depends on its sort key
alone, and a key too long to carry is replaced by its digest. No token is longer than
``MAX_TOKEN_LENGTH`` characters of ``[A-Za-z0-9_-]``.
"""

from __future__ import annotations

import ast
import base64
import binascii
import bisect
import hashlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
SortKey = tuple[Any, ...]

#: The longest token minted: within the smallest ``max`` a mocked model declares for a
#: next token (2048, qconnect's ``NextToken``; the others allow 4096 or set no limit).
MAX_TOKEN_LENGTH = 1024
_DIGEST_BYTES = 16
# Base64 carries 3 bytes in 4 characters: what is left for the key after the scope digest.
_KEY_BYTES = MAX_TOKEN_LENGTH * 3 // 4 - _DIGEST_BYTES
_HASHED_KEY = "#"


class InvalidToken(ValueError):
    """A next token importmock did not issue for this listing."""


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:_DIGEST_BYTES]


def _encode(scope: str, keys: Sequence[SortKey], last: int) -> str:
    payload = repr(keys[last]).encode("utf-8", "surrogatepass")
    if len(payload) > _KEY_BYTES:
        # A key this long (no backend sorts on one today) is found again by its digest;
        # its position is the fallback should the item be gone by the next call.
        payload = f"{_HASHED_KEY}{_digest(repr(keys[last])).hex()}:{last}".encode()
    raw = _digest(scope) + payload
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _start_after(scope: str, keys: Sequence[SortKey], token: str) -> int:
    """The index of the first item after the one ``token`` points at."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken(token)  # never minted; and not worth decoding
    try:
        raw = base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode())
        if raw[:_DIGEST_BYTES] != _digest(scope):
            raise ValueError("a token of another listing")
        payload = raw[_DIGEST_BYTES:].decode()
        if payload.startswith(_HASHED_KEY):
            digest, _, position = payload[len(_HASHED_KEY) :].partition(":")
            for index, key in enumerate(keys):
                if _digest(repr(key)).hex() == digest:
                    return index + 1
            # The item is gone: those after it have moved up into its place.
            return min(int(position), len(keys))
        decoded = ast.literal_eval(payload)  # literals only: a forged token cannot run code
        if not isinstance(decoded, tuple):
            raise ValueError("not a sort key")
        return bisect.bisect_right(keys, decoded)
    except (
        ValueError,
        TypeError,  # a forged key of another shape
        SyntaxError,
        UnicodeDecodeError,
        binascii.Error,
        MemoryError,
        RecursionError,
    ) as exc:
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
    start = 0 if next_token is None else _start_after(scope, keys, next_token)
    size = max_results or default_page_size
    page = ordered[start : start + size]
    more = start + size < len(ordered)
    return page, (_encode(scope, keys, start + size - 1) if more and page else None)

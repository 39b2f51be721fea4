"""Unit tests of importmock.engine.pagination: every token fits every model's nextToken.

The services' own tests page through boto3; these cover what no backend reaches today: a
sort key too long to carry (it travels as a digest) and scopes of any length.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from importmock.engine.pagination import MAX_TOKEN_LENGTH, InvalidToken, paginate

TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def _pages(items: list[Any], scope: str, size: int) -> tuple[list[Any], list[str]]:
    seen: list[Any] = []
    tokens: list[str] = []
    token = None
    while True:
        page, token = paginate(
            items,
            lambda item: (item,),
            scope=scope,
            max_results=size,
            next_token=token,
            default_page_size=10,
        )
        seen += page
        if token is None:
            return seen, tokens
        tokens.append(token)


@pytest.mark.parametrize("key_length", [1, 700, 5_000])
def test_tokens_stay_short_whatever_the_scope_and_the_key(key_length: int) -> None:
    items = [f"{index:04}" + "k" * key_length for index in range(7)]
    scope = "search:" + "s" * 200_000
    seen, tokens = _pages(items, scope, 2)
    assert seen == items
    assert len(tokens) == 3
    for token in tokens:
        assert TOKEN.fullmatch(token) and len(token) <= MAX_TOKEN_LENGTH, len(token)


def test_a_digested_key_is_found_again_and_falls_back_to_its_position() -> None:
    items = [f"{index:04}" + "k" * 5_000 for index in range(6)]
    first, token = paginate(
        items,
        lambda item: (item,),
        scope="s",
        max_results=2,
        next_token=None,
        default_page_size=10,
    )
    assert first == items[:2] and token is not None
    newer = ["0000a" + "k" * 5_000, *items]  # sorts before the last item returned
    second, _ = paginate(
        newer,
        lambda item: (item,),
        scope="s",
        max_results=2,
        next_token=token,
        default_page_size=10,
    )
    assert second == items[2:4]
    gone = [item for item in items if item != items[1]]  # the item the token points at
    third, _ = paginate(
        gone,
        lambda item: (item,),
        scope="s",
        max_results=2,
        next_token=token,
        default_page_size=10,
    )
    assert third == items[2:4]  # from its position: the items after it moved up


@pytest.mark.parametrize(
    "token",
    ["", "bm90LWEtdG9rZW4", "A" * (MAX_TOKEN_LENGTH + 1), "%%%"],
    ids=["empty", "not-a-token", "longer-than-any-minted", "not-base64"],
)
def test_tokens_not_minted_for_the_listing_are_refused(token: str) -> None:
    items = list(range(5))
    with pytest.raises(InvalidToken):
        paginate(
            items,
            lambda item: (item,),
            scope="s",
            max_results=2,
            next_token=token,
            default_page_size=10,
        )


def test_a_token_of_another_scope_is_refused() -> None:
    items = list(range(5))
    _, token = paginate(
        items,
        lambda item: (item,),
        scope="one",
        max_results=2,
        next_token=None,
        default_page_size=10,
    )
    assert token is not None
    with pytest.raises(InvalidToken):
        paginate(
            items,
            lambda item: (item,),
            scope="two",
            max_results=2,
            next_token=token,
            default_page_size=10,
        )

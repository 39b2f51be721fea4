"""SearchQuickResponses over imported quick responses: queries, filters, order, pages."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
import time_machine

from .conftest import csv_text, error_of, import_and_get

ROWS = [
    # name, content, description, shortcutKey, isActive, channels, language
    ["Greeting", "Hello and welcome", "opening line", "hi", "true", "Chat", "en_US"],
    ["Goodbye", "Thanks for contacting us", "closing", "bye", "true", "Chat;Email", "en_US"],
    ["Refund policy", "Refunds take 5 days", "", "refund", "false", "Email", "fr_FR"],
    ["Hold", "Please hold while I check", "", "", "true", "", ""],
    ["greeting alt", "Hi there!", "", "hey", "true", "Chat", "en_GB"],
]
ALL_ASC = ["Goodbye", "Greeting", "greeting alt", "Hold", "Refund policy"]


@pytest.fixture
def searchable(client: Any, kb_id: str) -> tuple[Any, str]:
    text = csv_text(
        ["name", "content", "description", "shortcutKey", "isActive", "channels", "language"],
        *ROWS,
    )
    job = import_and_get(client, kb_id, text)
    assert job["status"] == "COMPLETE"
    assert "failedRecordReport" not in job
    return client, kb_id


def _search(searchable: tuple[Any, str], expression: dict[str, Any], **kwargs: Any) -> list[str]:
    client, kb_id = searchable
    response = client.search_quick_responses(
        knowledgeBaseId=kb_id, searchExpression=expression, **kwargs
    )
    assert "nextToken" not in response
    return [result["name"] for result in response["results"]]


def _query(field: str, *values: str, operator: str = "CONTAINS", **extra: Any) -> dict[str, Any]:
    return {"name": field, "values": list(values), "operator": operator, **extra}


def _filter(field: str, *values: str, operator: str = "EQUALS", **extra: Any) -> dict[str, Any]:
    return {"name": field, "values": list(values), "operator": operator, **extra}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (_query("name", "greet"), ["Greeting", "greeting alt"]),
        (_query("name", "GREETING"), ["Greeting", "greeting alt"]),
        (_query("name", "policy"), ["Refund policy"]),
        (_query("name", "nothing-like-this"), []),
        (_query("content", "hold"), ["Hold"]),
        (_query("content", "THANKS"), ["Goodbye"]),
        (_query("content", "e"), ["Greeting", "greeting alt", "Hold", "Refund policy"]),
        (_query("content", "refund", "welcome"), ["Greeting", "Refund policy"]),
        (_query("description", "clos"), ["Goodbye"]),
        (_query("shortcutKey", "h"), ["Greeting", "greeting alt"]),
    ],
    ids=[
        "name",
        "name-case-insensitive",
        "name-middle",
        "name-no-match",
        "content",
        "content-case-insensitive",
        "content-several-hits",
        "any-of-values",
        "description",
        "shortcut-key",
    ],
)
def test_contains_queries(searchable: tuple[Any, str], query: dict, expected: list[str]) -> None:
    found = _search(
        searchable, {"queries": [query], "orderOnField": {"name": "name", "order": "ASC"}}
    )
    assert found == expected


def test_queries_are_alternatives_ranked_by_priority(searchable: tuple[Any, str]) -> None:
    queries = [
        _query("content", "hello", priority="LOW"),
        _query("name", "hold", priority="HIGH"),
    ]
    assert _search(searchable, {"queries": queries}) == ["Hold", "Greeting"]


def test_contains_and_prefix_matches_word_starts(searchable: tuple[Any, str]) -> None:
    found = _search(
        searchable,
        {
            "queries": [_query("content", "chec", operator="CONTAINS_AND_PREFIX")],
        },
    )
    assert found == ["Hold"]


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ([_filter("isActive", "false")], ["Refund policy"]),
        ([_filter("isActive", "true")], ["Goodbye", "Greeting", "greeting alt", "Hold"]),
        ([_filter("channels", "Email")], ["Goodbye", "Refund policy"]),
        ([_filter("language", "en_US", "fr_FR")], ["Goodbye", "Greeting", "Refund policy"]),
        ([_filter("name", "greeting")], []),  # EQUALS is exact
        ([_filter("name", "Greeting")], ["Greeting"]),
        ([_filter("name", "Good", operator="PREFIX")], ["Goodbye"]),
        ([_filter("language", "en", operator="PREFIX")], ["Goodbye", "Greeting", "greeting alt"]),
        (
            [_filter("language", "en", operator="PREFIX"), _filter("channels", "Email")],
            ["Goodbye"],
        ),
        (
            [_filter("shortcutKey", "h", operator="PREFIX", includeNoExistence=True)],
            ["Greeting", "greeting alt", "Hold"],
        ),
    ],
    ids=[
        "inactive",
        "active",
        "channel",
        "several-values",
        "equals-is-case-sensitive",
        "equals-name",
        "prefix-name",
        "prefix-language",
        "filters-all-hold",
        "include-no-existence",
    ],
)
def test_filters(searchable: tuple[Any, str], rules: list, expected: list[str]) -> None:
    expression = {"filters": rules, "orderOnField": {"name": "name", "order": "ASC"}}
    assert _search(searchable, expression) == expected


def test_queries_and_filters_together(searchable: tuple[Any, str]) -> None:
    expression = {
        "queries": [_query("name", "greet")],
        "filters": [_filter("language", "en_GB")],
    }
    assert _search(searchable, expression) == ["greeting alt"]


@pytest.mark.parametrize(
    ("order", "expected"),
    [("ASC", ALL_ASC), ("DESC", ALL_ASC[::-1])],
)
def test_order_on_field(searchable: tuple[Any, str], order: str, expected: list[str]) -> None:
    assert _search(searchable, {"orderOnField": {"name": "name", "order": order}}) == expected


def test_order_by_shortcut_key(searchable: tuple[Any, str]) -> None:
    found = _search(
        searchable,
        {
            "filters": [_filter("isActive", "true")],
            "orderOnField": {"name": "shortcutKey", "order": "ASC"},
        },
    )
    # Responses without a shortcut key come last in ascending order.
    assert found == ["Goodbye", "greeting alt", "Greeting", "Hold"]


def test_pagination_with_max_results_and_next_token(searchable: tuple[Any, str]) -> None:
    client, kb_id = searchable
    expression = {"orderOnField": {"name": "name", "order": "ASC"}}
    seen: list[str] = []
    sizes: list[int] = []
    token = None
    while True:
        kwargs = {"nextToken": token} if token else {}
        page = client.search_quick_responses(
            knowledgeBaseId=kb_id, searchExpression=expression, maxResults=2, **kwargs
        )
        sizes.append(len(page["results"]))
        seen += [result["name"] for result in page["results"]]
        token = page.get("nextToken")
        if token is None:
            break
    assert sizes == [2, 2, 1]
    assert seen == ALL_ASC


def test_search_paginator(searchable: tuple[Any, str]) -> None:
    client, kb_id = searchable
    paginator = client.get_paginator("search_quick_responses")
    pages = list(
        paginator.paginate(
            knowledgeBaseId=kb_id,
            searchExpression={"orderOnField": {"name": "name", "order": "DESC"}},
            PaginationConfig={"PageSize": 2},
        )
    )
    assert [[r["name"] for r in page["results"]] for page in pages] == [
        ALL_ASC[::-1][0:2],
        ALL_ASC[::-1][2:4],
        ALL_ASC[::-1][4:],
    ]
    full = paginator.paginate(knowledgeBaseId=kb_id, searchExpression={}).build_full_result()
    assert sorted(r["name"] for r in full["results"]) == sorted(ALL_ASC)


def test_next_token_is_tied_to_its_search(searchable: tuple[Any, str]) -> None:
    client, kb_id = searchable
    ascending = {"orderOnField": {"name": "name", "order": "ASC"}}
    token = client.search_quick_responses(
        knowledgeBaseId=kb_id, searchExpression=ascending, maxResults=1
    )["nextToken"]
    for expression, bad_token in [
        ({"orderOnField": {"name": "name", "order": "DESC"}}, token),
        (ascending, "bm90LWEtdG9rZW4"),
    ]:
        with pytest.raises(client.exceptions.ValidationException) as caught:
            client.search_quick_responses(
                knowledgeBaseId=kb_id, searchExpression=expression, nextToken=bad_token
            )
        assert error_of(caught.value) == (
            "ValidationException",
            f"The nextToken '{bad_token}' is not valid.",
            400,
        )


def test_search_results_carry_contents_and_is_active(searchable: tuple[Any, str]) -> None:
    client, kb_id = searchable
    (result,) = client.search_quick_responses(
        knowledgeBaseId=kb_id, searchExpression={"queries": [_query("name", "refund")]}
    )["results"]
    assert result["contents"] == {"plainText": {"content": "Refunds take 5 days"}}
    assert result["isActive"] is False
    assert (result["shortcutKey"], result["channels"], result["language"]) == (
        "refund",
        ["Email"],
        "fr_FR",
    )
    assert result["status"] == "CREATED"


def test_unknown_query_field_is_refused(searchable: tuple[Any, str]) -> None:
    client, kb_id = searchable
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.search_quick_responses(
            knowledgeBaseId=kb_id, searchExpression={"queries": [_query("colour", "red")]}
        )
    assert error_of(caught.value) == (
        "ValidationException",
        "Query field 'colour' is not one of content, name, description, shortcutKey.",
        400,
    )


def test_search_max_results_over_100_is_refused(searchable: tuple[Any, str]) -> None:
    client, kb_id = searchable
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.search_quick_responses(knowledgeBaseId=kb_id, searchExpression={}, maxResults=101)
    assert error_of(caught.value) == (
        "ValidationException",
        "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 100",
        400,
    )


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("ASC", ["Goodbye", "greeting alt", "Greeting", "Refund policy", "Hold"]),
        ("DESC", ["Refund policy", "Greeting", "greeting alt", "Goodbye", "Hold"]),
    ],
)
def test_responses_without_the_order_field_come_last_in_both_directions(
    searchable: tuple[Any, str], order: str, expected: list[str]
) -> None:
    # "Hold" has no shortcut key: it ends the list whichever way the others are sorted.
    found = _search(searchable, {"orderOnField": {"name": "shortcutKey", "order": order}})
    assert found == expected


# -- ordering on timestamps and booleans ------------------------------------------------------


def _created_at(client: Any, kb_id: str, name: str, year: int, **extra: Any) -> str:
    with time_machine.travel(datetime(year, 6, 1, tzinfo=timezone.utc), tick=False):
        created = client.create_quick_response(
            knowledgeBaseId=kb_id, name=name, content={"content": name}, **extra
        )
    return str(created["quickResponse"]["quickResponseId"])


def _ordered(client: Any, kb_id: str, field: str, order: str) -> list[str]:
    expression = {"orderOnField": {"name": field, "order": order}}
    response = client.search_quick_responses(knowledgeBaseId=kb_id, searchExpression=expression)
    return [result["name"] for result in response["results"]]


def test_order_on_timestamps_and_booleans_compares_values_not_text(client: Any, kb_id: str) -> None:
    """As text, 2020's epoch seconds (1590...) sort before 1999's (928...) and 2001's (991...)."""
    _created_at(client, kb_id, "from-2020", 2020)
    _created_at(client, kb_id, "from-1999", 1999, isActive=False)
    from_2001 = _created_at(client, kb_id, "from-2001", 2001)
    assert _ordered(client, kb_id, "createdTime", "ASC") == ["from-1999", "from-2001", "from-2020"]
    assert _ordered(client, kb_id, "createdTime", "DESC") == ["from-2020", "from-2001", "from-1999"]
    with time_machine.travel(datetime(2030, 1, 1, tzinfo=timezone.utc), tick=False):
        client.update_quick_response(
            knowledgeBaseId=kb_id, quickResponseId=from_2001, description="edited in 2030"
        )
    assert _ordered(client, kb_id, "lastModifiedTime", "ASC") == [
        "from-1999",
        "from-2020",
        "from-2001",
    ]
    # Booleans order false before true; equal values keep creation order.
    assert _ordered(client, kb_id, "isActive", "ASC") == ["from-1999", "from-2020", "from-2001"]


# -- next tokens fit the model, whatever the search ---------------------------------------------


def test_the_longest_valid_search_pages_with_a_token_the_model_allows(
    client: Any, kb_id: str
) -> None:
    """A token carried the whole search expression: the longest one the model allows (four
    queries and ten filters of five values each, at their maximum lengths) gave a token of
    about 160,000 characters, where nextToken allows 4096, so page 2 could not be asked for."""
    text = "x" * 1024
    for name in ("first", "second", "third"):
        client.create_quick_response(knowledgeBaseId=kb_id, name=name, content={"content": text})
    queries = [
        {
            "name": "content",
            "values": [text[: 1024 - i] + "y" * i for i in range(5)],
            "operator": "CONTAINS",
            "priority": "HIGH",
        }
    ] * 4
    absent = ("description", "shortcutKey", "channels", "language")
    filters = [
        {
            "name": absent[i % len(absent)],
            "values": [str(v) * 2048 for v in range(5)],
            "operator": "PREFIX",
            "includeNoExistence": True,
        }
        for i in range(10)
    ]
    expression = {"queries": queries, "filters": filters, "orderOnField": {"name": "name"}}
    paginator = client.get_paginator("search_quick_responses")
    pages = list(
        paginator.paginate(
            knowledgeBaseId=kb_id,
            searchExpression=expression,
            PaginationConfig={"PageSize": 1},
        )
    )
    assert [[r["name"] for r in page["results"]] for page in pages] == [
        ["first"],
        ["second"],
        ["third"],
    ]
    tokens = [page["nextToken"] for page in pages[:-1]]
    assert all(0 < len(token) <= 1024 for token in tokens), [len(t) for t in tokens]

"""Quick responses: created by imports and by CreateQuickResponse; Get, List, Update, Delete."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from freezegun import freeze_time

from .conftest import (
    ACCOUNT,
    MARKDOWN,
    MISSING_ID,
    NAME_MAX,
    PLAIN,
    UUID_RE,
    by_name,
    csv_text,
    error_of,
    import_and_get,
    names,
    status_of,
)

NOON = datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.timezone.utc)


def test_imported_quick_responses_are_created_and_readable(client: Any, kb_id: str) -> None:
    text = csv_text(
        [
            "name",
            "content",
            "contentType",
            "shortcutKey",
            "description",
            "isActive",
            "channels",
            "groupingConfiguration.values",
            "language",
        ],
        [
            "Greeting",
            "Hello, how can I help?",
            "plain",
            "hi",
            "opening",
            "true",
            "Chat;Email",
            "arn:rp-1;arn:rp-2",
            "en_US",
        ],
        ["Goodbye", "**Bye!**", "markdown", "", "", "false", "", "", ""],
    )
    with freeze_time(NOON):
        assert import_and_get(client, kb_id, text)["status"] == "COMPLETE"
    kb_arn = f"arn:aws:wisdom:us-east-1:{ACCOUNT}:knowledge-base/{kb_id}"

    summaries = client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
    assert sorted(s["name"] for s in summaries) == ["Goodbye", "Greeting"]
    assert {s["status"] for s in summaries} == {"CREATED"}
    greeting_id = next(s["quickResponseId"] for s in summaries if s["name"] == "Greeting")
    assert re.fullmatch(UUID_RE, greeting_id)

    greeting = client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=greeting_id)
    assert status_of(greeting) == 200
    assert greeting["quickResponse"] == {
        "quickResponseArn": f"arn:aws:wisdom:us-east-1:{ACCOUNT}:quick-response/{kb_id}/"
        f"{greeting_id}",
        "quickResponseId": greeting_id,
        "knowledgeBaseArn": kb_arn,
        "knowledgeBaseId": kb_id,
        "name": "Greeting",
        "contentType": PLAIN,
        "status": "CREATED",
        "createdTime": NOON,
        "lastModifiedTime": NOON,
        "contents": {"plainText": {"content": "Hello, how can I help?"}},
        "description": "opening",
        "groupingConfiguration": {
            "criteria": "RoutingProfileArn",
            "values": ["arn:rp-1", "arn:rp-2"],
        },
        "shortcutKey": "hi",
        "isActive": True,
        "channels": ["Chat", "Email"],
        "language": "en_US",
    }
    goodbye = by_name(client, kb_id)["Goodbye"]
    assert (goodbye["contentType"], goodbye["contents"], goodbye["isActive"]) == (
        MARKDOWN,
        {"markdown": {"content": "**Bye!**"}},
        False,
    )
    # Summaries leave out contents, grouping, shortcut key and language.
    greeting_summary = next(s for s in summaries if s["name"] == "Greeting")
    for absent in ("contents", "groupingConfiguration", "shortcutKey", "language"):
        assert absent not in greeting_summary
    assert greeting_summary["channels"] == ["Chat", "Email"]

    found = client.search_quick_responses(
        knowledgeBaseId=kb_id,
        searchExpression={
            "queries": [{"name": "name", "values": ["greet"], "operator": "CONTAINS"}]
        },
    )["results"]
    assert [(r["quickResponseId"], r["contents"], r["isActive"]) for r in found] == [
        (greeting_id, {"plainText": {"content": "Hello, how can I help?"}}, True)
    ]


def test_create_quick_response_defaults(client: Any, kb_id: str) -> None:
    with freeze_time(NOON):
        response = client.create_quick_response(
            knowledgeBaseId=kb_id, name="plain one", content={"content": "text"}
        )
    assert status_of(response) == 200
    qr = response["quickResponse"]
    assert (qr["status"], qr["contentType"], qr["isActive"]) == ("CREATED", PLAIN, True)
    assert qr["contents"] == {"plainText": {"content": "text"}}
    assert (qr["createdTime"], qr["lastModifiedTime"]) == (NOON, NOON)
    got = client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=qr["quickResponseId"])
    assert got["quickResponse"] == qr


def test_create_quick_response_with_every_field(client: Any, kb_id: str) -> None:
    qr = client.create_quick_response(
        knowledgeBaseId=kb_id,
        name="full",
        content={"content": "# Title"},
        contentType=MARKDOWN,
        shortcutKey="full",
        description="everything",
        isActive=False,
        channels=["Chat"],
        language="de_DE",
        groupingConfiguration={"criteria": "RoutingProfileArn", "values": ["arn:rp"]},
        tags={"k": "v"},
    )["quickResponse"]
    assert qr["contents"] == {"markdown": {"content": "# Title"}}
    assert (qr["shortcutKey"], qr["description"], qr["isActive"]) == ("full", "everything", False)
    assert (qr["channels"], qr["language"], qr["tags"]) == (["Chat"], "de_DE", {"k": "v"})
    assert qr["groupingConfiguration"] == {"criteria": "RoutingProfileArn", "values": ["arn:rp"]}


@pytest.mark.parametrize("clash", ["name", "shortcutKey"])
def test_create_quick_response_conflicts(client: Any, kb_id: str, clash: str) -> None:
    client.create_quick_response(
        knowledgeBaseId=kb_id, name="taken", content={"content": "c"}, shortcutKey="tk"
    )
    kwargs = {"name": "taken", "shortcutKey": "new"}
    if clash == "shortcutKey":
        kwargs = {"name": "new", "shortcutKey": "tk"}
    with pytest.raises(client.exceptions.ConflictException) as caught:
        client.create_quick_response(knowledgeBaseId=kb_id, content={"content": "c"}, **kwargs)
    expected = (
        "A quick response named 'taken' already exists."
        if clash == "name"
        else "The shortcut key 'tk' is already in use."
    )
    assert error_of(caught.value) == ("ConflictException", expected, 409)
    assert names(client, kb_id) == ["taken"]


def test_same_name_in_another_knowledge_base_is_fine(client: Any, kb_id: str) -> None:
    from .conftest import make_kb

    other = make_kb(client)
    for kb in (kb_id, other):
        client.create_quick_response(
            knowledgeBaseId=kb, name="same", content={"content": "c"}, shortcutKey="s"
        )
    assert names(client, kb_id) == names(client, other) == ["same"]


def test_name_length_limit_of_each_client(client: Any, kb_id: str, service: str) -> None:
    limit = NAME_MAX[service]
    ok = client.create_quick_response(
        knowledgeBaseId=kb_id, name="a" * limit, content={"content": "c"}
    )
    assert ok["quickResponse"]["name"] == "a" * limit
    too_long = "b" * (limit + 1)
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.create_quick_response(knowledgeBaseId=kb_id, name=too_long, content={"content": "c"})
    assert error_of(caught.value) == (
        "ValidationException",
        f"1 validation error detected: Value '{too_long}' at 'name' failed to satisfy "
        f"constraint: Member must have length less than or equal to {limit}",
        400,
    )


def test_update_quick_response(client: Any, kb_id: str) -> None:
    with freeze_time(NOON) as frozen:
        qr = client.create_quick_response(
            knowledgeBaseId=kb_id,
            name="before",
            content={"content": "old"},
            shortcutKey="b",
            description="desc",
        )["quickResponse"]
        frozen.tick(datetime.timedelta(minutes=1))
        updated = client.update_quick_response(
            knowledgeBaseId=kb_id,
            quickResponseId=qr["quickResponseId"],
            name="after",
            content={"content": "*new*"},
            contentType=MARKDOWN,
            isActive=False,
            removeShortcutKey=True,
            removeDescription=True,
        )
    assert status_of(updated) == 200
    new = updated["quickResponse"]
    assert (new["quickResponseId"], new["name"], new["contentType"]) == (
        qr["quickResponseId"],
        "after",
        MARKDOWN,
    )
    assert new["contents"] == {"markdown": {"content": "*new*"}}
    assert new["isActive"] is False
    assert "shortcutKey" not in new and "description" not in new
    assert (new["createdTime"], new["lastModifiedTime"]) == (
        NOON,
        NOON + datetime.timedelta(minutes=1),
    )
    got = client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=qr["quickResponseArn"])
    assert got["quickResponse"] == new


@pytest.mark.parametrize("clash", ["name", "shortcutKey"])
def test_update_quick_response_conflicts(client: Any, kb_id: str, clash: str) -> None:
    client.create_quick_response(
        knowledgeBaseId=kb_id, name="first", content={"content": "c"}, shortcutKey="f"
    )
    second = client.create_quick_response(
        knowledgeBaseId=kb_id, name="second", content={"content": "c"}, shortcutKey="s"
    )["quickResponse"]
    change = {"name": "first"} if clash == "name" else {"shortcutKey": "f"}
    with pytest.raises(client.exceptions.ConflictException) as caught:
        client.update_quick_response(
            knowledgeBaseId=kb_id, quickResponseId=second["quickResponseId"], **change
        )
    expected = (
        "A quick response named 'first' already exists."
        if clash == "name"
        else "The shortcut key 'f' is already in use."
    )
    assert error_of(caught.value) == ("ConflictException", expected, 409)
    # Keeping its own name and shortcut key is not a clash.
    same = client.update_quick_response(
        knowledgeBaseId=kb_id,
        quickResponseId=second["quickResponseId"],
        name="second",
        shortcutKey="s",
    )
    assert status_of(same) == 200


def test_delete_quick_response(client: Any, kb_id: str) -> None:
    qr = client.create_quick_response(
        knowledgeBaseId=kb_id, name="gone", content={"content": "c"}, shortcutKey="g"
    )["quickResponse"]
    deleted = client.delete_quick_response(
        knowledgeBaseId=kb_id, quickResponseId=qr["quickResponseId"]
    )
    assert status_of(deleted) == 204
    assert names(client, kb_id) == []
    # Its name and shortcut key are free again.
    client.create_quick_response(
        knowledgeBaseId=kb_id, name="gone", content={"content": "c"}, shortcutKey="g"
    )
    assert names(client, kb_id) == ["gone"]


@pytest.mark.parametrize("operation", ["get", "update", "delete"])
def test_missing_quick_response_is_not_found(client: Any, kb_id: str, operation: str) -> None:
    calls = {
        "get": client.get_quick_response,
        "update": lambda **kw: client.update_quick_response(name="n", **kw),
        "delete": client.delete_quick_response,
    }
    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        calls[operation](knowledgeBaseId=kb_id, quickResponseId=MISSING_ID)
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Quick response not found: {MISSING_ID}",
        404,
    )
    assert caught.value.response["resourceName"] == MISSING_ID


def test_quick_response_of_another_knowledge_base_is_not_found(client: Any, kb_id: str) -> None:
    from .conftest import make_kb

    other = make_kb(client)
    qr_id = client.create_quick_response(
        knowledgeBaseId=other, name="elsewhere", content={"content": "c"}
    )["quickResponse"]["quickResponseId"]
    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=qr_id)
    assert caught.value.response["resourceName"] == qr_id


def test_deleting_the_knowledge_base_removes_its_quick_responses(client: Any, kb_id: str) -> None:
    assert import_and_get(client, kb_id, "name,content\na,b\n")["status"] == "COMPLETE"
    client.delete_knowledge_base(knowledgeBaseId=kb_id)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_quick_responses(knowledgeBaseId=kb_id)


def test_list_quick_responses_pages(client: Any, kb_id: str) -> None:
    made = [
        client.create_quick_response(
            knowledgeBaseId=kb_id, name=f"qr-{i}", content={"content": "c"}
        )["quickResponse"]["quickResponseId"]
        for i in range(5)
    ]
    first = client.list_quick_responses(knowledgeBaseId=kb_id, maxResults=2)
    assert len(first["quickResponseSummaries"]) == 2
    second = client.list_quick_responses(
        knowledgeBaseId=kb_id, maxResults=2, nextToken=first["nextToken"]
    )
    third = client.list_quick_responses(
        knowledgeBaseId=kb_id, maxResults=2, nextToken=second["nextToken"]
    )
    assert "nextToken" not in third
    paged = [
        s["quickResponseId"]
        for page in (first, second, third)
        for s in page["quickResponseSummaries"]
    ]
    assert paged == made[::-1]  # newest first
    paginator = client.get_paginator("list_quick_responses")
    pages = list(paginator.paginate(knowledgeBaseId=kb_id, PaginationConfig={"PageSize": 3}))
    assert [len(p["quickResponseSummaries"]) for p in pages] == [3, 2]
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.list_quick_responses(knowledgeBaseId=kb_id, nextToken="not-a-token")
    assert error_of(caught.value) == (
        "ValidationException",
        "The nextToken 'not-a-token' is not valid.",
        400,
    )


def test_create_quick_response_client_token(client: Any, kb_id: str) -> None:
    first = client.create_quick_response(
        knowledgeBaseId=kb_id, name="once", content={"content": "c"}, clientToken="token-1"
    )["quickResponse"]
    again = client.create_quick_response(
        knowledgeBaseId=kb_id, name="once", content={"content": "c"}, clientToken="token-1"
    )["quickResponse"]
    assert again == first
    with pytest.raises(client.exceptions.ConflictException) as caught:
        client.create_quick_response(
            knowledgeBaseId=kb_id, name="twice", content={"content": "c"}, clientToken="token-1"
        )
    assert error_of(caught.value) == (
        "ConflictException",
        "The client token token-1 was already used with different parameters.",
        409,
    )
    assert names(client, kb_id) == ["once"]

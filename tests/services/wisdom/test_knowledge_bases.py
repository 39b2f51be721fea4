"""Knowledge bases, tags, and ResourceNotFoundException for missing resources."""

from __future__ import annotations

import re
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

from importmock import mock_imports

from .conftest import (
    ACCOUNT,
    MISSING_ID,
    UUID_RE,
    error_of,
    make_client,
    make_kb,
    start_import,
    status_of,
)

KB_ARN_RE = rf"arn:aws:wisdom:us-east-1:{ACCOUNT}:knowledge-base/({UUID_RE})"


def test_create_get_list_delete_knowledge_base(client: Any) -> None:
    created = client.create_knowledge_base(
        name="support",
        knowledgeBaseType="QUICK_RESPONSES",
        description="canned answers",
        tags={"team": "support"},
    )
    assert status_of(created) == 200
    kb = created["knowledgeBase"]
    kb_id = kb["knowledgeBaseId"]
    assert re.fullmatch(UUID_RE, kb_id)
    assert kb == {
        "knowledgeBaseId": kb_id,
        "knowledgeBaseArn": f"arn:aws:wisdom:us-east-1:{ACCOUNT}:knowledge-base/{kb_id}",
        "name": "support",
        "knowledgeBaseType": "QUICK_RESPONSES",
        "status": "ACTIVE",
        "description": "canned answers",
        "tags": {"team": "support"},
    }

    got = client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]
    assert got == kb
    # Path ids accept the ARN as well as the id.
    assert client.get_knowledge_base(knowledgeBaseId=kb["knowledgeBaseArn"])["knowledgeBase"] == kb

    summaries = client.list_knowledge_bases()["knowledgeBaseSummaries"]
    assert summaries == [kb]

    deleted = client.delete_knowledge_base(knowledgeBaseId=kb_id)
    assert status_of(deleted) == 204
    assert client.list_knowledge_bases()["knowledgeBaseSummaries"] == []
    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        client.get_knowledge_base(knowledgeBaseId=kb_id)
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Knowledge base not found: {kb_id}",
        404,
    )
    assert caught.value.response["resourceName"] == kb_id


def test_knowledge_base_is_shared_by_wisdom_and_qconnect_clients(importmock: Any) -> None:
    wisdom = make_client("wisdom")
    qconnect = make_client("qconnect")
    from_wisdom = make_kb(wisdom, name="made-by-wisdom")
    from_qconnect = make_kb(qconnect, name="made-by-qconnect")

    assert qconnect.get_knowledge_base(knowledgeBaseId=from_wisdom)["knowledgeBase"]["name"] == (
        "made-by-wisdom"
    )
    assert wisdom.get_knowledge_base(knowledgeBaseId=from_qconnect)["knowledgeBase"]["name"] == (
        "made-by-qconnect"
    )
    listed = {kb["name"] for kb in wisdom.list_knowledge_bases()["knowledgeBaseSummaries"]} | {
        kb["name"] for kb in qconnect.list_knowledge_bases()["knowledgeBaseSummaries"]
    }
    assert listed == {"made-by-wisdom", "made-by-qconnect"}
    assert sorted(call.service for call in importmock.calls[:2]) == ["qconnect", "wisdom"]


def test_knowledge_base_types_of_each_client(importmock: Any) -> None:
    qconnect = make_client("qconnect")
    wisdom = make_client("wisdom")
    kb = qconnect.create_knowledge_base(name="templates", knowledgeBaseType="MESSAGE_TEMPLATES")
    assert kb["knowledgeBase"]["knowledgeBaseType"] == "MESSAGE_TEMPLATES"
    # The wisdom model has no MESSAGE_TEMPLATES type: validated with the sender's model.
    with pytest.raises(wisdom.exceptions.ValidationException) as caught:
        wisdom.create_knowledge_base(name="templates-2", knowledgeBaseType="MESSAGE_TEMPLATES")
    code, message, status = error_of(caught.value)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith(
        "1 validation error detected: Value 'MESSAGE_TEMPLATES' at 'knowledgeBaseType' "
        "failed to satisfy constraint: Member must satisfy enum value set: ["
    )


def test_duplicate_knowledge_base_name_is_a_conflict(client: Any) -> None:
    make_kb(client, name="dup")
    with pytest.raises(client.exceptions.ConflictException) as caught:
        make_kb(client, name="dup")
    assert error_of(caught.value) == (
        "ConflictException",
        "A knowledge base named 'dup' already exists.",
        409,
    )


def test_knowledge_base_quota_is_10(client: Any) -> None:
    for i in range(10):
        make_kb(client, name=f"quota-{i}")
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as caught:
        make_kb(client, name="quota-10")
    assert error_of(caught.value) == (
        "ServiceQuotaExceededException",
        "The account already has 10 knowledge bases, the quota.",
        402,
    )


def test_create_knowledge_base_client_token_is_idempotent(client: Any) -> None:
    first = client.create_knowledge_base(
        name="idem", knowledgeBaseType="QUICK_RESPONSES", clientToken="token-1"
    )["knowledgeBase"]
    again = client.create_knowledge_base(
        name="idem", knowledgeBaseType="QUICK_RESPONSES", clientToken="token-1"
    )["knowledgeBase"]
    assert again == first
    assert len(client.list_knowledge_bases()["knowledgeBaseSummaries"]) == 1


@pytest.mark.importmock(progression="manual")
def test_delete_knowledge_base_with_a_running_import_is_a_conflict(
    importmock: Any, client: Any, kb_id: str
) -> None:
    job = start_import(client, kb_id, "name,content\na,b\n")
    with pytest.raises(client.exceptions.ConflictException) as caught:
        client.delete_knowledge_base(knowledgeBaseId=kb_id)
    assert error_of(caught.value) == (
        "ConflictException",
        f"Knowledge base {kb_id} has import job {job['importJobId']} in status START_IN_PROGRESS.",
        409,
    )
    importmock.settle()
    assert status_of(client.delete_knowledge_base(knowledgeBaseId=kb_id)) == 204


def test_list_knowledge_bases_pages_newest_first(client: Any) -> None:
    made = [make_kb(client, name=f"kb-page-{i}") for i in range(5)]
    first = client.list_knowledge_bases(maxResults=2)
    assert [kb["knowledgeBaseId"] for kb in first["knowledgeBaseSummaries"]] == made[::-1][:2]
    paginator = client.get_paginator("list_knowledge_bases")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert [len(page["knowledgeBaseSummaries"]) for page in pages] == [2, 2, 1]
    seen = [kb["knowledgeBaseId"] for page in pages for kb in page["knowledgeBaseSummaries"]]
    assert seen == made[::-1]


# -- tags -------------------------------------------------------------------------------


def test_tags_on_knowledge_base_and_quick_response(client: Any, kb_id: str) -> None:
    kb_arn = client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]["knowledgeBaseArn"]
    qr_arn = client.create_quick_response(
        knowledgeBaseId=kb_id, name="hello", content={"content": "Hello!"}
    )["quickResponse"]["quickResponseArn"]
    assert re.fullmatch(KB_ARN_RE, kb_arn)
    assert re.fullmatch(
        rf"arn:aws:wisdom:us-east-1:{ACCOUNT}:quick-response/{kb_id}/{UUID_RE}", qr_arn
    )

    for arn in (kb_arn, qr_arn):
        assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {}
        assert status_of(client.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})) == 200
        client.tag_resource(resourceArn=arn, tags={"b": "3", "c": "4"})
        assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {
            "a": "1",
            "b": "3",
            "c": "4",
        }
        assert status_of(client.untag_resource(resourceArn=arn, tagKeys=["a", "zzz"])) == 200
        assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "3", "c": "4"}

    # The tags show on the resources themselves too.
    assert client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]["tags"] == {
        "b": "3",
        "c": "4",
    }
    quick_response = client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=qr_arn)
    assert quick_response["quickResponse"]["tags"] == {"b": "3", "c": "4"}


UNKNOWN_ARNS = [
    f"arn:aws:wisdom:us-east-1:{ACCOUNT}:knowledge-base/{MISSING_ID}",
    f"arn:aws:wisdom:us-east-1:{ACCOUNT}:quick-response/{MISSING_ID}/{MISSING_ID}",
]
TAG_OPERATIONS: dict[str, Callable[[Any, str], Any]] = {
    "TagResource": lambda c, arn: c.tag_resource(resourceArn=arn, tags={"k": "v"}),
    "UntagResource": lambda c, arn: c.untag_resource(resourceArn=arn, tagKeys=["k"]),
    "ListTagsForResource": lambda c, arn: c.list_tags_for_resource(resourceArn=arn),
}


@pytest.mark.parametrize("arn", UNKNOWN_ARNS, ids=["knowledge-base", "quick-response"])
@pytest.mark.parametrize("operation", list(TAG_OPERATIONS))
def test_tag_operations_on_unknown_arn_are_not_found(client: Any, operation: str, arn: str) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        TAG_OPERATIONS[operation](client, arn)
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Resource not found: {arn}",
        404,
    )
    assert caught.value.response["resourceName"] == arn


def test_tags_of_a_deleted_knowledge_base_are_gone(client: Any, kb_id: str) -> None:
    kb_arn = client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]["knowledgeBaseArn"]
    client.tag_resource(resourceArn=kb_arn, tags={"k": "v"})
    client.delete_knowledge_base(knowledgeBaseId=kb_id)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_tags_for_resource(resourceArn=kb_arn)


# -- missing knowledge base ---------------------------------------------------------------

KB_OPERATIONS: dict[str, Callable[[Any, str], Any]] = {
    "GetKnowledgeBase": lambda c, kb: c.get_knowledge_base(knowledgeBaseId=kb),
    "DeleteKnowledgeBase": lambda c, kb: c.delete_knowledge_base(knowledgeBaseId=kb),
    "StartContentUpload": lambda c, kb: c.start_content_upload(
        knowledgeBaseId=kb, contentType="text/csv"
    ),
    "StartImportJob": lambda c, kb: c.start_import_job(
        knowledgeBaseId=kb, importJobType="QUICK_RESPONSES", uploadId=MISSING_ID
    ),
    "GetImportJob": lambda c, kb: c.get_import_job(knowledgeBaseId=kb, importJobId=MISSING_ID),
    "ListImportJobs": lambda c, kb: c.list_import_jobs(knowledgeBaseId=kb),
    "DeleteImportJob": lambda c, kb: c.delete_import_job(
        knowledgeBaseId=kb, importJobId=MISSING_ID
    ),
    "CreateQuickResponse": lambda c, kb: c.create_quick_response(
        knowledgeBaseId=kb, name="n", content={"content": "c"}
    ),
    "GetQuickResponse": lambda c, kb: c.get_quick_response(
        knowledgeBaseId=kb, quickResponseId=MISSING_ID
    ),
    "ListQuickResponses": lambda c, kb: c.list_quick_responses(knowledgeBaseId=kb),
    "SearchQuickResponses": lambda c, kb: c.search_quick_responses(
        knowledgeBaseId=kb, searchExpression={}
    ),
    "UpdateQuickResponse": lambda c, kb: c.update_quick_response(
        knowledgeBaseId=kb, quickResponseId=MISSING_ID, name="n"
    ),
    "DeleteQuickResponse": lambda c, kb: c.delete_quick_response(
        knowledgeBaseId=kb, quickResponseId=MISSING_ID
    ),
}


@pytest.mark.parametrize("operation", list(KB_OPERATIONS))
def test_missing_knowledge_base_is_not_found(importmock: Any, client: Any, operation: str) -> None:
    make_kb(client)  # another knowledge base exists; the one asked for does not
    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        KB_OPERATIONS[operation](client, MISSING_ID)
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Knowledge base not found: {MISSING_ID}",
        404,
    )
    assert caught.value.response["resourceName"] == MISSING_ID
    last = importmock.calls[-1]
    assert (last.operation, last.status) == (operation, 404)


def test_missing_knowledge_base_by_arn_names_the_arn(client: Any) -> None:
    arn = f"arn:aws:wisdom:us-east-1:{ACCOUNT}:knowledge-base/{MISSING_ID}"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        client.get_knowledge_base(knowledgeBaseId=arn)
    assert caught.value.response["resourceName"] == arn


@pytest.mark.parametrize(
    "foreign",
    [
        "arn:aws:wisdom:eu-west-1:{account}:knowledge-base/{kb}",
        "arn:aws:wisdom:us-east-1:999999999999:knowledge-base/{kb}",
    ],
    ids=["other-region", "other-account"],
)
def test_knowledge_base_arn_of_another_region_or_account_is_not_found(
    client: Any, kb_id: str, foreign: str
) -> None:
    arn = foreign.format(account=ACCOUNT, kb=kb_id)
    with pytest.raises(ClientError) as caught:
        client.get_knowledge_base(knowledgeBaseId=arn)
    assert error_of(caught.value)[0] == "ResourceNotFoundException"
    assert caught.value.response["resourceName"] == arn


@mock_imports
def test_state_is_per_region() -> None:
    east = make_client("qconnect", region="us-east-1")
    west = make_client("qconnect", region="us-west-2")
    kb_id = make_kb(east, name="east-only")
    assert west.list_knowledge_bases()["knowledgeBaseSummaries"] == []
    with pytest.raises(west.exceptions.ResourceNotFoundException):
        west.get_knowledge_base(knowledgeBaseId=kb_id)
    assert east.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]["name"] == "east-only"

"""A resource's tag quota holds whichever operation tags it: at creation, or afterwards.

Amazon Q in Connect and Pinpoint allow 50 tags per resource ("A resource can have as many as
50 tags", Pinpoint's developer guide; TooManyTagsException for Amazon Q in Connect's
TagResource); Lex V2's bound is its model's 200 entries per tag map. Creating with more, or
tagging past the quota later, is refused and leaves the resource's tags as they were.
"""

from __future__ import annotations

from typing import Any

import pytest

from importmock import mock_imports
from tests.helpers import error_raised, make_client, make_kb

ROLE = "arn:aws:iam::123456789012:role/LexRole"


def tags(count: int, prefix: str = "k") -> dict[str, str]:
    return {f"{prefix}{i}": "v" for i in range(count)}


@pytest.fixture
def m() -> Any:
    with mock_imports() as controller:
        yield controller


@pytest.mark.parametrize("service", ["qconnect", "wisdom"])
def test_knowledge_bases_and_quick_responses_are_created_with_at_most_50_tags(
    m: Any, service: str
) -> None:
    client = make_client(service)
    refused = error_raised(
        lambda: client.create_knowledge_base(
            name="many", knowledgeBaseType="QUICK_RESPONSES", tags=tags(51)
        )
    )
    assert refused == ("ValidationException", "A resource can have at most 50 tags.", 400)
    assert client.list_knowledge_bases()["knowledgeBaseSummaries"] == []

    kb = client.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES", tags=tags(50))
    assert len(kb["knowledgeBase"]["tags"]) == 50
    kb_id = kb["knowledgeBase"]["knowledgeBaseId"]
    refused = error_raised(
        lambda: client.create_quick_response(
            knowledgeBaseId=kb_id, name="Hi", content={"content": "Hi"}, tags=tags(51)
        )
    )
    assert refused == ("ValidationException", "A resource can have at most 50 tags.", 400)
    assert client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"] == []


@pytest.mark.parametrize("service", ["qconnect", "wisdom"])
def test_tagging_a_knowledge_base_past_50_tags_counts_the_tags_it_was_created_with(
    m: Any, service: str
) -> None:
    client = make_client(service)
    kb = client.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES", tags=tags(49))
    arn = kb["knowledgeBase"]["knowledgeBaseArn"]
    client.tag_resource(resourceArn=arn, tags={"k0": "replaced", "extra": "1"})  # 50 in all
    refused = error_raised(lambda: client.tag_resource(resourceArn=arn, tags={"one": "more"}))
    assert refused == ("TooManyTagsException", "A resource can have at most 50 tags.", 400)
    current = client.list_tags_for_resource(resourceArn=arn)["tags"]
    assert (len(current), current["k0"], "one" in current) == (50, "replaced", False)
    make_kb(client)  # the session still serves


def test_pinpoint_apps_and_segments_carry_at_most_50_tags(m: Any) -> None:
    pinpoint = make_client("pinpoint")
    refused = error_raised(
        lambda: pinpoint.create_app(CreateApplicationRequest={"Name": "Shop", "tags": tags(51)})
    )
    assert refused == ("BadRequestException", "A resource can have at most 50 tags.", 400)
    assert pinpoint.get_apps()["ApplicationsResponse"].get("Item", []) == []

    app = pinpoint.create_app(CreateApplicationRequest={"Name": "Shop", "tags": tags(50)})
    app_id, arn = app["ApplicationResponse"]["Id"], app["ApplicationResponse"]["Arn"]
    refused = error_raised(
        lambda: pinpoint.tag_resource(ResourceArn=arn, TagsModel={"tags": {"one": "more"}})
    )
    assert refused == ("BadRequestException", "A resource can have at most 50 tags.", 400)
    assert len(pinpoint.list_tags_for_resource(ResourceArn=arn)["TagsModel"]["tags"]) == 50

    dimensions = {"Demographic": {"Platform": {"Values": ["ios"]}}}
    refused = error_raised(
        lambda: pinpoint.create_segment(
            ApplicationId=app_id,
            WriteSegmentRequest={"Name": "s", "Dimensions": dimensions, "tags": tags(51)},
        )
    )
    assert refused == ("BadRequestException", "A resource can have at most 50 tags.", 400)
    segments = pinpoint.get_segments(ApplicationId=app_id)["SegmentsResponse"]
    assert segments.get("Item", []) == []


def test_lex_bots_carry_at_most_200_tags_whichever_way_they_are_tagged(m: Any) -> None:
    lex = make_client("lexv2-models")
    bot = lex.create_bot(
        botName="Tagged",
        roleArn=ROLE,
        dataPrivacy={"childDirected": False},
        idleSessionTTLInSeconds=300,
        botTags=tags(200),
    )
    arn = f"arn:aws:lex:us-east-1:123456789012:bot/{bot['botId']}"
    refused = error_raised(lambda: lex.tag_resource(resourceARN=arn, tags={"one": "more"}))
    assert refused == ("ValidationException", "A resource can have at most 200 tags.", 400)
    assert len(lex.list_tags_for_resource(resourceARN=arn)["tags"]) == 200

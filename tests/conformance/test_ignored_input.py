"""What a rest-json service ignores in a request body: undeclared members and nulls.

botocore never sends either (it serialises only modeled members and skips None), so the
body is rewritten on its way out, as another SDK or a hand-made request could send it.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.helpers import error_of, rewrite_body, session_client

NO_CLIENT_CHECKS = Config(parameter_validation=False, retries={"max_attempts": 1})


def _change_json(client: Any, change: Callable[[dict[str, Any]], None]) -> None:
    def rewrite(body: bytes) -> bytes:
        decoded = json.loads(body or b"{}")
        change(decoded)
        return json.dumps(decoded).encode()

    rewrite_body(client, rewrite)


def test_undeclared_members_are_ignored_at_every_level(importmock: Any) -> None:
    qconnect = session_client("qconnect")
    kb_id = qconnect.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")[
        "knowledgeBase"
    ]["knowledgeBaseId"]
    sender = session_client("qconnect", config=NO_CLIENT_CHECKS)

    def add_unknown(body: dict[str, Any]) -> None:
        body["notAMember"] = "x"
        body["content"]["notAMemberEither"] = 1
        body["groupingConfiguration"]["nested"] = {"deep": True}

    _change_json(sender, add_unknown)
    created = sender.create_quick_response(
        knowledgeBaseId=kb_id,
        name="Hello",
        content={"content": "Hi"},
        groupingConfiguration={"criteria": "RoutingProfileArn", "values": []},
    )["quickResponse"]
    assert created["name"] == "Hello"
    # Stored without them: every read conforms to the output shape (check_responses is on).
    read = qconnect.get_quick_response(
        knowledgeBaseId=kb_id, quickResponseId=created["quickResponseId"]
    )["quickResponse"]
    assert read["groupingConfiguration"] == {"criteria": "RoutingProfileArn", "values": []}


def test_null_members_are_absent(importmock: Any) -> None:
    pinpoint = session_client("pinpoint")
    app_id = pinpoint.create_app(CreateApplicationRequest={"Name": "app"})["ApplicationResponse"][
        "Id"
    ]
    sender = session_client("pinpoint", config=NO_CLIENT_CHECKS)

    def add_nulls(body: dict[str, Any]) -> None:
        body.update({"User": None, "Attributes": None, "Location": None, "Demographic": None})

    _change_json(sender, add_nulls)
    sender.update_endpoint(
        ApplicationId=app_id,
        EndpointId="e1",
        EndpointRequest={"ChannelType": "EMAIL", "Address": "a@example.com"},
    )
    sender.update_endpoint(
        ApplicationId=app_id, EndpointId="e1", EndpointRequest={"Address": "b@example.com"}
    )
    endpoint = pinpoint.get_endpoint(ApplicationId=app_id, EndpointId="e1")["EndpointResponse"]
    assert (endpoint["ChannelType"], endpoint["Address"]) == ("EMAIL", "b@example.com")
    assert "User" not in endpoint or endpoint["User"] is not None


@pytest.mark.parametrize("size", ["²", "٣", "1.5", "-1", "0"])
def test_a_page_size_that_is_not_ascii_digits_is_bad_request(importmock: Any, size: str) -> None:
    pinpoint = session_client("pinpoint")
    with pytest.raises(ClientError) as raised:
        pinpoint.get_apps(PageSize=size)
    assert error_of(raised.value) == (
        "BadRequestException",
        f"PageSize must be a positive whole number; got '{size}'.",
        400,
    )

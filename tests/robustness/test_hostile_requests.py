"""Hostile request bodies: deep nesting never crashes the mock.

A body nested deeper than Python's JSON parser can follow is the protocol's
``SerializationException``; a value nested a few hundred levels deep, which parses, is
reported by validation with its rendering cut short, not with a stack overflow.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.helpers import error_of, rewrite_body, session_client

NO_CLIENT_CHECKS = Config(parameter_validation=False, retries={"max_attempts": 1})


@pytest.mark.parametrize(
    ("client_name", "call", "code"),
    [
        (
            "qconnect",
            lambda c: c.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES"),
            "SerializationException",
        ),
        (
            "pinpoint",
            lambda c: c.create_app(CreateApplicationRequest={"Name": "app"}),
            "SerializationException",
        ),
        ("lexv2-models", lambda c: c.list_bots(), "SerializationException"),
    ],
    ids=["qconnect", "pinpoint", "lexv2-models"],
)
def test_a_body_nested_100000_deep_is_a_serialization_error(
    importmock: Any, client_name: str, call: Any, code: str
) -> None:
    client = session_client(client_name, config=NO_CLIENT_CHECKS)
    rewrite_body(client, lambda _: b'{"a":' * 100_000)
    with pytest.raises(ClientError) as raised:
        call(client)
    assert error_of(raised.value) == (
        code,
        "The request body is not valid JSON: it is nested too deeply.",
        400,
    )
    # The mock goes on serving, and the refused call created nothing.
    plain = session_client(client_name)
    if client_name == "qconnect":
        assert plain.list_knowledge_bases()["knowledgeBaseSummaries"] == []
    elif client_name == "pinpoint":
        assert plain.get_apps()["ApplicationsResponse"]["Item"] == []
    else:
        assert plain.list_bots()["botSummaries"] == []


def test_a_value_nested_500_deep_is_reported_with_its_rendering_cut_short(
    importmock: Any,
) -> None:
    lex = session_client("lexv2-models", config=NO_CLIENT_CHECKS)
    deep: Any = "x"
    for _ in range(500):
        deep = [deep]
    with pytest.raises(ClientError) as raised:
        lex.create_bot(
            botName="Deep",
            description=deep,
            roleArn="arn:aws:iam::123456789012:role/lex",
            dataPrivacy={"childDirected": False},
            idleSessionTTLInSeconds=300,
        )
    code, message, status = error_of(raised.value)
    assert (code, status) == ("ValidationException", 400)
    assert message == (
        "1 validation error detected: Value '" + "[" * 32 + "[...]" + "]" * 32 + "' at "
        "'description' failed to satisfy constraint: Member must be of type string"
    )
    assert session_client("lexv2-models").list_bots()["botSummaries"] == []

"""Request bodies are strict JSON, and every value in them can be stored and sent back.

``NaN``, ``Infinity`` and ``-Infinity`` are not JSON (RFC 8259); Python's parser reads them,
so they used to be stored and echoed as bare tokens no other JSON parser reads. A number
too large for a double became one of them. A lone UTF-16 surrogate (``"\\ud800"``)
has no UTF-8 form and crashed whatever encoded it later. A timestamp no clock can hold, a
blob that is not base64 and a recursive value nested hundreds deep crashed the call with a
raw Python exception (a 500 in server mode). Each is now a ``SerializationException``, as
Smithy's restJson1 servers answer malformed bodies, in-process and over HTTP alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import botocore.session
import pytest
import requests
from botocore.config import Config

from importmock.server import RunningServer, threaded_server
from tests.helpers import error_raised, rewrite_body, session_client

NO_CLIENT_CHECKS = Config(parameter_validation=False, retries={"max_attempts": 1})
ROLE = "arn:aws:iam::123456789012:role/lex"
UUID = "1c2d3e4f-aaaa-bbbb-cccc-0123456789ab"
BAD_JSON = "The request body is not valid JSON: "


def _filter_nested(depth: int) -> bytes:
    """A qconnect Retrieve body whose filter (a recursive shape) nests ``depth`` deep."""
    inner = '{"equals":{"key":"k","value":{"stringValue":"v"}}}'
    nested = '{"andAll":[' * depth + inner + "]}" * depth
    return (
        '{"retrievalConfiguration":{"knowledgeSource":{"knowledgeBaseConfiguration":'
        f'{{"knowledgeBaseId":"{UUID}","filter":{nested}}}}}}},"retrievalQuery":"q"}}'
    ).encode()


# A call takes the client and the id of a bot made for the case (None outside Lex).
Call = Callable[[Any, Any], Any]


def _create_locale(lex: Any, bot_id: str) -> Any:
    return lex.create_bot_locale(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", nluIntentConfidenceThreshold=0.4
    )


def _create_export(lex: Any, bot_id: str) -> Any:
    return lex.create_export(
        resourceSpecification={"botExportSpecification": {"botId": bot_id, "botVersion": "DRAFT"}},
        fileFormat="LexJson",
    )


def _locale_body(threshold: str) -> Callable[[Any], bytes]:
    return lambda bot_id: (
        f'{{"localeId":"en_US","nluIntentConfidenceThreshold":{threshold}}}'.encode()
    )


def _export_body(password: bytes) -> Callable[[Any], bytes]:
    def body(bot_id: str) -> bytes:
        specification = {"botExportSpecification": {"botId": bot_id, "botVersion": "DRAFT"}}
        head = json.dumps({"resourceSpecification": specification, "fileFormat": "LexJson"})
        return head[:-1].encode() + b', "filePassword": "' + password + b'"}'

    return body


def _surrogate(code: str) -> str:
    return (
        f"{BAD_JSON}the text at 'filePassword' holds a lone surrogate (\\u{code}), which is "
        "not Unicode text."
    )


#: (case, client, the raw body for a bot id, the call, the error message)
CASES: list[tuple[str, str, Callable[[Any], bytes], Call, str]] = [
    *[
        (f"bare-{token}", "lexv2-models", _locale_body(token), _create_locale, message)
        for token, message in (
            ("NaN", f"{BAD_JSON}NaN is not a JSON value; JSON has no NaN or Infinity."),
            ("Infinity", f"{BAD_JSON}Infinity is not a JSON value; JSON has no NaN or Infinity."),
            ("-Infinity", f"{BAD_JSON}-Infinity is not a JSON value; JSON has no NaN or Infinity."),
            ("1e999", f"{BAD_JSON}the number 1e999 is too large for a double."),
        )
    ],
    (
        "surrogate-escape",
        "lexv2-models",
        _export_body(b"pass\\ud800word"),
        _create_export,
        _surrogate("d800"),
    ),
    (
        "low-surrogate-escape",
        "lexv2-models",
        _export_body(b"\\uDFFF"),
        _create_export,
        _surrogate("dfff"),
    ),
    (
        "surrogate-as-bytes",
        "lexv2-models",
        _export_body(b"\xed\xa0\x80"),
        _create_export,
        _surrogate("d800"),
    ),
    (
        "timestamp-out-of-range",
        "lexv2-models",
        lambda bot_id: b'{"startDateTime":1e300,"endDateTime":1700000000,"metrics":[]}',
        lambda lex, bot_id: lex.list_session_metrics(
            botId=bot_id, startDateTime=1, endDateTime=1, metrics=[]
        ),
        "1e+300 is not a valid timestamp.",
    ),
    (
        "blob-not-base64",
        "pinpoint",
        lambda _: b'{"MessageConfiguration":{"EmailMessage":{"RawEmail":{"Data":"abc"}}}}',
        lambda pinpoint, _: pinpoint.send_messages(ApplicationId="a" * 32, MessageRequest={}),
        "A blob member of the request body is not base64.",
    ),
    (
        "recursive-value-nested-400-deep",
        "qconnect",
        lambda _: _filter_nested(400),
        lambda qconnect, _: qconnect.retrieve(
            assistantId=UUID, retrievalConfiguration={}, retrievalQuery="q"
        ),
        f"{BAD_JSON}it is nested too deeply.",
    ),
]
# Retrieve, the recursive input shape, came to qconnect's model after the oldest botocore.
_NO_RETRIEVE = "Retrieve" not in (
    botocore.session.get_session().get_service_model("qconnect").operation_names
)
PARAMETERS = pytest.mark.parametrize(
    ("client_name", "body", "call", "message"),
    [
        pytest.param(
            *case[1:],
            id=case[0],
            marks=pytest.mark.skipif(
                case[0].startswith("recursive") and _NO_RETRIEVE,
                reason="this botocore's qconnect model has no Retrieve operation",
            ),
        )
        for case in CASES
    ],
)


def _bot(lex: Any) -> str:
    created = lex.create_bot(
        botName="Strict",
        roleArn=ROLE,
        dataPrivacy={"childDirected": False},
        idleSessionTTLInSeconds=300,
    )
    return str(created["botId"])


def _refused(
    make_client: Callable[..., Any],
    client_name: str,
    body: Callable[[Any], bytes],
    call: Call,
) -> tuple[str, str, int]:
    """Send ``body`` in ``call``'s place; the error. The call changed nothing."""
    plain = make_client(client_name)
    bot_id = _bot(plain) if client_name == "lexv2-models" else None
    raw = make_client(client_name, config=NO_CLIENT_CHECKS)
    rewrite_body(raw, lambda _: body(bot_id))
    outcome = error_raised(lambda: call(raw, bot_id))
    if client_name == "lexv2-models":
        summaries = plain.list_bot_locales(botId=bot_id, botVersion="DRAFT")["botLocaleSummaries"]
        assert summaries == []
        assert plain.list_exports()["exportSummaries"] == []
    elif client_name == "pinpoint":
        assert plain.get_apps()["ApplicationsResponse"]["Item"] == []
    else:
        assert plain.list_knowledge_bases()["knowledgeBaseSummaries"] == []
    return outcome


@PARAMETERS
def test_in_process(
    importmock: Any, client_name: str, body: Callable[[Any], bytes], call: Call, message: str
) -> None:
    assert _refused(session_client, client_name, body, call) == (
        "SerializationException",
        message,
        400,
    )


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with threaded_server() as running:
        yield running


@PARAMETERS
def test_over_http(
    server: RunningServer, client_name: str, body: Callable[[Any], bytes], call: Call, message: str
) -> None:
    server.controller.reset()
    assert _refused(server.client, client_name, body, call) == (
        "SerializationException",
        message,
        400,
    )


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_a_bare_token_posted_with_requests(server: RunningServer, token: str) -> None:
    answer = requests.post(
        f"{server.url}/knowledgeBases",
        data=f'{{"name": "kb", "knowledgeBaseType": "QUICK_RESPONSES", "x": {token}}}',
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert (answer.status_code, answer.headers["x-amzn-ErrorType"], answer.json()) == (
        400,
        "SerializationException",
        {"message": f"{BAD_JSON}{token} is not a JSON value; JSON has no NaN or Infinity."},
    )
    assert server.client("qconnect").list_knowledge_bases()["knowledgeBaseSummaries"] == []


def test_what_json_can_carry_is_read(importmock: Any) -> None:
    """The refusals are exact: 1e308 is a double (validation then judges it), and an
    escaped surrogate pair is the one character it stands for."""
    lex = session_client("lexv2-models")
    bot_id = _bot(lex)
    raw = session_client("lexv2-models", config=NO_CLIENT_CHECKS)
    rewrite_body(raw, lambda _: _locale_body("1e308")(bot_id))
    assert error_raised(lambda: _create_locale(raw, bot_id)) == (
        "ValidationException",
        "1 validation error detected: Value '1e+308' at 'nluIntentConfidenceThreshold' failed "
        "to satisfy constraint: Member must have value less than or equal to 1",
        400,
    )
    settings = {
        "botName": "Strict",
        "description": "\U0001f600 is one character",
        "roleArn": ROLE,
        "dataPrivacy": {"childDirected": False},
        "idleSessionTTLInSeconds": 300,
    }
    body = json.dumps(settings).encode()  # ensure_ascii: the emoji goes as \ud83d\ude00
    assert b"\\ud83d\\ude00" in body
    escaped = session_client("lexv2-models", config=NO_CLIENT_CHECKS)
    rewrite_body(escaped, lambda _: body)
    updated = escaped.update_bot(botId=bot_id, **{**settings, "description": "replaced"})
    assert updated["description"] == "\U0001f600 is one character"
    assert lex.describe_bot(botId=bot_id)["description"] == "\U0001f600 is one character"

"""Property-based tests: arbitrary input never breaks importmock, and state stays sound.

1. ``test_arbitrary_input_is_answered_or_refused_by_botocore``: for every implemented
   operation of every mocked client, requests drawn by ``requests_for`` (half
   shape-valid, half shape-invalid; see ``strategies.py``) are sent through a real client
   with client-side validation off, half of them with the body written as raw JSON
   (``RawBody``), so that what botocore's serializer refuses or rewrites (unknown members,
   a dict for a list, null for a structure) reaches the mock too. Each example starts
   from the same seeded state (the mock is reset, then a few resources are created), and
   members named like the seeded resources' ids may take those ids, so valid requests
   reach the backends' logic rather than stopping at "not found". Every call must either
   succeed, or fail with a
   ``ClientError`` below 500, or be refused by botocore itself before it is sent (see
   ``BOTOCORE_REFUSALS``). Nothing else: no other exception out of importmock, no
   ``ConformanceError`` (every response is checked against the model, see
   tests/conftest.py), no 5xx.

2. The state machines (``WisdomMachine``, ``PinpointMachine``, ``LexMachine``) create and
   delete resources with arbitrary (valid and invalid) input, and track what exists from
   the successful responses only. After every step the List operations must answer, a
   walk with a small page size must give exactly the unpaginated listing with no
   duplicates, and the listed ids must be the tracked ones. Every step's call is held to
   the same property as above, and every follow-up read must succeed.

The inputs that found importmock bugs are replayed on every run (``EXAMPLES``), and each
bug has a plain regression test at the end of the module.
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import botocore
import botocore.session
import pytest
import requests
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

import importmock
from importmock import mock_imports
from importmock.coverage import implemented_operations, mocked_clients
from tests.helpers import csv_text, error_of, session_client, upload_csv
from tests.properties.strategies import requests_for
from tests.services.lexv2.archives import ROLE as LEX_ROLE
from tests.services.lexv2.archives import bot_files, pizza_locale, to_zip

_MODELS = botocore.session.get_session()
NO_CLIENT_CHECKS = Config(parameter_validation=False, retries={"max_attempts": 1})
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,
)
OPERATIONS = [
    (client, name) for client in mocked_clients() for name in implemented_operations(client)
]

# What botocore itself raises, with parameter_validation=False, for a value its rest-json
# serializer (botocore/serialize.py) cannot write. Such a request never reaches the mock,
# so it says nothing about importmock. For the mocked operations these are exactly:
# - KeyError: a member the input shape does not declare, at the top level
#   (``_partition_parameters``: ``shape_members[name]``) or in a nested structure
#   (``_serialize_type_structure``: ``members[key]``); a URI label that is absent or None
#   (``_render_uri_template``: ``params[label]``);
# - AttributeError: ``.items()`` on a non-dict given for a structure or a map
#   (``_serialize_type_structure``, ``_serialize_type_map``);
# - TypeError: iterating a non-iterable given for a list, in the body
#   (``_serialize_type_list``) or the query string (``_partition_parameters``), and
#   ``math.isnan`` of a non-number given for a double (``_handle_float``).
# (No mocked operation has a timestamp or blob input member, so botocore's timestamp and
# base64 conversions, which add ValueError and OverflowError, are never reached; strings
# never hold lone surrogates, whose UTF-8 encoding would be a UnicodeEncodeError.)
# A refusal counts only when the exception is raised inside botocore/serialize.py (its
# innermost frame), no importmock frame is on the way, and the mock recorded no call.
BOTOCORE_REFUSALS = (KeyError, AttributeError, TypeError)
_BOTOCORE_SERIALIZER = os.path.join(os.path.dirname(botocore.__file__), "serialize.py")
_IMPORTMOCK = os.path.dirname(importmock.__file__) + os.sep


# ------------------------------------------------------------------ seeded state


@dataclass(frozen=True)
class Ref:
    """A placeholder the strategy may draw: the id of a seeded resource, resolved per run."""

    name: str

    def __repr__(self) -> str:
        return f"Ref({self.name!r})"


def resolve(value: Any, values: Mapping[str, Any]) -> Any:
    """``value`` with every :class:`Ref` replaced by the seeded value it names."""
    if isinstance(value, Ref):
        return values[value.name]
    if isinstance(value, dict):
        return {k: resolve(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, values) for v in value]
    return value


def _refs(**members: tuple[str, ...]) -> dict[str, list[Ref]]:
    return {member: [Ref(name) for name in names] for member, names in members.items()}


QR_HEADER = ["name", "content", "contentType", "isActive"]


def seed_wisdom(client: Any, controller: Any) -> dict[str, Any]:
    kb = client.create_knowledge_base(name="seed-kb", knowledgeBaseType="QUICK_RESPONSES")
    kb_id, kb_arn = kb["knowledgeBase"]["knowledgeBaseId"], kb["knowledgeBase"]["knowledgeBaseArn"]
    qr = client.create_quick_response(
        knowledgeBaseId=kb_id, name="seed-qr", content={"content": "Hello"}, shortcutKey="hi"
    )["quickResponse"]
    text = csv_text(QR_HEADER, ["imported", "From a file", "text/plain", "true"])
    upload_id = upload_csv(client, kb_id, text)
    job = client.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload_id
    )["importJob"]
    return {
        "kb": kb_id,
        "kb_arn": kb_arn,
        "qr": qr["quickResponseId"],
        "qr_arn": qr["quickResponseArn"],
        "upload": upload_id,
        "job": job["importJobId"],
    }


WISDOM_KNOWN = _refs(
    knowledgeBaseId=("kb", "kb_arn"),
    quickResponseId=("qr", "qr_arn"),
    importJobId=("job",),
    uploadId=("upload",),
    resourceArn=("kb_arn", "qr_arn"),
)
PINPOINT_ROLE = "arn:aws:iam::123456789012:role/pinpoint-import"
PINPOINT_FILE = "s3://seed-bucket/endpoints.csv"


def seed_pinpoint(client: Any, controller: Any) -> dict[str, Any]:
    app = client.create_app(CreateApplicationRequest={"Name": "seed"})["ApplicationResponse"]
    segment = client.create_segment(
        ApplicationId=app["Id"],
        WriteSegmentRequest={
            "Name": "seed-segment",
            "Dimensions": {"Demographic": {"Channel": {"Values": ["EMAIL"]}}},
        },
    )["SegmentResponse"]
    client.update_endpoint(
        ApplicationId=app["Id"],
        EndpointId="seed-endpoint",
        EndpointRequest={
            "ChannelType": "EMAIL",
            "Address": "seed@example.com",
            "User": {"UserId": "seed-user"},
        },
    )
    controller.put_object(
        "seed-bucket",
        "endpoints.csv",
        csv_text(
            ["Id", "Address", "ChannelType", "User.UserId"],
            ["imported-1", "one@example.com", "EMAIL", "seed-user"],
        ),
    )
    job = client.create_import_job(
        ApplicationId=app["Id"],
        ImportJobRequest={
            "Format": "CSV",
            "S3Url": PINPOINT_FILE,
            "RoleArn": PINPOINT_ROLE,
            "RegisterEndpoints": True,
            "DefineSegment": True,
            "SegmentName": "imported",
        },
    )["ImportJobResponse"]
    imported = client.get_import_job(ApplicationId=app["Id"], JobId=job["Id"])
    return {
        "app": app["Id"],
        "app_arn": app["Arn"],
        "segment": segment["Id"],
        "segment_arn": segment["Arn"],
        "import_segment": imported["ImportJobResponse"]["Definition"]["SegmentId"],
        "endpoint": "seed-endpoint",
        "user": "seed-user",
        "job": job["Id"],
        "file": PINPOINT_FILE,
        "role": PINPOINT_ROLE,
    }


PINPOINT_KNOWN = _refs(
    ApplicationId=("app",),
    SegmentId=("segment", "import_segment"),
    EndpointId=("endpoint",),
    UserId=("user",),
    JobId=("job",),
    ResourceArn=("app_arn", "segment_arn"),
    S3Url=("file",),
    RoleArn=("role",),
)
LEX_BOT = "SeedBot"
LEX_ARCHIVE = to_zip(bot_files(LEX_BOT, locales={"en_US": pizza_locale("en_US")}))


def seed_lex(client: Any, controller: Any) -> dict[str, Any]:
    upload = client.create_upload_url()
    response = requests.put(upload["uploadUrl"], data=LEX_ARCHIVE)
    assert response.status_code == 200, response.text
    client.start_import(
        importId=upload["importId"],
        resourceSpecification={
            "botImportSpecification": {
                "botName": LEX_BOT,
                "roleArn": LEX_ROLE,
                "dataPrivacy": {"childDirected": False},
            }
        },
        mergeStrategy="FailOnConflict",
    )
    imported = client.describe_import(importId=upload["importId"])
    bot_id = imported["importedResourceId"]
    locale = {"botId": bot_id, "botVersion": "DRAFT", "localeId": "en_US"}
    intents = {
        i["intentName"]: i["intentId"] for i in client.list_intents(**locale)["intentSummaries"]
    }
    slot_type = client.list_slot_types(**locale)["slotTypeSummaries"][0]["slotTypeId"]
    slot = client.list_slots(**locale, intentId=intents["OrderPizza"])["slotSummaries"][0]
    export = client.create_export(
        resourceSpecification={"botLocaleExportSpecification": locale}, fileFormat="LexJson"
    )
    return {
        "bot": bot_id,
        "bot_arn": f"arn:aws:lex:us-east-1:123456789012:bot/{bot_id}",
        "bot_name": LEX_BOT,
        "draft": "DRAFT",
        "locale": "en_US",
        "intent": intents["OrderPizza"],
        "fallback": intents["FallbackIntent"],
        "slot_type": slot_type,
        "slot": slot["slotId"],
        "import": upload["importId"],
        "upload": client.create_upload_url()["importId"],
        "export": export["exportId"],
        "role": LEX_ROLE,
    }


LEX_KNOWN = _refs(
    botId=("bot",),
    botName=("bot_name",),
    botVersion=("draft",),
    localeId=("locale",),
    intentId=("intent", "fallback"),
    slotTypeId=("slot_type",),
    slotId=("slot",),
    importId=("import", "upload"),
    exportId=("export",),
    resourceARN=("bot_arn",),
    roleArn=("role",),
)


@dataclass(frozen=True)
class Seed:
    create: Callable[[Any, Any], dict[str, Any]]
    known: Mapping[str, list[Ref]]


SEEDS = {
    "qconnect": Seed(seed_wisdom, WISDOM_KNOWN),
    "wisdom": Seed(seed_wisdom, WISDOM_KNOWN),
    "pinpoint": Seed(seed_pinpoint, PINPOINT_KNOWN),
    "lexv2-models": Seed(seed_lex, LEX_KNOWN),
}


# ------------------------------------------------------------------ the outcome check


def _refused_by_botocore(error: BaseException) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return frames[-1].filename == _BOTOCORE_SERIALIZER and not any(
        f.filename.startswith(_IMPORTMOCK) for f in frames
    )


def send(client: Any, operation: str, params: dict[str, Any]) -> Any:
    return getattr(client, xform_name(operation))(**params)


class RawBody:
    """A ``before-call`` handler that swaps botocore's serialised body for raw bytes.

    botocore's serializer refuses, or rewrites, what a test most wants to send (an unknown
    member is a KeyError, a dict given for a list is sent as the list of its keys), so in
    raw mode the body members are written as JSON by :func:`raw_request` instead and only
    the URI, query and header members go through botocore.
    """

    def __init__(self) -> None:
        self.body: bytes | None = None

    def __call__(self, params: dict[str, Any], **_: Any) -> None:
        if self.body is not None:
            params["body"] = self.body


def _wire_json(value: Any) -> Any:
    """What rest-json puts in a body for the two types JSON lacks."""
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON")


def raw_request(operation: Any, params: dict[str, Any]) -> tuple[dict[str, Any], bytes | None]:
    """(the members botocore sends in the URI, query and headers; the raw JSON body).

    Body members keep their names (no body member of the mocked models is renamed on the
    wire); members the shape does not declare go in the body too. A structure payload
    (Pinpoint's) is the body itself, whatever its JSON type.
    """
    shape = operation.input_shape
    if shape is None:
        return {}, None

    def located(name: str) -> bool:
        member = shape.members.get(name)
        return member is not None and bool(member.serialization.get("location"))

    wire = {name: value for name, value in params.items() if located(name)}
    payload = shape.serialization.get("payload")
    if payload is not None:
        if payload not in params:
            return wire, None
        return wire, json.dumps(params[payload], default=_wire_json).encode()
    body = {name: value for name, value in params.items() if not located(name)}
    return wire, json.dumps(body, default=_wire_json).encode() if body else None


@dataclass(frozen=True)
class Outcome:
    """What one request came to: a response, or a refusal (its error code or exception
    name)."""

    response: dict[str, Any] | None = None
    refusal: str | None = None


def answer(
    client: Any,
    client_name: str,
    controller: Any,
    operation: str,
    params: dict[str, Any],
    raw: RawBody | None = None,
) -> Outcome:
    """Send one request and check the property.

    The property: a success, or a ``ClientError`` below 500, or botocore's own refusal to
    send (``ParamValidationError``, or one of ``BOTOCORE_REFUSALS`` raised in its
    serializer before the mock saw the request). With ``raw`` (the handler registered on
    ``client``) the body goes as raw JSON. Any other exception fails the test.
    """
    if raw is not None:
        params, raw.body = raw_request(client.meta.service_model.operation_model(operation), params)
    before = len(controller.calls)
    try:
        response = send(client, operation, params)
    except ClientError as error:
        code, message, status = error_of(error)
        assert status < 500, f"{client_name}.{operation} answered {status} {code}: {message}"
        return Outcome(refusal=code)
    except ParamValidationError:
        return Outcome(refusal="ParamValidationError")  # botocore's checks that stay on
    except BOTOCORE_REFUSALS as error:
        if _refused_by_botocore(error) and len(controller.calls) == before:
            return Outcome(refusal=type(error).__name__)
        raise  # out of importmock, or after the mock saw the request: fails the test
    status = response["ResponseMetadata"]["HTTPStatusCode"]
    assert status < 300, f"{client_name}.{operation} answered {status}"
    return Outcome(response=dict(response))


# ------------------------------------------------------------------ property 1

# Inputs every run tries, whatever hypothesis draws: the cases that found bugs (now
# regression tests below) and a few the generation rarely reaches.
_APP = {"ApplicationId": Ref("app")}
EXAMPLES: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("pinpoint", "GetApps"): [{"params": {"PageSize": "²"}, "raw": False}],
    ("pinpoint", "GetSegments"): [{"params": {**_APP, "PageSize": "²"}, "raw": False}],
    ("pinpoint", "GetImportJobs"): [{"params": {**_APP, "PageSize": "²"}, "raw": False}],
    ("pinpoint", "GetSegmentImportJobs"): [
        {"params": {**_APP, "SegmentId": Ref("import_segment"), "PageSize": "²"}, "raw": False}
    ],
    ("pinpoint", "UpdateEndpoint"): [
        {
            "params": {**_APP, "EndpointId": Ref("endpoint"), "EndpointRequest": request},
            "raw": True,
        }
        for request in (
            {"User": None},
            {"User": {"UserAttributes": None}},
            {"Demographic": None},
            {"ChannelType": "EMAIL", "Address": "a@example.com", "Location": None},
        )
    ],
    ("lexv2-models", "ListBots"): [{"params": {"importmockUnknownMember": None}, "raw": True}],
    **{
        (client, "UpdateQuickResponse"): [
            {
                "params": {
                    "knowledgeBaseId": Ref("kb"),
                    "quickResponseId": Ref("qr"),
                    "groupingConfiguration": {"": None},
                },
                "raw": True,
            }
        ]
        for client in ("qconnect", "wisdom")
    },
    **{
        (client, "TagResource"): [
            {
                "params": {"resourceArn": Ref("kb_arn"), "tags": {}, "importmockUnknownMember": 1},
                "raw": True,
            }
        ]
        for client in ("qconnect", "wisdom")
    },
    **{
        (client, "CreateKnowledgeBase"): [
            {
                "params": {
                    "name": "kb",
                    "knowledgeBaseType": "EXTERNAL",
                    "importmockUnknownMember": 1,
                },
                "raw": True,
            }
        ]
        for client in ("qconnect", "wisdom")
    },
}


@pytest.mark.parametrize(
    ("client_name", "operation_name"), OPERATIONS, ids=[f"{c}:{o}" for c, o in OPERATIONS]
)
def test_arbitrary_input_is_answered_or_refused_by_botocore(
    client_name: str, operation_name: str
) -> None:
    operation = _MODELS.get_service_model(client_name).operation_model(operation_name)
    seed = SEEDS[client_name]
    with mock_imports(check_responses=True) as controller:
        client = session_client(client_name, config=NO_CLIENT_CHECKS)
        raw_client = session_client(client_name, config=NO_CLIENT_CHECKS)
        raw_body = RawBody()
        raw_client.meta.events.register("before-call", raw_body)
        seeder = session_client(client_name)

        @PROPERTY_SETTINGS
        @given(params=requests_for(operation, seed.known), raw=st.booleans())
        def run(params: dict[str, Any], raw: bool) -> None:
            # Every example starts from the same state, so none depends on another.
            controller.reset()
            values = seed.create(seeder, controller)
            answer(
                raw_client if raw else client,
                client_name,
                controller,
                operation_name,
                resolve(params, values),
                raw_body if raw else None,
            )

        for case in EXAMPLES.get((client_name, operation_name), ()):
            run = example(**case)(run)
        run()


# ------------------------------------------------------------------ property 2: state

STATEFUL_SETTINGS = settings(
    max_examples=int(os.environ.get("STATEFUL_EXAMPLES", "30")),
    stateful_step_count=int(os.environ.get("STATEFUL_STEPS", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,
)
_NO_SUCH_UUID = "00000000-0000-4000-8000-000000000000"


def _draws(client_name: str, operation: str, **known: tuple[str, ...]) -> Any:
    """Requests for a rule: shape-valid three times in four (state needs successes), and
    resource names fresh (``Ref("name")``), so creations do not all clash."""
    model = _MODELS.get_service_model(client_name).operation_model(operation)
    refs = _refs(**known, name=("name",), Name=("name",), botName=("name",))
    return st.one_of(requests_for(model, refs, valid_only=True), requests_for(model, refs))


def _pick(live: Any, others: Any = (), missing: str | None = None) -> Any:
    """Mostly one of ``live``, else one of ``others`` (deleted ones) or ``missing``.

    Pools keep creation order: ids are random, so sorting them would reorder the choices
    when hypothesis replays a run.
    """
    rest = [*others, *([missing] if missing is not None else [])]
    live = list(live)
    if not live:
        return st.sampled_from(rest)
    if not rest:
        return st.sampled_from(live)
    return st.integers(0, 3).flatmap(
        lambda i: st.sampled_from(live) if i < 3 else st.sampled_from(rest)
    )


class _Machine(RuleBasedStateMachine):
    """Shared plumbing. ``env`` holds the test function's one mock and its clients; every
    run of the machine starts from a reset mock, so no run depends on another."""

    env: ClassVar[dict[str, Any]] = {}

    def __init__(self) -> None:
        super().__init__()
        self.controller = self.env["controller"]
        self.controller.reset()
        self.touched: list[str] = []  # the parents the last rule acted on
        self.checks = 0
        self.names = 0

    def fresh_name(self) -> str:
        self.names += 1
        return f"n{self.names}"

    def send(self, client_name: str, operation: str, params: dict[str, Any], raw: bool) -> Outcome:
        env = self.env
        client = env["raw_clients"][client_name] if raw else env["clients"][client_name]
        raw_body = env["raw"] if raw else None
        outcome = answer(client, client_name, self.controller, operation, params, raw_body)
        what = "ok" if outcome.response is not None else outcome.refusal
        event(f"{operation}: {what}")  # --hypothesis-show-statistics shows the mix
        return outcome

    def read(self, client_name: str, operation: str, **params: Any) -> dict[str, Any]:
        """A well-formed follow-up call: it must succeed."""
        outcome = self.send(client_name, operation, params, raw=False)
        assert outcome.response is not None, (
            f"{client_name}.{operation}({params}) was refused: {outcome.refusal}"
        )
        return outcome.response

    def walk(
        self,
        client_name: str,
        operation: str,
        params: dict[str, Any],
        page: tuple[str, Any],
        token_member: str,
        page_of: Callable[[dict[str, Any]], tuple[list[str], str | None]],
    ) -> list[list[str]]:
        """Every page of a listing, following the tokens."""
        pages: list[list[str]] = []
        token = None
        size_member, size = page
        while len(pages) < 200:
            request = {**params, size_member: size}
            if token is not None:
                request[token_member] = token
            response = self.read(client_name, operation, **request)
            items, token = page_of(response)
            pages.append(items)
            if not token:
                return pages
        raise AssertionError(f"{operation} pages without end: {pages[:5]}...")

    def assert_listing(
        self,
        what: str,
        client_name: str,
        operation: str,
        params: dict[str, Any],
        sizes: tuple[str, Any, Any],
        token_member: str,
        page_of: Callable[[dict[str, Any]], tuple[list[str], str | None]],
        expected: set[str],
    ) -> None:
        """One page is the whole listing, paging gives exactly it, and it is the model."""
        size_member, small, large = sizes
        whole = self.walk(
            client_name, operation, params, (size_member, large), token_member, page_of
        )
        assert len(whole) == 1, f"{what}: {len(whole)} pages of up to {large}"
        listed = whole[0]
        assert len(listed) == len(set(listed)), f"{what}: duplicates in {listed}"
        paged = self.walk(
            client_name, operation, params, (size_member, small), token_member, page_of
        )
        flat = [item for items in paged for item in items]
        assert flat == listed, f"{what}: pages of {small} give {paged}, one page gives {listed}"
        assert all(0 < len(items) <= int(small) for items in paged) or flat == [], (
            f"{what}: page sizes {[len(items) for items in paged]} with a page size of {small}"
        )
        assert set(listed) == expected, (
            f"{what}: listed {sorted(listed)}, but the successful calls made {sorted(expected)}"
        )


# -- Wisdom / Q in Connect: knowledge bases and quick responses (one backend, two clients)

WISDOM_CLIENTS = ("qconnect", "wisdom")
_WISDOM_REFS = {
    "knowledgeBaseId": ("kb", "kb_arn"),
    "quickResponseId": ("qr", "qr_arn"),
}
WISDOM_DRAWS = {
    client: {
        name: _draws(client, name, **_WISDOM_REFS)
        for name in (
            "CreateKnowledgeBase",
            "DeleteKnowledgeBase",
            "CreateQuickResponse",
            "DeleteQuickResponse",
        )
    }
    for client in WISDOM_CLIENTS
}


def _kb_page(response: dict[str, Any]) -> tuple[list[str], str | None]:
    return [s["knowledgeBaseId"] for s in response["knowledgeBaseSummaries"]], response.get(
        "nextToken"
    )


def _qr_page(response: dict[str, Any]) -> tuple[list[str], str | None]:
    return [s["quickResponseId"] for s in response["quickResponseSummaries"]], response.get(
        "nextToken"
    )


class WisdomMachine(_Machine):
    def __init__(self) -> None:
        super().__init__()
        self.kbs: dict[str, dict[str, str]] = {}  # live knowledge base -> {qr id: qr arn}
        self.arns: dict[str, str] = {}  # every id ever answered (deleted too) -> its ARN

    def _target(self, data: Any) -> dict[str, str]:
        kb = data.draw(_pick(self.kbs, self.arns, _NO_SUCH_UUID), label="knowledge base")
        qr = data.draw(_pick(self.kbs.get(kb, {}), self.arns, _NO_SUCH_UUID), label="qr")
        arn = "arn:aws:wisdom:us-east-1:123456789012:knowledge-base/" + _NO_SUCH_UUID
        return {
            "name": self.fresh_name(),
            "kb": kb,
            "kb_arn": self.arns.get(kb, arn),
            "qr": qr,
            "qr_arn": self.arns.get(qr, arn),
        }

    def _call(self, data: Any, via: str, operation: str, raw: bool) -> tuple[dict, Outcome]:
        table = self._target(data)
        request = resolve(data.draw(WISDOM_DRAWS[via][operation], label="params"), table)
        self.touched = [table["kb"]]
        return request, self.send(via, operation, request, raw)

    def _kb_of(self, reference: str) -> str | None:
        return next((k for k in self.kbs if reference in (k, self.arns[k])), None)

    @initialize()
    def a_knowledge_base_with_a_quick_response(self) -> None:
        """A known-good start, so rules act on live resources from the first step."""
        created = self.read(
            "qconnect", "CreateKnowledgeBase", name="start", knowledgeBaseType="QUICK_RESPONSES"
        )
        kb = created["knowledgeBase"]
        qr = self.read(
            "qconnect",
            "CreateQuickResponse",
            knowledgeBaseId=kb["knowledgeBaseId"],
            name="start",
            content={"content": "Hello"},
        )
        kb_id, qr_id = kb["knowledgeBaseId"], qr["quickResponse"]["quickResponseId"]
        self.kbs[kb_id] = {qr_id: qr["quickResponse"]["quickResponseArn"]}
        self.arns.update({kb_id: kb["knowledgeBaseArn"], **self.kbs[kb_id]})

    @rule(data=st.data(), via=st.sampled_from(WISDOM_CLIENTS), raw=st.booleans())
    def create_knowledge_base(self, data: Any, via: str, raw: bool) -> None:
        _, outcome = self._call(data, via, "CreateKnowledgeBase", raw)
        if outcome.response is not None:
            kb = outcome.response["knowledgeBase"]
            # A known id is a replay (same clientToken, same input): nothing new.
            self.kbs.setdefault(kb["knowledgeBaseId"], {})
            self.arns[kb["knowledgeBaseId"]] = kb["knowledgeBaseArn"]
            self.touched = [kb["knowledgeBaseId"]]

    @rule(data=st.data(), via=st.sampled_from(WISDOM_CLIENTS), raw=st.booleans())
    def delete_knowledge_base(self, data: Any, via: str, raw: bool) -> None:
        request, outcome = self._call(data, via, "DeleteKnowledgeBase", raw)
        if outcome.response is not None:
            kb = self._kb_of(request["knowledgeBaseId"])
            assert kb is not None, f"deleted {request['knowledgeBaseId']!r}, not a live one"
            del self.kbs[kb]

    @rule(data=st.data(), via=st.sampled_from(WISDOM_CLIENTS), raw=st.booleans())
    def create_quick_response(self, data: Any, via: str, raw: bool) -> None:
        _, outcome = self._call(data, via, "CreateQuickResponse", raw)
        if outcome.response is not None:
            qr = outcome.response["quickResponse"]
            kb = qr["knowledgeBaseId"]
            assert kb in self.kbs, f"a quick response was created in {kb}, not a live one"
            self.kbs[kb][qr["quickResponseId"]] = qr["quickResponseArn"]
            self.arns[qr["quickResponseId"]] = qr["quickResponseArn"]
            self.touched = [kb]

    @rule(data=st.data(), via=st.sampled_from(WISDOM_CLIENTS), raw=st.booleans())
    def delete_quick_response(self, data: Any, via: str, raw: bool) -> None:
        request, outcome = self._call(data, via, "DeleteQuickResponse", raw)
        if outcome.response is not None:
            kb = self._kb_of(request["knowledgeBaseId"])
            assert kb is not None, f"deleted in {request['knowledgeBaseId']!r}, not a live one"
            reference = request["quickResponseId"]
            qr = next((q for q, arn in self.kbs[kb].items() if reference in (q, arn)), None)
            assert qr is not None, f"deleted quick response {reference!r}, not a live one"
            del self.kbs[kb][qr]

    @invariant()
    def listings_match_the_model(self) -> None:
        """Through either client in turn: what one creates, the other lists."""
        via = WISDOM_CLIENTS[self.checks % 2]
        small = 1 + self.checks % 3
        self.checks += 1
        self.assert_listing(
            "knowledge bases",
            via,
            "ListKnowledgeBases",
            {},
            ("maxResults", small, 100),
            "nextToken",
            _kb_page,
            set(self.kbs),
        )
        for kb in self.touched:
            if kb in self.kbs:
                self.assert_listing(
                    f"quick responses of {kb}",
                    via,
                    "ListQuickResponses",
                    {"knowledgeBaseId": kb},
                    ("maxResults", small, 100),
                    "nextToken",
                    _qr_page,
                    set(self.kbs[kb]),
                )


# -- Pinpoint: apps, segments, endpoints

ENDPOINT_IDS = ("ep-1", "EP-1", "ep-2")  # ids are case-insensitive: ep-1 and EP-1 are one
USER_IDS = ("user-1", "user-2")
_PINPOINT_REFS = {
    "ApplicationId": ("app",),
    "SegmentId": ("segment",),
    "EndpointId": ("endpoint",),
    "UserId": ("user",),
    "Address": ("address",),
    "ChannelType": ("channel",),
}
PINPOINT_DRAWS = {
    name: _draws("pinpoint", name, **_PINPOINT_REFS)
    for name in (
        "CreateApp",
        "DeleteApp",
        "CreateSegment",
        "DeleteSegment",
        "UpdateEndpoint",
        "DeleteEndpoint",
        "DeleteUserEndpoints",
    )
}


def _app_page(response: dict[str, Any]) -> tuple[list[str], str | None]:
    found = response["ApplicationsResponse"]
    return [app["Id"] for app in found.get("Item", [])], found.get("NextToken")


def _segment_page(response: dict[str, Any]) -> tuple[list[str], str | None]:
    found = response["SegmentsResponse"]
    return [segment["Id"] for segment in found.get("Item", [])], found.get("NextToken")


@dataclass
class _App:
    segments: dict[str, None]  # an ordered set: creation order, stable on replay
    endpoints: dict[str, str | None]  # endpoint id in lower case -> its user id


class PinpointMachine(_Machine):
    def __init__(self) -> None:
        super().__init__()
        self.apps: dict[str, _App] = {}
        self.seen: list[str] = []  # every app and segment id answered, deleted ones too

    def _call(self, data: Any, operation: str, raw: bool) -> tuple[dict, Outcome]:
        app = data.draw(_pick(self.apps, self.seen, "no-such-app"), label="app")
        segments = list(self.apps[app].segments) if app in self.apps else []
        table = {
            "name": self.fresh_name(),
            "app": app,
            "segment": data.draw(_pick(segments, self.seen, "no-such-segment"), label="segment"),
            "endpoint": data.draw(_pick(ENDPOINT_IDS), label="endpoint"),
            "address": "a@example.com",
            "channel": "EMAIL",
            "user": data.draw(_pick(USER_IDS), label="user"),
        }
        request = resolve(data.draw(PINPOINT_DRAWS[operation], label="params"), table)
        self.touched = [app]
        return request, self.send("pinpoint", operation, request, raw)

    def _record_endpoint(self, app: str, endpoint_id: str) -> None:
        """An endpoint was updated: it must read back, and its user is recorded."""
        found = self.read("pinpoint", "GetEndpoint", ApplicationId=app, EndpointId=endpoint_id)
        user = found["EndpointResponse"].get("User", {}).get("UserId")
        self.apps[app].endpoints[endpoint_id.lower()] = user

    @initialize()
    def an_app_with_a_segment_and_an_endpoint(self) -> None:
        """A known-good start, so rules act on live resources from the first step."""
        created = self.read("pinpoint", "CreateApp", CreateApplicationRequest={"Name": "start"})
        app = created["ApplicationResponse"]["Id"]
        segment = self.read(
            "pinpoint",
            "CreateSegment",
            ApplicationId=app,
            WriteSegmentRequest={"Dimensions": {"Demographic": {"Channel": {"Values": ["SMS"]}}}},
        )
        self.apps[app] = _App({segment["SegmentResponse"]["Id"]: None}, {})
        self.seen += [app, segment["SegmentResponse"]["Id"]]
        request = {"ChannelType": "EMAIL", "Address": "a@example.com", "User": {"UserId": "user-1"}}
        assert self.read(
            "pinpoint",
            "UpdateEndpoint",
            ApplicationId=app,
            EndpointId="ep-1",
            EndpointRequest=request,
        )
        self._record_endpoint(app, "ep-1")

    @rule(data=st.data(), raw=st.booleans())
    def create_app(self, data: Any, raw: bool) -> None:
        _, outcome = self._call(data, "CreateApp", raw)
        if outcome.response is not None:
            app = outcome.response["ApplicationResponse"]["Id"]
            assert app not in self.apps, f"CreateApp answered the id of live app {app}"
            self.apps[app] = _App({}, {})
            self.seen.append(app)
            self.touched = [app]

    @rule(data=st.data(), raw=st.booleans())
    def delete_app(self, data: Any, raw: bool) -> None:
        request, outcome = self._call(data, "DeleteApp", raw)
        if outcome.response is not None:
            app = request["ApplicationId"]
            assert app in self.apps, f"deleted app {app!r}, not a live one"
            assert outcome.response["ApplicationResponse"]["Id"] == app
            del self.apps[app]

    @rule(data=st.data(), raw=st.booleans())
    def create_segment(self, data: Any, raw: bool) -> None:
        request, outcome = self._call(data, "CreateSegment", raw)
        if outcome.response is not None:
            app = request["ApplicationId"]
            assert app in self.apps, f"a segment was created in {app!r}, not a live app"
            segment = outcome.response["SegmentResponse"]["Id"]
            self.apps[app].segments[segment] = None
            self.seen.append(segment)

    @rule(data=st.data(), raw=st.booleans())
    def delete_segment(self, data: Any, raw: bool) -> None:
        request, outcome = self._call(data, "DeleteSegment", raw)
        if outcome.response is not None:
            app, segment = request["ApplicationId"], request["SegmentId"]
            assert app in self.apps, f"deleted a segment of {app!r}, not a live app"
            assert segment in self.apps[app].segments, f"deleted {segment!r}, not a live one"
            del self.apps[app].segments[segment]

    @rule(data=st.data(), raw=st.booleans())
    def update_endpoint(self, data: Any, raw: bool) -> None:
        request, outcome = self._call(data, "UpdateEndpoint", raw)
        app = request.get("ApplicationId")
        if outcome.response is not None:
            assert app in self.apps, f"an endpoint was stored in {app!r}, not a live app"
            self._record_endpoint(app, request["EndpointId"])

    @rule(data=st.data(), raw=st.booleans())
    def delete_endpoint(self, data: Any, raw: bool) -> None:
        request, outcome = self._call(data, "DeleteEndpoint", raw)
        app = request.get("ApplicationId")
        if outcome.response is not None:
            key = request["EndpointId"].lower()
            assert app in self.apps, f"deleted an endpoint of {app!r}, not a live app"
            assert key in self.apps[app].endpoints, f"deleted {key!r}, not a live endpoint"
            del self.apps[app].endpoints[key]

    @rule(data=st.data(), raw=st.booleans())
    def delete_user_endpoints(self, data: Any, raw: bool) -> None:
        request, outcome = self._call(data, "DeleteUserEndpoints", raw)
        app = request.get("ApplicationId")
        if outcome.response is not None:
            assert app in self.apps, f"deleted endpoints of {app!r}, not a live app"
            endpoints = self.apps[app].endpoints
            removed = {item["Id"].lower() for item in outcome.response["EndpointsResponse"]["Item"]}
            mine = {k for k, user in endpoints.items() if user == request["UserId"]}
            assert removed == mine, f"removed {removed}, the user had {mine}"
            for key in removed:
                del endpoints[key]

    @invariant()
    def listings_match_the_model(self) -> None:
        small = str(1 + self.checks % 3)
        self.checks += 1
        self.assert_listing(
            "apps",
            "pinpoint",
            "GetApps",
            {},
            ("PageSize", small, "1000"),
            "Token",
            _app_page,
            set(self.apps),
        )
        for app in self.touched:
            if app not in self.apps:
                continue
            self.assert_listing(
                f"segments of {app}",
                "pinpoint",
                "GetSegments",
                {"ApplicationId": app},
                ("PageSize", small, "1000"),
                "Token",
                _segment_page,
                set(self.apps[app].segments),
            )
            self._assert_endpoints(app)

    def _assert_endpoints(self, app: str) -> None:
        endpoints = self.apps[app].endpoints
        for key, user in endpoints.items():
            found = self.read("pinpoint", "GetEndpoint", ApplicationId=app, EndpointId=key)
            response = found["EndpointResponse"]
            assert response["Id"].lower() == key
            assert response.get("User", {}).get("UserId") == user
        for user in USER_IDS:
            mine = {k for k, owner in endpoints.items() if owner == user}
            outcome = self.send(
                "pinpoint", "GetUserEndpoints", {"ApplicationId": app, "UserId": user}, False
            )
            if not mine:
                assert outcome.refusal == "NotFoundException", outcome
                continue
            assert outcome.response is not None, outcome
            items = outcome.response["EndpointsResponse"]["Item"]
            assert {item["Id"].lower() for item in items} == mine


# -- Lex V2: bots and their DRAFT locales

LOCALE_IDS = ("en_US", "en_GB", "de_DE")
SORTS = (
    None,
    {"attribute": "BotName", "order": "Descending"},
    {"attribute": "BotName", "order": "Ascending"},
)  # BotSortAttribute has the one value BotName
_LEX_REFS = {"botId": ("bot",), "botVersion": ("draft",), "localeId": ("locale",)}
LEX_DRAWS = {
    name: _draws("lexv2-models", name, **_LEX_REFS)
    for name in ("CreateBot", "DeleteBot", "UpdateBot", "CreateBotLocale", "DeleteBotLocale")
}


def _bot_page(response: dict[str, Any]) -> tuple[list[str], str | None]:
    return [bot["botId"] for bot in response["botSummaries"]], response.get("nextToken")


def _locale_page(response: dict[str, Any]) -> tuple[list[str], str | None]:
    return [loc["localeId"] for loc in response["botLocaleSummaries"]], response.get("nextToken")


class LexMachine(_Machine):
    def __init__(self) -> None:
        super().__init__()
        self.bots: dict[str, set[str]] = {}  # live bot -> its DRAFT locales
        self.seen: list[str] = []

    def _call(self, data: Any, operation: str, raw: bool) -> tuple[dict, Outcome]:
        table = {
            "name": self.fresh_name(),
            "bot": data.draw(_pick(self.bots, self.seen, "NOSUCHBOT0"), label="bot"),
            "draft": "DRAFT",
            "locale": data.draw(_pick(LOCALE_IDS), label="locale"),
        }
        request = resolve(data.draw(LEX_DRAWS[operation], label="params"), table)
        self.touched = [table["bot"]]
        return request, self.send("lexv2-models", operation, request, raw)

    @initialize()
    def a_bot_with_a_locale(self) -> None:
        """A known-good start, so rules act on live resources from the first step."""
        created = self.read(
            "lexv2-models",
            "CreateBot",
            botName="start",
            roleArn=LEX_ROLE,
            dataPrivacy={"childDirected": False},
            idleSessionTTLInSeconds=300,
        )
        bot = created["botId"]
        locale = {"botId": bot, "botVersion": "DRAFT", "localeId": "en_US"}
        assert self.read(
            "lexv2-models", "CreateBotLocale", **locale, nluIntentConfidenceThreshold=0.4
        )
        self.bots[bot] = {"en_US"}
        self.seen.append(bot)

    @rule(data=st.data(), raw=st.booleans())
    def create_bot(self, data: Any, raw: bool) -> None:
        _, outcome = self._call(data, "CreateBot", raw)
        if outcome.response is not None:
            bot = outcome.response["botId"]
            assert bot not in self.bots, f"CreateBot answered the id of live bot {bot}"
            self.bots[bot] = set()
            self.seen.append(bot)
            self.touched = [bot]

    @rule(data=st.data(), raw=st.booleans())
    def delete_bot(self, data: Any, raw: bool) -> None:
        request, outcome = self._call(data, "DeleteBot", raw)
        if outcome.response is not None:
            assert request["botId"] in self.bots, f"deleted {request['botId']!r}, not a live bot"
            del self.bots[request["botId"]]

    @rule(data=st.data(), raw=st.booleans())
    def update_bot(self, data: Any, raw: bool) -> None:
        self._call(data, "UpdateBot", raw)

    @rule(data=st.data(), raw=st.booleans())
    def create_bot_locale(self, data: Any, raw: bool) -> None:
        request, outcome = self._call(data, "CreateBotLocale", raw)
        if outcome.response is not None:
            bot = outcome.response["botId"]
            assert bot in self.bots, f"a locale was created in {bot!r}, not a live bot"
            self.bots[bot].add(outcome.response["localeId"])

    @rule(data=st.data(), raw=st.booleans())
    def delete_bot_locale(self, data: Any, raw: bool) -> None:
        request, outcome = self._call(data, "DeleteBotLocale", raw)
        if outcome.response is not None:
            locales = self.bots.get(request["botId"], set())
            assert request["localeId"] in locales, f"deleted {request}, not a live locale"
            locales.discard(request["localeId"])

    @invariant()
    def listings_match_the_model(self) -> None:
        small = 1 + self.checks % 3
        sort = SORTS[self.checks % len(SORTS)]
        self.checks += 1
        self.assert_listing(
            f"bots sorted by {sort}",
            "lexv2-models",
            "ListBots",
            {} if sort is None else {"sortBy": sort},
            ("maxResults", small, 1000),
            "nextToken",
            _bot_page,
            set(self.bots),
        )
        for bot in self.touched:
            if bot in self.bots:
                self.assert_listing(
                    f"locales of {bot}",
                    "lexv2-models",
                    "ListBotLocales",
                    {"botId": bot, "botVersion": "DRAFT"},
                    ("maxResults", small, 1000),
                    "nextToken",
                    _locale_page,
                    self.bots[bot],
                )


def _run_machine(machine: type[_Machine], client_names: tuple[str, ...]) -> None:
    """One mock for the whole test function; each run of the machine resets it."""
    with mock_imports(check_responses=True) as controller:
        raw = RawBody()
        raw_clients = {}
        for name in client_names:
            raw_clients[name] = session_client(name, config=NO_CLIENT_CHECKS)
            raw_clients[name].meta.events.register("before-call", raw)
        machine.env = {
            "controller": controller,
            "clients": {
                name: session_client(name, config=NO_CLIENT_CHECKS) for name in client_names
            },
            "raw_clients": raw_clients,
            "raw": raw,
        }
        try:
            run_state_machine_as_test(machine, settings=STATEFUL_SETTINGS)
        finally:
            machine.env = {}


def test_wisdom_state_is_never_corrupted() -> None:
    _run_machine(WisdomMachine, WISDOM_CLIENTS)


def test_pinpoint_state_is_never_corrupted() -> None:
    _run_machine(PinpointMachine, ("pinpoint",))


def test_lex_state_is_never_corrupted() -> None:
    _run_machine(LexMachine, ("lexv2-models",))


# ------------------------------------------------------------------ fixed bugs: regressions


def _endpoint(client: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The seeded endpoint as GetEndpoint answers it, less what changes on every call."""
    found = client.get_endpoint(ApplicationId=values["app"], EndpointId=values["endpoint"])
    response = dict(found["EndpointResponse"])
    del response["RequestId"], response["EffectiveDate"]
    return response


def test_a_unicode_digit_page_size_is_bad_request() -> None:
    """pinpoint/backend.py ``_page``: ``"²".isdigit()`` is true but ``int("²")`` raises;
    PageSize takes ASCII digits only, so '²' is refused like any other non-number."""
    with mock_imports(check_responses=True) as controller:
        client = session_client("pinpoint")
        values = seed_pinpoint(client, controller)
        app = {"ApplicationId": values["app"]}
        for operation, params in (
            ("GetApps", {}),
            ("GetSegments", app),
            ("GetImportJobs", app),
            ("GetSegmentImportJobs", {**app, "SegmentId": values["import_segment"]}),
        ):
            with pytest.raises(ClientError) as raised:
                send(client, operation, {**params, "PageSize": "²"})
            assert error_of(raised.value) == (
                "BadRequestException",
                "PageSize must be a positive whole number; got '²'.",
                400,
            ), operation


def _with_raw_body(client_name: str, body: dict[str, Any]) -> Any:
    client = session_client(client_name, config=NO_CLIENT_CHECKS)
    raw = RawBody()
    raw.body = json.dumps(body).encode()
    client.meta.events.register("before-call", raw)
    return client


def test_an_unknown_body_member_is_ignored() -> None:
    """rest-json services ignore members the input shape does not declare; the backend
    method never sees one (it was passed on as a keyword argument: TypeError)."""
    with mock_imports(check_responses=True) as controller:
        client = session_client("qconnect")
        kb = client.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")
        arn = kb["knowledgeBase"]["knowledgeBaseArn"]
        raw_client = _with_raw_body("qconnect", {"tags": {"k": "v"}, "surprise": 1})
        tagged = raw_client.tag_resource(resourceArn=arn, tags={})
        assert tagged["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert controller.calls[-1].params == {"resourceArn": arn, "tags": {"k": "v"}}
        assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"k": "v"}


def test_an_unknown_body_member_is_not_stored_or_echoed() -> None:
    """Where the backend method takes ``**kwargs`` (``create_knowledge_base``), an unknown
    member is neither answered nor kept; nested ones neither (UpdateQuickResponse with
    ``groupingConfiguration={"": None}`` answers and keeps an empty grouping)."""
    with mock_imports(check_responses=True):
        client = session_client("qconnect")
        body = {"name": "kb", "knowledgeBaseType": "EXTERNAL", "surprise": 1}
        created = _with_raw_body("qconnect", body).create_knowledge_base(
            name="kb", knowledgeBaseType="EXTERNAL"
        )["knowledgeBase"]
        assert "surprise" not in created
        kb_id = created["knowledgeBaseId"]
        assert client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"] == created

        kb_id = client.create_knowledge_base(name="qrs", knowledgeBaseType="QUICK_RESPONSES")[
            "knowledgeBase"
        ]["knowledgeBaseId"]
        qr = client.create_quick_response(
            knowledgeBaseId=kb_id, name="qr", content={"content": "c"}
        )["quickResponse"]
        ids = {"knowledgeBaseId": kb_id, "quickResponseId": qr["quickResponseId"]}
        raw_client = _with_raw_body("qconnect", {"groupingConfiguration": {"": None}})
        updated = raw_client.update_quick_response(**ids)["quickResponse"]
        assert updated["groupingConfiguration"] == {}
        read = client.get_quick_response(**ids)["quickResponse"]
        assert read["groupingConfiguration"] == {}


def test_a_null_group_in_update_endpoint_is_absent() -> None:
    """A null member is an absent one: UpdateEndpoint with a null ``User`` or a null
    ``User.UserAttributes`` is accepted and leaves the user as it was (``endpoints.merge``
    called ``.items()`` on the null, or unpacked it: AttributeError / TypeError)."""
    with mock_imports(check_responses=True) as controller:
        client = session_client("pinpoint")
        values = seed_pinpoint(client, controller)
        before = _endpoint(client, values)
        assert before["User"] == {"UserId": "seed-user"}
        for body in ({"User": None}, {"User": {"UserAttributes": None}}):
            updated = _with_raw_body("pinpoint", body).update_endpoint(
                ApplicationId=values["app"], EndpointId=values["endpoint"], EndpointRequest={}
            )
            assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202, body
            assert updated["MessageBody"]["Message"] == "Accepted", body
            assert _endpoint(client, values) == before, body


def test_an_endpoint_updated_with_null_groups_reads_back() -> None:
    """``update_endpoint`` no longer stores the request's nulls: every later read of the
    endpoint answers it without the null member (a null member in a response is not
    conformant, so the endpoint was unreadable)."""
    with mock_imports(check_responses=True) as controller:
        client = session_client("pinpoint")
        values = seed_pinpoint(client, controller)
        before = _endpoint(client, values)
        _with_raw_body("pinpoint", {"Demographic": None, "Location": None}).update_endpoint(
            ApplicationId=values["app"], EndpointId=values["endpoint"], EndpointRequest={}
        )
        after = _endpoint(client, values)
        assert "Demographic" not in after and "Location" not in after
        assert after == before
        mine = client.get_user_endpoints(ApplicationId=values["app"], UserId=values["user"])
        ids = {item["Id"] for item in mine["EndpointsResponse"]["Item"]}
        assert values["endpoint"] in ids


def test_what_qconnect_creates_wisdom_reads() -> None:
    """wisdom and qconnect share one backend (services/wisdom/backend.py): what qconnect
    creates, wisdom reads as stored, even where only qconnect's model allows it: a
    knowledge base of type MESSAGE_TEMPLATES, a quick response named with 60 characters
    (qconnect allows 100, wisdom 40), or whose contentType only matches qconnect's
    unanchored pattern. (Every such wisdom read was a ConformanceError.)"""
    with mock_imports(check_responses=True):
        qconnect, wisdom = session_client("qconnect"), session_client("wisdom")
        templates = qconnect.create_knowledge_base(
            name="templates", knowledgeBaseType="MESSAGE_TEMPLATES"
        )["knowledgeBase"]["knowledgeBaseId"]
        kb = qconnect.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")
        kb_id = kb["knowledgeBase"]["knowledgeBaseId"]
        long_name = qconnect.create_quick_response(
            knowledgeBaseId=kb_id, name="n" * 60, content={"content": "c"}
        )["quickResponse"]["quickResponseId"]
        wrapped_type = "x application/x.quickresponse;format=plain x"
        wrapped = qconnect.create_quick_response(
            knowledgeBaseId=kb_id,
            name="wrapped",
            content={"content": "c"},
            contentType=wrapped_type,
        )["quickResponse"]["quickResponseId"]

        types = {
            s["knowledgeBaseId"]: s["knowledgeBaseType"]
            for s in wisdom.list_knowledge_bases()["knowledgeBaseSummaries"]
        }
        assert types == {templates: "MESSAGE_TEMPLATES", kb_id: "QUICK_RESPONSES"}
        found = wisdom.get_knowledge_base(knowledgeBaseId=templates)["knowledgeBase"]
        assert found["knowledgeBaseType"] == "MESSAGE_TEMPLATES"
        listed = {
            s["quickResponseId"]: (s["name"], s["contentType"])
            for s in wisdom.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
        }
        assert listed == {
            long_name: ("n" * 60, "application/x.quickresponse;format=plain"),
            wrapped: ("wrapped", wrapped_type),
        }
        read = wisdom.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=long_name)
        assert read["quickResponse"]["name"] == "n" * 60

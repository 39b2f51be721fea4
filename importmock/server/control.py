"""The controller over HTTP: ``/_importmock/<operation>``, JSON in and JSON out.

``GET /_importmock/health`` answers ``{"status": "ok", ...}`` once the server serves. Each
other operation is the controller method of the same name (``reset``, ``settle``,
``advance``, ``fail_next``, ``inject_error``, ``calls``, ``jobs``, ``put_object``,
``progression``), so what the Python docs say of a method holds here. Reads are ``GET``,
everything that changes state is ``POST`` with a JSON object whose members are the
method's keyword arguments. Mistakes answer ``{"code": ..., "message": ...}`` with a 4xx
status and change nothing.

``calls`` hides the values of members the service model marks sensitive (Lex's
``filePassword``, a quick response's content): anyone who reaches the server can read it.
The in-process ``calls`` keeps them; the test that made the calls wrote them.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, Union

from botocore.model import ListShape, MapShape, Shape, StructureShape

from importmock.engine import strict_json
from importmock.engine.backend import mocked_clients
from importmock.engine.errors import UnknownErrorCodeError, UnknownJobError
from importmock.engine.session import Call, MockSession
from importmock.engine.specs import spec_for_client

PREFIX = "/_importmock/"
Answer = tuple[int, dict[str, str], bytes]
#: What ``calls`` shows for a sensitive member's value: CloudTrail's words for the same.
REDACTED = "HIDDEN_DUE_TO_SECURITY_REASONS"
#: Error messages echo arguments; a long one is cut here, not answered whole.
MAX_MESSAGE_CHARS = 1000


class ControlError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclasses.dataclass(frozen=True)
class _Operation:
    method: str  # GET or POST
    run: Callable[[MockSession, dict[str, Any]], Any]
    required: Mapping[str, tuple[type, ...]] = dataclasses.field(default_factory=dict)
    optional: Mapping[str, tuple[type, ...]] = dataclasses.field(default_factory=dict)


def _put_object(session: MockSession, args: dict[str, Any]) -> None:
    if ("body" in args) == ("body_base64" in args):
        raise ControlError(
            400, "InvalidArgument", "put_object needs exactly one of 'body' and 'body_base64'"
        )
    body = args.get("body")
    if body is None:
        try:
            body = base64.b64decode(args["body_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise ControlError(400, "InvalidArgument", "'body_base64' is not base64") from None
    session.put_object(args["bucket"], args["key"], body)


def _progression(session: MockSession, args: dict[str, Any]) -> dict[str, Any]:
    if "progression" in args:
        session.set_progression(args["progression"], args.get("durations"))
    elif "durations" in args:
        raise ControlError(400, "InvalidArgument", "'durations' goes with a 'progression'")
    return {
        "progression": session.options["progression"],
        "durations": session.options["durations"],
    }


def _advance(session: MockSession, args: dict[str, Any]) -> None:
    try:
        session.advance(args.get("job_id"))
    except UnknownJobError as error:
        raise ControlError(400, "UnknownJob", str(error)) from None


def _calls(session: MockSession, args: dict[str, Any]) -> dict[str, Any]:
    return {"calls": [_plain(_without_sensitive_values(call)) for call in list(session.calls)]}


_STR = (str,)
_OPTIONAL_STR = (str, type(None))
_NUMBER = (int, float, dict, type(None))
OPERATIONS: dict[str, _Operation] = {
    "health": _Operation("GET", lambda s, a: {"status": "ok", "services": mocked_clients()}),
    "reset": _Operation("POST", lambda s, a: s.reset()),
    "settle": _Operation("POST", lambda s, a: s.settle()),
    "advance": _Operation("POST", _advance, optional={"job_id": _OPTIONAL_STR}),
    "fail_next": _Operation(
        "POST",
        lambda s, a: s.fail_next(a["service"], a["reason"], a.get("kind")),
        required={"service": _STR, "reason": _STR},
        optional={"kind": _OPTIONAL_STR},
    ),
    "inject_error": _Operation(
        "POST",
        lambda s, a: s.inject_error(
            a["service"], a["operation"], a["code"], a.get("message"), a.get("times", 1)
        ),
        required={"service": _STR, "operation": _STR, "code": _STR},
        optional={"message": _OPTIONAL_STR, "times": (int,)},
    ),
    "put_object": _Operation(
        "POST",
        _put_object,
        required={"bucket": _STR, "key": _STR},
        optional={"body": _STR, "body_base64": _STR},
    ),
    "progression": _Operation(
        "POST",
        _progression,
        optional={"progression": (str, dict), "durations": _NUMBER},
    ),
    "calls": _Operation("GET", _calls),
    "jobs": _Operation("GET", lambda s, a: {"jobs": [_plain(job) for job in s.jobs()]}),
}
_READ_ONLY_OF = {"progression": lambda s, a: _progression(s, {})}


def handle(session: MockSession, method: str, name: str, body: bytes) -> Answer:
    """Answer ``method /_importmock/<name>``.

    The HTTP layer has already refused a ``POST`` not declared ``application/json``
    (server/http.py), before reading its body.
    """
    try:
        result = _run(session, method, name, body)
    except ControlError as error:
        return _json(error.status, {"code": error.code, "message": _capped(error.message)})
    return _json(200, {} if result is None else result)


def _capped(message: str) -> str:
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return f"{message[:MAX_MESSAGE_CHARS]}... ({len(message)} characters)"


def _run(session: MockSession, method: str, name: str, body: bytes) -> Any:
    operation = OPERATIONS.get(name)
    if operation is None:
        raise ControlError(
            404,
            "NotFound",
            f"no controller operation {PREFIX}{name}; operations: {', '.join(OPERATIONS)}",
        )
    if method == "GET" and name in _READ_ONLY_OF:
        return _READ_ONLY_OF[name](session, {})
    if method != operation.method:
        raise ControlError(
            405, "MethodNotAllowed", f"{PREFIX}{name} takes {operation.method}, not {method}"
        )
    args = _arguments(name, operation, body) if method == "POST" else {}
    try:
        return operation.run(session, args)
    except UnknownErrorCodeError as error:
        raise ControlError(400, "UnknownErrorCode", str(error)) from None
    except (ValueError, TypeError) as error:
        raise ControlError(400, "InvalidArgument", str(error)) from None


def _arguments(name: str, operation: _Operation, body: bytes) -> dict[str, Any]:
    if not body.strip():
        args: Any = {}
    else:
        try:
            # Strict, as AWS reads bodies: a NaN count or duration compares false with
            # every bound, so it would slip past them.
            args = strict_json.loads(body)
        except strict_json.NotJson as problem:
            raise ControlError(400, "InvalidJSON", f"the body is not JSON: {problem}") from None
    if not isinstance(args, dict):
        raise ControlError(400, "InvalidArgument", f"{PREFIX}{name} takes a JSON object")
    known = {**operation.required, **operation.optional}
    unknown = sorted(set(args) - set(known))
    if unknown:
        raise ControlError(
            400,
            "InvalidArgument",
            f"{PREFIX}{name} has no argument {', '.join(map(repr, unknown))}; "
            f"it takes: {', '.join(known) or 'none'}",
        )
    for member in operation.required:
        if member not in args:
            raise ControlError(400, "InvalidArgument", f"{PREFIX}{name} needs '{member}'")
    for member, value in args.items():
        types = known[member]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            wanted = " or ".join("null" if t is type(None) else t.__name__ for t in types)
            raise ControlError(
                400, "InvalidArgument", f"'{member}' must be {wanted}; got {json.dumps(value)}"
            )
    return args


# -- sensitive members ---------------------------------------------------------------------
class _Hide:
    """The plan of a sensitive value: replace it whole."""


_HIDE = _Hide()


class _Members(dict[str, "_Plan"]):
    """The plan of a structure (or union): its members that hold something sensitive."""


@dataclasses.dataclass
class _Items:
    """The plan of every element of a list, or every value of a map."""

    each: _Plan = None


_Plan = Union[_Hide, _Members, _Items, None]  # None: nothing sensitive inside
_plans: dict[tuple[str, str], _Plan] = {}


def _without_sensitive_values(call: Call) -> Call:
    plan = _plan_of(call.service, call.operation)
    if plan is None:
        return call
    return dataclasses.replace(call, params=_hidden(call.params, plan))


def _plan_of(service: str, operation: str) -> _Plan:
    """Where an operation's input holds sensitive values, from its model; once per operation.

    Only names the model has are cached (a call to a path no operation matches is recorded
    as ``"GET /path"``), so the cache is as small as the models."""
    spec = spec_for_client(service)  # loaded already: the call was answered with it
    name = spec.operation_names.get(operation)
    if name is None:
        return None
    key = (service, name)
    if key not in _plans:
        input_shape = spec.model.operation_model(name).input_shape
        _plans[key] = None if input_shape is None else _plan_for(input_shape)
    return _plans[key]


def _plan_for(root: Shape) -> _Plan:
    """The redaction plan of a shape: sensitive shapes (or members) are hidden whole, and
    containers are walked only where something sensitive lies within, at any depth."""
    children: dict[str, list[Shape]] = {}
    pending = [root]
    while pending:  # every shape reachable from the root, by name (models recurse)
        shape = pending.pop()
        if shape.name in children:
            continue
        children[shape.name] = _children(shape)
        pending.extend(children[shape.name])
    holding: set[str] = set()  # shapes with a sensitive member somewhere below
    grew = True
    while grew:
        grew = False
        for name, inner in children.items():
            if name not in holding and any(
                _is_sensitive(child) or child.name in holding for child in inner
            ):
                holding.add(name)
                grew = True
    built: dict[str, _Plan] = {}

    def plan(shape: Shape) -> _Plan:
        if _is_sensitive(shape):
            return _HIDE
        if shape.name not in holding:
            return None
        if shape.name in built:
            return built[shape.name]
        if isinstance(shape, StructureShape):
            members = built[shape.name] = _Members()
            for member, member_shape in shape.members.items():
                inner = plan(member_shape)
                if inner is not None:
                    members[member] = inner
            return members
        if isinstance(shape, MapShape) and _is_sensitive(shape.key):
            return _HIDE  # a map's keys cannot be replaced one by one
        items = built[shape.name] = _Items()
        assert isinstance(shape, (ListShape, MapShape))
        items.each = plan(shape.member if isinstance(shape, ListShape) else shape.value)
        return items

    return plan(root)


def _children(shape: Shape) -> list[Shape]:
    if isinstance(shape, StructureShape):
        return list(shape.members.values())
    if isinstance(shape, ListShape):
        return [shape.member]
    if isinstance(shape, MapShape):
        return [shape.key, shape.value]
    return []


def _is_sensitive(shape: Shape) -> bool:
    return bool(shape.metadata.get("sensitive"))


def _hidden(value: Any, plan: _Plan) -> Any:
    """``value`` with what ``plan`` marks sensitive replaced by :data:`REDACTED`.

    A value that is not the container its plan expects is hidden whole: a record of a
    refused request may hold anything, and hiding too much is the safe mistake."""
    if plan is None:
        return value
    if isinstance(plan, _Hide):
        return REDACTED
    if isinstance(plan, _Members) and isinstance(value, Mapping):
        return {key: _hidden(item, plan.get(key)) for key, item in value.items()}
    if isinstance(plan, _Items) and isinstance(value, Mapping):
        return {key: _hidden(item, plan.each) for key, item in value.items()}
    if isinstance(plan, _Items) and isinstance(value, (list, tuple)):
        return [_hidden(item, plan.each) for item in value]
    return REDACTED


def _plain(value: Any) -> Any:
    """A controller record as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    return value


def _json(status: int, document: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, strict_json.dumps(document)

"""The controller over HTTP: ``/_importmock/<operation>``, JSON in and JSON out.

``GET /_importmock/health`` answers ``{"status": "ok", ...}`` once the server serves. Each
other operation is the controller method of the same name (``reset``, ``settle``,
``advance``, ``fail_next``, ``inject_error``, ``calls``, ``jobs``, ``put_object``,
``progression``), so what the Python docs say of a method holds here. Reads are ``GET``,
everything that changes state is ``POST`` with a JSON object whose members are the
method's keyword arguments. Mistakes answer ``{"code": ..., "message": ...}`` with a 4xx
status and change nothing.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from importmock.engine.backend import mocked_clients
from importmock.engine.errors import UnknownErrorCodeError
from importmock.engine.session import MockSession

PREFIX = "/_importmock/"
Answer = tuple[int, dict[str, str], bytes]


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


_STR = (str,)
_OPTIONAL_STR = (str, type(None))
_NUMBER = (int, float, dict, type(None))
OPERATIONS: dict[str, _Operation] = {
    "health": _Operation("GET", lambda s, a: {"status": "ok", "services": mocked_clients()}),
    "reset": _Operation("POST", lambda s, a: s.reset()),
    "settle": _Operation("POST", lambda s, a: s.settle()),
    "advance": _Operation(
        "POST", lambda s, a: s.advance(a.get("job_id")), optional={"job_id": _OPTIONAL_STR}
    ),
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
    "calls": _Operation("GET", lambda s, a: {"calls": [_plain(c) for c in list(s.calls)]}),
    "jobs": _Operation("GET", lambda s, a: {"jobs": [_plain(job) for job in s.jobs()]}),
}
_READ_ONLY_OF = {"progression": lambda s, a: _progression(s, {})}


def handle(
    session: MockSession, method: str, name: str, content_type: str | None, body: bytes
) -> Answer:
    """Answer ``method /_importmock/<name>``."""
    try:
        result = _run(session, method, name, content_type, body)
    except ControlError as error:
        return _json(error.status, {"code": error.code, "message": error.message})
    return _json(200, {} if result is None else result)


def _run(
    session: MockSession, method: str, name: str, content_type: str | None, body: bytes
) -> Any:
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
    args = _arguments(name, operation, content_type, body) if method == "POST" else {}
    try:
        return operation.run(session, args)
    except UnknownErrorCodeError as error:
        raise ControlError(400, "UnknownErrorCode", str(error)) from None
    except (ValueError, TypeError) as error:
        raise ControlError(400, "InvalidArgument", str(error)) from None


def _arguments(
    name: str, operation: _Operation, content_type: str | None, body: bytes
) -> dict[str, Any]:
    if not body.strip():
        args: Any = {}
    else:
        media_type = (content_type or "").split(";")[0].strip().lower()
        if media_type != "application/json":
            raise ControlError(
                415,
                "UnsupportedMediaType",
                f"{PREFIX}{name} takes a JSON body (Content-Type: application/json), "
                f"not {content_type or 'a body without Content-Type'}",
            )
        try:
            args = json.loads(body)
        except (ValueError, RecursionError) as error:
            raise ControlError(400, "InvalidJSON", f"the body is not JSON: {error}") from None
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
    return status, {"Content-Type": "application/json"}, json.dumps(document).encode()

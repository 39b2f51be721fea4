"""rest-json on the server side: requests in, responses and errors out, all shape-driven.

Every target service (wisdom, qconnect, pinpoint, lexv2-models) speaks rest-json, so this
is the one protocol implemented. The plan for each operation is computed once from its
shapes; the per-call work is a few dict operations.

Bodies are read as strict JSON (RFC 8259), as Smithy's restJson1 servers read them
(:mod:`importmock.engine.strict_json`): the non-standard tokens ``NaN``, ``Infinity`` and
``-Infinity``, numbers too large for a double, lone UTF-16 surrogates, timestamps no clock
can hold and blobs that are not base64 are all ``SerializationException``, so no backend
ever holds a value it cannot write back.
Responses are strict JSON too (:func:`importmock.engine.strict_json.dumps`).
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qs

from botocore.model import OperationModel, Shape
from botocore.utils import parse_timestamp

from importmock.engine import strict_json

Converter = Callable[[Any], Any]


class SerializationError(Exception):
    """The request body is not the JSON the protocol requires."""


# ---------------------------------------------------------------- input ----------


def _from_text(shape: Shape) -> Converter:
    """How a URI label, query value or header string becomes the member's value."""
    kind = shape.type_name

    def keep_if_invalid(convert: Converter) -> Converter:
        # A value that does not convert stays a string: validation then reports the
        # type mismatch in AWS's words instead of the parser failing obscurely.
        def run(text: Any) -> Any:
            try:
                return convert(text)
            except (TypeError, ValueError):
                return text

        return run

    if kind in ("integer", "long"):
        return keep_if_invalid(int)
    if kind in ("float", "double"):
        return keep_if_invalid(_finite_float)
    if kind == "boolean":
        return lambda text: {"true": True, "false": False}.get(text, text)
    if kind == "timestamp":
        return _decode_timestamp
    return lambda text: text


def _finite_float(text: str) -> float:
    number = float(text)  # also reads "nan" and "inf", which no double member may carry
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _converter(
    shape: Shape, leaf: Callable[[Shape], Converter | None], seen: frozenset[str] = frozenset()
) -> Converter | None:
    """A converter that applies ``leaf``'s converters wherever they sit in ``shape``.

    Returns None when nothing inside needs converting, so the common case costs no walk.
    Structures are copied, never changed in place (the value may be a backend's state).
    """
    kind = shape.type_name
    if kind not in ("structure", "list", "map"):
        return leaf(shape)
    if shape.name in seen:
        return None
    seen = seen | {shape.name}
    if kind == "structure":
        members = {
            name: conv
            for name, member in shape.members.items()
            if (conv := _converter(member, leaf, seen)) is not None
        }
        if not members:
            return None

        def structure(value: Any) -> Any:
            if not isinstance(value, dict):
                return value  # validation reports the type
            out = dict(value)
            for name, conv in members.items():
                if out.get(name) is not None:
                    out[name] = conv(out[name])
            return out

        return structure
    if kind == "list":
        item = _converter(shape.member, leaf, seen)
        if item is None:
            return None
        return lambda v: [item(x) for x in v] if isinstance(v, list) else v
    inner = _converter(shape.value, leaf, seen)
    if inner is None:
        return None
    return lambda v: {k: inner(x) for k, x in v.items()} if isinstance(v, dict) else v


def without_nulls(shape: Shape, value: Any, keep_undeclared: bool = False) -> Any:
    """The value without what a rest-json service ignores: members sent as JSON null (the
    same as absent) and, unless ``keep_undeclared``, members a structure does not declare.

    Backends then never see a member their method does not take, nor store and echo one
    the output shape does not declare. Lists and maps keep their nulls, which validation
    reports. Import files go through here too (``keep_undeclared``: a file's own columns,
    such as Pinpoint's ``Id``, are not in the request shape), so a null means the same in a
    file as in a request.
    """
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not shape.metadata.get("document"):
        members = shape.members
        kept = {}
        for name, item in value.items():
            if item is None:
                continue
            member = members.get(name)
            if member is not None:
                kept[name] = without_nulls(member, item, keep_undeclared)
            elif keep_undeclared:
                kept[name] = item
        return kept
    if kind == "list" and isinstance(value, list):
        member = shape.member
        if member.type_name in ("structure", "list", "map"):
            return [without_nulls(member, item, keep_undeclared) for item in value]
    elif kind == "map" and isinstance(value, dict):
        inner = shape.value
        if inner.type_name in ("structure", "list", "map"):
            return {key: without_nulls(inner, item, keep_undeclared) for key, item in value.items()}
    return value


_NOT_JSON = "The request body is not valid JSON: {}"
_NESTED_TOO_DEEPLY = _NOT_JSON.format(f"{strict_json.NESTED_TOO_DEEPLY}.")
#: How deep (objects and arrays) a body may nest when its operation's input shape is
#: recursive. Parsing, validation and the rest-json walks follow the value there, a
#: Python frame per level, so the bound keeps them far inside the interpreter's
#: recursion limit whatever the caller's own stack. Elsewhere the shape's own depth
#: bounds those walks and only the parser's limit applies.
MAX_RECURSIVE_NESTING = 256


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        decoded = strict_json.loads(body)
    except strict_json.NotJson as problem:
        raise SerializationError(_NOT_JSON.format(f"{problem}.")) from None
    if not isinstance(decoded, dict):
        raise SerializationError("The request body must be a JSON object.")
    return decoded


def _nesting_depth(decoded: Any) -> int:
    deepest = 0
    pending = [(decoded, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, depth)
            items = value.values() if isinstance(value, dict) else value
            pending.extend((item, depth + 1) for item in items)
    return deepest


def _is_recursive(shape: Shape) -> bool:
    """Whether ``shape`` contains itself somewhere, so that a value may nest without end."""
    acyclic: set[str] = set()  # shapes explored whole without meeting one of their parents

    def visit(node: Shape, parents: frozenset[str]) -> bool:
        if node.name in parents:
            return True
        if node.name in acyclic:
            return False
        if node.type_name == "structure":
            inner = list(node.members.values())
        elif node.type_name == "list":
            inner = [node.member]
        elif node.type_name == "map":
            inner = [node.value]
        else:
            inner = []
        if any(visit(child, parents | {node.name}) for child in inner):
            return True
        acyclic.add(node.name)
        return False

    return visit(shape, frozenset())


def _decode_timestamp(value: Any) -> Any:
    """A timestamp as the member's value: epoch seconds, or text (query strings, headers,
    and Pinpoint's iso8601 members); one no clock can hold is a SerializationException."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return value  # validation reports the type
    try:
        if isinstance(value, str):
            return parse_timestamp(value)
        return _epoch_to_datetime(value)
    # parse_timestamp and fromtimestamp fail in all these ways on out-of-range values.
    except (TypeError, ValueError, OverflowError, OSError, RuntimeError):
        raise SerializationError(f"{value!r} is not a valid timestamp.") from None


def _decode_blob(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # validation reports the type
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SerializationError("A blob member of the request body is not base64.") from None


def _decode_json_leaf(shape: Shape) -> Converter | None:
    """JSON bodies carry timestamps as epoch numbers or text, and blobs as base64."""
    if shape.type_name == "timestamp":
        return _decode_timestamp
    if shape.type_name == "blob":
        return _decode_blob
    return None


def _epoch_to_datetime(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=timezone.utc)


class InputPlan:
    """Where each input member of one operation travels and how it is decoded."""

    def __init__(self, operation: OperationModel) -> None:
        shape = operation.input_shape
        self.uri: list[tuple[str, str, Converter]] = []
        self.query: list[tuple[str, str, Converter, bool]] = []
        self.query_map: str | None = None
        self.headers: list[tuple[str, str, Converter]] = []
        self.payload: tuple[str, Shape] | None = None
        self.body: Converter | None = None
        self.body_members: frozenset[str] = frozenset()
        self.has_body = False
        self.recursive = False
        if shape is None:
            return
        self.shape: Shape = shape
        self.recursive = _is_recursive(shape)
        payload = shape.serialization.get("payload")
        for name, member in shape.members.items():
            where = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if where == "uri":
                self.uri.append((wire, name, _from_text(member)))
            elif where == "querystring":
                if member.type_name == "map":
                    self.query_map = name
                elif member.type_name == "list":
                    self.query.append((wire, name, _from_text(member.member), True))
                else:
                    self.query.append((wire, name, _from_text(member), False))
            elif where == "header":
                self.headers.append((wire.lower(), name, _from_text(member)))
            elif name == payload:
                self.payload = (name, member)
        body_members = {
            n: m
            for n, m in shape.members.items()
            if "location" not in m.serialization and n != payload
        }
        self.body_members = frozenset(body_members)
        self.has_body = bool(body_members) and self.payload is None
        if self.has_body:
            self.body = _converter(shape, _decode_json_leaf)
        elif self.payload is not None and self.payload[1].type_name == "structure":
            self.body = _converter(self.payload[1], _decode_json_leaf)

    def _json(self, body: bytes) -> dict[str, Any]:
        decoded = _json_object(body)
        if self.recursive and _nesting_depth(decoded) > MAX_RECURSIVE_NESTING:
            raise SerializationError(_NESTED_TOO_DEEPLY)
        return decoded

    def parse(
        self, labels: Mapping[str, str], query: str, headers: Mapping[str, Any], body: bytes
    ) -> dict[str, Any]:
        """The operation's input members, decoded from the wire."""
        params: dict[str, Any] = {}
        if self.has_body and body:
            decoded = without_nulls(self.shape, self._json(body))
            for name in set(decoded) - self.body_members:
                del decoded[name]  # an input member that travels elsewhere, sent in the body
            params = self.body(decoded) if self.body is not None else decoded
        elif self.payload is not None and body:
            name, member = self.payload
            if member.type_name == "structure":
                decoded = without_nulls(member, self._json(body))
                params[name] = self.body(decoded) if self.body is not None else decoded
            elif member.type_name == "string":
                params[name] = body.decode("utf-8", "replace")
            else:
                params[name] = body
        for wire, name, convert in self.uri:
            if wire in labels:
                params[name] = convert(labels[wire])
        if query and (self.query or self.query_map):
            values = parse_qs(query, keep_blank_values=True)
            for wire, name, convert, is_list in self.query:
                if wire in values:
                    found = values.pop(wire)
                    params[name] = [convert(v) for v in found] if is_list else convert(found[0])
            if self.query_map is not None and values:
                params[self.query_map] = {k: v[0] for k, v in values.items()}
        if self.headers:
            lowered = {str(k).lower(): v for k, v in headers.items()}
            for wire, name, convert in self.headers:
                if wire in lowered:
                    value = lowered[wire]
                    if isinstance(value, bytes):
                        value = value.decode("utf-8")
                    params[name] = convert(value)
        return params


# --------------------------------------------------------------- output ----------


def _timestamp_writer(fmt: str) -> Converter:
    def to_epoch(value: Any) -> float:
        return value.timestamp() if isinstance(value, datetime) else float(value)

    if fmt == "iso8601":

        def iso(value: Any) -> str:
            moment = datetime.fromtimestamp(to_epoch(value), tz=timezone.utc)
            return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

        return iso
    if fmt == "rfc822":
        return lambda value: formatdate(to_epoch(value), usegmt=True)
    return to_epoch


def _json_default(value: Any) -> Any:
    """JSON for the two output types json cannot write: rest-json's defaults for both."""
    if isinstance(value, datetime):
        return value.timestamp()  # unixTimestamp, the rest-json body default
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not serialisable: {value!r}")


def _dumps(value: Any) -> bytes:
    return strict_json.dumps(value, default=_json_default)


def _encode_timestamp_leaf(default_format: str) -> Callable[[Shape], Converter | None]:
    """Timestamps whose format differs from the body default need writing by hand.

    Default-format timestamps and blobs are left to :func:`_json_default`, so the common
    output (no such members) is written by ``json.dumps`` alone, with no walk.
    """

    def leaf(shape: Shape) -> Converter | None:
        if shape.type_name != "timestamp":
            return None
        fmt = shape.serialization.get("timestampFormat", default_format)
        return None if fmt == default_format else _timestamp_writer(fmt)

    return leaf


class OutputPlan:
    """How one operation's output dict becomes status, headers and body."""

    def __init__(self, operation: OperationModel) -> None:
        self.status = int(operation.http.get("responseCode", 200))
        shape = operation.output_shape
        self.headers: list[tuple[str, str, Converter]] = []
        self.status_member: str | None = None
        self.payload: tuple[str, Shape] | None = None
        self.body_members: frozenset[str] = frozenset()
        self.convert: Converter | None = None
        if shape is None:
            return
        payload = shape.serialization.get("payload")
        body = set()
        for name, member in shape.members.items():
            where = member.serialization.get("location")
            if where == "header":
                fmt = _timestamp_writer(member.serialization.get("timestampFormat", "rfc822"))
                writer = fmt if member.type_name == "timestamp" else str
                self.headers.append((member.serialization.get("name", name), name, writer))
            elif where == "statusCode":
                self.status_member = name
            elif name == payload:
                self.payload = (name, member)
            elif where is None:
                body.add(name)
        self.body_members = frozenset(body)
        self.convert = _converter(shape, _encode_timestamp_leaf("unixTimestamp"))

    def serialize(self, output: Mapping[str, Any] | None) -> tuple[int, dict[str, str], bytes]:
        """Status code, headers and body bytes for a backend's return value."""
        out = {k: v for k, v in (output or {}).items() if v is not None}
        if self.convert is not None:
            out = self.convert(out)
        headers = {"Content-Type": "application/json"}
        status = self.status
        for wire, name, writer in self.headers:
            if name in out:
                headers[wire] = writer(out.pop(name))
        if self.status_member is not None and self.status_member in out:
            status = int(out.pop(self.status_member))
        if self.payload is not None:
            name, member = self.payload
            value = out.get(name)
            if value is None:
                return status, headers, b""
            if member.type_name == "structure":
                return status, headers, _dumps(value)
            if isinstance(value, str):
                return status, headers, value.encode()
            headers["Content-Type"] = "application/octet-stream"
            return status, headers, bytes(value)
        if status == 204 and not out:
            return status, headers, b""
        return status, headers, _dumps(out)


def error_code(shape: Shape) -> str:
    """The code an error shape answers with (``x-amzn-ErrorType``)."""
    return str(shape.metadata.get("error", {}).get("code", shape.name))


def error_status(shape: Shape) -> int:
    """The HTTP status an error shape answers with."""
    return int(shape.metadata.get("error", {}).get("httpStatusCode", 400))


def serialize_error(
    error_shape: Shape | None,
    code: str,
    message: str,
    fields: Mapping[str, Any],
    request_id: str,
    status: int | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """The response the service sends for an error.

    With an error shape, the status code and body members come from the model (Pinpoint's
    ``Message``/``RequestID``, Wisdom's ``message``/``resourceName``); without one (an error
    importmock itself raises, such as an unimplemented operation) the body is ``message``.
    """
    body: dict[str, Any] = {}
    if error_shape is None:
        body["message"] = message
    else:
        if status is None:
            status = error_status(error_shape)
        for name in error_shape.members:
            if name.lower() == "message":
                body[name] = message
            elif name == "RequestID":
                body[name] = request_id
            elif fields.get(name) is not None:
                body[name] = fields[name]
        if not any(name.lower() == "message" for name in error_shape.members):
            body["message"] = message
    headers = {
        "Content-Type": "application/json",
        "x-amzn-ErrorType": code,
        "x-amzn-RequestId": request_id,
    }
    return status or 400, headers, _dumps(body)

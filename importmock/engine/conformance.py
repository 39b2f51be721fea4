"""Conformance: every response importmock sends is one the operation's model allows.

Input validation (``validation.py``) keeps callers honest; this keeps importmock honest.
With ``check_responses`` on (the test suite turns it on for every call it makes), each
answer is checked on the wire, as a client would receive it, before it leaves the
pipeline:

* a success body against the output shape: JSON types, required members, enums,
  lengths, ranges, patterns, timestamps in the member's wire format, and no member the
  shape does not declare; the status code the model gives (or the ``statusCode`` member);
* an error against the operation: its code must be declared by the operation's model,
  or be one of the errors listed below that the service answers without declaring them;
  its status code is the error shape's, and its body carries only the shape's members
  (plus ``message``, which every rest-json error may carry).

The first problem raises :class:`ConformanceError` out of the client call, naming the
operation and the member path, so a backend bug fails the test that provoked it.

Constraint checks reuse the input validator's compiled checkers: after the wire walk has
decoded timestamps and blobs, an output is checked exactly as an input would be.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from botocore.model import OperationModel, Shape, StructureShape
from botocore.utils import parse_timestamp

from importmock.engine.errors import ConformanceError
from importmock.engine.protocol import error_code, error_status
from importmock.engine.validation import validator_for

__all__ = [
    "COMMON_ERRORS",
    "UNDECLARED_ERRORS",
    "ConformanceError",
    "ResponseChecker",
    "allowed_errors",
]


#: Errors any operation of any mocked service may answer, although operation models do
#: not declare them: AWS's common errors for rest-json services, and importmock's own.
COMMON_ERRORS: Mapping[str, str] = {
    "UnknownOperationException": "no operation of the service matches the method and path",
    "SerializationException": "the request body is not a JSON object",
    "NotImplemented": "importmock's own 501 for an operation it does not implement",
}

_VALIDATION = "the service's validation error, for a request that breaks the input shape"
_NOT_FOUND = "a resource named in the request does not exist"

#: Errors the real service answers for operations whose models do not declare them,
#: keyed by (client name, operation). Each is documented in docs/behaviour-notes.md.
UNDECLARED_ERRORS: Mapping[tuple[str, str], Mapping[str, str]] = {
    **{
        (client, op): {"ValidationException": _VALIDATION}
        for client in ("qconnect", "wisdom")
        for op in ("TagResource", "UntagResource", "ListTagsForResource")
    },
    **{
        ("pinpoint", op): {"BadRequestException": _VALIDATION, "NotFoundException": _NOT_FOUND}
        for op in ("TagResource", "UntagResource")
    },
    # Its only input is the ARN in the path, which has no constraint to break.
    ("pinpoint", "ListTagsForResource"): {"NotFoundException": _NOT_FOUND},
    **{
        (client, "ListImportJobs"): {"ResourceNotFoundException": _NOT_FOUND}
        for client in ("qconnect", "wisdom")
    },
    **{
        ("lexv2-models", op): {"ResourceNotFoundException": _NOT_FOUND}
        for op in (
            "ListBotLocales",
            "ListIntents",
            "ListSlots",
            "ListSlotTypes",
            "ListCustomVocabularyItems",
            "ListBotVersions",
            "ListBotAliases",
        )
    },
    # Lex refuses input that breaks the model with ValidationException on every operation;
    # these models declare none (their constraints are on the ARN and revision id).
    **{
        ("lexv2-models", op): {"ValidationException": _VALIDATION}
        for op in (
            "DescribeResourcePolicy",
            "DeleteResourcePolicy",
            "DeleteResourcePolicyStatement",
        )
    },
}


def allowed_errors(client: str, operation: OperationModel) -> frozenset[str]:
    """Every error code ``operation`` may answer: declared, common or documented."""
    declared = {error_code(shape) for shape in operation.error_shapes}
    extra = UNDECLARED_ERRORS.get((client, operation.name), {})
    return frozenset(declared | set(COMMON_ERRORS) | set(extra))


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class _WireDecoder:
    """Walks a JSON value along a shape: reports what only the wire shows, and decodes
    timestamps and blobs so the input validator's checkers can judge the rest."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems

    def decode(self, shape: Shape, value: Any, path: str) -> Any:
        kind = shape.type_name
        if value is None:
            self.problems.append(f"'{path}' is null; AWS omits absent members")
            return None
        if shape.metadata.get("document"):
            return value
        if kind == "structure":
            return self._structure(shape, value, path)
        if kind == "list":
            if not isinstance(value, list):
                return value  # the validator names the type
            item: Shape = shape.member
            return [self.decode(item, v, f"{path}.{i}.member") for i, v in enumerate(value, 1)]
        if kind == "map":
            if not isinstance(value, dict):
                return value
            inner: Shape = shape.value
            return {k: self.decode(inner, v, f"{path}.{k}.member") for k, v in value.items()}
        if kind == "timestamp":
            return self._timestamp(shape, value, path)
        if kind == "blob":
            if not isinstance(value, str):
                self.problems.append(f"'{path}' is a blob but the body has a {_json_type(value)}")
                return value
            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                self.problems.append(f"'{path}' is a blob but is not base64")
                return value
        if kind in ("float", "double") and value in ("NaN", "Infinity", "-Infinity"):
            return float(value)  # how restJson1 writes a non-finite double (protocol.py)
        return value

    def _structure(self, shape: StructureShape, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            return value
        by_wire = {m.serialization.get("name", n): (n, m) for n, m in shape.members.items()}
        out: dict[str, Any] = {}
        for key, member_value in value.items():
            found = by_wire.get(key)
            member_path = f"{path}.{key}" if path else key
            if found is None:
                self.problems.append(
                    f"'{member_path}' is not a member of {shape.name} "
                    f"(members: {', '.join(shape.members) or 'none'})"
                )
                continue
            name, member = found
            out[name] = self.decode(member, member_value, member_path)
        return out

    def _timestamp(self, shape: Shape, value: Any, path: str) -> Any:
        fmt = shape.serialization.get("timestampFormat", "unixTimestamp")
        if fmt == "unixTimestamp":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return datetime.fromtimestamp(value, tz=timezone.utc)
            self.problems.append(f"'{path}' must be epoch seconds (unixTimestamp) but is {value!r}")
            return datetime.now(timezone.utc)
        if isinstance(value, str):
            try:
                return parse_timestamp(value)
            except (TypeError, ValueError):
                pass
        self.problems.append(f"'{path}' must be an {fmt} timestamp string but is {value!r}")
        return datetime.now(timezone.utc)


def _header_value(shape: Shape, text: str) -> Any:
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "boolean":
            return {"true": True, "false": False}.get(text, text)
        if kind == "timestamp":
            return parse_timestamp(text)
    except (TypeError, ValueError):
        return text
    return text


class ResponseChecker:
    """Checks one operation's responses; compiled once per operation."""

    def __init__(self, client: str, operation: OperationModel) -> None:
        self.client = client
        self.operation = operation
        self.allowed_errors = allowed_errors(client, operation)
        self._status = int(operation.http.get("responseCode", 200))
        # The service's error shapes, not just the operation's: an undeclared error the
        # service answers (UNDECLARED_ERRORS) still has the shape of the service's error.
        self._errors = {error_code(s): s for s in operation.service_model.error_shapes}
        self._declared = sorted(error_code(s) for s in operation.error_shapes)
        output = operation.output_shape
        self._output = output
        self._payload: tuple[str, Shape] | None = None
        self._headers: list[tuple[str, str, Shape]] = []
        self._status_member: str | None = None
        self._body: StructureShape | None = None
        if output is None:
            return
        payload = output.serialization.get("payload")
        for name, member in output.members.items():
            where = member.serialization.get("location")
            if where == "header":
                self._headers.append((member.serialization.get("name", name), name, member))
            elif where == "statusCode":
                self._status_member = name
            elif name == payload:
                self._payload = (name, member)
            elif where is None:
                self._body = output

    def problems(self, status: int, headers: Mapping[str, str], body: bytes) -> list[str]:
        """What is wrong with this response; empty when the model allows it."""
        if status >= 300:
            return self._error_problems(status, headers, body)
        problems: list[str] = []
        if self._status_member is None and status != self._status:
            problems.append(f"status {status}, but the model answers {self._status}")
        if self._output is None:
            if body not in (b"", b"{}"):
                problems.append("a body, but the operation has no output shape")
            return problems
        decoder = _WireDecoder(problems)
        decoded: dict[str, Any] = {}
        lowered = {k.lower(): v for k, v in headers.items()}
        for wire, name, member in self._headers:
            if wire.lower() in lowered:
                decoded[name] = _header_value(member, lowered[wire.lower()])
        if self._payload is not None:
            name, member = self._payload
            if member.type_name == "structure":
                parsed = self._json(body, problems)
                if parsed is not None:
                    decoded[name] = decoder.decode(member, parsed, name)
            elif body:
                decoded[name] = body if member.type_name == "blob" else body.decode()
        elif self._body is not None:
            parsed = self._json(body, problems)
            if parsed is not None:
                decoded.update(decoder.decode(self._body, parsed, ""))
        elif body not in (b"", b"{}"):
            problems.append("a body, but the output shape has no body members")
        if self._status_member is not None:
            decoded[self._status_member] = status
        problems.extend(validator_for(self._output).violations(decoded))
        return problems

    def _error_problems(self, status: int, headers: Mapping[str, str], body: bytes) -> list[str]:
        lowered = {k.lower(): v for k, v in headers.items()}
        code = lowered.get("x-amzn-errortype", "").split(":", 1)[0]
        name = f"{self.client}.{self.operation.name}"
        if code not in self.allowed_errors:
            return [
                f"error {code or '(no x-amzn-ErrorType)'} is not declared for {name} "
                f"(declared: {', '.join(self._declared) or 'none'}); declare it in "
                "conformance.UNDECLARED_ERRORS with a behaviour note if AWS really sends it"
            ]
        problems: list[str] = []
        parsed = self._json(body, problems)
        shape = self._errors.get(code)
        if shape is None:
            if parsed is not None and set(parsed) - {"message"}:
                problems.append(f"error body members {sorted(parsed)}; expected only message")
            return problems
        expected = error_status(shape)
        if status != expected:
            problems.append(f"{code} answered with status {status}; its shape says {expected}")
        if parsed is not None:
            parsed = {
                k: v for k, v in parsed.items() if k != "message" or "message" in shape.members
            }
            decoded = _WireDecoder(problems).decode(shape, parsed, code)
            problems.extend(validator_for(shape).violations(decoded))
        return problems

    @staticmethod
    def _json(body: bytes, problems: list[str]) -> dict[str, Any] | None:
        try:
            parsed = json.loads(body or b"{}")
        except ValueError as error:
            problems.append(f"the body is not JSON: {error}")
            return None
        if not isinstance(parsed, dict):
            problems.append(f"the body is a JSON {_json_type(parsed)}, not an object")
            return None
        return parsed

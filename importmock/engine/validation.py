"""Server-side input validation against the botocore model, in AWS's own wording.

Why this exists: botocore's client-side ``ParamValidator`` only checks that required
members are present, that values have the right Python type and that ``min`` lengths
hold; it never looks at ``max``, ``pattern`` or ``enum``, and a client can switch it off
entirely (``parameter_validation=False``).  Real AWS services check every modeled
constraint on the server and answer ``ValidationException`` listing *all* violations, e.g.::

    2 validation errors detected: Value 'x' at 'knowledgeBaseId' failed to satisfy
    constraint: Member must satisfy regular expression pattern: ...; Value '1000' at
    'maxResults' failed to satisfy constraint: Member must have value less than or
    equal to 100

A mock that accepts what AWS rejects lets bugs through to production, so this module
replays those checks.  Constraints come from the installed botocore service models.

Item format: ``Value '<rendered>' at '<path>' failed to satisfy constraint: <tail>``.
Missing/null values read ``Value null at ...``; values of sensitive shapes (or anything
inside a sensitive container) are never echoed and read ``Value at ...``.

Path scheme (chosen to match the messages AWS actually sends):

* structure members: ``outer.inner.name`` (top-level members are just ``name``);
* list items: ``list.<1-based index>.member``, e.g. ``searchExpression.queries.1.member.operator``;
* map keys and scalar map values are reported once per map, at the map's own path, with
  every declared constraint of the key/value shape in brackets -- AWS's Coral wording::

      Value '{k=v}' at 'tags' failed to satisfy constraint: Map keys must satisfy
      constraint: [Member must have length less than or equal to 128, ...]
      Value '{k=v}' at 'tags' failed to satisfy constraint: Map value must satisfy
      constraint: [Member must have length less than or equal to 256, ...]

* non-scalar map values (structures, lists, maps) are recursed into at
  ``map.<key>.member`` (mirrors the list convention; AWS's exact wording for this case is
  not documented anywhere we could find).

Order: structure members in model order (the issue's ListImportJobs example reports
``maxResults`` before the path label ``knowledgeBaseId``, as the model lists them); within
one value: type, else enum, length, pattern, range.  Unknown members are ignored, as
rest-json services do.

Patterns use Smithy semantics: *not* implicitly anchored, so ``re.search``.  Models carry
Java regexes; the few that Python's ``re`` rejects are translated where the translation
is mechanical and otherwise skipped (leniency beats rejecting valid input; importmock
behaves the same on every machine rather than depending on whether ``regex`` is there).

Pattern work is bounded.  A backtracking search can cost the square of the value's length
or worse (lexv2's ``S3ObjectPath`` and qconnect's ``WhatsAppBusinessAccountId`` do under
unanchored search), so a pattern never runs on a value longer than its shape's ``max``
(the value is reported for its length alone), nor, where the shape declares no ``max``,
on one longer than ``PATTERN_LENGTH_LIMIT`` (the value is reported as failing the pattern
without running it).  ``tests/robustness/test_model_patterns.py`` times every pattern of
the mocked models against adversarial values at those lengths.

Performance: this runs on every intercepted call, so each shape is compiled once into
closures; a small valid input costs a few microseconds.  Nested nodes compile lazily on
first use, which also makes recursive shapes safe.
"""

from __future__ import annotations

import datetime
import re
import sys
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Optional

from botocore.model import Shape, StructureShape

__all__ = ["PATTERN_LENGTH_LIMIT", "InputValidator", "validation_message", "validator_for"]

# Appends the violations of one non-null value at one path to the output list.
Checker = Callable[[Any, str, "list[str]"], None]
# Returns the failed constraint tails of one scalar value (empty tuple when it is valid).
Failures = Callable[[Any], "tuple[str, ...]"]
# Java-regex search; returns a truthy object on match.
Search = Callable[[str], object]
# Formats one violation item: (value, path, tail) -> "Value '...' at '...' failed ...".
Reporter = Callable[[Any, str, str], str]
# A compiled structure member: name, required, scalar fast test, checker, reporter.
_Member = tuple[str, bool, Optional[Failures], Checker, Reporter]

_MAX_MESSAGE_ITEMS = 10  # AWS lists at most ten violations but counts them all.
_OK: tuple[str, ...] = ()
_NOT_NULL = "Member must not be null"
_REDACTED = "*** Sensitive Data Redacted ***"
_SCALAR_TYPES = frozenset(
    {"string", "integer", "long", "float", "double", "boolean", "timestamp", "blob"}
)
_NO_MIN = -sys.maxsize - 1
_NO_MAX = sys.maxsize

#: The longest value a pattern runs on when its shape declares no ``max``.  Every such shape
#: in the mocked models names an id, an ARN, a URL or a media type, and 2048 is the longest
#: ``max`` their ARN shapes declare; at this length the costliest of those patterns
#: (lexv2's ``DomainEndpoint``) takes about 50 ms, where a megabyte would take hours.
PATTERN_LENGTH_LIMIT = 2048


# --------------------------------------------------------------------------- patterns

_pattern_cache: dict[str, Search] = {}
_pattern_lock = threading.Lock()

# Java spells astral code points as surrogate pairs inside classes; Python needs \U.
_SURROGATE_RANGE = re.compile(r"\\uD800\\uDC00-\\uDBFF\\uDFFF", re.IGNORECASE)
_JAVA_HEX = re.compile(r"\\x\{([0-9A-Fa-f]{1,6})\}")


def _always_matches(_value: str) -> object:
    return True


def _translate_java(pattern: str) -> str:
    pattern = _SURROGATE_RANGE.sub(r"\\U00010000-\\U0010FFFF", pattern)
    pattern = pattern.replace(r"\z", r"\Z")
    return _JAVA_HEX.sub(lambda m: f"\\U{int(m.group(1), 16):08x}", pattern)


def _compile_pattern(pattern: str) -> Search:
    for candidate in (pattern, _translate_java(pattern)):
        try:
            return re.compile(candidate).search
        except re.error:
            pass
    # Skipped rather than guessed: rejecting valid input would be worse than missing a
    # check (a few \p{..} patterns; listed in docs/limitations.md).
    return _always_matches


def _pattern_search(pattern: str) -> Search:
    # Shared across operations and services: UuidOrArn-style patterns repeat a lot.
    search = _pattern_cache.get(pattern)
    if search is None:
        with _pattern_lock:
            search = _pattern_cache.get(pattern)
            if search is None:
                search = _compile_pattern(pattern)
                _pattern_cache[pattern] = search
    return search


# --------------------------------------------------------------------------- rendering


_RENDER_DEPTH = 32  # deeper containers render as "..." (a message, not a stack overflow)


def _render(value: Any, shape: Shape | None, depth: int = 0) -> str:
    """Render like the Java toString AWS uses, redacting sensitive sub-shapes."""
    if value is None:
        return "null"
    if shape is not None and shape.metadata.get("sensitive"):
        return _REDACTED
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        n = len(value)
        return f"java.nio.HeapByteBuffer[pos=0 lim={n} cap={n}]"
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc)
        return value.strftime("%a %b %d %H:%M:%S UTC %Y")
    if isinstance(value, (dict, list, tuple)) and depth >= _RENDER_DEPTH:
        return "{...}" if isinstance(value, dict) else "[...]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(_render_entry(k, v, shape, depth + 1) for k, v in value.items()) + "}"
        )
    if isinstance(value, (list, tuple)):
        item_shape = getattr(shape, "member", None) if shape is not None else None
        return "[" + ", ".join(_render(v, item_shape, depth + 1) for v in value) + "]"
    return str(value)


def _render_entry(key: Any, value: Any, shape: Shape | None, depth: int) -> str:
    if shape is None:
        return f"{key}={_render(value, None, depth)}"
    if shape.type_name == "structure":
        members = shape.members
        return f"{key}={_render(value, members.get(key), depth)}"
    if shape.type_name == "map":
        key_shape: Shape = shape.key
        value_shape: Shape = shape.value
        return f"{_render(key, key_shape, depth)}={_render(value, value_shape, depth)}"
    return f"{key}={_render(value, None, depth)}"


def _item(value: Any, path: str, tail: str, shape: Shape | None, sensitive: bool) -> str:
    if value is None:
        return f"Value null at '{path}' failed to satisfy constraint: {tail}"
    if sensitive:
        return f"Value at '{path}' failed to satisfy constraint: {tail}"
    return f"Value '{_render(value, shape)}' at '{path}' failed to satisfy constraint: {tail}"


def _type_tail(type_name: str) -> str:
    return f"Member must be of type {type_name}"


# --------------------------------------------------------------------------- type tests


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_int(value: Any) -> bool:
    # bool subclasses int in Python, but JSON true is not a number.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_timestamp(value: Any) -> bool:
    # Epoch numbers and strings are accepted because botocore serialises them into
    # valid timestamps even when client-side validation is off, so AWS never sees a
    # type error for them.
    return isinstance(value, (datetime.datetime, str)) or _is_number(value)


def _is_blob(value: Any) -> bool:
    return isinstance(value, (bytes, bytearray, str)) or hasattr(value, "read")


def _blob_len(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    return -1  # file-like: length unknown without consuming it, so skip length checks


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": _is_str,
    "integer": _is_int,
    "long": _is_int,
    "float": _is_number,
    "double": _is_number,
    "boolean": _is_bool,
    "timestamp": _is_timestamp,
    "blob": _is_blob,
}


# --------------------------------------------------------------------------- compiler


def _signature(shape: Shape) -> tuple[Any, ...]:
    # Member refs may override traits (apigatewayv2 puts an enum on a member ref), so a
    # shape name alone does not identify the constraints; the signature does.
    md = shape.metadata
    enum = md.get("enum")
    required = md.get("required")
    return (
        shape.name,
        shape.type_name,
        md.get("min"),
        md.get("max"),
        md.get("pattern"),
        tuple(enum) if enum else None,
        bool(md.get("sensitive")),
        bool(md.get("union")),
        bool(md.get("document")),
        tuple(required) if required else None,
        _is_stream(shape),
    )


def _is_stream(shape: Shape) -> bool:
    serialization = shape.serialization
    return bool(serialization.get("streaming") or serialization.get("eventstream"))


def _skip(_value: Any, _path: str, _out: list[str]) -> None:
    """Document types and streams: anything goes, as on the wire."""


class _Node:
    """A compiled shape.

    ``check`` appends the violations of a non-null value.  Scalars also expose
    ``failures`` (the failed constraint tails, an empty tuple when valid) so containers can
    test them with a single call and build the path string only when something failed;
    ``declared`` lists every constraint of the shape for the bracketed map messages.
    """

    __slots__ = ("check", "declared", "failures", "report")

    def __init__(
        self,
        check: Checker,
        report: Reporter,
        failures: Failures | None = None,
        declared: tuple[str, ...] = (),
    ) -> None:
        self.check = check
        self.report = report
        self.failures = failures
        self.declared = declared


def _reporter(shape: Shape, sensitive: bool) -> Reporter:
    def report(value: Any, path: str, tail: str) -> str:
        return _item(value, path, tail, shape, sensitive)

    return report


_SKIP_NODE = _Node(_skip, lambda value, path, tail: "")


class _Compiler:
    """Compiles the shapes of one input tree; shared and recursive shapes compile once."""

    def __init__(self) -> None:
        self._nodes: dict[tuple[Any, ...], _Node] = {}

    def node(self, shape: Shape, inherited_sensitive: bool) -> _Node:
        sensitive = inherited_sensitive or bool(shape.metadata.get("sensitive"))
        key = (_signature(shape), sensitive)
        found = self._nodes.get(key)
        if found is not None:
            return found
        type_name = shape.type_name
        node: _Node
        if shape.metadata.get("document") or _is_stream(shape):
            node = _SKIP_NODE
        elif type_name in _SCALAR_TYPES:
            node = _compile_scalar(shape, sensitive)
        elif type_name == "structure":
            node = _Node(self._structure(shape, sensitive), _reporter(shape, sensitive))
        elif type_name == "list":
            node = _Node(self._list(shape, sensitive), _reporter(shape, sensitive))
        elif type_name == "map":
            node = _Node(self._map(shape, sensitive), _reporter(shape, sensitive))
        else:  # a type botocore may add later: never reject what we cannot judge
            node = _SKIP_NODE
        # Registered before any child compiles (children compile lazily, on first use),
        # so a recursive shape finds itself here instead of recursing forever.
        self._nodes[key] = node
        return node

    # -- structures ------------------------------------------------------------------

    def _structure(self, shape: StructureShape, sensitive: bool) -> Checker:
        compiler = self
        report = _reporter(shape, sensitive)
        type_tail = _type_tail("structure")
        is_union = bool(shape.metadata.get("union")) or bool(
            getattr(shape, "is_tagged_union", False)
        )
        members: tuple[_Member, ...] | None = None

        def build() -> tuple[_Member, ...]:
            required = set(shape.required_members)
            ordered = list(shape.members.items())
            result = []
            for name, member in ordered:
                node = compiler.node(member, sensitive)
                result.append((name, name in required, node.failures, node.check, node.report))
            return tuple(result)

        def check(value: Any, path: str, out: list[str]) -> None:
            nonlocal members
            if not isinstance(value, dict):
                out.append(report(value, path, type_tail))
                return
            if members is None:
                members = build()
            prefix = path + "." if path else ""
            get = value.get
            if is_union:
                set_count = 0
                for member in members:
                    if get(member[0]) is not None:
                        set_count += 1
                if set_count != 1:
                    out.append(report(value, path, "Member must have exactly one member set"))
            for name, required, failures, member_check, member_report in members:
                member_value = get(name)
                if member_value is None:
                    if required:
                        out.append(
                            f"Value null at '{prefix}{name}' failed to satisfy "
                            f"constraint: {_NOT_NULL}"
                        )
                elif failures is None:
                    member_check(member_value, prefix + name, out)
                else:
                    failed = failures(member_value)
                    if failed:
                        member_path = prefix + name
                        for tail in failed:
                            out.append(member_report(member_value, member_path, tail))

        return check

    # -- lists -----------------------------------------------------------------------

    def _list(self, shape: Shape, sensitive: bool) -> Checker:
        compiler = self
        report = _reporter(shape, sensitive)
        md = shape.metadata
        min_len: int = md.get("min", _NO_MIN)
        max_len: int = md.get("max", _NO_MAX)
        min_tail = f"Member must have length greater than or equal to {min_len}"
        max_tail = f"Member must have length less than or equal to {max_len}"
        type_tail = _type_tail("list")
        item_shape: Shape = shape.member
        item_node: _Node | None = None

        def check(value: Any, path: str, out: list[str]) -> None:
            nonlocal item_node
            if not isinstance(value, (list, tuple)):
                out.append(report(value, path, type_tail))
                return
            n = len(value)
            if n < min_len:
                out.append(report(value, path, min_tail))
            elif n > max_len:
                out.append(report(value, path, max_tail))
            if not n:
                return
            if item_node is None:
                item_node = compiler.node(item_shape, sensitive)
            failures = item_node.failures
            index = 0
            for item in value:
                index += 1
                if item is None:
                    out.append(
                        f"Value null at '{path}.{index}.member' failed to satisfy "
                        f"constraint: {_NOT_NULL}"
                    )
                elif failures is None:
                    item_node.check(item, f"{path}.{index}.member", out)
                else:
                    failed = failures(item)
                    if failed:
                        item_path = f"{path}.{index}.member"
                        for tail in failed:
                            out.append(item_node.report(item, item_path, tail))

        return check

    # -- maps ------------------------------------------------------------------------

    def _map(self, shape: Shape, sensitive: bool) -> Checker:
        compiler = self
        md = shape.metadata
        min_len: int = md.get("min", _NO_MIN)
        max_len: int = md.get("max", _NO_MAX)
        min_tail = f"Member must have length greater than or equal to {min_len}"
        max_tail = f"Member must have length less than or equal to {max_len}"
        type_tail = _type_tail("map")
        key_shape: Shape = shape.key
        value_shape: Shape = shape.value
        # Key and value messages echo the whole map, so any sensitive part hides all of it.
        hide = (
            sensitive
            or bool(key_shape.metadata.get("sensitive"))
            or bool(value_shape.metadata.get("sensitive"))
        )
        report = _reporter(shape, hide)
        nodes: tuple[_Node, _Node] | None = None

        def check(value: Any, path: str, out: list[str]) -> None:
            nonlocal nodes
            if not isinstance(value, dict):
                out.append(report(value, path, type_tail))
                return
            n = len(value)
            if n < min_len:
                out.append(report(value, path, min_tail))
            elif n > max_len:
                out.append(report(value, path, max_tail))
            if not n:
                return
            if nodes is None:
                nodes = (compiler.node(key_shape, hide), compiler.node(value_shape, sensitive))
            key_node, value_node = nodes
            key_failures = key_node.failures
            value_failures = value_node.failures
            bad_keys: list[str] = []
            bad_values: list[str] = []
            for k, v in value.items():
                if key_failures is not None:
                    bad_keys.extend(key_failures(k))
                if v is None:
                    bad_values.append(_NOT_NULL)
                elif value_failures is not None:
                    bad_values.extend(value_failures(v))
                else:
                    value_node.check(v, f"{path}.{k}.member", out)
            if bad_keys:
                tails = _bracket(key_node.declared, bad_keys)
                out.append(report(value, path, f"Map keys must satisfy constraint: {tails}"))
            if bad_values:
                tails = _bracket(value_node.declared, bad_values)
                out.append(report(value, path, f"Map value must satisfy constraint: {tails}"))

        return check


def _bracket(declared: tuple[str, ...], failed: Sequence[str]) -> str:
    # AWS lists every declared constraint of the element shape, not just the failed ones;
    # failures that are not declared constraints (type, null) are appended so the message
    # still says what went wrong.
    tails = list(declared)
    for tail in failed:
        if tail not in tails:
            tails.append(tail)
    return "[" + ", ".join(tails) + "]"


def _compile_scalar(shape: Shape, sensitive: bool) -> _Node:
    md = shape.metadata
    type_name = shape.type_name
    is_type = _TYPE_TESTS[type_name]
    type_fail = (_type_tail(type_name),)
    lo = md.get("min")
    hi = md.get("max")
    is_string = type_name == "string"
    enum_values: list[str] | None = (md.get("enum") or None) if is_string else None
    pattern: str | None = md.get("pattern") if is_string else None
    length_kind = is_string or type_name == "blob"
    range_kind = type_name in ("integer", "long", "float", "double")

    # Declared order follows AWS's bracketed lists: max before min, then pattern.
    enum_tail = max_len_tail = min_len_tail = pattern_tail = max_val_tail = min_val_tail = ""
    if enum_values:
        enum_tail = "Member must satisfy enum value set: [" + ", ".join(enum_values) + "]"
    if length_kind and hi is not None:
        max_len_tail = f"Member must have length less than or equal to {hi}"
    if length_kind and lo is not None:
        min_len_tail = f"Member must have length greater than or equal to {lo}"
    if pattern is not None:
        pattern_tail = f"Member must satisfy regular expression pattern: {pattern}"
    if range_kind and hi is not None:
        max_val_tail = f"Member must have value less than or equal to {hi}"
    if range_kind and lo is not None:
        min_val_tail = f"Member must have value greater than or equal to {lo}"
    declared = tuple(
        t
        for t in (enum_tail, max_len_tail, min_len_tail, pattern_tail, max_val_tail, min_val_tail)
        if t
    )
    min_len = lo if length_kind and lo is not None else _NO_MIN
    max_len = hi if length_kind and hi is not None else _NO_MAX
    # A value over max_len never reaches the pattern; without a max, this bounds its work.
    pattern_limit = _NO_MAX if hi is not None else PATTERN_LENGTH_LIMIT

    failures: Failures
    if is_string:
        enum_set = frozenset(enum_values) if enum_values else None
        search: Search | None = None

        def string_failures(value: Any) -> tuple[str, ...]:
            nonlocal search
            if not isinstance(value, str):
                return type_fail
            failed: tuple[str, ...] = _OK
            if enum_set is not None and value not in enum_set:
                failed = (enum_tail,)
            n = len(value)
            if n < min_len:
                failed += (min_len_tail,)
            elif n > max_len:
                # AWS would list the pattern too, when it fails; running it on an over-long
                # value is what costs hours, so the length alone is reported.
                return failed + (max_len_tail,)
            if pattern is not None:
                if n > pattern_limit:
                    failed += (pattern_tail,)  # no shape of this kind holds such a value
                else:
                    if search is None:
                        search = _pattern_search(pattern)  # compiled once, on first use
                    if not search(value):
                        failed += (pattern_tail,)
            return failed

        failures = string_failures
    elif range_kind and (lo is not None or hi is not None):
        min_val = lo if lo is not None else -float("inf")
        max_val = hi if hi is not None else float("inf")

        def number_failures(value: Any) -> tuple[str, ...]:
            if not is_type(value):
                return type_fail
            if value < min_val:
                return (min_val_tail,)
            if value > max_val:
                return (max_val_tail,)
            return _OK

        failures = number_failures
    elif type_name == "blob" and (lo is not None or hi is not None):

        def blob_failures(value: Any) -> tuple[str, ...]:
            if not is_type(value):
                return type_fail
            n = _blob_len(value)
            if n < 0:  # a file-like body: its length is unknown without consuming it
                return _OK
            if n < min_len:
                return (min_len_tail,)
            if n > max_len:
                return (max_len_tail,)
            return _OK

        failures = blob_failures
    else:

        def type_failures(value: Any) -> tuple[str, ...]:
            return _OK if is_type(value) else type_fail

        failures = type_failures

    report = _reporter(shape, sensitive)

    def check(value: Any, path: str, out: list[str]) -> None:
        for tail in failures(value):
            out.append(report(value, path, tail))

    return _Node(check, report, failures, declared)


# --------------------------------------------------------------------------- public API


class InputValidator:
    """Compiled validator for one operation's input shape."""

    __slots__ = ("__weakref__", "_check", "shape")

    def __init__(self, shape: StructureShape) -> None:
        self.shape = shape
        self._check: Checker = _Compiler().node(shape, False).check

    def violations(self, params: dict[str, Any]) -> list[str]:
        """Every violation in ``params``, one AWS-worded string each, in member order."""
        out: list[str] = []
        try:
            self._check(params if params is not None else {}, "", out)
        except RecursionError:
            # A value nested hundreds deep in a recursive shape (request bodies that deep
            # are refused before validation; a file a backend validates may not be).
            out.append("The input is nested too deeply to be validated.")
        return out


# id(shape) -> (weakref to shape, validator).  The weakref guards against a recycled id
# handing back another shape's validator, and its callback drops dead entries so service
# models created per test do not pile up.
_validators: dict[int, tuple[weakref.ReferenceType[Shape], InputValidator]] = {}
_validators_lock = threading.Lock()


def validator_for(shape: StructureShape) -> InputValidator:
    """The cached validator of ``shape`` (by identity); compiled on first request."""
    key = id(shape)
    entry = _validators.get(key)
    if entry is not None and entry[0]() is shape:
        return entry[1]
    with _validators_lock:
        entry = _validators.get(key)
        if entry is not None and entry[0]() is shape:
            return entry[1]
        validator = InputValidator(shape)

        def forget(ref: weakref.ReferenceType[Shape], key: int = key) -> None:
            current = _validators.get(key)
            if current is not None and current[0] is ref:
                _validators.pop(key, None)

        _validators[key] = (weakref.ref(shape, forget), validator)
        return validator


def validation_message(violations: list[str]) -> str:
    """AWS's ``ValidationException`` message: the full count, at most ten items."""
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    shown = "; ".join(violations[:_MAX_MESSAGE_ITEMS])
    return f"{count} validation {noun} detected: {shown}"

"""Hypothesis strategies for request parameters, derived from botocore input shapes only.

:func:`requests_for` draws the ``**params`` of one client call. Half of the draws are
shape-valid requests (every member valid, optional members present or absent), built from
:func:`tests.conformance.model_requests.valid_value` and varied within the shape's
constraints; the other half mix valid members with shape-invalid ones: arbitrary text
(unicode, control characters, empty, too long), numbers out of range or of the wrong kind,
wrong JSON types (a number for a string, a dict for a list, a list for a map, null),
lists nested up to :data:`NEST_LIMIT` levels deep, unknown members and missing required
ones.

Nothing here knows a service: the only outside input is ``known``, candidate values by
member name (the ids of resources a test created, say), which any member of that name,
at any depth, may take instead of a generated value.

Recursion is bounded: structures, lists and maps are generated in full down to
:data:`MAX_DEPTH`; below that a shape gets its minimal valid value (required members
only) or, in invalid mode, a scalar of the wrong type. Strategies are built once per
(shape, depth, mode) and shared, so building one for a large input shape stays cheap.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from typing import Any

from botocore.model import OperationModel, Shape, StructureShape
from hypothesis import strategies as st

from tests.conformance.model_requests import valid_string, valid_value

__all__ = ["MAX_DEPTH", "NASTY_STRINGS", "NEST_LIMIT", "nested_lists", "requests_for"]

MAX_DEPTH = 5  # container levels generated in full; deeper ones get minimal values
NEST_LIMIT = 50  # deepest list nesting sent as a wrong-typed value
_VARIANTS = 4  # distinct valid strings sampled per constrained string shape
_LONGEST = 20_000  # the longest over-long string a request carries
_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_EPOCH_START = datetime.datetime(1970, 1, 2)
_EPOCH_END = datetime.datetime(2100, 1, 1)
_UNKNOWN_MEMBER = "importmockUnknownMember"

#: Strings that break naive parsing: empty and blank, control and NUL characters, text
#: that looks like another JSON type, unicode digits (``"²".isdigit()`` is true but
#: ``int("²")`` fails), astral characters, path and query syntax, half an ARN.
NASTY_STRINGS = (
    "",
    " ",
    "\x00",
    "\t\r\n",
    "\x1b[0m",
    "null",
    "None",
    "true",
    "0",
    "-1",
    "1e309",
    "NaN",
    "²",
    "٣",
    "Ⅻ",
    "🎉",
    "\u202e",
    "\ufeff",
    "a/b",
    "../",
    ".",
    "%",
    "%00",
    "{}",
    "[]",
    "'",
    '"',
    "\\",
    "*",
    "?x=1&y",
    "#",
    "arn:",
    "arn:aws:",
)


def nested_lists(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``inner`` wrapped in 1 to :data:`NEST_LIMIT` single-item lists."""

    def wrap(pair: tuple[int, Any]) -> Any:
        depth, value = pair
        for _ in range(depth):
            value = [value]
        return value

    return st.tuples(st.integers(1, NEST_LIMIT), inner).map(wrap)


_SCALAR_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=10),
)
#: Any JSON-ish value (and None), for a member of any type.
JUNK = st.one_of(
    _SCALAR_JUNK,
    st.lists(_SCALAR_JUNK, max_size=3),
    st.dictionaries(st.text(max_size=5), _SCALAR_JUNK, max_size=3),
    nested_lists(_SCALAR_JUNK),
)
_ANY_TEXT = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(max_size=30),
    st.text(st.characters(max_codepoint=0x1F), max_size=5),  # control characters only
)


def _key(shape: Shape, depth: int, mode: str) -> tuple[Any, ...]:
    """Shapes are recreated on every member access; their name and traits identify them
    (a member reference may override traits, so the name alone does not)."""
    return (
        shape.name,
        shape.type_name,
        json.dumps(shape.metadata, sort_keys=True, default=str),
        depth,
        mode,
    )


class _Builder:
    def __init__(self, known: Mapping[str, Sequence[Any]]) -> None:
        self.known = {name: list(values) for name, values in known.items() if values}
        self.cache: dict[tuple[Any, ...], st.SearchStrategy[Any]] = {}

    # -- entry points ------------------------------------------------------------------
    def request(self, shape: StructureShape) -> st.SearchStrategy[dict[str, Any]]:
        # The top level is always a dict: it is the call's keyword arguments.
        return st.one_of(self.valid(shape, 0), self._structure(shape, 0, "mixed"))

    def valid(self, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
        return self._cached(shape, depth, "valid")

    def invalid(self, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
        return self._cached(shape, depth, "invalid")

    def mixed(self, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
        """Valid or invalid; containers hold mixed members."""
        return self._cached(shape, depth, "mixed")

    def _cached(self, shape: Shape, depth: int, mode: str) -> st.SearchStrategy[Any]:
        key = _key(shape, depth, mode)
        found = self.cache.get(key)
        if found is None:
            # A recursive shape meets itself deeper down, at another depth: the depth
            # limit ends the recursion, the cache only shares work.
            found = getattr(self, f"_{mode}")(shape, depth)
            self.cache[key] = found
        return found

    def _member(self, name: str, shape: Shape, depth: int, mode: str) -> st.SearchStrategy[Any]:
        drawn = self._cached(shape, depth, mode)
        if name in self.known:
            # Mostly a known value: a request naming several resources then often names
            # existing ones, and reaches the backend's logic past "not found".
            known = st.sampled_from(self.known[name])
            return st.integers(0, 3).flatmap(lambda i: known if i < 3 else drawn)
        return drawn

    # -- valid values --------------------------------------------------------------------
    def _valid(self, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
        kind = shape.type_name
        md = shape.metadata
        if md.get("document"):
            return st.one_of(st.just({}), st.dictionaries(st.text(max_size=5), _SCALAR_JUNK))
        if kind in ("structure", "list", "map") and depth >= MAX_DEPTH:
            return st.just(valid_value(shape))
        if kind == "structure":
            return self._structure(shape, depth, "valid")
        if kind == "list":
            low, high = _sizes(md)
            return st.lists(self.valid(shape.member, depth + 1), min_size=low, max_size=high)
        if kind == "map":
            keys = self._valid_keys(shape.key)
            values = self.valid(shape.value, depth + 1)
            low, high = _sizes(md)
            key_md = shape.key.metadata
            few_keys = len(key_md.get("enum") or ()) or (
                len(_variants(shape.key)) if key_md.get("pattern") is not None else None
            )
            if keys is None or (few_keys is not None and few_keys < low):
                return st.just(valid_value(shape))  # too few distinct keys to vary
            return st.dictionaries(keys, values, min_size=low, max_size=high)
        if kind == "string":
            return self._valid_string(shape)
        if kind in ("integer", "long"):
            bounds = _INT32 if kind == "integer" else _INT64
            low = max(int(md.get("min", bounds[0])), bounds[0])
            high = min(int(md.get("max", bounds[1])), bounds[1])
            return st.one_of(st.just(valid_value(shape)), st.integers(low, high))
        if kind in ("float", "double"):
            return st.one_of(
                st.just(valid_value(shape)),
                st.floats(md.get("min"), md.get("max"), allow_nan=False, allow_infinity=False),
            )
        if kind == "boolean":
            return st.booleans()
        if kind == "timestamp":
            return st.one_of(
                st.just(valid_value(shape)),
                st.datetimes(_EPOCH_START, _EPOCH_END, timezones=st.just(datetime.timezone.utc)),
            )
        if kind == "blob":
            low = md.get("min", 0)
            return st.binary(min_size=low, max_size=max(low, min(md.get("max", 32), 32)))
        return st.just(valid_value(shape))

    def _valid_string(self, shape: Shape) -> st.SearchStrategy[str]:
        md = shape.metadata
        if md.get("enum"):
            return st.sampled_from(md["enum"])
        variants = _variants(shape)
        if md.get("pattern") is None:
            low = md.get("min", 0)
            high = min(md.get("max", low + 20), low + 20)
            # Without a pattern any text of the right length is valid: unicode included.
            return st.one_of(st.sampled_from(variants), st.text(min_size=low, max_size=high))
        return st.sampled_from(variants)

    def _valid_keys(self, shape: Shape) -> st.SearchStrategy[str] | None:
        md = shape.metadata
        if md.get("enum") or md.get("pattern") is not None:
            return self._valid_string(shape)
        return self._valid_string(shape) if md.get("max", 1) >= 1 else None

    # -- invalid values ------------------------------------------------------------------
    def _invalid(self, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
        kind = shape.type_name
        md = shape.metadata
        wrong = st.one_of(JUNK, _ANY_TEXT) if kind != "string" else JUNK
        if md.get("document"):
            return wrong
        if kind in ("structure", "list", "map") and depth >= MAX_DEPTH:
            return _SCALAR_JUNK
        if kind == "structure":
            return st.one_of(self._structure(shape, depth, "mixed"), wrong)
        if kind == "list":
            item = self.mixed(shape.member, depth + 1)
            options = [
                st.lists(item, max_size=4),
                nested_lists(self.valid(shape.member, depth + 1)),
                st.dictionaries(st.text(max_size=5), item, max_size=3),
                wrong,
            ]
            high = md.get("max")
            if high is not None and high < 50:
                options.append(st.lists(item, min_size=high + 1, max_size=high + 1))
            return st.one_of(options)
        if kind == "map":
            valid_keys = self._valid_keys(shape.key)
            keys = _ANY_TEXT if valid_keys is None else st.one_of(_ANY_TEXT, valid_keys)
            return st.one_of(
                st.dictionaries(keys, self.mixed(shape.value, depth + 1), max_size=4),
                st.lists(JUNK, max_size=3),
                wrong,
            )
        if kind == "string":
            low, high = md.get("min"), md.get("max")
            options = [_ANY_TEXT, wrong]
            if high is not None and high < _LONGEST:
                options.append(st.just("a" * (high + 1)))
            if low:
                options.append(st.just("a" * (low - 1)))
            return st.one_of(options)
        if kind in ("integer", "long", "float", "double"):
            edges = [2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**30]
            if md.get("min") is not None:
                edges.append(md["min"] - 1)
            if md.get("max") is not None:
                edges.append(md["max"] + 1)
            numbers = [st.sampled_from(edges), wrong]
            if kind in ("float", "double"):
                numbers.append(st.sampled_from([float("nan"), float("inf"), float("-inf")]))
            else:
                numbers.append(st.floats(allow_nan=False, allow_infinity=False))
            return st.one_of(numbers)
        return wrong  # boolean, timestamp, blob: the wrong type

    def _mixed(self, shape: Shape, depth: int) -> st.SearchStrategy[Any]:
        return st.one_of(self.valid(shape, depth), self.invalid(shape, depth))

    # -- structures ----------------------------------------------------------------------
    def _structure(
        self, shape: StructureShape, depth: int, mode: str
    ) -> st.SearchStrategy[dict[str, Any]]:
        members = shape.members
        child = depth + 1
        union = bool(shape.metadata.get("union")) or bool(getattr(shape, "is_tagged_union", False))
        if mode == "valid":
            if union:
                return st.one_of(
                    [
                        st.fixed_dictionaries({name: self._member(name, m, child, mode)})
                        for name, m in members.items()
                    ]
                )
            required = set(shape.required_members)
            return st.fixed_dictionaries(
                {n: self._member(n, m, child, mode) for n, m in members.items() if n in required},
                optional={
                    n: self._member(n, m, child, mode)
                    for n, m in members.items()
                    if n not in required
                },
            )
        # Mixed: every member optional (required ones may go missing), each valid or not,
        # and now and then a member the shape does not declare. URI labels of the input
        # are always there: without one there is no path to send the request to.
        labels = [
            n for n, m in members.items() if depth == 0 and m.serialization.get("location") == "uri"
        ]
        body = st.fixed_dictionaries(
            {n: self._member(n, members[n], child, "mixed") for n in labels},
            optional={
                n: self._member(n, m, child, "mixed") for n, m in members.items() if n not in labels
            },
        )
        body = st.tuples(body, _rarely(JUNK)).map(_with_unknown_member)
        needed = [n for n in shape.required_members if n not in labels]
        if not needed:
            return body
        # Required members are present more often than not, so the other members'
        # checks are reached too.
        present = st.fixed_dictionaries(
            {n: self._member(n, members[n], child, "mixed") for n in needed}
        )
        return st.one_of(st.tuples(present, body).map(lambda pair: {**pair[1], **pair[0]}), body)


_ABSENT = object()


def _rarely(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value of ``strategy`` one time in five, else ``_ABSENT``."""
    return st.tuples(st.integers(0, 4), strategy).map(
        lambda pair: pair[1] if pair[0] == 4 else _ABSENT
    )


def _with_unknown_member(pair: tuple[dict[str, Any], Any]) -> dict[str, Any]:
    members, extra = pair
    return members if extra is _ABSENT else {**members, _UNKNOWN_MEMBER: extra}


def _sizes(md: Mapping[str, Any]) -> tuple[int, int]:
    """0..3 items, within the shape's bounds (its minimum when that is more than 3)."""
    low = int(md.get("min", 0))
    high = max(low, min(int(md.get("max", 3)), 3))
    return low, high


def _variants(shape: Shape) -> list[str]:
    found: list[str] = []
    for index in range(_VARIANTS):
        try:
            value = valid_string(shape, index)
        except ValueError:
            continue
        if value not in found:
            found.append(value)
    return found or [""]


def requests_for(
    operation_model: OperationModel,
    known: Mapping[str, Sequence[Any]] | None = None,
    *,
    valid_only: bool = False,
) -> st.SearchStrategy[dict[str, Any]]:
    """Request parameters for ``operation_model``: half shape-valid, half mixed.

    ``known`` maps member names to candidate values that members of that name may take
    (at any depth), mostly instead of the generated ones. ``valid_only`` draws only the
    shape-valid half.
    """
    shape = operation_model.input_shape
    if shape is None:
        return st.just({})
    builder = _Builder(known or {})
    return builder.valid(shape, 0) if valid_only else builder.request(shape)

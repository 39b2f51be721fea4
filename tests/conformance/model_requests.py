"""Requests built from the botocore models, for the model-driven conformance tests.

- :func:`minimal_request` gives the smallest request the input shape allows: required
  members only, each with the simplest value that satisfies every constraint (enum,
  length, range, pattern; patterns solved by hypothesis when no plain candidate fits).
- :func:`breaches` gives, for every constrained member of the input shape (nested ones
  too), a request that breaks exactly that one constraint, and the violation AWS reports
  for it (``Value '...' at 'a.b' failed to satisfy constraint: ...``).

Nothing here imports importmock's validator to decide what is *expected*: the expected
wording is written from AWS's format. The one thing borrowed is the question "does this
Java regex compile in Python?", so a pattern importmock documents as unchecked
(docs/limitations.md) is not expected to be enforced.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.model import OperationModel, Shape, StructureShape

NOT_NULL = "Member must not be null"
_MAX_GENERATED = 200_000  # longest string or list a breach may send
_MAX_ITEMS = 2_000  # most items a list or map breach may send
_MAX_DEPTH = 12
_FIXED_TIME = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


@dataclass(frozen=True)
class Breach:
    """A request that breaks exactly one constraint, and the violation it must draw."""

    operation: str
    path: str  # AWS's member path: 'a.b', 'list.1.member', 'map.key.member'
    constraint: str  # what is broken: 'required', 'max length', 'pattern', ...
    params: dict[str, Any]
    tail: str  # "Member must ..." (or "Map keys must satisfy constraint: [...]")
    expected_item: str | None  # the whole item when it is fully predictable

    @property
    def id(self) -> str:
        return f"{self.operation}:{self.path}:{self.constraint}"


# ----------------------------------------------------------------------- patterns


@functools.cache
def _search(pattern: str) -> Callable[[str], Any] | None:
    """Python's search for a model pattern; None when importmock leaves it unchecked."""
    from importmock.engine.validation import _always_matches, _pattern_search

    search = _pattern_search(pattern)
    return None if search is _always_matches else search


def _fits(value: str, shape: Shape) -> bool:
    md = shape.metadata
    if len(value) < md.get("min", 0) or len(value) > md.get("max", _MAX_GENERATED):
        return False
    if md.get("enum") and value not in md["enum"]:
        return False
    pattern = md.get("pattern")
    if pattern is not None:
        search = _search(pattern)
        return search is None or bool(search(value))
    return True


_UUID = "00000000-0000-0000-0000-000000000000"


def _candidates(length: int) -> Iterator[str]:
    for filler in ("a", "A", "1", "a1", "Ab1"):
        yield (filler * length)[:length]
    if length == len(_UUID):
        yield _UUID


@functools.cache
def _solve(pattern: str, low: int, high: int, index: int = 0) -> str | None:
    """A string of length low..high matching ``pattern``; ``index`` picks distinct ones."""
    search = _search(pattern)
    if high == 0:
        return "" if search is None or search("") else None
    for length in range(max(low, 1), min(high, 64) + 1):
        for candidate in _candidates(length):
            variant = _vary(candidate, index)
            if search is None or search(variant):
                return variant
    if low > 1:
        # A short match padded with a character that keeps it matching, if there is one.
        short = _solve(pattern, 1, min(high, 64), index)
        if short is not None and search is not None and len(short) < low:
            for filler in ("a", "0", "-", "_", "/", " "):
                padded = short + filler * (low - len(short))
                if search(padded):
                    return padded
    if low > 64:
        return None
    return _solved(pattern, low, high, index)


# Hypothesis takes seconds per pattern, and the generated tests need a few dozen of them at
# collection: its answers are kept in SOLUTIONS_FILE (committed), each checked against the
# pattern and lengths again before use. A pattern missing there is solved on the spot and
# listed in UNSAVED; a test fails then, naming the command that refreshes the file.
SOLUTIONS_FILE = Path(__file__).with_name("pattern_solutions.json")
UNSAVED: dict[str, str | None] = {}


@functools.cache
def _saved_solutions() -> dict[str, str | None]:
    try:
        saved = json.loads(SOLUTIONS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def _solution_key(pattern: str, low: int, high: int, index: int) -> str:
    return json.dumps([pattern, low, high, index], ensure_ascii=False)


def _solved(pattern: str, low: int, high: int, index: int) -> str | None:
    key = _solution_key(pattern, low, high, index)
    saved = _saved_solutions()
    if key in saved:
        value = saved[key]
        search = _search(pattern)
        if value is None or (low <= len(value) <= high and search is not None and search(value)):
            return value
    value = _hypothesis_solve(pattern, low, high, index)
    UNSAVED[key] = value
    return value


def save_solutions() -> int:
    """Adds what was solved in this process to SOLUTIONS_FILE; how many were new."""
    merged = {**_saved_solutions(), **UNSAVED}
    SOLUTIONS_FILE.write_text(
        json.dumps(merged, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8"
    )
    return len(UNSAVED)


def _vary(value: str, index: int) -> str:
    if index == 0 or not value:
        return value
    letters = string.ascii_lowercase
    return value[:-1] + letters[index % 26] if value[-1].isalpha() else value[:-1] + str(index % 10)


def _hypothesis_solve(pattern: str, low: int, high: int, index: int) -> str | None:
    """Draws (no shrinking: it is slow and any match will do) until one fits."""
    from hypothesis import HealthCheck, Phase, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import NoSuchExample, Unsatisfiable

    search = _search(pattern)
    if search is None:
        return None
    try:
        strategy = st.from_regex(_python_pattern(pattern), fullmatch=False)
    except re.error:
        return None
    seen: set[str] = set()
    result: str | None = None
    for _ in range(index + 1):
        try:
            result = find(
                strategy,
                lambda s: low <= len(s) <= high and bool(search(s)) and s not in seen,
                settings=settings(
                    database=None,
                    max_examples=500,
                    phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck),
                    derandomize=True,
                ),
            )
        except (NoSuchExample, Unsatisfiable):
            return None
        seen.add(result)
    return result


def _python_pattern(pattern: str) -> str:
    from importmock.engine.validation import _translate_java

    try:
        re.compile(pattern)
        return pattern
    except re.error:
        return _translate_java(pattern)


# ----------------------------------------------------------------------- valid values


def valid_string(shape: Shape, index: int = 0) -> str:
    md = shape.metadata
    if md.get("enum"):
        return md["enum"][index % len(md["enum"])]
    low, high = md.get("min", 0), md.get("max", 64)
    pattern = md.get("pattern")
    if pattern is not None:
        solved = _solve(pattern, low, high, index)
        if solved is None:
            raise ValueError(f"no value of length {low}..{high} matches {pattern!r}")
        return solved
    length = max(low, 1) if high >= 1 else 0
    return _vary("a" * length, index)


def valid_value(shape: Shape, index: int = 0, depth: int = 0) -> Any:
    """The simplest value that satisfies ``shape`` (required members only)."""
    kind = shape.type_name
    md = shape.metadata
    if md.get("document"):
        return {}
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        members = shape.members
        if _is_union(shape):
            name = _simplest_member(shape)
            return {name: valid_value(members[name], index, depth + 1)}
        return {
            name: valid_value(members[name], index, depth + 1) for name in shape.required_members
        }
    if kind == "list":
        count = md.get("min", 0)
        return [valid_value(shape.member, i, depth + 1) for i in range(count)]
    if kind == "map":
        count = md.get("min", 0)
        return {
            valid_string(shape.key, i): valid_value(shape.value, i, depth + 1) for i in range(count)
        }
    if kind == "string":
        return valid_string(shape, index)
    if kind in ("integer", "long", "float", "double"):
        low, high = md.get("min"), md.get("max")
        value = 1
        if low is not None and value < low:
            value = low
        if high is not None and value > high:
            value = high
        return float(value) if kind in ("float", "double") else int(value)
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return _FIXED_TIME
    if kind == "blob":
        return b"a" * max(md.get("min", 1), 1)
    raise ValueError(f"no value for shape type {kind}")


def _is_union(shape: StructureShape) -> bool:
    return bool(shape.metadata.get("union")) or bool(getattr(shape, "is_tagged_union", False))


def _simplest_member(shape: StructureShape) -> str:
    scalars = [n for n, m in shape.members.items() if m.type_name not in ("structure", "list")]
    return scalars[0] if scalars else next(iter(shape.members))


def _query_lists(shape: Shape | None) -> set[str]:
    """Top-level list members sent in the query string: an empty one is not sent at all."""
    if shape is None:
        return set()
    return {
        name
        for name, member in shape.members.items()
        if member.serialization.get("location") == "querystring" and member.type_name == "list"
    }


def _request_base(shape: StructureShape) -> dict[str, Any]:
    """The minimal value of an input shape, as it can travel: required query lists get an
    item, since an empty one never reaches the service."""
    base = valid_value(shape)
    for name in _query_lists(shape) & set(shape.required_members):
        if not base.get(name):
            base[name] = [valid_value(shape.members[name].member)]
    return base


def minimal_request(operation: OperationModel) -> dict[str, Any]:
    shape = operation.input_shape
    return {} if shape is None else _request_base(shape)


# ----------------------------------------------------------------------- breaches


def _item(value: Any, path: str, tail: str, sensitive: bool) -> str | None:
    if value is None:
        return f"Value null at '{path}' failed to satisfy constraint: {tail}"
    if sensitive:
        return f"Value at '{path}' failed to satisfy constraint: {tail}"
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return f"Value '{value}' at '{path}' failed to satisfy constraint: {tail}"
    return None  # lists and maps: AWS's Java rendering is only checked by the unit tests


class _Walker:
    def __init__(self, operation: OperationModel) -> None:
        self.operation = operation
        shape = operation.input_shape
        self.labels = {
            name
            for name, member in (shape.members.items() if shape is not None else ())
            if member.serialization.get("location") == "uri"
        }
        self.query_lists = _query_lists(shape)
        self.payload = shape.serialization.get("payload") if shape is not None else None
        self.skipped: list[tuple[str, str]] = []

    def breach(
        self, path: str, constraint: str, params: dict[str, Any], tail: str, value: Any, hide: bool
    ) -> Breach:
        return Breach(
            self.operation.name, path, constraint, params, tail, _item(value, path, tail, hide)
        )

    def walk(
        self,
        shape: Shape,
        path: str,
        place: Callable[[Any], dict[str, Any]],
        ancestry: tuple[str, ...],
        hide: bool,
    ) -> Iterator[Breach]:
        if shape.name in ancestry or len(ancestry) > _MAX_DEPTH or shape.metadata.get("document"):
            return
        ancestry += (shape.name,)
        hide = hide or bool(shape.metadata.get("sensitive"))
        kind = shape.type_name
        if kind == "structure":
            yield from self._structure(shape, path, place, ancestry, hide)
        elif kind == "list":
            yield from self._list(shape, path, place, ancestry, hide)
        elif kind == "map":
            yield from self._map(shape, path, place, ancestry, hide)
        else:
            yield from self._scalar(shape, path, place, hide, is_label=path in self.labels)

    def _structure(
        self,
        shape: StructureShape,
        path: str,
        place: Callable[[Any], dict[str, Any]],
        ancestry: tuple[str, ...],
        hide: bool,
    ) -> Iterator[Breach]:
        base = _request_base(shape) if not path else valid_value(shape)
        union = _is_union(shape)
        for name, member in shape.members.items():
            member_path = f"{path}.{name}" if path else name
            is_label = not path and name in self.labels
            if name in shape.required_members:
                if is_label:
                    self.skipped.append((member_path, "required URI label: no request without it"))
                elif not path and name == self.payload and member.type_name == "structure":
                    # botocore sends {} for an absent structure payload: the service then
                    # names the payload's own required members, as tested separately.
                    self.skipped.append((member_path, "required payload: botocore sends {}"))
                else:
                    without = {k: v for k, v in base.items() if k != name}
                    yield self.breach(member_path, "required", place(without), NOT_NULL, None, hide)
            if union:
                # A union sets exactly one member: break the others with that one alone.
                def put(value: Any, name: str = name) -> dict[str, Any]:
                    return place({name: value})
            else:

                def put(value: Any, name: str = name) -> dict[str, Any]:
                    return place({**base, name: value})

            yield from self.walk(member, member_path, put, ancestry, hide)
        if union and len(shape.members) > 1:
            first, second = list(shape.members)[:2]
            both = {
                first: valid_value(shape.members[first]),
                second: valid_value(shape.members[second]),
            }
            tail = "Member must have exactly one member set"
            yield self.breach(path, "union", place(both), tail, both, hide)

    def _sizes(
        self,
        path: str,
        md: dict[str, Any],
        make: Callable[[int], Any],
        place: Callable[[Any], dict[str, Any]],
        hide: bool,
    ) -> Iterator[Breach]:
        """A list or map one item short of its minimum, and one past its maximum."""
        low, high = md.get("min"), md.get("max")
        if low:
            value = make(low - 1)
            tail = f"Member must have length greater than or equal to {low}"
            yield self.breach(path, "min size", place(value), tail, value, hide)
        if high is not None:
            if high + 1 > _MAX_ITEMS:
                self.skipped.append((path, f"max size {high}: too many to send"))
                return
            value = make(high + 1)
            if value is not None:
                tail = f"Member must have length less than or equal to {high}"
                yield self.breach(path, "max size", place(value), tail, value, hide)

    def _list(
        self,
        shape: Shape,
        path: str,
        place: Callable[[Any], dict[str, Any]],
        ancestry: tuple[str, ...],
        hide: bool,
    ) -> Iterator[Breach]:
        item_shape: Shape = shape.member
        sizes = dict(shape.metadata)
        if sizes.get("min") == 1 and path in self.query_lists:
            self.skipped.append((path, "empty query list: botocore sends no parameter"))
            sizes.pop("min")
        yield from self._sizes(
            path, sizes, lambda n: [valid_value(item_shape, i) for i in range(n)], place, hide
        )
        base = valid_value(shape)

        def put(value: Any) -> dict[str, Any]:
            return place([value, *base[1:]])

        yield from self.walk(item_shape, f"{path}.1.member", put, ancestry, hide)

    def _map(
        self,
        shape: Shape,
        path: str,
        place: Callable[[Any], dict[str, Any]],
        ancestry: tuple[str, ...],
        hide: bool,
    ) -> Iterator[Breach]:
        key_shape: Shape = shape.key
        value_shape: Shape = shape.value
        hide = (
            hide
            or bool(key_shape.metadata.get("sensitive"))
            or bool(value_shape.metadata.get("sensitive"))
        )

        def entries(count: int) -> dict[str, Any] | None:
            made = {valid_string(key_shape, k): valid_value(value_shape, k) for k in range(count)}
            return made if len(made) == count else None  # the key shape allows fewer

        yield from self._sizes(path, shape.metadata, entries, place, hide)
        good_value = valid_value(value_shape)
        for constraint, bad_key in _bad_strings(key_shape, is_label=False):
            tail = f"Map keys must satisfy constraint: [{_declared(key_shape)}]"
            value = {bad_key: good_value}
            yield self.breach(path, f"key {constraint}", place(value), tail, value, hide)
        good_key = valid_string(key_shape)
        if value_shape.type_name in ("structure", "list", "map"):

            def put(inner: Any) -> dict[str, Any]:
                return place({good_key: inner})

            yield from self.walk(value_shape, f"{path}.{good_key}.member", put, ancestry, hide)
        elif value_shape.type_name == "string":
            for constraint, bad in _bad_strings(value_shape, is_label=False):
                tail = f"Map value must satisfy constraint: [{_declared(value_shape)}]"
                value = {good_key: bad}
                yield self.breach(path, f"value {constraint}", place(value), tail, value, hide)

    def _scalar(
        self,
        shape: Shape,
        path: str,
        place: Callable[[Any], dict[str, Any]],
        hide: bool,
        is_label: bool,
    ) -> Iterator[Breach]:
        kind = shape.type_name
        md = shape.metadata
        if kind == "string":
            for constraint, bad in _bad_strings(shape, is_label):
                yield self.breach(path, constraint, place(bad), _tail(shape, constraint), bad, hide)
            if is_label and md.get("min") == 1:
                self.skipped.append((path, "empty URI label: the request addresses no route"))
        elif kind in ("integer", "long"):
            low, high = md.get("min"), md.get("max")
            if low is not None:
                tail = f"Member must have value greater than or equal to {low}"
                yield self.breach(path, "min value", place(low - 1), tail, low - 1, hide)
            if high is not None:
                tail = f"Member must have value less than or equal to {high}"
                yield self.breach(path, "max value", place(high + 1), tail, high + 1, hide)
        elif kind == "blob":
            low, high = md.get("min"), md.get("max")
            if low:
                tail = f"Member must have length greater than or equal to {low}"
                yield self.breach(path, "min length", place(b"a" * (low - 1)), tail, b"", hide)
            if high is not None and high + 1 <= _MAX_GENERATED:
                tail = f"Member must have length less than or equal to {high}"
                yield self.breach(path, "max length", place(b"a" * (high + 1)), tail, b"", hide)


def _tail(shape: Shape, constraint: str) -> str:
    md = shape.metadata
    return {
        "enum": "Member must satisfy enum value set: [" + ", ".join(md.get("enum", ())) + "]",
        "min length": f"Member must have length greater than or equal to {md.get('min')}",
        "max length": f"Member must have length less than or equal to {md.get('max')}",
        "pattern": f"Member must satisfy regular expression pattern: {md.get('pattern')}",
    }[constraint]


def _declared(shape: Shape) -> str:
    """Every declared constraint of a map key or value shape, in AWS's bracket order."""
    md = shape.metadata
    tails = []
    if md.get("enum"):
        tails.append(_tail(shape, "enum"))
    if md.get("max") is not None:
        tails.append(_tail(shape, "max length"))
    if md.get("min") is not None:
        tails.append(_tail(shape, "min length"))
    if md.get("pattern") is not None:
        tails.append(_tail(shape, "pattern"))
    return ", ".join(tails)


# Characters a breaking value may use. In URI labels: no '/', and not '.'-only (both
# change the path a client sends, so the request would address another route).
_BREAKERS = ("!", " ", "#", "é", "-", "_", "a", "A", "1", "~")


def _bad_strings(shape: Shape, is_label: bool) -> Iterator[tuple[str, str]]:
    """(constraint, value) for each constraint of a string shape, breaking only that one."""
    md = shape.metadata
    low, high = md.get("min"), md.get("max")
    pattern = md.get("pattern")
    search = _search(pattern) if pattern is not None else None

    def matches(value: str) -> bool:
        return search is None or bool(search(value))

    def shaped(length: int, must_match: bool) -> str | None:
        if length > _MAX_GENERATED:
            return None
        if pattern is None:
            return "a" * length
        for filler in (*_BREAKERS, "a1", "Ab1"):
            value = (filler * length)[:length]
            if matches(value) == must_match and (not is_label or value.strip(".")):
                return value
        if must_match:
            solved = _solve(pattern, length, length)
            return solved
        return None

    if md.get("enum"):
        length = max(low or 0, min(high or 20, 20))
        value = ("NOT_AN_ENUM_VALUE" * 2)[: max(length, 1)]
        if value not in md["enum"] and (low is None or len(value) >= low):
            yield "enum", value
        return
    if low:
        if not (is_label and low - 1 == 0):
            bad = shaped(low - 1, True)
            if bad is not None:
                yield "min length", bad
    if high is not None:
        bad = shaped(high + 1, True)
        if bad is not None:
            yield "max length", bad
    if pattern is not None and search is not None:
        for length in range(max(low or 1, 1), min(high or 8, 8) + 1):
            bad = shaped(length, False)
            if bad is not None:
                yield "pattern", bad
                break


def breaches(operation: OperationModel) -> tuple[list[Breach], list[tuple[str, str]]]:
    """Every single-constraint breach of ``operation``'s input, and what was skipped."""
    shape = operation.input_shape
    if shape is None:
        return [], []
    walker = _Walker(operation)
    found = list(walker.walk(shape, "", lambda value: value, (), False))
    return found, walker.skipped


if __name__ == "__main__":
    # python -m tests.conformance.model_requests: refresh SOLUTIONS_FILE for every implemented
    # operation (what tests/conformance/test_generated_requests.py generates).
    import botocore.session

    from importmock.coverage import implemented_operations, mocked_clients

    models = botocore.session.get_session()
    for client in mocked_clients():
        for name in implemented_operations(client):
            operation = models.get_service_model(client).operation_model(name)
            breaches(operation)
            minimal_request(operation)
    print(f"{save_solutions()} new pattern solutions saved in {SOLUTIONS_FILE}")

"""The JSON files of a Lex archive: parsed as strictly as AWS's parsers, within a budget,
and kept to the model's shapes.

Python's ``json`` module accepts what JSON and AWS do not: ``NaN``, ``Infinity`` and
``-Infinity``, numbers too big for any number type of the model (``1e400`` becomes
infinity), and ``\\ud800`` escapes that decode to lone surrogates, which no UTF-8 writer
can encode (an export, a response, a failure reason). Each of these fails its file here,
with a reason, so nothing an archive holds can later be echoed as a bare ``NaN`` or crash
the writer of an export.

Parsed JSON costs far more memory than its text (``{}`` is 2 bytes of text and 64 of
Python), so an archive's files share a budget of values, counted from the text before
anything is parsed.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from botocore.model import Shape

#: The values the JSON files of one archive may hold together: over six times the
#: 1,000-intent bot of benchmarks/bench_lex_import.py (156,000), and about what one
#: locale at Lex's own quotas holds (50,000 slot values, 2,000,000 utterance characters).
MAX_JSON_VALUES = 1_000_000
#: The longest integer taken, in digits: 64 bits hold 19, and no model member holds more.
MAX_INTEGER_DIGITS = 19
#: The longest failure reason, in characters; longer ones keep their start and end. Room
#: for a value just over the longest limit of the model (a 4,000-character message), quoted
#: whole as AWS's validation messages quote it.
MAX_REASON_LENGTH = 10_000

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonProblem(ValueError):
    """Why a file's JSON is refused: the reason, without the file's name."""


class OverBudget(JsonProblem):
    """The archive's JSON files hold more values together than the budget."""


class _Refused(Exception):
    """Raised from inside ``json.loads`` by a hook that refuses a token."""


class ValueBudget:
    """The values an archive's JSON files may still hold; charged before each file is
    parsed, from a count of the text's ``{``, ``[``, ``,`` and ``:`` (every value but the
    first of a file adds one of them, so the count is an upper bound)."""

    def __init__(self, limit: int = MAX_JSON_VALUES) -> None:
        self.limit = limit
        self.left = limit

    def charge(self, text: str) -> None:
        cost = 1 + sum(text.count(mark) for mark in "{[,:")
        self.left -= cost
        if self.left < 0:
            raise OverBudget(
                f"the archive's JSON files hold more than {self.limit} values together; "
                f"importmock reads at most {self.limit}."
            )


def _constant(name: str) -> Any:
    raise _Refused(f"the file is not valid JSON ({name} is not a JSON value).")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {quoted(text, 40)} is too large for a double.")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _Refused(
            f"the number {quoted(text, 40)} has more than {MAX_INTEGER_DIGITS} digits; "
            "no number type of the model holds it."
        )
    return int(text)


def parse(text: str, budget: ValueBudget | None = None) -> Any:
    """The JSON value of ``text``, or JsonProblem saying why it is refused."""
    if budget is not None:
        budget.charge(text)
    try:
        data = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except _Refused as refused:
        raise JsonProblem(str(refused)) from None
    except RecursionError:
        raise JsonProblem("the JSON is nested too deeply.") from None
    except ValueError as broken:
        raise JsonProblem(f"the file is not valid JSON ({broken}).") from None
    if _SURROGATE_ESCAPE.search(text):  # only an escape can give a lone surrogate
        where = _lone_surrogate(data)
        if where is not None:
            raise JsonProblem(
                f"the text at '{where}' holds a lone surrogate, which is not Unicode text."
            )
    return data


def _lone_surrogate(data: Any) -> str | None:
    """The path of the first string (value or key) holding a lone surrogate, or None.

    A loop, not recursion: the value may be nested as deep as the parser allows.
    """
    pending: list[tuple[Any, str]] = [(data, "")]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return path or "(the file)"
        elif isinstance(value, dict):
            for key, item in value.items():
                where = f"{path}.{printable(key)}" if path else printable(key)
                if _SURROGATE.search(key):
                    return where
                pending.append((item, where))
        elif isinstance(value, list):
            pending.extend((item, f"{path}.{index}") for index, item in enumerate(value, 1))
    return None


def printable(text: str) -> str:
    """``text`` as UTF-8 can write it: a lone surrogate becomes its ``\\udxxx`` escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def quoted(text: str, limit: int = MAX_REASON_LENGTH) -> str:
    """``text`` cut to about ``limit`` characters, keeping its start and its end."""
    if len(text) <= limit:
        return text
    keep = max((limit - 40) // 2, 8)  # 40: room for the marker
    omitted = len(text) - 2 * keep
    return f"{text[:keep]}...({omitted} characters omitted)...{text[len(text) - keep :]}"


def reason(text: str) -> str:
    """A failure reason as an import reports it: writable as UTF-8, and at most about
    10,000 characters (one quoting a value of megabytes keeps its start and its end)."""
    return printable(quoted(text))


def kept_to_shape(value: Any, shape: Shape) -> Any:
    """``value`` without what the API's parser would drop: members a structure does not
    declare, and members that are null. Lists and maps keep their items (validation
    reports a null one).

    A loop, not recursion: some shapes are recursive (``SlotValueOverride``), so a value
    may follow one as deep as the JSON parser allowed.
    """
    result: list[Any] = [None]
    pending: list[tuple[Any, Shape, Any, Any]] = [(value, shape, result, 0)]
    while pending:
        item, item_shape, into, key = pending.pop()
        kind = item_shape.type_name
        kept: Any = item
        if kind == "structure" and isinstance(item, dict):
            if not item_shape.metadata.get("document"):
                members = item_shape.members  # type: ignore[attr-defined]
                kept = {}
                for name, member in item.items():
                    if name in members and member is not None:
                        kept[name] = None  # placed now, so the members keep their order
                        pending.append((member, members[name], kept, name))
        elif kind == "list" and isinstance(item, list):
            kept = [None] * len(item)
            member_shape = item_shape.member  # type: ignore[attr-defined]
            pending.extend((member, member_shape, kept, i) for i, member in enumerate(item))
        elif kind == "map" and isinstance(item, dict):
            kept = dict.fromkeys(item)
            value_shape = item_shape.value  # type: ignore[attr-defined]
            pending.extend((member, value_shape, kept, k) for k, member in item.items())
        into[key] = kept
    return result[0]

"""JSON read as AWS's parsers read it: the one strict reader of every body and file.

Python's ``json`` module accepts what JSON and AWS do not: ``NaN``, ``Infinity`` and
``-Infinity``, numbers too large for a double (``1e400`` becomes infinity), numbers of any
length, and ``\\ud800`` escapes (or raw CESU-8 bytes) that decode to lone surrogates, which
no UTF-8 writer can encode. A value read from any of them could later be echoed as a bare
``NaN``, compare false with every bound, or crash the writer of a response, a file or a
failure reason, so :func:`loads` refuses them all with :class:`NotJson`.

:func:`dumps` is the writing side: never a bare ``NaN`` token in a response.

Every caller frames the problem its own way (a ``SerializationException``, a failed line,
a failure reason, a controller's 400); the problem itself reads the same everywhere, after
"not valid JSON: ".
"""

from __future__ import annotations

import json
import math
import re
import sys
from functools import cache
from typing import Any, Callable

#: The problem of JSON nested deeper than the parser (or a caller's own bound) goes.
NESTED_TOO_DEEPLY = "it is nested too deeply"

# The longest echo of a number or a path in a problem: a number may be megabytes long,
# and a problem ends up in responses and failure reasons.
_MAX_NUMBER_ECHO = 40
_MAX_PATH_ECHO = 200

# Only a \uD8xx-\uDFxx escape, or a surrogate already in the text (raw CESU-8 bytes
# decoded with surrogatepass, as json.loads decodes bytes), can give a lone surrogate:
# the cheap test that spares almost every text the walk of its value.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_ESCAPE_OR_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class NotJson(ValueError):
    """Why a text is not JSON as AWS reads it; the message reads well after
    "not valid JSON: " and holds no lone surrogate."""


class LoneSurrogate(NotJson):
    """The text parsed, but a string in it holds a lone surrogate. Jackson reads the
    escape (the failure comes later, where UTF-8 is written), so a reader that tells
    "parsed" from "not JSON at all" may count this text as parsed."""


def loads(
    text: str | bytes,
    *,
    max_number_characters: int | None = None,
    max_integer_digits: int | None = None,
) -> Any:
    """The JSON value of ``text``, or :class:`NotJson` saying why it is refused.

    Bytes are decoded as ``json.loads`` decodes them (UTF-8, -16 or -32, a UTF-8 BOM
    skipped). ``max_number_characters`` bounds the length of every number (Jackson's
    ``maxNumberLength``); ``max_integer_digits`` bounds the digits of an integer (what the
    reader's widest integer type holds). Python's own limit on an integer's digits
    (``sys.get_int_max_str_digits()``) always applies.
    """
    try:
        # Exactly as json.loads: bytes decoded with surrogatepass (so raw CESU-8
        # surrogates become surrogates, found below), a BOM refused at the start of str.
        if isinstance(text, (bytes, bytearray)):
            text = text.decode(json.detect_encoding(text), "surrogatepass")
        elif text.startswith("\ufeff"):
            raise NotJson("Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)")
        value = _decoder(max_number_characters, max_integer_digits).decode(text)
    except NotJson:
        raise
    except RecursionError:
        raise NotJson(NESTED_TOO_DEEPLY) from None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError
        raise NotJson(str(error)) from None
    if _may_hold_surrogate(text):
        where = lone_surrogate(value)
        if where is not None:
            path, character = where
            place = f"at '{_cut(path, _MAX_PATH_ECHO)}'" if path else "at the top level"
            raise LoneSurrogate(
                f"the text {place} holds a lone surrogate (\\u{ord(character):04x}), "
                "which is not Unicode text"
            )
    return value


def _may_hold_surrogate(text: str) -> bool:
    # str.isascii() is a flag, and "in" a fast scan: most texts are answered without
    # the regex, which costs as much as a third of parsing a short line.
    if text.isascii():
        return "\\u" in text and _SURROGATE_ESCAPE.search(text) is not None
    return _ESCAPE_OR_SURROGATE.search(text) is not None


def lone_surrogate(value: Any) -> tuple[str, str] | None:
    """The first string (in document order; a key before its value) holding a lone
    surrogate in a parsed ``value``: its path (``slotTypes.1.name``, list items counted
    from 1 as AWS's messages count them; ``""`` for ``value`` itself, keys escaped) and
    the surrogate; or None.

    A loop, not recursion: the value may be nested as deep as the parser allows. Each
    item keeps a link to its parent's place, and the path is spelled only for the string
    found, so the walk costs the same at any depth.
    """
    # A place is (key or 1-based index, the parent's place), None for ``value`` itself.
    pending: list[tuple[Any, Any]] = [(value, None)]
    while pending:
        item, place = pending.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found is not None:
                return _path(place), found.group()
        elif isinstance(item, dict):
            children: list[tuple[Any, Any]] = []
            for key, member in item.items():
                where = (key, place)
                children.append((key, where))
                children.append((member, where))
            pending.extend(reversed(children))  # popped in document order
        elif isinstance(item, list):
            pending.extend(
                (member, (index, place)) for index, member in reversed(list(enumerate(item, 1)))
            )
    return None


def _path(place: Any) -> str:
    steps: list[str] = []
    while place is not None:
        step, place = place
        steps.append(printable(step) if isinstance(step, str) else str(step))
    return ".".join(reversed(steps))


@cache
def _decoder(max_number_characters: int | None, max_integer_digits: int | None) -> json.JSONDecoder:
    # One decoder per pair of limits, built once: a reader of JSON lines decodes many
    # small texts, and building a decoder costs more than decoding a short one.
    def parse_int(number: str) -> int:
        _check_length(number, max_number_characters)
        digits = len(number) - number.startswith("-")
        if max_integer_digits is not None and digits > max_integer_digits:
            raise NotJson(_too_many_digits(number, digits, max_integer_digits))
        try:
            return int(number)
        except ValueError:  # beyond Python's own limit on an integer's digits
            limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
            raise NotJson(_too_many_digits(number, digits, limit)) from None

    def parse_float(number: str) -> float:
        _check_length(number, max_number_characters)
        value = float(number)
        if not math.isfinite(value):  # 1e400: a JSON number, but no double holds it
            raise NotJson(f"the number {_cut(number, _MAX_NUMBER_ECHO)} is too large for a double")
        return value

    return json.JSONDecoder(
        parse_int=parse_int, parse_float=parse_float, parse_constant=_refuse_constant
    )


def dumps(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """``value`` as strict JSON: never the bare ``NaN``/``Infinity`` tokens.

    Every way a non-finite number could come in is refused, so none should be held; if
    one is, it is written as restJson1 writes non-finite doubles, the strings ``"NaN"``,
    ``"Infinity"`` and ``"-Infinity"``, rather than failing the answer.
    """
    try:
        return json.dumps(value, default=default, allow_nan=False).encode()
    except ValueError:  # a non-finite float (a circular value fails again, below)
        text = _non_finite_as_text(value)
        return json.dumps(text, default=default, allow_nan=False).encode()


def _non_finite_as_text(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {key: _non_finite_as_text(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_non_finite_as_text(item) for item in value]
    return value


def _refuse_constant(token: str) -> Any:
    raise NotJson(f"{token} is not a JSON value; JSON has no NaN or Infinity")


def _check_length(number: str, limit: int | None) -> None:
    if limit is not None and len(number) > limit:
        raise NotJson(
            f"the number {_cut(number, _MAX_NUMBER_ECHO)} is {len(number)} characters long; "
            f"at most {limit} are read"
        )


def _too_many_digits(number: str, digits: int, limit: int) -> str:
    return (
        f"the number {_cut(number, _MAX_NUMBER_ECHO)} is {digits} digits long; "
        f"at most {limit} are read"
    )


def printable(text: str) -> str:
    """``text`` as UTF-8 can write it: a lone surrogate becomes its ``\\udxxx`` escape (a
    key holding one is named so in a problem, and so is any text a reason quotes)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _cut(text: str, limit: int) -> str:
    """``text``, or its start and end around "..." when longer than ``limit``."""
    if len(text) <= limit:
        return text
    end = limit // 3
    return f"{text[: limit - end - 3]}...{text[len(text) - end :]}"

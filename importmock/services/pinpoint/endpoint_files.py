"""Reading endpoint-definition files: CSV with dotted headers, or newline-delimited JSON.

A file is one *piece* of an import job. A problem with the whole file (not UTF-8,
compressed, a broken header, CSV quoting that never closes, no JSON at all) raises
:class:`FileProblem` and the piece fails. Otherwise every record comes out as
``(line, definition, problem, size)``: the definition shaped like an EndpointRequest plus
``Id``, or the reason the record could not even be read; a bad record fails alone.

Records are read as they are asked for, from the file's bytes: reading holds the text of
a few lines at a time (and the records the caller keeps), never a decoded copy of the
whole file. Checks on the whole file's bytes (compression, UTF-8, NUL bytes) come first,
so the same file always fails for the same reason. Values are read as AWS's JSON parser (Jackson,
with its default limits) reads them, by the engine's strict reader: no NaN or Infinity, no
number beyond a double or over 1,000 characters, no lone surrogate; and a member given as
``null`` is absent, as in an API request.
"""

from __future__ import annotations

import codecs
import csv
import math
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

from importmock.engine import strict_json
from importmock.engine.protocol import without_nulls
from importmock.engine.text_files import nul_byte
from importmock.services.pinpoint.endpoints import (
    DEMOGRAPHIC,
    LOCATION_NUMBERS,
    LOCATION_TEXT,
    MAX_ENDPOINT_BYTES,
    TOP_LEVEL,
    endpoint_request_shape,
)

# (line, definition or None, problem or None, approximate size in bytes)
Record = tuple[int, Any, "str | None", int]

# What a few bytes at the start of a compressed file look like.
_COMPRESSION_MAGIC = {
    b"\x1f\x8b": "gzip",
    b"PK\x03\x04": "zip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
}
_BOM = codecs.BOM_UTF8

#: The file-name endings read from a folder, per import Format.
SUFFIXES = {"CSV": (".csv",), "JSON": (".json", ".jsonl", ".ndjson")}

#: The longest number AWS's JSON parser reads (Jackson's default ``maxNumberLength``);
#: it also keeps Python's int() and float() linear and within their own limits.
MAX_NUMBER_CHARACTERS = 1000

#: The most values one CSV line may hold: the csv module's own limit on the length of one
#: value, applied to their number. No valid row comes near it (a definition is 15 KB).
MAX_LINE_VALUES = 131_072

# Files are checked and decoded in pieces of about this size, each ending at a line break
# (never inside a character), so reading holds no decoded copy of the whole file. Small:
# 64 KiB of two-character lines are already 2 MB of str objects.
_PIECE_BYTES = 1 << 16


class FileProblem(ValueError):
    """The whole file cannot be read; the message says why."""


def read(body: bytes, file_format: str) -> Iterator[Record]:
    """Every record of one file, in order, read as the caller asks for them.

    Raises FileProblem for an unreadable file: at once for what the bytes show, or while
    reading (a broken header, quoting that never closes, no JSON line at the end).
    """
    _check_bytes(body)
    lines = _physical_lines(body)
    return _read_csv(lines) if file_format == "CSV" else _read_json(lines)


def check_late_problems(body: bytes, file_format: str) -> None:
    """Raise the FileProblem reading ``body`` would raise after a readable record, if any.

    Only CSV has one: quoting that never closes, or breaks a rule, may come on any line.
    A JSON file fails as a whole only when no line of it is JSON, and then no record of it
    was readable. Costs one pass of the csv module, no records built.
    """
    if file_format != "CSV":
        return
    _check_bytes(body)
    reader = _csv_reader(_physical_lines(body))
    try:
        for _ in reader:
            pass
    except csv.Error as error:
        raise _csv_problem(reader, error) from None


def _check_bytes(body: bytes) -> None:
    for magic, kind in _COMPRESSION_MAGIC.items():
        if body.startswith(magic):
            raise FileProblem(
                f"The file is compressed ({kind}); import files must be uncompressed."
            )
    for start, end in _pieces(body):
        try:
            codecs.utf_8_decode(memoryview(body)[start:end], "strict", True)
        except UnicodeDecodeError as error:
            offset = start + error.start
            raise FileProblem(
                f"The file is not UTF-8: byte 0x{body[offset]:02x} at offset {offset} is "
                "not valid UTF-8."
            ) from None
    nul = nul_byte(body)
    if nul is not None:
        raise FileProblem(f"The file is not UTF-8 text: {nul}.")


def _separator(body: bytes) -> bytes:
    """What ends a line: \\n, or \\r in a file with no \\n (old Mac exports). A \\r
    before a \\n stays on its line, for the CSV reader to treat as part of the break."""
    return b"\n" if body.find(b"\n") >= 0 or body.find(b"\r") < 0 else b"\r"


def _pieces(body: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of pieces of at most _PIECE_BYTES, each a run of whole lines without
    the line break that ends it (the file's final break adds no line). A line longer than
    that is a piece of its own, so splitting a piece never copies a long line."""
    separator = _separator(body)
    start = len(_BOM) if body.startswith(_BOM) else 0
    while start < len(body):
        end = body.rfind(separator, start, start + _PIECE_BYTES)
        if end < 0:
            end = body.find(separator, start)
        if end < 0:
            end = len(body)
        yield start, end
        start = end + 1


def _physical_lines(body: bytes) -> Iterator[str]:
    """The file's lines, decoded a piece of at most 64 KiB at a time (or one longer line),
    so only one piece's text and lines are held at once.

    Not ``str.splitlines``: it also breaks at U+2028, U+0085 and other characters that
    may sit inside a value.
    """
    separator = _separator(body).decode()
    for start, end in _pieces(body):
        yield from str(memoryview(body)[start:end], "utf-8").split(separator)


# -- CSV ------------------------------------------------------------------------------
Setter = Callable[[dict[str, Any], str], "str | None"]


# Values that repeat from row to row (channel types, platforms, countries, attribute
# values) are interned: one string per distinct value instead of one per cell keeps a
# 100,000-row import tens of megabytes lighter. Ids and addresses are left alone.
_REPEATING = frozenset({"ChannelType", "OptOut", "EndpointStatus"})


def _top(name: str) -> Setter:
    if name in _REPEATING:

        def put_repeating(record: dict[str, Any], cell: str) -> None:
            record[name] = sys.intern(cell)

        return put_repeating

    def put(record: dict[str, Any], cell: str) -> None:
        record[name] = cell

    return put


def _nested(group: str, name: str) -> Setter:
    def put(record: dict[str, Any], cell: str) -> None:
        record.setdefault(group, {})[name] = sys.intern(cell)

    return put


# A decimal number as a CSV cell holds one: digits, an optional fraction and exponent.
# Python's float() takes more ("nan", "inf", "1_000"), none of them a number in a file
# AWS reads. No two parts can match the same digits, so a refusal costs one pass.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _decimal(cell: str) -> float | None:
    """The number a cell holds, or None: not a decimal number, too long, or beyond a
    double's range (``1e999999`` is no number to store). Spaces around it are allowed."""
    text = cell.strip(" \t")
    if len(text) > MAX_NUMBER_CHARACTERS or not _DECIMAL.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _shown_cell(cell: str) -> str:
    return repr(cell if len(cell) <= 40 else cell[:37] + "...")


def _coordinate(name: str) -> Setter:
    def put(record: dict[str, Any], cell: str) -> str | None:
        value = _decimal(cell)
        if value is None:
            return f"Location.{name} {_shown_cell(cell)} is not a number."
        record.setdefault("Location", {})[name] = value
        return None

    return put


def _metric(name: str) -> Setter:
    def put(record: dict[str, Any], cell: str) -> str | None:
        value = _decimal(cell)
        if value is None:
            return f"Metrics.{name} {_shown_cell(cell)} is not a number."
        record.setdefault("Metrics", {})[name] = value
        return None

    return put


def _listed(group: str, name: str) -> Setter:
    def put(record: dict[str, Any], cell: str) -> None:
        record.setdefault(group, {}).setdefault(name, []).append(sys.intern(cell))

    return put


def _user_id(record: dict[str, Any], cell: str) -> None:
    record.setdefault("User", {})["UserId"] = cell


def _user_attribute(name: str) -> Setter:
    def put(record: dict[str, Any], cell: str) -> None:
        user = record.setdefault("User", {})
        user.setdefault("UserAttributes", {}).setdefault(name, []).append(sys.intern(cell))

    return put


def _setter(column: str) -> tuple[Setter, bool] | None:
    """How a header column fills a definition, and whether it may repeat."""
    if column in TOP_LEVEL:
        return _top(column), False
    group, dot, name = column.partition(".")
    if not dot or not name:
        return None
    if group == "Demographic" and name in DEMOGRAPHIC:
        return _nested(group, name), False
    if group == "Location" and name in LOCATION_TEXT:
        return _nested(group, name), False
    if group == "Location" and name in LOCATION_NUMBERS:
        return _coordinate(name), False
    if group == "Attributes":
        return _listed(group, name), True
    if group == "Metrics":
        return _metric(name), False
    if column == "User.UserId":
        return _user_id, False
    if group == "User" and name.startswith("UserAttributes.") and len(name) > 15:
        return _user_attribute(name[len("UserAttributes.") :]), True
    return None


def _header(cells: list[str]) -> list[Setter]:
    setters: list[Setter] = []
    seen: set[str] = set()
    for number, column in enumerate(cells, start=1):
        name = column.strip()
        if not name:
            raise FileProblem(f"Column {number} of the header row has no attribute name.")
        found = _setter(name)
        if found is None:
            raise FileProblem(
                f"Column {number} of the header row, '{name}', is not an endpoint attribute."
            )
        setter, repeatable = found
        if name in seen and not repeatable:
            raise FileProblem(
                f"The header row names '{name}' twice; only Attributes.<name> and "
                "User.UserAttributes.<name> columns may repeat."
            )
        seen.add(name)
        setters.append(setter)
    return setters


def _csv_reader(lines: Iterator[str]) -> Any:
    return csv.reader(_guarded_csv_lines(lines), strict=True)


def _guarded_csv_lines(lines: Iterator[str]) -> Iterator[str]:
    """Each line with its break given back, so breaks inside quoted values survive; a line
    of more than MAX_LINE_VALUES values fails the file before the csv module builds a row
    of them (a line of commas would cost eight bytes a comma)."""
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_VALUES and line.count(",") >= MAX_LINE_VALUES:
            raise FileProblem(
                f"The file is not valid CSV at line {number}: the line holds more than "
                f"{MAX_LINE_VALUES} values."
            )
        yield line + "\n"


def _csv_problem(reader: Any, error: csv.Error) -> FileProblem:
    return FileProblem(f"The file is not valid CSV at line {reader.line_num}: {error}.")


def _read_csv(lines: Iterator[str]) -> Iterator[Record]:
    reader = _csv_reader(lines)
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)  # blank lines before the header
        if header is None:
            raise FileProblem("The file is empty; a CSV file starts with a header row.")
        setters = _header(header)
        width = len(setters)
        overhead = sum(len(name) + 6 for name in header)  # JSON punctuation and names
        line = reader.line_num + 1
        for row in reader:
            if not row or (len(row) == 1 and not row[0]):
                line = reader.line_num + 1
                continue
            size = overhead + sum(map(len, row))
            if size * 4 > MAX_ENDPOINT_BYTES:  # characters may be up to 4 bytes in UTF-8
                size = overhead + sum(len(cell.encode()) for cell in row)
            if len(row) != width:
                problem = f"The row has {len(row)} values but the header has {width} columns."
                yield (line, None, problem, size)
            else:
                record: dict[str, Any] = {}
                problem = None
                for setter, cell in zip(setters, row):
                    if cell:
                        found = setter(record, cell)
                        problem = problem or found
                yield (line, None if problem else record, problem, size)
            line = reader.line_num + 1
    except csv.Error as error:
        raise _csv_problem(reader, error) from None


# -- JSON -----------------------------------------------------------------------------
def _read_json(lines: Iterator[str]) -> Iterator[Record]:
    any_line = parsed_any = False
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        any_line = True
        try:
            record = strict_json.loads(line, max_number_characters=MAX_NUMBER_CHARACTERS)
        except strict_json.NotJson as refused:
            # A lone surrogate is JSON to AWS's parser: the line counts as one read.
            parsed_any = parsed_any or isinstance(refused, strict_json.LoneSurrogate)
            yield (number, None, f"The line is not valid JSON: {refused}.", len(line))
            continue
        parsed_any = True
        if not isinstance(record, dict):
            problem = "The line is not a JSON object; each line must be one endpoint definition."
            yield (number, None, problem, len(line))
            continue
        if "null" in line:  # most lines have none: no need to walk them
            record = _without_null_members(record)
        yield (number, record, None, len(line.encode()))
    if any_line and not parsed_any:
        raise FileProblem(
            "No line of the file is JSON; a JSON import file has one endpoint definition "
            "(a JSON object) per line."
        )


def _without_null_members(record: dict[str, Any]) -> dict[str, Any]:
    """The definition with every member given as ``null`` left out, at any depth, as an
    UpdateEndpoint request is read (AWS's JSON protocol: a null member is an absent one). A
    null inside a list or as a map's value stays, for the record rules to refuse, as the
    API's validation does (``Member must not be null``)."""
    kept: dict[str, Any] = without_nulls(endpoint_request_shape(), record, keep_undeclared=True)
    return kept

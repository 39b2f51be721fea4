"""Reading endpoint-definition files: CSV with dotted headers, or newline-delimited JSON.

A file is one *piece* of an import job. A problem with the whole file (not UTF-8,
compressed, a broken header, CSV quoting that never closes, no JSON at all) raises
:class:`FileProblem` and the piece fails. Otherwise every record comes out as
``(line, definition, problem)``: the definition shaped like an EndpointRequest plus ``Id``,
or the reason the record could not even be read; a bad record fails alone.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from typing import Any

from importmock.engine.text_files import nul_byte
from importmock.services.pinpoint.endpoints import (
    DEMOGRAPHIC,
    LOCATION_NUMBERS,
    LOCATION_TEXT,
    MAX_ENDPOINT_BYTES,
    TOP_LEVEL,
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

#: The file-name endings read from a folder, per import Format.
SUFFIXES = {"CSV": (".csv",), "JSON": (".json", ".jsonl", ".ndjson")}


class FileProblem(ValueError):
    """The whole file cannot be read; the message says why."""


def read(body: bytes, file_format: str) -> list[Record]:
    """Every record of one file, in order (raises FileProblem for an unreadable file)."""
    text = _decode(body)
    return _read_csv(text) if file_format == "CSV" else _read_json(text)


def _decode(body: bytes) -> str:
    for magic, kind in _COMPRESSION_MAGIC.items():
        if body.startswith(magic):
            raise FileProblem(
                f"The file is compressed ({kind}); import files must be uncompressed."
            )
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(
            f"The file is not UTF-8: byte 0x{body[error.start]:02x} at offset {error.start} "
            "is not valid UTF-8."
        ) from None
    nul = nul_byte(body)
    if nul is not None:
        raise FileProblem(f"The file is not UTF-8 text: {nul}.")
    return text


def _physical_lines(text: str) -> list[str]:
    """The file's lines: split at \n (a \r before it stays, for the CSV reader to treat
    as part of the line break), or at \r in a file with no \n (old Mac exports).

    Not ``str.splitlines``: it also breaks at U+2028, U+0085 and other characters that
    may sit inside a value.
    """
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the file's final line break ends the last line; it adds none
    return lines


def _lines(text: str) -> Iterator[str]:
    # Each line with its break given back, so breaks inside quoted values survive; much
    # lighter than a StringIO of the whole file.
    return (line + "\n" for line in _physical_lines(text))


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


def _coordinate(name: str) -> Setter:
    def put(record: dict[str, Any], cell: str) -> str | None:
        try:
            record.setdefault("Location", {})[name] = float(cell)
        except ValueError:
            return f"Location.{name} '{cell}' is not a number."
        return None

    return put


def _metric(name: str) -> Setter:
    def put(record: dict[str, Any], cell: str) -> str | None:
        try:
            record.setdefault("Metrics", {})[name] = float(cell)
        except ValueError:
            return f"Metrics.{name} '{cell}' is not a number."
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


def _read_csv(text: str) -> list[Record]:
    reader = csv.reader(_lines(text), strict=True)
    records: list[Record] = []
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
                records.append((line, None, problem, size))
            else:
                record: dict[str, Any] = {}
                problem = None
                for setter, cell in zip(setters, row):
                    if cell:
                        found = setter(record, cell)
                        problem = problem or found
                records.append((line, None if problem else record, problem, size))
            line = reader.line_num + 1
    except csv.Error as error:
        where = f"line {reader.line_num}"
        raise FileProblem(f"The file is not valid CSV at {where}: {error}.") from None
    return records


# -- JSON -----------------------------------------------------------------------------
def _read_json(text: str) -> list[Record]:
    records: list[Record] = []
    parsed_any = False
    for number, raw in enumerate(_physical_lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as error:
            reason = str(error) if isinstance(error, ValueError) else "nested too deeply"
            records.append((number, None, f"The line is not valid JSON: {reason}.", len(line)))
            continue
        parsed_any = True
        if not isinstance(record, dict):
            problem = "The line is not a JSON object; each line must be one endpoint definition."
            records.append((number, None, problem, len(line)))
            continue
        records.append((number, record, None, len(line.encode())))
    if records and not parsed_any:
        raise FileProblem(
            "No line of the file is JSON; a JSON import file has one endpoint definition "
            "(a JSON object) per line."
        )
    return records

"""Reading the quick-response import file: one header row, one quick response per row.

Header names are CreateQuickResponse's member names, matched case-insensitively and
ignoring spaces and underscores ("Shortcut key" is ``shortcutKey``). Problems with the
file as a whole raise :class:`FileProblem` (the job fails); problems with one row are
reported per row by the backend, which checks rows against the CreateQuickResponse shape.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from importmock.engine.text_files import nul_byte

MAX_ROWS_PER_FILE = 100
LIST_SEPARATOR = ";"
_CHUNK = 1 << 20  # bytes decoded at a time when checking that the file is UTF-8
#: More commas than any quick response's row can hold: its cells' longest values (content
#: 4,000 characters, name 100, description 255...) hold under 5,000 even if all commas.
#: The csv module makes a list of a row's cells, 8 bytes or more for each 1-byte comma.
MAX_COMMAS_PER_ROW = 10_000

FIELDS = (
    "name",
    "content",
    "contentType",
    "shortcutKey",
    "description",
    "isActive",
    "channels",
    "groupingConfiguration.criteria",
    "groupingConfiguration.values",
    "language",
)
CONTENT_TYPES = {
    "plain": "application/x.quickresponse;format=plain",
    "markdown": "application/x.quickresponse;format=markdown",
}
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def _normalise(header: str) -> str:
    return re.sub(r"[\s_]", "", header).lower()


_BY_NORMALISED = {_normalise(name): name for name in FIELDS}


class FileProblem(Exception):
    """The file cannot be imported at all; the message says why."""


@dataclass
class Row:
    """One data row: its line number, its original cells and its values by field."""

    line: int
    cells: list[str]
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class QuickResponseFile:
    header: list[str]
    rows: list[Row]


def read(data: bytes) -> QuickResponseFile:
    """Parse the file, or raise :class:`FileProblem` for a file that cannot be imported.

    The bytes are checked whole (UTF-8, NUL), a chunk at a time; the CSV is then read one
    row at a time and reading stops at the first row past the limit, so neither memory nor
    time grows with what lies beyond it.
    """
    if not data or data.isspace():
        raise FileProblem("The file is empty.")
    bad = _first_non_utf8(data)
    if bad is not None:
        raise FileProblem(f"The file is not UTF-8 text (byte 0x{data[bad]:02x} at offset {bad}).")
    nul = nul_byte(data)
    if nul is not None:
        raise FileProblem(f"The file is not UTF-8 text ({nul}).")
    lines = _Lines(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""))
    try:
        return _read_rows(lines, csv.reader(lines, strict=True))
    except csv.Error as exc:
        raise FileProblem(f"The file is not valid CSV: {exc}.") from None


class _Lines:
    """The file's lines as the csv reader pulls them, counting the commas of the row being
    read: a row of millions of empty cells fails before the csv module lists them."""

    def __init__(self, text: Iterator[str]) -> None:
        self._text = text
        self.row = 1
        self._commas = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._text)
        self._commas += line.count(",")
        if self._commas > MAX_COMMAS_PER_ROW:
            raise FileProblem(
                f"Row {self.row} holds more than {MAX_COMMAS_PER_ROW:,} commas; no quick "
                "response has that many cells."
            )
        return line

    def next_row(self) -> None:
        self.row += 1
        self._commas = 0


def _first_non_utf8(data: bytes) -> int | None:
    """The offset of the first byte that is not UTF-8, decoding a chunk at a time (a
    decoded copy of the whole file would be as large as the file, or four times)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(view), _CHUNK):
        pending = len(decoder.getstate()[0])  # bytes of a character cut by the last chunk
        try:
            decoder.decode(view[start : start + _CHUNK], final=start + _CHUNK >= len(view))
        except UnicodeDecodeError as exc:
            return start - pending + exc.start
    return None


def _read_rows(lines: _Lines, reader: Iterator[list[str]]) -> QuickResponseFile:
    header = next(reader, [])
    lines.next_row()
    columns: list[str | None] = []
    for position, title in enumerate(header, start=1):
        if not title.strip():
            # A spreadsheet's trailing comma leaves an untitled column: ignored.
            columns.append(None)
            continue
        canonical = _BY_NORMALISED.get(_normalise(title))
        if canonical is None:
            raise FileProblem(
                f"Column {position} of the header, '{title}', is not a quick response field; "
                f"the header fields are: {', '.join(FIELDS)}."
            )
        if canonical in columns:
            raise FileProblem(f"The header names the field '{canonical}' twice.")
        columns.append(canonical)
    missing = [name for name in ("name", "content") if name not in columns]
    if missing:
        raise FileProblem(f"The header has no '{missing[0]}' column.")
    rows: list[Row] = []
    for line, cells in enumerate(reader, start=2):
        lines.next_row()
        if not any(cell.strip() for cell in cells):
            continue  # blank lines (a trailing newline, say) are not quick responses
        if len(rows) == MAX_ROWS_PER_FILE:
            raise FileProblem(
                f"The file holds more than {MAX_ROWS_PER_FILE} quick responses; one import "
                f"takes at most {MAX_ROWS_PER_FILE}."
            )
        row = Row(line, cells)
        for name, cell in zip(columns, cells):
            if name is not None and cell.strip():
                row.values[name] = cell.strip()
        if len(cells) > len(columns):
            row.values["__error__"] = (
                f"The row has {len(cells)} cells but the header has {len(columns)} fields."
            )
        rows.append(row)
    if not rows:
        raise FileProblem("The file has a header but no quick responses.")
    return QuickResponseFile(header, rows)


def to_request(row: Row) -> tuple[dict[str, Any], str | None]:
    """The CreateQuickResponse input a row stands for, or the reason it cannot be one."""
    if "__error__" in row.values:
        return {}, row.values["__error__"]
    values = row.values
    request: dict[str, Any] = {}
    for name in ("name", "description", "shortcutKey", "language"):
        if name in values:
            request[name] = values[name]
    if "content" in values:
        request["content"] = {"content": values["content"]}
    kind = values.get("contentType", "plain")
    content_type = CONTENT_TYPES.get(kind.lower(), kind)
    if content_type not in CONTENT_TYPES.values():
        return {}, (
            f"contentType '{kind}' is not plain, markdown, or "
            f"{' or '.join(CONTENT_TYPES.values())}."
        )
    request["contentType"] = content_type
    if "isActive" in values:
        flag = values["isActive"].lower()
        if flag not in _TRUE | _FALSE:
            return {}, f"isActive '{values['isActive']}' is not true or false."
        request["isActive"] = flag in _TRUE
    if "channels" in values:
        request["channels"] = _split(values["channels"])
    grouping: dict[str, Any] = {}
    if "groupingConfiguration.values" in values:
        grouping["values"] = _split(values["groupingConfiguration.values"])
        # Routing profiles are the only grouping criterion Amazon Connect supports.
        grouping["criteria"] = "RoutingProfileArn"
    if "groupingConfiguration.criteria" in values:
        grouping["criteria"] = values["groupingConfiguration.criteria"]
    if grouping:
        request["groupingConfiguration"] = grouping
    return request, None


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]


def failed_record_report(header: list[str], failures: list[tuple[list[str], str]]) -> bytes:
    """A CSV of the failed rows as submitted, with an ``error`` column saying why."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*header, "error"])
    for cells, reason in failures:
        padded = cells + [""] * (len(header) - len(cells))
        writer.writerow([*padded, reason])
    return out.getvalue().encode("utf-8")

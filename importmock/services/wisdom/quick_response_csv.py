"""Reading the quick-response import file: one header row, one quick response per row.

Header names are CreateQuickResponse's member names, matched case-insensitively and
ignoring spaces and underscores ("Shortcut key" is ``shortcutKey``). Problems with the
file as a whole raise :class:`FileProblem` (the job fails); problems with one row are
reported per row by the backend, which checks rows against the CreateQuickResponse shape.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from importmock.engine.text_files import nul_byte

MAX_ROWS_PER_FILE = 100
LIST_SEPARATOR = ";"

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
    """Parse the file, or raise :class:`FileProblem` for a file that cannot be imported."""
    if not data.strip():
        raise FileProblem("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})."
        ) from None
    nul = nul_byte(data)
    if nul is not None:
        raise FileProblem(f"The file is not UTF-8 text ({nul}).")
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise FileProblem(f"The file is not valid CSV: {exc}.") from None
    header = lines[0] if lines else []
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
    rows = []
    for line, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines (a trailing newline, say) are not quick responses
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
    if len(rows) > MAX_ROWS_PER_FILE:
        raise FileProblem(
            f"The file holds {len(rows)} quick responses; one import takes at most "
            f"{MAX_ROWS_PER_FILE}."
        )
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

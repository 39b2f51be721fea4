"""Test-set input files: the CSV of conversations the Lex test workbench imports from S3.

A header row, then one turn per row. ``Source`` (User or Agent) and ``Input`` are required
columns; ``Line #``, ``Conversation #``, ``Expected Output Intent`` and any further
``Expected ...`` / ``Intent Input ...`` columns are kept as they are. Every turn counts in
``numTurns``.
"""

from __future__ import annotations

import csv
import io

REQUIRED = ("Source", "Input")
SOURCES = ("User", "Agent")
MAX_TURNS = 200_000
MAX_REASONS = 100


class TestSetProblems(ValueError):
    __test__ = False  # not a pytest class, whatever its name

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons[:MAX_REASONS]


def count_turns(body: bytes, where: str) -> int:
    """The number of turns in a test-set CSV, or TestSetProblems naming each bad row."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TestSetProblems([f"{where}: the file is not UTF-8 text."]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise TestSetProblems([f"{where}: the file is empty; it needs a header row."]) from None
    except csv.Error as broken:
        raise TestSetProblems([f"{where}: the header cannot be read ({broken})."]) from None
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise TestSetProblems(
            [
                f"{where}: the header has no {' or '.join(missing)} column; a test set needs "
                "Source and Input."
            ]
        )
    source, given = header.index("Source"), header.index("Input")
    reasons = []
    turns = 0
    try:
        for number, cells in enumerate(reader, 2):
            if not any(cell.strip() for cell in cells):
                continue
            cells += [""] * (len(header) - len(cells))
            if cells[source].strip() not in SOURCES:
                reasons.append(
                    f"{where} line {number}: Source must be User or Agent, not {cells[source]!r}."
                )
            elif not cells[given].strip():
                reasons.append(f"{where} line {number}: the Input is empty.")
            turns += 1
            if turns > MAX_TURNS:
                reasons.append(f"{where}: a test set may have at most {MAX_TURNS} turns.")
                break
    except csv.Error as broken:
        reasons.append(f"{where}: the file cannot be read ({broken}).")
    if turns == 0 and not reasons:
        reasons.append(f"{where}: the file has no turns.")
    if reasons:
        raise TestSetProblems(reasons)
    return turns

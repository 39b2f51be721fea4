"""Test-set input files: the CSV of conversations the Lex test workbench imports from S3.

A header row, then one turn per row. The source column is ``Source`` (or ``Conversation
Participant``), User or Agent; a text test set needs an ``Input`` column, an audio test set
an ``Expected Transcription`` column. ``Line #`` / ``Line Number``, ``Conversation #`` /
``Conversation Number``, ``Expected Output Intent`` and the other workbench columns are
kept as they are. Every row is a turn; the workbench imports at most 50,000.
"""

from __future__ import annotations

import csv
import io

from importmock.engine.text_files import nul_byte

SOURCE_COLUMNS = ("Source", "Conversation Participant")
INPUT_COLUMNS = {"Text": "Input", "Audio": "Expected Transcription"}
SOURCES = ("User", "Agent")
MAX_TURNS = 50_000
MAX_REASONS = 100


class TestSetProblems(ValueError):
    __test__ = False  # not a pytest class, whatever its name

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons[:MAX_REASONS]


def count_turns(body: bytes, where: str, modality: str = "Text") -> int:
    """The number of turns in a test-set CSV, or TestSetProblems naming each bad row."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TestSetProblems([f"{where}: the file is not UTF-8 text."]) from None
    nul = nul_byte(body)
    if nul is not None:
        raise TestSetProblems([f"{where}: the file is not UTF-8 text ({nul})."])
    # strict: a quoted value cut off by the end of the file is an error, not a last row.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise TestSetProblems([f"{where}: the file is empty; it needs a header row."]) from None
    except csv.Error as broken:
        raise TestSetProblems([f"{where}: the header cannot be read ({broken})."]) from None
    source = next((header.index(name) for name in SOURCE_COLUMNS if name in header), None)
    input_name = INPUT_COLUMNS[modality]
    if source is None or input_name not in header:
        raise TestSetProblems(
            [
                f"{where}: a {modality.lower()} test set needs a Source column and an "
                f"{input_name} column; the header has {', '.join(header) or 'no columns'}."
            ]
        )
    given = header.index(input_name)
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
                reasons.append(f"{where} line {number}: the {input_name} is empty.")
            turns += 1
            if turns > MAX_TURNS:
                reasons.append(f"{where}: a test set may have at most {MAX_TURNS} turns.")
                break
            if len(reasons) >= MAX_REASONS:
                break  # the file fails, and no more reasons are reported: stop reading
    except csv.Error as broken:
        reasons.append(f"{where}: the file cannot be read ({broken}).")
    if turns == 0 and not reasons:
        reasons.append(f"{where}: the file has no turns.")
    if reasons:
        raise TestSetProblems(reasons)
    return turns

"""Custom vocabulary files: the tab-separated ``CustomVocabulary.tsv`` Lex documents for
imports, and the JSON form its exports and archives carry.

TSV: a header row naming ``phrase`` (required), ``weight`` and ``displayAs`` in any order,
then one phrase per row. A phrase is 1 to 100 characters, unique (ignoring case); a weight
is an integer from 0 to 3 and defaults to 1 when the column or cell is empty. At most 500
phrases.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from importmock.engine.text_files import nul_byte
from importmock.services.lexv2 import archive_json
from importmock.services.lexv2.models import VocabularyItem, new_id

MAX_PHRASES = 500
MAX_PHRASE_LENGTH = 100  # the model's Phrase, for phrase and displayAs alike
DEFAULT_WEIGHT = 1
MAX_WEIGHT = 3
# ASCII digits only: str.isdigit() also takes "²" and "٣", which int() refuses.
_WEIGHT = re.compile(r"[0-9]{1,9}")
COLUMNS = ("phrase", "weight", "displayAs")


class VocabularyProblems(ValueError):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def read(
    body: bytes, json_form: bool = False, budget: archive_json.ValueBudget | None = None
) -> list[VocabularyItem]:
    """The items of a vocabulary file, or VocabularyProblems listing what is wrong.

    ``budget`` is the archive's budget of JSON values, charged by the JSON form.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise VocabularyProblems(["the file is not UTF-8 text."]) from None
    nul = nul_byte(body)
    if nul is not None:
        raise VocabularyProblems([f"the file is not UTF-8 text ({nul})."])
    rows = _json_rows(text, budget) if json_form else _tsv_rows(text)
    reasons: list[str] = []
    items: list[VocabularyItem] = []
    seen: set[str] = set()
    for where, row in rows:
        phrase = row.get("phrase")
        if not isinstance(phrase, str) or not phrase.strip():
            reasons.append(f"{where}: the phrase is empty.")
            continue
        phrase = phrase.strip()
        if len(phrase) > MAX_PHRASE_LENGTH:
            reasons.append(f"{where}: the phrase is longer than {MAX_PHRASE_LENGTH} characters.")
            continue
        if phrase.lower() in seen:
            reasons.append(f"{where}: the phrase '{phrase}' appears more than once.")
            continue
        weight = _weight(row.get("weight"))
        if weight is None:
            reasons.append(
                f"{where}: the weight {_shown(row.get('weight'))} is not an integer from 0 "
                f"to {MAX_WEIGHT}."
            )
            continue
        display_as = row.get("displayAs")
        if display_as is not None and not isinstance(display_as, str):
            reasons.append(f"{where}: displayAs must be text.")
            continue
        if display_as is not None and len(display_as) > MAX_PHRASE_LENGTH:
            reasons.append(f"{where}: displayAs is longer than {MAX_PHRASE_LENGTH} characters.")
            continue
        seen.add(phrase.lower())
        items.append(VocabularyItem(new_id(), phrase, weight, display_as or None))
    if len(rows) > MAX_PHRASES:
        reasons.append(
            f"the vocabulary has {len(rows)} phrases; a custom vocabulary may have at most "
            f"{MAX_PHRASES}."
        )
    if not rows:
        reasons.append("the vocabulary has no phrases.")
    if reasons:
        raise VocabularyProblems(reasons)
    return items


def _weight(value: Any) -> int | None:
    if value is None or value == "":
        return DEFAULT_WEIGHT
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not _WEIGHT.fullmatch(value):
            return None
        value = int(value)
    if isinstance(value, int) and 0 <= value <= MAX_WEIGHT:
        return value
    return None


def _shown(value: Any) -> str:
    """A weight as a reason quotes it: text and numbers as written, containers by kind."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return repr(archive_json.quoted(value, 40)) if isinstance(value, str) else repr(value)


def _tsv_rows(text: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        header = next(reader)
    except StopIteration:
        raise VocabularyProblems(["the file is empty; it needs a header row."]) from None
    except csv.Error as broken:
        raise VocabularyProblems([f"the header row cannot be read ({broken})."]) from None
    names = [name.strip() for name in header]
    if "phrase" not in names:
        raise VocabularyProblems(
            [f"the header row {names!r} has no phrase column (columns: phrase, weight, displayAs)."]
        )
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise VocabularyProblems(
            [
                f"the header row has unknown columns {unknown!r}; the columns are "
                "phrase, weight and displayAs."
            ]
        )
    rows = []
    try:
        for number, cells in enumerate(reader, 2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(names):
                raise VocabularyProblems(
                    [f"line {number}: {len(cells)} fields but the header has {len(names)}."]
                )
            rows.append((f"line {number}", dict(zip(names, cells))))
            if len(rows) > MAX_PHRASES * 4:  # far past the limit: stop reading
                break
    except csv.Error as broken:
        raise VocabularyProblems([f"the file cannot be read ({broken})."]) from None
    return rows


def _json_rows(
    text: str, budget: archive_json.ValueBudget | None
) -> list[tuple[str, dict[str, Any]]]:
    try:
        data = archive_json.parse(text, budget)
    except archive_json.OverBudget:
        raise  # the archive's verdict, not this file's
    except archive_json.JsonProblem as refused:
        raise VocabularyProblems([str(refused)]) from None
    items = data.get("customVocabularyItems") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise VocabularyProblems(["the file has no customVocabularyItems list."])
    return [
        (f"customVocabularyItems.{index}", item if isinstance(item, dict) else {})
        for index, item in enumerate(items, 1)
    ]


def write_tsv(items: Iterable[VocabularyItem]) -> bytes:
    out = io.StringIO()
    out.write("phrase\tweight\tdisplayAs\n")
    for item in items:
        weight = "" if item.weight is None else str(item.weight)
        out.write(f"{item.phrase}\t{weight}\t{item.display_as or ''}\n")
    return out.getvalue().encode("utf-8")


def to_json(items: Iterable[VocabularyItem]) -> bytes:
    body = [{k: v for k, v in item.data().items() if k != "itemId"} for item in items]
    return json.dumps({"customVocabularyItems": body}, indent=2, allow_nan=False).encode("utf-8")

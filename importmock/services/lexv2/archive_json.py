"""The JSON files of a Lex archive: parsed as strictly as AWS's parsers, within a budget
(file_format.py then maps them to the model's shapes).

The engine's strict reader (:mod:`importmock.engine.strict_json`) refuses what JSON and
AWS do not take: ``NaN``, ``Infinity`` and ``-Infinity``, numbers too big for any number
type of the model (``1e400``, integers over 19 digits), and ``\\ud800`` escapes that
decode to lone surrogates, which no UTF-8 writer can encode (an export, a response, a
failure reason). Each of these fails its file here, with a reason, so nothing an archive
holds can later be echoed as a bare ``NaN`` or crash the writer of an export.

Parsed JSON costs far more memory than its text (``{}`` is 2 bytes of text and 64 of
Python), so an archive's files share a budget of values, counted from the text before
anything is parsed.
"""

from __future__ import annotations

from typing import Any

from importmock.engine import strict_json

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


class JsonProblem(ValueError):
    """Why a file's JSON is refused: the reason, without the file's name."""


class OverBudget(JsonProblem):
    """The archive's JSON files hold more values together than the budget."""


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


def parse(text: str, budget: ValueBudget | None = None) -> Any:
    """The JSON value of ``text``, or JsonProblem saying why it is refused."""
    if budget is not None:
        budget.charge(text)
    try:
        return strict_json.loads(text, max_integer_digits=MAX_INTEGER_DIGITS)
    except strict_json.NotJson as problem:
        raise JsonProblem(f"the file is not valid JSON: {problem}.") from None


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
    return strict_json.printable(quoted(text))

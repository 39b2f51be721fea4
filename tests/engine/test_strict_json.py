"""The one strict JSON reader: what it refuses, how it words the problem, what it keeps.

Every reader of JSON (request bodies, the controller, Lex archives, Pinpoint JSON lines)
frames these problems its own way; its own tests check the framing. Here is the problem
itself, exactly.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from importmock.engine.strict_json import (
    NESTED_TOO_DEEPLY,
    LoneSurrogate,
    NotJson,
    loads,
    lone_surrogate,
)


def problem(text: str | bytes, **limits: Any) -> str:
    with pytest.raises(NotJson) as refused:
        loads(text, **limits)
    return str(refused.value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"a": [1, -2.5, "x", true, null]}', {"a": [1, -2.5, "x", True, None]}),
        ("1e308", 1e308),
        ("1e-400", 0.0),  # underflow is a double (zero), as Jackson reads it
        ('"\\ud83d\\ude00"', "\U0001f600"),  # an escaped pair is one character
        ('"NaN"', "NaN"),  # the tokens are refused, not the text
        ("9" * 19, int("9" * 19)),
        (b'{"a": 1}', {"a": 1}),
        (b"\xef\xbb\xbf[1]", [1]),  # bytes: a UTF-8 BOM is skipped, as json.loads skips it
        ('"caf\u00e9 \\u00e9"', "caf\u00e9 \u00e9"),
    ],
)
def test_what_json_holds_is_read(text: str | bytes, value: Any) -> None:
    assert loads(text) == value


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(token: str) -> None:
    assert problem(f'{{"a": [{token}]}}') == (
        f"{token} is not a JSON value; JSON has no NaN or Infinity"
    )


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1" * 400 + ".0"])
def test_a_number_no_double_holds_is_refused(number: str) -> None:
    shown = number if len(number) <= 40 else "1" * 24 + "..." + "1" * 11 + ".0"
    assert problem(f"[{number}]") == f"the number {shown} is too large for a double"


def test_an_integer_over_the_digit_limit_is_refused_and_cut_in_the_message() -> None:
    assert problem("[-" + "1234567890" * 3 + "]", max_integer_digits=19) == (
        "the number -123456789012345678901234567890 is 30 digits long; at most 19 are read"
    )
    assert problem("1" * 25, max_integer_digits=19) == (
        f"the number {'1' * 25} is 25 digits long; at most 19 are read"
    )
    assert loads("-" + "9" * 19, max_integer_digits=19) == -int("9" * 19)
    assert loads("1" + "0" * 30 + ".5", max_integer_digits=19) == 1e30  # only integers


def test_a_number_over_the_character_limit_is_refused_and_cut_in_the_message() -> None:
    assert problem("[" + "7" * 100_000 + "]", max_number_characters=1000) == (
        f"the number {'7' * 24}...{'7' * 13} is 100000 characters long; at most 1000 are read"
    )
    assert problem("0." + "5" * 999, max_number_characters=1000) == (
        f"the number 0.{'5' * 22}...{'5' * 13} is 1001 characters long; at most 1000 are read"
    )
    assert loads("-" + "1" * 999, max_number_characters=1000) == -int("1" * 999)


def test_an_integer_past_pythons_own_limit_is_refused() -> None:
    limit = sys.get_int_max_str_digits()
    if not limit:
        pytest.skip("this Python converts integers of any length")
    digits = limit + 1
    assert problem("9" * digits) == (
        f"the number {'9' * 24}...{'9' * 13} is {digits} digits long; at most {limit} are read"
    )


@pytest.mark.parametrize(
    ("text", "where", "code"),
    [
        ('"\\ud800"', "at the top level", "d800"),
        ('{"name": "a\\uDFFFb"}', "at 'name'", "dfff"),
        (
            '{"slotTypes": [{"name": "ok"}, {"name": "x\\udc00"}]}',
            "at 'slotTypes.2.name'",  # list items counted from 1, as AWS's paths count them
            "dc00",
        ),
        ('{"\\ud800key": 1}', "at '\\ud800key'", "d800"),  # a key, named by its escape
        ('{"a": {"\\udbff": "\\udc00"}}', "at 'a.\\udbff'", "dbff"),  # the key comes first
        ('["\\ud800", "\\udc01"]', "at '1'", "d800"),  # the first in document order
    ],
)
def test_a_lone_surrogate_is_refused_naming_where_it_sits(text: str, where: str, code: str) -> None:
    assert problem(text) == (
        f"the text {where} holds a lone surrogate (\\u{code}), which is not Unicode text"
    )


def test_raw_cesu8_surrogate_bytes_are_found_too() -> None:
    with pytest.raises(LoneSurrogate) as refused:
        loads(b'{"password": "pass\xed\xa0\x80word"}')
    assert str(refused.value) == (
        "the text at 'password' holds a lone surrogate (\\ud800), which is not Unicode text"
    )


def test_a_lone_surrogate_in_text_already_decoded_is_found() -> None:
    assert problem('{"a": "\ud800"}') == (
        "the text at 'a' holds a lone surrogate (\\ud800), which is not Unicode text"
    )


def test_the_walk_for_surrogates_takes_any_depth_and_a_long_path_is_cut() -> None:
    deep = "[" * 400 + '"\\ud800"' + "]" * 400  # deep, yet within the parser's limit
    message = problem(deep)
    assert message.startswith("the text at '1.1.1.")
    assert "..." in message and len(message) < 300
    key = "k" * 10_000
    message = problem(json.dumps({key: "\ud800"}))
    assert message.endswith("holds a lone surrogate (\\ud800), which is not Unicode text")
    assert len(message) < 300


def test_the_walk_is_a_loop_not_recursion() -> None:
    value: Any = "\udc00"
    for _ in range(100_000):  # far past the interpreter's recursion limit
        value = [value]
    found = lone_surrogate({"a": value})
    assert found is not None and found[1] == "\udc00"
    assert found[0] == "a" + ".1" * 100_000
    assert lone_surrogate({"a": [1, "ok", {"b": None}]}) is None


def test_json_nested_past_the_parser_is_refused() -> None:
    assert problem("[" * 100_000) == NESTED_TOO_DEEPLY == "it is nested too deeply"
    assert problem(b'{"a":' * 100_000) == "it is nested too deeply"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Expecting value: line 1 column 1 (char 0)"),
        ('{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"),
        ("\ufeff{}", "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"),
        (b"\xff{}", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
    ],
)
def test_broken_json_keeps_the_parsers_own_words(text: str | bytes, message: str) -> None:
    assert problem(text) == message


def test_every_problem_is_a_value_error_and_only_a_surrogate_is_a_lone_surrogate() -> None:
    assert issubclass(NotJson, ValueError)
    for text in ("NaN", "[1e400]", "[" * 100_000, "{"):
        with pytest.raises(NotJson) as refused:
            loads(text)
        assert not isinstance(refused.value, LoneSurrogate)

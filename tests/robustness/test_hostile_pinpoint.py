"""Pinpoint's endpoint-file readers under hostile files (issue 14, items 1 and 3): memory
that does not grow with the number of bad lines, a verdict given as soon as it is known,
and numbers that cost nothing to refuse.

Each file is seeded with ``m.put_object`` and imported with ``CreateImportJob`` through
boto3, in a child process that measures the peak resident set (``VmHWM`` in
/proc/self/status) above the resident set just before the call: no tracemalloc, no
timing. Minutes instead of seconds would show as the child's timeout.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from typing import Any

import pytest

from tests.peak_memory import measured_in_children, memory, reset_peak

MiB = 1 << 20
BUCKET = "hostile-endpoints"
ROLE = "arn:aws:iam::123456789012:role/pinpoint-import"
LINES = 400_000

#: name -> (file body, Format). Each body is one allocation, so building it adds no peak
#: of its own.
FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    # Readable records that all fail a record rule: each was kept until the file ended.
    "csv-rows-without-address": (lambda: b"Id,Address,ChannelType\n" + b",,EMAIL\n" * LINES, "CSV"),
    "json-objects-without-address": (lambda: b"{}\n" * LINES, "JSON"),
    # Lines that are no JSON at all: the file fails, after counting every line.
    "json-lines-that-are-not-json": (
        lambda: (
            b'{"Id": "a", "Address": "a@example.com", "ChannelType": "EMAIL"}\n' + b"x\n" * LINES
        ),
        "JSON",
    ),
    # One line of 16 million values: the csv module built a list of them (8 bytes each).
    "csv-line-of-commas": (lambda: b"Id,Address,ChannelType\n" + b"," * (16 * MiB) + b"\n", "CSV"),
    # A 10-million-digit integer: int() takes minutes over it once a program has lifted
    # Python's 4300-digit limit (the child does, as some test suites do).
    "json-ten-million-digits": (
        lambda: (
            b'{"Id": "a", "Address": "a@example.com", "ChannelType": "EMAIL", '
            b'"Metrics": {"m": ' + b"7" * 10_000_000 + b"}}\n"
        ),
        "JSON",
    ),
}


def measure_in_this_process(names: list[str]) -> list[dict[str, Any]]:
    """Import each named file in one mock: the job's status, counters and failures, and
    the peak memory above the resident set before CreateImportJob (None when the peak
    cannot be reset here, for every file after the first)."""
    import boto3

    from importmock import mock_imports

    sys.set_int_max_str_digits(0)
    results = []
    with mock_imports() as m:
        pinpoint = boto3.client("pinpoint", region_name="us-east-1")
        app = pinpoint.create_app(CreateApplicationRequest={"Name": "hostile"})
        app_id = app["ApplicationResponse"]["Id"]
        for number, name in enumerate(names):
            build, file_format = FILES[name]
            body = build()
            m.put_object(BUCKET, name, body)
            size = len(body)
            del body
            gc.collect()
            measurable = reset_peak() or number == 0
            before = memory()["VmRSS"]
            request = {
                "Format": file_format,
                "S3Url": f"s3://{BUCKET}/{name}",
                "RoleArn": ROLE,
                "RegisterEndpoints": True,
            }
            try:
                job = pinpoint.create_import_job(ApplicationId=app_id, ImportJobRequest=request)
                job_id = job["ImportJobResponse"]["Id"]
                job = pinpoint.get_import_job(ApplicationId=app_id, JobId=job_id)
                done = job["ImportJobResponse"]
            except Exception as error:  # reported to the parent, which fails the test
                done = {"JobStatus": f"raised {type(error).__name__}: {error}"[:2000]}
            results.append(
                {
                    "name": name,
                    "status": done["JobStatus"],
                    "counters": [done.get(key) for key in ("TotalProcessed", "TotalFailures")],
                    "failures": done.get("Failures", [])[:2],
                    "size": size,
                    "growth": memory()["VmHWM"] - before if measurable else None,
                }
            )
    return results


@pytest.fixture(scope="module")
def measured() -> dict[str, dict[str, Any]]:
    """Every file measured in fresh child processes (one for all where the kernel lets a
    process reset its peak)."""
    return measured_in_children("tests.robustness.test_hostile_pinpoint", list(FILES), 120)


#: What reading a file may cost above holding it: the interpreter's churn and the
#: responses, and one decoded copy of its longest line. Nothing for each line of the file.
def bound(size: int) -> int:
    return 24 * MiB + size


def url(name: str) -> str:
    return f"s3://{BUCKET}/{name}"


MISSING_ADDRESS = "Missing Address: a new endpoint needs an Address."


@pytest.mark.parametrize(
    ("name", "line"),
    [("csv-rows-without-address", 2), ("json-objects-without-address", 1)],
)
def test_refused_records_cost_no_memory_each(
    measured: dict[str, dict[str, Any]], name: str, line: int
) -> None:
    result = measured[name]
    assert (result["status"], result["counters"]) == ("COMPLETED", [LINES, LINES])
    assert result["failures"] == [
        f"{url(name)} line {line}: {MISSING_ADDRESS}",
        f"{url(name)} line {line + 1}: {MISSING_ADDRESS}",
    ]
    assert result["growth"] < bound(result["size"]), result


def test_lines_that_are_not_json_cost_no_memory_each(
    measured: dict[str, dict[str, Any]],
) -> None:
    result = measured["json-lines-that-are-not-json"]
    assert (result["status"], result["counters"]) == ("COMPLETED", [LINES + 1, LINES])
    assert result["failures"] == [
        f"{url(result['name'])} line 2: The line is not valid JSON: Expecting value: line 1 "
        "column 1 (char 0).",
        f"{url(result['name'])} line 3: The line is not valid JSON: Expecting value: line 1 "
        "column 1 (char 0).",
    ]
    assert result["growth"] < bound(result["size"]), result


def test_a_line_of_millions_of_values_fails_the_file_before_it_is_split(
    measured: dict[str, dict[str, Any]],
) -> None:
    result = measured["csv-line-of-commas"]
    assert (result["status"], result["counters"]) == ("FAILED", [0, 0])
    assert result["failures"] == [
        f"{url(result['name'])}: The file is not valid CSV at line 2: the line holds more "
        "than 131072 values."
    ]
    assert result["growth"] < bound(result["size"]), result


def test_a_ten_million_digit_number_is_refused_unread(
    measured: dict[str, dict[str, Any]],
) -> None:
    result = measured["json-ten-million-digits"]
    assert (result["status"], result["counters"]) == ("FAILED", [0, 0])
    assert result["failures"] == [
        f"{url(result['name'])}: No line of the file is JSON; a JSON import file has one "
        "endpoint definition (a JSON object) per line."
    ]
    assert result["growth"] < bound(result["size"]), result

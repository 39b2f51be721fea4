"""Values in endpoint files read as AWS reads them (issue 14, items 9, 10 and the audit).

- ``null`` members are absent at any depth, as in an API request (the JSON protocol drops
  a null member); a null in a list or as a map value is refused, as the API's validation
  refuses it. Nothing is stored or echoed as ``null``.
- NaN and Infinity are no JSON (AWS's parser, Jackson, refuses the tokens), numbers beyond
  a double or over 1,000 characters are refused, and CSV number cells are decimal
  numbers (Python's ``float()`` also takes "nan", "inf", "1_000").
- A lone surrogate escape fails its line; a UTF-8 error after a byte-order mark is named at
  its real offset.

Everything goes through boto3 and a seeded S3 object. The suite checks every response
against its model (tests/conftest.py), so a ``null`` or a NaN in a response fails the
call that carries it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers import rewrite_body

from .conftest import (
    BUCKET,
    ROLE,
    counters,
    csv_text,
    endpoint,
    error_of,
    run_import,
    session_client,
)

JSON_URL = f"s3://{BUCKET}/endpoints.json"
CSV_URL = f"s3://{BUCKET}/endpoints.csv"
BASIC = ["Id", "Address", "ChannelType"]
NAN_TOKEN = "{} is not a JSON value; JSON has no NaN or Infinity"


def import_lines(m: Any, pinpoint: Any, app_id: str, *lines: Any) -> dict[str, Any]:
    body = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    return run_import(m, pinpoint, app_id, body + "\n", key="endpoints.json", file_format="JSON")


def defined(endpoint_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "Id": endpoint_id,
        "Address": f"{endpoint_id}@example.com",
        "ChannelType": "EMAIL",
        **fields,
    }


def stored(pinpoint: Any, app_id: str, endpoint_id: str) -> dict[str, Any]:
    """The endpoint as GetEndpoint answers it, without the values the mock stamps."""
    found = endpoint(pinpoint, app_id, endpoint_id)
    for stamp in ("ApplicationId", "CohortId", "CreationDate", "EffectiveDate", "RequestId"):
        found.pop(stamp, None)
    return found


# -- null -----------------------------------------------------------------------------


def test_null_members_are_absent_at_any_depth(m: Any, pinpoint: Any, app_id: str) -> None:
    nested = defined(
        "nulls-1",
        OptOut=None,
        EffectiveDate=None,
        EndpointStatus=None,
        RequestId=None,
        Demographic={"Make": None, "Platform": "ios"},
        Location={"City": None, "Latitude": None, "Country": "US"},
        Attributes=None,
        Metrics=None,
        User={"UserId": "user-n", "UserAttributes": None},
    )
    groups = defined(
        "nulls-2", Demographic=None, Location=None, User=None, Attributes=None, Metrics=None
    )
    no_id = {"Id": None, "Address": "no-id@example.com", "ChannelType": "SMS"}

    job = import_lines(m, pinpoint, app_id, nested, groups, no_id)

    assert (job["JobStatus"], counters(job), job.get("Failures")) == (
        "COMPLETED",
        (1, 1, 0, 3, 0),
        None,
    )
    assert stored(pinpoint, app_id, "nulls-1") == {
        "Id": "nulls-1",
        "Address": "nulls-1@example.com",
        "ChannelType": "EMAIL",
        "EndpointStatus": "ACTIVE",
        "OptOut": "NONE",
        "Demographic": {"Platform": "ios"},
        "Location": {"Country": "US"},
        "User": {"UserId": "user-n"},
        "Attributes": {},
    }
    assert stored(pinpoint, app_id, "nulls-2") == {
        "Id": "nulls-2",
        "Address": "nulls-2@example.com",
        "ChannelType": "EMAIL",
        "EndpointStatus": "ACTIVE",
        "OptOut": "NONE",
        "Attributes": {},
        "User": {},
    }
    users = pinpoint.get_user_endpoints(ApplicationId=app_id, UserId="user-n")
    assert [item["Id"] for item in users["EndpointsResponse"]["Item"]] == ["nulls-1"]
    assert users["EndpointsResponse"]["Item"][0]["User"] == {"UserId": "user-n"}


def test_null_members_leave_an_existing_endpoint_as_it_was(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    pinpoint.update_endpoint(
        ApplicationId=app_id,
        EndpointId="kept-1",
        EndpointRequest={
            "Address": "kept@example.com",
            "ChannelType": "EMAIL",
            "Demographic": {"Make": "Apple"},
            "Location": {"City": "Oslo"},
            "Attributes": {"tier": ["gold"]},
            "User": {"UserId": "user-k", "UserAttributes": {"plan": ["pro"]}},
        },
    )
    before = stored(pinpoint, app_id, "kept-1")
    update = {
        "Id": "kept-1",
        "Address": None,
        "ChannelType": None,
        "Demographic": {"Make": None},
        "Location": None,
        "Attributes": None,
        "User": None,
    }

    job = import_lines(m, pinpoint, app_id, update)

    assert (job["JobStatus"], counters(job)) == ("COMPLETED", (1, 1, 0, 1, 0))
    assert stored(pinpoint, app_id, "kept-1") == before
    users = pinpoint.get_user_endpoints(ApplicationId=app_id, UserId="user-k")
    assert [item["Id"] for item in users["EndpointsResponse"]["Item"]] == ["kept-1"]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        pytest.param(
            {"Attributes": {"color": None}}, "Attributes.color must be a list of strings.", id="map"
        ),
        pytest.param(
            {"Attributes": {"color": ["red", None]}},
            "Attributes.color must be a list of strings.",
            id="list-item",
        ),
        pytest.param(
            {"Metrics": {"visits": None}}, "Metrics.visits null is not a number.", id="metric"
        ),
        pytest.param(
            {"User": {"UserId": "u", "UserAttributes": {"plan": None}}},
            "User.UserAttributes.plan must be a list of strings.",
            id="user-attribute",
        ),
    ],
)
def test_null_in_a_list_or_map_fails_its_line(
    m: Any, pinpoint: Any, app_id: str, fields: dict[str, Any], reason: str
) -> None:
    job = import_lines(m, pinpoint, app_id, defined("bad-1", **fields), defined("ok-2"))

    assert (job["JobStatus"], counters(job)) == ("COMPLETED", (1, 1, 0, 2, 1))
    assert job["Failures"] == [f"{JSON_URL} line 1: {reason}"]
    assert stored(pinpoint, app_id, "ok-2")["Address"] == "ok-2@example.com"


# -- numbers in JSON files -----------------------------------------------------------------

HUGE_INTEGER = "1" + "0" * 400  # a JSON number, beyond a double
HUGE_INTEGER_SHOWN = HUGE_INTEGER[:37] + "..."


def test_nan_infinity_and_numbers_aws_cannot_read_fail_their_lines(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    ok = json.dumps(defined("ok-1", Metrics={"visits": 1.5}, Location={"Latitude": -12.25}))

    def head(endpoint_id: str) -> str:
        return json.dumps(defined(endpoint_id))[:-1]  # the line without its closing brace

    lines = [
        ok,
        head("nan-1") + ', "Metrics": {"score": NaN}}',
        head("inf-1") + ', "Location": {"Latitude": Infinity}}',
        head("inf-2") + ', "Metrics": {"score": -Infinity}}',
        head("big-1") + ', "Metrics": {"score": 1e999999}}',
        head("long-1") + ', "Metrics": {"score": ' + "7" * 100_000 + "}}",
        head("long-2") + ', "Metrics": {"score": 0.' + "5" * 1_000 + "}}",
        head("huge-1") + ', "Metrics": {"score": ' + HUGE_INTEGER + "}}",
        head("huge-2") + ', "Location": {"Longitude": -' + HUGE_INTEGER + "}}",
        head("text-1") + ', "Attributes": {"note": ["NaN", "Infinity", "1e999999"]}}',
    ]

    job = import_lines(m, pinpoint, app_id, *lines)

    assert (job["JobStatus"], counters(job)) == ("COMPLETED", (1, 1, 0, 10, 8))
    not_json = "The line is not valid JSON: "
    assert job["Failures"] == [
        f"{JSON_URL} line 2: {not_json}{NAN_TOKEN.format('NaN')}.",
        f"{JSON_URL} line 3: {not_json}{NAN_TOKEN.format('Infinity')}.",
        f"{JSON_URL} line 4: {not_json}{NAN_TOKEN.format('-Infinity')}.",
        f"{JSON_URL} line 5: {not_json}the number 1e999999 is too large for a double.",
        f"{JSON_URL} line 6: {not_json}the number {'7' * 24}...{'7' * 13} is 100000 characters "
        "long; at most 1000 are read.",
        f"{JSON_URL} line 7: {not_json}the number 0.{'5' * 22}...{'5' * 13} is 1002 characters "
        "long; at most 1000 are read.",
        f"{JSON_URL} line 8: Metrics.score {HUGE_INTEGER_SHOWN} is not a number.",
        f"{JSON_URL} line 9: Location.Longitude -{HUGE_INTEGER_SHOWN[:-4]}... is not a number "
        "from -180 to 180.",
    ]
    assert stored(pinpoint, app_id, "ok-1")["Metrics"] == {"visits": 1.5}
    assert stored(pinpoint, app_id, "text-1")["Attributes"] == {
        "note": ["NaN", "Infinity", "1e999999"]
    }


def test_a_file_of_only_nan_lines_is_no_json(m: Any, pinpoint: Any, app_id: str) -> None:
    """As for any line that is not JSON: with no JSON line at all, the file fails."""
    head = json.dumps(defined("nan-1"))[:-1]
    job = import_lines(m, pinpoint, app_id, head + ', "Metrics": {"score": NaN}}')

    assert (job["JobStatus"], counters(job)) == ("FAILED", (1, 0, 1, 0, 0))
    assert job["Failures"] == [
        f"{JSON_URL}: No line of the file is JSON; a JSON import file has one endpoint "
        "definition (a JSON object) per line."
    ]


def test_update_endpoint_with_an_integer_beyond_a_double_is_refused(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    """The API path shares the record rules: a raw body (another SDK, a hand-made request)
    with a 400-digit metric is a BadRequestException, not a crash."""
    client = session_client()
    rewrite_body(client, lambda body: body.replace(b"1.5", HUGE_INTEGER.encode()))
    with pytest.raises(client.exceptions.BadRequestException) as raised:
        client.update_endpoint(
            ApplicationId=app_id,
            EndpointId="huge-1",
            EndpointRequest={
                "Address": "huge@example.com",
                "ChannelType": "EMAIL",
                "Metrics": {"score": 1.5},
            },
        )
    assert error_of(raised.value) == (
        "BadRequestException",
        f"Metrics.score {HUGE_INTEGER_SHOWN} is not a number.",
        400,
    )


# -- numbers in CSV files ------------------------------------------------------------------


def test_csv_number_cells_are_decimal_numbers(m: Any, pinpoint: Any, app_id: str) -> None:
    header = ["Id", "Address", "ChannelType", "Metrics.score", "Location.Latitude"]
    refused = ["nan", "inf", "-Infinity", "1e999999", "1_000", "0x10", "1" * 2_000, "12 dozen"]
    accepted = {"12": 12.0, "-.5": -0.5, "1e3": 1000.0, "+7": 7.0, " 8 ": 8.0, "3.": 3.0}
    rows = [
        [f"bad-{n}", f"bad-{n}@example.com", "EMAIL", cell, ""] for n, cell in enumerate(refused)
    ]
    rows.append(["lat-1", "lat@example.com", "EMAIL", "", "NaN"])
    rows += [[f"ok-{n}", f"ok-{n}@example.com", "SMS", cell, ""] for n, cell in enumerate(accepted)]

    job = run_import(m, pinpoint, app_id, csv_text(header, *rows))

    assert (job["JobStatus"], counters(job)) == ("COMPLETED", (1, 1, 0, 15, 9))
    shown = {cell: repr(cell if len(cell) <= 40 else cell[:37] + "...") for cell in refused}
    assert job["Failures"] == [
        *(
            f"{CSV_URL} line {line}: Metrics.score {shown[cell]} is not a number."
            for line, cell in enumerate(refused, start=2)
        ),
        f"{CSV_URL} line 10: Location.Latitude 'NaN' is not a number.",
    ]
    for n, value in enumerate(accepted.values()):
        assert stored(pinpoint, app_id, f"ok-{n}")["Metrics"] == {"score": value}


# -- text --------------------------------------------------------------------------------


def test_a_lone_surrogate_escape_fails_its_line(m: Any, pinpoint: Any, app_id: str) -> None:
    """``\\ud800`` alone is no character: nothing could store or send it as UTF-8. A pair
    (an emoji written as two escapes) is one character, and is data."""
    job = import_lines(
        m,
        pinpoint,
        app_id,
        defined("\ud800lone"),
        defined("user-1", User={"UserId": "u\udfffx"}),
        defined("pair-1", Attributes={"mood": ["\U0001f600"]}),
    )

    assert (job["JobStatus"], counters(job)) == ("COMPLETED", (1, 1, 0, 3, 2))
    assert job["Failures"] == [
        f"{JSON_URL} line 1: The line is not valid JSON: the text at 'Id' holds a lone "
        "surrogate (\\ud800), which is not Unicode text.",
        f"{JSON_URL} line 2: The line is not valid JSON: the text at 'User.UserId' holds a "
        "lone surrogate (\\udfff), which is not Unicode text.",
    ]
    assert stored(pinpoint, app_id, "pair-1")["Attributes"] == {"mood": ["\U0001f600"]}


def test_not_utf8_after_a_byte_order_mark_names_the_real_offset(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    body = b"\xef\xbb\xbfId,Address,ChannelType\nb1,b\xff@example.com,EMAIL\n"
    job = run_import(m, pinpoint, app_id, body)

    offset = body.index(b"\xff")
    assert (job["JobStatus"], counters(job)) == ("FAILED", (1, 0, 1, 0, 0))
    assert job["Failures"] == [
        f"{CSV_URL}: The file is not UTF-8: byte 0xff at offset {offset} is not valid UTF-8."
    ]


# -- reading as records are judged -------------------------------------------------------


def test_a_file_broken_after_readable_rows_counts_and_teaches_none_of_them(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    """Records are judged as they are read; a file whose quoting breaks on its last line
    still counts none of its rows, and the files after it are judged without them (here a
    row updating an id only the broken file defined needs its Address)."""
    broken = csv_text(BASIC, ["late-1", "late@example.com", "EMAIL"]) + 'late-2,"never closed\r\n'
    m.put_object(BUCKET, "batch/a-broken.csv", broken)
    m.put_object(BUCKET, "batch/b-good.csv", csv_text(["Id", "OptOut"], ["late-1", "ALL"]))
    started = pinpoint.create_import_job(
        ApplicationId=app_id,
        ImportJobRequest={
            "Format": "CSV",
            "S3Url": f"s3://{BUCKET}/batch/",
            "RoleArn": ROLE,
            "RegisterEndpoints": True,
        },
    )["ImportJobResponse"]
    m.settle()
    job = pinpoint.get_import_job(ApplicationId=app_id, JobId=started["Id"])["ImportJobResponse"]

    assert (job["JobStatus"], counters(job)) == ("FAILED", (2, 1, 1, 1, 1))
    assert job["Failures"] == [
        f"s3://{BUCKET}/batch/a-broken.csv: The file is not valid CSV at line 3: unexpected "
        "end of data.",
        f"s3://{BUCKET}/batch/b-good.csv line 2: Missing Address: a new endpoint needs an Address.",
    ]

"""Endpoint import files: CSV and JSON-lines formats, the record rules, and whole-file failures.

Every test seeds an object with ``m.put_object``, starts CreateImportJob through boto3, lets
the job settle and reads the job and the endpoints back through boto3.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from typing import Any

import pytest

from .conftest import (
    BUCKET,
    HEX32,
    counters,
    csv_text,
    endpoint,
    error_of,
    get_job,
    run_import,
    start,
)

CSV_URL = f"s3://{BUCKET}/endpoints.csv"
JSON_URL = f"s3://{BUCKET}/endpoints.json"
DATE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
BASIC = ["Id", "Address", "ChannelType"]


def import_json(m: Any, pinpoint: Any, app_id: str, *lines: Any, **extra: Any) -> dict[str, Any]:
    """Import JSON lines (dicts are dumped, strings used as they are) from endpoints.json."""
    body = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    return run_import(
        m, pinpoint, app_id, body + "\n", key="endpoints.json", file_format="JSON", **extra
    )


def missing(pinpoint: Any, app_id: str, endpoint_id: str) -> str:
    """The message of GetEndpoint's NotFoundException for an id that must not exist."""
    with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
        endpoint(pinpoint, app_id, endpoint_id)
    code, message, status = error_of(caught.value)
    assert (code, status) == ("NotFoundException", 404)
    return message


def without_stamps(stored: dict[str, Any]) -> dict[str, Any]:
    """An endpoint minus the values the mock chooses (checked for shape here)."""
    rest = dict(stored)
    cohort = rest.pop("CohortId")
    assert cohort in {str(n) for n in range(100)}
    assert re.fullmatch(DATE, rest.pop("CreationDate"))
    return rest


# -- CSV ---------------------------------------------------------------------------------


def test_csv_dotted_headers_fill_every_endpoint_field(m: Any, pinpoint: Any, app_id: str) -> None:
    columns = {
        "Id": "phone-1",
        "Address": "+14255550100",
        "ChannelType": "SMS",
        "OptOut": "ALL",
        "EffectiveDate": "2024-05-01T12:00:00.000Z",
        "Demographic.AppVersion": "1.2.0",
        "Demographic.Locale": "en_US",
        "Demographic.Make": "Apple",
        "Demographic.Model": "iPhone",
        "Demographic.ModelVersion": "15",
        "Demographic.Platform": "ios",
        "Demographic.PlatformVersion": "17.4",
        "Demographic.Timezone": "America/Los_Angeles",
        "Location.City": "Seattle",
        "Location.Country": "US",
        "Location.PostalCode": "98101",
        "Location.Region": "WA",
        "Location.Latitude": "47.6062",
        "Location.Longitude": "-122.3321",
        "Attributes.interests": "hiking",
        "Metrics.visits": "12",
        "User.UserId": "user-1",
        "User.UserAttributes.tier": "gold",
    }
    job = run_import(m, pinpoint, app_id, csv_text(list(columns), list(columns.values())))

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 1, 0)
    assert "Failures" not in job
    assert without_stamps(endpoint(pinpoint, app_id, "phone-1")) == {
        "Id": "phone-1",
        "ApplicationId": app_id,
        "Address": "+14255550100",
        "ChannelType": "SMS",
        "OptOut": "ALL",
        "EffectiveDate": "2024-05-01T12:00:00.000Z",
        "EndpointStatus": "ACTIVE",
        "Demographic": {
            "AppVersion": "1.2.0",
            "Locale": "en_US",
            "Make": "Apple",
            "Model": "iPhone",
            "ModelVersion": "15",
            "Platform": "ios",
            "PlatformVersion": "17.4",
            "Timezone": "America/Los_Angeles",
        },
        "Location": {
            "City": "Seattle",
            "Country": "US",
            "PostalCode": "98101",
            "Region": "WA",
            "Latitude": 47.6062,
            "Longitude": -122.3321,
        },
        "Attributes": {"interests": ["hiking"]},
        "Metrics": {"visits": 12.0},
        "User": {"UserId": "user-1", "UserAttributes": {"tier": ["gold"]}},
    }


def test_csv_endpoint_defaults_and_import_stamps(m: Any, pinpoint: Any, app_id: str) -> None:
    run_import(m, pinpoint, app_id, csv_text(BASIC, ["plain-1", "plain@example.com", "EMAIL"]))

    stored = endpoint(pinpoint, app_id, "plain-1")
    assert stored["OptOut"] == "NONE"
    assert stored["EndpointStatus"] == "ACTIVE"
    assert stored["ApplicationId"] == app_id
    assert re.fullmatch(DATE, stored["CreationDate"])
    # Without an EffectiveDate column the import's completion time is used for both.
    assert stored["EffectiveDate"] == stored["CreationDate"]
    assert set(stored) == {
        "Id",
        "Address",
        "ChannelType",
        "OptOut",
        "EndpointStatus",
        "ApplicationId",
        "CohortId",
        "CreationDate",
        "EffectiveDate",
        "Attributes",
        "User",
    }
    # Present though empty, as AWS answers them (the CLI's get-endpoint example).
    assert (stored["Attributes"], stored["User"]) == ({}, {})


def test_csv_rfc4180_quoting_keeps_commas_quotes_and_newlines(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    header = [*BASIC, "Attributes.note"]
    body = csv_text(
        header,
        ["quoted-1", '"Smith, Jane" <jane@example.com>', "EMAIL", "first line\nsecond line"],
        ["quoted-2", "", "EMAIL", ""],
    )
    assert '"""Smith, Jane"" <jane@example.com>"' in body  # really quoted on disk

    job = run_import(m, pinpoint, app_id, body)

    stored = endpoint(pinpoint, app_id, "quoted-1")
    assert stored["Address"] == '"Smith, Jane" <jane@example.com>'
    assert stored["Attributes"] == {"note": ["first line\nsecond line"]}
    # The quoted newline spans lines 2-3, so the next row is line 4.
    assert counters(job) == (1, 1, 0, 2, 1)
    assert job["Failures"] == [
        f"{CSV_URL} line 4: Missing Address: a new endpoint needs an Address."
    ]


def test_csv_unicode_line_separators_stay_inside_a_cell(m: Any, pinpoint: Any, app_id: str) -> None:
    # Only \r and \n end CSV lines; U+2028, U+2029 and U+0085 are ordinary characters.
    note = "a\u2028b\u2029c\x85d"
    body = csv_text([*BASIC, "Attributes.note"], ["sep-1", "sep@example.com", "EMAIL", note])

    job = run_import(m, pinpoint, app_id, body)

    assert counters(job) == (1, 1, 0, 1, 0)
    assert endpoint(pinpoint, app_id, "sep-1")["Attributes"] == {"note": [note]}


def test_csv_repeated_attribute_columns_give_several_values(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    header = [
        *BASIC,
        "Attributes.color",
        "Attributes.color",
        "Attributes.color",
        "User.UserId",
        "User.UserAttributes.team",
        "User.UserAttributes.team",
    ]
    row = ["multi-1", "multi@example.com", "EMAIL", "red", "", "blue", "user-m", "a", "b"]
    job = run_import(m, pinpoint, app_id, csv_text(header, row))

    assert job["JobStatus"] == "COMPLETED"
    stored = endpoint(pinpoint, app_id, "multi-1")
    assert stored["Attributes"] == {"color": ["red", "blue"]}  # the empty cell is skipped
    assert stored["User"] == {"UserId": "user-m", "UserAttributes": {"team": ["a", "b"]}}


def test_csv_crlf_line_endings(m: Any, pinpoint: Any, app_id: str) -> None:
    header = [*BASIC, "Attributes.note"]
    rows = [["crlf-1", "one@example.com", "EMAIL", "two\r\nlines"], ["crlf-2", "", "EMAIL", ""]]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])

    job = run_import(m, pinpoint, app_id, out.getvalue())

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 2, 1)
    assert job["Failures"] == [
        f"{CSV_URL} line 4: Missing Address: a new endpoint needs an Address."
    ]
    assert endpoint(pinpoint, app_id, "crlf-1")["Attributes"] == {"note": ["two\r\nlines"]}


def test_csv_utf8_bom_is_accepted(m: Any, pinpoint: Any, app_id: str) -> None:
    body = "\ufeff" + csv_text(BASIC, ["bom-1", "bom@example.com", "EMAIL"])
    assert body.encode()[:3] == b"\xef\xbb\xbf"

    job = run_import(m, pinpoint, app_id, body)

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 1, 0)
    assert endpoint(pinpoint, app_id, "bom-1")["Address"] == "bom@example.com"


def test_csv_blank_lines_are_skipped_and_not_counted(m: Any, pinpoint: Any, app_id: str) -> None:
    body = (
        "Id,Address,ChannelType\n"
        "\n"
        "blank-1,one@example.com,EMAIL\n"
        "\n"
        "\n"
        "blank-2,two@example.com,EMAIL\n"
        "blank-3,,EMAIL\n"
        "\n"
    )
    job = run_import(m, pinpoint, app_id, body)

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 3, 1)
    # Line numbers still count the blank lines.
    assert job["Failures"] == [
        f"{CSV_URL} line 7: Missing Address: a new endpoint needs an Address."
    ]
    assert endpoint(pinpoint, app_id, "blank-1")["Address"] == "one@example.com"
    assert endpoint(pinpoint, app_id, "blank-2")["Address"] == "two@example.com"


def test_csv_row_without_id_gets_a_generated_hex_id(m: Any, pinpoint: Any, app_id: str) -> None:
    body = csv_text(
        ["Address", "ChannelType", "User.UserId"], ["anon@example.com", "EMAIL", "anon"]
    )
    job = run_import(m, pinpoint, app_id, body)

    assert counters(job) == (1, 1, 0, 1, 0)
    items = pinpoint.get_user_endpoints(ApplicationId=app_id, UserId="anon")["EndpointsResponse"][
        "Item"
    ]
    assert len(items) == 1
    generated = items[0]["Id"]
    assert re.fullmatch(HEX32, generated)
    assert endpoint(pinpoint, app_id, generated)["Address"] == "anon@example.com"


# -- JSON lines --------------------------------------------------------------------------


def test_json_lines_nested_definitions(m: Any, pinpoint: Any, app_id: str) -> None:
    record = {
        "Id": "json-1",
        "Address": "device-token-1",
        "ChannelType": "GCM",
        "OptOut": "NONE",
        "EndpointStatus": "INACTIVE",
        "Demographic": {"Platform": "android", "Locale": "fr_FR"},
        "Location": {"City": "Paris", "Country": "FR", "Latitude": 48.8566, "Longitude": 2.3522},
        "Attributes": {"interests": ["music", "art"]},
        "Metrics": {"visits": 7, "spend": 12.5},
        "User": {"UserId": "user-j", "UserAttributes": {"plan": ["pro"]}},
    }
    second = {"Id": "json-2", "Address": "two@example.com", "ChannelType": "EMAIL"}
    job = import_json(m, pinpoint, app_id, record, "", "   ", second)

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 2, 0)  # blank lines are not records
    stored = without_stamps(endpoint(pinpoint, app_id, "json-1"))
    assert re.fullmatch(DATE, stored.pop("EffectiveDate"))
    assert stored == {**record, "ApplicationId": app_id, "Metrics": {"visits": 7.0, "spend": 12.5}}
    assert endpoint(pinpoint, app_id, "json-2")["ChannelType"] == "EMAIL"


def test_json_line_that_is_not_json_or_not_an_object_fails_alone(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    job = import_json(
        m,
        pinpoint,
        app_id,
        {"Id": "good-1", "Address": "one@example.com", "ChannelType": "EMAIL"},
        "{not json",
        '["a", "list"]',
        {"Id": "good-4", "Address": "four@example.com", "ChannelType": "EMAIL"},
    )

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 4, 2)
    not_json, not_object = job["Failures"]
    assert not_json.startswith(f"{JSON_URL} line 2: The line is not valid JSON")
    assert not_object == (
        f"{JSON_URL} line 3: The line is not a JSON object; each line must be one endpoint "
        "definition."
    )
    assert endpoint(pinpoint, app_id, "good-1")["Address"] == "one@example.com"
    assert endpoint(pinpoint, app_id, "good-4")["Address"] == "four@example.com"


def test_json_file_without_any_json_line_fails_as_a_piece(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    job = import_json(m, pinpoint, app_id, "Id,Address,ChannelType", "a,b@example.com,EMAIL")

    assert job["JobStatus"] == "FAILED"
    assert counters(job) == (1, 0, 1, 0, 0)
    assert job["Failures"] == [
        f"{JSON_URL}: No line of the file is JSON; a JSON import file has one endpoint "
        "definition (a JSON object) per line."
    ]


def test_json_line_splitting_is_only_on_newlines(m: Any, pinpoint: Any, app_id: str) -> None:
    record = {
        "Id": "sep-1",
        "Address": "sep@example.com",
        "ChannelType": "EMAIL",
        "Attributes": {"note": ["before\u2028after"]},
    }
    body = json.dumps(record, ensure_ascii=False) + "\n"
    assert body.count("\n") == 1

    job = run_import(m, pinpoint, app_id, body, key="endpoints.json", file_format="JSON")

    assert counters(job) == (1, 1, 0, 1, 0)
    assert endpoint(pinpoint, app_id, "sep-1")["Attributes"] == {"note": ["before\u2028after"]}


# -- record rules ------------------------------------------------------------------------

CHANNELS = "<channels>"  # replaced by the model's ChannelType values
LONG_NAME = "n" * 51
LONG_VALUE = "x" * 101

CSV_RULES = [
    pytest.param(
        BASIC,
        ["bad-1", "", "EMAIL"],
        "Missing Address: a new endpoint needs an Address.",
        id="missing-address",
    ),
    pytest.param(
        BASIC,
        ["bad-1", "bad@example.com", ""],
        "Missing ChannelType: a new endpoint needs a ChannelType.",
        id="missing-channel-type",
    ),
    pytest.param(
        BASIC,
        ["bad-1", "bad@example.com", "PIGEON"],
        f"ChannelType 'PIGEON' is not one of: {CHANNELS}.",
        id="bad-channel-type",
    ),
    pytest.param(
        [*BASIC, "OptOut"],
        ["bad-1", "bad@example.com", "EMAIL", "MAYBE"],
        "OptOut 'MAYBE' is not ALL or NONE.",
        id="opt-out",
    ),
    pytest.param(
        [*BASIC, "EndpointStatus"],
        ["bad-1", "bad@example.com", "EMAIL", "GONE"],
        "EndpointStatus 'GONE' is not ACTIVE or INACTIVE.",
        id="endpoint-status",
    ),
    pytest.param(
        [*BASIC, "EffectiveDate"],
        ["bad-1", "bad@example.com", "EMAIL", "next tuesday"],
        "EffectiveDate 'next tuesday' is not an ISO 8601 date.",
        id="effective-date",
    ),
    pytest.param(
        [*BASIC, f"Attributes.{LONG_NAME}"],
        ["bad-1", "bad@example.com", "EMAIL", "v"],
        f"The Attributes name '{LONG_NAME}' is longer than 50 characters.",
        id="attribute-name-length",
    ),
    pytest.param(
        [*BASIC, "Attributes.note"],
        ["bad-1", "bad@example.com", "EMAIL", LONG_VALUE],
        f"The Attributes.note value '{'x' * 20}...' is longer than 100 characters.",
        id="attribute-value-length",
    ),
    pytest.param(
        [*BASIC, *["Attributes.tag"] * 51],
        ["bad-1", "bad@example.com", "EMAIL", *[f"t{n}" for n in range(51)]],
        "Attributes.tag has 51 values; at most 50 are allowed.",
        id="attribute-value-count",
    ),
    pytest.param(
        [*BASIC, "Metrics.visits"],
        ["bad-1", "bad@example.com", "EMAIL", "lots"],
        "Metrics.visits 'lots' is not a number.",
        id="metric-not-numeric",
    ),
    pytest.param(
        [*BASIC, "Location.Latitude"],
        ["bad-1", "bad@example.com", "EMAIL", "91"],
        "Location.Latitude 91.0 is not a number from -90 to 90.",
        id="latitude-range",
    ),
    pytest.param(
        BASIC,
        ["bad$1", "bad@example.com", "EMAIL"],
        "The endpoint ID 'bad$1' is not valid: it can't contain $, { or }.",
        id="dollar-in-id",
    ),
    pytest.param(
        BASIC,
        ["bad-1", "bad@example.com"],
        "The row has 2 values but the header has 3 columns.",
        id="row-width",
    ),
]


@pytest.mark.parametrize(("header", "bad_row", "message"), CSV_RULES)
def test_csv_record_rule_fails_only_that_row(
    m: Any, pinpoint: Any, app_id: str, header: list[str], bad_row: list[str], message: str
) -> None:
    padding = [""] * (len(header) - 3)
    body = csv_text(
        header,
        ["ok-1", "ok1@example.com", "EMAIL", *padding],
        bad_row,
        ["ok-3", "ok3@example.com", "EMAIL", *padding],
    )
    channels = ", ".join(pinpoint.meta.service_model.shape_for("ChannelType").enum)

    job = run_import(m, pinpoint, app_id, body)

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 3, 1)
    assert job["Failures"] == [f"{CSV_URL} line 3: {message.replace(CHANNELS, channels)}"]
    assert endpoint(pinpoint, app_id, "ok-1")["Address"] == "ok1@example.com"
    assert endpoint(pinpoint, app_id, "ok-3")["Address"] == "ok3@example.com"
    assert missing(pinpoint, app_id, "bad-1") == "Endpoint not found: bad-1"


def _bad(**fields: Any) -> dict[str, Any]:
    return {"Id": "bad-1", "Address": "bad@example.com", "ChannelType": "EMAIL", **fields}


JSON_RULES = [
    pytest.param(
        _bad(Nickname="Bob"), "'Nickname' is not an endpoint attribute.", id="unknown-key"
    ),
    pytest.param(
        _bad(Demographic={"ShoeSize": "42"}),
        "'Demographic.ShoeSize' is not an endpoint attribute.",
        id="unknown-nested-key",
    ),
    pytest.param(
        _bad(User={"UserId": "u", "Nickname": "Bob"}),
        "'User.Nickname' is not an endpoint attribute.",
        id="unknown-user-key",
    ),
    pytest.param(
        _bad(Metrics={"visits": "lots"}), "Metrics.visits 'lots' is not a number.", id="metric"
    ),
    pytest.param(
        _bad(Location={"Longitude": -181.5}),
        "Location.Longitude -181.5 is not a number from -180 to 180.",
        id="longitude-range",
    ),
    pytest.param(
        _bad(Attributes={"color": "red"}),
        "Attributes.color must be a list of strings.",
        id="attribute-not-a-list",
    ),
    pytest.param(
        _bad(User={"UserAttributes": {"tier": ["y" * 101]}}),
        f"The User.UserAttributes.tier value '{'y' * 20}...' is longer than 100 characters.",
        id="user-attribute-value-length",
    ),
    pytest.param(_bad(OptOut=True), "OptOut must be a string.", id="not-a-string"),
]


@pytest.mark.parametrize(("bad_record", "message"), JSON_RULES)
def test_json_record_rule_fails_only_that_line(
    m: Any, pinpoint: Any, app_id: str, bad_record: dict[str, Any], message: str
) -> None:
    job = import_json(
        m,
        pinpoint,
        app_id,
        {"Id": "ok-1", "Address": "ok1@example.com", "ChannelType": "EMAIL"},
        bad_record,
        {"Id": "ok-3", "Address": "ok3@example.com", "ChannelType": "EMAIL"},
    )

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 3, 1)
    assert job["Failures"] == [f"{JSON_URL} line 2: {message}"]
    assert endpoint(pinpoint, app_id, "ok-3")["Address"] == "ok3@example.com"
    assert missing(pinpoint, app_id, "bad-1") == "Endpoint not found: bad-1"


def test_json_record_over_15_kb_fails(m: Any, pinpoint: Any, app_id: str) -> None:
    # Each attribute is within the limits (50 values of 100 characters); together > 15 KB.
    attributes = {f"a{n}": [f"{n}" * 100] * 50 for n in range(4)}
    big = json.dumps(_bad(Attributes=attributes))
    size = len(big.encode())
    assert size > 15 * 1024

    job = import_json(
        m,
        pinpoint,
        app_id,
        big,
        {"Id": "ok-2", "Address": "ok2@example.com", "ChannelType": "EMAIL"},
    )

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 2, 1)
    assert job["Failures"] == [
        f"{JSON_URL} line 1: The endpoint definition is {size} bytes; at most 15360 are allowed."
    ]
    assert endpoint(pinpoint, app_id, "ok-2")["Address"] == "ok2@example.com"
    assert missing(pinpoint, app_id, "bad-1") == "Endpoint not found: bad-1"


def test_csv_record_over_15_kb_fails(m: Any, pinpoint: Any, app_id: str) -> None:
    header = [*BASIC, *[f"Attributes.a{n}" for n in range(4) for _ in range(50)]]
    big = [
        "bad-1",
        "bad@example.com",
        "EMAIL",
        *[str(n) * 100 for n in range(4) for _ in range(50)],
    ]
    job = run_import(m, pinpoint, app_id, csv_text(header, big))

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 1, 1)
    (failure,) = job["Failures"]
    found = re.fullmatch(
        rf"{CSV_URL} line 2: The endpoint definition is (\d+) bytes; at most 15360 are allowed\.",
        failure,
    )
    assert found is not None and int(found[1]) > 20_000
    assert missing(pinpoint, app_id, "bad-1") == "Endpoint not found: bad-1"


def test_csv_record_size_counts_utf8_bytes(m: Any, pinpoint: Any, app_id: str) -> None:
    header = [*BASIC, *["Attributes.a"] * 50, *["Attributes.b"] * 50]
    row = ["wide-1", "wide@example.com", "EMAIL", *["€" * 100] * 100]
    assert len(",".join(row).encode()) > 30_000

    job = run_import(m, pinpoint, app_id, csv_text(header, row))

    assert counters(job) == (1, 1, 0, 1, 1)
    assert missing(pinpoint, app_id, "wide-1") == "Endpoint not found: wide-1"


# -- app-level limits --------------------------------------------------------------------


def _attribute_limit_file() -> str:
    """250 custom names in rows 2-3, a 251st name in row 4, an already used name in row 5."""
    attributes = [f"Attributes.a{n:03d}" for n in range(200)]
    metrics = [f"Metrics.m{n:02d}" for n in range(50)]
    header = [*BASIC, *attributes, *metrics, "User.UserAttributes.extra"]
    blank_attributes, blank_metrics = [""] * 200, [""] * 50
    return csv_text(
        header,
        ["attrs-1", "one@example.com", "EMAIL", *["v"] * 200, *blank_metrics, ""],
        ["attrs-2", "two@example.com", "EMAIL", *blank_attributes, *["1"] * 50, ""],
        ["attrs-3", "three@example.com", "EMAIL", *blank_attributes, *blank_metrics, "x"],
        ["attrs-4", "four@example.com", "EMAIL", "w", *blank_attributes[1:], *blank_metrics, ""],
    )


def test_more_than_250_custom_attribute_names_fails_the_record_that_exceeds(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    job = run_import(m, pinpoint, app_id, _attribute_limit_file())

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 4, 1)
    assert job["Failures"] == [
        f"{CSV_URL} line 4: The endpoint would bring the app to 251 custom attributes; "
        "at most 250 are allowed."
    ]
    assert len(endpoint(pinpoint, app_id, "attrs-1")["Attributes"]) == 200
    assert len(endpoint(pinpoint, app_id, "attrs-2")["Metrics"]) == 50
    assert endpoint(pinpoint, app_id, "attrs-4")["Attributes"] == {"a000": ["w"]}
    assert missing(pinpoint, app_id, "attrs-3") == "Endpoint not found: attrs-3"


def test_custom_attribute_limit_counts_names_already_in_the_app(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    header = [*BASIC, *[f"Attributes.a{n:03d}" for n in range(250)]]
    first = run_import(
        m, pinpoint, app_id, csv_text(header, ["full-1", "full@example.com", "EMAIL", *["v"] * 250])
    )
    assert counters(first) == (1, 1, 0, 1, 0)

    second = run_import(
        m,
        pinpoint,
        app_id,
        csv_text([*BASIC, "Metrics.new"], ["more-1", "more@example.com", "EMAIL", "1"]),
        key="more.csv",
    )

    assert second["JobStatus"] == "COMPLETED"
    assert second["Failures"] == [
        f"s3://{BUCKET}/more.csv line 2: The endpoint would bring the app to 251 custom "
        "attributes; at most 250 are allowed."
    ]


def _user_file(count: int) -> str:
    return csv_text(
        [*BASIC, "User.UserId"],
        *[
            [f"dev-{n:02d}", f"dev{n}@example.com", "EMAIL", "busy-user"]
            for n in range(1, count + 1)
        ],
    )


def test_sixteenth_endpoint_of_one_user_fails(m: Any, pinpoint: Any, app_id: str) -> None:
    job = run_import(m, pinpoint, app_id, _user_file(16))

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 16, 1)
    assert job["Failures"] == [
        f"{CSV_URL} line 17: User 'busy-user' already has 15 endpoints, the most one user can have."
    ]
    items = pinpoint.get_user_endpoints(ApplicationId=app_id, UserId="busy-user")[
        "EndpointsResponse"
    ]["Item"]
    assert sorted(item["Id"] for item in items) == [f"dev-{n:02d}" for n in range(1, 16)]
    assert missing(pinpoint, app_id, "dev-16") == "Endpoint not found: dev-16"


def test_user_limit_counts_endpoints_already_in_the_app(m: Any, pinpoint: Any, app_id: str) -> None:
    run_import(m, pinpoint, app_id, _user_file(15))
    body = csv_text(
        [*BASIC, "User.UserId"],
        ["dev-03", "", "", "busy-user"],  # an update of one of the 15: allowed
        ["dev-99", "dev99@example.com", "EMAIL", "busy-user"],
    )

    job = run_import(m, pinpoint, app_id, body, key="more.csv")

    assert counters(job) == (1, 1, 0, 2, 1)
    assert job["Failures"] == [
        f"s3://{BUCKET}/more.csv line 3: User 'busy-user' already has 15 endpoints, the most "
        "one user can have."
    ]


def test_app_limits_do_not_apply_without_register_endpoints(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    attributes = run_import(m, pinpoint, app_id, _attribute_limit_file(), register=False)
    users = run_import(m, pinpoint, app_id, _user_file(16), key="users.csv", register=False)

    assert attributes["JobStatus"] == "COMPLETED"
    assert counters(attributes) == (1, 1, 0, 4, 0)
    assert "Failures" not in attributes
    assert users["JobStatus"] == "COMPLETED"
    assert counters(users) == (1, 1, 0, 16, 0)
    assert "Failures" not in users


# -- updates -----------------------------------------------------------------------------


def test_row_naming_an_existing_endpoint_updates_and_merges_it(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    header = [*BASIC, "Attributes.color", "Attributes.size", "Metrics.visits"]
    run_import(
        m,
        pinpoint,
        app_id,
        csv_text(header, ["Shopper-1", "shop@example.com", "EMAIL", "red", "M", "3"]),
    )
    before = endpoint(pinpoint, app_id, "Shopper-1")

    job = run_import(
        m,
        pinpoint,
        app_id,
        csv_text(["Id", "Attributes.color", "Attributes.color"], ["SHOPPER-1", "blue", "green"]),
        key="update.csv",
    )

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 1, 0)  # no Address or ChannelType needed
    after = endpoint(pinpoint, app_id, "shopper-1")
    assert after["Id"] == "Shopper-1"
    assert after["Address"] == "shop@example.com"
    assert after["ChannelType"] == "EMAIL"
    assert after["Attributes"] == {"color": ["blue", "green"], "size": ["M"]}
    assert after["Metrics"] == {"visits": 3.0}
    assert after["CreationDate"] == before["CreationDate"]
    assert after["CohortId"] == before["CohortId"]


def test_update_through_import_resets_endpoint_status_to_active(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    # Pinpoint documents that updating an endpoint sets EndpointStatus to ACTIVE.
    header = [*BASIC, "EndpointStatus", "OptOut"]
    run_import(
        m,
        pinpoint,
        app_id,
        csv_text(header, ["idle-1", "idle@example.com", "EMAIL", "INACTIVE", ""]),
    )
    assert endpoint(pinpoint, app_id, "idle-1")["EndpointStatus"] == "INACTIVE"

    run_import(m, pinpoint, app_id, csv_text(["Id", "OptOut"], ["idle-1", "ALL"]), key="u.csv")

    stored = endpoint(pinpoint, app_id, "idle-1")
    assert (stored["EndpointStatus"], stored["OptOut"]) == ("ACTIVE", "ALL")


def test_same_id_twice_in_one_file_merges_in_order(m: Any, pinpoint: Any, app_id: str) -> None:
    header = [*BASIC, "Attributes.color", "Attributes.size"]
    body = csv_text(
        header,
        ["dup-1", "first@example.com", "EMAIL", "red", "S"],
        ["DUP-1", "second@example.com", "", "", "L"],
    )

    job = run_import(m, pinpoint, app_id, body)

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 2, 0)
    stored = endpoint(pinpoint, app_id, "dup-1")
    assert stored["Id"] == "dup-1"
    assert stored["Address"] == "second@example.com"
    assert stored["ChannelType"] == "EMAIL"
    assert stored["Attributes"] == {"color": ["red"], "size": ["L"]}


# -- whole-file failures -----------------------------------------------------------------

PIECE_FAILURES = [
    pytest.param(
        b"\xffId,Address,ChannelType\n",
        "The file is not UTF-8: byte 0xff at offset 0 is not valid UTF-8.",
        id="not-utf8",
    ),
    pytest.param(
        b"Id,Address,ChannelType\nok,caf\xe9@example.com,EMAIL\n",
        "The file is not UTF-8: byte 0xe9 at offset 29 is not valid UTF-8.",
        id="latin1",
    ),
    pytest.param(
        gzip.compress(b"Id,Address,ChannelType\nzip-1,zip@example.com,EMAIL\n"),
        "The file is compressed (gzip); import files must be uncompressed.",
        id="gzip",
    ),
    pytest.param(
        b"Id,Address,Nickname\nnick-1,nick@example.com,Nick\n",
        "Column 3 of the header row, 'Nickname', is not an endpoint attribute.",
        id="unknown-column",
    ),
    pytest.param(
        b"Id,Address,ChannelType,Address\ntwo-1,a@example.com,EMAIL,b@example.com\n",
        "The header row names 'Address' twice; only Attributes.<name> and "
        "User.UserAttributes.<name> columns may repeat.",
        id="duplicated-column",
    ),
    pytest.param(b"", "The file is empty; a CSV file starts with a header row.", id="empty"),
    pytest.param(
        b'Id,Address,ChannelType\nopen-1,"open@example.com,EMAIL\n',
        "The file is not valid CSV at line 2: unexpected end of data.",
        id="unterminated-quote",
    ),
    pytest.param(
        b'Id,Address,ChannelType\nopen-1,"open@example.com,EMAIL',
        "The file is not valid CSV at line 2: unexpected end of data.",
        id="unterminated-quote-no-final-newline",
    ),
]


@pytest.mark.parametrize(("body", "reason"), PIECE_FAILURES)
def test_unreadable_file_fails_the_job(
    m: Any, pinpoint: Any, app_id: str, body: bytes, reason: str
) -> None:
    job = run_import(m, pinpoint, app_id, body, key="x.csv")

    assert job["JobStatus"] == "FAILED"
    assert counters(job) == (1, 0, 1, 0, 0)
    assert job["Failures"] == [f"s3://{BUCKET}/x.csv: {reason}"]


def test_one_bad_file_under_a_prefix_fails_the_job_and_registers_nothing(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    m.put_object(
        BUCKET,
        "batch/a-good.csv",
        csv_text(
            BASIC, ["batch-1", "one@example.com", "EMAIL"], ["batch-2", "two@example.com", "SMS"]
        ),
    )
    m.put_object(BUCKET, "batch/b-bad.csv", b"\xfe\xfe")
    started = start(pinpoint, app_id, f"s3://{BUCKET}/batch/")
    m.settle()
    job = get_job(pinpoint, app_id, started["Id"])

    assert job["JobStatus"] == "FAILED"
    assert counters(job) == (2, 1, 1, 2, 0)
    assert job["Failures"] == [
        f"s3://{BUCKET}/batch/b-bad.csv: The file is not UTF-8: byte 0xfe at offset 0 is not "
        "valid UTF-8."
    ]
    # Effects apply only when the job completes.
    assert missing(pinpoint, app_id, "batch-1") == "Endpoint not found: batch-1"
    assert missing(pinpoint, app_id, "batch-2") == "Endpoint not found: batch-2"


def test_every_file_under_a_prefix_is_a_piece(m: Any, pinpoint: Any, app_id: str) -> None:
    m.put_object(BUCKET, "many/one.csv", csv_text(BASIC, ["many-1", "one@example.com", "EMAIL"]))
    m.put_object(BUCKET, "many/two.csv", csv_text(BASIC, ["many-2", "two@example.com", "EMAIL"]))
    started = start(pinpoint, app_id, f"s3://{BUCKET}/many/")
    m.settle()
    job = get_job(pinpoint, app_id, started["Id"])

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (2, 2, 0, 2, 0)
    assert endpoint(pinpoint, app_id, "many-1")["Address"] == "one@example.com"
    assert endpoint(pinpoint, app_id, "many-2")["Address"] == "two@example.com"


# -- counters and RegisterEndpoints ------------------------------------------------------


def test_only_the_first_100_record_failures_are_listed(m: Any, pinpoint: Any, app_id: str) -> None:
    rows = [[f"bad-{n:03d}", "", "EMAIL"] for n in range(150)]
    job = run_import(
        m, pinpoint, app_id, csv_text(BASIC, *rows, ["fine-1", "f@example.com", "SMS"])
    )

    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (1, 1, 0, 151, 150)
    message = "Missing Address: a new endpoint needs an Address."
    assert job["Failures"] == [f"{CSV_URL} line {line}: {message}" for line in range(2, 102)]
    assert endpoint(pinpoint, app_id, "fine-1")["ChannelType"] == "SMS"


def test_without_register_endpoints_nothing_is_stored(m: Any, pinpoint: Any, app_id: str) -> None:
    body = csv_text(BASIC, ["quiet-1", "quiet@example.com", "EMAIL"])

    job = run_import(m, pinpoint, app_id, body, register=False)

    assert job["JobStatus"] == "COMPLETED"
    assert job["Definition"]["RegisterEndpoints"] is False
    assert counters(job) == (1, 1, 0, 1, 0)
    assert missing(pinpoint, app_id, "quiet-1") == "Endpoint not found: quiet-1"


def test_old_mac_line_endings_are_read(m: Any, pinpoint: Any, app_id: str) -> None:
    body = "Id,ChannelType,Address\rcr-1,EMAIL,cr1@example.com\rcr-2,SMS,+14255550100\r"
    job = run_import(m, pinpoint, app_id, body)
    assert (job["JobStatus"], counters(job)) == ("COMPLETED", (1, 1, 0, 2, 0))
    assert endpoint(pinpoint, app_id, "cr-2")["Address"] == "+14255550100"

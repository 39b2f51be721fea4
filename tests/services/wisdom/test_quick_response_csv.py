"""The quick-response import file: headers, fields, limits, per-row failures and the report."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import requests
from freezegun import freeze_time

from .conftest import (
    MARKDOWN,
    NAME_MAX,
    PLAIN,
    by_name,
    csv_text,
    download_report,
    get_job,
    import_and_get,
    names,
    start_import,
)


def _content_max(client: Any) -> int:
    """QuickResponseContent's max length in the sending client's model (1024 in wisdom;
    qconnect raised it to 4000 in later botocore releases)."""
    return client.meta.service_model.shape_for("QuickResponseContent").metadata["max"]


def _length_error(value: str | None, path: str, limit: int) -> str:
    shown = "Value" if value is None else f"Value '{value}'"
    return (
        f"1 validation error detected: {shown} at '{path}' failed to satisfy constraint: "
        f"Member must have length less than or equal to {limit}"
    )


# -- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        ["name", "content", "shortcutKey", "contentType", "isActive"],
        ["Name", "Content", "Shortcut key", "content_type", "IS ACTIVE"],
        ["NAME", " content ", "SHORTCUT_KEY", "Content Type", "is_active"],
    ],
    ids=["member-names", "spaced-and-underscored", "upper-and-padded"],
)
def test_header_names_match_ignoring_case_spaces_and_underscores(
    client: Any, kb_id: str, header: list[str]
) -> None:
    text = csv_text(header, ["greet", "**Hi**", "g", "markdown", "false"])
    job = import_and_get(client, kb_id, text)
    assert job["status"] == "COMPLETE"
    assert "failedRecordReport" not in job
    qr = by_name(client, kb_id)["greet"]
    assert (qr["shortcutKey"], qr["contentType"], qr["isActive"]) == ("g", MARKDOWN, False)
    assert qr["contents"] == {"markdown": {"content": "**Hi**"}}


def test_columns_may_come_in_any_order(client: Any, kb_id: str) -> None:
    text = csv_text(["description", "content", "language", "name"], ["d", "c", "en_US", "n"])
    assert import_and_get(client, kb_id, text)["status"] == "COMPLETE"
    qr = by_name(client, kb_id)["n"]
    assert (qr["description"], qr["contents"], qr["language"]) == (
        "d",
        {"plainText": {"content": "c"}},
        "en_US",
    )


# -- field values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "content_type", "contents_key"),
    [
        ("", PLAIN, "plainText"),
        ("plain", PLAIN, "plainText"),
        ("markdown", MARKDOWN, "markdown"),
        ("Markdown", MARKDOWN, "markdown"),
        (PLAIN, PLAIN, "plainText"),
        (MARKDOWN, MARKDOWN, "markdown"),
    ],
)
def test_content_type_values(
    client: Any, kb_id: str, cell: str, content_type: str, contents_key: str
) -> None:
    text = csv_text(["name", "content", "contentType"], ["r", "body text", cell])
    assert import_and_get(client, kb_id, text)["status"] == "COMPLETE"
    qr = by_name(client, kb_id)["r"]
    assert qr["contentType"] == content_type
    assert qr["contents"] == {contents_key: {"content": "body text"}}


def test_defaults_without_optional_columns(client: Any, kb_id: str) -> None:
    assert import_and_get(client, kb_id, "name,content\nbare,Just text\n")["status"] == "COMPLETE"
    qr = by_name(client, kb_id)["bare"]
    assert qr["status"] == "CREATED"
    assert qr["contentType"] == PLAIN
    assert qr["contents"] == {"plainText": {"content": "Just text"}}
    assert qr["isActive"] is True
    for absent in ("shortcutKey", "description", "channels", "language", "groupingConfiguration"):
        assert absent not in qr


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("", True), ("true", True), ("TRUE", True), ("false", False), ("False", False)],
)
def test_is_active_values(client: Any, kb_id: str, cell: str, expected: bool) -> None:
    text = csv_text(["name", "content", "isActive"], ["r", "c", cell])
    assert import_and_get(client, kb_id, text)["status"] == "COMPLETE"
    assert by_name(client, kb_id)["r"]["isActive"] is expected


def test_lists_are_split_on_semicolons(client: Any, kb_id: str) -> None:
    profiles = [
        "arn:aws:connect:us-east-1:123456789012:instance/i-1/routing-profile/rp-1",
        "arn:aws:connect:us-east-1:123456789012:instance/i-1/routing-profile/rp-2",
    ]
    text = csv_text(
        ["name", "content", "channels", "groupingConfiguration.values", "language"],
        ["both", "c", "Chat;Email", ";".join(profiles), "fr_FR"],
        ["one", "c", "Chat", profiles[0], ""],
    )
    assert import_and_get(client, kb_id, text)["status"] == "COMPLETE"
    created = by_name(client, kb_id)
    assert created["both"]["channels"] == ["Chat", "Email"]
    assert created["both"]["groupingConfiguration"] == {
        "criteria": "RoutingProfileArn",
        "values": profiles,
    }
    assert created["both"]["language"] == "fr_FR"
    assert created["one"]["channels"] == ["Chat"]
    assert created["one"]["groupingConfiguration"]["values"] == profiles[:1]
    assert "language" not in created["one"]


def test_grouping_criteria_column(client: Any, kb_id: str) -> None:
    text = csv_text(
        ["name", "content", "Grouping Configuration.Criteria", "grouping_configuration.values"],
        ["r", "c", "RoutingProfileArn", "arn:a;arn:b"],
    )
    assert import_and_get(client, kb_id, text)["status"] == "COMPLETE"
    assert by_name(client, kb_id)["r"]["groupingConfiguration"] == {
        "criteria": "RoutingProfileArn",
        "values": ["arn:a", "arn:b"],
    }


def test_rfc4180_quoting(client: Any, kb_id: str) -> None:
    content = 'Hello, "friend".\r\nLine two, with commas,\nand line three'
    text = csv_text(["name", "content", "description"], ["quoted, name", content, "a,b"])
    assert '"quoted, name"' in text and '""friend""' in text
    job = import_and_get(client, kb_id, text)
    assert job["status"] == "COMPLETE"
    qr = by_name(client, kb_id)["quoted, name"]
    assert qr["contents"] == {"plainText": {"content": content}}
    assert qr["description"] == "a,b"


def test_utf8_with_byte_order_mark_and_non_ascii(client: Any, kb_id: str) -> None:
    text = "\ufeffname,content\nGrüße,Größe für Äpfel – 日本語\n"
    assert import_and_get(client, kb_id, text.encode("utf-8"))["status"] == "COMPLETE"
    assert by_name(client, kb_id)["Grüße"]["contents"] == {
        "plainText": {"content": "Größe für Äpfel – 日本語"}
    }


def test_blank_lines_are_not_quick_responses(client: Any, kb_id: str) -> None:
    job = import_and_get(client, kb_id, "name,content\r\n\r\na,1\r\n,\r\nb,2\r\n\r\n")
    assert job["status"] == "COMPLETE"
    assert "failedRecordReport" not in job
    assert names(client, kb_id) == ["a", "b"]


def test_untitled_columns_from_a_trailing_comma_are_ignored(client: Any, kb_id: str) -> None:
    job = import_and_get(client, kb_id, "name,content,\r\na,1,\r\nb,2,ignored\r\n")
    assert job["status"] == "COMPLETE"
    assert "failedRecordReport" not in job
    assert names(client, kb_id) == ["a", "b"]


# -- row count ----------------------------------------------------------------------------------


def test_exactly_100_rows_are_imported(client: Any, kb_id: str) -> None:
    rows = [[f"response-{i:03}", f"content {i}"] for i in range(100)]
    job = import_and_get(client, kb_id, csv_text(["name", "content"], *rows))
    assert job["status"] == "COMPLETE"
    assert "failedRecordReport" not in job
    paginator = client.get_paginator("list_quick_responses")
    listed = [
        s["name"]
        for page in paginator.paginate(knowledgeBaseId=kb_id, PaginationConfig={"PageSize": 100})
        for s in page["quickResponseSummaries"]
    ]
    assert sorted(listed) == [row[0] for row in rows]


def test_101_rows_fail_the_job(client: Any, kb_id: str) -> None:
    rows = [[f"response-{i:03}", "c"] for i in range(101)]
    job = import_and_get(client, kb_id, csv_text(["name", "content"], *rows))
    assert job["status"] == "FAILED"
    assert download_report(job) == [
        ["error"],
        ["The file holds more than 100 quick responses; one import takes at most 100."],
    ]
    assert client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"] == []


def test_reading_stops_at_row_101(client: Any, kb_id: str) -> None:
    """The verdict is known at row 101: what follows, even a quote never closed, is not
    read. Blank lines do not count as rows."""
    lines = [f"response-{i:03},c\r\n" for i in range(101)]
    broken = 'after,"a quote never closed\r\n'
    body = "name,content\r\n" + "".join(lines[:50]) + "\r\n\r\n" + "".join(lines[50:])
    job = import_and_get(client, kb_id, body + broken)
    assert download_report(job) == [
        ["error"],
        ["The file holds more than 100 quick responses; one import takes at most 100."],
    ]
    # With one row fewer, the broken quote is read, and fails the file.
    job = import_and_get(client, kb_id, body.replace(lines[100], "") + broken)
    assert download_report(job) == [
        ["error"],
        ["The file is not valid CSV: unexpected end of data."],
    ]


def test_a_row_of_more_than_10000_commas_fails_before_its_cells_are_listed(
    client: Any, kb_id: str
) -> None:
    """No row that could import holds 10,000 commas (its cells' longest values hold under
    5,000); millions of empty cells cost the csv module 8 bytes or more per 1-byte comma."""
    wide = "name,content\r\nwide,x" + "," * 9_999 + "\r\n"
    job = import_and_get(client, kb_id, wide)
    assert job["status"] == "COMPLETE"
    report = download_report(job)
    assert report[1][-1] == "The row has 10001 cells but the header has 2 fields."
    for body, row in [
        ("name,content\r\nwide,x" + "," * 10_000 + "\r\n", 2),
        # Commas count per row, whichever lines of a quoted value hold them.
        ('name,content\r\na,"' + ("," * 5_000 + "\r\n") * 3 + '"\r\n', 2),
        ("name,content" + "," * 10_001 + "\r\nwide,x\r\n", 1),
    ]:
        job = import_and_get(client, kb_id, body)
        assert download_report(job) == [
            ["error"],
            [f"Row {row} holds more than 10,000 commas; no quick response has that many cells."],
        ]


# -- files that fail as a whole ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "The file is empty."),
        (b"  \r\n\r\n", "The file is empty."),
        (
            "name,content\nCaf\u00e9,x\n".encode("latin-1"),
            "The file is not UTF-8 text (byte 0xe9 at offset 16).",
        ),
        (b"content,description\nx,y\n", "The header has no 'name' column."),
        (b"name,Shortcut Key\nx,y\n", "The header has no 'content' column."),
        (b"name,content\n", "The file has a header but no quick responses."),
        (b"name,content,Name\na,b,c\n", "The header names the field 'name' twice."),
        (
            b"name,content,routing profile\na,b,c\n",
            "Column 3 of the header, 'routing profile', is not a quick response field; the "
            "header fields are: name, content, contentType, shortcutKey, description, "
            "isActive, channels, groupingConfiguration.criteria, groupingConfiguration.values, "
            "language.",
        ),
        (b'name,content\n"never closed,x\n', "The file is not valid CSV: unexpected end of data."),
    ],
    ids=[
        "empty",
        "only-blank-lines",
        "not-utf8",
        "no-name-column",
        "no-content-column",
        "header-only",
        "duplicate-column",
        "unknown-column",
        "broken-quoting",
    ],
)
def test_file_problems_fail_the_job(client: Any, kb_id: str, body: bytes, reason: str) -> None:
    job = import_and_get(client, kb_id, body)
    assert job["status"] == "FAILED"
    assert download_report(job) == [["error"], [reason]]
    assert client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"] == []


# -- rows that break a field rule -----------------------------------------------------------


HEADER = ["name", "content", "description", "shortcutKey", "contentType", "isActive"]


def _bad_rows(service: str, content_max: int) -> list[tuple[list[str], str]]:
    """(row, error) for each way a row can break a CreateQuickResponse rule."""
    limit = NAME_MAX[service]
    long_name = "n" * (limit + 1)
    return [
        ([long_name, "c", "", "", "", ""], _length_error(long_name, "name", limit)),
        (
            ["big", "x" * (content_max + 1), "", "", "", ""],
            _length_error(None, "content.content", content_max),
        ),
        (["desc", "c", "d" * 256, "", "", ""], _length_error("d" * 256, "description", 255)),
        (["key", "c", "", "k" * 11, "", ""], _length_error("k" * 11, "shortcutKey", 10)),
        (
            ["type", "c", "", "", "html", ""],
            "contentType 'html' is not plain, markdown, or "
            "application/x.quickresponse;format=plain or "
            "application/x.quickresponse;format=markdown.",
        ),
        (["active", "c", "", "", "", "maybe"], "isActive 'maybe' is not true or false."),
        (
            ["", "no name", "", "", "", ""],
            "1 validation error detected: Value null at 'name' failed to satisfy constraint: "
            "Member must not be null",
        ),
        (
            ["no-content", "", "", "", "", ""],
            "1 validation error detected: Value null at 'content' failed to satisfy "
            "constraint: Member must not be null",
        ),
        (["good", "again", "", "", "", ""], "A quick response named 'good' already exists."),
        (["other", "c", "", "gk", "", ""], "The shortcut key 'gk' is already in use."),
        (["existing", "c", "", "", "", ""], "A quick response named 'existing' already exists."),
        (["clash-key", "c", "", "ek", "", ""], "The shortcut key 'ek' is already in use."),
    ]


def test_bad_rows_are_skipped_and_reported(client: Any, kb_id: str, service: str) -> None:
    client.create_quick_response(
        knowledgeBaseId=kb_id, name="existing", content={"content": "e"}, shortcutKey="ek"
    )
    limit = NAME_MAX[service]
    longest = "L" * limit  # exactly at the client's limit: accepted
    good_rows = [
        ["good", "fine", "", "gk", "", ""],
        [longest, "x" * _content_max(client), "d" * 255, "k" * 10, "markdown", "true"],
    ]
    bad = _bad_rows(service, _content_max(client))
    # Interleave: the first good row comes before the in-file duplicates that clash with it.
    rows = [good_rows[0], *(row for row, _ in bad), good_rows[1]]
    job = import_and_get(client, kb_id, csv_text(HEADER, *rows))

    assert job["status"] == "COMPLETE"
    assert names(client, kb_id) == sorted(["existing", "good", longest])
    assert download_report(job) == [HEADER + ["error"]] + [row + [error] for row, error in bad]


def test_name_length_limit_differs_between_clients(importmock: Any) -> None:
    from .conftest import make_client, make_kb

    name41 = "w" * 41
    name101 = "q" * 101
    text = csv_text(["name", "content"], [name41, "c"], [name101, "c"])
    wisdom, qconnect = make_client("wisdom"), make_client("qconnect")

    kb_w = make_kb(wisdom)
    job_w = import_and_get(wisdom, kb_w, text)
    kb_q = make_kb(qconnect)
    job_q = import_and_get(qconnect, kb_q, text)

    assert names(wisdom, kb_w) == []
    assert download_report(job_w) == [
        ["name", "content", "error"],
        [name41, "c", _length_error(name41, "name", 40)],
        [name101, "c", _length_error(name101, "name", 40)],
    ]
    assert names(qconnect, kb_q) == [name41]
    assert download_report(job_q) == [
        ["name", "content", "error"],
        [name101, "c", _length_error(name101, "name", 100)],
    ]


def test_report_keeps_original_cells_and_pads_short_rows(client: Any, kb_id: str) -> None:
    text = "Name,Content,IS ACTIVE\r\nok,fine,\r\nshort\r\nlong,x,true,surplus\r\n"
    job = import_and_get(client, kb_id, text)
    assert job["status"] == "COMPLETE"
    assert names(client, kb_id) == ["ok"]
    assert download_report(job) == [
        ["Name", "Content", "IS ACTIVE", "error"],
        [
            "short",
            "",
            "",
            "1 validation error detected: Value null at 'content' failed to satisfy "
            "constraint: Member must not be null",
        ],
        ["long", "x", "true", "surplus", "The row has 4 cells but the header has 3 fields."],
    ]


def test_report_is_rfc4180_quoted(client: Any, kb_id: str) -> None:
    bad_content = 'multi\nline, "quoted"'
    text = csv_text(["name", "content", "isActive"], ["a,b", bad_content, "perhaps"])
    job = import_and_get(client, kb_id, text)
    raw = requests.get(job["failedRecordReport"]).text
    assert raw.startswith("name,content,isActive,error\r\n")
    assert download_report(job) == [
        ["name", "content", "isActive", "error"],
        ["a,b", bad_content, "perhaps", "isActive 'perhaps' is not true or false."],
    ]


def test_no_failed_rows_means_no_report(client: Any, kb_id: str) -> None:
    started = start_import(client, kb_id, "name,content\na,1\nb,2\n")
    assert "failedRecordReport" not in started
    finished = get_job(client, kb_id, started["importJobId"])
    assert finished["status"] == "COMPLETE"
    assert "failedRecordReport" not in finished
    summary = client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"][0]
    assert "failedRecordReport" not in summary


def test_every_row_failing_still_completes(client: Any, kb_id: str) -> None:
    text = csv_text(["name", "content", "isActive"], ["a", "1", "nope"], ["b", "2", "nah"])
    job = import_and_get(client, kb_id, text)
    assert job["status"] == "COMPLETE"
    assert names(client, kb_id) == []
    assert [row[0] for row in download_report(job)] == ["name", "a", "b"]


def test_report_url_expires_after_15_minutes(client: Any, kb_id: str) -> None:
    noon = datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.timezone.utc)
    with freeze_time(noon) as frozen:
        job = import_and_get(client, kb_id, "name,content,isActive\na,b,no way\n")
        url = job["failedRecordReport"]
        assert url.startswith("https://") and "X-Amz-Signature=" in url
        frozen.tick(datetime.timedelta(minutes=15))
        assert requests.get(url).status_code == 200
        frozen.tick(datetime.timedelta(seconds=1))
        expired = requests.get(url)
        assert expired.status_code == 403
        assert "<Message>Request has expired</Message>" in expired.text
        # A fresh read of the job hands out a fresh link.
        fresh = get_job(client, kb_id, job["importJobId"])["failedRecordReport"]
        assert requests.get(fresh).status_code == 200


def test_tampered_report_url_is_refused(client: Any, kb_id: str) -> None:
    job = import_and_get(client, kb_id, "name,content,isActive\na,b,no way\n")
    tampered = job["failedRecordReport"].replace(".csv?", "x.csv?")
    response = requests.get(tampered)
    assert response.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text

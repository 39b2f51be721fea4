"""Where import files come from: moto's S3 (either nesting order) or seeded objects."""

from __future__ import annotations

import re
from typing import Any

import boto3
import pytest
from moto import mock_aws

from importmock import mock_imports
from tests.helpers import both_mocks

from .conftest import (
    BUCKET,
    counters,
    csv_text,
    endpoint,
    get_job,
    make_app,
    run_import,
    session_client,
    start,
)

EMAIL_CSV = csv_text(["Id", "ChannelType", "Address"], ["csv-1", "EMAIL", "a@example.com"])
SMS_JSON = '{"Id": "json-1", "ChannelType": "SMS", "Address": "+14255550100"}\n'


@pytest.mark.parametrize("moto_outside", [True, False], ids=["moto-outside", "moto-inside"])
def test_files_uploaded_to_moto_s3_are_imported(moto_outside: bool) -> None:
    with both_mocks(moto_outside):
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="uploads")
        s3.put_object(Bucket="uploads", Key="batch/one.csv", Body=EMAIL_CSV.encode())
        s3.put_object(Bucket="uploads", Key="batch/deeper/two.json", Body=SMS_JSON.encode())
        pinpoint = boto3.client("pinpoint", region_name="eu-west-1")
        app = make_app(pinpoint)
        csv_job = start(pinpoint, app, "s3://uploads/batch/")
        json_job = start(pinpoint, app, "s3://uploads/batch", "JSON")
        csv_done = get_job(pinpoint, app, csv_job["Id"])
        json_done = get_job(pinpoint, app, json_job["Id"])
        assert (csv_done["JobStatus"], counters(csv_done)) == ("COMPLETED", (1, 1, 0, 1, 0))
        assert (json_done["JobStatus"], counters(json_done)) == ("COMPLETED", (1, 1, 0, 1, 0))
        assert endpoint(pinpoint, app, "csv-1")["Address"] == "a@example.com"
        assert endpoint(pinpoint, app, "json-1")["Address"] == "+14255550100"


def test_moto_s3_overwrites_and_deletes_are_seen() -> None:
    with mock_aws(), mock_imports():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="uploads")
        s3.put_object(Bucket="uploads", Key="a.csv", Body=b"garbage")
        s3.put_object(Bucket="uploads", Key="a.csv", Body=EMAIL_CSV.encode())
        s3.put_object(Bucket="uploads", Key="b.csv", Body=EMAIL_CSV.encode())
        s3.delete_object(Bucket="uploads", Key="b.csv")
        pinpoint = boto3.client("pinpoint", region_name="us-east-1")
        app = make_app(pinpoint)
        job = get_job(pinpoint, app, start(pinpoint, app, "s3://uploads/")["Id"])
        assert (job["JobStatus"], counters(job)) == ("COMPLETED", (1, 1, 0, 1, 0))


def test_a_bucket_moto_does_not_have_fails_the_job() -> None:
    with mock_aws(), mock_imports():
        pinpoint = boto3.client("pinpoint", region_name="us-east-1")
        app = make_app(pinpoint)
        job = get_job(pinpoint, app, start(pinpoint, app, "s3://not-there/x.csv")["Id"])
        assert job["JobStatus"] == "FAILED"
        assert job["Failures"] == ["The bucket not-there does not exist."]
        assert counters(job) == (0, 0, 0, 0, 0)


def test_seeded_objects_are_read_without_moto(m: Any, pinpoint: Any, app_id: str) -> None:
    job = run_import(m, pinpoint, app_id, EMAIL_CSV, key="x/y.csv")
    assert (job["JobStatus"], counters(job)) == ("COMPLETED", (1, 1, 0, 1, 0))
    assert endpoint(pinpoint, app_id, "CSV-1")["Id"] == "csv-1"


def test_a_seeded_bucket_is_found_before_moto_s3() -> None:
    with mock_aws(), mock_imports() as m:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="shared")
        s3.put_object(Bucket="shared", Key="a.csv", Body=b"\xff\xfe")
        m.put_object("shared", "a.csv", EMAIL_CSV)
        m.put_object("seeded-only", "a.json", SMS_JSON)
        pinpoint = boto3.client("pinpoint", region_name="us-east-1")
        app = make_app(pinpoint)
        from_seed = get_job(pinpoint, app, start(pinpoint, app, "s3://shared/a.csv")["Id"])
        other = get_job(pinpoint, app, start(pinpoint, app, "s3://seeded-only/", "JSON")["Id"])
        assert from_seed["JobStatus"] == other["JobStatus"] == "COMPLETED"


def test_a_single_object_url_is_read_whatever_its_name(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    m.put_object(BUCKET, "exports/endpoints.txt", EMAIL_CSV)
    m.put_object(BUCKET, "exports/endpoints.txt.bak", "not read")
    job = get_job(pinpoint, app, start(pinpoint, app, f"s3://{BUCKET}/exports/endpoints.txt")["Id"])
    assert (job["JobStatus"], counters(job)) == ("COMPLETED", (1, 1, 0, 1, 0))


def test_a_prefix_reads_subfolders_and_only_files_of_the_format(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    m.put_object(BUCKET, "mixed/a.csv", EMAIL_CSV)
    m.put_object(
        BUCKET, "mixed/sub/deeper/B.CSV", csv_text(["ChannelType", "Address"], ["SMS", "+1"])
    )
    m.put_object(BUCKET, "mixed/c.json", SMS_JSON)
    m.put_object(BUCKET, "mixed/d.ndjson", SMS_JSON.replace("json-1", "json-2"))
    m.put_object(BUCKET, "mixed/e.jsonl", SMS_JSON.replace("json-1", "json-3"))
    m.put_object(BUCKET, "mixed/readme.txt", "ignored")
    m.put_object(BUCKET, "mixed/folder/", "")
    m.put_object(BUCKET, "mixedup/z.csv", "this file is under the prefix too\n")
    csv_job = get_job(pinpoint, app, start(pinpoint, app, f"s3://{BUCKET}/mixed/")["Id"])
    json_job = get_job(pinpoint, app, start(pinpoint, app, f"s3://{BUCKET}/mixed/", "JSON")["Id"])
    assert (csv_job["JobStatus"], counters(csv_job)) == ("COMPLETED", (2, 2, 0, 2, 0))
    assert (json_job["JobStatus"], counters(json_job)) == ("COMPLETED", (3, 3, 0, 3, 0))
    # A prefix is a plain string prefix, as in S3: "s3://b/mixed" also covers "mixedup/".
    loose = get_job(pinpoint, app, start(pinpoint, app, f"s3://{BUCKET}/mixed")["Id"])
    assert loose["JobStatus"] == "FAILED"
    assert counters(loose) == (3, 2, 1, 2, 0)
    assert loose["Failures"][0].startswith(f"s3://{BUCKET}/mixedup/z.csv: Column 1 ")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            f"s3://{BUCKET}/nothing-here/",
            f"No CSV files were found at s3://{BUCKET}/nothing-here/.",
        ),
        ("s3://missing-bucket/a.csv", "The bucket missing-bucket does not exist."),
        (
            "https://example.com/a.csv",
            "The S3 URL 'https://example.com/a.csv' is not valid: it must start with s3://.",
        ),
        ("s3:///a.csv", "The S3 URL 's3:///a.csv' is not valid: it names no bucket."),
    ],
)
def test_nothing_to_read_fails_the_job_with_a_reason(
    m: Any, pinpoint: Any, url: str, reason: str
) -> None:
    app = make_app(pinpoint)
    m.put_object(BUCKET, "only.json", SMS_JSON)  # a file of the other format
    created = start(pinpoint, app, url)
    assert created["JobStatus"] == "CREATED"
    job = get_job(pinpoint, app, created["Id"])
    assert job["JobStatus"] == "FAILED"
    assert job["Failures"] == [reason]
    assert counters(job) == (0, 0, 0, 0, 0)


@pytest.mark.importmock(progression="manual")
def test_the_job_reads_its_files_when_it_is_created(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    m.put_object(BUCKET, "a.csv", EMAIL_CSV)
    job_id = start(pinpoint, app, f"s3://{BUCKET}/a.csv")["Id"]
    m.put_object(BUCKET, "a.csv", "replaced afterwards\n")
    m.settle()
    job = get_job(pinpoint, app, job_id)
    assert (job["JobStatus"], counters(job)) == ("COMPLETED", (1, 1, 0, 1, 0))


def test_reset_forgets_seeded_objects(m: Any, pinpoint: Any) -> None:
    m.put_object(BUCKET, "a.csv", EMAIL_CSV)
    m.reset()
    client = session_client()
    app = make_app(client)
    job = get_job(client, app, start(client, app, f"s3://{BUCKET}/a.csv")["Id"])
    assert job["Failures"] == [f"The bucket {BUCKET} does not exist."]


@pytest.mark.parametrize(
    ("bucket", "key", "body", "error", "message"),
    [
        ("Bad_Bucket", "k", b"", ValueError, "'Bad_Bucket' is not a valid S3 bucket name"),
        ("ab", "k", b"", ValueError, "'ab' is not a valid S3 bucket name"),
        ("ok-bucket", "", b"", ValueError, "an S3 key is 1 to 1024 bytes of UTF-8"),
        ("ok-bucket", "k", 42, TypeError, "body must be bytes or str; got int"),
    ],
)
def test_put_object_refuses_what_s3_would(
    m: Any, bucket: str, key: str, body: Any, error: type, message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        m.put_object(bucket, key, body)

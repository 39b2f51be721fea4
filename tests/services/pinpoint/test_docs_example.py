"""The worked example of docs/services/pinpoint.md runs as written (moto's S3 included)."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "services" / "pinpoint.md"


def test_the_documented_import_flow_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    example = next(block for block in blocks if "create_import_job" in block)
    namespace: dict[str, object] = {}
    exec(compile(example, str(DOC), "exec"), namespace)  # its asserts are the test
    assert namespace["statuses"] == [
        "PREPARING_FOR_INITIALIZATION",
        "INITIALIZING",
        "PROCESSING",
        "COMPLETING",
        "COMPLETED",
    ]


def test_the_developer_guides_import_lambda_reads_the_segment_id_at_creation() -> None:
    """The import step of the guide's "Importing data" tutorial, as its Lambda behaves.

    The function (tutorials-importing-data-lambda-function-import-job) counts the processed
    parts under the folder (S3 ListObjectsV2), skips the import when GetImportJobs already
    lists a job for that S3 URL, else creates one with DefineSegment, RegisterEndpoints and
    the folder's name as SegmentName, and prints ``Definition.SegmentId`` from the create
    response. The client code below is written for this test, following those steps.
    """
    import boto3
    from moto import mock_aws

    from importmock import mock_imports

    role = "arn:aws:iam::123456789012:role/ImporterPinpointRole"
    key = "processed/testfile/testfile__part1__of1_processed.csv"
    with mock_aws(), mock_imports() as m:
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="customer-imports")
        s3.put_object(
            Bucket="customer-imports",
            Key=key,
            Body=b"ChannelType,Address,User.UserId\nEMAIL,ann@example.com,ann\n"
            b"SMS,+14255550100,bob\n",
        )
        pinpoint = boto3.client("pinpoint", region_name="us-east-1")
        project = pinpoint.create_app(CreateApplicationRequest={"Name": "tutorial"})[
            "ApplicationResponse"
        ]["Id"]

        def handle(object_key: str) -> str | None:
            folder = object_key.rsplit("/", 1)[0]
            s3_url = f"s3://customer-imports/{folder}"
            parts = int(object_key.split("__of")[1].split("_processed")[0])
            listed = s3.list_objects_v2(Bucket="customer-imports", Prefix=folder)
            if listed["KeyCount"] != parts:
                return None
            jobs = pinpoint.get_import_jobs(ApplicationId=project)["ImportJobsResponse"]["Item"]
            if s3_url in [job["Definition"]["S3Url"] for job in jobs]:
                return None
            created = pinpoint.create_import_job(
                ApplicationId=project,
                ImportJobRequest={
                    "DefineSegment": True,
                    "Format": "CSV",
                    "RegisterEndpoints": True,
                    "RoleArn": role,
                    "S3Url": s3_url,
                    "SegmentName": s3_url.split("/")[4],
                },
            )["ImportJobResponse"]
            assert created["JobStatus"] == "CREATED"
            segment_id: str = created["Definition"]["SegmentId"]
            return segment_id

        segment_id = handle(key)
        assert segment_id is not None
        assert handle(key) is None  # a second event for the same folder imports nothing
        m.settle()
        segment = pinpoint.get_segment(ApplicationId=project, SegmentId=segment_id)
        assert segment["SegmentResponse"]["Name"] == "testfile"
        assert segment["SegmentResponse"]["ImportDefinition"]["S3Url"] == (
            "s3://customer-imports/processed/testfile"
        )
        assert segment["SegmentResponse"]["ImportDefinition"]["Size"] == 2

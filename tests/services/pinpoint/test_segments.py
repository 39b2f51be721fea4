"""DefineSegment: imported segments created and updated, and the jobs tied to them."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import (
    ACCOUNT,
    BUCKET,
    HEX32,
    ROLE,
    csv_text,
    error_of,
    get_job,
    make_app,
    run_import,
    start,
)

PEOPLE = csv_text(
    ["Id", "ChannelType", "Address", "User.UserId"],
    ["p1", "EMAIL", "ann@example.com", "ann"],
    ["p2", "SMS", "+14255550101", "ann"],
    ["p3", "EMAIL", "bob@example.com", "bob"],
    ["p4", "FAX", "nope", "bob"],
)


def _segments(client: Any, app: str) -> list[dict[str, Any]]:
    return client.get_segments(ApplicationId=app)["SegmentsResponse"]["Item"]


def test_define_segment_creates_an_import_segment(m: Any, pinpoint: Any, app_id: str) -> None:
    job = run_import(m, pinpoint, app_id, PEOPLE, DefineSegment=True, SegmentName="Customers")
    assert job["JobStatus"] == "COMPLETED"
    [segment] = _segments(pinpoint, app_id)
    assert re.fullmatch(HEX32, segment["Id"])
    assert segment["Arn"] == (
        f"arn:aws:mobiletargeting:us-east-1:{ACCOUNT}:apps/{app_id}/segments/{segment['Id']}"
    )
    assert segment["Name"] == "Customers"
    assert segment["SegmentType"] == "IMPORT"
    assert segment["Version"] == 1
    assert segment["ApplicationId"] == app_id
    assert segment["CreationDate"] == job["CompletionDate"]
    assert segment["ImportDefinition"] == {
        "ChannelCounts": {"EMAIL": 2, "SMS": 1},
        "ExternalId": ACCOUNT,
        "Format": "CSV",
        "RoleArn": ROLE,
        "S3Url": f"s3://{BUCKET}/endpoints.csv",
        "Size": 3,  # the row with a bad ChannelType is not imported
    }
    # The job now names the segment it defined.
    assert job["Definition"]["SegmentId"] == segment["Id"]
    got = pinpoint.get_segment(ApplicationId=app_id, SegmentId=segment["Id"])["SegmentResponse"]
    assert got == segment


def test_segment_only_import_does_not_register_endpoints(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    job = run_import(
        m, pinpoint, app_id, PEOPLE, register=False, DefineSegment=True, SegmentName="Only"
    )
    assert job["JobStatus"] == "COMPLETED"
    [segment] = _segments(pinpoint, app_id)
    assert segment["ImportDefinition"]["Size"] == 3
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.get_endpoint(ApplicationId=app_id, EndpointId="p1")


def test_segment_id_updates_the_segment_and_its_version(m: Any, pinpoint: Any, app_id: str) -> None:
    run_import(m, pinpoint, app_id, PEOPLE, DefineSegment=True, SegmentName="Customers")
    [segment] = _segments(pinpoint, app_id)
    more = csv_text(
        ["Id", "ChannelType", "Address"], ["p3", "EMAIL", "bob@new.example"], ["p5", "PUSH", "t"]
    )
    job = run_import(
        m, pinpoint, app_id, more, key="more.csv", DefineSegment=True, SegmentId=segment["Id"]
    )
    assert job["JobStatus"] == "COMPLETED"
    assert job["Definition"]["SegmentId"] == segment["Id"]
    [updated] = _segments(pinpoint, app_id)
    assert updated["Id"] == segment["Id"]
    assert updated["Version"] == 2
    assert updated["Name"] == "Customers"
    assert updated["LastModifiedDate"] == job["CompletionDate"]
    assert updated["ImportDefinition"]["S3Url"] == f"s3://{BUCKET}/more.csv"
    # The imported endpoints join the segment: p1, p2, p3 and now p5.
    assert updated["ImportDefinition"]["Size"] == 4
    assert updated["ImportDefinition"]["ChannelCounts"] == {"EMAIL": 2, "SMS": 1, "PUSH": 1}
    renamed = run_import(
        m,
        pinpoint,
        app_id,
        more,
        key="more.csv",
        DefineSegment=True,
        SegmentId=segment["Id"],
        SegmentName="Renamed",
    )
    assert renamed["JobStatus"] == "COMPLETED"
    [last] = _segments(pinpoint, app_id)
    assert (last["Name"], last["Version"]) == ("Renamed", 3)


def test_user_id_only_records_bring_the_users_endpoints(m: Any, pinpoint: Any, app_id: str) -> None:
    run_import(m, pinpoint, app_id, PEOPLE)
    users = "User.UserId\nann\nnobody\n"
    job = run_import(
        m, pinpoint, app_id, users, key="users.csv", DefineSegment=True, SegmentName="Ann"
    )
    assert job["JobStatus"] == "COMPLETED"
    assert job["TotalFailures"] == 1
    assert job["Failures"] == [
        f"s3://{BUCKET}/users.csv line 3: User 'nobody' has no endpoints in this project."
    ]
    [segment] = _segments(pinpoint, app_id)
    assert segment["ImportDefinition"]["Size"] == 2
    assert segment["ImportDefinition"]["ChannelCounts"] == {"EMAIL": 1, "SMS": 1}


def test_a_failed_job_defines_no_segment(m: Any, pinpoint: Any, app_id: str) -> None:
    job = run_import(
        m, pinpoint, app_id, b"\x1f\x8b\x08gzip", DefineSegment=True, SegmentName="Never"
    )
    assert job["JobStatus"] == "FAILED"
    assert _segments(pinpoint, app_id) == []


@pytest.mark.importmock(progression="manual")
def test_the_create_response_names_the_segment_the_job_will_define(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    # AWS's import code (the developer guide's import Lambda, the predictive-segmentation
    # solution) reads Definition.SegmentId from the CreateImportJob response.
    m.put_object(BUCKET, "endpoints.csv", PEOPLE)
    created = start(
        pinpoint, app_id, f"s3://{BUCKET}/endpoints.csv", DefineSegment=True, SegmentName="Vip"
    )
    segment_id = created["Definition"]["SegmentId"]
    assert re.fullmatch(HEX32, segment_id)
    assert created["Definition"]["SegmentName"] == "Vip"
    # The segment appears when the job completes.
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.get_segment(ApplicationId=app_id, SegmentId=segment_id)
    assert get_job(pinpoint, app_id, created["Id"])["Definition"]["SegmentId"] == segment_id
    m.settle()
    job = get_job(pinpoint, app_id, created["Id"])
    assert job["JobStatus"] == "COMPLETED"
    assert job["Definition"]["SegmentId"] == segment_id
    segment = pinpoint.get_segment(ApplicationId=app_id, SegmentId=segment_id)["SegmentResponse"]
    assert (segment["Id"], segment["Name"], segment["SegmentType"]) == (segment_id, "Vip", "IMPORT")
    assert segment["ImportDefinition"] == {
        "ChannelCounts": {"EMAIL": 2, "SMS": 1},
        "ExternalId": ACCOUNT,
        "Format": "CSV",
        "RoleArn": ROLE,
        "S3Url": f"s3://{BUCKET}/endpoints.csv",
        "Size": 3,
    }
    [listed] = pinpoint.get_import_jobs(ApplicationId=app_id)["ImportJobsResponse"]["Item"]
    assert listed["Definition"]["SegmentId"] == segment_id
    [tied] = pinpoint.get_segment_import_jobs(ApplicationId=app_id, SegmentId=segment_id)[
        "ImportJobsResponse"
    ]["Item"]
    assert tied == job


@pytest.mark.parametrize(
    ("key", "url", "name"),
    [
        ("predict/churn.csv", "s3://{b}/predict/churn.csv", "churn"),
        ("predict/churn.v2.csv", "s3://{b}/predict/churn.v2.csv", "churn.v2"),
        ("predict/list", "s3://{b}/predict/list", "list"),
        ("folder/a.csv", "s3://{b}/folder/", "folder"),
        ("top.csv", "s3://{b}", "{b}"),
        ("top.csv", "s3://{b}/", "{b}"),
        ("dot/.hidden", "s3://{b}/dot/.hidden", ".hidden"),
    ],
)
def test_define_segment_without_a_name_names_it_after_the_file(
    m: Any, pinpoint: Any, app_id: str, key: str, url: str, name: str
) -> None:
    # The predictive-segmentation solution and the SDK's ImportSegment example send
    # DefineSegment without SegmentName or SegmentId; the console's default name is the
    # file's name without its extension.
    m.put_object(BUCKET, key, PEOPLE)
    created = start(pinpoint, app_id, url.format(b=BUCKET), DefineSegment=True)
    assert "SegmentName" not in created["Definition"]
    segment_id = created["Definition"]["SegmentId"]
    m.settle()
    job = get_job(pinpoint, app_id, created["Id"])
    assert job["JobStatus"] == "COMPLETED"
    segment = pinpoint.get_segment(ApplicationId=app_id, SegmentId=segment_id)["SegmentResponse"]
    assert segment["Name"] == name.format(b=BUCKET)
    assert segment["ImportDefinition"]["Size"] == 3
    # The id also builds the segment's ARN, as the solution does to tag it.
    arn = f"arn:aws:mobiletargeting:us-east-1:{job['Definition']['ExternalId']}:apps/{app_id}"
    pinpoint.tag_resource(
        ResourceArn=f"{arn}/segments/{segment_id}", TagsModel={"tags": {"PREDICT_CHURN": "YES"}}
    )
    assert segment["Arn"] == f"{arn}/segments/{segment_id}"


def test_a_failed_job_names_a_segment_that_never_appears(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    job = run_import(m, pinpoint, app_id, b"\x1f\x8b\x08gzip", DefineSegment=True)
    assert job["JobStatus"] == "FAILED"
    segment_id = job["Definition"]["SegmentId"]
    assert _segments(pinpoint, app_id) == []
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.get_segment_import_jobs(ApplicationId=app_id, SegmentId=segment_id)


def test_a_job_updating_a_segment_keeps_its_id(m: Any, pinpoint: Any, app_id: str) -> None:
    first = run_import(m, pinpoint, app_id, PEOPLE, DefineSegment=True)
    segment_id = first["Definition"]["SegmentId"]
    second = start(
        pinpoint, app_id, f"s3://{BUCKET}/endpoints.csv", DefineSegment=True, SegmentId=segment_id
    )
    assert second["Definition"]["SegmentId"] == segment_id
    m.settle()
    assert _segments(pinpoint, app_id)[0]["Version"] == 2


def test_an_unknown_segment_id_is_not_found(pinpoint: Any, app_id: str) -> None:
    with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
        start(pinpoint, app_id, f"s3://{BUCKET}/x.csv", DefineSegment=True, SegmentId="f" * 32)
    assert error_of(caught.value) == ("NotFoundException", f"Segment not found: {'f' * 32}", 404)
    assert (
        caught.value.response["RequestID"] == caught.value.response["ResponseMetadata"]["RequestId"]
    )


def test_a_dimensional_segment_cannot_be_updated_by_an_import(pinpoint: Any, app_id: str) -> None:
    dimensional = pinpoint.create_segment(
        ApplicationId=app_id,
        WriteSegmentRequest={
            "Name": "Recent",
            "Dimensions": {"Demographic": {"Platform": {"Values": ["ios"]}}},
        },
    )
    assert dimensional["ResponseMetadata"]["HTTPStatusCode"] == 201
    segment_id = dimensional["SegmentResponse"]["Id"]
    assert dimensional["SegmentResponse"]["SegmentType"] == "DIMENSIONAL"
    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        start(pinpoint, app_id, f"s3://{BUCKET}/x.csv", DefineSegment=True, SegmentId=segment_id)
    assert error_of(caught.value)[1] == (
        f"Segment {segment_id} is a DIMENSIONAL segment; an import job can only update an "
        "IMPORT segment."
    )


def test_get_segment_import_jobs_lists_the_jobs_of_a_segment(
    m: Any, pinpoint: Any, app_id: str
) -> None:
    first = run_import(m, pinpoint, app_id, PEOPLE, DefineSegment=True, SegmentName="S")
    segment_id = first["Definition"]["SegmentId"]
    run_import(m, pinpoint, app_id, PEOPLE)  # not tied to the segment
    second = run_import(m, pinpoint, app_id, PEOPLE, DefineSegment=True, SegmentId=segment_id)
    listed = pinpoint.get_segment_import_jobs(ApplicationId=app_id, SegmentId=segment_id)
    items = listed["ImportJobsResponse"]["Item"]
    assert [job["Id"] for job in items] == [second["Id"], first["Id"]]  # newest first
    assert "NextToken" not in listed["ImportJobsResponse"]
    page = pinpoint.get_segment_import_jobs(
        ApplicationId=app_id, SegmentId=segment_id, PageSize="1"
    )["ImportJobsResponse"]
    assert [job["Id"] for job in page["Item"]] == [second["Id"]]
    rest = pinpoint.get_segment_import_jobs(
        ApplicationId=app_id, SegmentId=segment_id, PageSize="1", Token=page["NextToken"]
    )["ImportJobsResponse"]
    assert [job["Id"] for job in rest["Item"]] == [first["Id"]]
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.get_segment_import_jobs(ApplicationId=app_id, SegmentId="0" * 32)


def test_delete_segment_returns_it_and_forgets_it(m: Any, pinpoint: Any, app_id: str) -> None:
    job = run_import(m, pinpoint, app_id, PEOPLE, DefineSegment=True, SegmentName="Gone")
    segment_id = job["Definition"]["SegmentId"]
    deleted = pinpoint.delete_segment(ApplicationId=app_id, SegmentId=segment_id)
    assert deleted["SegmentResponse"]["Name"] == "Gone"
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.get_segment(ApplicationId=app_id, SegmentId=segment_id)
    assert _segments(pinpoint, app_id) == []


def test_get_segments_pages_in_creation_order(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    for name in ("a", "b", "c"):
        run_import(m, pinpoint, app, PEOPLE, DefineSegment=True, SegmentName=name)
    first = pinpoint.get_segments(ApplicationId=app, PageSize="2")["SegmentsResponse"]
    assert [s["Name"] for s in first["Item"]] == ["a", "b"]
    second = pinpoint.get_segments(ApplicationId=app, PageSize="2", Token=first["NextToken"])
    assert [s["Name"] for s in second["SegmentsResponse"]["Item"]] == ["c"]
    assert "NextToken" not in second["SegmentsResponse"]


@pytest.mark.importmock(progression="manual")
def test_a_segment_deleted_while_its_import_runs_is_not_recreated(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    first = run_import(m, pinpoint, app, PEOPLE, DefineSegment=True, SegmentName="S")
    segment_id = first["Definition"]["SegmentId"]
    m.put_object(BUCKET, "late.csv", csv_text(["Id", "ChannelType", "Address"], ["z", "SMS", "+1"]))
    late = start(pinpoint, app, f"s3://{BUCKET}/late.csv", DefineSegment=True, SegmentId=segment_id)
    pinpoint.delete_segment(ApplicationId=app, SegmentId=segment_id)
    m.settle()
    assert get_job(pinpoint, app, late["Id"])["JobStatus"] == "COMPLETED"
    assert _segments(pinpoint, app) == []
    assert pinpoint.get_endpoint(ApplicationId=app, EndpointId="z")["EndpointResponse"]["Id"] == "z"

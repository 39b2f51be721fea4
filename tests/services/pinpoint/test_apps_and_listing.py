"""Projects (apps), tags, GetImportJobs paging, and the shape of Pinpoint's errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from importmock import mock_imports

from .conftest import (
    ACCOUNT,
    BUCKET,
    HEX32,
    counters,
    csv_text,
    error_of,
    get_job,
    make_app,
    run_import,
    session_client,
    start,
)

ONE = csv_text(["ChannelType", "Address"], ["EMAIL", "a@example.com"])


def test_create_app_answers_201_with_id_arn_and_tags(pinpoint: Any) -> None:
    created = pinpoint.create_app(
        CreateApplicationRequest={"Name": "Shop", "tags": {"team": "growth"}}
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    app = created["ApplicationResponse"]
    assert re.fullmatch(HEX32, app["Id"])
    assert app["Arn"] == f"arn:aws:mobiletargeting:us-east-1:{ACCOUNT}:apps/{app['Id']}"
    assert (app["Name"], app["tags"]) == ("Shop", {"team": "growth"})
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", app["CreationDate"])
    assert pinpoint.get_app(ApplicationId=app["Id"])["ApplicationResponse"] == app


def test_get_apps_pages_in_creation_order(pinpoint: Any) -> None:
    ids = [make_app(pinpoint, f"app-{n}") for n in range(5)]
    first = pinpoint.get_apps(PageSize="2")["ApplicationsResponse"]
    assert [a["Id"] for a in first["Item"]] == ids[:2]
    second = pinpoint.get_apps(PageSize="2", Token=first["NextToken"])["ApplicationsResponse"]
    third = pinpoint.get_apps(PageSize="2", Token=second["NextToken"])["ApplicationsResponse"]
    assert [a["Id"] for a in second["Item"] + third["Item"]] == ids[2:]
    assert "NextToken" not in third
    assert [a["Id"] for a in pinpoint.get_apps()["ApplicationsResponse"]["Item"]] == ids


def test_delete_app_returns_it_then_it_is_gone(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint, "Doomed")
    run_import(m, pinpoint, app, ONE)
    deleted = pinpoint.delete_app(ApplicationId=app)["ApplicationResponse"]
    assert (deleted["Id"], deleted["Name"]) == (app, "Doomed")
    for call in (
        lambda: pinpoint.get_app(ApplicationId=app),
        lambda: pinpoint.get_import_jobs(ApplicationId=app),
        lambda: pinpoint.delete_app(ApplicationId=app),
    ):
        with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
            call()
        assert error_of(caught.value) == ("NotFoundException", "Application not found", 404)


def test_errors_carry_pinpoints_message_body_and_error_type_header(pinpoint: Any) -> None:
    with pytest.raises(ClientError) as caught:
        pinpoint.get_import_job(ApplicationId="0" * 32, JobId="1" * 32)
    response = caught.value.response
    assert response["Error"] == {"Code": "NotFoundException", "Message": "Application not found"}
    assert response["Message"] == "Application not found"
    assert response["RequestID"] == response["ResponseMetadata"]["RequestId"]
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "NotFoundException"


def test_unknown_job_is_not_found(pinpoint: Any, app_id: str) -> None:
    with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
        pinpoint.get_import_job(ApplicationId=app_id, JobId="1" * 32)
    assert error_of(caught.value) == ("NotFoundException", f"Import job not found: {'1' * 32}", 404)


def test_invalid_input_is_bad_request_even_without_client_validation(m: Any) -> None:
    client = session_client(config=Config(parameter_validation=False))
    with pytest.raises(client.exceptions.BadRequestException) as caught:
        client.create_app(CreateApplicationRequest={})
    code, message, status = error_of(caught.value)
    assert (code, status) == ("BadRequestException", 400)
    assert "CreateApplicationRequest.Name" in message
    app = make_app(client)
    with pytest.raises(client.exceptions.BadRequestException) as caught:
        client.create_import_job(
            ApplicationId=app,
            ImportJobRequest={"Format": "XML", "S3Url": "s3://b/k", "RoleArn": "r"},
        )
    assert "ImportJobRequest.Format" in error_of(caught.value)[1]
    assert "[CSV, JSON]" in error_of(caught.value)[1]


# -- GetImportJobs ----------------------------------------------------------------------


def test_get_import_jobs_lists_newest_first_in_pages(m: Any, pinpoint: Any, app_id: str) -> None:
    jobs = [run_import(m, pinpoint, app_id, ONE)["Id"] for _ in range(5)]
    newest_first = list(reversed(jobs))
    page = pinpoint.get_import_jobs(ApplicationId=app_id, PageSize="2")["ImportJobsResponse"]
    seen = [job["Id"] for job in page["Item"]]
    while "NextToken" in page:
        page = pinpoint.get_import_jobs(
            ApplicationId=app_id, PageSize="2", Token=page["NextToken"]
        )["ImportJobsResponse"]
        seen += [job["Id"] for job in page["Item"]]
    assert seen == newest_first
    everything = pinpoint.get_import_jobs(ApplicationId=app_id)["ImportJobsResponse"]
    assert [job["Id"] for job in everything["Item"]] == newest_first
    assert {job["JobStatus"] for job in everything["Item"]} == {"COMPLETED"}
    assert counters(everything["Item"][0]) == (1, 1, 0, 1, 0)


def test_paging_is_stable_while_jobs_are_added(m: Any, pinpoint: Any, app_id: str) -> None:
    jobs = [run_import(m, pinpoint, app_id, ONE)["Id"] for _ in range(4)]
    first = pinpoint.get_import_jobs(ApplicationId=app_id, PageSize="2")["ImportJobsResponse"]
    added = run_import(m, pinpoint, app_id, ONE)["Id"]
    second = pinpoint.get_import_jobs(ApplicationId=app_id, PageSize="2", Token=first["NextToken"])[
        "ImportJobsResponse"
    ]
    assert [j["Id"] for j in first["Item"] + second["Item"]] == list(reversed(jobs))
    assert "NextToken" not in second
    assert (
        pinpoint.get_import_jobs(ApplicationId=app_id, PageSize="1")["ImportJobsResponse"]["Item"][
            0
        ]["Id"]
        == added
    )


@pytest.mark.parametrize("page_size", ["0", "-1", "ten", "1.5"])
def test_a_bad_page_size_is_bad_request(pinpoint: Any, app_id: str, page_size: str) -> None:
    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        pinpoint.get_import_jobs(ApplicationId=app_id, PageSize=page_size)
    assert error_of(caught.value)[1] == (
        f"PageSize must be a positive whole number; got '{page_size}'."
    )


def test_a_token_from_elsewhere_is_bad_request(m: Any, pinpoint: Any) -> None:
    app, other = make_app(pinpoint), make_app(pinpoint)
    for target in (app, app, other, other):
        run_import(m, pinpoint, target, ONE)
    foreign = pinpoint.get_import_jobs(ApplicationId=other, PageSize="1")["ImportJobsResponse"]
    for token in ("garbage", foreign["NextToken"]):
        with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
            pinpoint.get_import_jobs(ApplicationId=app, Token=token)
        assert error_of(caught.value) == (
            "BadRequestException",
            f"The token '{token}' is not valid.",
            400,
        )


@pytest.mark.importmock(progression="reads")
def test_listing_reads_the_jobs_it_lists(m: Any, pinpoint: Any, app_id: str) -> None:
    m.put_object(BUCKET, "a.csv", ONE)
    job_id = start(pinpoint, app_id, f"s3://{BUCKET}/a.csv")["Id"]
    statuses = [
        pinpoint.get_import_jobs(ApplicationId=app_id)["ImportJobsResponse"]["Item"][0]["JobStatus"]
        for _ in range(5)
    ]
    assert statuses == [
        "PREPARING_FOR_INITIALIZATION",
        "INITIALIZING",
        "PROCESSING",
        "COMPLETING",
        "COMPLETED",
    ]
    assert get_job(pinpoint, app_id, job_id)["JobStatus"] == "COMPLETED"


def test_state_is_separate_per_region_and_account() -> None:
    with mock_imports(account_id="111122223333"):
        east = session_client(region="us-east-1")
        west = session_client(region="eu-west-1")
        app = east.create_app(CreateApplicationRequest={"Name": "x"})["ApplicationResponse"]
        assert app["Arn"].startswith("arn:aws:mobiletargeting:us-east-1:111122223333:apps/")
        with pytest.raises(west.exceptions.NotFoundException):
            west.get_app(ApplicationId=app["Id"])
        assert west.get_apps()["ApplicationsResponse"]["Item"] == []


# -- tags -------------------------------------------------------------------------------


def test_tags_on_apps_and_segments(m: Any, pinpoint: Any) -> None:
    app = pinpoint.create_app(CreateApplicationRequest={"Name": "t", "tags": {"a": "1"}})
    arn = app["ApplicationResponse"]["Arn"]
    tagged = pinpoint.tag_resource(ResourceArn=arn, TagsModel={"tags": {"b": "2", "a": "9"}})
    assert tagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert pinpoint.list_tags_for_resource(ResourceArn=arn)["TagsModel"] == {
        "tags": {"a": "9", "b": "2"}
    }
    untagged = pinpoint.untag_resource(ResourceArn=arn, TagKeys=["a", "absent"])
    assert untagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert pinpoint.list_tags_for_resource(ResourceArn=arn)["TagsModel"] == {"tags": {"b": "2"}}
    app_id = app["ApplicationResponse"]["Id"]
    job = run_import(m, pinpoint, app_id, ONE, DefineSegment=True, SegmentName="s")
    segment = pinpoint.get_segment(ApplicationId=app_id, SegmentId=job["Definition"]["SegmentId"])
    segment_arn = segment["SegmentResponse"]["Arn"]
    pinpoint.tag_resource(ResourceArn=segment_arn, TagsModel={"tags": {"seg": "yes"}})
    assert pinpoint.list_tags_for_resource(ResourceArn=segment_arn)["TagsModel"]["tags"] == {
        "seg": "yes"
    }
    assert pinpoint.get_segment(ApplicationId=app_id, SegmentId=job["Definition"]["SegmentId"])[
        "SegmentResponse"
    ]["tags"] == {"seg": "yes"}


def test_tagging_an_unknown_arn_is_not_found(pinpoint: Any) -> None:
    arn = f"arn:aws:mobiletargeting:us-east-1:{ACCOUNT}:apps/{'a' * 32}"
    with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
        pinpoint.list_tags_for_resource(ResourceArn=arn)
    assert error_of(caught.value) == ("NotFoundException", f"Resource not found: {arn}", 404)


@pytest.mark.importmock(progression="manual")
def test_deleting_an_app_while_its_job_runs(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    m.put_object(BUCKET, "a.csv", ONE)
    start(pinpoint, app, f"s3://{BUCKET}/a.csv")
    pinpoint.delete_app(ApplicationId=app)
    m.settle()
    assert [info.status for info in m.jobs()] == ["COMPLETED"]
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.get_app(ApplicationId=app)
    assert pinpoint.get_apps()["ApplicationsResponse"]["Item"] == []

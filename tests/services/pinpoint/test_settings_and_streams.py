"""An app's settings (Get/UpdateApplicationSettings) and its event stream (Put/Get/Delete)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from freezegun import freeze_time

from .conftest import ACCOUNT, ROLE, error_of, make_app

DATE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
UNKNOWN_APP = "0" * 32
KINESIS = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/pinpoint-events"
FIREHOSE = f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/pinpoint-events"


def settings_of(pinpoint: Any, app_id: str) -> dict[str, Any]:
    resource: dict[str, Any] = pinpoint.get_application_settings(ApplicationId=app_id)[
        "ApplicationSettingsResource"
    ]
    return resource


def update(pinpoint: Any, app_id: str, **request: Any) -> dict[str, Any]:
    resource: dict[str, Any] = pinpoint.update_application_settings(
        ApplicationId=app_id, WriteApplicationSettingsRequest=request
    )["ApplicationSettingsResource"]
    return resource


# -- settings -------------------------------------------------------------------------


def test_a_new_app_has_empty_default_settings(pinpoint: Any, app_id: str) -> None:
    created = pinpoint.get_app(ApplicationId=app_id)["ApplicationResponse"]["CreationDate"]
    assert settings_of(pinpoint, app_id) == {
        "ApplicationId": app_id,
        "CampaignHook": {},
        "LastModifiedDate": created,
        "Limits": {},
        "QuietTime": {},
    }


@freeze_time("2026-05-01T12:00:00Z")
def test_update_sets_what_it_gives_and_keeps_the_rest(pinpoint: Any, app_id: str) -> None:
    first = update(
        pinpoint,
        app_id,
        CampaignHook={"LambdaFunctionName": "filter-fn", "Mode": "FILTER"},
        Limits={"Daily": 5, "MaximumDuration": 600, "MessagesPerSecond": 50, "Total": 10},
        QuietTime={"Start": "22:00", "End": "07:30"},
        CloudWatchMetricsEnabled=True,
        EventTaggingEnabled=False,
    )
    assert re.fullmatch(DATE, first["LastModifiedDate"])
    assert first == {
        "ApplicationId": app_id,
        "CampaignHook": {"LambdaFunctionName": "filter-fn", "Mode": "FILTER"},
        "LastModifiedDate": first["LastModifiedDate"],
        "Limits": {"Daily": 5, "MaximumDuration": 600, "MessagesPerSecond": 50, "Total": 10},
        "QuietTime": {"Start": "22:00", "End": "07:30"},
    }
    assert settings_of(pinpoint, app_id) == first
    assert first["LastModifiedDate"] == "2026-05-01T12:00:00.000Z"

    with freeze_time("2026-05-01T12:00:05Z"):
        second = _second_update(pinpoint, app_id)
    assert second["LastModifiedDate"] == "2026-05-01T12:00:05.000Z"
    assert second["Limits"] == {"Daily": 7}
    assert second["CampaignHook"] == first["CampaignHook"]
    assert second["QuietTime"] == first["QuietTime"]
    assert second["JourneyLimits"] == {
        "DailyCap": 3,
        "TimeframeCap": {"Cap": 4, "Days": 7},
        "TotalCap": 9,
    }
    # An empty structure clears it; an empty request changes nothing but the date.
    third = update(pinpoint, app_id, CampaignHook={})
    assert third["CampaignHook"] == {}
    assert update(pinpoint, app_id)["Limits"] == {"Daily": 7}


def _second_update(pinpoint: Any, app_id: str) -> dict[str, Any]:
    # A structure given replaces the stored one whole; those not given stay as they were.
    return update(
        pinpoint,
        app_id,
        Limits={"Daily": 7},
        JourneyLimits={"DailyCap": 3, "TimeframeCap": {"Cap": 4, "Days": 7}, "TotalCap": 9},
    )


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"Limits": {"Daily": 101}}, "Limits.Daily must be from 0 to 100; got 101."),
        ({"Limits": {"Total": -1}}, "Limits.Total must be from 0 to 100; got -1."),
        (
            {"Limits": {"MessagesPerSecond": 0}},
            "Limits.MessagesPerSecond must be from 1 to 20000; got 0.",
        ),
        (
            {"Limits": {"MessagesPerSecond": 20001}},
            "Limits.MessagesPerSecond must be from 1 to 20000; got 20001.",
        ),
        (
            {"Limits": {"MaximumDuration": 59}},
            "Limits.MaximumDuration must be at least 60; got 59.",
        ),
        ({"Limits": {"Session": -5}}, "Limits.Session must be at least 0; got -5."),
        (
            {"QuietTime": {"Start": "7:30"}},
            "QuietTime.Start '7:30' is not a time in HH:MM form (00:00 to 23:59).",
        ),
        (
            {"QuietTime": {"Start": "22:00", "End": "24:00"}},
            "QuietTime.End '24:00' is not a time in HH:MM form (00:00 to 23:59).",
        ),
        (
            {"JourneyLimits": {"DailyCap": 101}},
            "JourneyLimits.DailyCap must be from 0 to 100; got 101.",
        ),
        (
            {"JourneyLimits": {"TimeframeCap": {"Days": 31}}},
            "JourneyLimits.TimeframeCap.Days must be from 0 to 30; got 31.",
        ),
    ],
)
def test_documented_bounds_are_checked(
    pinpoint: Any, app_id: str, request_: dict[str, Any], message: str
) -> None:
    before = settings_of(pinpoint, app_id)
    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        update(pinpoint, app_id, **request_)
    assert error_of(caught.value) == ("BadRequestException", message, 400)
    assert settings_of(pinpoint, app_id) == before


def test_bounds_themselves_are_accepted(pinpoint: Any, app_id: str) -> None:
    limits = {"Daily": 100, "Total": 0, "MessagesPerSecond": 20000, "MaximumDuration": 60}
    assert update(pinpoint, app_id, Limits=limits)["Limits"] == limits
    quiet = {"Start": "00:00", "End": "23:59"}
    assert update(pinpoint, app_id, QuietTime=quiet)["QuietTime"] == quiet


def test_settings_of_an_unknown_app_are_not_found(pinpoint: Any) -> None:
    for call in (
        lambda: pinpoint.get_application_settings(ApplicationId=UNKNOWN_APP),
        lambda: pinpoint.update_application_settings(
            ApplicationId=UNKNOWN_APP, WriteApplicationSettingsRequest={}
        ),
    ):
        with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
            call()
        assert error_of(caught.value) == ("NotFoundException", "Application not found", 404)


def test_settings_belong_to_one_app(pinpoint: Any, app_id: str) -> None:
    other = make_app(pinpoint, "other")
    update(pinpoint, app_id, Limits={"Daily": 1})
    assert settings_of(pinpoint, other)["Limits"] == {}


# -- event stream -----------------------------------------------------------------------


@pytest.mark.parametrize("destination", [KINESIS, FIREHOSE])
def test_put_get_and_delete_an_event_stream(pinpoint: Any, app_id: str, destination: str) -> None:
    with freeze_time("2026-05-01T12:00:00Z"):
        put = _put(pinpoint, app_id, destination)
    assert put["LastModifiedDate"] == "2026-05-01T12:00:00.000Z"
    assert put == {
        "ApplicationId": app_id,
        "DestinationStreamArn": destination,
        "LastModifiedDate": put["LastModifiedDate"],
        "RoleArn": ROLE,
    }
    assert pinpoint.get_event_stream(ApplicationId=app_id)["EventStream"] == put

    # A second put replaces the stream.
    with freeze_time("2026-05-01T12:00:03Z"):
        replaced = _put(pinpoint, app_id, KINESIS)
    assert replaced["DestinationStreamArn"] == KINESIS
    assert replaced["LastModifiedDate"] == "2026-05-01T12:00:03.000Z"

    deleted = pinpoint.delete_event_stream(ApplicationId=app_id)["EventStream"]
    assert deleted == replaced
    with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
        pinpoint.get_event_stream(ApplicationId=app_id)
    assert error_of(caught.value) == ("NotFoundException", "Resource not found", 404)


def _put(pinpoint: Any, app_id: str, destination: str) -> dict[str, Any]:
    stream: dict[str, Any] = pinpoint.put_event_stream(
        ApplicationId=app_id,
        WriteEventStream={"DestinationStreamArn": destination, "RoleArn": ROLE},
    )["EventStream"]
    return stream


def test_an_app_without_a_stream_has_none_to_get_or_delete(pinpoint: Any, app_id: str) -> None:
    for call in (pinpoint.get_event_stream, pinpoint.delete_event_stream):
        with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
            call(ApplicationId=app_id)
        assert error_of(caught.value) == ("NotFoundException", "Resource not found", 404)


def test_event_streams_of_an_unknown_app_are_not_found(pinpoint: Any) -> None:
    calls = (
        lambda: pinpoint.put_event_stream(
            ApplicationId=UNKNOWN_APP,
            WriteEventStream={"DestinationStreamArn": KINESIS, "RoleArn": ROLE},
        ),
        lambda: pinpoint.get_event_stream(ApplicationId=UNKNOWN_APP),
        lambda: pinpoint.delete_event_stream(ApplicationId=UNKNOWN_APP),
    )
    for call in calls:
        with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
            call()
        assert error_of(caught.value) == ("NotFoundException", "Application not found", 404)


@pytest.mark.parametrize(
    "destination",
    [
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:queue-name",
        f"arn:aws:kinesis:us-east-1:{ACCOUNT}:deliverystream/wrong-kind",
        f"arn:aws:firehose:us-east-1:{ACCOUNT}:stream/wrong-kind",
        "pinpoint-events",
        f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/",
    ],
)
def test_the_destination_must_be_a_kinesis_or_firehose_stream_arn(
    pinpoint: Any, app_id: str, destination: str
) -> None:
    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        pinpoint.put_event_stream(
            ApplicationId=app_id,
            WriteEventStream={"DestinationStreamArn": destination, "RoleArn": ROLE},
        )
    assert error_of(caught.value) == (
        "BadRequestException",
        "Destination stream validation failed",
        400,
    )
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.get_event_stream(ApplicationId=app_id)


def test_the_role_must_be_an_iam_role_arn(pinpoint: Any, app_id: str) -> None:
    user = f"arn:aws:iam::{ACCOUNT}:user/events"
    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        pinpoint.put_event_stream(
            ApplicationId=app_id,
            WriteEventStream={"DestinationStreamArn": KINESIS, "RoleArn": user},
        )
    assert error_of(caught.value) == (
        "BadRequestException",
        f"RoleArn '{user}' is not the ARN of an IAM role (arn:aws:iam::<account>:role/<name>).",
        400,
    )


def test_deleting_the_app_deletes_its_settings_and_stream(pinpoint: Any, app_id: str) -> None:
    update(pinpoint, app_id, Limits={"Daily": 3})
    pinpoint.put_event_stream(
        ApplicationId=app_id,
        WriteEventStream={"DestinationStreamArn": KINESIS, "RoleArn": ROLE},
    )
    pinpoint.delete_app(ApplicationId=app_id)
    for call in (pinpoint.get_application_settings, pinpoint.get_event_stream):
        with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
            call(ApplicationId=app_id)
        assert error_of(caught.value)[1] == "Application not found"

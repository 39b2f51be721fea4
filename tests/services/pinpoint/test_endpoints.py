"""The endpoint APIs: GetEndpoint, UpdateEndpoint, DeleteEndpoint, Get/DeleteUserEndpoints."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import endpoint, error_of

DATE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
UNKNOWN_APP = "0" * 32


def put(pinpoint: Any, app_id: str, endpoint_id: str, **request: Any) -> dict[str, Any]:
    """UpdateEndpoint; returns the whole response."""
    return pinpoint.update_endpoint(
        ApplicationId=app_id, EndpointId=endpoint_id, EndpointRequest=request
    )


def email(pinpoint: Any, app_id: str, endpoint_id: str, **extra: Any) -> dict[str, Any]:
    """Create (or update) an EMAIL endpoint."""
    return put(
        pinpoint,
        app_id,
        endpoint_id,
        Address=f"{endpoint_id}@example.com",
        ChannelType="EMAIL",
        **extra,
    )


def user_items(pinpoint: Any, app_id: str, user: str) -> list[dict[str, Any]]:
    return pinpoint.get_user_endpoints(ApplicationId=app_id, UserId=user)["EndpointsResponse"][
        "Item"
    ]


def assert_modeled_error(error: ClientError, code: str, message: str, status: int) -> None:
    """The error's code, message and status, and the modeled body and headers it came with."""
    assert error_of(error) == (code, message, status)
    response = error.response
    assert response["Message"] == message
    assert response["RequestID"] == response["ResponseMetadata"]["RequestId"]
    assert re.fullmatch(r"[0-9a-f-]{36}", response["RequestID"])
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == code


# -- UpdateEndpoint ----------------------------------------------------------------------


def test_update_endpoint_accepts_with_202_and_its_request_id(pinpoint: Any, app_id: str) -> None:
    response = email(pinpoint, app_id, "new-1")

    metadata = response["ResponseMetadata"]
    assert metadata["HTTPStatusCode"] == 202
    assert response["MessageBody"] == {"Message": "Accepted", "RequestID": metadata["RequestId"]}
    assert metadata["HTTPHeaders"]["x-amzn-requestid"] == metadata["RequestId"]


def test_update_endpoint_creates_an_endpoint_with_defaults(pinpoint: Any, app_id: str) -> None:
    response = put(
        pinpoint,
        app_id,
        "phone-1",
        Address="+14255550100",
        ChannelType="SMS",
        Attributes={"interests": ["hiking", "art"]},
        Metrics={"visits": 2.0},
        User={"UserId": "user-1", "UserAttributes": {"tier": ["gold"]}},
    )

    stored = endpoint(pinpoint, app_id, "phone-1")
    cohort = stored.pop("CohortId")
    assert cohort in {str(n) for n in range(100)}
    created, effective = stored.pop("CreationDate"), stored.pop("EffectiveDate")
    assert re.fullmatch(DATE, created)
    assert effective == created
    assert stored == {
        "Id": "phone-1",
        "ApplicationId": app_id,
        "Address": "+14255550100",
        "ChannelType": "SMS",
        "EndpointStatus": "ACTIVE",
        "OptOut": "NONE",
        "RequestId": response["ResponseMetadata"]["RequestId"],
        "Attributes": {"interests": ["hiking", "art"]},
        "Metrics": {"visits": 2.0},
        "User": {"UserId": "user-1", "UserAttributes": {"tier": ["gold"]}},
    }


def test_cohort_id_is_stable_for_an_endpoint_id(pinpoint: Any, app_id: str) -> None:
    email(pinpoint, app_id, "cohort-1")
    first = endpoint(pinpoint, app_id, "cohort-1")["CohortId"]
    pinpoint.delete_endpoint(ApplicationId=app_id, EndpointId="cohort-1")

    email(pinpoint, app_id, "COHORT-1")

    assert endpoint(pinpoint, app_id, "cohort-1")["CohortId"] == first
    assert 0 <= int(first) <= 99 and first == str(int(first))


def test_update_endpoint_given_values_are_stored(pinpoint: Any, app_id: str) -> None:
    email(
        pinpoint,
        app_id,
        "given-1",
        OptOut="ALL",
        EndpointStatus="INACTIVE",
        EffectiveDate="2024-05-01T12:00:00.000Z",
        Demographic={"Platform": "ios", "Timezone": "Europe/Paris"},
        Location={"City": "Paris", "Latitude": 48.8566, "Longitude": 2.3522},
    )

    stored = endpoint(pinpoint, app_id, "given-1")
    assert stored["OptOut"] == "ALL"
    assert stored["EndpointStatus"] == "INACTIVE"
    assert stored["EffectiveDate"] == "2024-05-01T12:00:00.000Z"
    assert stored["Demographic"] == {"Platform": "ios", "Timezone": "Europe/Paris"}
    assert stored["Location"] == {"City": "Paris", "Latitude": 48.8566, "Longitude": 2.3522}


def test_update_endpoint_merges_into_an_existing_endpoint(pinpoint: Any, app_id: str) -> None:
    email(
        pinpoint,
        app_id,
        "merge-1",
        Attributes={"color": ["red"], "size": ["M"]},
        Metrics={"visits": 1.0},
        User={"UserId": "merger", "UserAttributes": {"tier": ["gold"]}},
    )
    before = endpoint(pinpoint, app_id, "merge-1")

    second = put(
        pinpoint,
        app_id,
        "merge-1",
        Attributes={"color": ["blue", "green"]},
        Metrics={"spend": 9.5},
        User={"UserAttributes": {"lang": ["en"]}},
    )

    after = endpoint(pinpoint, app_id, "merge-1")
    assert second["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert after["Address"] == "merge-1@example.com"  # not needed for an update, kept
    assert after["ChannelType"] == "EMAIL"
    assert after["Attributes"] == {"color": ["blue", "green"], "size": ["M"]}
    assert after["Metrics"] == {"visits": 1.0, "spend": 9.5}
    assert after["User"] == {
        "UserId": "merger",
        "UserAttributes": {"tier": ["gold"], "lang": ["en"]},
    }
    assert after["CreationDate"] == before["CreationDate"]
    assert after["CohortId"] == before["CohortId"]
    assert after["RequestId"] == second["ResponseMetadata"]["RequestId"]
    assert after["RequestId"] != before["RequestId"]


def test_endpoint_ids_are_case_insensitive(pinpoint: Any, app_id: str) -> None:
    email(pinpoint, app_id, "Mixed-Case")

    put(pinpoint, app_id, "MIXED-CASE", OptOut="ALL")

    stored = endpoint(pinpoint, app_id, "mixed-case")
    assert stored["Id"] == "Mixed-Case"
    assert stored["OptOut"] == "ALL"
    assert stored["Address"] == "Mixed-Case@example.com"


def test_updating_an_inactive_endpoint_makes_it_active(pinpoint: Any, app_id: str) -> None:
    # Pinpoint documents that creating or updating an endpoint sets it ACTIVE.
    email(pinpoint, app_id, "sleepy-1", EndpointStatus="INACTIVE")
    assert endpoint(pinpoint, app_id, "sleepy-1")["EndpointStatus"] == "INACTIVE"

    put(pinpoint, app_id, "sleepy-1", OptOut="ALL")

    assert endpoint(pinpoint, app_id, "sleepy-1")["EndpointStatus"] == "ACTIVE"


def test_new_endpoint_without_address_is_bad_request(pinpoint: Any, app_id: str) -> None:
    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        put(pinpoint, app_id, "lonely-1", ChannelType="EMAIL")

    assert_modeled_error(
        caught.value,
        "BadRequestException",
        "Missing Address: a new endpoint needs an Address.",
        400,
    )
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        endpoint(pinpoint, app_id, "lonely-1")


def test_new_endpoint_without_channel_type_is_bad_request(pinpoint: Any, app_id: str) -> None:
    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        put(pinpoint, app_id, "lonely-2", Address="a@example.com")

    assert error_of(caught.value) == (
        "BadRequestException",
        "Missing ChannelType: a new endpoint needs a ChannelType.",
        400,
    )


def test_bad_channel_type_is_bad_request(pinpoint: Any, app_id: str) -> None:
    channels = ", ".join(pinpoint.meta.service_model.shape_for("ChannelType").enum)

    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        put(pinpoint, app_id, "bird-1", Address="a@example.com", ChannelType="PIGEON")

    assert_modeled_error(
        caught.value,
        "BadRequestException",
        "1 validation error detected: Value 'PIGEON' at 'EndpointRequest.ChannelType' failed "
        f"to satisfy constraint: Member must satisfy enum value set: [{channels}]",
        400,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("OptOut", "SOMETIMES", "OptOut 'SOMETIMES' is not ALL or NONE."),
        ("EndpointStatus", "GONE", "EndpointStatus 'GONE' is not ACTIVE or INACTIVE."),
        ("EffectiveDate", "tomorrow", "EffectiveDate 'tomorrow' is not an ISO 8601 date."),
    ],
)
def test_bad_endpoint_value_is_bad_request(
    pinpoint: Any, app_id: str, field: str, value: str, message: str
) -> None:
    with pytest.raises(ClientError) as caught:
        email(pinpoint, app_id, "odd-1", **{field: value})

    assert_modeled_error(caught.value, "BadRequestException", message, 400)
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        endpoint(pinpoint, app_id, "odd-1")


def test_bad_value_in_an_update_leaves_the_endpoint_unchanged(pinpoint: Any, app_id: str) -> None:
    email(pinpoint, app_id, "steady-1", Attributes={"color": ["red"]})

    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        put(pinpoint, app_id, "steady-1", Attributes={"color": ["blue"]}, OptOut="MAYBE")

    assert error_of(caught.value)[1] == "OptOut 'MAYBE' is not ALL or NONE."
    assert endpoint(pinpoint, app_id, "steady-1")["Attributes"] == {"color": ["red"]}


def test_sixteenth_endpoint_of_a_user_is_bad_request(pinpoint: Any, app_id: str) -> None:
    for n in range(1, 16):
        email(pinpoint, app_id, f"dev-{n:02d}", User={"UserId": "busy"})

    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        email(pinpoint, app_id, "dev-16", User={"UserId": "busy"})

    assert_modeled_error(
        caught.value,
        "BadRequestException",
        "User 'busy' already has 15 endpoints, the most one user can have.",
        400,
    )
    # One of the 15 can still be updated.
    assert (
        put(pinpoint, app_id, "dev-07", OptOut="ALL", User={"UserId": "busy"})["ResponseMetadata"][
            "HTTPStatusCode"
        ]
        == 202
    )
    assert len(user_items(pinpoint, app_id, "busy")) == 15


def test_custom_attribute_names_are_limited_to_250_per_app(pinpoint: Any, app_id: str) -> None:
    email(pinpoint, app_id, "wide-1", Attributes={f"a{n:03d}": ["v"] for n in range(250)})

    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        email(pinpoint, app_id, "wide-2", Metrics={"one_more": 1.0})

    assert error_of(caught.value)[1] == (
        "The endpoint would bring the app to 251 custom attributes; at most 250 are allowed."
    )
    # Names already in use are free.
    email(pinpoint, app_id, "wide-3", Attributes={"a000": ["w"]})
    assert endpoint(pinpoint, app_id, "wide-3")["Attributes"] == {"a000": ["w"]}


# -- GetEndpoint / DeleteEndpoint --------------------------------------------------------


def test_get_unknown_endpoint_is_not_found(pinpoint: Any, app_id: str) -> None:
    with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
        endpoint(pinpoint, app_id, "nobody")

    assert_modeled_error(caught.value, "NotFoundException", "Endpoint not found: nobody", 404)


def test_get_endpoint_answers_200(pinpoint: Any, app_id: str) -> None:
    email(pinpoint, app_id, "plain-1")

    response = pinpoint.get_endpoint(ApplicationId=app_id, EndpointId="plain-1")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["EndpointResponse"]["Address"] == "plain-1@example.com"


def test_delete_endpoint_returns_it_then_it_is_gone(pinpoint: Any, app_id: str) -> None:
    email(pinpoint, app_id, "doomed-1", User={"UserId": "owner"})
    stored = endpoint(pinpoint, app_id, "doomed-1")

    response = pinpoint.delete_endpoint(ApplicationId=app_id, EndpointId="DOOMED-1")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert response["EndpointResponse"] == stored
    with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
        endpoint(pinpoint, app_id, "doomed-1")
    assert error_of(caught.value) == ("NotFoundException", "Endpoint not found: doomed-1", 404)
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.delete_endpoint(ApplicationId=app_id, EndpointId="doomed-1")
    # The user had only that endpoint.
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        user_items(pinpoint, app_id, "owner")


# -- GetUserEndpoints / DeleteUserEndpoints ----------------------------------------------


def test_get_user_endpoints_lists_that_users_endpoints(pinpoint: Any, app_id: str) -> None:
    email(pinpoint, app_id, "mine-1", User={"UserId": "alice"})
    put(
        pinpoint,
        app_id,
        "mine-2",
        Address="+14255550101",
        ChannelType="SMS",
        User={"UserId": "alice"},
    )
    email(pinpoint, app_id, "theirs-1", User={"UserId": "bob"})

    response = pinpoint.get_user_endpoints(ApplicationId=app_id, UserId="alice")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    items = response["EndpointsResponse"]["Item"]
    assert sorted((item["Id"], item["ChannelType"]) for item in items) == [
        ("mine-1", "EMAIL"),
        ("mine-2", "SMS"),
    ]
    assert all(item["User"] == {"UserId": "alice"} for item in items)
    assert items == [endpoint(pinpoint, app_id, item["Id"]) for item in items]


def test_moving_an_endpoint_to_another_user(pinpoint: Any, app_id: str) -> None:
    email(pinpoint, app_id, "mover-1", User={"UserId": "first"})

    put(pinpoint, app_id, "mover-1", User={"UserId": "second"})

    assert [item["Id"] for item in user_items(pinpoint, app_id, "second")] == ["mover-1"]
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        user_items(pinpoint, app_id, "first")


def test_delete_user_endpoints_removes_only_that_users(pinpoint: Any, app_id: str) -> None:
    email(pinpoint, app_id, "carol-1", User={"UserId": "carol"})
    email(pinpoint, app_id, "carol-2", User={"UserId": "carol"})
    email(pinpoint, app_id, "dave-1", User={"UserId": "dave"})
    before = {item["Id"]: item for item in user_items(pinpoint, app_id, "carol")}

    response = pinpoint.delete_user_endpoints(ApplicationId=app_id, UserId="carol")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    deleted = response["EndpointsResponse"]["Item"]
    assert {item["Id"]: item for item in deleted} == before
    assert sorted(before) == ["carol-1", "carol-2"]
    for gone in ("carol-1", "carol-2"):
        with pytest.raises(pinpoint.exceptions.NotFoundException):
            endpoint(pinpoint, app_id, gone)
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        user_items(pinpoint, app_id, "carol")
    assert endpoint(pinpoint, app_id, "dave-1")["User"] == {"UserId": "dave"}


@pytest.mark.parametrize("operation", ["get_user_endpoints", "delete_user_endpoints"])
def test_unknown_user_is_not_found(pinpoint: Any, app_id: str, operation: str) -> None:
    with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
        getattr(pinpoint, operation)(ApplicationId=app_id, UserId="ghost")

    assert_modeled_error(
        caught.value, "NotFoundException", "No endpoints found for user: ghost", 404
    )


# -- bad ids and unknown apps ------------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["cost$1", "a{b", "a}b"])
@pytest.mark.parametrize("operation", ["get_endpoint", "delete_endpoint", "update_endpoint"])
def test_endpoint_id_with_dollar_or_brace_is_bad_request(
    pinpoint: Any, app_id: str, bad_id: str, operation: str
) -> None:
    kwargs: dict[str, Any] = {"ApplicationId": app_id, "EndpointId": bad_id}
    if operation == "update_endpoint":
        kwargs["EndpointRequest"] = {"Address": "a@example.com", "ChannelType": "EMAIL"}

    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        getattr(pinpoint, operation)(**kwargs)

    assert_modeled_error(
        caught.value,
        "BadRequestException",
        f"The endpoint ID '{bad_id}' is not valid: it can't contain $, {{ or }}.",
        400,
    )


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("get_endpoint", {"EndpointId": "e1"}),
        ("delete_endpoint", {"EndpointId": "e1"}),
        (
            "update_endpoint",
            {"EndpointId": "e1", "EndpointRequest": {"Address": "a@b.c", "ChannelType": "EMAIL"}},
        ),
        ("get_user_endpoints", {"UserId": "u1"}),
        ("delete_user_endpoints", {"UserId": "u1"}),
    ],
)
def test_unknown_application_is_not_found(
    pinpoint: Any, operation: str, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as caught:
        getattr(pinpoint, operation)(ApplicationId=UNKNOWN_APP, **kwargs)

    assert_modeled_error(caught.value, "NotFoundException", "Application not found", 404)


def test_endpoints_belong_to_their_application(pinpoint: Any, app_id: str) -> None:
    other = pinpoint.create_app(CreateApplicationRequest={"Name": "other"})["ApplicationResponse"][
        "Id"
    ]
    email(pinpoint, app_id, "shared-id")

    with pytest.raises(pinpoint.exceptions.NotFoundException) as caught:
        endpoint(pinpoint, other, "shared-id")

    assert error_of(caught.value)[1] == "Endpoint not found: shared-id"
    assert endpoint(pinpoint, app_id, "shared-id")["ApplicationId"] == app_id


def test_every_endpoint_answer_has_attributes_and_user_even_when_empty(
    pinpoint: Any, app_id: str
) -> None:
    # The CLI's documented get-endpoint output has "Attributes": {}, the developer guide's
    # GET endpoint response "User": {}; Demographic, Location and Metrics appear when set.
    email(pinpoint, app_id, "bare-1")
    email(pinpoint, app_id, "owned-1", User={"UserId": "zed"})
    email(pinpoint, app_id, "owned-2", User={"UserId": "zed"}, Attributes={"Tier": ["gold"]})

    bare = endpoint(pinpoint, app_id, "bare-1")
    assert (bare["Attributes"], bare["User"]) == ({}, {})
    assert not {"Demographic", "Location", "Metrics"} & set(bare)
    [first, second] = user_items(pinpoint, app_id, "zed")
    assert (first["Attributes"], first["User"]) == ({}, {"UserId": "zed"})
    assert (second["Attributes"], second["User"]) == ({"Tier": ["gold"]}, {"UserId": "zed"})
    deleted = pinpoint.delete_endpoint(ApplicationId=app_id, EndpointId="bare-1")
    assert (deleted["EndpointResponse"]["Attributes"], deleted["EndpointResponse"]["User"]) == (
        {},
        {},
    )
    removed = pinpoint.delete_user_endpoints(ApplicationId=app_id, UserId="zed")
    assert [item["Attributes"] for item in removed["EndpointsResponse"]["Item"]] == [
        {},
        {"Tier": ["gold"]},
    ]

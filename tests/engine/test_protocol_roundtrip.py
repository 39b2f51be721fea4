"""The engine serves any rest-json model: a stand-in backend for Pinpoint and Lex V2.

Pinpoint and Lex V2 get their real backends in later work; these stand-ins prove that the
engine already parses, validates and serialises their wire formats (structure payloads,
iso8601 timestamps in the query string and body, hyphenated URI labels, HTTP 201/202,
BadRequestException with ``Message`` and ``RequestID``) with no engine change.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from botocore.config import Config

from importmock import mock_imports
from importmock.engine.backend import Backend, backend_for, register, unregister
from tests.helpers import make_client

UTC = datetime.timezone.utc
START = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
END = datetime.datetime(2026, 1, 3, 0, 0, 0, tzinfo=UTC)


class StandInPinpoint(Backend):
    clients = ("pinpoint",)
    validation_error = "BadRequestException"

    def get_application_date_range_kpi(self, **params: Any) -> dict[str, Any]:
        # Echo what was parsed: the test checks the types the backend received.
        return {
            "ApplicationDateRangeKpiResponse": {
                "ApplicationId": params["ApplicationId"],
                "KpiName": params["KpiName"],
                "StartTime": params["StartTime"],
                "EndTime": params["EndTime"].timestamp(),  # floats are written as well
                "KpiResult": {"Rows": []},
                "NextToken": type(params["StartTime"]).__name__,
            }
        }

    def create_journey(self, ApplicationId: str, WriteJourneyRequest: dict) -> dict[str, Any]:
        schedule = WriteJourneyRequest["Schedule"]
        return {
            "JourneyResponse": {
                "ApplicationId": ApplicationId,
                "Id": "j" * 32,
                # The type the backend received, in a member that takes any text.
                "Name": f"{WriteJourneyRequest['Name']}:{type(schedule['StartTime']).__name__}",
                "Schedule": schedule,
                "State": "DRAFT",
            }
        }


class StandInLex(Backend):
    clients = ("lexv2-models",)
    #: What DescribeBotLocale answers for its double member (set by a test).
    threshold: ClassVar[float] = 0.4

    def create_upload_url(self) -> dict[str, Any]:
        return {"importId": "ABCDEFGHIJ", "uploadUrl": "https://example.invalid/upload"}

    def describe_bot_locale(self, botId: str, botVersion: str, localeId: str) -> dict[str, Any]:
        return {
            "botId": botId,
            "botVersion": botVersion,
            "localeId": localeId,
            "nluIntentConfidenceThreshold": self.threshold,
        }


@pytest.fixture
def stand_ins() -> Iterator[None]:
    import importmock.services  # noqa: F401 - real backends register first; restored below

    replaced = [backend_for(client) for client in ("pinpoint", "lexv2-models")]
    register(StandInPinpoint)
    register(StandInLex)
    yield
    unregister(StandInPinpoint)
    unregister(StandInLex)
    for real in replaced:
        if real is not None:
            register(real)


def test_pinpoint_query_timestamps_and_structure_payloads(stand_ins: None) -> None:
    with mock_imports():
        pinpoint = make_client("pinpoint")
        kpi = pinpoint.get_application_date_range_kpi(
            ApplicationId="a" * 32, KpiName="email-open-rate", StartTime=START, EndTime=END
        )["ApplicationDateRangeKpiResponse"]
        assert (kpi["StartTime"], kpi["EndTime"]) == (START, END)
        assert kpi["NextToken"] == "datetime"  # the backend got datetimes, not strings

        journey = pinpoint.create_journey(
            ApplicationId="a" * 32,
            WriteJourneyRequest={"Name": "j", "Schedule": {"StartTime": START, "EndTime": END}},
        )
        assert journey["ResponseMetadata"]["HTTPStatusCode"] == 201
        assert journey["JourneyResponse"]["Name"] == "j:datetime"
        assert journey["JourneyResponse"]["Schedule"] == {"StartTime": START, "EndTime": END}


def test_pinpoint_invalid_input_is_bad_request_with_its_modeled_body(stand_ins: None) -> None:
    with mock_imports():
        pinpoint = make_client("pinpoint", config=Config(parameter_validation=False))
        with pytest.raises(pinpoint.exceptions.BadRequestException) as raised:
            pinpoint.create_journey(ApplicationId="a" * 32, WriteJourneyRequest={})
        response = raised.value.response
        assert response["Error"]["Message"] == (
            "1 validation error detected: Value null at 'WriteJourneyRequest.Name' failed to "
            "satisfy constraint: Member must not be null"
        )
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert response["RequestID"] == response["ResponseMetadata"]["RequestId"]


def test_pinpoint_operation_without_a_method_names_itself(stand_ins: None) -> None:
    with mock_imports():
        pinpoint = make_client("pinpoint")
        with pytest.raises(pinpoint.exceptions.ClientError) as raised:
            pinpoint.get_apps()
        assert raised.value.response["Error"]["Code"] == "NotImplemented"
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
        assert raised.value.response["Error"]["Message"].startswith(
            "importmock does not implement pinpoint.GetApps; implemented pinpoint operations: "
            "CreateJourney, GetApplicationDateRangeKpi"
        )


def test_lex_routes_and_errors(stand_ins: None) -> None:
    with mock_imports():
        lex = make_client("lexv2-models")
        assert lex.create_upload_url()["importId"] == "ABCDEFGHIJ"
        with pytest.raises(lex.exceptions.ClientError) as raised:
            lex.describe_bot(botId="ABCDEFGHIJ")
        assert raised.value.response["Error"]["Code"] == "NotImplemented"


def test_a_missing_or_extra_trailing_slash_still_routes() -> None:
    """The JavaScript SDK v3 sends Lex V2's `/bots/{botId}/` as `/bots/{botId}`."""
    with mock_imports() as m:
        lex = make_client("lexv2-models")
        pinpoint = make_client("pinpoint")

        def toggle(request: Any, **_: Any) -> None:
            path, _, query = request.url.partition("?")
            path = path[:-1] if path.endswith("/") else path + "/"
            request.url = path + ("?" + query if query else "")

        for client in (lex, pinpoint):
            client.meta.events.register_first("before-sign", toggle)
        created = lex.create_upload_url()  # POST /createuploadurl
        assert lex.list_bots()["botSummaries"] == []  # POST /bots
        with pytest.raises(lex.exceptions.ResourceNotFoundException):
            lex.describe_import(importId=created["importId"])  # GET /imports/{id}
        assert pinpoint.get_apps()["ApplicationsResponse"] == {"Item": []}  # GET /v1/apps/
        assert [(c.operation, c.status) for c in m.calls] == [
            ("CreateUploadUrl", 200),
            ("ListBots", 200),
            ("DescribeImport", 404),
            ("GetApps", 200),
        ]


@pytest.mark.parametrize(
    ("held", "written", "check_responses"),
    [
        (float("nan"), "NaN", True),
        # Out of the member's 0-1 range too, which the response check would report.
        (float("inf"), "Infinity", False),
        (float("-inf"), "-Infinity", False),
    ],
)
def test_a_non_finite_double_is_written_as_restjson_writes_it(
    stand_ins: None,
    monkeypatch: pytest.MonkeyPatch,
    held: float,
    written: str,
    check_responses: bool,
) -> None:
    """No path lets a backend hold one (bodies refuse them); if one did, the answer is
    still JSON: restJson1's string form, which SDKs read back as the double, not the bare
    token no JSON parser but Python's reads."""
    monkeypatch.setattr(StandInLex, "threshold", held)
    with mock_imports(check_responses=check_responses):
        lex = make_client("lexv2-models")
        bodies: list[bytes] = []
        lex.meta.events.register(
            "after-call",
            lambda http_response, **_: bodies.append(http_response.content),
        )
        described = lex.describe_bot_locale(
            botId="ABCDEFGHIJ", botVersion="DRAFT", localeId="en_US"
        )
        assert f'"nluIntentConfidenceThreshold": "{written}"'.encode() in bodies[0]
        # botocore reads restJson1's strings back as the double they stand for.
        assert str(described["nluIntentConfidenceThreshold"]) == str(held)

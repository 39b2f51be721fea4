"""The controller over HTTP: /_importmock/<operation>, JSON in and out."""

from __future__ import annotations

import base64
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config

from importmock import mock_imports
from importmock.server import RunningServer, threaded_server
from tests.helpers import csv_text, error_raised

HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"


def _post(server: RunningServer, name: str, body: Any = None) -> requests.Response:
    if body is None:  # no arguments, but still declared JSON, as a web page cannot send
        return requests.post(
            f"{server.url}/_importmock/{name}",
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
    return requests.post(f"{server.url}/_importmock/{name}", json=body, timeout=10)


def _get(server: RunningServer, name: str) -> requests.Response:
    return requests.get(f"{server.url}/_importmock/{name}", timeout=10)


def _quick_response_job(
    server: RunningServer, *rows: list[str], kb_name: str = "kb"
) -> tuple[str, str]:
    client = server.client("qconnect")
    kb = client.create_knowledge_base(name=kb_name, knowledgeBaseType="QUICK_RESPONSES")
    kb_id = kb["knowledgeBase"]["knowledgeBaseId"]
    upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
    put = requests.put(
        upload["url"],
        data=csv_text(["name", "content"], *rows).encode(),
        headers=upload["headersToInclude"],
        timeout=10,
    )
    assert put.status_code == 200
    job = client.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]
    return kb_id, job["importJobId"]


def test_health_names_the_mocked_services(server: RunningServer) -> None:
    answer = _get(server, "health")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json() == {
        "status": "ok",
        "services": ["lexv2-models", "pinpoint", "qconnect", "wisdom"],
    }


def test_manual_jobs_move_with_advance_and_settle_over_http() -> None:
    with threaded_server(progression="manual") as server:
        kb_id, job_id = _quick_response_job(server, ["A", "a"])
        get = server.client("qconnect").get_import_job
        assert get(knowledgeBaseId=kb_id, importJobId=job_id)["importJob"]["status"] == (
            "START_IN_PROGRESS"
        )
        assert _post(server, "advance", {"job_id": job_id}).json() == {}
        jobs = _get(server, "jobs").json()["jobs"]
        assert [(j["job_id"], j["status"], j["finished"]) for j in jobs] == [
            (job_id, "COMPLETE", True)
        ]
        assert jobs[0]["kind"] == "quick-response import"
        assert [stage for stage, _ in jobs[0]["history"]] == ["START_IN_PROGRESS", "COMPLETE"]
        assert _post(server, "settle").status_code == 200


def test_settle_runs_every_job_to_its_end() -> None:
    with threaded_server(progression="manual") as server:
        _, job_id = _quick_response_job(server, ["A", "a"])
        assert _post(server, "settle").json() == {}
        assert [(j["job_id"], j["status"]) for j in _get(server, "jobs").json()["jobs"]] == [
            (job_id, "COMPLETE")
        ]


def test_fail_next_fails_the_next_job_with_the_reason(server: RunningServer) -> None:
    answer = _post(server, "fail_next", {"service": "qconnect", "reason": "The bucket is gone."})
    assert (answer.status_code, answer.json()) == (200, {})
    kb_id, job_id = _quick_response_job(server, ["A", "a"])
    job = server.client("qconnect").get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
    assert job["importJob"]["status"] == "FAILED"
    assert _get(server, "jobs").json()["jobs"][0]["failure_reason"] == "The bucket is gone."


def test_inject_error_answers_the_modeled_error_n_times(server: RunningServer) -> None:
    answer = _post(
        server,
        "inject_error",
        {
            "service": "pinpoint",
            "operation": "GetApps",
            "code": "TooManyRequestsException",
            "message": "slow down",
            "times": 2,
        },
    )
    assert (answer.status_code, answer.json()) == (200, {})
    first = requests.get(f"{server.url}/v1/apps", timeout=10)
    second = requests.get(f"{server.url}/v1/apps", timeout=10)
    third = requests.get(f"{server.url}/v1/apps", timeout=10)
    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.json()["Message"] == "slow down"
    assert [c["error_code"] for c in _get(server, "calls").json()["calls"]] == [
        "TooManyRequestsException",
        "TooManyRequestsException",
        None,
    ]


def test_inject_error_refuses_a_code_the_operation_cannot_return(server: RunningServer) -> None:
    answer = _post(
        server,
        "inject_error",
        {"service": "pinpoint", "operation": "GetApps", "code": "NoSuchThingException"},
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "UnknownErrorCode"
    assert answer.json()["message"].startswith(
        "pinpoint.GetApps cannot return 'NoSuchThingException'; its modeled errors are: "
    )


def test_calls_are_json_records(server: RunningServer) -> None:
    server.client("pinpoint").create_app(CreateApplicationRequest={"Name": "app"})
    assert _get(server, "calls").json() == {
        "calls": [
            {
                "service": "pinpoint",
                "operation": "CreateApp",
                "params": {"CreateApplicationRequest": {"Name": "app"}},
                "status": 201,
                "error_code": None,
                "region": "us-east-1",
                "account": "123456789012",
            }
        ]
    }


def test_put_object_seeds_pinpoint_imports(server: RunningServer) -> None:
    rows = "ChannelType,Address,Id\nEMAIL,a@example.com,e1\nEMAIL,b@example.com,e2\n"
    assert (
        _post(server, "put_object", {"bucket": "imports-in", "key": "e.csv", "body": rows}).json()
        == {}
    )
    raw = base64.b64encode(rows.encode()).decode()
    seeded = _post(
        server, "put_object", {"bucket": "imports-in", "key": "b.csv", "body_base64": raw}
    )
    assert seeded.status_code == 200
    pinpoint = server.client("pinpoint")
    app_id = pinpoint.create_app(CreateApplicationRequest={"Name": "app"})["ApplicationResponse"][
        "Id"
    ]
    for key in ("e.csv", "b.csv"):
        job = pinpoint.create_import_job(
            ApplicationId=app_id,
            ImportJobRequest={
                "Format": "CSV",
                "RoleArn": "arn:aws:iam::123456789012:role/import",
                "S3Url": f"s3://imports-in/{key}",
                "RegisterEndpoints": True,
            },
        )["ImportJobResponse"]
        done = pinpoint.get_import_job(ApplicationId=app_id, JobId=job["Id"])["ImportJobResponse"]
        assert (done["JobStatus"], done["CompletedPieces"], done["TotalProcessed"]) == (
            "COMPLETED",
            1,
            2,
        )
    endpoint = pinpoint.get_endpoint(ApplicationId=app_id, EndpointId="e2")["EndpointResponse"]
    assert endpoint["Address"] == "b@example.com"


def test_progression_can_be_read_and_changed(server: RunningServer) -> None:
    assert _get(server, "progression").json() == {"progression": "immediate", "durations": None}
    changed = _post(server, "progression", {"progression": "manual"})
    assert changed.json() == {"progression": "manual", "durations": None}
    kb_id, job_id = _quick_response_job(server, ["A", "a"])
    job = server.client("qconnect").get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
    assert job["importJob"]["status"] == "START_IN_PROGRESS"
    per_service = {"progression": {"default": "immediate", "pinpoint": "time"}, "durations": 5}
    assert _post(server, "progression", per_service).json() == per_service


def test_reset_forgets_everything(server: RunningServer) -> None:
    _quick_response_job(server, ["A", "a"])
    assert _post(server, "reset").json() == {}
    assert _get(server, "jobs").json() == {"jobs": []}
    assert _get(server, "calls").json() == {"calls": []}
    assert server.client("qconnect").list_knowledge_bases()["knowledgeBaseSummaries"] == []


@pytest.mark.parametrize(
    "method, name, body, status, code, message",
    [
        ("GET", "nope", None, 404, "NotFound", "no controller operation /_importmock/nope; "),
        ("GET", "reset", None, 405, "MethodNotAllowed", "/_importmock/reset takes POST, not GET"),
        ("POST", "calls", None, 405, "MethodNotAllowed", "/_importmock/calls takes GET, not POST"),
        (
            "POST",
            "fail_next",
            {"service": "qconnect"},
            400,
            "InvalidArgument",
            "/_importmock/fail_next needs 'reason'",
        ),
        (
            "POST",
            "fail_next",
            {"service": "qconnect", "reason": "x", "why": 1},
            400,
            "InvalidArgument",
            "/_importmock/fail_next has no argument 'why'; it takes: service, reason, kind",
        ),
        (
            "POST",
            "inject_error",
            {"service": "qconnect", "operation": "GetImportJob", "code": "X", "times": "2"},
            400,
            "InvalidArgument",
            "'times' must be int; got \"2\"",
        ),
        (
            "POST",
            "advance",
            ["job"],
            400,
            "InvalidArgument",
            "/_importmock/advance takes a JSON object",
        ),
        (
            "POST",
            "progression",
            {"progression": "sometimes"},
            400,
            "InvalidArgument",
            "progression must be one of ",
        ),
        (
            "POST",
            "fail_next",
            {"service": "sqs", "reason": "x"},
            400,
            "InvalidArgument",
            "importmock does not mock a service named 'sqs'",
        ),
        (
            "POST",
            "put_object",
            {"bucket": "b", "key": "k"},
            400,
            "InvalidArgument",
            "put_object needs exactly one of 'body' and 'body_base64'",
        ),
    ],
)
def test_mistakes_answer_json_errors_and_change_nothing(
    server: RunningServer,
    method: str,
    name: str,
    body: Any,
    status: int,
    code: str,
    message: str,
) -> None:
    answer = requests.request(method, f"{server.url}/_importmock/{name}", json=body, timeout=10)
    assert answer.status_code == status
    assert answer.json()["code"] == code
    assert answer.json()["message"].startswith(message)
    assert _get(server, "jobs").json() == {"jobs": []}
    assert _get(server, "progression").json()["progression"] == "immediate"


def test_malformed_json_and_wrong_content_type(server: RunningServer) -> None:
    url = f"{server.url}/_importmock/fail_next"
    broken = requests.post(
        url, data='{"service": ', headers={"Content-Type": "application/json"}, timeout=10
    )
    assert broken.status_code == 400
    assert broken.json()["code"] == "InvalidJSON"
    form = requests.post(url, data={"service": "qconnect", "reason": "x"}, timeout=10)
    assert form.status_code == 415
    assert form.json() == {
        "code": "UnsupportedMediaType",
        "message": "/_importmock/fail_next takes a JSON body (Content-Type: application/json), "
        "not application/x-www-form-urlencoded",
    }
    # nothing was armed: the next job completes
    _quick_response_job(server, ["A", "a"])
    assert [j["status"] for j in _get(server, "jobs").json()["jobs"]] == ["COMPLETE"]


def _post_raw(server: RunningServer, name: str, text: str) -> requests.Response:
    return requests.post(
        f"{server.url}/_importmock/{name}",
        data=text.encode(),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )


def test_advancing_an_unknown_job_is_a_400_naming_only_that_id() -> None:
    with threaded_server(progression="manual") as server:
        _, first = _quick_response_job(server, ["A", "a"])
        _, second = _quick_response_job(server, ["B", "b"], kb_name="kb2")
        answer = _post(server, "advance", {"job_id": "no-such-job"})
        assert (answer.status_code, answer.json()) == (
            400,
            {"code": "UnknownJob", "message": "no job 'no-such-job'"},
        )
        long_id = "j" * 5000  # echoed, but not at any length
        answer = _post(server, "advance", {"job_id": long_id})
        assert answer.status_code == 400
        assert answer.json()["message"] == f"no job '{'j' * 992}... (5009 characters)"
        jobs = _get(server, "jobs").json()["jobs"]
        assert [(j["job_id"], j["status"]) for j in jobs] == [
            (first, "START_IN_PROGRESS"),
            (second, "START_IN_PROGRESS"),
        ]


@pytest.mark.parametrize(
    "name, text, message",
    [
        (
            "progression",
            '{"progression": "time", "durations": NaN}',
            "the body is not JSON: NaN is not a JSON value; JSON has no NaN or Infinity",
        ),
        (
            "progression",
            '{"progression": "time", "durations": {"START_IN_PROGRESS": -Infinity}}',
            "the body is not JSON: -Infinity is not a JSON value; JSON has no NaN or Infinity",
        ),
        (
            "progression",
            '{"progression": "time", "durations": 1e400}',
            "the body is not JSON: the number 1e400 is too large for a double",
        ),
        (
            "inject_error",
            '{"service": "pinpoint", "operation": "GetApps", '
            '"code": "TooManyRequestsException", "times": NaN}',
            "the body is not JSON: NaN is not a JSON value; JSON has no NaN or Infinity",
        ),
    ],
)
def test_nan_and_infinity_are_not_json(
    server: RunningServer, name: str, text: str, message: str
) -> None:
    answer = _post_raw(server, name, text)
    assert (answer.status_code, answer.json()) == (400, {"code": "InvalidJSON", "message": message})
    assert _get(server, "progression").json() == {"progression": "immediate", "durations": None}
    assert requests.get(f"{server.url}/v1/apps", timeout=10).status_code == 200  # no fault


@pytest.mark.parametrize(
    "name, body, message",
    [
        (
            "progression",
            {"progression": "time", "durations": 10**1000},  # too big for a float
            "durations must be a number of seconds >= 0, or a dict of stage name to such a "
            "number; got " + "1" + "0" * 909 + "... (1091 characters)",  # echoed, but cut
        ),
        (
            "progression",
            {"progression": "time", "durations": {"START_IN_PROGRESS": True}},
            "durations must be a number of seconds >= 0, or a dict of stage name to such a "
            "number; got {'START_IN_PROGRESS': True}",
        ),
        (
            "progression",
            {"progression": "time", "durations": {"START_IN_PROGRESS": -1}},
            "durations must be a number of seconds >= 0, or a dict of stage name to such a "
            "number; got {'START_IN_PROGRESS': -1}",
        ),
        ("progression", {"progression": ["time"]}, "'progression' must be str or dict; got "),
        (
            "progression",
            {"progression": {"pinpoint": {"mode": "time"}}},
            "progression must be one of immediate, reads, time, manual; got {'mode': 'time'}",
        ),
        ("inject_error", {"times": 1.5}, "'times' must be int; got 1.5"),
        ("inject_error", {"times": True}, "'times' must be int; got true"),
        ("inject_error", {"times": 0}, "times must be at least 1"),
        ("inject_error", {"times": -3}, "times must be at least 1"),
        ("inject_error", {"message": 7}, "'message' must be str or null; got 7"),
        ("inject_error", {"message": {"text": "x"}}, "'message' must be str or null; got "),
        ("inject_error", {"operation": ["GetApps"]}, "'operation' must be str; got "),
        ("fail_next", {"service": "pinpoint", "reason": ["x"]}, "'reason' must be str; got "),
        ("fail_next", {"service": "pinpoint", "reason": " "}, "fail_next needs a reason: "),
        ("fail_next", {"service": "pinpoint", "reason": "x", "kind": 1}, "'kind' must be str or"),
        ("advance", {"job_id": {"id": "x"}}, "'job_id' must be str or null; got "),
        ("advance", {"job_id": True}, "'job_id' must be str or null; got true"),
        ("put_object", {"bucket": "bucket", "key": 1, "body": "x"}, "'key' must be str; got 1"),
        ("put_object", {"bucket": "bucket", "key": "k", "body": {"a": 1}}, "'body' must be str;"),
        ("reset", {"everything": True}, "/_importmock/reset has no argument 'everything'; "),
        ("settle", {"job_id": "x"}, "/_importmock/settle has no argument 'job_id'; "),
    ],
)
def test_every_argument_is_checked_at_the_call(
    server: RunningServer, name: str, body: dict[str, Any], message: str
) -> None:
    if name == "inject_error":
        body = {
            "service": "pinpoint",
            "operation": "GetApps",
            "code": "TooManyRequestsException",
            **body,
        }
    answer = _post(server, name, body)
    assert answer.status_code == 400
    assert answer.json()["code"] == "InvalidArgument"
    assert answer.json()["message"].startswith(message)
    assert _get(server, "progression").json() == {"progression": "immediate", "durations": None}
    assert requests.get(f"{server.url}/v1/apps", timeout=10).status_code == 200  # no fault
    _quick_response_job(server, ["A", "a"])  # no queued failure either
    assert [j["status"] for j in _get(server, "jobs").json()["jobs"]] == ["COMPLETE"]


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"times": float("nan")}, "times must be a whole number of calls; got nan"),
        ({"times": 1.5}, "times must be a whole number of calls; got 1.5"),
        ({"times": True}, "times must be a whole number of calls; got True"),
        ({"message": 7}, "message must be a string or None; got 7"),
    ],
)
def test_the_in_process_controller_checks_inject_error_alike(
    arguments: dict[str, Any], message: str
) -> None:
    with mock_imports() as m:
        with pytest.raises(ValueError) as raised:
            m.inject_error("pinpoint", "GetApps", "TooManyRequestsException", **arguments)
        assert str(raised.value) == message
        with pytest.raises(ValueError, match="durations must be a number of seconds >= 0"):
            m.set_progression("time", {"PROCESSING": float("nan")})
        with pytest.raises(KeyError) as unknown:
            m.advance("no-such-job")
        assert str(unknown.value) == "no job 'no-such-job'"
        assert m.options["durations"] is None
        pinpoint = boto3.client("pinpoint", region_name="us-east-1")
        assert pinpoint.get_apps()["ApplicationsResponse"]["Item"] == []  # no fault queued


def test_calls_over_http_hide_the_members_the_model_marks_sensitive(
    server: RunningServer,
) -> None:
    qconnect = server.client("qconnect")
    kb_id = qconnect.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")[
        "knowledgeBase"
    ]["knowledgeBaseId"]
    profile = "arn:aws:connect:us-east-1:123456789012:instance/i/routing-profile/p"
    qconnect.create_quick_response(
        knowledgeBaseId=kb_id,
        name="Refunds",
        content={"content": "Your refund code is 0417."},  # a union's sensitive member
        channels=["Chat"],  # a list of sensitive strings
        groupingConfiguration={"criteria": "RoutingProfileArns", "values": [profile]},
        clientToken="token-1",
    )
    lex = server.client("lexv2-models", config=Config(retries={"max_attempts": 1}))
    specification = {
        "botImportSpecification": {
            "botName": "PizzaBot",
            "roleArn": "arn:aws:iam::123456789012:role/lex",
            "dataPrivacy": {"childDirected": False},
        }
    }
    # refused (no such upload), and still recorded: a refused call hides its secrets too
    code, _, status = error_raised(
        lambda: lex.start_import(
            importId="ABCDEFGHIJ",
            resourceSpecification=specification,
            mergeStrategy="FailOnConflict",
            filePassword="hunter2",
        )
    )
    assert (code, status) == ("ResourceNotFoundException", 404)
    calls = _get(server, "calls").json()["calls"]
    assert [c["params"] for c in calls[1:]] == [
        {
            "knowledgeBaseId": kb_id,
            "name": "Refunds",
            "content": {"content": HIDDEN},
            "channels": [HIDDEN],
            "groupingConfiguration": {"criteria": HIDDEN, "values": [HIDDEN]},
            "clientToken": "token-1",
        },
        {
            "importId": "ABCDEFGHIJ",
            "resourceSpecification": specification,
            "mergeStrategy": "FailOnConflict",
            "filePassword": HIDDEN,
        },
    ]
    assert "0417" not in _get(server, "calls").text
    # in-process, the test that made the calls sees what it sent
    assert server.controller.calls[1].params["content"] == {"content": "Your refund code is 0417."}
    assert server.controller.calls[2].params["filePassword"] == "hunter2"

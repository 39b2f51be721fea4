"""Import-job status paths, counters, timestamps and the PENDING_JOB queue, in every mode."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import time_machine
from freezegun import freeze_time

from importmock import mock_imports

from .conftest import (
    BUCKET,
    FAILURE_PATH,
    HEX32,
    ROLE,
    SUCCESS_PATH,
    counters,
    csv_text,
    endpoint,
    error_of,
    get_job,
    make_app,
    session_client,
    start,
)

NOON = datetime.datetime(2026, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
ISO_MS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
TWO_FILES = {
    "in/a.csv": csv_text(["ChannelType", "Address"], ["EMAIL", "a@example.com"]),
    "in/b.csv": csv_text(["ChannelType", "Address"], ["SMS", "+14255550100"], ["FAX", "x"]),
}


def _seed(m: Any, files: dict[str, str]) -> None:
    for key, body in files.items():
        m.put_object(BUCKET, key, body)


def _poll(client: Any, app: str, job_id: str, reads: int) -> list[dict[str, Any]]:
    return [get_job(client, app, job_id) for _ in range(reads)]


@pytest.mark.importmock(progression="reads")
def test_reads_mode_walks_the_success_path_and_counters_grow(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    _seed(m, TWO_FILES)
    created = start(pinpoint, app, f"s3://{BUCKET}/in/")
    assert created["JobStatus"] == "CREATED"
    assert set(created) == {
        "ApplicationId",
        "CreationDate",
        "Definition",
        "Id",
        "JobStatus",
        "Type",
    }
    assert re.fullmatch(HEX32, created["Id"])
    assert created["Type"] == "IMPORT"
    reads = _poll(pinpoint, app, created["Id"], 6)
    assert [job["JobStatus"] for job in reads] == [*SUCCESS_PATH[1:], "COMPLETED"]
    assert [counters(job) for job in reads] == [
        (None, None, None, None, None),  # PREPARING_FOR_INITIALIZATION: nothing known yet
        (2, 0, 0, 0, 0),  # INITIALIZING: the pieces are counted
        (2, 1, 0, 1, 0),  # PROCESSING: half the pieces done
        (2, 2, 0, 3, 1),  # COMPLETING: all done
        (2, 2, 0, 3, 1),
        (2, 2, 0, 3, 1),
    ]
    assert ["CompletionDate" in job for job in reads] == [False] * 4 + [True, True]
    assert reads[-1]["Failures"] == [
        f"s3://{BUCKET}/in/b.csv line 3: ChannelType 'FAX' is not one of: "
        "PUSH, GCM, APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX, ADM, SMS, VOICE, EMAIL, "
        "BAIDU, CUSTOM, IN_APP."
    ]


@pytest.mark.importmock(progression="reads")
def test_reads_mode_walks_the_failure_path(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    _seed(m, {**TWO_FILES, "in/c.csv": "Nonsense\nx\n"})
    job_id = start(pinpoint, app, f"s3://{BUCKET}/in/")["Id"]
    reads = _poll(pinpoint, app, job_id, 5)
    assert [job["JobStatus"] for job in reads] == FAILURE_PATH[1:]
    final = reads[-1]
    assert counters(final) == (3, 2, 1, 3, 1)
    assert (
        f"s3://{BUCKET}/in/c.csv: Column 1 of the header row, 'Nonsense', is not an "
        in (final["Failures"][-1])
    )
    assert re.fullmatch(ISO_MS, final["CompletionDate"])


@pytest.mark.importmock(progression="reads")
def test_effects_appear_only_at_completed(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    m.put_object(BUCKET, "one.csv", csv_text(["Id", "ChannelType", "Address"], ["e1", "SMS", "+1"]))
    job_id = start(pinpoint, app, f"s3://{BUCKET}/one.csv")["Id"]
    for expected in SUCCESS_PATH[1:-1]:
        assert get_job(pinpoint, app, job_id)["JobStatus"] == expected
        with pytest.raises(pinpoint.exceptions.NotFoundException):
            endpoint(pinpoint, app, "e1")
    assert get_job(pinpoint, app, job_id)["JobStatus"] == "COMPLETED"
    assert endpoint(pinpoint, app, "e1")["Address"] == "+1"


def test_immediate_mode_finishes_before_the_first_read(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    _seed(m, TWO_FILES)
    created = start(pinpoint, app, f"s3://{BUCKET}/in/")
    assert created["JobStatus"] == "CREATED"  # the create response is always CREATED
    job = get_job(pinpoint, app, created["Id"])
    assert job["JobStatus"] == "COMPLETED"
    assert counters(job) == (2, 2, 0, 3, 1)
    assert [info.status for info in m.jobs()] == ["COMPLETED"]
    assert [stage for stage, _ in m.jobs()[0].history] == SUCCESS_PATH


@pytest.mark.importmock(progression="manual")
def test_manual_mode_moves_only_when_told(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    _seed(m, TWO_FILES)
    job_id = start(pinpoint, app, f"s3://{BUCKET}/in/")["Id"]
    assert [get_job(pinpoint, app, job_id)["JobStatus"] for _ in range(3)] == ["CREATED"] * 3
    m.advance(job_id)
    m.advance(job_id)
    assert get_job(pinpoint, app, job_id)["JobStatus"] == "INITIALIZING"
    m.settle()
    assert get_job(pinpoint, app, job_id)["JobStatus"] == "COMPLETED"


@pytest.mark.importmock(progression="time")
def test_time_mode_stamps_creation_and_completion_under_freezegun(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    _seed(m, TWO_FILES)
    with freeze_time(NOON) as frozen:
        job_id = start(pinpoint, app, f"s3://{BUCKET}/in/")["Id"]
        frozen.tick(datetime.timedelta(seconds=3))
        assert get_job(pinpoint, app, job_id)["JobStatus"] == "PREPARING_FOR_INITIALIZATION"
        frozen.tick(datetime.timedelta(seconds=8.5))
        job = get_job(pinpoint, app, job_id)
        assert job["JobStatus"] == "PROCESSING"  # 3 s per stage by default
        frozen.tick(datetime.timedelta(seconds=100))
        job = get_job(pinpoint, app, job_id)
    assert job["JobStatus"] == "COMPLETED"
    assert job["CreationDate"] == "2026-05-01T12:00:00.000Z"
    # Five stages of 3 s: COMPLETED at 15 s, stamped then, not when it was read.
    assert job["CompletionDate"] == "2026-05-01T12:00:15.000Z"
    infos = m.jobs()
    assert [stage for stage, _ in infos[0].history] == SUCCESS_PATH


@pytest.mark.importmock(progression="time", durations={"PROCESSING": 60})
def test_time_mode_follows_stage_durations_with_time_machine(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    _seed(m, TWO_FILES)
    with time_machine.travel(NOON, tick=False) as traveller:
        job_id = start(pinpoint, app, f"s3://{BUCKET}/in/")["Id"]
        traveller.shift(datetime.timedelta(seconds=30))
        assert get_job(pinpoint, app, job_id)["JobStatus"] == "PROCESSING"
        traveller.shift(datetime.timedelta(seconds=50))
        job = get_job(pinpoint, app, job_id)
    assert job["JobStatus"] == "COMPLETED"
    assert job["CompletionDate"] == "2026-05-01T12:01:12.000Z"  # 3+3+3+60+3


@pytest.mark.importmock(progression="reads")
def test_fail_next_fails_the_next_job_with_the_reason(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    _seed(m, TWO_FILES)
    m.fail_next("pinpoint", "Access denied reading the bucket")
    job_id = start(pinpoint, app, f"s3://{BUCKET}/in/")["Id"]
    statuses = [job["JobStatus"] for job in _poll(pinpoint, app, job_id, 5)]
    assert statuses == FAILURE_PATH[1:]
    final = get_job(pinpoint, app, job_id)
    assert final["Failures"] == ["Access denied reading the bucket"]
    assert counters(final) == (2, 0, 2, 3, 1)
    # The next job is unaffected.
    second = start(pinpoint, app, f"s3://{BUCKET}/in/")["Id"]
    assert [j["JobStatus"] for j in _poll(pinpoint, app, second, 5)][-1] == "COMPLETED"


def test_injected_throttling_on_create_import_job(m: Any, pinpoint: Any) -> None:
    from botocore.config import Config

    client = session_client(config=Config(retries={"max_attempts": 0}))
    app = make_app(client)
    m.inject_error("pinpoint", "CreateImportJob", "TooManyRequestsException", "Slow down")
    with pytest.raises(client.exceptions.TooManyRequestsException) as caught:
        start(client, app, f"s3://{BUCKET}/x.csv")
    assert error_of(caught.value) == ("TooManyRequestsException", "Slow down", 429)
    assert caught.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == (
        "TooManyRequestsException"
    )
    assert m.jobs() == []


# -- the active-job quota ------------------------------------------------------------


@pytest.mark.importmock(progression="manual")
def test_the_eleventh_job_waits_in_pending_job_until_a_slot_frees(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    _seed(m, TWO_FILES)
    ids = [start(pinpoint, app, f"s3://{BUCKET}/in/")["Id"] for _ in range(12)]
    m.advance()
    statuses = [get_job(pinpoint, app, job_id)["JobStatus"] for job_id in ids]
    assert statuses == ["PREPARING_FOR_INITIALIZATION"] * 10 + ["PENDING_JOB"] * 2
    for _ in range(10):
        m.advance(ids[10])  # a waiting job stays put however often it is advanced
    assert [get_job(pinpoint, app, i)["JobStatus"] for i in ids[10:]] == ["PENDING_JOB"] * 2
    for _ in range(4):
        m.advance(ids[0])  # the first job finishes; the eleventh gets its slot
    assert get_job(pinpoint, app, ids[0])["JobStatus"] == "COMPLETED"
    m.advance(ids[10])
    m.advance(ids[11])
    assert get_job(pinpoint, app, ids[10])["JobStatus"] == "PREPARING_FOR_INITIALIZATION"
    assert get_job(pinpoint, app, ids[11])["JobStatus"] == "PENDING_JOB"
    m.settle()
    assert {get_job(pinpoint, app, i)["JobStatus"] for i in ids} == {"COMPLETED"}
    waited = {info.job_id: [stage for stage, _ in info.history] for info in m.jobs()}
    assert waited[ids[11]] == ["CREATED", "PENDING_JOB", *SUCCESS_PATH[1:]]
    assert waited[ids[0]] == SUCCESS_PATH


@pytest.mark.importmock(progression="reads", quotas={"pinpoint": {"active_import_jobs": 2}})
def test_queued_jobs_start_in_creation_order(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    _seed(m, TWO_FILES)
    ids = [start(pinpoint, app, f"s3://{BUCKET}/in/")["Id"] for _ in range(4)]
    assert [get_job(pinpoint, app, i)["JobStatus"] for i in ids[2:]] == ["PENDING_JOB"] * 2
    for _ in range(5):
        get_job(pinpoint, app, ids[1])  # the second job runs to COMPLETED
    assert get_job(pinpoint, app, ids[1])["JobStatus"] == "COMPLETED"
    assert get_job(pinpoint, app, ids[3])["JobStatus"] == "PENDING_JOB"  # not its turn
    assert get_job(pinpoint, app, ids[2])["JobStatus"] == "PREPARING_FOR_INITIALIZATION"


def test_the_queue_is_per_account_and_region() -> None:
    with mock_imports(progression="manual", quotas={"pinpoint": {"active_import_jobs": 1}}) as mm:
        east = session_client(region="us-east-1")
        west = session_client(region="us-west-2")
        other = session_client(aws_access_key_id="210987654321", aws_secret_access_key="x")
        apps = [make_app(c) for c in (east, west, other)]
        for key, body in TWO_FILES.items():
            mm.put_object(BUCKET, key, body)
        first = [start(c, a, f"s3://{BUCKET}/in/")["Id"] for c, a in zip((east, west, other), apps)]
        second = start(east, apps[0], f"s3://{BUCKET}/in/")["Id"]
        mm.advance()
        states = [
            get_job(c, a, i)["JobStatus"] for c, a, i in zip((east, west, other), apps, first)
        ]
        assert states == ["PREPARING_FOR_INITIALIZATION"] * 3
        assert get_job(east, apps[0], second)["JobStatus"] == "PENDING_JOB"


@pytest.mark.importmock(progression="time", quotas={"pinpoint": {"active_import_jobs": 1}})
def test_a_queued_job_starts_when_the_running_one_completes_in_time_mode(
    m: Any, pinpoint: Any
) -> None:
    app = make_app(pinpoint)
    _seed(m, TWO_FILES)
    with freeze_time(NOON) as frozen:
        first = start(pinpoint, app, f"s3://{BUCKET}/in/")["Id"]
        second = start(pinpoint, app, f"s3://{BUCKET}/in/")["Id"]
        frozen.tick(datetime.timedelta(seconds=10))
        assert get_job(pinpoint, app, second)["JobStatus"] == "PENDING_JOB"
        frozen.tick(datetime.timedelta(seconds=100))
        done = get_job(pinpoint, app, second)
    assert done["JobStatus"] == "COMPLETED"
    # The first completes at 15 s; the second leaves PENDING_JOB then and needs 4 x 3 s.
    assert get_job(pinpoint, app, first)["CompletionDate"] == "2026-05-01T12:00:15.000Z"
    assert done["CompletionDate"] == "2026-05-01T12:00:27.000Z"
    history = {info.job_id: info.history for info in m.jobs()}[second]
    assert [stage for stage, _ in history] == ["CREATED", "PENDING_JOB", *SUCCESS_PATH[1:]]


@pytest.mark.parametrize(
    ("quotas", "message"),
    [
        ({"pinpoint": {"active_jobs": 2}}, "pinpoint has no quota 'active_jobs'"),
        ({"pinpoint": {"active_import_jobs": 0}}, "must be a whole number >= 1"),
        ({"s3": {"active_import_jobs": 2}}, "importmock does not mock a service named 's3'"),
        ({"pinpoint": 3}, "quotas['pinpoint'] must be a dict"),
    ],
)
def test_bad_quota_options_are_refused_when_declared(quotas: Any, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        mock_imports(quotas=quotas)


def test_role_arn_must_name_an_iam_role(pinpoint: Any, app_id: str) -> None:
    with pytest.raises(pinpoint.exceptions.BadRequestException) as caught:
        pinpoint.create_import_job(
            ApplicationId=app_id,
            ImportJobRequest={"Format": "CSV", "S3Url": f"s3://{BUCKET}/x", "RoleArn": "role"},
        )
    assert error_of(caught.value) == (
        "BadRequestException",
        "RoleArn 'role' is not the ARN of an IAM role (arn:aws:iam::<account>:role/<name>).",
        400,
    )


def test_definition_echoes_the_request_with_defaults(m: Any, pinpoint: Any) -> None:
    app = make_app(pinpoint)
    _seed(m, TWO_FILES)
    job = start(pinpoint, app, f"s3://{BUCKET}/in/", register=None)
    assert job["Definition"] == {
        "DefineSegment": False,
        "ExternalId": "123456789012",  # the account id when not given
        "Format": "CSV",
        "RegisterEndpoints": False,
        "RoleArn": ROLE,
        "S3Url": f"s3://{BUCKET}/in/",
    }
    given = start(pinpoint, app, f"s3://{BUCKET}/in/", ExternalId="ext-1")
    assert given["Definition"]["ExternalId"] == "ext-1"
    assert given["Definition"]["RegisterEndpoints"] is True

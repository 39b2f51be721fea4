"""StartContentUpload, StartImportJob, GetImportJob, DeleteImportJob and job progression."""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from freezegun import freeze_time

from importmock import mock_imports

from .conftest import (
    ACCOUNT,
    MISSING_ID,
    UUID_RE,
    download_report,
    error_of,
    get_job,
    ids,
    import_and_get,
    job_status,
    make_client,
    make_kb,
    names,
    start_import,
    status_of,
    upload_csv,
)

NOON = datetime.datetime(2024, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
GOOD = "name,content\nhello,Hello there\n"
BAD = "name\nno content column\n"  # the whole file is refused: FAILED
SECOND = datetime.timedelta(seconds=1)


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


# -- StartContentUpload -----------------------------------------------------------------


def test_start_content_upload_returns_a_presigned_put(client: Any, kb_id: str) -> None:
    with freeze_time(NOON):
        upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        put = requests.put(upload["url"], data=GOOD.encode(), headers=upload["headersToInclude"])
    assert status_of(upload) == 200
    assert re.fullmatch(UUID_RE, upload["uploadId"])
    parts = urlsplit(upload["url"])
    assert parts.scheme == "https"
    assert parts.hostname is not None and parts.hostname.endswith(".amazonaws.com")
    assert ".s3." in parts.hostname
    query = _query(upload["url"])
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Expires"] == "900"
    assert query["X-Amz-Date"] == "20240501T120000Z"
    assert re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"])
    assert query["X-Amz-Credential"].endswith("/20240501/us-east-1/s3/aws4_request")
    # Default time to live: 15 minutes on the (frozen) clock.
    assert upload["urlExpiry"] == NOON + datetime.timedelta(minutes=15)
    headers = upload["headersToInclude"]
    assert headers and all(isinstance(v, str) and v for v in headers.values())
    assert headers["content-type"] == "text/csv"
    assert set(query["X-Amz-SignedHeaders"].split(";")) == {"host", *headers}

    assert put.status_code == 200
    assert put.headers["ETag"].startswith('"')


@pytest.mark.parametrize("minutes", [1, 60])
def test_presigned_url_time_to_live(client: Any, kb_id: str, minutes: int) -> None:
    with freeze_time(NOON):
        upload = client.start_content_upload(
            knowledgeBaseId=kb_id, contentType="text/csv", presignedUrlTimeToLive=minutes
        )
    assert upload["urlExpiry"] == NOON + datetime.timedelta(minutes=minutes)
    assert _query(upload["url"])["X-Amz-Expires"] == str(60 * minutes)


def test_presigned_url_time_to_live_over_60_is_refused(client: Any, kb_id: str) -> None:
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.start_content_upload(
            knowledgeBaseId=kb_id, contentType="text/csv", presignedUrlTimeToLive=61
        )
    assert error_of(caught.value) == (
        "ValidationException",
        "1 validation error detected: Value '61' at 'presignedUrlTimeToLive' failed to satisfy "
        "constraint: Member must have value less than or equal to 60",
        400,
    )


def test_upload_without_a_required_header_is_refused(client: Any, kb_id: str) -> None:
    upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
    for missing in upload["headersToInclude"]:
        headers = {k: v for k, v in upload["headersToInclude"].items() if k != missing}
        put = requests.put(upload["url"], data=GOOD.encode(), headers=headers)
        assert put.status_code == 403
        assert "<Code>SignatureDoesNotMatch</Code>" in put.text
    # Nothing was stored, so an import of that upload fails.
    job = client.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]
    finished = get_job(client, kb_id, job["importJobId"])
    assert finished["status"] == "FAILED"
    assert download_report(finished) == [
        ["error"],
        [f"Nothing was uploaded for upload ID {upload['uploadId']}."],
    ]


def test_upload_after_expiry_is_refused(client: Any, kb_id: str) -> None:
    with freeze_time(NOON) as frozen:
        upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        frozen.tick(datetime.timedelta(minutes=15))
        on_time = requests.put(
            upload["url"], data=GOOD.encode(), headers=upload["headersToInclude"]
        )
        assert on_time.status_code == 200
        frozen.tick(SECOND)
        late = requests.put(upload["url"], data=GOOD.encode(), headers=upload["headersToInclude"])
    assert late.status_code == 403
    assert "<Code>AccessDenied</Code><Message>Request has expired</Message>" in late.text


# -- StartImportJob -------------------------------------------------------------------------


def test_start_import_job_returns_start_in_progress(client: Any, kb_id: str) -> None:
    with freeze_time(NOON):
        upload_id = upload_csv(client, kb_id, GOOD)
        response = client.start_import_job(
            knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload_id
        )
        source = requests.get(response["importJob"]["url"])
    assert status_of(response) == 200
    job = response["importJob"]
    assert re.fullmatch(UUID_RE, job["importJobId"])
    url = job.pop("url")
    assert urlsplit(url).scheme == "https"
    assert _query(url)["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert job == {
        "importJobId": job["importJobId"],
        "knowledgeBaseId": kb_id,
        "uploadId": upload_id,
        "knowledgeBaseArn": f"arn:aws:wisdom:us-east-1:{ACCOUNT}:knowledge-base/{kb_id}",
        "importJobType": "QUICK_RESPONSES",
        "status": "START_IN_PROGRESS",
        "urlExpiry": NOON + datetime.timedelta(minutes=15),
        "createdTime": NOON,
        "lastModifiedTime": NOON,
    }
    # The job's url downloads the uploaded source file.
    assert (source.status_code, source.text) == (200, GOOD)


def test_import_job_echoes_metadata_and_external_source(client: Any, kb_id: str) -> None:
    source = {
        "source": "AMAZON_CONNECT",
        "configuration": {"connectConfiguration": {"instanceId": "instance-1"}},
    }
    job = start_import(
        client, kb_id, GOOD, metadata={"batch": "7"}, externalSourceConfiguration=source
    )
    assert job["metadata"] == {"batch": "7"}
    assert job["externalSourceConfiguration"] == source
    finished = get_job(client, kb_id, job["importJobId"])
    assert (finished["metadata"], finished["externalSourceConfiguration"]) == (
        {"batch": "7"},
        source,
    )
    summary = client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"][0]
    assert (summary["metadata"], summary["externalSourceConfiguration"]) == ({"batch": "7"}, source)


def test_start_import_job_needs_a_quick_responses_knowledge_base(client: Any) -> None:
    custom = make_kb(client, kb_type="CUSTOM")
    upload_id = upload_csv(client, custom, GOOD)
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.start_import_job(
            knowledgeBaseId=custom, importJobType="QUICK_RESPONSES", uploadId=upload_id
        )
    assert error_of(caught.value) == (
        "ValidationException",
        f"Knowledge base {custom} is of type CUSTOM; QUICK_RESPONSES import jobs need a "
        "knowledge base of type QUICK_RESPONSES.",
        400,
    )
    assert client.list_import_jobs(knowledgeBaseId=custom)["importJobSummaries"] == []


@pytest.mark.parametrize("where", ["other-knowledge-base", "made-up"])
def test_start_import_job_needs_an_upload_of_this_knowledge_base(
    client: Any, kb_id: str, where: str
) -> None:
    if where == "made-up":
        upload_id = "not-an-upload-this-service-issued"
    else:
        upload_id = upload_csv(client, make_kb(client), GOOD)
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.start_import_job(
            knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload_id
        )
    assert error_of(caught.value) == (
        "ValidationException",
        f"The upload ID {upload_id} was not issued for knowledge base {kb_id}; call "
        "StartContentUpload on this knowledge base first.",
        400,
    )
    assert client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"] == []


def test_job_ends_complete_or_failed(client: Any, kb_id: str) -> None:
    good = import_and_get(client, kb_id, GOOD)
    bad = import_and_get(client, kb_id, BAD)
    assert (good["status"], bad["status"]) == ("COMPLETE", "FAILED")
    assert names(client, kb_id) == ["hello"]
    assert "failedRecordReport" not in good
    assert download_report(bad) == [["error"], ["The header has no 'content' column."]]


def test_import_job_is_readable_through_the_other_client(importmock: Any) -> None:
    qconnect, wisdom = make_client("qconnect"), make_client("wisdom")
    kb_id = make_kb(qconnect)
    job = start_import(qconnect, kb_id, GOOD)
    assert job_status(wisdom, kb_id, job["importJobId"]) == "COMPLETE"
    assert [
        qr["name"]
        for qr in wisdom.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
    ] == ["hello"]


# -- clientToken ------------------------------------------------------------------------------


def test_client_token_same_input_returns_the_same_job(
    importmock: Any, client: Any, kb_id: str
) -> None:
    upload_id = upload_csv(client, kb_id, GOOD)
    kwargs = dict(knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload_id)
    first = client.start_import_job(clientToken="token-1", **kwargs)["importJob"]
    again = client.start_import_job(clientToken="token-1", **kwargs)["importJob"]
    assert again["importJobId"] == first["importJobId"]
    assert again["status"] == "COMPLETE"  # the same job, read again after it finished
    assert len(importmock.jobs()) == 1
    assert len(client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"]) == 1
    assert names(client, kb_id) == ["hello"]
    # Without a token (boto3 fills in a fresh one) the same input is a new job.
    other = client.start_import_job(**kwargs)["importJob"]
    assert other["importJobId"] != first["importJobId"]


@pytest.mark.parametrize("change", ["uploadId", "metadata"])
def test_client_token_with_different_input_is_a_conflict(
    client: Any, kb_id: str, change: str
) -> None:
    upload_id = upload_csv(client, kb_id, GOOD)
    kwargs: dict[str, Any] = dict(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload_id
    )
    client.start_import_job(clientToken="token-1", **kwargs)
    if change == "uploadId":
        kwargs["uploadId"] = upload_csv(client, kb_id, GOOD)
    else:
        kwargs["metadata"] = {"k": "v"}
    with pytest.raises(client.exceptions.ConflictException) as caught:
        client.start_import_job(clientToken="token-1", **kwargs)
    assert error_of(caught.value) == (
        "ConflictException",
        "The client token token-1 was already used with different parameters.",
        409,
    )
    assert len(client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"]) == 1


def test_client_token_replay_after_the_job_was_deleted_answers_through_the_api(
    client: Any, kb_id: str
) -> None:
    upload_id = upload_csv(client, kb_id, GOOD)
    kwargs = dict(
        knowledgeBaseId=kb_id,
        importJobType="QUICK_RESPONSES",
        uploadId=upload_id,
        clientToken="token-1",
    )
    job = client.start_import_job(**kwargs)["importJob"]
    get_job(client, kb_id, job["importJobId"])
    client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])
    # The token was spent with the deleted job: the same request starts a new job.
    replay = client.start_import_job(**kwargs)["importJob"]
    assert replay["importJobId"] != job["importJobId"]
    assert replay["uploadId"] == upload_id
    assert replay["status"] == "START_IN_PROGRESS"


# -- progression modes: exact status sequences ---------------------------------------------


def test_immediate_mode_sequence(importmock: Any, client: Any, kb_id: str) -> None:
    job = start_import(client, kb_id, GOOD)
    statuses = [job["status"]] + [job_status(client, kb_id, job["importJobId"]) for _ in range(2)]
    assert statuses == ["START_IN_PROGRESS", "COMPLETE", "COMPLETE"]
    assert names(client, kb_id) == ["hello"]
    (info,) = importmock.jobs()
    assert info.job_id == job["importJobId"]
    assert [status for status, _ in info.history] == ["START_IN_PROGRESS", "COMPLETE"]


@pytest.mark.importmock(progression="reads")
def test_reads_mode_sequence(importmock: Any, client: Any, kb_id: str) -> None:
    job = start_import(client, kb_id, GOOD)
    assert job["status"] == "START_IN_PROGRESS"
    # Effects appear only at the terminal state, which the first read reaches.
    assert client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"] == []
    statuses = [job["status"]] + [job_status(client, kb_id, job["importJobId"]) for _ in range(2)]
    assert statuses == ["START_IN_PROGRESS", "COMPLETE", "COMPLETE"]
    assert names(client, kb_id) == ["hello"]


@pytest.mark.importmock(progression="reads")
def test_reads_mode_list_import_jobs_is_a_read(client: Any, kb_id: str) -> None:
    job = start_import(client, kb_id, GOOD)
    listed = client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"]
    assert [(s["importJobId"], s["status"]) for s in listed] == [(job["importJobId"], "COMPLETE")]


@pytest.mark.importmock(progression="reads")
def test_reads_mode_failed_sequence(client: Any, kb_id: str) -> None:
    job = start_import(client, kb_id, BAD)
    statuses = [job["status"]] + [job_status(client, kb_id, job["importJobId"]) for _ in range(2)]
    assert statuses == ["START_IN_PROGRESS", "FAILED", "FAILED"]


@pytest.mark.importmock(progression="time")
def test_time_mode_sequence_with_freezegun(importmock: Any, client: Any, kb_id: str) -> None:
    with freeze_time(NOON) as frozen:
        job = start_import(client, kb_id, GOOD)
        job_id = job["importJobId"]
        seen = [(job["status"], job["lastModifiedTime"])]
        frozen.tick(datetime.timedelta(seconds=4.999))
        seen.append((job_status(client, kb_id, job_id), None))
        assert client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"] == []
        frozen.tick(datetime.timedelta(seconds=0.001))
        finished = get_job(client, kb_id, job_id)
        seen.append((finished["status"], finished["lastModifiedTime"]))
        frozen.tick(datetime.timedelta(minutes=10))
        later = get_job(client, kb_id, job_id)
        seen.append((later["status"], later["lastModifiedTime"]))
    five = NOON + datetime.timedelta(seconds=5)
    assert seen == [
        ("START_IN_PROGRESS", NOON),
        ("START_IN_PROGRESS", None),
        ("COMPLETE", five),
        ("COMPLETE", five),  # stamped when it happened, not when read
    ]
    assert later["createdTime"] == NOON
    assert names(client, kb_id) == ["hello"]
    (info,) = importmock.jobs()
    assert info.history == (
        ("START_IN_PROGRESS", NOON.timestamp()),
        ("COMPLETE", five.timestamp()),
    )


@pytest.mark.importmock(progression="time", durations={"START_IN_PROGRESS": 30})
def test_time_mode_honours_configured_durations(client: Any, kb_id: str) -> None:
    with freeze_time(NOON) as frozen:
        job = start_import(client, kb_id, BAD)
        frozen.tick(datetime.timedelta(seconds=29))
        before = job_status(client, kb_id, job["importJobId"])
        frozen.tick(SECOND)
        after = get_job(client, kb_id, job["importJobId"])
    assert (before, after["status"]) == ("START_IN_PROGRESS", "FAILED")
    assert after["lastModifiedTime"] == NOON + datetime.timedelta(seconds=30)


def test_time_mode_sequence_with_time_machine() -> None:
    with time_machine.travel(NOON, tick=False) as traveller, mock_imports(progression="time"):
        client = make_client()
        kb_id = make_kb(client)
        job = start_import(client, kb_id, GOOD)
        statuses = [job["status"]]
        traveller.shift(4)
        statuses.append(job_status(client, kb_id, job["importJobId"]))
        traveller.shift(1)
        finished = get_job(client, kb_id, job["importJobId"])
        statuses.append(finished["status"])
    assert statuses == ["START_IN_PROGRESS", "START_IN_PROGRESS", "COMPLETE"]
    assert finished["lastModifiedTime"] == NOON + datetime.timedelta(seconds=5)


@pytest.mark.importmock(progression="time")
def test_time_mode_created_quick_responses_carry_the_completion_time(
    client: Any, kb_id: str
) -> None:
    with freeze_time(NOON) as frozen:
        job = start_import(client, kb_id, GOOD)
        frozen.tick(datetime.timedelta(minutes=10))
        finished = get_job(client, kb_id, job["importJobId"])
        (summary,) = client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
    assert finished["lastModifiedTime"] == NOON + datetime.timedelta(seconds=5)
    assert summary["createdTime"] == finished["lastModifiedTime"]


@pytest.mark.importmock(progression="manual")
def test_manual_mode_sequence(importmock: Any, client: Any, kb_id: str) -> None:
    job = start_import(client, kb_id, GOOD)
    job_id = job["importJobId"]
    statuses = [job["status"]] + [job_status(client, kb_id, job_id) for _ in range(3)]
    assert names(client, kb_id) == []
    importmock.advance(job_id)
    statuses.append(job_status(client, kb_id, job_id))
    importmock.advance(job_id)  # a finished job does not move
    statuses.append(job_status(client, kb_id, job_id))
    assert statuses == ["START_IN_PROGRESS"] * 4 + ["COMPLETE", "COMPLETE"]
    assert names(client, kb_id) == ["hello"]


@pytest.mark.importmock(progression="manual")
def test_manual_mode_settle_finishes_every_job(importmock: Any, client: Any, kb_id: str) -> None:
    good = start_import(client, kb_id, GOOD)
    bad = start_import(client, kb_id, BAD)
    importmock.settle()
    assert job_status(client, kb_id, good["importJobId"]) == "COMPLETE"
    assert job_status(client, kb_id, bad["importJobId"]) == "FAILED"
    assert sorted((info.status, info.finished) for info in importmock.jobs()) == [
        ("COMPLETE", True),
        ("FAILED", True),
    ]


@pytest.mark.importmock(progression="manual")
def test_outcome_is_decided_at_start_and_effects_checked_at_the_end(
    importmock: Any, client: Any, kb_id: str
) -> None:
    job = start_import(client, kb_id, "name,content\nfirst,one\nsecond,two\n")
    # While the job runs, someone creates a quick response with one of its names.
    client.create_quick_response(knowledgeBaseId=kb_id, name="second", content={"content": "x"})
    importmock.settle()
    finished = get_job(client, kb_id, job["importJobId"])
    assert finished["status"] == "COMPLETE"
    assert names(client, kb_id) == ["first", "second"]
    assert download_report(finished) == [
        ["name", "content", "error"],
        ["second", "two", "A quick response named 'second' already exists."],
    ]


def test_fail_next_fails_the_job_and_creates_nothing(
    importmock: Any, client: Any, kb_id: str
) -> None:
    importmock.fail_next(client.meta.service_model.service_name, "Simulated outage.")
    failed = import_and_get(client, kb_id, GOOD)
    assert failed["status"] == "FAILED"
    assert names(client, kb_id) == []
    assert download_report(failed) == [["error"], ["Simulated outage."]]
    # Only the next job: the one after it completes.
    assert import_and_get(client, kb_id, GOOD)["status"] == "COMPLETE"


# -- DeleteImportJob -------------------------------------------------------------------------


@pytest.mark.importmock(progression="manual")
def test_delete_import_job_manual_mode(importmock: Any, client: Any, kb_id: str) -> None:
    job = start_import(client, kb_id, GOOD)
    job_id = job["importJobId"]
    with pytest.raises(client.exceptions.ConflictException) as caught:
        client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
    assert error_of(caught.value) == (
        "ConflictException",
        f"Import job {job_id} is START_IN_PROGRESS and cannot be deleted until it ends.",
        409,
    )
    importmock.advance(job_id)
    assert job_status(client, kb_id, job_id) == "COMPLETE"

    deleted = client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
    assert status_of(deleted) == 204
    assert job_status(client, kb_id, job_id) == "DELETE_IN_PROGRESS"
    listed = client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"]
    assert [(s["importJobId"], s["status"]) for s in listed] == [(job_id, "DELETE_IN_PROGRESS")]
    with pytest.raises(client.exceptions.ConflictException):
        client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job_id)

    importmock.advance(job_id)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        get_job(client, kb_id, job_id)
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Import job not found: {job_id}",
        404,
    )
    assert caught.value.response["resourceName"] == job_id
    assert client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"] == []
    # The quick responses the job created stay.
    assert names(client, kb_id) == ["hello"]
    (info,) = importmock.jobs()
    assert [status for status, _ in info.history] == [
        "START_IN_PROGRESS",
        "COMPLETE",
        "DELETE_IN_PROGRESS",
        "DELETED",
    ]
    assert [(c.operation, c.status) for c in importmock.calls if "Delete" in c.operation] == [
        ("DeleteImportJob", 409),
        ("DeleteImportJob", 204),
        ("DeleteImportJob", 409),
    ]


@pytest.mark.parametrize("progression", ["immediate", "reads"])
def test_delete_import_job_then_not_found(progression: str) -> None:
    with mock_imports(progression=progression) as controller:
        client = make_client()
        kb_id = make_kb(client)
        job_id = start_import(client, kb_id, GOOD)["importJobId"]
        assert job_status(client, kb_id, job_id) == "COMPLETE"
        assert status_of(client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job_id)) == 204
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            get_job(client, kb_id, job_id)
        assert names(client, kb_id) == ["hello"]
        (info,) = controller.jobs()
    assert [status for status, _ in info.history] == [
        "START_IN_PROGRESS",
        "COMPLETE",
        "DELETE_IN_PROGRESS",
        "DELETED",
    ]


@pytest.mark.importmock(progression="time")
def test_delete_import_job_time_mode(client: Any, kb_id: str) -> None:
    with freeze_time(NOON) as frozen:
        job_id = start_import(client, kb_id, BAD)["importJobId"]
        frozen.tick(datetime.timedelta(seconds=5))
        assert job_status(client, kb_id, job_id) == "FAILED"  # a failed job can be deleted too
        frozen.tick(datetime.timedelta(seconds=5))
        client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
        frozen.tick(datetime.timedelta(seconds=1))
        deleting = get_job(client, kb_id, job_id)
        frozen.tick(datetime.timedelta(seconds=1))
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            get_job(client, kb_id, job_id)
    assert deleting["status"] == "DELETE_IN_PROGRESS"
    assert deleting["lastModifiedTime"] == NOON + datetime.timedelta(seconds=10)


def test_missing_import_job_is_not_found(client: Any, kb_id: str) -> None:
    other_kb = make_kb(client)
    job_id = start_import(client, other_kb, GOOD)["importJobId"]
    for missing in (MISSING_ID, job_id):  # a job of another knowledge base is not here
        for call in (client.get_import_job, client.delete_import_job):
            with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
                call(knowledgeBaseId=kb_id, importJobId=missing)
            assert error_of(caught.value) == (
                "ResourceNotFoundException",
                f"Import job not found: {missing}",
                404,
            )
            assert caught.value.response["resourceName"] == missing


def test_path_ids_accept_arns(importmock: Any) -> None:
    qconnect, wisdom = make_client("qconnect"), make_client("wisdom")
    kb_id = make_kb(qconnect)
    kb_arn = f"arn:aws:wisdom:us-east-1:{ACCOUNT}:knowledge-base/{kb_id}"
    job = start_import(wisdom, kb_arn, GOOD)
    assert job["knowledgeBaseId"] == kb_id
    job_arn = f"arn:aws:wisdom:us-east-1:{ACCOUNT}:import-job/{kb_id}/{job['importJobId']}"
    assert get_job(qconnect, kb_arn, job_arn)["importJobId"] == job["importJobId"]
    listed = wisdom.list_import_jobs(knowledgeBaseId=kb_arn)["importJobSummaries"]
    assert ids(listed) == [job["importJobId"]]
    # wisdom's model anchors the importJobId pattern (UUID only); qconnect's does not.
    with pytest.raises(wisdom.exceptions.ValidationException) as caught:
        get_job(wisdom, kb_id, job_arn)
    assert error_of(caught.value) == (
        "ValidationException",
        f"1 validation error detected: Value '{job_arn}' at 'importJobId' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        "^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$",
        400,
    )


@pytest.mark.importmock(progression="manual")
def test_file_is_read_when_the_job_starts(importmock: Any, client: Any, kb_id: str) -> None:
    upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
    headers = upload["headersToInclude"]
    assert requests.put(upload["url"], data=GOOD.encode(), headers=headers).status_code == 200
    job = client.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]
    # Replacing the file after the start changes nothing about this job.
    assert requests.put(upload["url"], data=BAD.encode(), headers=headers).status_code == 200
    importmock.settle()
    finished = get_job(client, kb_id, job["importJobId"])
    assert finished["status"] == "COMPLETE"
    assert "failedRecordReport" not in finished
    assert names(client, kb_id) == ["hello"]


def test_job_url_serves_the_file_as_the_job_read_it(client: Any, kb_id: str) -> None:
    upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
    headers = upload["headersToInclude"]
    assert requests.put(upload["url"], data=GOOD.encode(), headers=headers).status_code == 200
    job = client.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]
    # The upload URL is still valid and is PUT again after the job started.
    assert requests.put(upload["url"], data=b"name,content\nx,y\n", headers=headers).ok
    source = requests.get(get_job(client, kb_id, job["importJobId"])["url"])
    assert (source.status_code, source.text) == (200, GOOD)

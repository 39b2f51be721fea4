"""Job progression modes (immediate, reads, manual, time), under freezegun and
time-machine, per-service options, and DeleteImportJob's lifecycle."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from freezegun import freeze_time

from importmock import mock_imports
from tests.helpers import make_client, make_kb, start_import

ONE_ROW = "name,content\nGreeting,Hello there\n"
T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)


def get_job(client, kb_id: str, job_id: str) -> dict:
    return client.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)["importJob"]


def status(client, kb_id: str, job_id: str) -> str:
    return get_job(client, kb_id, job_id)["status"]


def qr_names(client, kb_id: str) -> list[str]:
    summaries = client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
    return [q["name"] for q in summaries]


def setup_job(**job_kwargs) -> tuple:
    client = make_client()
    kb_id = make_kb(client)
    job = start_import(client, kb_id, ONE_ROW, **job_kwargs)
    return client, kb_id, job


# -- immediate ---------------------------------------------------------------------------


def test_immediate_is_the_default():
    with mock_imports():
        client, kb_id, job = setup_job()
        assert job["status"] == "START_IN_PROGRESS"
        assert status(client, kb_id, job["importJobId"]) == "COMPLETE"
        assert status(client, kb_id, job["importJobId"]) == "COMPLETE"
        assert qr_names(client, kb_id) == ["Greeting"]


def test_immediate_explicit_and_listed_jobs():
    with mock_imports(progression="immediate") as m:
        client, kb_id, job = setup_job()
        assert job["status"] == "START_IN_PROGRESS"
        listed = client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"]
        assert [(j["importJobId"], j["status"]) for j in listed] == [
            (job["importJobId"], "COMPLETE")
        ]
        assert qr_names(client, kb_id) == ["Greeting"]
        [info] = m.jobs()
        assert [s for s, _ in info.history] == ["START_IN_PROGRESS", "COMPLETE"]


# -- reads -------------------------------------------------------------------------------


def test_reads_moves_one_stage_per_read():
    with mock_imports(progression="reads") as m:
        client, kb_id, job = setup_job()
        assert job["status"] == "START_IN_PROGRESS"
        # listing quick responses is not a read of the job: nothing moves, nothing appears
        assert qr_names(client, kb_id) == []
        assert qr_names(client, kb_id) == []
        assert m.jobs()[0].status == "START_IN_PROGRESS"
        assert status(client, kb_id, job["importJobId"]) == "COMPLETE"
        assert qr_names(client, kb_id) == ["Greeting"]
        assert status(client, kb_id, job["importJobId"]) == "COMPLETE"


def test_reads_two_jobs_move_independently():
    with mock_imports(progression="reads"):
        client = make_client()
        kb_id = make_kb(client)
        first = start_import(client, kb_id, ONE_ROW)["importJobId"]
        second = start_import(client, kb_id, "name,content\nOther,Text\n")["importJobId"]
        assert status(client, kb_id, first) == "COMPLETE"
        assert qr_names(client, kb_id) == ["Greeting"]
        assert status(client, kb_id, second) == "COMPLETE"
        assert sorted(qr_names(client, kb_id)) == ["Greeting", "Other"]


# -- manual ------------------------------------------------------------------------------


def test_manual_stays_until_advanced():
    with mock_imports(progression="manual") as m:
        client, kb_id, job = setup_job()
        job_id = job["importJobId"]
        for _ in range(5):
            assert status(client, kb_id, job_id) == "START_IN_PROGRESS"
        listed = client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"]
        assert [j["status"] for j in listed] == ["START_IN_PROGRESS"]
        assert qr_names(client, kb_id) == []
        m.advance(job_id)
        assert status(client, kb_id, job_id) == "COMPLETE"
        assert qr_names(client, kb_id) == ["Greeting"]
        m.advance(job_id)  # a finished job does not move further
        assert status(client, kb_id, job_id) == "COMPLETE"


def test_manual_settle_and_advance_all():
    with mock_imports(progression="manual") as m:
        client = make_client()
        kb_id = make_kb(client)
        first = start_import(client, kb_id, ONE_ROW)["importJobId"]
        second = start_import(client, kb_id, "name,content\nOther,Text\n")["importJobId"]
        m.advance()  # every unfinished job, one stage
        assert (status(client, kb_id, first), status(client, kb_id, second)) == (
            "COMPLETE",
            "COMPLETE",
        )
        third = start_import(client, kb_id, "name,content\nThird,Text\n")["importJobId"]
        assert status(client, kb_id, third) == "START_IN_PROGRESS"
        m.settle()
        assert status(client, kb_id, third) == "COMPLETE"
        assert sorted(qr_names(client, kb_id)) == ["Greeting", "Other", "Third"]


# -- time ----------------------------------------------------------------------------------


def test_time_mode_under_freezegun():
    with freeze_time(T0) as frozen, mock_imports(progression="time"):
        client, kb_id, job = setup_job()
        job_id = job["importJobId"]
        assert job["status"] == "START_IN_PROGRESS"
        assert job["createdTime"] == T0
        frozen.tick(timedelta(seconds=4))
        got = get_job(client, kb_id, job_id)
        assert (got["status"], got["lastModifiedTime"]) == ("START_IN_PROGRESS", T0)
        frozen.tick(timedelta(seconds=1))
        got = get_job(client, kb_id, job_id)
        assert got["status"] == "COMPLETE"
        assert got["lastModifiedTime"] == T0 + timedelta(seconds=5)
        frozen.tick(timedelta(seconds=55))
        got = get_job(client, kb_id, job_id)
        assert got["lastModifiedTime"] == T0 + timedelta(seconds=5)
        assert got["createdTime"] == T0


def test_time_mode_transition_stamped_when_it_happened_not_at_the_read():
    with freeze_time(T0) as frozen, mock_imports(progression="time") as m:
        client, kb_id, job = setup_job()
        frozen.move_to(T0 + timedelta(seconds=60))
        got = get_job(client, kb_id, job["importJobId"])
        assert got["status"] == "COMPLETE"
        assert got["lastModifiedTime"] == T0 + timedelta(seconds=5)
        [info] = m.jobs()
        assert info.history == (
            ("START_IN_PROGRESS", T0.timestamp()),
            ("COMPLETE", T0.timestamp() + 5),
        )


def test_time_mode_effects_appear_without_reading_the_job():
    with freeze_time(T0) as frozen, mock_imports(progression="time"):
        client, kb_id, _ = setup_job()
        frozen.tick(timedelta(seconds=4.5))
        assert qr_names(client, kb_id) == []
        frozen.tick(timedelta(seconds=0.5))
        assert qr_names(client, kb_id) == ["Greeting"]


def test_time_mode_durations_per_stage():
    durations = {"START_IN_PROGRESS": 30}
    with freeze_time(T0) as frozen, mock_imports(progression="time", durations=durations):
        client, kb_id, job = setup_job()
        frozen.tick(timedelta(seconds=29))
        assert status(client, kb_id, job["importJobId"]) == "START_IN_PROGRESS"
        assert qr_names(client, kb_id) == []
        frozen.tick(timedelta(seconds=31))
        got = get_job(client, kb_id, job["importJobId"])
        assert got["status"] == "COMPLETE"
        assert got["lastModifiedTime"] == T0 + timedelta(seconds=30)


def test_time_mode_one_number_applies_to_every_stage():
    with freeze_time(T0) as frozen, mock_imports(progression="time", durations=1) as m:
        client, kb_id, job = setup_job()
        job_id = job["importJobId"]
        assert status(client, kb_id, job_id) == "START_IN_PROGRESS"
        frozen.tick(timedelta(seconds=1))
        assert status(client, kb_id, job_id) == "COMPLETE"
        # the deletion stage lasts one second too
        client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
        assert status(client, kb_id, job_id) == "DELETE_IN_PROGRESS"
        frozen.tick(timedelta(seconds=1))
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            get_job(client, kb_id, job_id)
        [info] = m.jobs()
        assert [s for s, _ in info.history] == [
            "START_IN_PROGRESS",
            "COMPLETE",
            "DELETE_IN_PROGRESS",
            "DELETED",
        ]
        assert [t - T0.timestamp() for _, t in info.history] == [0, 1, 1, 2]


def test_time_mode_default_deletion_lasts_a_few_seconds():
    with freeze_time(T0) as frozen, mock_imports(progression="time"):
        client, kb_id, job = setup_job()
        job_id = job["importJobId"]
        frozen.tick(timedelta(seconds=5))
        client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
        got = get_job(client, kb_id, job_id)
        assert (got["status"], got["lastModifiedTime"]) == (
            "DELETE_IN_PROGRESS",
            T0 + timedelta(seconds=5),
        )
        frozen.tick(timedelta(seconds=60))
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            get_job(client, kb_id, job_id)
        assert qr_names(client, kb_id) == ["Greeting"]


def test_time_mode_under_time_machine():
    with time_machine.travel(T0, tick=False) as traveller, mock_imports(progression="time"):
        client, kb_id, job = setup_job()
        job_id = job["importJobId"]
        assert job["createdTime"] == T0
        traveller.shift(4)
        assert status(client, kb_id, job_id) == "START_IN_PROGRESS"
        assert qr_names(client, kb_id) == []
        traveller.shift(1)
        assert qr_names(client, kb_id) == ["Greeting"]
        got = get_job(client, kb_id, job_id)
        assert (got["status"], got["lastModifiedTime"]) == ("COMPLETE", T0 + timedelta(seconds=5))
        traveller.shift(timedelta(minutes=10))
        assert get_job(client, kb_id, job_id)["lastModifiedTime"] == T0 + timedelta(seconds=5)


def test_time_mode_under_time_machine_with_durations():
    options = {"progression": "time", "durations": {"START_IN_PROGRESS": 30}}
    with time_machine.travel(T0, tick=False) as traveller, mock_imports(**options):
        client, kb_id, job = setup_job()
        traveller.shift(29)
        assert status(client, kb_id, job["importJobId"]) == "START_IN_PROGRESS"
        traveller.move_to(T0 + timedelta(seconds=90))
        got = get_job(client, kb_id, job["importJobId"])
        assert (got["status"], got["lastModifiedTime"]) == ("COMPLETE", T0 + timedelta(seconds=30))


def test_time_mode_controller_still_moves_jobs():
    with freeze_time(T0), mock_imports(progression="time") as m:
        client, kb_id, job = setup_job()
        m.settle()
        got = get_job(client, kb_id, job["importJobId"])
        assert (got["status"], got["lastModifiedTime"]) == ("COMPLETE", T0)


# -- per-service progression -------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["qconnect", "wisdom"])
def test_progression_per_service(client_name):
    with mock_imports(progression={"qconnect": "manual", "default": "immediate"}) as m:
        client = make_client(client_name)
        kb_id = make_kb(client)
        job_id = start_import(client, kb_id, ONE_ROW)["importJobId"]
        assert status(client, kb_id, job_id) == "START_IN_PROGRESS"
        assert status(client, kb_id, job_id) == "START_IN_PROGRESS"
        m.settle()
        assert status(client, kb_id, job_id) == "COMPLETE"


def test_progression_per_service_by_the_other_name():
    with mock_imports(progression={"wisdom": "reads"}):
        client = make_client("qconnect")
        kb_id = make_kb(client)
        job_id = start_import(client, kb_id, ONE_ROW)["importJobId"]
        assert qr_names(client, kb_id) == []
        assert status(client, kb_id, job_id) == "COMPLETE"


def test_progression_default_key_applies_to_unnamed_services():
    with mock_imports(progression={"default": "manual"}):
        client, kb_id, job = setup_job()
        assert status(client, kb_id, job["importJobId"]) == "START_IN_PROGRESS"


# -- DeleteImportJob ------------------------------------------------------------------------


def test_delete_import_job_lifecycle_in_manual_mode():
    with mock_imports(progression="manual") as m:
        client, kb_id, job = setup_job()
        job_id = job["importJobId"]
        with pytest.raises(client.exceptions.ConflictException) as raised:
            client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
        assert status(client, kb_id, job_id) == "START_IN_PROGRESS"

        m.settle()
        assert status(client, kb_id, job_id) == "COMPLETE"
        deleted = client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
        assert status(client, kb_id, job_id) == "DELETE_IN_PROGRESS"
        assert status(client, kb_id, job_id) == "DELETE_IN_PROGRESS"
        listed = client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"]
        assert [(j["importJobId"], j["status"]) for j in listed] == [(job_id, "DELETE_IN_PROGRESS")]

        m.settle()
        with pytest.raises(client.exceptions.ResourceNotFoundException) as raised:
            client.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
        assert raised.value.response["resourceName"] == job_id
        assert client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"] == []
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
        # the quick responses it created stay
        assert qr_names(client, kb_id) == ["Greeting"]


def test_delete_import_job_in_immediate_mode():
    with mock_imports():
        client, kb_id, job = setup_job()
        job_id = job["importJobId"]
        assert status(client, kb_id, job_id) == "COMPLETE"
        client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            get_job(client, kb_id, job_id)
        assert qr_names(client, kb_id) == ["Greeting"]


def test_delete_failed_import_job():
    with mock_imports(progression="manual") as m:
        client = make_client()
        kb_id = make_kb(client)
        m.fail_next("qconnect", "boom")
        job_id = start_import(client, kb_id, ONE_ROW)["importJobId"]
        m.settle()
        assert status(client, kb_id, job_id) == "FAILED"
        client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
        assert status(client, kb_id, job_id) == "DELETE_IN_PROGRESS"
        m.advance(job_id)
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            get_job(client, kb_id, job_id)

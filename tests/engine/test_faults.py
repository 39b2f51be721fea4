"""Fault injection: inject_error and fail_next."""

from __future__ import annotations

import botocore.session
import pytest
import requests
from botocore.exceptions import ClientError

from importmock import UnknownErrorCodeError, mock_imports
from tests.helpers import make_client, make_kb, start_import

ONE_ROW = "name,content\nGreeting,Hello there\n"


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


@pytest.mark.parametrize("operation", ["GetKnowledgeBase", "get_knowledge_base"])
def test_inject_error_by_api_or_method_name(operation):
    with mock_imports() as m:
        client = make_client()
        kb_id = make_kb(client)
        m.inject_error("qconnect", operation, "AccessDeniedException")
        with pytest.raises(client.exceptions.AccessDeniedException) as raised:
            client.get_knowledge_base(knowledgeBaseId=kb_id)
        code, message, status = error_of(raised)
        assert (code, status) == ("AccessDeniedException", 403)
        assert message  # a default message is present
        # only once by default
        assert (
            client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]["knowledgeBaseId"]
            == kb_id
        )
        assert [(c.operation, c.status, c.error_code) for c in m.calls[1:]] == [
            ("GetKnowledgeBase", 403, "AccessDeniedException"),
            ("GetKnowledgeBase", 200, None),
        ]


def test_inject_error_only_hits_the_named_operation():
    with mock_imports() as m:
        client = make_client()
        kb_id = make_kb(client)
        m.inject_error("qconnect", "ListQuickResponses", "AccessDeniedException")
        assert (
            client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]["knowledgeBaseId"]
            == kb_id
        )
        assert (
            client.list_knowledge_bases()["knowledgeBaseSummaries"][0]["knowledgeBaseId"] == kb_id
        )
        with pytest.raises(client.exceptions.AccessDeniedException):
            client.list_quick_responses(knowledgeBaseId=kb_id)


def test_inject_error_times_two_then_success():
    with mock_imports() as m:
        client = make_client()
        m.inject_error("qconnect", "CreateKnowledgeBase", "ServiceQuotaExceededException", times=2)
        for _ in range(2):
            with pytest.raises(client.exceptions.ServiceQuotaExceededException) as raised:
                client.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")
            assert error_of(raised)[2] == 402
        kb = client.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")
        assert kb["knowledgeBase"]["name"] == "kb"
        assert [c.status for c in m.calls] == [402, 402, 200]
        assert [kb["name"] for kb in client.list_knowledge_bases()["knowledgeBaseSummaries"]] == [
            "kb"
        ]


def test_injected_error_on_wisdom_affects_qconnect_calls():
    with mock_imports() as m:
        qconnect = make_client("qconnect")
        kb_id = make_kb(qconnect)
        m.inject_error("wisdom", "get_knowledge_base", "ResourceNotFoundException")
        with pytest.raises(qconnect.exceptions.ResourceNotFoundException) as raised:
            qconnect.get_knowledge_base(knowledgeBaseId=kb_id)
        assert error_of(raised)[2] == 404
        assert (
            qconnect.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]["knowledgeBaseId"]
            == kb_id
        )


def test_injected_error_on_qconnect_affects_wisdom_calls():
    with mock_imports() as m:
        wisdom = make_client("wisdom")
        m.inject_error("qconnect", "ListKnowledgeBases", "AccessDeniedException", "nope")
        with pytest.raises(wisdom.exceptions.AccessDeniedException) as raised:
            wisdom.list_knowledge_bases()
        assert error_of(raised) == ("AccessDeniedException", "nope", 403)


def test_custom_message_shows_in_the_error():
    with mock_imports() as m:
        client = make_client()
        kb_id = make_kb(client)
        m.inject_error(
            "qconnect",
            "StartContentUpload",
            "AccessDeniedException",
            message="Try again later, please.",
        )
        with pytest.raises(client.exceptions.AccessDeniedException) as raised:
            client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        assert error_of(raised) == ("AccessDeniedException", "Try again later, please.", 403)
        assert "Try again later, please." in str(raised.value)


@pytest.mark.parametrize(
    ("service", "operation", "code"),
    [
        ("qconnect", "GetKnowledgeBase", "ConflictException"),
        ("qconnect", "list_knowledge_bases", "ResourceNotFoundException"),
        ("wisdom", "GetKnowledgeBase", "UnauthorizedException"),  # qconnect-only error
        ("qconnect", "GetKnowledgeBase", "NoSuchThingException"),
    ],
)
def test_code_the_operation_cannot_return_is_refused_at_once(service, operation, code):
    with mock_imports() as m:
        with pytest.raises(UnknownErrorCodeError) as raised:
            m.inject_error(service, operation, code)
        assert code in str(raised.value)
        assert isinstance(raised.value, ValueError)
        # nothing was queued
        client = make_client(service)
        assert client.list_knowledge_bases()["knowledgeBaseSummaries"] == []
        kb_id = make_kb(client)
        assert (
            client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]["knowledgeBaseId"]
            == kb_id
        )


def test_inject_error_refuses_unknown_services_and_operations():
    with mock_imports() as m:
        with pytest.raises(ValueError):
            m.inject_error("qconnect", "GetKnowledgeBase", "AccessDeniedException", times=0)
        with pytest.raises(ValueError):
            m.inject_error("s3", "ListBuckets", "AccessDenied")
        with pytest.raises(ValueError):
            m.inject_error("qconnect", "NoSuchOperation", "AccessDeniedException")


def test_fail_next_fails_the_next_job_only():
    with mock_imports() as m:
        client = make_client()
        kb_id = make_kb(client)
        m.fail_next("qconnect", "boom")
        failed = start_import(client, kb_id, ONE_ROW)
        assert failed["status"] == "START_IN_PROGRESS"
        got = client.get_import_job(knowledgeBaseId=kb_id, importJobId=failed["importJobId"])
        assert got["importJob"]["status"] == "FAILED"
        assert client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"] == []

        second = start_import(client, kb_id, ONE_ROW)
        got = client.get_import_job(knowledgeBaseId=kb_id, importJobId=second["importJobId"])
        assert got["importJob"]["status"] == "COMPLETE"
        names = [
            q["name"]
            for q in client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
        ]
        assert names == ["Greeting"]

        jobs = m.jobs()
        assert [(j.job_id, j.status, j.failure_reason) for j in jobs] == [
            (failed["importJobId"], "FAILED", "boom"),
            (second["importJobId"], "COMPLETE", None),
        ]
        assert [s for s, _ in jobs[0].history] == ["START_IN_PROGRESS", "FAILED"]
        assert jobs[0].finished and jobs[1].finished


def test_fail_next_reason_is_in_the_failed_record_report():
    with mock_imports() as m:
        client = make_client()
        kb_id = make_kb(client)
        m.fail_next("wisdom", "the disk is on fire")
        job = start_import(client, kb_id, ONE_ROW)
        got = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])[
            "importJob"
        ]
        assert got["status"] == "FAILED"
        report = requests.get(got["failedRecordReport"])
        assert report.status_code == 200
        assert "the disk is on fire" in report.text


def test_fail_next_queues_in_order():
    with mock_imports(progression="manual") as m:
        client = make_client()
        kb_id = make_kb(client)
        m.fail_next("qconnect", "first")
        m.fail_next("wisdom", "second")
        ids = [start_import(client, kb_id, ONE_ROW)["importJobId"] for _ in range(3)]
        m.settle()
        by_id = {j.job_id: (j.status, j.failure_reason) for j in m.jobs()}
        assert [by_id[i] for i in ids] == [
            ("FAILED", "first"),
            ("FAILED", "second"),
            ("COMPLETE", None),
        ]


def test_fail_next_refuses_unknown_service():
    with mock_imports() as m:
        with pytest.raises(ValueError):
            m.fail_next("s3", "boom")


def _error_codes(service: str, operation: str) -> set[str]:
    model = botocore.session.get_session().get_service_model(service)
    return {shape.name for shape in model.operation_model(operation).error_shapes}


def test_a_shared_fault_skips_clients_whose_model_cannot_return_the_code():
    only_qconnect = _error_codes("qconnect", "GetKnowledgeBase") - _error_codes(
        "wisdom", "GetKnowledgeBase"
    )
    if "UnauthorizedException" not in only_qconnect:
        pytest.skip("this botocore's wisdom and qconnect models list the same errors")
    with mock_imports() as m:
        qconnect = make_client("qconnect")
        wisdom = make_client("wisdom")
        kb_id = make_kb(qconnect)
        # UnauthorizedException exists only in the qconnect model.
        m.inject_error("qconnect", "GetKnowledgeBase", "UnauthorizedException")
        assert wisdom.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]["name"]
        with pytest.raises(qconnect.exceptions.UnauthorizedException) as caught:
            qconnect.get_knowledge_base(knowledgeBaseId=kb_id)
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_fail_next_needs_a_reason(reason):
    with mock_imports() as m:
        with pytest.raises(ValueError, match="fail_next needs a reason"):
            m.fail_next("qconnect", reason)
        with pytest.raises(ValueError, match="does not mock a service named 's3'"):
            m.fail_next("s3", "boom")

"""``check_responses`` catches a backend that answers what the model does not allow.

Stand-in backends replace the real ones for a test and return exactly one kind of wrong
answer each; the client call must fail with ``ConformanceError`` naming the operation and
the member path. The real backends are checked by the whole suite (tests/conftest.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest

from importmock import ConformanceError, mock_imports
from importmock.engine.backend import Backend, backend_for, register, unregister
from importmock.engine.errors import ServiceError
from importmock.engine.session import CHECK_RESPONSES_VARIABLE
from tests.helpers import session_client

KB_ID = "00000000-0000-4000-8000-000000000000"
NOW = datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc)


def _job(**changes: Any) -> dict[str, Any]:
    job = {
        "importJobId": KB_ID,
        "knowledgeBaseId": KB_ID,
        "uploadId": "u",
        "knowledgeBaseArn": f"arn:aws:wisdom:us-east-1:123456789012:knowledge-base/{KB_ID}",
        "importJobType": "QUICK_RESPONSES",
        "status": "COMPLETE",
        "url": "https://example.invalid/u",
        "urlExpiry": NOW,
        "createdTime": NOW,
        "lastModifiedTime": NOW,
    }
    job.update(changes)
    return {name: value for name, value in job.items() if value is not None}


class Misbehaving(Backend):
    """Answers GetImportJob with whatever the test put in ``answer``."""

    clients = ("qconnect", "wisdom")
    answer: Any = None

    def get_import_job(self, **_: Any) -> Any:
        if isinstance(Misbehaving.answer, ServiceError):
            raise Misbehaving.answer
        return Misbehaving.answer


@pytest.fixture
def misbehaving() -> Iterator[type[Misbehaving]]:
    import importmock.services  # noqa: F401 - the real backend registers first

    real = backend_for("qconnect")
    register(Misbehaving)
    yield Misbehaving
    unregister(Misbehaving)
    assert real is not None
    register(real)


def _get(answer: Any, check: bool | None = True) -> Any:
    Misbehaving.answer = answer
    with mock_imports(check_responses=check):
        client = session_client("qconnect")
        return client.get_import_job(knowledgeBaseId=KB_ID, importJobId=KB_ID)


def test_a_conformant_answer_passes(misbehaving: Any) -> None:
    assert _get({"importJob": _job()})["importJob"]["status"] == "COMPLETE"


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (
            {"importJob": _job(status="DONE")},
            # The values themselves differ between botocore releases.
            "Value 'DONE' at 'importJob.status' failed to satisfy constraint: Member must "
            "satisfy enum value set: [START_IN_PROGRESS, FAILED, COMPLETE, ",
        ),
        (
            {"importJob": _job(uploadId=None)},
            "Value null at 'importJob.uploadId' failed to satisfy constraint: Member must "
            "not be null",
        ),
        (
            {"importJob": _job(importJobId="x")},
            "Value 'x' at 'importJob.importJobId' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: ",
        ),
        (
            {"importJob": _job(uploadId="u" * 1201)},
            "at 'importJob.uploadId' failed to satisfy constraint: Member must have length "
            "less than or equal to 1200",
        ),
        (
            {"importJob": _job(status=3)},
            "at 'importJob.status' failed to satisfy constraint: Member must be of type string",
        ),
        (
            {"importJob": _job(createdTime=NOW.isoformat())},
            "'importJob.createdTime' must be epoch seconds (unixTimestamp) but is "
            "'2026-01-02T00:00:00+00:00'",
        ),
        (
            {"importJob": _job(extra="x")},
            "'importJob.extra' is not a member of ImportJobData",
        ),
        (
            {"importJob": {**_job(), "failedRecordReport": None}},
            "'importJob.failedRecordReport' is null; AWS omits absent members",
        ),
        (
            {"importJob": _job(), "nextToken": "x"},
            "'nextToken' is not a member of GetImportJobResponse",
        ),
        (
            ServiceError("ConflictException", "not this operation's"),
            "error ConflictException is not declared for qconnect.GetImportJob (declared: "
            "AccessDeniedException, ResourceNotFoundException, ValidationException)",
        ),
        (
            ServiceError("ResourceNotFoundException", "gone", http_status=400),
            "ResourceNotFoundException answered with status 400; its shape says 404",
        ),
    ],
    ids=[
        "enum",
        "required",
        "pattern",
        "length",
        "type",
        "timestamp-format",
        "unknown-member",
        "null",
        "unknown-top-member",
        "undeclared-error",
        "error-status",
    ],
)
def test_a_wrong_answer_fails_the_call_naming_operation_and_path(
    misbehaving: Any, answer: Any, problem: str
) -> None:
    with pytest.raises(ConformanceError) as raised:
        _get(answer)
    message = str(raised.value)
    assert message.startswith(
        "importmock answered qconnect.GetImportJob with a response its model does not allow: "
    )
    assert problem in message


def test_the_check_is_off_unless_asked_for(
    misbehaving: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CHECK_RESPONSES_VARIABLE)
    assert _get({"importJob": _job(status="DONE")}, check=None)["importJob"]["status"] == "DONE"
    monkeypatch.setenv(CHECK_RESPONSES_VARIABLE, "1")
    with pytest.raises(ConformanceError):
        _get({"importJob": _job(status="DONE")}, check=None)
    # An explicit option wins over the environment.
    assert _get({"importJob": _job(status="DONE")}, check=False)["importJob"]["status"] == "DONE"


def test_the_suite_runs_with_the_check_on(importmock: Any) -> None:
    assert importmock.check_responses is True


def test_check_responses_must_be_a_bool() -> None:
    with pytest.raises(ValueError, match="check_responses must be True or False; got 'yes'"):
        mock_imports(check_responses="yes")


def test_what_qconnect_creates_wisdom_reads_as_the_service_sends_it(importmock: Any) -> None:
    """The two clients address one service; wisdom's older model says names have at most
    40 characters, qconnect's 100. A response either model allows is accepted."""
    qconnect = session_client("qconnect")
    wisdom = session_client("wisdom")
    kb = qconnect.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")
    kb_id = kb["knowledgeBase"]["knowledgeBaseId"]
    name = "n" * 60
    created = qconnect.create_quick_response(
        knowledgeBaseId=kb_id, name=name, content={"content": "hello"}
    )["quickResponse"]
    read = wisdom.get_quick_response(
        knowledgeBaseId=kb_id, quickResponseId=created["quickResponseId"]
    )["quickResponse"]
    assert read["name"] == name
    listed = wisdom.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
    assert [summary["name"] for summary in listed] == [name]


def test_an_answer_neither_sharing_model_allows_still_fails(misbehaving: Any) -> None:
    Misbehaving.answer = {"importJob": _job(status="DONE")}
    with mock_imports(check_responses=True):
        wisdom = session_client("wisdom")
        with pytest.raises(ConformanceError, match="wisdom.GetImportJob"):
            wisdom.get_import_job(knowledgeBaseId=KB_ID, importJobId=KB_ID)

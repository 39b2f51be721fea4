"""Interception at botocore's HTTP layer: early clients, unmocked services, moto
interplay, modeled errors, server-side validation, call recording, regions, threads."""

from __future__ import annotations

import socket
import threading
import uuid

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws

from importmock import NotMockedError, mock_imports
from tests.helpers import make_client, make_kb, upload_csv

MISSING_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything opens a non-loopback socket connection."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost"):
            attempts.append(address)
            raise OSError(f"network use in a test: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: attempts.append(a) or (_ for _ in ()).throw(OSError)
    )
    return attempts


# -- clients made before the mock ---------------------------------------------------------


def test_client_created_before_the_mock_without_credentials_is_intercepted(
    no_credentials, no_network
):
    early = boto3.session.Session().client("qconnect", region_name="us-east-1")
    assert early._request_signer._credentials is None  # really had no credentials
    with mock_imports() as m:
        kb_id = make_kb(early, "early")
        summaries = early.list_knowledge_bases()["knowledgeBaseSummaries"]
        assert [kb["knowledgeBaseId"] for kb in summaries] == [kb_id]
        # and a client made inside the mock sees the same state
        assert make_client().get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]["name"] == (
            "early"
        )
        assert [(c.service, c.operation, c.status) for c in m.calls] == [
            ("qconnect", "CreateKnowledgeBase", 200),
            ("qconnect", "ListKnowledgeBases", 200),
            ("qconnect", "GetKnowledgeBase", 200),
        ]
    assert no_network == []


def test_client_used_in_two_successive_mocks_sees_fresh_state(no_network):
    with mock_imports():
        client = make_client()
        make_kb(client, "first")
    with mock_imports():
        assert client.list_knowledge_bases()["knowledgeBaseSummaries"] == []
    assert no_network == []


# -- services importmock does not mock ----------------------------------------------------


def test_unmocked_service_without_moto_is_refused_without_network(no_network):
    with mock_imports() as m:
        s3 = boto3.client("s3", region_name="us-east-1")
        with pytest.raises(NotMockedError) as raised:
            s3.list_buckets()
        assert "s3" in str(raised.value)
        assert m.calls == []
    assert no_network == []


def test_not_mocked_error_is_an_importmock_error():
    import importmock

    assert issubclass(NotMockedError, importmock.ImportMockError)


def _moto_and_importmock_flow(m):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="interop-bucket")
    s3.put_object(Bucket="interop-bucket", Key="k.txt", Body=b"moto body")
    assert s3.get_object(Bucket="interop-bucket", Key="k.txt")["Body"].read() == b"moto body"
    presigned = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "interop-bucket", "Key": "k.txt"}
    )
    got = requests.get(presigned)
    assert (got.status_code, got.content) == (200, b"moto body")

    client = make_client()
    kb_id = make_kb(client, "interop")
    upload_id = upload_csv(client, kb_id, "name,content\nHi,Hello\n")  # asserts the PUT is 200
    job = client.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload_id
    )["importJob"]
    assert job["status"] == "START_IN_PROGRESS"
    got = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])
    assert got["importJob"]["status"] == "COMPLETE"

    assert {c.service for c in m.calls} == {"qconnect"}
    assert [c.operation for c in m.calls] == [
        "CreateKnowledgeBase",
        "StartContentUpload",
        "StartImportJob",
        "GetImportJob",
    ]


def test_moto_outer_importmock_inner(no_network):
    with mock_aws():
        with mock_imports() as m:
            _moto_and_importmock_flow(m)
        # importmock stopped; moto still serves S3 and its URLs
        s3 = boto3.client("s3", region_name="us-east-1")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["interop-bucket"]
    assert no_network == []


def test_importmock_outer_moto_inner(no_network):
    with mock_imports() as m:
        with mock_aws():
            _moto_and_importmock_flow(m)
        # moto stopped: s3 is refused again, qconnect still answered
        with pytest.raises(NotMockedError):
            boto3.client("s3", region_name="us-east-1").list_buckets()
        assert [
            kb["name"] for kb in make_client().list_knowledge_bases()["knowledgeBaseSummaries"]
        ] == ["interop"]
    assert no_network == []


def test_upload_url_minted_before_moto_started_still_works(no_network):
    with mock_imports():
        client = make_client()
        kb_id = make_kb(client)
        upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        with mock_aws():
            response = requests.put(
                upload["url"], data=b"name,content\nHi,Hello\n", headers=upload["headersToInclude"]
            )
            assert response.status_code == 200, response.text
    assert no_network == []


def test_upload_url_minted_inside_moto_works_after_moto_stops(no_network):
    with mock_imports():
        client = make_client()
        kb_id = make_kb(client)
        with mock_aws():
            upload = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        response = requests.put(
            upload["url"], data=b"name,content\nHi,Hello\n", headers=upload["headersToInclude"]
        )
        assert response.status_code == 200
    assert no_network == []


# -- modeled errors ------------------------------------------------------------------------


def test_unimplemented_operation_names_service_and_operation(no_network):
    with mock_imports() as m:
        client = make_client()
        with pytest.raises(ClientError) as raised:
            client.create_assistant(name="assistant", type="AGENT")
        error = raised.value.response["Error"]
        assert error["Code"] == "NotImplemented"
        assert "qconnect" in error["Message"]
        assert "CreateAssistant" in error["Message"]
        assert [(c.operation, c.error_code) for c in m.calls] == [
            ("CreateAssistant", "NotImplemented")
        ]
    assert no_network == []


def test_error_response_is_serialised_like_the_service():
    with mock_imports():
        client = make_client()
        with pytest.raises(client.exceptions.ResourceNotFoundException) as raised:
            client.get_knowledge_base(knowledgeBaseId=MISSING_ID)
        response = raised.value.response
        metadata = response["ResponseMetadata"]
        assert response["Error"]["Code"] == "ResourceNotFoundException"
        assert metadata["HTTPStatusCode"] == 404
        assert metadata["HTTPHeaders"]["x-amzn-errortype"].split(":")[0] == (
            "ResourceNotFoundException"
        )
        assert metadata["RequestId"]
        assert metadata["RequestId"] == metadata["HTTPHeaders"]["x-amzn-requestid"]
        assert metadata["RetryAttempts"] == 0
        assert response["resourceName"] == MISSING_ID


def test_conflict_error_status_and_request_ids_are_unique():
    with mock_imports():
        client = make_client()
        make_kb(client, "same-name")
        request_ids = set()
        for _ in range(2):
            with pytest.raises(client.exceptions.ConflictException) as raised:
                client.create_knowledge_base(name="same-name", knowledgeBaseType="QUICK_RESPONSES")
            metadata = raised.value.response["ResponseMetadata"]
            assert metadata["HTTPStatusCode"] == 409
            request_ids.add(metadata["RequestId"])
        assert len(request_ids) == 2


@pytest.mark.parametrize("service", ["qconnect", "wisdom"])
def test_validation_holds_without_client_side_validation(service):
    with mock_imports() as m:
        client = make_client(service, config=Config(parameter_validation=False))
        kb_id = make_kb(client)
        with pytest.raises(client.exceptions.ValidationException) as raised:
            client.list_import_jobs(knowledgeBaseId=kb_id, maxResults=1000)
        assert raised.value.response["Error"]["Message"] == (
            "1 validation error detected: Value '1000' at 'maxResults' failed to satisfy "
            "constraint: Member must have value less than or equal to 100"
        )
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

        with pytest.raises(client.exceptions.ValidationException) as raised:
            client.create_knowledge_base(name="no-type")
        assert raised.value.response["Error"]["Message"] == (
            "1 validation error detected: Value null at 'knowledgeBaseType' failed to "
            "satisfy constraint: Member must not be null"
        )
        with pytest.raises(client.exceptions.ValidationException) as raised:
            client.list_import_jobs(knowledgeBaseId=kb_id, maxResults=1000, nextToken="")
        assert raised.value.response["Error"]["Message"].startswith(
            "2 validation errors detected: "
        )
        assert [c.status for c in m.calls] == [200, 400, 400, 400]


def test_validation_omits_sensitive_values():
    with mock_imports():
        client = make_client()
        kb_id = make_kb(client)
        with pytest.raises(client.exceptions.ValidationException) as raised:
            client.create_quick_response(
                knowledgeBaseId=kb_id, name="n", content={"content": "secret" * 700}
            )
        message = raised.value.response["Error"]["Message"]
        # 1024 in older qconnect models, 4000 in newer ones: read it from the model.
        content = client.meta.service_model.shape_for("QuickResponseDataProvider")
        limit = content.members["content"].metadata["max"]
        assert message == (
            "1 validation error detected: Value at 'content.content' failed to satisfy "
            f"constraint: Member must have length less than or equal to {limit}"
        )
        assert "secret" not in message


def test_validation_uses_the_model_of_the_sending_client():
    # CreateQuickResponse's name is at most 40 characters in wisdom, 100 in qconnect.
    no_client_checks = Config(parameter_validation=False)
    with mock_imports():
        wisdom = make_client("wisdom", config=no_client_checks)
        qconnect = make_client("qconnect", config=no_client_checks)
        kb_id = make_kb(qconnect)
        name = "n" * 50
        with pytest.raises(wisdom.exceptions.ValidationException) as raised:
            wisdom.create_quick_response(knowledgeBaseId=kb_id, name=name, content={"content": "x"})
        assert raised.value.response["Error"]["Message"] == (
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy "
            "constraint: Member must have length less than or equal to 40"
        )
        created = qconnect.create_quick_response(
            knowledgeBaseId=kb_id, name=name, content={"content": "x"}
        )["quickResponse"]
        assert created["name"] == name


# -- routing -------------------------------------------------------------------------------


def test_path_ids_accept_the_knowledge_base_arn():
    with mock_imports():
        client = make_client()
        kb_id = make_kb(client, "by-arn")
        arn = client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]["knowledgeBaseArn"]
        assert client.get_knowledge_base(knowledgeBaseId=arn)["knowledgeBase"][
            "knowledgeBaseId"
        ] == (kb_id)
        qr = client.create_quick_response(
            knowledgeBaseId=arn, name="via-arn", content={"content": "hello"}
        )["quickResponse"]
        assert qr["knowledgeBaseId"] == kb_id
        listed = client.list_quick_responses(knowledgeBaseId=arn)["quickResponseSummaries"]
        assert [q["quickResponseId"] for q in listed] == [qr["quickResponseId"]]
        got = client.get_quick_response(knowledgeBaseId=arn, quickResponseId=qr["quickResponseArn"])
        assert got["quickResponse"]["name"] == "via-arn"


def test_wisdom_and_qconnect_share_one_backend():
    with mock_imports() as m:
        wisdom = make_client("wisdom")
        qconnect = make_client("qconnect")
        kb_id = make_kb(wisdom, "shared")
        kb = qconnect.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]
        assert kb["name"] == "shared"
        qr = qconnect.create_quick_response(
            knowledgeBaseId=kb_id, name="from-qconnect", content={"content": "hi"}
        )["quickResponse"]
        listed = wisdom.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]
        assert [q["quickResponseId"] for q in listed] == [qr["quickResponseId"]]
        assert [(c.service, c.operation) for c in m.calls] == [
            ("wisdom", "CreateKnowledgeBase"),
            ("qconnect", "GetKnowledgeBase"),
            ("qconnect", "CreateQuickResponse"),
            ("wisdom", "ListQuickResponses"),
        ]


# -- recording -----------------------------------------------------------------------------


def test_calls_record_service_operation_params_and_status():
    with mock_imports() as m:
        client = make_client()
        kb_id = make_kb(client, "recorded")
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=MISSING_ID)
        with pytest.raises(client.exceptions.ValidationException):
            client.list_quick_responses(knowledgeBaseId=kb_id, nextToken="not-a-token")
        wisdom = make_client("wisdom")
        wisdom.delete_knowledge_base(knowledgeBaseId=kb_id)

        assert [(c.service, c.operation, c.status) for c in m.calls] == [
            ("qconnect", "CreateKnowledgeBase", 200),
            ("qconnect", "GetQuickResponse", 404),
            ("qconnect", "ListQuickResponses", 400),
            ("wisdom", "DeleteKnowledgeBase", 204),
        ]
        create, get, listing, delete = m.calls
        assert create.params["name"] == "recorded"
        assert create.params["knowledgeBaseType"] == "QUICK_RESPONSES"
        assert get.params == {"knowledgeBaseId": kb_id, "quickResponseId": MISSING_ID}
        assert get.error_code == "ResourceNotFoundException"
        assert listing.params == {"knowledgeBaseId": kb_id, "nextToken": "not-a-token"}
        assert listing.error_code == "ValidationException"
        assert delete.params == {"knowledgeBaseId": kb_id}
        assert create.error_code is None


def test_reset_forgets_state_and_calls():
    with mock_imports() as m:
        client = make_client()
        make_kb(client)
        m.reset()
        assert m.calls == []
        assert client.list_knowledge_bases()["knowledgeBaseSummaries"] == []
        assert m.jobs() == []


# -- state scope -----------------------------------------------------------------------------


def test_regions_are_separate():
    with mock_imports():
        east = make_client(region="us-east-1")
        west = make_client(region="eu-west-1")
        kb_id = make_kb(east, "east-only")
        assert west.list_knowledge_bases()["knowledgeBaseSummaries"] == []
        with pytest.raises(west.exceptions.ResourceNotFoundException):
            west.get_knowledge_base(knowledgeBaseId=kb_id)
        west_id = make_kb(west, "east-only")  # same name is fine in another region
        arn = west.get_knowledge_base(knowledgeBaseId=west_id)["knowledgeBase"]["knowledgeBaseArn"]
        assert arn.startswith("arn:aws:wisdom:eu-west-1:123456789012:knowledge-base/")
        assert [
            kb["knowledgeBaseId"] for kb in east.list_knowledge_bases()["knowledgeBaseSummaries"]
        ] == [kb_id]


def test_state_is_thread_safe():
    with mock_imports() as m:
        client = make_client()
        kb_id = make_kb(client, "threads")
        errors: list[BaseException] = []
        barrier = threading.Barrier(5)

        def worker(index: int) -> None:
            try:
                own = boto3.session.Session().client("qconnect", region_name="us-east-1")
                barrier.wait()
                for n in range(10):
                    own.create_quick_response(
                        knowledgeBaseId=kb_id,
                        name=f"t{index}-qr{n}",
                        content={"content": f"body {index} {n}"},
                    )
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []

        names = []
        paginator = client.get_paginator("list_quick_responses")
        for page in paginator.paginate(knowledgeBaseId=kb_id, PaginationConfig={"PageSize": 7}):
            names.extend(q["name"] for q in page["quickResponseSummaries"])
        assert len(names) == 50
        assert sorted(names) == sorted(f"t{i}-qr{n}" for i in range(5) for n in range(10))
        creates = [c for c in m.calls if c.operation == "CreateQuickResponse"]
        assert len(creates) == 50
        assert {c.status for c in creates} == {200}


def test_ids_are_lowercase_uuids():
    with mock_imports():
        kb_id = make_kb(make_client())
        assert str(uuid.UUID(kb_id)) == kb_id


def test_an_access_key_of_twelve_digits_selects_the_account():
    with mock_imports(account_id="999999999999") as m:
        default = make_client()
        first = make_client(aws_access_key_id="111111111111", aws_secret_access_key="x")
        second = make_client(aws_access_key_id="222222222222", aws_secret_access_key="x")
        kb_default = default.create_knowledge_base(name="d", knowledgeBaseType="CUSTOM")
        kb_first = first.create_knowledge_base(name="one", knowledgeBaseType="CUSTOM")
        assert kb_default["knowledgeBase"]["knowledgeBaseArn"].split(":")[4] == "999999999999"
        assert kb_first["knowledgeBase"]["knowledgeBaseArn"].split(":")[4] == "111111111111"
        assert [kb["name"] for kb in first.list_knowledge_bases()["knowledgeBaseSummaries"]] == [
            "one"
        ]
        assert second.list_knowledge_bases()["knowledgeBaseSummaries"] == []
        assert [c.account for c in m.calls] == [
            "999999999999",
            "111111111111",
            "111111111111",
            "222222222222",
        ]

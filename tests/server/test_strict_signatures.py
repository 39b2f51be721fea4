"""Strict mode: SigV4 signatures verified against the configured credentials."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from freezegun import freeze_time

from importmock.server import RunningServer, threaded_server
from tests.helpers import csv_text, error_raised

KEY, SECRET = "AKIASTRICTTESTKEY001", "strict-secret"
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation "
    "for details."
)
HOST_NOT_SIGNED = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
BODY_HASH_MISMATCH = "The provided 'x-amz-content-sha256' header does not match what was computed."


@pytest.fixture
def strict() -> Iterator[RunningServer]:
    with threaded_server(strict_signatures=True, credentials={KEY: SECRET}) as server:
        yield server


def _client(server: RunningServer, name: str, **kwargs):
    kwargs.setdefault("aws_access_key_id", KEY)
    kwargs.setdefault("aws_secret_access_key", SECRET)
    return server.client(name, config=Config(retries={"max_attempts": 1}), **kwargs)


def _signed(
    server: RunningServer,
    method: str,
    path: str,
    body: bytes = b"",
    signer: type[SigV4Auth] = SigV4Auth,
    headers: dict[str, str] | None = None,
) -> AWSRequest:
    request = AWSRequest(
        method=method,
        url=server.url + path,
        data=body,
        headers={**({"Content-Type": "application/json"} if body else {}), **(headers or {})},
    )
    signer(Credentials(KEY, SECRET), "wisdom", "us-east-1").add_auth(request)
    return request


class _SignerLeavingOutHost(SigV4Auth):
    def headers_to_sign(self, request: Any) -> Any:
        headers = super().headers_to_sign(request)
        del headers["host"]
        return headers


class _SignerOfUnsignedPayloads(SigV4Auth):
    """Signs as S3 clients do when they skip hashing the body."""

    def payload(self, request: Any) -> str:
        return "UNSIGNED-PAYLOAD"


def _send(request: AWSRequest, **changes: object) -> requests.Response:
    return requests.request(
        request.method,
        request.url,
        data=changes.get("body", request.body),
        headers=dict(request.headers.items()),
        timeout=10,
    )


def test_requests_signed_with_a_configured_key_are_answered(strict: RunningServer) -> None:
    qconnect = _client(strict, "qconnect")
    kb = qconnect.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")
    kb_id, arn = kb["knowledgeBase"]["knowledgeBaseId"], kb["knowledgeBase"]["knowledgeBaseArn"]
    # an ARN in the path (encoded twice in the canonical request) and a query string
    qconnect.tag_resource(resourceArn=arn, tags={"team": "support", "cost center": "a b"})
    assert qconnect.list_tags_for_resource(resourceArn=arn)["tags"]["cost center"] == "a b"
    assert qconnect.list_knowledge_bases(maxResults=5)["knowledgeBaseSummaries"][0]["name"] == "kb"
    # the whole import, the upload to the presigned URL included
    upload = qconnect.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
    put = requests.put(
        upload["url"],
        data=csv_text(["name", "content"], ["A", "a"]).encode(),
        headers=upload["headersToInclude"],
        timeout=10,
    )
    assert put.status_code == 200
    job = qconnect.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]
    job = qconnect.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])
    assert job["importJob"]["status"] == "COMPLETE"
    _client(strict, "pinpoint").create_app(CreateApplicationRequest={"Name": "app"})
    lex = _client(strict, "lexv2-models", region="eu-west-2")
    assert lex.list_bots(maxResults=10)["botSummaries"] == []
    assert all(call.status < 300 for call in strict.controller.calls)
    # the controller is not signed
    assert requests.get(f"{strict.url}/_importmock/health", timeout=10).status_code == 200


def test_a_wrong_secret_is_an_invalid_signature(strict: RunningServer) -> None:
    client = _client(strict, "qconnect", aws_secret_access_key="not-the-secret")
    assert error_raised(client.list_knowledge_bases) == ("InvalidSignatureException", MISMATCH, 403)
    assert strict.controller.calls == []


def test_an_unknown_access_key_is_an_unrecognized_client(strict: RunningServer) -> None:
    client = _client(strict, "pinpoint", aws_access_key_id="AKIANOBODYKNOWS00000")
    assert error_raised(client.get_apps) == (
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
        403,
    )


def test_an_unsigned_request_is_missing_its_token(strict: RunningServer) -> None:
    client = boto3.client(
        "lexv2-models",
        region_name="us-east-1",
        endpoint_url=strict.url,
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )
    assert error_raised(client.list_bots) == (
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
        403,
    )


def test_a_body_changed_after_signing_is_an_invalid_signature(strict: RunningServer) -> None:
    body = b'{"name": "kb", "knowledgeBaseType": "QUICK_RESPONSES"}'
    request = _signed(strict, "POST", "/knowledgeBases", body)
    honest = _send(request)
    assert honest.status_code == 200
    tampered = _send(request, body=body.replace(b'"kb"', b'"KB"'))
    assert tampered.status_code == 403
    assert tampered.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    assert tampered.json() == {"message": MISMATCH}
    assert [c.params["name"] for c in strict.controller.calls] == ["kb"]


def test_a_signature_older_than_five_minutes_has_expired(strict: RunningServer) -> None:
    signed_at = datetime.now(timezone.utc) - timedelta(minutes=6)
    with freeze_time(signed_at):
        request = _signed(strict, "GET", "/knowledgeBases")
    answer = _send(request)
    assert answer.status_code == 403
    assert answer.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    message = answer.json()["message"]
    assert message.startswith(
        f"Signature expired: {signed_at.strftime('%Y%m%dT%H%M%SZ')} is now earlier than "
    )
    assert message.endswith(" - 5 min.)")


def test_a_signature_from_the_future_is_not_yet_current(strict: RunningServer) -> None:
    with freeze_time(datetime.now(timezone.utc) + timedelta(minutes=6)):
        request = _signed(strict, "GET", "/knowledgeBases")
    answer = _send(request)
    assert answer.status_code == 403
    assert answer.json()["message"].startswith("Signature not yet current: ")


@pytest.mark.parametrize(
    "authorization, message",
    [
        (
            f"AWS4-HMAC-SHA256 Credential={KEY}/20261206/us-east-1/wisdom/aws4_request, "
            "SignedHeaders=host;x-amz-date",
            "Authorization header requires 'Signature' parameter.",
        ),
        ("Bearer abc", "Unsupported authorization type: only AWS4-HMAC-SHA256 is accepted."),
    ],
)
def test_an_incomplete_authorization_header(
    strict: RunningServer, authorization: str, message: str
) -> None:
    answer = requests.get(
        f"{strict.url}/knowledgeBases",
        headers={"Authorization": authorization, "X-Amz-Date": "20261206T000000Z"},
        timeout=10,
    )
    assert answer.status_code == 403
    assert answer.headers["x-amzn-ErrorType"] == "IncompleteSignatureException"
    assert answer.json()["message"].startswith(message)


def test_strict_mode_without_credentials_is_refused() -> None:
    with pytest.raises(ValueError, match="strict signature checking needs credentials"):
        with threaded_server(strict_signatures=True):
            pass


def test_off_by_default_any_signature_is_accepted(server: RunningServer) -> None:
    client = server.client("qconnect", aws_secret_access_key="anything at all")
    assert client.list_knowledge_bases()["knowledgeBaseSummaries"] == []


def _refusal(answer: requests.Response) -> tuple[int, str | None, str | None]:
    return answer.status_code, answer.headers.get("x-amzn-ErrorType"), answer.json().get("message")


def test_a_captured_request_replayed_with_another_body_and_its_old_hash_is_refused(
    strict: RunningServer,
) -> None:
    """The signature covers the hash of the body received, whatever a header claims."""
    qconnect = _client(strict, "qconnect")
    captured: list[Any] = []
    qconnect.meta.events.register(
        "before-send.qconnect.CreateKnowledgeBase", lambda request, **_: captured.append(request)
    )
    qconnect.create_knowledge_base(
        name="honest", knowledgeBaseType="QUICK_RESPONSES", clientToken="token-honest"
    )
    [request] = captured
    signed_body = request.body
    headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
    swapped = signed_body.replace(b"honest", b"forged")
    assert swapped.count(b"forged") == 2  # the name and the client token

    def replay(body: bytes, **extra: str) -> requests.Response:
        return requests.post(request.url, data=body, headers={**headers, **extra}, timeout=10)

    old_hash = hashlib.sha256(signed_body).hexdigest()
    new_hash = hashlib.sha256(swapped).hexdigest()
    assert _refusal(replay(swapped, **{"X-Amz-Content-Sha256": old_hash})) == (
        400,
        "XAmzContentSHA256Mismatch",
        BODY_HASH_MISMATCH,
    )
    for declared in (new_hash, "UNSIGNED-PAYLOAD"):
        answer = replay(swapped, **{"X-Amz-Content-Sha256": declared})
        assert _refusal(answer) == (403, "InvalidSignatureException", MISMATCH)
    assert [call.params["name"] for call in strict.controller.calls] == ["honest"]
    # the capture itself is still good: the header was the only change
    assert replay(signed_body).status_code == 200


def test_a_signature_that_leaves_out_host_is_refused(strict: RunningServer) -> None:
    request = _signed(strict, "GET", "/knowledgeBases", signer=_SignerLeavingOutHost)
    assert "SignedHeaders=x-amz-date," in request.headers["Authorization"]
    assert _refusal(_send(request)) == (403, "InvalidSignatureException", HOST_NOT_SIGNED)
    assert strict.controller.calls == []


def test_an_unsigned_payload_is_not_accepted(strict: RunningServer) -> None:
    """UNSIGNED-PAYLOAD is S3's: these services sign the hash of the body itself."""
    body = b'{"name": "kb", "knowledgeBaseType": "QUICK_RESPONSES"}'
    request = _signed(
        strict,
        "POST",
        "/knowledgeBases",
        body,
        signer=_SignerOfUnsignedPayloads,
        headers={"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"},
    )
    assert "x-amz-content-sha256" in request.headers["Authorization"]
    assert _refusal(_send(request)) == (403, "InvalidSignatureException", MISMATCH)
    assert strict.controller.calls == []


def test_a_signed_payload_hash_that_matches_the_body_is_accepted(strict: RunningServer) -> None:
    """As the JavaScript SDK sends it: the body's hash in a signed header."""
    body = b'{"name": "kb", "knowledgeBaseType": "QUICK_RESPONSES"}'
    digest = hashlib.sha256(body).hexdigest()
    request = _signed(
        strict, "POST", "/knowledgeBases", body, headers={"X-Amz-Content-Sha256": digest}
    )
    assert _send(request).status_code == 200
    assert [call.params["name"] for call in strict.controller.calls] == ["kb"]

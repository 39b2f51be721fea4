"""Which service answers a request over HTTP: SigV4 scope, path, account and region."""

from __future__ import annotations

import json

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from importmock.server import RunningServer
from tests.helpers import error_raised

NOT_MOCKED = (
    "importmock does not mock the '{}' service; this server mocks "
    "lexv2-models, pinpoint, qconnect, wisdom."
)


def test_wisdom_and_qconnect_clients_share_one_service(server: RunningServer) -> None:
    made = server.client("wisdom").create_knowledge_base(
        name="shared", knowledgeBaseType="QUICK_RESPONSES"
    )["knowledgeBase"]
    listed = server.client("qconnect").list_knowledge_bases()["knowledgeBaseSummaries"]
    assert [kb["knowledgeBaseId"] for kb in listed] == [made["knowledgeBaseId"]]
    # Both clients sign as `wisdom`: the server answers them as the current model, qconnect.
    assert [(c.service, c.operation) for c in server.controller.calls] == [
        ("qconnect", "CreateKnowledgeBase"),
        ("qconnect", "ListKnowledgeBases"),
    ]


def test_each_signing_name_reaches_its_backend(server: RunningServer) -> None:
    server.client("pinpoint").create_app(CreateApplicationRequest={"Name": "app"})
    server.client("lexv2-models").list_bots()
    server.client("qconnect").list_knowledge_bases()
    assert [(c.service, c.operation, c.status) for c in server.controller.calls] == [
        ("pinpoint", "CreateApp", 201),
        ("lexv2-models", "ListBots", 200),
        ("qconnect", "ListKnowledgeBases", 200),
    ]


@pytest.mark.parametrize(
    "client_name, call, protocol",
    [
        ("s3", lambda c: c.list_buckets(), "rest-xml (S3)"),
        ("dynamodb", lambda c: c.list_tables(), "json"),
        ("sts", lambda c: c.get_caller_identity(), "query"),
        ("ec2", lambda c: c.describe_regions(), "ec2"),
        ("route53", lambda c: c.list_hosted_zones(), "rest-xml"),
        ("lambda", lambda c: c.list_functions(), "rest-json"),
    ],
)
def test_other_services_get_not_mocked_in_their_own_protocol(
    server: RunningServer, client_name: str, call, protocol: str
) -> None:
    client = server.client(client_name, config=Config(retries={"max_attempts": 1}))
    code, message, status = error_raised(lambda: call(client))
    signing_name = client.meta.service_model.signing_name
    assert (code, message, status) == ("NotImplemented", NOT_MOCKED.format(signing_name), 501)
    assert server.controller.calls == []


@pytest.mark.parametrize(
    "client_name, call",
    [
        ("lex-models", lambda c: c.get_bots()),
        (
            "lexv2-runtime",
            lambda c: c.get_session(
                botId="B123456789", botAliasId="TSTALIASID", localeId="en_US", sessionId="session"
            ),
        ),
        ("lex-runtime", lambda c: c.get_session(botName="bot", botAlias="alias", userId="user")),
    ],
)
def test_other_lex_apis_signing_as_lex_are_not_mocked(
    server: RunningServer, client_name: str, call
) -> None:
    client = server.client(client_name, config=Config(retries={"max_attempts": 1}))
    assert client.meta.service_model.signing_name == "lex"
    assert error_raised(lambda: call(client)) == (
        "NotImplemented",
        NOT_MOCKED.format(client_name),
        501,
    )


def test_a_12_digit_access_key_is_the_account(server: RunningServer) -> None:
    mine = server.client("pinpoint", aws_access_key_id="111122223333")
    theirs = server.client("pinpoint", aws_access_key_id="444455556666")
    app = mine.create_app(CreateApplicationRequest={"Name": "app"})["ApplicationResponse"]
    assert app["Arn"].startswith("arn:aws:mobiletargeting:us-east-1:111122223333:apps/")
    assert theirs.get_apps()["ApplicationsResponse"].get("Item", []) == []
    other_key = server.client("pinpoint")  # AKIA... is not an account: the default one
    assert other_key.get_apps()["ApplicationsResponse"].get("Item", []) == []
    assert [c.account for c in server.controller.calls] == [
        "111122223333",
        "444455556666",
        "123456789012",
    ]


def test_the_scope_region_is_the_region(server: RunningServer) -> None:
    west = server.client("lexv2-models", region="eu-west-1")
    east = server.client("lexv2-models")
    bot = west.create_bot(
        botName="west",
        roleArn="arn:aws:iam::123456789012:role/lex",
        dataPrivacy={"childDirected": False},
        idleSessionTTLInSeconds=300,
    )
    assert [b["botId"] for b in west.list_bots()["botSummaries"]] == [bot["botId"]]
    assert east.list_bots()["botSummaries"] == []
    assert [c.region for c in server.controller.calls] == ["eu-west-1"] * 2 + ["us-east-1"]


def test_unsigned_requests_are_routed_by_path(server: RunningServer) -> None:
    unsigned = Config(signature_version=UNSIGNED)
    qconnect = boto3.client(
        "qconnect", region_name="us-east-1", endpoint_url=server.url, config=unsigned
    )
    kb = qconnect.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")
    arn = kb["knowledgeBase"]["knowledgeBaseArn"]
    # /tags/{arn} is a path of all three services: the ARN says whose.
    qconnect.tag_resource(resourceArn=arn, tags={"team": "support"})
    assert qconnect.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "support"}
    # plain curl-style: no signature, no Content-Type
    answer = requests.get(f"{server.url}/v1/apps", timeout=10)
    assert (answer.status_code, answer.json()) == (200, {"Item": []})
    assert [(c.service, c.operation, c.region, c.account) for c in server.controller.calls] == [
        ("qconnect", "CreateKnowledgeBase", "us-east-1", "123456789012"),
        ("qconnect", "TagResource", "us-east-1", "123456789012"),
        ("qconnect", "ListTagsForResource", "us-east-1", "123456789012"),
        ("pinpoint", "GetApps", "us-east-1", "123456789012"),
    ]


def test_a_path_no_operation_has_is_unknown_operation(server: RunningServer) -> None:
    answer = requests.get(f"{server.url}/no/such/thing", timeout=10)
    assert answer.status_code == 404
    assert answer.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert json.loads(answer.content)["message"] == (
        "importmock: no operation of lexv2-models, pinpoint, qconnect matches GET "
        "/no/such/thing; an unsigned request is routed by its path alone (sign it to reach "
        "another service's 'not mocked' answer)"
    )
    # signed, the service is known: its own unknown-operation answer
    lex = server.client("lexv2-models")
    lex.meta.events.register(
        "before-sign.lex-models-v2.ListBots",
        lambda request, **_: setattr(request, "url", request.url.replace("/bots/", "/nope/")),
    )
    with pytest.raises(ClientError) as raised:
        lex.list_bots()
    assert raised.value.response["Error"]["Message"] == (
        "importmock: no lexv2-models operation matches POST /nope/"
    )
    # and the server goes on serving
    assert server.client("qconnect").list_knowledge_bases()["knowledgeBaseSummaries"] == []


def test_modeled_errors_reach_boto3_typed(server: RunningServer) -> None:
    lex = server.client("lexv2-models")
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as raised:
        lex.describe_bot(botId="B123456789")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(lex.exceptions.ValidationException) as invalid:
        lex.describe_bot(botId="not-a-bot!")
    assert invalid.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'not-a-bot!' at 'botId' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z]+$"
    )


def test_a_cbor_request_gets_a_cbor_not_mockederror_raised(server: RunningServer) -> None:
    """SDKs speaking Smithy RPCv2 CBOR (CloudWatch and others) read errors as CBOR."""
    from botocore.parsers import create_parser

    answer = requests.post(
        f"{server.url}/service/GraniteServiceVersion20100801/operation/ListMetrics",
        data=b"\xa0",  # an empty CBOR map
        headers={
            "smithy-protocol": "rpc-v2-cbor",
            "Content-Type": "application/cbor",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAX/20261206/us-east-1/"
            "monitoring/aws4_request, SignedHeaders=host, Signature=00",
        },
        timeout=10,
    )
    assert (answer.status_code, answer.headers["smithy-protocol"]) == (501, "rpc-v2-cbor")
    model = boto3.client("cloudwatch", region_name="us-east-1").meta.service_model
    parsed = create_parser("smithy-rpc-v2-cbor").parse(
        {"status_code": 501, "headers": dict(answer.headers), "body": answer.content},
        model.operation_model("ListMetrics").output_shape,
    )
    assert parsed["Error"] == {
        "Code": "NotImplemented",
        "Message": NOT_MOCKED.format("monitoring"),
    }

"""Modeled errors reach async clients as the client's typed exceptions, with the same
code, message, status and modeled members as a sync client gets."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from tests.async_clients import NO_AIOBOTOCORE

pytest.importorskip("aiobotocore", reason=NO_AIOBOTOCORE)

from importmock import mock_imports
from tests.async_clients.clients import async_client, asyncio_test, error_of, without_metadata
from tests.helpers import make_client

KB = "11111111-2222-3333-4444-555555555555"
ROLE = "arn:aws:iam::123456789012:role/r"

#: (client, exception class name, operation, its arguments, (code, message, status)).
CASES: dict[str, tuple[str, str, str, dict[str, Any], tuple[str, str, int]]] = {
    "qconnect-not-found": (
        "qconnect",
        "ResourceNotFoundException",
        "get_knowledge_base",
        {"knowledgeBaseId": KB},
        ("ResourceNotFoundException", f"Knowledge base not found: {KB}", 404),
    ),
    "wisdom-not-found": (
        "wisdom",
        "ResourceNotFoundException",
        "start_import_job",
        {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": "u"},
        ("ResourceNotFoundException", f"Knowledge base not found: {KB}", 404),
    ),
    "pinpoint-not-found": (
        "pinpoint",
        "NotFoundException",
        "get_app",
        {"ApplicationId": "0123456789abcdef0123456789abcdef"},
        ("NotFoundException", "Application not found", 404),
    ),
    "lex-not-found": (
        "lexv2-models",
        "ResourceNotFoundException",
        "start_import",
        {
            "importId": "ABCDEFGHIJ",
            "resourceSpecification": {
                "botImportSpecification": {
                    "botName": "B",
                    "roleArn": ROLE,
                    "dataPrivacy": {"childDirected": False},
                }
            },
            "mergeStrategy": "FailOnConflict",
        },
        (
            "ResourceNotFoundException",
            "The import ABCDEFGHIJ does not exist; get an importId from CreateUploadUrl.",
            404,
        ),
    ),
}


def sync_error(call: Callable[[], Any], exception: type[Exception]) -> dict[str, Any]:
    with pytest.raises(exception) as raised:
        call()
    return raised.value.response


def modeled(response: dict[str, Any]) -> dict[str, Any]:
    """An error response without what differs at every call: the request ids (Pinpoint's
    errors also carry one as the modeled member ``RequestID``)."""
    return {k: v for k, v in without_metadata(response).items() if k != "RequestID"}


@pytest.mark.parametrize("case", CASES)
@asyncio_test
async def test_a_modeled_error_is_the_clients_typed_exception(flavour: str, case: str) -> None:
    service, exception_name, operation, arguments, expected = CASES[case]
    with mock_imports() as m:
        sync = make_client(service)
        async with async_client(flavour, service) as client:
            exception = getattr(client.exceptions, exception_name)
            with pytest.raises(exception) as raised:
                await getattr(client, operation)(**arguments)
        assert error_of(raised.value) == expected
        same = sync_error(
            lambda: getattr(sync, operation)(**arguments), getattr(sync.exceptions, exception_name)
        )
    # every modeled member too (Wisdom's resourceName, ...): the same answer as the sync one
    assert modeled(raised.value.response) == modeled(same)
    assert raised.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == (
        exception_name
    )
    assert [(c.service, c.error_code, c.status) for c in m.calls] == [
        (service, expected[0], expected[2])
    ] * 2


@asyncio_test
async def test_a_validation_error_names_the_member_and_the_constraint(flavour: str) -> None:
    with mock_imports() as m:
        async with async_client(flavour, "pinpoint") as client:
            app = await client.create_app(CreateApplicationRequest={"Name": "x"})
            with pytest.raises(client.exceptions.BadRequestException) as raised:
                await client.create_import_job(
                    ApplicationId=app["ApplicationResponse"]["Id"],
                    ImportJobRequest={"Format": "XML", "S3Url": "s3://b/k", "RoleArn": ROLE},
                )
    assert error_of(raised.value) == (
        "BadRequestException",
        "1 validation error detected: Value 'XML' at 'ImportJobRequest.Format' failed to "
        "satisfy constraint: Member must satisfy enum value set: [CSV, JSON]",
        400,
    )
    assert [(c.operation, c.status, c.error_code) for c in m.calls] == [
        ("CreateApp", 201, None),
        ("CreateImportJob", 400, "BadRequestException"),
    ]
    assert m.jobs() == []

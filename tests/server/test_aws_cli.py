"""The AWS CLI against the server: a whole import in each service, the modeled errors as the
CLI reports them, the "not mocked" answer for other services, and the docs' CLI example.

The CLI is the project's own (``awscli``, v1, a test extra), run as a subprocess with the
venv's ``bin`` first on PATH. Each import is one bash script that saves every CLI answer
to a file in its working directory (a temporary one), which the test then reads; uploads
and downloads of presigned URLs use curl, as a shell script would.

AWS CLI v1 exits 255 on a service error (v2 exits 254) and writes
``\\nAn error occurred (<code>) when calling the <Operation> operation: <message>\\n`` to
stderr, nothing to stdout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from importmock.server import RunningServer, threaded_server
from tests.helpers import csv_text, error_of
from tests.server.conftest import SDK_ENVIRONMENT, doc_example, sdk_environment
from tests.services.lexv2.archives import bot_files, to_zip

BIN = os.path.dirname(sys.executable)
AWS = shutil.which("aws", path=BIN)
CURL = shutil.which("curl")
pytestmark = pytest.mark.skipif(AWS is None, reason=f"the AWS CLI (awscli) is not in {BIN}")
needs_curl = pytest.mark.skipif(CURL is None, reason="curl is not installed")

CLI_ERROR_EXIT = 255  # AWS CLI v1, any error; v2 says 254 for a service error
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
HEX32 = r"[0-9a-f]{32}"
LEX_ID = r"[0-9A-Z]{10}"
MISSING_UUID = "00000000-0000-4000-8000-000000000000"
PINPOINT_ROLE = "arn:aws:iam::123456789012:role/pinpoint-import"
LEX_ROLE = "arn:aws:iam::123456789012:role/lex-bot"
NOT_MOCKED = (
    "importmock does not mock the '{}' service; this server mocks "
    "lexv2-models, pinpoint, qconnect, wisdom."
)

#: Shell functions every import script starts with: `aws` is the venv's CLI pointed at the
#: server with JSON output, `field FILE a.b.c` prints one member of a saved JSON answer.
PRELUDE = r"""
set -euo pipefail
aws() { command aws --endpoint-url "$IMPORTMOCK_URL" --output json "$@"; }
field() {
    python -c 'import json, sys
value = json.load(open(sys.argv[1]))
for key in sys.argv[2].split("."):
    value = value[key]
print(value)' "$1" "$2"
}
"""


def _environment(server: RunningServer) -> dict[str, str]:
    environment = sdk_environment(server)
    environment["PATH"] = BIN + os.pathsep + environment.get("PATH", os.defpath)
    return environment


def bash(server: RunningServer, script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with bash in ``cwd`` against ``server``; it must succeed."""
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=_environment(server),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def aws(server: RunningServer, *args: str) -> subprocess.CompletedProcess[str]:
    """One ``aws --endpoint-url <server> --output json ...`` run; its result, any exit code."""
    return subprocess.run(
        [str(AWS), "--endpoint-url", server.url, "--output", "json", *args],
        env=_environment(server),
        capture_output=True,
        text=True,
        timeout=60,
    )


def saved(directory: Path, name: str) -> Any:
    return json.loads((directory / name).read_text(encoding="utf-8"))


def operations(server: RunningServer) -> list[tuple[str, str, int]]:
    return [(c.service, c.operation, c.status) for c in server.controller.calls]


# -- qconnect ---------------------------------------------------------------------------

QUICK_RESPONSES = csv_text(
    ["name", "content", "shortcutKey"],
    ["Greeting", "Hello, how can I help you today?", "hi"],
    ["Goodbye", "Thank you for contacting us!", "bye"],
    ["Duplicate", "Hello again", "hi"],  # the shortcut key is taken by the first row
)

QCONNECT_IMPORT = (
    PRELUDE
    + r"""
aws qconnect create-knowledge-base --name support-replies \
    --knowledge-base-type QUICK_RESPONSES > kb.json
KB=$(field kb.json knowledgeBase.knowledgeBaseId)

aws qconnect start-content-upload --knowledge-base-id "$KB" --content-type text/csv \
    > upload.json
curl -sS --fail -o /dev/null -w '%{http_code}' --upload-file quick-responses.csv \
    -H "content-type: $(field upload.json headersToInclude.content-type)" \
    -H "x-amz-server-side-encryption: \
$(field upload.json headersToInclude.x-amz-server-side-encryption)" \
    "$(field upload.json url)" > put-status

aws qconnect start-import-job --knowledge-base-id "$KB" --import-job-type QUICK_RESPONSES \
    --upload-id "$(field upload.json uploadId)" > started.json
JOB=$(field started.json importJob.importJobId)

for poll in 1 2 3 4 5; do
    aws qconnect get-import-job --knowledge-base-id "$KB" --import-job-id "$JOB" > job.json
    status=$(field job.json importJob.status)
    echo "$status" >> statuses
    case $status in COMPLETE | FAILED) break ;; esac
done

curl -sS --fail -o report.csv "$(field job.json importJob.failedRecordReport)"
aws qconnect list-quick-responses --knowledge-base-id "$KB" > listed.json
"""
)


@needs_curl
def test_qconnect_quick_response_import(server: RunningServer, tmp_path: Path) -> None:
    server.controller.set_progression("reads")
    (tmp_path / "quick-responses.csv").write_bytes(QUICK_RESPONSES.encode("utf-8"))
    bash(server, QCONNECT_IMPORT, tmp_path)

    kb = saved(tmp_path, "kb.json")["knowledgeBase"]
    kb_id = kb["knowledgeBaseId"]
    assert re.fullmatch(UUID, kb_id)
    assert (kb["name"], kb["knowledgeBaseType"], kb["status"]) == (
        "support-replies",
        "QUICK_RESPONSES",
        "ACTIVE",
    )
    upload = saved(tmp_path, "upload.json")
    assert upload["headersToInclude"] == {
        "content-type": "text/csv",
        "x-amz-server-side-encryption": "aws:kms",
    }
    assert upload["url"].startswith(f"{server.url}/_importmock/s3/")
    assert (tmp_path / "put-status").read_text() == "200"

    started = saved(tmp_path, "started.json")["importJob"]
    assert (started["status"], started["uploadId"]) == ("START_IN_PROGRESS", upload["uploadId"])
    # In `reads` mode the first poll moves the job to its end.
    assert (tmp_path / "statuses").read_text().split() == ["COMPLETE"]
    job = saved(tmp_path, "job.json")["importJob"]
    assert (job["importJobId"], job["knowledgeBaseId"]) == (started["importJobId"], kb_id)
    # The failed-record report: the file's header plus `error`, the bad row as sent, CRLF.
    assert (tmp_path / "report.csv").read_bytes() == (
        b"name,content,shortcutKey,error\r\n"
        b"Duplicate,Hello again,hi,The shortcut key 'hi' is already in use.\r\n"
    )
    listed = saved(tmp_path, "listed.json")["quickResponseSummaries"]
    assert sorted((q["name"], q["status"], q["knowledgeBaseId"]) for q in listed) == [
        ("Goodbye", "CREATED", kb_id),
        ("Greeting", "CREATED", kb_id),
    ]

    assert operations(server) == [
        ("qconnect", "CreateKnowledgeBase", 200),
        ("qconnect", "StartContentUpload", 200),
        ("qconnect", "StartImportJob", 200),
        ("qconnect", "GetImportJob", 200),
        ("qconnect", "ListQuickResponses", 200),
    ]
    [info] = server.controller.jobs()
    # A job names its backend's canonical client (docs/fault-injection.md#mjobs).
    assert (info.job_id, info.service, info.status, info.finished) == (
        started["importJobId"],
        "wisdom",
        "COMPLETE",
        True,
    )
    assert [status for status, _ in info.history] == ["START_IN_PROGRESS", "COMPLETE"]


# -- pinpoint ---------------------------------------------------------------------------

ENDPOINTS = csv_text(
    ["Id", "ChannelType", "Address", "User.UserId"],
    ["ann-mail", "EMAIL", "ann@example.com", "ann"],
    ["ann-phone", "SMS", "+14255550101", "ann"],
    ["bob-fax", "FAX", "+14255550102", "bob"],  # not a channel type
)

PINPOINT_IMPORT = (
    PRELUDE
    + r"""
aws pinpoint create-app --create-application-request Name=crm-sync > app.json
APP=$(field app.json ApplicationResponse.Id)

# Seed s3://endpoint-imports/endpoints.csv through the controller.
curl -sS --fail -o seeded.json -X POST "$IMPORTMOCK_URL/_importmock/put_object" \
    -H 'Content-Type: application/json' \
    -d "{\"bucket\": \"endpoint-imports\", \"key\": \"endpoints.csv\",
         \"body_base64\": \"$(base64 < endpoints.csv | tr -d '\n')\"}"

aws pinpoint create-import-job --application-id "$APP" --import-job-request \
    "Format=CSV,S3Url=s3://endpoint-imports/endpoints.csv,RoleArn=$ROLE,\
RegisterEndpoints=true,DefineSegment=true,SegmentName=Customers" > created.json
JOB=$(field created.json ImportJobResponse.Id)

for poll in 1 2 3 4 5 6 7 8; do
    aws pinpoint get-import-job --application-id "$APP" --job-id "$JOB" > job.json
    status=$(field job.json ImportJobResponse.JobStatus)
    echo "$status" >> statuses
    case $status in COMPLETED | FAILED) break ;; esac
done

aws pinpoint get-endpoint --application-id "$APP" --endpoint-id ann-mail > endpoint.json
aws pinpoint get-segment --application-id "$APP" \
    --segment-id "$(field job.json ImportJobResponse.Definition.SegmentId)" > segment.json
"""
)


@needs_curl
def test_pinpoint_endpoint_import(server: RunningServer, tmp_path: Path) -> None:
    server.controller.set_progression("reads")
    (tmp_path / "endpoints.csv").write_bytes(ENDPOINTS.encode("utf-8"))
    bash(server, f"ROLE={PINPOINT_ROLE}\n" + PINPOINT_IMPORT, tmp_path)

    app_id = saved(tmp_path, "app.json")["ApplicationResponse"]["Id"]
    assert re.fullmatch(HEX32, app_id)
    assert saved(tmp_path, "seeded.json") == {}
    created = saved(tmp_path, "created.json")["ImportJobResponse"]
    assert created["JobStatus"] == "CREATED"
    assert created["Definition"] == {
        "DefineSegment": True,
        "ExternalId": "123456789012",
        "Format": "CSV",
        "RegisterEndpoints": True,
        "RoleArn": PINPOINT_ROLE,
        "S3Url": "s3://endpoint-imports/endpoints.csv",
        "SegmentId": created["Definition"]["SegmentId"],
        "SegmentName": "Customers",
    }
    assert re.fullmatch(HEX32, created["Definition"]["SegmentId"])
    # `reads` mode: each GetImportJob moves the job one stage.
    assert (tmp_path / "statuses").read_text().split() == [
        "PREPARING_FOR_INITIALIZATION",
        "INITIALIZING",
        "PROCESSING",
        "COMPLETING",
        "COMPLETED",
    ]
    job = saved(tmp_path, "job.json")["ImportJobResponse"]
    assert (job["Id"], job["ApplicationId"]) == (created["Id"], app_id)
    assert (job["TotalProcessed"], job["TotalFailures"], job["Failures"]) == (
        3,
        1,
        [
            "s3://endpoint-imports/endpoints.csv line 4: ChannelType 'FAX' is not one of: "
            "PUSH, GCM, APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX, ADM, SMS, VOICE, "
            "EMAIL, BAIDU, CUSTOM, IN_APP."
        ],
    )
    endpoint = saved(tmp_path, "endpoint.json")["EndpointResponse"]
    assert {k: endpoint[k] for k in ("Id", "ApplicationId", "Address", "ChannelType", "User")} == {
        "Id": "ann-mail",
        "ApplicationId": app_id,
        "Address": "ann@example.com",
        "ChannelType": "EMAIL",
        "User": {"UserId": "ann"},
    }
    segment = saved(tmp_path, "segment.json")["SegmentResponse"]
    assert segment["Id"] == job["Definition"]["SegmentId"]
    assert (segment["Name"], segment["SegmentType"]) == ("Customers", "IMPORT")
    assert segment["ImportDefinition"]["ChannelCounts"] == {"EMAIL": 1, "SMS": 1}
    assert segment["ImportDefinition"]["Size"] == 2

    pinpoint = server.client("pinpoint")
    assert pinpoint.get_endpoint(ApplicationId=app_id, EndpointId="ann-phone")["EndpointResponse"][
        "Address"
    ] == ("+14255550101")
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.get_endpoint(ApplicationId=app_id, EndpointId="bob-fax")
    assert operations(server)[:7] == [
        ("pinpoint", "CreateApp", 201),
        ("pinpoint", "CreateImportJob", 201),
        *[("pinpoint", "GetImportJob", 200)] * 5,
    ]
    assert operations(server)[7:9] == [
        ("pinpoint", "GetEndpoint", 200),
        ("pinpoint", "GetSegment", 200),
    ]
    [info] = server.controller.jobs()
    assert (info.job_id, info.service, info.status) == (created["Id"], "pinpoint", "COMPLETED")


# -- lexv2-models -----------------------------------------------------------------------

LEX_IMPORT = (
    PRELUDE
    + r"""
aws lexv2-models create-upload-url > upload.json
IMPORT=$(field upload.json importId)
curl -sS --fail -o /dev/null -w '%{http_code}' -X PUT --data-binary @PizzaBot.zip \
    "$(field upload.json uploadUrl)" > put-status

aws lexv2-models start-import --import-id "$IMPORT" --merge-strategy FailOnConflict \
    --resource-specification "botImportSpecification={botName=PizzaBot,roleArn=$ROLE,\
dataPrivacy={childDirected=false}}" > started.json
aws lexv2-models wait bot-import-completed --import-id "$IMPORT"
aws lexv2-models describe-import --import-id "$IMPORT" > import.json
BOT=$(field import.json importedResourceId)

aws lexv2-models describe-bot --bot-id "$BOT" > bot.json
aws lexv2-models list-bot-locales --bot-id "$BOT" --bot-version DRAFT > locales.json
"""
)


@needs_curl
def test_lex_bot_import(server: RunningServer, tmp_path: Path) -> None:
    (tmp_path / "PizzaBot.zip").write_bytes(to_zip(bot_files("PizzaBot")))
    bash(server, f"ROLE={LEX_ROLE}\n" + LEX_IMPORT, tmp_path)

    upload = saved(tmp_path, "upload.json")
    import_id = upload["importId"]
    assert re.fullmatch(LEX_ID, import_id)
    assert upload["uploadUrl"].startswith(f"{server.url}/_importmock/s3/")
    assert (tmp_path / "put-status").read_text() == "200"
    started = saved(tmp_path, "started.json")
    assert (started["importId"], started["importStatus"], started["mergeStrategy"]) == (
        import_id,
        "InProgress",
        "FailOnConflict",
    )
    assert started["resourceSpecification"] == {
        "botImportSpecification": {
            "botName": "PizzaBot",
            "roleArn": LEX_ROLE,
            "dataPrivacy": {"childDirected": False},
        }
    }
    done = saved(tmp_path, "import.json")
    assert (done["importStatus"], done["importedResourceName"]) == ("Completed", "PizzaBot")
    bot_id = done["importedResourceId"]
    assert re.fullmatch(LEX_ID, bot_id)
    bot = saved(tmp_path, "bot.json")
    assert {k: bot[k] for k in ("botId", "botName", "botStatus", "description", "roleArn")} == {
        "botId": bot_id,
        "botName": "PizzaBot",
        "botStatus": "Available",
        "description": "PizzaBot from an archive",
        "roleArn": LEX_ROLE,
    }
    assert bot["idleSessionTTLInSeconds"] == 600  # from the archive's Bot.json
    locales = saved(tmp_path, "locales.json")
    assert (locales["botId"], locales["botVersion"]) == (bot_id, "DRAFT")
    assert [(s["localeId"], s["botLocaleStatus"]) for s in locales["botLocaleSummaries"]] == [
        ("en_GB", "NotBuilt"),
        ("en_US", "NotBuilt"),
    ]

    intents = server.client("lexv2-models").list_intents(
        botId=bot_id, botVersion="DRAFT", localeId="en_US"
    )["intentSummaries"]
    assert sorted(i["intentName"] for i in intents) == [
        "CheckStatus",
        "FallbackIntent",
        "Greeting",
        "OrderPizza",
    ]
    assert operations(server)[:6] == [
        ("lexv2-models", "CreateUploadUrl", 200),
        ("lexv2-models", "StartImport", 202),
        ("lexv2-models", "DescribeImport", 200),  # the waiter's one poll
        ("lexv2-models", "DescribeImport", 200),
        ("lexv2-models", "DescribeBot", 200),
        ("lexv2-models", "ListBotLocales", 200),
    ]
    [info] = server.controller.jobs()
    assert (info.job_id, info.service, info.status) == (import_id, "lexv2-models", "Completed")


# -- modeled errors ---------------------------------------------------------------------

#: (CLI arguments, the same call through boto3, error code, operation, message)
ErrorCase = tuple[list[str], Callable[[], Any], str, str, str]


def _qconnect_validation(server: RunningServer) -> ErrorCase:
    qconnect = server.client("qconnect")
    kb_id = qconnect.create_knowledge_base(name="kb", knowledgeBaseType="QUICK_RESPONSES")[
        "knowledgeBase"
    ]["knowledgeBaseId"]
    args = dict(knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=MISSING_UUID)
    return (
        ["qconnect", "start-import-job", "--knowledge-base-id", kb_id]
        + ["--import-job-type", "QUICK_RESPONSES", "--upload-id", MISSING_UUID],
        lambda: qconnect.start_import_job(**args),
        "ValidationException",
        "StartImportJob",
        f"The upload ID {MISSING_UUID} was not issued for knowledge base {kb_id}; call "
        f"StartContentUpload on this knowledge base first.",
    )


def _qconnect_not_found(server: RunningServer) -> ErrorCase:
    qconnect = server.client("qconnect")
    return (
        ["qconnect", "get-import-job", "--knowledge-base-id", MISSING_UUID]
        + ["--import-job-id", MISSING_UUID],
        lambda: qconnect.get_import_job(knowledgeBaseId=MISSING_UUID, importJobId=MISSING_UUID),
        "ResourceNotFoundException",
        "GetImportJob",
        f"Knowledge base not found: {MISSING_UUID}",
    )


def _pinpoint_bad_request(server: RunningServer) -> ErrorCase:
    pinpoint = server.client("pinpoint")
    app_id = pinpoint.create_app(CreateApplicationRequest={"Name": "app"})["ApplicationResponse"][
        "Id"
    ]
    request = {
        "Format": "CSV",
        "S3Url": "s3://endpoint-imports/endpoints.csv",
        "RoleArn": "arn:aws:iam::123456789012:user/importer",
    }
    return (
        ["pinpoint", "create-import-job", "--application-id", app_id]
        + ["--import-job-request", json.dumps(request)],
        lambda: pinpoint.create_import_job(ApplicationId=app_id, ImportJobRequest=request),
        "BadRequestException",
        "CreateImportJob",
        "RoleArn 'arn:aws:iam::123456789012:user/importer' is not the ARN of an IAM role "
        "(arn:aws:iam::<account>:role/<name>).",
    )


def _pinpoint_not_found(server: RunningServer) -> ErrorCase:
    pinpoint = server.client("pinpoint")
    missing = "0" * 32
    return (
        ["pinpoint", "get-import-job", "--application-id", missing, "--job-id", missing],
        lambda: pinpoint.get_import_job(ApplicationId=missing, JobId=missing),
        "NotFoundException",
        "GetImportJob",
        "Application not found",
    )


def _lex_validation(server: RunningServer) -> ErrorCase:
    lex = server.client("lexv2-models")
    import_id = lex.create_upload_url()["importId"]
    spec = {
        "botImportSpecification": {
            "botName": "PizzaBot",
            "roleArn": LEX_ROLE,
            "dataPrivacy": {"childDirected": False},
        }
    }
    return (
        ["lexv2-models", "start-import", "--import-id", import_id, "--merge-strategy", "Append"]
        + ["--resource-specification", json.dumps(spec)],
        lambda: lex.start_import(
            importId=import_id, resourceSpecification=spec, mergeStrategy="Append"
        ),
        "ValidationException",
        "StartImport",
        "The merge strategy Append is only for bot locale imports; this is a Bot import. Use "
        "Overwrite or FailOnConflict.",
    )


def _lex_not_found(server: RunningServer) -> ErrorCase:
    lex = server.client("lexv2-models")
    return (
        ["lexv2-models", "describe-import", "--import-id", "ABCDEFGHIJ"],
        lambda: lex.describe_import(importId="ABCDEFGHIJ"),
        "ResourceNotFoundException",
        "DescribeImport",
        "The import ABCDEFGHIJ does not exist.",
    )


@pytest.mark.parametrize(
    "case",
    [
        _qconnect_validation,
        _qconnect_not_found,
        _pinpoint_bad_request,
        _pinpoint_not_found,
        _lex_validation,
        _lex_not_found,
    ],
    ids=lambda case: case.__name__.lstrip("_"),
)
def test_modeled_errors_as_the_cli_reports_them(
    server: RunningServer, case: Callable[[RunningServer], ErrorCase]
) -> None:
    cli_args, sdk_call, code, operation, message = case(server)
    result = aws(server, *cli_args)
    assert (result.returncode, result.stdout, result.stderr) == (
        CLI_ERROR_EXIT,
        "",
        f"\nAn error occurred ({code}) when calling the {operation} operation: {message}\n",
    )
    # boto3 against the same server gets the same code and message.
    with pytest.raises(ClientError) as raised:
        sdk_call()
    assert error_of(raised.value)[:2] == (code, message)
    cli_call, sdk_call_record = server.controller.calls[-2:]
    assert (cli_call.operation, cli_call.error_code) == (operation, code)
    assert (sdk_call_record.operation, sdk_call_record.error_code) == (operation, code)
    assert cli_call.status == sdk_call_record.status


# -- other services ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "cli_args, signing_name, operation",
    [
        (["s3api", "list-buckets"], "s3", "ListBuckets"),  # rest-xml (S3)
        (["dynamodb", "list-tables"], "dynamodb", "ListTables"),  # json
        (["sts", "get-caller-identity"], "sts", "GetCallerIdentity"),  # query
    ],
)
def test_other_services_are_not_mocked(
    server: RunningServer, cli_args: list[str], signing_name: str, operation: str
) -> None:
    result = aws(server, *cli_args)
    assert (result.returncode, result.stdout, result.stderr) == (
        CLI_ERROR_EXIT,
        "",
        f"\nAn error occurred (NotImplemented) when calling the {operation} operation: "
        f"{NOT_MOCKED.format(signing_name)}\n",
    )
    assert server.controller.calls == []


def test_unsigned_cli_requests_are_routed_by_path(server: RunningServer) -> None:
    app_id = server.client("pinpoint").create_app(CreateApplicationRequest={"Name": "crm"})[
        "ApplicationResponse"
    ]["Id"]
    result = aws(server, "--no-sign-request", "pinpoint", "get-apps")
    assert (result.returncode, result.stderr) == (0, "")
    [app] = json.loads(result.stdout)["ApplicationsResponse"]["Item"]
    assert (app["Id"], app["Name"]) == (app_id, "crm")
    last = server.controller.calls[-1]
    assert (last.service, last.operation, last.region, last.account) == (
        "pinpoint",
        "GetApps",
        "us-east-1",
        "123456789012",
    )


# -- the docs' example ------------------------------------------------------------------


@needs_curl
def test_docs_cli_example_runs(server: RunningServer, tmp_path: Path) -> None:
    script = doc_example("cli-qconnect")
    result = bash(server, script, tmp_path)
    assert [c.operation for c in server.controller.calls] == [
        "CreateKnowledgeBase",
        "StartContentUpload",
        "StartImportJob",
        "GetImportJob",
        "ListQuickResponses",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quick-responses.csv"]

    qconnect = server.client("qconnect")
    [kb] = qconnect.list_knowledge_bases()["knowledgeBaseSummaries"]
    [info] = server.controller.jobs()
    assert (info.service, info.status, info.failure_reason) == ("wisdom", "COMPLETE", None)
    created = qconnect.list_quick_responses(knowledgeBaseId=kb["knowledgeBaseId"])[
        "quickResponseSummaries"
    ]
    names = [q["name"] for q in created]
    contents = {
        q["name"]: qconnect.get_quick_response(
            knowledgeBaseId=kb["knowledgeBaseId"], quickResponseId=q["quickResponseId"]
        )["quickResponse"]["contents"]["plainText"]["content"]
        for q in created
    }
    assert contents == {
        "Greeting": "Hello, how can I help you today?",
        "Goodbye": "Thank you for contacting us!",
    }
    assert result.stdout == (
        f"knowledge base: {kb['knowledgeBaseId']}\n"
        f"import job {info.job_id}: COMPLETE\n" + "".join(f"{name}\tCREATED\n" for name in names)
    )
    assert result.stderr == ""


def test_the_cli_signs_as_strict_mode_verifies() -> None:
    """The CLI's signatures pass strict mode (an ARN path, a query string, a JSON body); a
    wrong secret is refused with the real error code."""
    key, secret = SDK_ENVIRONMENT["AWS_ACCESS_KEY_ID"], SDK_ENVIRONMENT["AWS_SECRET_ACCESS_KEY"]
    with threaded_server(strict_signatures=True, credentials={key: secret}) as server:
        created = aws(
            server,
            "qconnect",
            "create-knowledge-base",
            "--name",
            "strict",
            "--knowledge-base-type",
            "QUICK_RESPONSES",
        )
        assert created.returncode == 0, created.stderr
        arn = json.loads(created.stdout)["knowledgeBase"]["knowledgeBaseArn"]
        tagged = aws(
            server, "qconnect", "tag-resource", "--resource-arn", arn, "--tags", "team=a b/c"
        )
        assert tagged.returncode == 0, tagged.stderr
        listed = aws(server, "qconnect", "list-knowledge-bases", "--max-results", "5")
        assert json.loads(listed.stdout)["knowledgeBaseSummaries"][0]["tags"] == {"team": "a b/c"}
        environment = _environment(server)
        environment["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        refused = subprocess.run(
            [str(AWS), "--endpoint-url", server.url, "pinpoint", "get-apps"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode == CLI_ERROR_EXIT
        assert refused.stderr.startswith(
            "\nAn error occurred (InvalidSignatureException) when calling the GetApps "
            "operation: The request signature we calculated does not match"
        )
        assert [c.operation for c in server.controller.calls] == [
            "CreateKnowledgeBase",
            "TagResource",
            "ListKnowledgeBases",
        ]

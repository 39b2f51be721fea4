"""The AWS SDK for JavaScript v3 against the server: a whole import in each service, the
SDK's own exception classes for the errors, and the JavaScript example of
docs/server-mode.md.

Each test runs one Node script of ``tests/server/js/`` (``node <script>``) against a fresh
server and asserts on the JSON it prints and on what the server recorded. The scripts
need the pinned clients of ``tests/server/js/package.json``: the ``node`` fixture runs
``npm ci --prefix tests/server/js`` when they are missing. Without Node.js 20 or later on
PATH the tests are skipped (they fail instead with IMPORTMOCK_REQUIRE_NODE set, as in CI).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from importmock.server import RunningServer, threaded_server
from tests.helpers import csv_text
from tests.server.conftest import SDK_ENVIRONMENT, doc_example, sdk_environment
from tests.services.lexv2.archives import ROLE as LEX_ROLE
from tests.services.lexv2.archives import bot_files, to_zip
from tests.services.pinpoint.conftest import SUCCESS_PATH as PINPOINT_PATH

JS_DIR = Path(__file__).resolve().parent / "js"
CLIENT_PACKAGES = ("client-qconnect", "client-pinpoint", "client-lex-models-v2")
NODE_TIMEOUT_SECONDS = 60
ACCOUNT = "123456789012"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
HEX32 = r"[0-9a-f]{32}"
LEX_ID = r"[0-9A-Z]{10}"
MISSING_ID = "00000000-0000-4000-8000-000000000000"


# -- running Node -------------------------------------------------------------------------
MIN_NODE_MAJOR = 20  # package.json's engines
NPM_CI = ("ci", "--prefix", str(JS_DIR), "--no-audit", "--no-fund", "--loglevel=error")
NPM_TIMEOUT_SECONDS = 600
#: Set (as .ci/run does) to fail, not skip, where Node.js is missing or too old.
REQUIRE_NODE = "IMPORTMOCK_REQUIRE_NODE"


def missing_clients() -> list[str]:
    """The pinned @aws-sdk clients not installed in tests/server/js/node_modules."""
    return [
        package
        for package in CLIENT_PACKAGES
        if not (JS_DIR / "node_modules" / "@aws-sdk" / package / "package.json").is_file()
    ]


def node_unavailable(executable: str | None) -> str | None:
    """Why the JavaScript tests cannot run with this ``node`` (None: they can)."""
    if executable is None:
        return (
            f"node is not on PATH: the JavaScript SDK tests need Node.js {MIN_NODE_MAJOR} or later"
        )
    try:
        version = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        return f"{executable} --version failed ({error})"
    found = re.match(r"v(\d+)\.", version)
    if found is None or int(found.group(1)) < MIN_NODE_MAJOR:
        return f"node {version} is older than the {MIN_NODE_MAJOR} the JavaScript SDK tests need"
    return None


def install_clients() -> None:
    """``npm ci --prefix tests/server/js`` once, when its clients are missing (a file lock
    keeps pytest-xdist's workers from running it side by side)."""
    if not missing_clients():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(
            "tests/server/js/node_modules is missing and npm is not on PATH: install npm, "
            "or run `npm ci --prefix tests/server/js` from the repository root",
            pytrace=False,
        )
    lock_path = Path(tempfile.gettempdir()) / f"importmock-npm-ci-{os.getuid()}.lock"
    with open(lock_path, "w") as lock:
        if sys.platform != "win32":  # Windows: no lock (run one worker there)
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        if not missing_clients():  # another worker installed them meanwhile
            return
        result = subprocess.run(
            [npm, *NPM_CI], capture_output=True, text=True, timeout=NPM_TIMEOUT_SECONDS
        )
    if result.returncode != 0 or missing_clients():
        pytest.fail(
            f"`npm {' '.join(NPM_CI)}` exited with {result.returncode} and left "
            f"@aws-sdk/{', @aws-sdk/'.join(missing_clients()) or '(none missing)'} missing\n"
            f"{result.stdout[-2000:]}{result.stderr[-4000:]}",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def node() -> str:
    """The ``node`` executable (Node.js 20 or later) with the pinned clients installed (by
    ``npm ci`` the first time); skips without one, unless IMPORTMOCK_REQUIRE_NODE is set."""
    executable = shutil.which("node")
    reason = node_unavailable(executable)
    if reason is not None:
        if os.environ.get(REQUIRE_NODE):
            pytest.fail(f"{REQUIRE_NODE} is set, but {reason}", pytrace=False)
        pytest.skip(reason)
    assert executable is not None
    install_clients()
    return executable


@pytest.fixture
def reads_server() -> Iterator[RunningServer]:
    """A fresh server whose jobs move one stage per read, so the scripts really poll."""
    with threaded_server(progression="reads") as running:
        yield running


def run_node(node: str, server: RunningServer, script: str | Path, **env: str) -> str:
    """Run ``node script`` in tests/server/js against ``server``; its stdout."""
    result = subprocess.run(
        [node, str(script)],
        cwd=JS_DIR,
        env=sdk_environment(server, **env),
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, (
        f"node {script} exited with {result.returncode}\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )
    return result.stdout


def run_script(node: str, server: RunningServer, script: str, **env: str) -> dict[str, Any]:
    """Run one of the scripts of tests/server/js; the JSON object it printed."""
    return json.loads(run_node(node, server, script, **env))


class _RequestId:
    """Equal to any request id the server makes (a UUID)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and re.fullmatch(UUID, other) is not None

    def __repr__(self) -> str:
        return "<a request id>"


REQUEST_ID = _RequestId()


def typed_error(name: str, message: str, status: int, classes: dict[str, bool]) -> dict[str, Any]:
    """What ``caught()`` in common.mjs reports: ``classes`` is each ``instanceof`` result."""
    return {
        "instanceOf": classes,
        "name": name,
        "message": message,
        "fault": "client",
        "httpStatusCode": status,
        "requestId": REQUEST_ID,
        "attempts": 1,  # a 4xx error is not retried
    }


def calls(server: RunningServer) -> list[tuple[str, str, int, str | None]]:
    return [(c.service, c.operation, c.status, c.error_code) for c in server.controller.calls]


def history(server: RunningServer) -> list[tuple[str, str, list[str], str | None]]:
    return [
        (job.kind, job.status, [status for status, _ in job.history], job.failure_reason)
        for job in server.controller.jobs()
    ]


# -- Amazon Q in Connect ------------------------------------------------------------------
QUICK_RESPONSES_REPORT = (
    "name,content,shortcutKey,error\r\n"
    "Duplicate,Again,hi,The shortcut key 'hi' is already in use.\r\n"
)


def test_qconnect_quick_response_import(node: str, reads_server: RunningServer) -> None:
    server = reads_server
    out = run_script(node, server, "qconnect_import.mjs")

    kb_id = out["knowledgeBase"]["id"]
    assert re.fullmatch(UUID, kb_id)
    assert out["knowledgeBase"] == {
        "id": kb_id,
        "name": "js-quick-responses",
        "type": "QUICK_RESPONSES",
        "status": "ACTIVE",
    }
    # The upload URL is the server's own, and fetch() PUT the CSV with the signed headers.
    upload = out["upload"]
    assert upload["url"].startswith(
        f"{server.url}/_importmock/s3/importmock-wisdom-{ACCOUNT}/{kb_id}/{upload['uploadId']}?"
    )
    assert upload["headersToInclude"] == {
        "content-type": "text/csv",
        "x-amz-server-side-encryption": "aws:kms",
    }
    assert upload["urlExpiryIsDate"] is True
    assert upload["putStatus"] == 200
    assert re.fullmatch(r'"[0-9a-f]{32}"', upload["putETag"])

    job_id = out["started"]["importJobId"]
    assert re.fullmatch(UUID, job_id)
    assert out["started"] == {
        "importJobId": job_id,
        "status": "START_IN_PROGRESS",
        "uploadId": upload["uploadId"],
        "httpStatusCode": 200,
        "createdTimeIsDate": True,
    }
    # Reads progression: the first GetImportJob moves the job to its end.
    assert out["statuses"] == ["START_IN_PROGRESS", "COMPLETE"]
    assert out["finished"] == {
        "status": "COMPLETE",
        "failedRecordReportIsUrl": True,
        "lastModifiedTimeIsDate": True,
    }
    assert out["report"] == {"status": 200, "body": QUICK_RESPONSES_REPORT}
    plain = "application/x.quickresponse;format=plain"
    assert out["quickResponses"] == [
        {"name": name, "contentType": plain, "status": "CREATED", "knowledgeBaseId": kb_id}
        for name in ("Farewell", "Greeting")
    ]
    assert out["nextToken"] is None

    classes = ("ValidationException", "ResourceNotFoundException", "QConnectServiceException")
    assert out["errors"] == {
        "validation": typed_error(
            "ValidationException",
            "1 validation error detected: Value '61' at 'presignedUrlTimeToLive' failed to "
            "satisfy constraint: Member must have value less than or equal to 60",
            400,
            dict(zip(classes, (True, False, True))),
        ),
        "notFound": typed_error(
            "ResourceNotFoundException",
            f"Import job not found: {MISSING_ID}",
            404,
            dict(zip(classes, (False, True, True))),
        ),
    }

    # The server saw each call once (the client errors were not retried): the wisdom
    # signing name answered as qconnect.
    assert calls(server) == [
        ("qconnect", "CreateKnowledgeBase", 200, None),
        ("qconnect", "StartContentUpload", 200, None),
        ("qconnect", "StartImportJob", 200, None),
        ("qconnect", "GetImportJob", 200, None),
        ("qconnect", "ListQuickResponses", 200, None),
        ("qconnect", "StartContentUpload", 400, "ValidationException"),
        ("qconnect", "GetImportJob", 404, "ResourceNotFoundException"),
    ]
    # The SDK fills in the idempotency token, as botocore does.
    started_params = dict(server.controller.calls[2].params)
    assert re.fullmatch(UUID, started_params.pop("clientToken"))
    assert started_params == {
        "knowledgeBaseId": kb_id,
        "importJobType": "QUICK_RESPONSES",
        "uploadId": upload["uploadId"],
    }
    assert history(server) == [
        ("quick-response import", "COMPLETE", ["START_IN_PROGRESS", "COMPLETE"], None)
    ]


# -- Pinpoint -----------------------------------------------------------------------------
PINPOINT_BUCKET = "js-imports"
PINPOINT_KEY = "people.csv"
PINPOINT_URL = f"s3://{PINPOINT_BUCKET}/{PINPOINT_KEY}"
PINPOINT_ROLE = f"arn:aws:iam::{ACCOUNT}:role/pinpoint-import"
PEOPLE = csv_text(
    ["Id", "ChannelType", "Address", "User.UserId"],
    ["p1", "EMAIL", "ann@example.com", "ann"],
    ["p2", "SMS", "+14255550101", "ann"],
    ["p3", "EMAIL", "bob@example.com", "bob"],
    ["p4", "FAX", "nope", "bob"],  # not a channel type: this row fails alone
)


def test_pinpoint_endpoint_import(node: str, reads_server: RunningServer) -> None:
    server = reads_server
    server.controller.put_object(PINPOINT_BUCKET, PINPOINT_KEY, PEOPLE)

    out = run_script(node, server, "pinpoint_import.mjs", PINPOINT_S3_URL=PINPOINT_URL)

    app_id = out["app"]["id"]
    assert re.fullmatch(HEX32, app_id)
    assert out["app"] == {"id": app_id, "name": "js-endpoints", "httpStatusCode": 201}
    job_id = out["created"]["id"]
    assert re.fullmatch(HEX32, job_id)
    assert out["created"] == {
        "id": job_id,
        "status": "CREATED",
        "type": "IMPORT",
        "httpStatusCode": 201,
    }
    # Reads progression: each GetImportJob moves the job one stage, five reads to the end.
    assert out["statuses"] == PINPOINT_PATH
    finished = out["finished"]
    segment_id = finished["definition"]["SegmentId"]
    assert re.fullmatch(HEX32, segment_id)
    assert finished == {
        "status": "COMPLETED",
        "counters": {
            "TotalPieces": 1,
            "CompletedPieces": 1,
            "FailedPieces": 0,
            "TotalProcessed": 4,
            "TotalFailures": 1,
        },
        "failures": [
            f"{PINPOINT_URL} line 5: ChannelType 'FAX' is not one of: PUSH, GCM, APNS, "
            "APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX, ADM, SMS, VOICE, EMAIL, BAIDU, "
            "CUSTOM, IN_APP."
        ],
        "definition": {
            "Format": "CSV",
            "RoleArn": PINPOINT_ROLE,
            "S3Url": PINPOINT_URL,
            "DefineSegment": True,
            "ExternalId": ACCOUNT,
            "RegisterEndpoints": True,
            "SegmentId": segment_id,
            "SegmentName": "JS customers",
        },
        "hasCompletionDate": True,
    }
    active = {"EndpointStatus": "ACTIVE", "OptOut": "NONE"}
    assert out["endpoints"] == {
        "p1": {"Address": "ann@example.com", "ChannelType": "EMAIL", "UserId": "ann", **active},
        "p2": {"Address": "+14255550101", "ChannelType": "SMS", "UserId": "ann", **active},
        "p3": {"Address": "bob@example.com", "ChannelType": "EMAIL", "UserId": "bob", **active},
    }
    assert out["segment"] == {
        "id": segment_id,
        "name": "JS customers",
        "type": "IMPORT",
        "version": 1,
        "importDefinition": {
            "ExternalId": ACCOUNT,
            "Format": "CSV",
            "RoleArn": PINPOINT_ROLE,
            "S3Url": PINPOINT_URL,
            "Size": 3,
            "ChannelCounts": {"EMAIL": 2, "SMS": 1},
        },
    }

    classes = ("BadRequestException", "NotFoundException", "PinpointServiceException")
    assert out["errors"] == {
        "badRequest": typed_error(
            "BadRequestException",
            "RoleArn 'not-a-role' is not the ARN of an IAM role "
            "(arn:aws:iam::<account>:role/<name>).",
            400,
            dict(zip(classes, (True, False, True))),
        ),
        "notFound": typed_error(
            "NotFoundException",
            "Endpoint not found: p4",
            404,
            dict(zip(classes, (False, True, True))),
        ),
    }

    assert calls(server) == [
        ("pinpoint", "CreateApp", 201, None),
        ("pinpoint", "CreateImportJob", 201, None),
        *[("pinpoint", "GetImportJob", 200, None)] * 5,
        *[("pinpoint", "GetEndpoint", 200, None)] * 3,
        ("pinpoint", "GetSegment", 200, None),
        ("pinpoint", "CreateImportJob", 400, "BadRequestException"),
        ("pinpoint", "GetEndpoint", 404, "NotFoundException"),
    ]
    assert history(server) == [("endpoint import", "COMPLETED", PINPOINT_PATH, None)]


# -- Lex V2 -------------------------------------------------------------------------------
def test_lexv2_bot_import(node: str, reads_server: RunningServer, tmp_path: Path) -> None:
    server = reads_server
    archive = tmp_path / "PizzaBot.zip"
    archive.write_bytes(to_zip(bot_files()))

    out = run_script(node, server, "lexv2_import.mjs", LEX_BOT_ZIP=str(archive))

    imported = out["imported"]
    bot_id = imported["importedResourceId"]
    assert re.fullmatch(LEX_ID, bot_id)
    assert re.fullmatch(r"[0-9A-Za-z]{10}", imported["importId"])
    assert imported["uploadUrl"].startswith(
        f"{server.url}/_importmock/s3/importmock-lexv2-{ACCOUNT}/imports/{imported['importId']}/"
    )
    assert {key: value for key, value in imported.items() if key != "uploadUrl"} == {
        "importId": imported["importId"],
        "putStatus": 200,
        "startStatus": "InProgress",
        "startHttpStatusCode": 202,
        # Reads progression: the first DescribeImport moves the import to its end.
        "statuses": ["InProgress", "Completed"],
        "importStatus": "Completed",
        "importedResourceId": bot_id,
        "importedResourceName": "JsPizzaBot",
        "failureReasons": [],
        "mergeStrategy": "FailOnConflict",
        "creationDateTimeIsDate": True,
    }
    assert out["bot"] == {
        "botId": bot_id,
        "botName": "JsPizzaBot",
        "description": "PizzaBot from an archive",
        "roleArn": LEX_ROLE,
        "idleSessionTTLInSeconds": 600,
        "statuses": ["Available"],
    }
    assert out["locales"] == [
        {"localeId": "en_GB", "localeName": "English (UK)", "botLocaleStatus": "NotBuilt"},
        {"localeId": "en_US", "localeName": "English (US)", "botLocaleStatus": "NotBuilt"},
    ]
    assert out["intents"] == ["CheckStatus", "FallbackIntent", "Greeting", "OrderPizza"]

    broken = out["broken"]
    assert {
        key: value for key, value in broken.items() if key not in ("importId", "uploadUrl")
    } == {
        "putStatus": 200,
        "startStatus": "InProgress",
        "startHttpStatusCode": 202,
        "statuses": ["InProgress", "Failed"],
        "importStatus": "Failed",
        "importedResourceId": None,
        "importedResourceName": "Broken",
        "failureReasons": ["The uploaded file is not a valid .zip archive."],
        "mergeStrategy": "FailOnConflict",
        "creationDateTimeIsDate": True,
    }

    classes = ("ValidationException", "ResourceNotFoundException", "LexModelsV2ServiceException")
    assert out["errors"] == {
        "validation": typed_error(
            "ValidationException",
            "resourceSpecification must set exactly one of botImportSpecification, "
            "botLocaleImportSpecification, customVocabularyImportSpecification, "
            "testSetImportResourceSpecification; it sets 0.",
            400,
            dict(zip(classes, (True, False, True))),
        ),
        "notFound": typed_error(
            "ResourceNotFoundException",
            "The import ABCDE12345 does not exist; get an importId from CreateUploadUrl.",
            404,
            dict(zip(classes, (False, True, True))),
        ),
    }

    lex = "lexv2-models"
    assert calls(server) == [
        (lex, "CreateUploadUrl", 200, None),
        (lex, "StartImport", 202, None),
        (lex, "DescribeImport", 200, None),
        (lex, "DescribeBot", 200, None),
        (lex, "ListBotLocales", 200, None),
        (lex, "ListIntents", 200, None),
        (lex, "CreateUploadUrl", 200, None),
        (lex, "StartImport", 202, None),
        (lex, "DescribeImport", 200, None),
        (lex, "CreateUploadUrl", 200, None),
        (lex, "StartImport", 400, "ValidationException"),
        (lex, "StartImport", 404, "ResourceNotFoundException"),
    ]
    assert history(server) == [
        ("import", "Completed", ["InProgress", "Completed"], None),
        (
            "import",
            "Failed",
            ["InProgress", "Failed"],
            "The uploaded file is not a valid .zip archive.",
        ),
    ]


# -- the example of docs/server-mode.md ---------------------------------------------------
@pytest.mark.parametrize("progression", ["immediate", "reads"])
def test_docs_javascript_example_imports_quick_responses(node: str, progression: str) -> None:
    code = doc_example("js-qconnect")
    # Inside tests/server/js, so that Node resolves @aws-sdk/client-qconnect.
    handle, path = tempfile.mkstemp(prefix=".doc-example-", suffix=".mjs", dir=JS_DIR)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as script:
            script.write(code)
        with threaded_server(progression=progression) as server:
            stdout = run_node(node, server, path)
            recorded = calls(server)
            jobs = history(server)
    finally:
        os.unlink(path)

    assert stdout.splitlines() == [
        "import COMPLETE",
        "quick response: Refunds",  # newest first
        "quick response: Greeting",
        f"ResourceNotFoundException (404): Import job not found: {MISSING_ID}",
    ]
    assert recorded == [
        ("qconnect", "CreateKnowledgeBase", 200, None),
        ("qconnect", "StartContentUpload", 200, None),
        ("qconnect", "StartImportJob", 200, None),
        ("qconnect", "GetImportJob", 200, None),
        ("qconnect", "ListQuickResponses", 200, None),
        ("qconnect", "GetImportJob", 404, "ResourceNotFoundException"),
    ]
    assert jobs == [("quick-response import", "COMPLETE", ["START_IN_PROGRESS", "COMPLETE"], None)]


# -- strict signatures ------------------------------------------------------------------
#: A knowledge base ARN in the path (encoded twice in the canonical request) and awkward
#: tag characters in the body.
STRICT_TAGGING = """
import {
  CreateKnowledgeBaseCommand, ListTagsForResourceCommand, QConnectClient, TagResourceCommand,
} from "@aws-sdk/client-qconnect";
const client = new QConnectClient({ endpoint: process.env.IMPORTMOCK_URL });
const { knowledgeBase } = await client.send(
  new CreateKnowledgeBaseCommand({ name: "tagged", knowledgeBaseType: "QUICK_RESPONSES" }),
);
const resourceArn = knowledgeBase.knowledgeBaseArn;
await client.send(
  new TagResourceCommand({ resourceArn, tags: { team: "support", "cost center": "a/b & c" } }),
);
const { tags } = await client.send(new ListTagsForResourceCommand({ resourceArn }));
console.log(JSON.stringify(tags));
"""


def test_the_sdk_signs_as_strict_mode_verifies(node: str, tmp_path: Path) -> None:
    """Every request of the three scripts passes SigV4 verification (ARN paths, query
    strings, JSON bodies); a wrong secret is the SDK's own InvalidSignatureException."""
    key, secret = SDK_ENVIRONMENT["AWS_ACCESS_KEY_ID"], SDK_ENVIRONMENT["AWS_SECRET_ACCESS_KEY"]
    archive = tmp_path / "bot.zip"
    archive.write_bytes(to_zip(bot_files()))
    with threaded_server(
        progression="reads", strict_signatures=True, credentials={key: secret}
    ) as server:
        server.controller.put_object(PINPOINT_BUCKET, PINPOINT_KEY, PEOPLE)
        for script, env in (
            ("qconnect_import.mjs", {}),
            ("pinpoint_import.mjs", {"PINPOINT_S3_URL": PINPOINT_URL}),
            ("lexv2_import.mjs", {"LEX_BOT_ZIP": str(archive)}),
        ):
            run_script(node, server, script, **env)
        assert {job.status for job in server.controller.jobs()} >= {"COMPLETE", "COMPLETED"}
        script = JS_DIR / ".doc-example-strict-tags.mjs"  # ignored by git, removed below
        script.write_text(STRICT_TAGGING, encoding="utf-8")
        try:
            tags = json.loads(run_node(node, server, script.name))
        finally:
            script.unlink()
        assert tags == {"team": "support", "cost center": "a/b & c"}
        operations = {c.operation for c in server.controller.calls}
        assert {"TagResource", "StartImportJob", "CreateImportJob", "StartImport"} <= operations
        wrong = subprocess.run(
            [node, "qconnect_import.mjs"],
            cwd=JS_DIR,
            env=sdk_environment(server, AWS_SECRET_ACCESS_KEY="not-the-secret"),
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT_SECONDS,
        )
    assert wrong.returncode != 0
    assert "InvalidSignatureException" in wrong.stderr
    assert "The request signature we calculated does not match" in wrong.stderr


# -- without Node -------------------------------------------------------------------------
def _path_without_node(tmp_path: Path, node_script: str | None = None) -> str:
    """A PATH with nothing on it but, if given, a fake ``node`` running ``node_script``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if node_script is not None:
        fake = bin_dir / "node"
        fake.write_text(f"#!/bin/sh\n{node_script}\n", encoding="utf-8")
        fake.chmod(0o755)
    return str(bin_dir)


def test_node_older_than_20_is_a_reason_to_skip(tmp_path: Path) -> None:
    fake = Path(_path_without_node(tmp_path, "echo v18.19.1")) / "node"
    assert node_unavailable(str(fake)) == (
        "node v18.19.1 is older than the 20 the JavaScript SDK tests need"
    )
    assert node_unavailable(None) == (
        "node is not on PATH: the JavaScript SDK tests need Node.js 20 or later"
    )


def test_without_node_the_javascript_tests_skip_with_their_reason(tmp_path: Path) -> None:
    """What the README's test command gives on a machine without Node.js (and npm)."""
    environment = {k: v for k, v in os.environ.items() if k != REQUIRE_NODE}
    environment["PATH"] = _path_without_node(tmp_path)
    repository = Path(__file__).resolve().parents[2]
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(repository), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-q", "-rs", "-p", "no:cacheprovider"]
        + ["-p", "no:xdist", "-k", "not without_node and not older_than"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=repository,
        env=environment,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^\d+ skipped, 2 deselected in ", result.stdout.splitlines()[-1])
    skips = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skips and all(
        line.endswith("node is not on PATH: the JavaScript SDK tests need Node.js 20 or later")
        for line in skips
    ), result.stdout

"""Fixtures and flow helpers for the Lex V2 tests.

Everything goes through boto3 and ``requests``; archives are built by
``tests/services/lexv2/archives.py``.

Fixtures: ``lex`` (a lexv2-models client in us-east-1 inside an active mock; the
``importmock`` fixture, so ``@pytest.mark.importmock(...)`` options apply) and ``m`` (the
controller).
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.helpers import REGION, error_of  # noqa: F401
from tests.helpers import session_client as shared_client
from tests.services.lexv2.archives import ROLE, bot_files, to_zip

ACCOUNT = "123456789012"
LEX_ID = r"[0-9A-Z]{10}"


def session_client(service: str = "lexv2-models", region: str = REGION, **kwargs: Any) -> Any:
    """A client from the run's shared boto3 Session (see ``tests.helpers``)."""
    return shared_client(service, region, **kwargs)


@pytest.fixture
def m(importmock: Any) -> Any:
    return importmock


@pytest.fixture
def lex(importmock: Any) -> Any:
    return session_client()


def upload(lex: Any, body: bytes | None) -> str:
    """CreateUploadUrl, then PUT ``body`` to the URL (skipped for None); the importId."""
    created = lex.create_upload_url()
    if body is not None:
        response = requests.put(created["uploadUrl"], data=body)
        assert response.status_code == 200, response.text
    return str(created["importId"])


def bot_spec(name: str = "PizzaBot", **extra: Any) -> dict[str, Any]:
    return {
        "botImportSpecification": {
            "botName": name,
            "roleArn": ROLE,
            "dataPrivacy": {"childDirected": False},
            **extra,
        }
    }


def locale_spec(bot_id: str, locale_id: str = "en_US", **extra: Any) -> dict[str, Any]:
    return {
        "botLocaleImportSpecification": {
            "botId": bot_id,
            "botVersion": "DRAFT",
            "localeId": locale_id,
            **extra,
        }
    }


def vocabulary_spec(bot_id: str, locale_id: str = "en_US") -> dict[str, Any]:
    return {
        "customVocabularyImportSpecification": {
            "botId": bot_id,
            "botVersion": "DRAFT",
            "localeId": locale_id,
        }
    }


def start(
    lex: Any,
    body: bytes | None,
    spec: dict[str, Any],
    merge: str = "FailOnConflict",
    **extra: Any,
) -> dict[str, Any]:
    """Upload ``body`` and StartImport it; the StartImport response."""
    import_id = upload(lex, body)
    return dict(
        lex.start_import(
            importId=import_id, resourceSpecification=spec, mergeStrategy=merge, **extra
        )
    )


def describe(lex: Any, import_id: str) -> dict[str, Any]:
    found = dict(lex.describe_import(importId=import_id))
    found.pop("ResponseMetadata", None)
    return found


def run_import(
    m: Any,
    lex: Any,
    body: bytes | None,
    spec: dict[str, Any],
    merge: str = "FailOnConflict",
    **extra: Any,
) -> dict[str, Any]:
    """Start an import, settle every job and return DescribeImport."""
    started = start(lex, body, spec, merge, **extra)
    m.settle()
    return describe(lex, started["importId"])


def import_bot(m: Any, lex: Any, name: str = "PizzaBot", **files_kwargs: Any) -> str:
    """Import the test pizza bot (two locales) under ``name``; its bot id."""
    done = run_import(m, lex, to_zip(bot_files(**files_kwargs)), bot_spec(name))
    assert done["importStatus"] == "Completed", done.get("failureReasons")
    return str(done["importedResourceId"])


def create_bot(lex: Any, name: str = "EmptyBot") -> str:
    """CreateBot with the usual required members; its bot id."""
    return str(
        lex.create_bot(
            botName=name,
            roleArn=ROLE,
            dataPrivacy={"childDirected": False},
            idleSessionTTLInSeconds=300,
        )["botId"]
    )


def intents_by_name(lex: Any, bot_id: str, locale_id: str = "en_US") -> dict[str, str]:
    """Intent name to id, for every intent of the locale (all pages)."""
    found: dict[str, str] = {}
    kwargs: dict[str, Any] = {"maxResults": 1000}
    while True:
        page = lex.list_intents(botId=bot_id, botVersion="DRAFT", localeId=locale_id, **kwargs)
        found.update({i["intentName"]: i["intentId"] for i in page["intentSummaries"]})
        if not page.get("nextToken"):
            return found
        kwargs["nextToken"] = page["nextToken"]

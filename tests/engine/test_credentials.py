"""Nothing the mock lends or sets survives it: lent credentials are taken back, and
``boto3.DEFAULT_SESSION`` resolves credentials, profile and config files again at every
start and stop, so each test sees its own environment whatever ran before it."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from botocore.exceptions import NoCredentialsError

from importmock import mock_imports
from tests.socket_audit import recording


def _kb_account_and_region(client: object) -> tuple[str, str]:
    kb = client.create_knowledge_base(  # type: ignore[attr-defined]
        name="where", knowledgeBaseType="QUICK_RESPONSES"
    )["knowledgeBase"]
    arn = kb["knowledgeBaseArn"].split(":")
    return arn[4], arn[3]


# -- lent credentials -------------------------------------------------------------------------


def test_a_client_lent_credentials_has_none_again_after_the_mock(no_credentials: None) -> None:
    early = boto3.session.Session().client("qconnect", region_name="us-east-1")
    with recording() as events:
        with pytest.raises(NoCredentialsError):
            early.list_knowledge_bases()  # before: no credentials, nothing sent
        with mock_imports() as m:
            assert early.list_knowledge_bases()["knowledgeBaseSummaries"] == []
        # after: exactly as before the mock, not signed with the lent keys and sent
        with pytest.raises(NoCredentialsError):
            early.list_knowledge_bases()
        with pytest.raises(NoCredentialsError):
            early.list_knowledge_bases()
    assert events == []
    assert [c.operation for c in m.calls] == ["ListKnowledgeBases"]


def test_lent_credentials_are_lent_again_by_the_next_mock(no_credentials: None) -> None:
    early = boto3.session.Session().client("pinpoint", region_name="us-east-1")
    for name in ("first", "second"):
        with mock_imports():
            app = early.create_app(CreateApplicationRequest={"Name": name})
            assert app["ApplicationResponse"]["Name"] == name
        with pytest.raises(NoCredentialsError):
            early.get_apps()


# -- the default session ----------------------------------------------------------------------


def test_the_default_session_forgets_the_fake_credentials_after_the_mock(
    no_credentials: None,
) -> None:
    with mock_imports():
        client = boto3.client("qconnect", region_name="us-east-1")
        assert client.list_knowledge_bases()["knowledgeBaseSummaries"] == []
        assert boto3.DEFAULT_SESSION is not None
        assert boto3.DEFAULT_SESSION.get_credentials().access_key == "ASIAIMPORTMOCKTESTING"
    assert boto3.DEFAULT_SESSION.get_credentials() is None
    with recording() as events:
        with pytest.raises(NoCredentialsError):
            boto3.client("sqs", region_name="us-east-1").list_queues()
    assert events == []


def test_an_account_key_set_in_a_later_test_is_honoured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # an earlier test (or this one) already used the default session under a mock
    with mock_imports():
        assert _kb_account_and_region(boto3.client("qconnect", region_name="us-east-1")) == (
            "123456789012",
            "us-east-1",
        )
    # a 12-digit key is an account, never a real key: the mock keeps it
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "111111111111")
    with mock_imports():
        client = boto3.client("qconnect", region_name="us-east-1")
        assert _kb_account_and_region(client) == ("111111111111", "us-east-1")
    # any other key is replaced by the fake one while the mock is active
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLOOKINGKEY00")
    with mock_imports():
        assert boto3.DEFAULT_SESSION.get_credentials().access_key == "ASIAIMPORTMOCKTESTING"
        client = boto3.client("qconnect", region_name="us-east-1")
        assert _kb_account_and_region(client) == ("123456789012", "us-east-1")


def test_a_profile_and_config_file_set_in_a_later_test_are_honoured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with mock_imports():
        boto3.client("qconnect", region_name="us-east-1").list_knowledge_bases()
    config = tmp_path / "config"
    config.write_text("[profile eu]\nregion = eu-west-1\n")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "eu")
    with mock_imports():
        assert boto3.DEFAULT_SESSION.profile_name == "eu"
        assert _kb_account_and_region(boto3.client("qconnect")) == ("123456789012", "eu-west-1")
    monkeypatch.undo()
    # and the profile does not outlive the test either
    with mock_imports():
        assert boto3.DEFAULT_SESSION.profile_name in (None, "default")


def test_explicit_default_session_credentials_and_region_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session(
        aws_access_key_id="222222222222", aws_secret_access_key="x", region_name="eu-west-2"
    )
    session = boto3.DEFAULT_SESSION
    for _ in range(2):
        with mock_imports():
            assert boto3.DEFAULT_SESSION is session  # kept, with its loaded models
            assert _kb_account_and_region(boto3.client("qconnect")) == (
                "222222222222",
                "eu-west-2",
            )
        assert session.get_credentials().access_key == "222222222222"

"""Resource policies on bot and bot alias ARNs: whole policies with revisions, statements
added and removed one by one, and the IAM policy checks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers import error_of
from tests.services.lexv2.conftest import ACCOUNT, create_bot

SERVICE = {"service": "connect.amazonaws.com"}
ROLE_PRINCIPAL = {"arn": f"arn:aws:iam::{ACCOUNT}:role/caller"}


def bot_arn(bot_id: str) -> str:
    return f"arn:aws:lex:us-east-1:{ACCOUNT}:bot/{bot_id}"


def alias_arn(bot_id: str, alias_id: str = "TSTALIASID") -> str:
    return f"arn:aws:lex:us-east-1:{ACCOUNT}:bot-alias/{bot_id}/{alias_id}"


def policy_text(*statements: dict[str, Any], version: str = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)})


def statement(sid: str = "AllowRecognize", **extra: Any) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": "connect.amazonaws.com"},
        "Action": ["lex:RecognizeText"],
        **extra,
    }


def policy_of(lex: Any, arn: str) -> tuple[dict[str, Any], str]:
    found = lex.describe_resource_policy(resourceArn=arn)
    return json.loads(found["policy"]), found["revisionId"]


# -- whole policies -------------------------------------------------------------------------
def test_create_describe_update_and_delete_a_bot_policy(lex: Any) -> None:
    arn = bot_arn(create_bot(lex))
    text = policy_text(statement())
    created = lex.create_resource_policy(resourceArn=arn, policy=text)
    assert (created["resourceArn"], created["revisionId"]) == (arn, "1")
    found = lex.describe_resource_policy(resourceArn=arn)
    assert (found["policy"], found["revisionId"]) == (text, "1")
    updated = lex.update_resource_policy(
        resourceArn=arn, policy=policy_text(statement("Other")), expectedRevisionId="1"
    )
    assert updated["revisionId"] == "2"
    assert policy_of(lex, arn)[0]["Statement"][0]["Sid"] == "Other"
    assert lex.update_resource_policy(resourceArn=arn, policy=text)["revisionId"] == "3"
    deleted = lex.delete_resource_policy(resourceArn=arn, expectedRevisionId="3")
    assert (deleted["resourceArn"], deleted["revisionId"]) == (arn, "3")
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
        lex.describe_resource_policy(resourceArn=arn)
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"The resource {arn} has no resource policy.",
        404,
    )


def test_a_stale_expected_revision_fails_its_precondition(lex: Any) -> None:
    arn = bot_arn(create_bot(lex))
    lex.create_resource_policy(resourceArn=arn, policy=policy_text(statement()))
    lex.update_resource_policy(resourceArn=arn, policy=policy_text(statement("Two")))
    calls = (
        lambda: lex.update_resource_policy(
            resourceArn=arn, policy=policy_text(statement()), expectedRevisionId="1"
        ),
        lambda: lex.delete_resource_policy(resourceArn=arn, expectedRevisionId="1"),
        lambda: lex.create_resource_policy_statement(
            resourceArn=arn,
            statementId="Three",
            effect="Allow",
            principal=[SERVICE],
            action=["lex:RecognizeText"],
            expectedRevisionId="1",
        ),
        lambda: lex.delete_resource_policy_statement(
            resourceArn=arn, statementId="Two", expectedRevisionId="1"
        ),
    )
    for call in calls:
        with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
            call()
        assert error_of(caught.value) == (
            "PreconditionFailedException",
            f"The expected revision 1 of the resource policy of {arn} is not its current "
            "revision, 2.",
            412,
        )
    assert policy_of(lex, arn)[1] == "2"


def test_a_second_policy_is_refused_and_updates_need_a_policy(lex: Any) -> None:
    arn = bot_arn(create_bot(lex))
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.update_resource_policy(resourceArn=arn, policy=policy_text(statement()))
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.delete_resource_policy(resourceArn=arn)
    lex.create_resource_policy(resourceArn=arn, policy=policy_text(statement()))
    with pytest.raises(lex.exceptions.PreconditionFailedException) as caught:
        lex.create_resource_policy(resourceArn=arn, policy=policy_text(statement()))
    assert error_of(caught.value) == (
        "PreconditionFailedException",
        f"The resource {arn} already has a resource policy; change it with UpdateResourcePolicy.",
        412,
    )


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("{not json", "The policy is not valid JSON: "),
        ("[]", "The policy must be a JSON object."),
        (json.dumps({"Statement": [statement()]}), "The policy has no Version."),
        (
            policy_text(statement(), version="2020-01-01"),
            "The policy's Version must be one of 2012-10-17, 2008-10-17.",
        ),
        (json.dumps({"Version": "2012-10-17"}), "The policy has no Statement."),
        (policy_text(), "The policy's Statement is empty."),
        (
            policy_text(statement(Effect="Maybe")),
            "Statement 1 of the policy must have Effect Allow or Deny.",
        ),
        (
            policy_text(statement(), {"Effect": "Allow", "Action": "lex:*"}),
            "Statement 2 of the policy has no Principal.",
        ),
        (
            policy_text({"Effect": "Deny", "Principal": "*"}),
            "Statement 1 of the policy has no Action.",
        ),
        (
            policy_text(statement("Same"), statement("Same")),
            "The policy has more than one statement with Sid Same.",
        ),
    ],
)
def test_a_policy_that_is_not_an_iam_policy_is_a_validation_error(
    lex: Any, policy: str, message: str
) -> None:
    arn = bot_arn(create_bot(lex))
    with pytest.raises(lex.exceptions.ValidationException) as caught:
        lex.create_resource_policy(resourceArn=arn, policy=policy)
    code, text, status = error_of(caught.value)
    assert (code, status) == ("ValidationException", 400)
    assert text.startswith(message)
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.describe_resource_policy(resourceArn=arn)


def test_a_single_statement_object_is_a_policy(lex: Any) -> None:
    arn = bot_arn(create_bot(lex))
    text = json.dumps({"Version": "2012-10-17", "Statement": statement()})
    assert lex.create_resource_policy(resourceArn=arn, policy=text)["revisionId"] == "1"


def test_policies_of_resources_that_do_not_exist_are_not_found(lex: Any) -> None:
    bot_id = create_bot(lex)
    for arn in (
        bot_arn("ABCDEFGHIJ"),
        alias_arn(bot_id, "ABCDEFGHIJ"),
        alias_arn("ABCDEFGHIJ"),
        "not-an-arn",
        f"arn:aws:lex:eu-west-1:{ACCOUNT}:bot/{bot_id}",
    ):
        with pytest.raises(lex.exceptions.ResourceNotFoundException) as caught:
            lex.create_resource_policy(resourceArn=arn, policy=policy_text(statement()))
        assert error_of(caught.value) == (
            "ResourceNotFoundException",
            f"The resource {arn} does not exist.",
            404,
        )


# -- statements -----------------------------------------------------------------------------
def test_statements_build_the_policy_of_an_alias(lex: Any) -> None:
    bot_id = create_bot(lex)
    arn = alias_arn(bot_id)
    first = lex.create_resource_policy_statement(
        resourceArn=arn,
        statementId="ConnectAccess",
        effect="Allow",
        principal=[SERVICE],
        action=["lex:RecognizeText", "lex:StartConversation"],
        condition={
            "StringEquals": {"AWS:SourceAccount": ACCOUNT},
            "ArnEquals": {"AWS:SourceArn": f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/x"},
        },
    )
    assert (first["resourceArn"], first["revisionId"]) == (arn, "1")
    second = lex.create_resource_policy_statement(
        resourceArn=arn,
        statementId="RoleDeny",
        effect="Deny",
        principal=[ROLE_PRINCIPAL],
        action=["lex:DeleteSession"],
        expectedRevisionId="1",
    )
    assert second["revisionId"] == "2"
    document, revision = policy_of(lex, arn)
    assert revision == "2"
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ConnectAccess",
                "Effect": "Allow",
                "Principal": {"Service": "connect.amazonaws.com"},
                "Action": ["lex:RecognizeText", "lex:StartConversation"],
                "Resource": arn,
                "Condition": {
                    "StringEquals": {"AWS:SourceAccount": ACCOUNT},
                    "ArnEquals": {
                        "AWS:SourceArn": f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/x"
                    },
                },
            },
            {
                "Sid": "RoleDeny",
                "Effect": "Deny",
                "Principal": {"AWS": ROLE_PRINCIPAL["arn"]},
                "Action": ["lex:DeleteSession"],
                "Resource": arn,
            },
        ],
    }
    removed = lex.delete_resource_policy_statement(resourceArn=arn, statementId="ConnectAccess")
    assert removed["revisionId"] == "3"
    document, _ = policy_of(lex, arn)
    assert [s["Sid"] for s in document["Statement"]] == ["RoleDeny"]
    # The last statement takes the policy with it.
    lex.delete_resource_policy_statement(resourceArn=arn, statementId="RoleDeny")
    with pytest.raises(lex.exceptions.ResourceNotFoundException):
        lex.describe_resource_policy(resourceArn=arn)


def test_a_statement_joins_a_policy_given_whole(lex: Any) -> None:
    arn = bot_arn(create_bot(lex))
    lex.create_resource_policy(resourceArn=arn, policy=policy_text(statement("Given")))
    lex.create_resource_policy_statement(
        resourceArn=arn,
        statementId="Added",
        effect="Allow",
        principal=[SERVICE, {"service": "lambda.amazonaws.com"}],
        action=["lex:RecognizeText"],
    )
    document, revision = policy_of(lex, arn)
    assert revision == "2"
    assert [s["Sid"] for s in document["Statement"]] == ["Given", "Added"]
    assert document["Statement"][1]["Principal"] == {
        "Service": ["connect.amazonaws.com", "lambda.amazonaws.com"]
    }


def test_a_duplicate_statement_id_is_a_conflict(lex: Any) -> None:
    arn = bot_arn(create_bot(lex))
    lex.create_resource_policy(resourceArn=arn, policy=policy_text(statement("Taken")))
    with pytest.raises(lex.exceptions.ConflictException) as caught:
        lex.create_resource_policy_statement(
            resourceArn=arn,
            statementId="Taken",
            effect="Allow",
            principal=[SERVICE],
            action=["lex:RecognizeText"],
        )
    assert error_of(caught.value) == (
        "ConflictException",
        f"The resource policy of {arn} already has a statement with Sid Taken.",
        409,
    )
    assert policy_of(lex, arn)[1] == "1"


def test_deleting_an_unknown_statement_is_not_found(lex: Any) -> None:
    arn = bot_arn(create_bot(lex))
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as no_policy:
        lex.delete_resource_policy_statement(resourceArn=arn, statementId="Nope")
    assert error_of(no_policy.value) == (
        "ResourceNotFoundException",
        f"The resource {arn} has no resource policy.",
        404,
    )
    lex.create_resource_policy(resourceArn=arn, policy=policy_text(statement()))
    with pytest.raises(lex.exceptions.ResourceNotFoundException) as no_statement:
        lex.delete_resource_policy_statement(resourceArn=arn, statementId="Nope")
    assert error_of(no_statement.value) == (
        "ResourceNotFoundException",
        f"The resource policy of {arn} has no statement with Sid Nope.",
        404,
    )


def test_a_statement_cannot_allow_another_account(lex: Any) -> None:
    arn = bot_arn(create_bot(lex))
    stranger = "arn:aws:iam::999999999999:root"
    with pytest.raises(lex.exceptions.ValidationException) as caught:
        lex.create_resource_policy_statement(
            resourceArn=arn,
            statementId="Stranger",
            effect="Allow",
            principal=[{"arn": stranger}],
            action=["lex:RecognizeText"],
        )
    assert error_of(caught.value) == (
        "ValidationException",
        f"The principal {stranger} belongs to another account; a resource policy statement "
        "cannot allow cross-account access.",
        400,
    )
    with pytest.raises(lex.exceptions.ValidationException) as empty:
        lex.create_resource_policy_statement(
            resourceArn=arn,
            statementId="Nobody",
            effect="Allow",
            principal=[{}],
            action=["lex:RecognizeText"],
        )
    assert error_of(empty.value) == (
        "ValidationException",
        "Each principal must give a service or an arn.",
        400,
    )


def test_deleting_a_bot_takes_its_policies(m: Any, lex: Any) -> None:
    bot_id = create_bot(lex)
    lex.create_resource_policy(resourceArn=bot_arn(bot_id), policy=policy_text(statement()))
    lex.create_resource_policy(resourceArn=alias_arn(bot_id), policy=policy_text(statement()))
    lex.delete_bot(botId=bot_id)
    m.settle()
    for arn in (bot_arn(bot_id), alias_arn(bot_id)):
        with pytest.raises(lex.exceptions.ResourceNotFoundException):
            lex.describe_resource_policy(resourceArn=arn)

"""Resource policies of bots and bot aliases: Create/Describe/Update/DeleteResourcePolicy and
Create/DeleteResourcePolicyStatement.

A policy is kept as the text it was given (or, once a statement is added or removed, as the
JSON importmock writes); it must be an IAM policy document: a JSON object with ``Version``
and ``Statement``, each statement with ``Effect`` Allow or Deny, a ``Principal`` and an
``Action``, and no two statements with the same ``Sid``. Every change gives the policy a new
``revisionId`` ("1", "2"...); a request whose ``expectedRevisionId`` is not the current one
is refused with PreconditionFailedException.
"""

from __future__ import annotations

from typing import Any

from importmock.engine import strict_json
from importmock.engine.errors import ServiceError
from importmock.services.lexv2.aliases import BotAliasOperations
from importmock.services.lexv2.models import ResourcePolicy

POLICY_VERSIONS = ("2012-10-17", "2008-10-17")


class ResourcePolicyOperations(BotAliasOperations):
    """The resource policy operations of bots and bot aliases (over the aliases, whose ARNs
    they take)."""

    # -- look-ups --------------------------------------------------------------------
    def _policy_target(self, arn: str) -> str:
        """The ARN, if it names a bot or bot alias that exists; else ResourceNotFound."""
        prefix = self._arn("")
        kind, _, rest = (
            arn[len(prefix) :].partition("/") if arn.startswith(prefix) else ("", "", "")
        )
        if kind == "bot" and rest in self.bots:
            self._bot(rest)
            return arn
        if kind == "bot-alias":
            bot_id, _, alias_id = rest.partition("/")
            bot = self.bots.get(bot_id)
            if bot is not None and "/" not in alias_id:
                if alias_id in self._aliases(bot):
                    return arn
        raise ServiceError("ResourceNotFoundException", f"The resource {arn} does not exist.")

    def _policy(self, arn: str) -> ResourcePolicy:
        self._policy_target(arn)
        policy = self.policies.get(arn)
        if policy is None:
            raise ServiceError(
                "ResourceNotFoundException", f"The resource {arn} has no resource policy."
            )
        return policy

    def _check_revision(self, arn: str, policy: ResourcePolicy, expected: str | None) -> None:
        if expected is not None and expected != str(policy.revision):
            raise ServiceError(
                "PreconditionFailedException",
                f"The expected revision {expected} of the resource policy of {arn} is not its "
                f"current revision, {policy.revision}.",
            )

    def _document(self, text: str) -> dict[str, Any]:
        """The policy document in ``text``, checked as an IAM policy."""
        try:
            document = strict_json.loads(text)
        except strict_json.NotJson as problem:
            raise self.invalid(f"The policy is not valid JSON: {problem}") from None
        if not isinstance(document, dict):
            raise self.invalid("The policy must be a JSON object.")
        version = document.get("Version")
        if version is None:
            raise self.invalid("The policy has no Version.")
        if version not in POLICY_VERSIONS:
            raise self.invalid(f"The policy's Version must be one of {', '.join(POLICY_VERSIONS)}.")
        statements = document.get("Statement")
        if statements is None:
            raise self.invalid("The policy has no Statement.")
        listed = statements if isinstance(statements, list) else [statements]
        if not listed:
            raise self.invalid("The policy's Statement is empty.")
        sids: set[str] = set()
        for number, statement in enumerate(listed, 1):
            self._check_statement(number, statement, sids)
        return document

    def _check_statement(self, number: int, statement: Any, sids: set[str]) -> None:
        where = f"Statement {number} of the policy"
        if not isinstance(statement, dict):
            raise self.invalid(f"{where} is not a JSON object.")
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise self.invalid(f"{where} must have Effect Allow or Deny.")
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise self.invalid(f"{where} has no Principal.")
        if "Action" not in statement and "NotAction" not in statement:
            raise self.invalid(f"{where} has no Action.")
        sid = statement.get("Sid")
        if sid is not None:
            if not isinstance(sid, str):
                raise self.invalid(f"{where} has a Sid that is not a string.")
            if sid in sids:
                raise self.invalid(f"The policy has more than one statement with Sid {sid}.")
            sids.add(sid)

    @staticmethod
    def _statements(document: dict[str, Any]) -> list[Any]:
        statements = document["Statement"]
        return list(statements) if isinstance(statements, list) else [statements]

    @staticmethod
    def _answer(arn: str, policy: ResourcePolicy) -> dict[str, Any]:
        return {"resourceArn": arn, "revisionId": str(policy.revision)}

    # -- whole policies --------------------------------------------------------------
    def create_resource_policy(self, resourceArn: str, policy: str) -> dict[str, Any]:
        self._policy_target(resourceArn)
        if resourceArn in self.policies:
            raise ServiceError(
                "PreconditionFailedException",
                f"The resource {resourceArn} already has a resource policy; change it with "
                "UpdateResourcePolicy.",
            )
        self._document(policy)
        created = ResourcePolicy(policy=policy, revision=1)
        self.policies[resourceArn] = created
        return self._answer(resourceArn, created)

    def describe_resource_policy(self, resourceArn: str) -> dict[str, Any]:
        policy = self._policy(resourceArn)
        return {**self._answer(resourceArn, policy), "policy": policy.policy}

    def update_resource_policy(
        self, resourceArn: str, policy: str, expectedRevisionId: str | None = None
    ) -> dict[str, Any]:
        current = self._policy(resourceArn)
        self._check_revision(resourceArn, current, expectedRevisionId)
        self._document(policy)
        current.policy = policy
        current.revision += 1
        return self._answer(resourceArn, current)

    def delete_resource_policy(
        self, resourceArn: str, expectedRevisionId: str | None = None
    ) -> dict[str, Any]:
        current = self._policy(resourceArn)
        self._check_revision(resourceArn, current, expectedRevisionId)
        del self.policies[resourceArn]
        return self._answer(resourceArn, current)

    # -- statements ------------------------------------------------------------------
    def create_resource_policy_statement(
        self,
        resourceArn: str,
        statementId: str,
        effect: str,
        principal: list[dict[str, Any]],
        action: list[str],
        condition: dict[str, dict[str, str]] | None = None,
        expectedRevisionId: str | None = None,
    ) -> dict[str, Any]:
        self._policy_target(resourceArn)
        current = self.policies.get(resourceArn)
        if current is not None:
            self._check_revision(resourceArn, current, expectedRevisionId)
            document = self._document(current.policy)
            statements = self._statements(document)
        else:
            document = {"Version": POLICY_VERSIONS[0]}
            statements = []
        if any(isinstance(s, dict) and s.get("Sid") == statementId for s in statements):
            raise ServiceError(
                "ConflictException",
                f"The resource policy of {resourceArn} already has a statement with Sid "
                f"{statementId}.",
            )
        statement: dict[str, Any] = {
            "Sid": statementId,
            "Effect": effect,
            "Principal": self._principal(principal),
            "Action": list(action),
            "Resource": resourceArn,
        }
        if condition:
            statement["Condition"] = condition
        document["Statement"] = [*statements, statement]
        text = strict_json.dumps(document).decode()
        if current is None:
            current = ResourcePolicy(policy=text, revision=1)
            self.policies[resourceArn] = current
        else:
            current.policy = text
            current.revision += 1
        return self._answer(resourceArn, current)

    def _principal(self, principals: list[dict[str, Any]]) -> dict[str, Any]:
        """The statement's Principal element: service principals and IAM ARNs of this
        account (a statement cannot grant another account access)."""
        services: list[str] = []
        arns: list[str] = []
        for entry in principals:
            if entry.get("service"):
                services.append(entry["service"])
            if entry.get("arn"):
                account = entry["arn"].split(":")[4]
                if account != self.account_id:
                    raise self.invalid(
                        f"The principal {entry['arn']} belongs to another account; a resource "
                        "policy statement cannot allow cross-account access."
                    )
                arns.append(entry["arn"])
            if not entry.get("service") and not entry.get("arn"):
                raise self.invalid("Each principal must give a service or an arn.")
        if not services and not arns:
            raise self.invalid("The statement needs at least one principal.")
        element: dict[str, Any] = {}
        if services:
            element["Service"] = services[0] if len(services) == 1 else services
        if arns:
            element["AWS"] = arns[0] if len(arns) == 1 else arns
        return element

    def delete_resource_policy_statement(
        self, resourceArn: str, statementId: str, expectedRevisionId: str | None = None
    ) -> dict[str, Any]:
        current = self._policy(resourceArn)
        self._check_revision(resourceArn, current, expectedRevisionId)
        document = self._document(current.policy)
        statements = self._statements(document)
        kept = [s for s in statements if s.get("Sid") != statementId]
        if len(kept) == len(statements):
            raise ServiceError(
                "ResourceNotFoundException",
                f"The resource policy of {resourceArn} has no statement with Sid {statementId}.",
            )
        current.revision += 1
        if not kept:  # the last statement: the policy goes
            del self.policies[resourceArn]
            return self._answer(resourceArn, current)
        document["Statement"] = kept
        current.policy = strict_json.dumps(document).decode()
        return self._answer(resourceArn, current)

"""Model patterns cost little whatever the value: no input of a few hundred bytes takes hours.

Smithy patterns match anywhere in a value, and under that search a backtracking engine
spends the square of the value's length on some of them (lexv2's ``S3ObjectPath``,
qconnect's ``WhatsAppBusinessAccountId``, lexv2's ``DomainEndpoint``): an 866-byte zip
whose slot type names a long S3 key took seconds, a 2 KB one an hour. Validation now never
runs a pattern on a value longer than its shape's ``max``, nor, where a shape declares
none, on one longer than ``PATTERN_LENGTH_LIMIT``.

The audit below builds adversarial values for every pattern of the four mocked models
(runs of characters the pattern accepts, ended by each kind of character, at the length
where the pattern still runs, and far beyond it) and times validation over all of them.
It runs in a subprocess, with a budget ten times what it takes and a timeout that tells
seconds from the minutes an unbounded check takes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.config import Config

from tests.helpers import error_raised, make_kb, session_client

try:  # the parser behind re: the audit reads each pattern's structure from it
    from re import _compiler as sre_compile  # type: ignore[attr-defined]
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python < 3.11
    import sre_compile
    import sre_constants
    import sre_parse

REPOSITORY = Path(__file__).resolve().parents[2]
SERVICES = ("qconnect", "wisdom", "pinpoint", "lexv2-models")
#: The audit takes about two seconds; an unbounded check takes minutes on one value.
AUDIT_BUDGET_SECONDS = 20.0
SUBPROCESS_TIMEOUT_SECONDS = 120
#: How far past the length where a pattern still runs the over-long values go: the
#: quadratic patterns would take minutes on each.
BEYOND = 65_536
UUID = "1c2d3e4f-aaaa-bbbb-cccc-0123456789ab"
NO_CLIENT_CHECKS = Config(parameter_validation=False, retries={"max_attempts": 1})


def _has_whatsapp_templates() -> bool:
    """Whether this botocore's qconnect model has WhatsApp message templates."""
    model = botocore.session.get_session().get_service_model("qconnect")
    if "CreateMessageTemplate" not in model.operation_names:
        return False
    members = model.operation_model("CreateMessageTemplate").input_shape.members
    source = members.get("sourceConfiguration")
    return source is not None and "whatsApp" in source.members


WHATSAPP = _has_whatsapp_templates()
needs_whatsapp = pytest.mark.skipif(
    not WHATSAPP, reason="this botocore's qconnect model has no WhatsApp message templates"
)


def _in_subprocess(task: str) -> dict[str, Any]:
    """Run ``python -m tests.robustness.test_model_patterns <task>``; its JSON answer."""
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "tests.robustness.test_model_patterns", task],
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{task} did not finish in {SUBPROCESS_TIMEOUT_SECONDS} s")
    assert finished.returncode == 0, finished.stderr[-3000:]
    return dict(json.loads(finished.stdout.splitlines()[-1]))


# ---------------------------------------------------------------------------------------
# Through boto3: the length before the pattern
# ---------------------------------------------------------------------------------------


def _whatsapp_template(client: Any, account_id: str) -> Any:
    return client.create_message_template(
        knowledgeBaseId=UUID,
        channelSubtype="WHATSAPP",
        sourceConfiguration={"whatsApp": {"businessAccountId": account_id, "templateId": "1"}},
    )


def _whatsapp_error(value: str, tail: str) -> tuple[str, str, int]:
    return (
        "ValidationException",
        f"1 validation error detected: Value '{value}' at "
        f"'sourceConfiguration.whatsApp.businessAccountId' failed to satisfy constraint: {tail}",
        400,
    )


@needs_whatsapp
def test_an_over_long_value_is_reported_for_its_length_alone(importmock: Any) -> None:
    """AWS lists both violations; running the pattern on an over-long value is what took
    hours, so importmock reports its length alone (docs/behaviour-notes.md)."""
    client = session_client("qconnect", config=NO_CLIENT_CHECKS)
    pattern = r".*(^waba-[0-9a-zA-Z]+$)|(^arn:.*:waba/[0-9a-zA-Z]+$).*"
    at_max = "a" * 99 + "!"
    assert error_raised(lambda: _whatsapp_template(client, at_max)) == _whatsapp_error(
        at_max, f"Member must satisfy regular expression pattern: {pattern}"
    )
    over = "a" * 100 + "!"
    assert error_raised(lambda: _whatsapp_template(client, over)) == _whatsapp_error(
        over, "Member must have length less than or equal to 100"
    )
    # A valid account id passes validation (the operation itself is not mocked).
    code, _, status = error_raised(lambda: _whatsapp_template(client, "waba-1234"))
    assert (code, status) == ("NotImplemented", 501)


def test_a_value_without_a_max_runs_its_pattern_up_to_the_limit(importmock: Any) -> None:
    """``contentType`` declares a pattern but no maximum: the pattern runs on values up to
    2048 characters; a longer one fails it unrun, even one the pattern would match."""
    client = session_client("qconnect", config=NO_CLIENT_CHECKS)
    kb_id = make_kb(client)
    plain = "application/x.quickresponse;format=plain"
    at_limit = plain + ";" * (2048 - len(plain))  # matches: the pattern is not anchored
    created = client.create_quick_response(
        knowledgeBaseId=kb_id, name="at-limit", content={"content": "c"}, contentType=at_limit
    )
    assert created["quickResponse"]["contentType"] == at_limit
    over = at_limit + ";"
    pattern = r"(application/x\.quickresponse;format=(plain|markdown))"
    assert error_raised(
        lambda: client.create_quick_response(
            knowledgeBaseId=kb_id, name="over", content={"content": "c"}, contentType=over
        )
    ) == (
        "ValidationException",
        f"1 validation error detected: Value '{over}' at 'contentType' failed to satisfy "
        f"constraint: Member must satisfy regular expression pattern: {pattern}",
        400,
    )


def test_the_issue_inputs_answer_at_once() -> None:
    """A megabyte account id through boto3, and a Lex archive of about 2 KB whose slot type
    names an S3 key of a megabyte: each took hours."""
    answers = _in_subprocess("issue-inputs")
    value = "<a x 1000000>!"
    if WHATSAPP:
        assert answers["whatsapp"] == list(
            _whatsapp_error(value, "Member must have length less than or equal to 100")
        )
    assert answers["archive_bytes"] < 2048
    # The reason's echo of the value is the Lex reader's business (it may shorten it); the
    # path and the one violation, the length, are validation's.
    assert answers["import"] == {
        "importStatus": "Failed",
        "failureReasons": [
            [
                "Grammar/BotLocales/en_US/SlotTypes/Cities/SlotType.json: Value 'aaaa",
                "!' at 'externalSourceSetting.grammarSlotTypeSetting.source.s3ObjectKey' "
                "failed to satisfy constraint: Member must have length less than or equal to "
                "1024",
            ]
        ],
    }


def _issue_inputs() -> dict[str, Any]:
    import requests
    from botocore.exceptions import ClientError

    from importmock import mock_imports
    from tests.helpers import error_of
    from tests.services.lexv2.archives import ROLE, bot_files, to_zip

    long_value = "a" * 1_000_000 + "!"

    def short(text: str) -> str:
        return text.replace(long_value, "<a x 1000000>!")

    answers: dict[str, Any] = {}
    with mock_imports() as m:
        qconnect = session_client("qconnect", config=NO_CLIENT_CHECKS)
        try:
            if WHATSAPP:
                _whatsapp_template(qconnect, long_value)
        except ClientError as error:
            code, message, status = error_of(error)
            answers["whatsapp"] = [code, short(message), status]
        grammar = {
            "name": "Cities",
            "identifier": "CITIESXXXX",
            "valueSelectionSetting": {"resolutionStrategy": "ORIGINAL_VALUE"},
            "externalSourceSetting": {
                "grammarSlotTypeSetting": {
                    "source": {"s3BucketName": "grammars", "s3ObjectKey": long_value}
                }
            },
        }
        locale = {
            "BotLocale.json": {"name": "English (US)", "identifier": "en_US", "version": None},
            "slot_types": [grammar],
        }
        archive = to_zip(bot_files("Grammar", locales={"en_US": locale}))
        answers["archive_bytes"] = len(archive)
        lex = session_client("lexv2-models")
        upload = lex.create_upload_url()
        assert requests.put(upload["uploadUrl"], data=archive).status_code == 200
        lex.start_import(
            importId=upload["importId"],
            resourceSpecification={
                "botImportSpecification": {
                    "botName": "Grammar",
                    "roleArn": ROLE,
                    "dataPrivacy": {"childDirected": False},
                }
            },
            mergeStrategy="FailOnConflict",
        )
        m.settle()
        described = lex.describe_import(importId=upload["importId"])
        answers["import"] = {
            "importStatus": described["importStatus"],
            "failureReasons": [
                [reason[: reason.index("Value '") + 11], reason[reason.rindex("!' at '") :]]
                for reason in described.get("failureReasons", [])
            ],
        }
    return answers


# ---------------------------------------------------------------------------------------
# The audit: every pattern of the mocked models
# ---------------------------------------------------------------------------------------


def test_every_model_pattern_is_cheap_against_adversarial_values() -> None:
    audit = _in_subprocess("audit")
    # Every pattern of the four models is audited, but the few Python cannot compile
    # (validation skips them: docs/limitations.md).
    assert audit["patterns"] >= 60, audit
    uncompilable = ["[\\p{L}\\p{M}\\p{N}_\\s&@()+,;=\\-]+\\.[A-Za-z0-9]+"]
    if sys.version_info < (3, 11):  # possessive quantifiers came to `re` in Python 3.11
        uncompilable.append("^[\\/]?+[a-zA-Z0-9!_.*'()-]+(\\/[a-zA-Z0-9!_.*'()-]+)*$")
    assert audit["skipped"] == uncompilable
    assert audit["wrong_answers"] == []
    assert audit["seconds"] < AUDIT_BUDGET_SECONDS, audit["slowest"]


_C = sre_constants
_UNIVERSE = [chr(c) for c in range(32, 127)] + ["\n", "\t", "\u00e9", "\u00a0", "\U0001f600"]
_REPEATS = {_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", _C.MAX_REPEAT)}
_ATOMIC = getattr(_C, "ATOMIC_GROUP", None)
_LEAVES = {_C.IN, _C.ANY, _C.NOT_LITERAL, _C.LITERAL}


class _Adversary:
    """Adversarial values for one pattern, read from its parse tree.

    Two families: every repeat of the pattern pumped (the shortest text leading to it,
    then its body over and over), and runs of one character; each ended by one character
    of every class the pattern tells apart, which includes those it rejects.
    """

    def __init__(self, pattern: str) -> None:
        self.parsed = sre_parse.parse(pattern)
        self.leaves: list[tuple[Any, Any]] = []
        self._collect(list(self.parsed))
        self.accepted = [self._accepted(leaf) for leaf in self.leaves]

    @staticmethod
    def _parts(op: Any, av: Any) -> list[list[tuple[Any, Any]]]:
        if op in _REPEATS:
            return [list(av[2])]
        if op == _C.SUBPATTERN:
            return [list(av[3])]
        if _ATOMIC is not None and op == _ATOMIC:
            return [list(av)]
        if op == _C.BRANCH:
            return [list(alternative) for alternative in av[1]]
        if op in (_C.ASSERT, _C.ASSERT_NOT):
            return [list(av[1])]
        return []

    def _collect(self, items: list[tuple[Any, Any]]) -> None:
        for op, av in items:
            if op in _LEAVES:
                self.leaves.append((op, av))
            for part in self._parts(op, av):
                self._collect(part)

    def _accepted(self, leaf: tuple[Any, Any]) -> list[str]:
        matcher = sre_compile.compile(sre_parse.SubPattern(self.parsed.state, [leaf]), 0)
        return [ch for ch in _UNIVERSE if matcher.fullmatch(ch)]

    def shortest(self, items: list[tuple[Any, Any]]) -> str:
        text = []
        for op, av in items:
            if op == _C.LITERAL:
                text.append(chr(av))
            elif op in _LEAVES:
                text.append((self._accepted((op, av)) or [""])[0])
            elif op in _REPEATS:
                text.append(self.shortest(list(av[2])) * av[0])
            elif op == _C.BRANCH:
                text.append(min((self.shortest(part) for part in self._parts(op, av)), key=len))
            elif op not in (_C.ASSERT, _C.ASSERT_NOT):
                text.extend(self.shortest(part) for part in self._parts(op, av))
        return "".join(text)

    def pumps(
        self, items: list[tuple[Any, Any]] | None = None, prefix: str = ""
    ) -> Iterator[tuple[str, str]]:
        items = list(self.parsed) if items is None else items
        for index, (op, av) in enumerate(items):
            before = prefix + self.shortest(items[:index])
            if op in _REPEATS and av[1] > 1:
                body = list(av[2])
                units = {self.shortest(body)}
                if len(body) == 1 and body[0][0] in _LEAVES:
                    units.update(self._accepted(body[0])[:8])
                for unit in units - {""}:
                    yield before, unit
            for part in self._parts(op, av):
                yield from self.pumps(part, before)

    def endings(self) -> list[str]:
        classes: dict[tuple[bool, ...], str] = {}
        for ch in _UNIVERSE:
            signature = (*(ch in accepted for accepted in self.accepted), ch == "\n")
            classes.setdefault(signature, ch)
        return list(classes.values())

    def values(self, length: int) -> Iterator[str]:
        endings = self.endings()
        for prefix, unit in sorted(set(self.pumps())):
            run = (prefix + unit * max(1, (length - len(prefix)) // len(unit)))[: length - 1]
            for end in endings:
                yield run + end
        for ch in endings:
            for end in endings:
                yield ch * (length - 1) + end


def _patterned_shapes() -> dict[tuple[str, Any, Any], str]:
    """(pattern, min, max) of every string shape and member of the models: a name each."""
    import botocore.session

    session = botocore.session.get_session()
    found: dict[tuple[str, Any, Any], str] = {}

    def note(shape: Any) -> None:
        md = shape.metadata
        if shape.type_name == "string" and md.get("pattern") is not None:
            found.setdefault((md["pattern"], md.get("min"), md.get("max")), shape.name)

    for service in SERVICES:
        model = session.get_service_model(service)
        for name in model.shape_names:
            shape = model.shape_for(name)
            note(shape)
            # Member references may override a shape's traits.
            children = {
                "structure": lambda s: list(s.members.values()),
                "list": lambda s: [s.member],
                "map": lambda s: [s.key, s.value],
            }.get(shape.type_name, lambda s: [])
            for child in children(shape):
                note(child)
    return found


def _audit() -> dict[str, Any]:
    from botocore.model import ShapeResolver

    from importmock.engine import validation

    # Old releases had no limit; the audit then runs patterns at this length anyway.
    limit_without_max = getattr(validation, "PATTERN_LENGTH_LIMIT", 2048)
    seconds = 0.0
    per_pattern: list[tuple[float, str]] = []
    skipped: list[str] = []
    wrong: list[str] = []
    count = 0
    for (pattern, low, high), name in _patterned_shapes().items():
        try:
            adversary = _Adversary(pattern)
        except re.error:
            skipped.append(pattern)
            continue
        traits = {"type": "string", "pattern": pattern}
        traits.update({k: v for k, v in (("min", low), ("max", high)) if v is not None})
        shapes = {"Input": {"type": "structure", "members": {"v": {"shape": "V"}}}, "V": traits}
        validator = validation.InputValidator(ShapeResolver(shapes).get_shape_by_name("Input"))
        limit = high if high is not None else limit_without_max
        spent = 0.0
        for value in adversary.values(limit):
            started = time.perf_counter()
            validator.violations({"v": value})
            spent += time.perf_counter() - started
            count += 1
        over_tail = (
            f"Member must have length less than or equal to {high}"
            if high is not None
            else f"Member must satisfy regular expression pattern: {pattern}"
        )
        for value in adversary.values(limit + BEYOND):
            started = time.perf_counter()
            found = validator.violations({"v": value})
            spent += time.perf_counter() - started
            count += 1
            if [item.rpartition(" constraint: ")[2] for item in found] != [over_tail]:
                wrong.append(f"{name}: {found[-1][-200:] if found else 'no violation'}")
        seconds += spent
        per_pattern.append((spent, name))
    return {
        "patterns": len(per_pattern),
        "values": count,
        "seconds": seconds,
        "slowest": sorted(per_pattern, reverse=True)[:5],
        "skipped": skipped,
        "wrong_answers": wrong[:20],
    }


if __name__ == "__main__":
    task = {"audit": _audit, "issue-inputs": _issue_inputs}[sys.argv[1]]
    print(json.dumps(task()))

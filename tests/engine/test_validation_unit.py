"""Unit tests of importmock.engine.validation against real botocore service models.

The exact message strings matter: SDK users match on them, and AWS words every
violation the same way (``Value '<v>' at '<path>' failed to satisfy constraint: ...``).
"""

from __future__ import annotations

import datetime
import gc
from typing import Any

import botocore.session
import pytest
from botocore.model import ServiceModel, ShapeResolver, StructureShape

from importmock.engine.validation import (
    PATTERN_LENGTH_LIMIT,
    InputValidator,
    validation_message,
    validator_for,
)

UUID = "1c2d3e4f-aaaa-bbbb-cccc-0123456789ab"
OTHER_UUID = "0a1b2c3d-0000-1111-2222-333344445555"


@pytest.fixture(scope="module")
def session() -> botocore.session.Session:
    return botocore.session.get_session()


@pytest.fixture(scope="module")
def qconnect(session: botocore.session.Session) -> ServiceModel:
    return session.get_service_model("qconnect")


@pytest.fixture(scope="module")
def wisdom(session: botocore.session.Session) -> ServiceModel:
    return session.get_service_model("wisdom")


@pytest.fixture(scope="module")
def pinpoint(session: botocore.session.Session) -> ServiceModel:
    return session.get_service_model("pinpoint")


@pytest.fixture(scope="module")
def lex(session: botocore.session.Session) -> ServiceModel:
    return session.get_service_model("lexv2-models")


def input_shape(model: ServiceModel, operation: str) -> StructureShape:
    shape = model.operation_model(operation).input_shape
    assert shape is not None
    return shape


def violations(model: ServiceModel, operation: str, params: dict[str, Any]) -> list[str]:
    return validator_for(input_shape(model, operation)).violations(params)


def message(model: ServiceModel, operation: str, params: dict[str, Any]) -> str:
    return validation_message(violations(model, operation, params))


def member_pattern(model: ServiceModel, operation: str, member: str) -> str:
    pattern = input_shape(model, operation).members[member].metadata["pattern"]
    assert isinstance(pattern, str)
    return pattern


def synthetic(shapes: dict[str, Any]) -> StructureShape:
    """A real botocore StructureShape ("Input") built from a hand-written shape map."""
    resolver = ShapeResolver(shapes)
    shape = resolver.get_shape_by_name("Input")
    assert isinstance(shape, StructureShape)
    return shape


# --------------------------------------------------------------------------- messages


def test_message_singular_and_plural() -> None:
    assert validation_message(["a"]) == "1 validation error detected: a"
    assert validation_message(["a", "b", "c"]) == "3 validation errors detected: a; b; c"


def test_message_lists_ten_items_but_counts_all() -> None:
    items = [f"v{i}" for i in range(13)]
    assert validation_message(items) == "13 validation errors detected: " + "; ".join(items[:10])


# --------------------------------------------------------------------------- qconnect


def test_valid_input_has_no_violations(qconnect: ServiceModel) -> None:
    assert violations(qconnect, "ListImportJobs", {"knowledgeBaseId": UUID, "maxResults": 10}) == []
    assert (
        violations(
            qconnect,
            "SearchQuickResponses",
            {
                "knowledgeBaseId": UUID,
                "maxResults": 10,
                "searchExpression": {
                    "queries": [
                        {"name": "content", "values": ["hi"], "operator": "CONTAINS"},
                    ],
                    "filters": [{"name": "isActive", "values": ["true"], "operator": "EQUALS"}],
                    "orderOnField": {"name": "name", "order": "ASC"},
                },
                "attributes": {"customer": "Jane"},
            },
        )
        == []
    )


def test_list_import_jobs_pattern_and_range_exact_message(qconnect: ServiceModel) -> None:
    pattern = member_pattern(qconnect, "ListImportJobs", "knowledgeBaseId")
    got = message(qconnect, "ListImportJobs", {"knowledgeBaseId": "not-a-uuid", "maxResults": 1000})
    assert got == (
        "2 validation errors detected: "
        "Value '1000' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 100; "
        "Value 'not-a-uuid' at 'knowledgeBaseId' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}"
    )


def test_range_minimum_and_length_minimum(qconnect: ServiceModel) -> None:
    got = violations(
        qconnect, "ListImportJobs", {"knowledgeBaseId": UUID, "maxResults": 0, "nextToken": ""}
    )
    assert got == [
        "Value '' at 'nextToken' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
        "Value '0' at 'maxResults' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    ]


def test_required_member_missing_or_none_reads_null(qconnect: ServiceModel) -> None:
    expected = [
        "Value null at 'knowledgeBaseId' failed to satisfy constraint: Member must not be null"
    ]
    assert violations(qconnect, "ListImportJobs", {}) == expected
    assert violations(qconnect, "ListImportJobs", {"knowledgeBaseId": None}) == expected


def test_enum(qconnect: ServiceModel) -> None:
    got = message(
        qconnect,
        "StartImportJob",
        {"knowledgeBaseId": UUID, "importJobType": "BAD", "uploadId": "upload"},
    )
    assert got == (
        "1 validation error detected: Value 'BAD' at 'importJobType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [QUICK_RESPONSES]"
    )


def test_enum_values_listed_in_model_order(qconnect: ServiceModel) -> None:
    got = violations(
        qconnect,
        "SearchQuickResponses",
        {
            "knowledgeBaseId": UUID,
            "searchExpression": {"orderOnField": {"name": "n", "order": "UP"}},
        },
    )
    assert got == [
        "Value 'UP' at 'searchExpression.orderOnField.order' failed to satisfy constraint: "
        "Member must satisfy enum value set: [ASC, DESC]"
    ]


def test_type_mismatch_reports_only_the_type(qconnect: ServiceModel) -> None:
    got = violations(qconnect, "ListImportJobs", {"knowledgeBaseId": UUID, "maxResults": "abc"})
    assert got == [
        "Value 'abc' at 'maxResults' failed to satisfy constraint: Member must be of type integer"
    ]
    # bool is an int subclass in Python but never a JSON number.
    got = violations(qconnect, "ListImportJobs", {"knowledgeBaseId": UUID, "maxResults": True})
    assert got == [
        "Value 'true' at 'maxResults' failed to satisfy constraint: Member must be of type integer"
    ]
    # A wrongly typed string gets no length/pattern noise on top of the type error.
    got = violations(qconnect, "ListImportJobs", {"knowledgeBaseId": 12})
    assert got == [
        "Value '12' at 'knowledgeBaseId' failed to satisfy constraint: "
        "Member must be of type string"
    ]


def test_container_type_mismatch(qconnect: ServiceModel) -> None:
    got = violations(
        qconnect,
        "SearchQuickResponses",
        {"knowledgeBaseId": UUID, "searchExpression": {"queries": "q"}},
    )
    assert got == [
        "Value 'q' at 'searchExpression.queries' failed to satisfy constraint: "
        "Member must be of type list"
    ]
    got = violations(
        qconnect, "SearchQuickResponses", {"knowledgeBaseId": UUID, "searchExpression": []}
    )
    assert got == [
        "Value '[]' at 'searchExpression' failed to satisfy constraint: "
        "Member must be of type structure"
    ]


def test_nested_list_paths(qconnect: ServiceModel) -> None:
    got = violations(
        qconnect,
        "SearchQuickResponses",
        {
            "knowledgeBaseId": UUID,
            "searchExpression": {
                "queries": [
                    {
                        "name": "content",
                        "values": ["a", "b", "c", "d", "e", "f"],
                        "operator": "NEAR",
                    },
                    {"name": "name", "values": [], "operator": "CONTAINS"},
                    {"values": ["x"], "operator": "CONTAINS"},
                ]
            },
        },
    )
    assert got == [
        "Value '[a, b, c, d, e, f]' at 'searchExpression.queries.1.member.values' failed to "
        "satisfy constraint: Member must have length less than or equal to 5",
        "Value 'NEAR' at 'searchExpression.queries.1.member.operator' failed to satisfy "
        "constraint: Member must satisfy enum value set: [CONTAINS, CONTAINS_AND_PREFIX]",
        "Value '[]' at 'searchExpression.queries.2.member.values' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1",
        "Value null at 'searchExpression.queries.3.member.name' failed to satisfy "
        "constraint: Member must not be null",
    ]


def test_list_length_and_scalar_items(qconnect: ServiceModel) -> None:
    too_many = [{"name": "n", "values": ["v"], "operator": "CONTAINS"}] * 5
    got = violations(
        qconnect,
        "SearchQuickResponses",
        {"knowledgeBaseId": UUID, "searchExpression": {"queries": too_many}},
    )
    assert got == [
        "Value '[{name=n, values=[v], operator=CONTAINS}, {name=n, values=[v], "
        "operator=CONTAINS}, {name=n, values=[v], operator=CONTAINS}, {name=n, values=[v], "
        "operator=CONTAINS}, {name=n, values=[v], operator=CONTAINS}]' at "
        "'searchExpression.queries' failed to satisfy constraint: "
        "Member must have length less than or equal to 4"
    ]
    got = violations(
        qconnect,
        "SearchQuickResponses",
        {
            "knowledgeBaseId": UUID,
            "searchExpression": {
                "queries": [{"name": "n", "values": ["", None], "operator": "CONTAINS"}]
            },
        },
    )
    assert got == [
        "Value '' at 'searchExpression.queries.1.member.values.1.member' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1",
        "Value null at 'searchExpression.queries.1.member.values.2.member' failed to satisfy "
        "constraint: Member must not be null",
    ]


def test_sensitive_values_are_omitted(qconnect: ServiceModel) -> None:
    got = violations(
        qconnect,
        "CreateQuickResponse",
        {
            "knowledgeBaseId": UUID,
            "name": "greeting",
            "content": {"content": "Hello"},
            "channels": ["Chat", "a-very-long-channel"],
            "groupingConfiguration": {"criteria": "", "values": ["ok"]},
        },
    )
    assert got == [
        "Value at 'groupingConfiguration.criteria' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
        "Value at 'channels.2.member' failed to satisfy constraint: "
        "Member must have length less than or equal to 10",
    ]


def test_sensitive_container_hides_its_contents(qconnect: ServiceModel) -> None:
    # ContactAttributes (the map) is sensitive; its key/value shapes are not.
    got = violations(
        qconnect,
        "SearchQuickResponses",
        {"knowledgeBaseId": UUID, "searchExpression": {}, "attributes": {"name": 7}},
    )
    assert got == [
        "Value at 'attributes' failed to satisfy constraint: "
        "Map value must satisfy constraint: [Member must be of type string]"
    ]


def test_union_with_two_members_set(qconnect: ServiceModel) -> None:
    if (
        "externalBedrockKnowledgeBaseConfig"
        not in qconnect.shape_for("AssistantAssociationInputData").members
    ):
        pytest.skip("this botocore's qconnect model has no two-member association union")
    role = "arn:aws:iam::123456789012:role/wisdom-access"
    kb = "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ"
    association = {
        "knowledgeBaseId": UUID,
        "externalBedrockKnowledgeBaseConfig": {
            "bedrockKnowledgeBaseArn": kb,
            "accessRoleArn": role,
        },
    }
    got = violations(
        qconnect,
        "CreateAssistantAssociation",
        {"assistantId": UUID, "associationType": "KNOWLEDGE_BASE", "association": association},
    )
    assert got == [
        f"Value '{{knowledgeBaseId={UUID}, externalBedrockKnowledgeBaseConfig="
        f"{{bedrockKnowledgeBaseArn={kb}, accessRoleArn={role}}}}}' at 'association' failed "
        "to satisfy constraint: Member must have exactly one member set"
    ]
    one = {"knowledgeBaseId": UUID}
    assert (
        violations(
            qconnect,
            "CreateAssistantAssociation",
            {"assistantId": UUID, "associationType": "KNOWLEDGE_BASE", "association": one},
        )
        == []
    )


def test_union_with_no_member_set(qconnect: ServiceModel) -> None:
    got = violations(
        qconnect, "CreateQuickResponse", {"knowledgeBaseId": UUID, "name": "n", "content": {}}
    )
    assert got == [
        "Value '{}' at 'content' failed to satisfy constraint: "
        "Member must have exactly one member set"
    ]


def test_union_rendering_redacts_sensitive_members(qconnect: ServiceModel) -> None:
    # The union's own violation echoes the structure, but its sensitive member stays hidden.
    got = violations(
        qconnect,
        "CreateQuickResponse",
        {"knowledgeBaseId": UUID, "name": "n", "content": {"content": "secret", "bogus": 1}},
    )
    assert got == []  # unknown members are ignored, so exactly one known member is set
    got = violations(
        qconnect,
        "CreateQuickResponse",
        {"knowledgeBaseId": UUID, "name": "n", "content": {"content": ""}},
    )
    assert got == [
        "Value at 'content.content' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    ]


def test_unknown_members_are_ignored(qconnect: ServiceModel) -> None:
    params = {"knowledgeBaseId": UUID, "surprise": object(), "maxResults": 5}
    assert violations(qconnect, "ListImportJobs", params) == []


def test_map_key_and_value_scheme(qconnect: ServiceModel) -> None:
    # Map keys/scalar values are reported once per map at the map's path, listing every
    # declared constraint of the key/value shape, as AWS's Coral stack words it.
    key_pattern = (
        input_shape(qconnect, "CreateQuickResponse").members["tags"].key.metadata["pattern"]
    )
    long_value = "v" * 257
    got = violations(
        qconnect,
        "CreateQuickResponse",
        {
            "knowledgeBaseId": UUID,
            "name": "n",
            "content": {"content": "c"},
            "tags": {"": "ok", "team": long_value},
        },
    )
    rendered = "{=ok, team=" + long_value + "}"
    assert got == [
        f"Value '{rendered}' at 'tags' failed to satisfy constraint: Map keys must satisfy "
        "constraint: [Member must have length less than or equal to 128, Member must have "
        "length greater than or equal to 1, Member must satisfy regular expression pattern: "
        f"{key_pattern}]",
        f"Value '{rendered}' at 'tags' failed to satisfy constraint: Map value must satisfy "
        "constraint: [Member must have length less than or equal to 256, Member must have "
        "length greater than or equal to 1]",
    ]


def test_map_null_value(qconnect: ServiceModel) -> None:
    got = violations(
        qconnect,
        "CreateQuickResponse",
        {"knowledgeBaseId": UUID, "name": "n", "content": {"content": "c"}, "tags": {"k": None}},
    )
    assert got == [
        "Value '{k=null}' at 'tags' failed to satisfy constraint: Map value must satisfy "
        "constraint: [Member must have length less than or equal to 256, Member must have "
        "length greater than or equal to 1, Member must not be null]"
    ]


def test_map_entry_count(qconnect: ServiceModel) -> None:
    metadata = {f"k{i}": "v" for i in range(11)}
    got = violations(
        qconnect,
        "StartImportJob",
        {
            "knowledgeBaseId": UUID,
            "importJobType": "QUICK_RESPONSES",
            "uploadId": "u",
            "metadata": metadata,
        },
    )
    assert len(got) == 1
    assert got[0].endswith(
        "at 'metadata' failed to satisfy constraint: "
        "Member must have length less than or equal to 10"
    )


def test_recursive_shapes_compile_and_validate(qconnect: ServiceModel) -> None:
    if "Retrieve" not in qconnect.operation_names:
        pytest.skip("this botocore's qconnect model has no Retrieve operation")
    # RetrievalFilterConfiguration contains lists of itself.
    leaf = {"equals": {"key": "k", "value": {"stringValue": "v"}}}
    got = violations(
        qconnect,
        "Retrieve",
        {
            "assistantId": UUID,
            "retrievalQuery": "q",
            "retrievalConfiguration": {
                "knowledgeSource": {"assistantAssociationIds": [UUID]},
                "filter": {"andAll": [{"andAll": [leaf, leaf]}, {"orAll": [leaf, {}]}]},
            },
        },
    )
    assert got == [
        "Value '{}' at 'retrievalConfiguration.filter.andAll.2.member.orAll.2.member' failed "
        "to satisfy constraint: Member must have exactly one member set"
    ]


def test_more_than_ten_violations(qconnect: ServiceModel) -> None:
    channels = [f"channel-{i:03d}" for i in range(12)]  # 11 chars each; the max is 10
    found = violations(
        qconnect,
        "CreateQuickResponse",
        {"knowledgeBaseId": UUID, "name": "n", "content": {"content": "c"}, "channels": channels},
    )
    assert len(found) == 12
    expected = [
        f"Value at 'channels.{i}.member' failed to satisfy constraint: "
        "Member must have length less than or equal to 10"
        for i in range(1, 11)
    ]
    assert validation_message(found) == "12 validation errors detected: " + "; ".join(expected)


# --------------------------------------------------------------------------- patterns


def test_qconnect_pattern_is_searched_not_anchored(
    qconnect: ServiceModel, wisdom: ServiceModel
) -> None:
    q_pattern = member_pattern(qconnect, "ListImportJobs", "knowledgeBaseId")
    w_pattern = member_pattern(wisdom, "ListImportJobs", "knowledgeBaseId")
    # qconnect's first alternative is only end-anchored; wisdom anchors both ends.
    assert not q_pattern.startswith("^") and w_pattern.startswith("^")
    prefixed = "garbage-" + UUID
    assert violations(qconnect, "ListImportJobs", {"knowledgeBaseId": prefixed}) == []
    assert violations(wisdom, "ListImportJobs", {"knowledgeBaseId": prefixed}) == [
        f"Value '{prefixed}' at 'knowledgeBaseId' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {w_pattern}"
    ]
    # Trailing garbage breaks the `$` of both.
    suffixed = UUID + "-garbage"
    assert len(violations(qconnect, "ListImportJobs", {"knowledgeBaseId": suffixed})) == 1
    assert len(violations(wisdom, "ListImportJobs", {"knowledgeBaseId": suffixed})) == 1
    assert violations(wisdom, "ListImportJobs", {"knowledgeBaseId": UUID}) == []


def test_java_only_patterns_translate_or_are_skipped() -> None:
    shape = synthetic(
        {
            "Input": {
                "type": "structure",
                "members": {
                    "astral": {"shape": "Astral"},
                    "endAnchor": {"shape": "EndAnchor"},
                    "hopeless": {"shape": "Hopeless"},
                },
            },
            # Java writes supplementary code points as surrogate pairs (appflow et al.).
            "Astral": {
                "type": "string",
                "pattern": "^[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*$",
            },
            "EndAnchor": {"type": "string", "pattern": "\\Asnap-[0-9a-f]{8}\\z"},
            # No engine understands \p{all}: skipped rather than rejecting everything.
            "Hopeless": {"type": "string", "pattern": "^[\\p{all}]{2}$"},
        }
    )
    validator = InputValidator(shape)
    assert validator.violations({"astral": "ok \U0001f600", "endAnchor": "snap-0123abcd"}) == []
    assert validator.violations({"hopeless": "whatever it is"}) == []
    bad = validator.violations({"astral": "bell\x07", "endAnchor": "snap-0123abcd!"})
    assert [v.split("' at '")[1].split("'")[0] for v in bad] == ["astral", "endAnchor"]


# --------------------------------------------------------------------------- other services


def test_pinpoint_create_app(pinpoint: ServiceModel) -> None:
    assert violations(pinpoint, "CreateApp", {"CreateApplicationRequest": {"Name": "app"}}) == []
    assert message(pinpoint, "CreateApp", {}) == (
        "1 validation error detected: Value null at 'CreateApplicationRequest' failed to "
        "satisfy constraint: Member must not be null"
    )
    assert message(pinpoint, "CreateApp", {"CreateApplicationRequest": {"tags": {"k": 1}}}) == (
        "2 validation errors detected: Value null at 'CreateApplicationRequest.Name' failed "
        "to satisfy constraint: Member must not be null; Value '{k=1}' at "
        "'CreateApplicationRequest.tags' failed to satisfy constraint: Map value must satisfy "
        "constraint: [Member must be of type string]"
    )


def test_pinpoint_structure_map_values_recurse(pinpoint: ServiceModel) -> None:
    # Non-scalar map values are checked at '<map>.<key>.member'.
    got = violations(
        pinpoint,
        "SendMessages",
        {
            "ApplicationId": "app",
            "MessageRequest": {
                "MessageConfiguration": {},
                "Addresses": {"+15550100": {"ChannelType": "PIGEON"}},
            },
        },
    )
    assert len(got) == 1
    assert got[0].startswith(
        "Value 'PIGEON' at 'MessageRequest.Addresses.+15550100.member.ChannelType' failed to "
        "satisfy constraint: Member must satisfy enum value set: [PUSH, GCM, APNS, "
    )


def test_lexv2_start_import(lex: ServiceModel) -> None:
    importid_pattern = member_pattern(lex, "StartImport", "importId")
    got = violations(
        lex,
        "StartImport",
        {"importId": "bad id!", "resourceSpecification": {}, "mergeStrategy": "Merge"},
    )
    assert got == [
        "Value 'bad id!' at 'importId' failed to satisfy constraint: "
        "Member must have length greater than or equal to 10",
        "Value 'bad id!' at 'importId' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {importid_pattern}",
        "Value 'Merge' at 'mergeStrategy' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Overwrite, FailOnConflict, Append]",
    ]


# --------------------------------------------------------------------------- scalar types


def test_scalar_types_and_ranges() -> None:
    shape = synthetic(
        {
            "Input": {
                "type": "structure",
                "members": {
                    "ratio": {"shape": "Ratio"},
                    "flag": {"shape": "Flag"},
                    "when": {"shape": "When"},
                    "body": {"shape": "Body"},
                    "doc": {"shape": "Doc"},
                    "big": {"shape": "Big"},
                },
            },
            "Ratio": {"type": "double", "min": 0, "max": 1},
            "Flag": {"type": "boolean"},
            "When": {"type": "timestamp"},
            "Body": {"type": "blob", "min": 1, "max": 3},
            "Doc": {"type": "structure", "members": {}, "document": True},
            "Big": {"type": "long", "min": 5},
        }
    )
    validator = InputValidator(shape)
    valid = {
        "ratio": 1,
        "flag": False,
        "when": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
        "body": b"abc",
        "doc": ["anything", {"goes": 1}],
        "big": 2**40,
    }
    assert validator.violations(valid) == []
    assert validator.violations({"ratio": 0.5, "when": 1700000000, "body": "ab"}) == []
    got = validator.violations(
        {"ratio": 1.5, "flag": "yes", "when": [], "body": b"abcd", "big": 4.0}
    )
    assert got == [
        "Value '1.5' at 'ratio' failed to satisfy constraint: "
        "Member must have value less than or equal to 1",
        "Value 'yes' at 'flag' failed to satisfy constraint: Member must be of type boolean",
        "Value '[]' at 'when' failed to satisfy constraint: Member must be of type timestamp",
        "Value 'java.nio.HeapByteBuffer[pos=0 lim=4 cap=4]' at 'body' failed to satisfy "
        "constraint: Member must have length less than or equal to 3",
        "Value '4.0' at 'big' failed to satisfy constraint: Member must be of type long",
    ]
    assert validator.violations({"ratio": -0.1, "big": 4}) == [
        "Value '-0.1' at 'ratio' failed to satisfy constraint: "
        "Member must have value greater than or equal to 0",
        "Value '4' at 'big' failed to satisfy constraint: "
        "Member must have value greater than or equal to 5",
    ]


def test_all_constraints_of_one_value_are_reported() -> None:
    shape = synthetic(
        {
            "Input": {"type": "structure", "members": {"code": {"shape": "Code"}}},
            "Code": {"type": "string", "min": 3, "max": 4, "pattern": "^[A-Z]+$", "enum": ["ABC"]},
        }
    )
    assert InputValidator(shape).violations({"code": "ab"}) == [
        "Value 'ab' at 'code' failed to satisfy constraint: "
        "Member must satisfy enum value set: [ABC]",
        "Value 'ab' at 'code' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3",
        "Value 'ab' at 'code' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^[A-Z]+$",
    ]


def test_an_over_long_value_is_reported_for_its_length_and_never_pattern_checked() -> None:
    """AWS lists the pattern too; running it on an over-long value is what could take hours
    (a quadratic pattern on a megabyte), so only the length is reported."""
    shape = synthetic(
        {
            "Input": {"type": "structure", "members": {"code": {"shape": "Code"}}},
            "Code": {"type": "string", "min": 3, "max": 4, "pattern": "^[A-Z]+$"},
        }
    )
    validator = InputValidator(shape)
    assert validator.violations({"code": "abcde"}) == [
        "Value 'abcde' at 'code' failed to satisfy constraint: "
        "Member must have length less than or equal to 4",
    ]
    assert validator.violations({"code": "abcd"}) == [
        "Value 'abcd' at 'code' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^[A-Z]+$",
    ]


def test_a_pattern_without_max_runs_on_values_up_to_the_limit() -> None:
    shape = synthetic(
        {
            "Input": {"type": "structure", "members": {"url": {"shape": "Url"}}},
            "Url": {"type": "string", "pattern": "https?://"},
        }
    )
    validator = InputValidator(shape)
    at_limit = "https://" + "a" * (PATTERN_LENGTH_LIMIT - 8)
    assert validator.violations({"url": at_limit}) == []
    # Longer, the pattern fails unrun: no shape of this kind holds such a value.
    assert validator.violations({"url": at_limit + "a"}) == [
        f"Value '{at_limit}a' at 'url' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: https?://"
    ]


def test_a_value_too_deep_to_walk_is_one_violation_not_a_crash() -> None:
    shape = synthetic(
        {
            "Input": {"type": "structure", "members": {"node": {"shape": "Node"}}},
            "Node": {"type": "structure", "members": {"next": {"shape": "Node"}}},
        }
    )
    deep: dict[str, Any] = {}
    for _ in range(5000):
        deep = {"next": deep}
    assert InputValidator(shape).violations({"node": deep}) == [
        "The input is nested too deeply to be validated."
    ]


# --------------------------------------------------------------------------- caching / speed


def test_validator_for_is_cached_per_shape_object(session: botocore.session.Session) -> None:
    model = session.get_service_model("qconnect")
    shape = input_shape(model, "ListImportJobs")
    assert validator_for(shape) is validator_for(shape)
    # A shape from another model instance gets its own validator, never a stale one.
    other_model = botocore.session.get_session().get_service_model("qconnect")
    other = input_shape(other_model, "ListImportJobs")
    assert other is not shape
    assert validator_for(other) is not validator_for(shape)
    del other, other_model
    gc.collect()
    assert validator_for(shape).violations({"knowledgeBaseId": UUID}) == []

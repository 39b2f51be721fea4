"""The LexJson file format: what Lex's archive files call the members and values the API
names otherwise, and the walks that turn one into the other.

Lex's import and export files are not the Create* request shapes. Archives exported from
real Lex (and the AWS CloudFormation ``AWS::Lex::Bot`` schema, whose inline bot definition
Lex builds through the same import) write:

- ``messageGroupsList`` where a prompt, a response or a still-waiting response has the
  API's ``messageGroups`` (the fulfillment start and update responses keep
  ``messageGroups``);
- ``isActive`` where code hooks, closing and confirmation settings, conditionals and
  wait-and-continue settings have the API's ``active`` (fulfillment updates keep
  ``active``);
- ``ORIGINAL_VALUE``, ``TOP_RESOLUTION`` and ``CONCATENATION`` for the resolution
  strategies the API spells ``OriginalValue``, ``TopResolution``, ``Concatenation``;
- ``nluConfidenceThreshold`` in BotLocale.json for CreateBotLocale's
  ``nluIntentConfidenceThreshold``.

Reading a file (:func:`from_file`) maps those names to the API's, so a file's members are
validated with the model's constraints; an API spelling where the format has its own name
is refused with a reason naming the format's member, as it is not what Lex reads. Writing
(:func:`to_file`) maps them back and writes every member a structure declares, ``null``
when unset, as real exports do. :func:`file_path` turns a member path of the API (a
validation message's) into the path as the file writes it.

Both walks are loops, not recursion: some shapes are recursive (``SlotValueOverride``), so
a value may follow one as deep as the JSON parser allowed.
"""

from __future__ import annotations

from typing import Any, Optional

from botocore.model import Shape

#: (API shape, API member) -> the member's name in the files.
FILE_MEMBERS: dict[tuple[str, str], str] = {
    ("PromptSpecification", "messageGroups"): "messageGroupsList",
    ("ResponseSpecification", "messageGroups"): "messageGroupsList",
    ("StillWaitingResponseSpecification", "messageGroups"): "messageGroupsList",
    ("ConditionalSpecification", "active"): "isActive",
    ("DialogCodeHookInvocationSetting", "active"): "isActive",
    ("FulfillmentCodeHookSettings", "active"): "isActive",
    ("IntentClosingSetting", "active"): "isActive",
    ("IntentConfirmationSetting", "active"): "isActive",
    ("WaitAndContinueSpecification", "active"): "isActive",
    ("CreateBotLocaleRequest", "nluIntentConfidenceThreshold"): "nluConfidenceThreshold",
}
#: API enum shape -> {API value: the value in the files}.
FILE_VALUES: dict[str, dict[str, str]] = {
    "SlotValueResolutionStrategy": {
        "OriginalValue": "ORIGINAL_VALUE",
        "TopResolution": "TOP_RESOLUTION",
        "Concatenation": "CONCATENATION",
    },
}
#: The reasons one walk keeps: an import reports at most 100, and a hostile file could
#: misname a member a million times.
MAX_PROBLEMS = 100
_API_MEMBERS = {(shape, file): api for (shape, api), file in FILE_MEMBERS.items()}
_API_VALUES = {
    shape: {file: api for api, file in values.items()} for shape, values in FILE_VALUES.items()
}

# A member path built as the walk goes down, joined only when a reason needs it.
_Path = Optional[tuple[Any, str]]


def _joined(path: _Path) -> str:
    parts = []
    while path is not None:
        path, part = path
        parts.append(part)
    return ".".join(reversed(parts))


def file_member(shape: Shape, member: str) -> str:
    """The name the files give ``member`` of the structure ``shape``."""
    return FILE_MEMBERS.get((shape.name, member), member)


def from_file(value: Any, shape: Shape, where: str = "") -> tuple[Any, list[str]]:
    """``value``, a file's JSON for ``shape``, as the API takes it, and what is wrong with
    its names.

    File member names and values become the API's; members the model does not declare,
    and members that are null, are dropped as the API's parser drops them (lists and maps
    keep their items: validation reports a null one). A member or value spelled as the API
    spells it, where the format has its own name, gives a reason naming the member as the
    file should write it (``where`` prefixes the member paths), and is read as if written
    so, which keeps the reasons to one per mistake.
    """
    problems: list[str] = []
    result: list[Any] = [None]
    root: _Path = None if not where else (None, where)
    pending: list[tuple[Any, Shape, Any, Any, _Path]] = [(value, shape, result, 0, root)]
    while pending:
        item, item_shape, into, key, path = pending.pop()
        kind = item_shape.type_name
        kept: Any = item
        if kind == "structure" and isinstance(item, dict):
            if not item_shape.metadata.get("document"):
                members = item_shape.members
                kept = {}
                for name, member in item.items():
                    if (item_shape.name, name) in FILE_MEMBERS and len(problems) < MAX_PROBLEMS:
                        wanted = FILE_MEMBERS[(item_shape.name, name)]
                        problems.append(
                            f"{_joined((path, name))}: the LexJson format has no member "
                            f"{name}; it is written {wanted}."
                        )
                        # Read on as if well named: one reason for the one mistake.
                    api_name = _API_MEMBERS.get((item_shape.name, name), name)
                    if api_name in members and member is not None:
                        kept[api_name] = None  # placed now, so the members keep their order
                        pending.append((member, members[api_name], kept, api_name, (path, name)))
        elif kind == "list" and isinstance(item, list):
            kept = [None] * len(item)
            member_shape = item_shape.member
            pending.extend(
                (member, member_shape, kept, i, ((path, str(i + 1)), "member"))
                for i, member in enumerate(item)
            )
        elif kind == "map" and isinstance(item, dict):
            kept = dict.fromkeys(item)
            value_shape = item_shape.value
            pending.extend(
                (member, value_shape, kept, k, ((path, str(k)), "member"))
                for k, member in item.items()
            )
        elif isinstance(item, str) and item_shape.name in FILE_VALUES:
            values = FILE_VALUES[item_shape.name]
            if item in _API_VALUES[item_shape.name]:
                kept = _API_VALUES[item_shape.name][item]
            elif item in values and len(problems) < MAX_PROBLEMS:
                problems.append(
                    f"{_joined(path)}: {item} is the API's spelling; the LexJson format "
                    f"writes {values[item]}."
                )
        into[key] = kept
    return result[0], problems


def to_file(value: Any, shape: Shape) -> Any:
    """``value``, stored as the API takes it, as the files write it: every member a
    structure declares is written, ``null`` when unset, under the files' names."""
    result: list[Any] = [None]
    pending: list[tuple[Any, Shape, Any, Any]] = [(value, shape, result, 0)]
    while pending:
        item, item_shape, into, key = pending.pop()
        kind = item_shape.type_name
        written: Any = item
        if kind == "structure" and isinstance(item, dict):
            if not item_shape.metadata.get("document"):
                written = {}
                for name, member_shape in item_shape.members.items():
                    out_name = FILE_MEMBERS.get((item_shape.name, name), name)
                    written[out_name] = None
                    member = item.get(name)
                    if member is not None:
                        pending.append((member, member_shape, written, out_name))
        elif kind == "list" and isinstance(item, list):
            written = [None] * len(item)
            member_shape = item_shape.member
            pending.extend((member, member_shape, written, i) for i, member in enumerate(item))
        elif kind == "map" and isinstance(item, dict):
            written = dict.fromkeys(item)
            value_shape = item_shape.value
            pending.extend((member, value_shape, written, k) for k, member in item.items())
        elif isinstance(item, str) and item_shape.name in FILE_VALUES:
            written = FILE_VALUES[item_shape.name].get(item, item)
        into[key] = written
    return result[0]


def file_path(api_path: str, shape: Shape) -> tuple[str, Shape | None]:
    """A member path of the API (as validation messages write it, ``a.b.1.member.c``) as
    the files write it, and the shape it ends at (None past what the model declares)."""
    parts = api_path.split(".") if api_path else []
    out: list[str] = []
    current: Shape | None = shape
    index = 0
    while index < len(parts):
        part = parts[index]
        kind = current.type_name if current is not None else None
        if kind == "structure":
            members = current.members  # type: ignore[union-attr]
            out.append(FILE_MEMBERS.get((current.name, part), part))  # type: ignore[union-attr]
            current = members.get(part)
        elif kind in ("list", "map") and index + 1 < len(parts) and parts[index + 1] == "member":
            out.extend((part, "member"))
            current = current.member if kind == "list" else current.value  # type: ignore[union-attr]
            index += 1
        else:
            out.append(part)
            current = None
        index += 1
    return ".".join(out), current

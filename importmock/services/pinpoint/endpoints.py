"""Endpoint definitions: the rules one must obey, and how one is stored or merged.

The same rules judge a record of an import file and an UpdateEndpoint request, so both
fail for the same reasons with the same words. A definition is a dict shaped like the
model's ``EndpointRequest`` plus ``Id``; this module reports the first rule it breaks as a
readable sentence, or None.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from typing import Any

MAX_NAME = 50  # characters in a custom attribute or metric name
MAX_VALUE = 100  # characters in a custom attribute value
MAX_VALUES = 50  # values of one custom attribute
MAX_ENDPOINT_BYTES = 15 * 1024
MAX_CUSTOM_ATTRIBUTES = 250  # distinct names per app, Attributes + Metrics + UserAttributes
MAX_ENDPOINTS_PER_USER = 15

TOP_LEVEL = ("Id", "Address", "ChannelType", "OptOut", "EffectiveDate", "EndpointStatus",
             "RequestId")  # fmt: skip
DEMOGRAPHIC = ("AppVersion", "Locale", "Make", "Model", "ModelVersion", "Platform",
               "PlatformVersion", "Timezone")  # fmt: skip
LOCATION_TEXT = ("City", "Country", "PostalCode", "Region")
LOCATION_NUMBERS = {"Latitude": 90.0, "Longitude": 180.0}  # name -> largest magnitude
GROUPS = ("Demographic", "Location", "Attributes", "Metrics", "User")
OPT_OUT = ("ALL", "NONE")
ENDPOINT_STATUS = ("ACTIVE", "INACTIVE")


@lru_cache(maxsize=1)
def channel_types() -> tuple[str, ...]:
    """The ChannelType enum, from the installed model."""
    from importmock.engine.specs import spec_for_client

    return tuple(spec_for_client("pinpoint").model.shape_for("ChannelType").enum)


@lru_cache(maxsize=1)
def endpoint_request_shape() -> Any:
    """The model's EndpointRequest shape: what an endpoint definition is made of."""
    from importmock.engine.specs import spec_for_client

    return spec_for_client("pinpoint").model.shape_for("EndpointRequest")


def id_problem(endpoint_id: str) -> str | None:
    if "$" in endpoint_id or "{" in endpoint_id or "}" in endpoint_id:
        return f"The endpoint ID '{endpoint_id}' is not valid: it can't contain $, {{ or }}."
    return None


def problem(record: Any, known: bool, size: int | None = None) -> str | None:
    """The first rule ``record`` breaks, or None.

    ``known``: the record updates an existing endpoint. ``size``: the definition's size in
    bytes, if the caller knows it (a file line), else it is measured as JSON.
    """
    if not isinstance(record, dict):
        return "An endpoint definition must be a JSON object."
    for name, value in record.items():
        if name in GROUPS:
            continue
        if name not in TOP_LEVEL:
            return f"'{name}' is not an endpoint attribute."
        if not isinstance(value, str):
            return f"{name} must be a string."
    if "Id" in record:
        found = id_problem(record["Id"])
        if found:
            return found
    channel = record.get("ChannelType")
    if channel is not None and channel not in channel_types():
        return f"ChannelType '{channel}' is not one of: {', '.join(channel_types())}."
    if not known:
        if not record.get("Address"):
            return "Missing Address: a new endpoint needs an Address."
        if channel is None:
            return "Missing ChannelType: a new endpoint needs a ChannelType."
    if record.get("OptOut") is not None and record["OptOut"] not in OPT_OUT:
        return f"OptOut '{record['OptOut']}' is not ALL or NONE."
    status = record.get("EndpointStatus")
    if status is not None and status not in ENDPOINT_STATUS:
        return f"EndpointStatus '{status}' is not ACTIVE or INACTIVE."
    if record.get("EffectiveDate") is not None and not _is_iso_date(record["EffectiveDate"]):
        return f"EffectiveDate '{record['EffectiveDate']}' is not an ISO 8601 date."
    found = (
        _text_group(record, "Demographic", DEMOGRAPHIC)
        or _location(record.get("Location"))
        or _lists(record.get("Attributes"), "Attributes")
        or _metrics(record.get("Metrics"))
        or _user(record.get("User"))
    )
    if found:
        return found
    if size is None:
        size = len(json.dumps(record, separators=(",", ":")).encode())
    if size > MAX_ENDPOINT_BYTES:
        return f"The endpoint definition is {size} bytes; at most {MAX_ENDPOINT_BYTES} are allowed."
    return None


def _is_iso_date(value: str) -> bool:
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _text_group(record: dict[str, Any], group: str, names: tuple[str, ...]) -> str | None:
    members = record.get(group)
    if members is None:
        return None
    if not isinstance(members, dict):
        return f"{group} must be an object."
    for name, value in members.items():
        if name not in names:
            return f"'{group}.{name}' is not an endpoint attribute."
        if not isinstance(value, str):
            return f"{group}.{name} must be a string."
    return None


def _location(location: Any) -> str | None:
    if location is None:
        return None
    if not isinstance(location, dict):
        return "Location must be an object."
    for name, value in location.items():
        if name in LOCATION_NUMBERS:
            if not _is_number(value) or abs(value) > LOCATION_NUMBERS[name]:
                bound = LOCATION_NUMBERS[name]
                return (
                    f"Location.{name} {_shown(value)} is not a number from -{bound:g} to {bound:g}."
                )
        elif name not in LOCATION_TEXT:
            return f"'Location.{name}' is not an endpoint attribute."
        elif not isinstance(value, str):
            return f"Location.{name} must be a string."
    return None


def _is_number(value: Any) -> bool:
    """A JSON number a double holds: no NaN or infinity, no integer beyond its range."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a double
        return False


def _shown(value: Any) -> str:
    """A value as a reason names it: in JSON's words (null, true), cut short when long."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, list):
        return "[...]"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    try:
        text = repr(value)
    except ValueError:  # an int past Python's 4300-digit conversion limit
        return "(an integer of thousands of digits)"
    return text if len(text) <= 40 else text[:37] + "..."


def _name_problem(group: str, name: Any) -> str | None:
    if not isinstance(name, str) or not name:
        return f"{group} has an empty attribute name."
    if len(name) > MAX_NAME:
        return f"The {group} name '{name}' is longer than {MAX_NAME} characters."
    return None


def _lists(attributes: Any, group: str) -> str | None:
    if attributes is None:
        return None
    if not isinstance(attributes, dict):
        return f"{group} must be an object of attribute name to a list of strings."
    for name, values in attributes.items():
        found = _name_problem(group, name)
        if found:
            return found
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return f"{group}.{name} must be a list of strings."
        if len(values) > MAX_VALUES:
            return f"{group}.{name} has {len(values)} values; at most {MAX_VALUES} are allowed."
        for value in values:
            if len(value) > MAX_VALUE:
                return (
                    f"The {group}.{name} value '{value[:20]}...' is longer than {MAX_VALUE} "
                    "characters."
                )
    return None


def _metrics(metrics: Any) -> str | None:
    if metrics is None:
        return None
    if not isinstance(metrics, dict):
        return "Metrics must be an object of metric name to a number."
    for name, value in metrics.items():
        found = _name_problem("Metrics", name)
        if found:
            return found
        if not _is_number(value):
            return f"Metrics.{name} {_shown(value)} is not a number."
    return None


def _user(user: Any) -> str | None:
    if user is None:
        return None
    if not isinstance(user, dict):
        return "User must be an object."
    for name in user:
        if name not in ("UserId", "UserAttributes"):
            return f"'User.{name}' is not an endpoint attribute."
    if "UserId" in user and not isinstance(user["UserId"], str):
        return "User.UserId must be a string."
    return _lists(user.get("UserAttributes"), "User.UserAttributes")


def custom_names(record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The custom attribute names a definition uses, as (group, name)."""
    for name in record.get("Attributes") or ():
        yield ("Attributes", name)
    for name in record.get("Metrics") or ():
        yield ("Metrics", name)
    for name in (record.get("User") or {}).get("UserAttributes") or ():
        yield ("UserAttributes", name)


def user_id(record: dict[str, Any]) -> str | None:
    user = record.get("User")
    return user.get("UserId") if user else None


_COHORTS = [str(number) for number in range(100)]  # shared, not one string per endpoint


def cohort(endpoint_id: str) -> str:
    """A stable cohort 0-99 per endpoint, as Pinpoint spreads endpoints over 100 cohorts."""
    # surrogatepass: an id is text as the client sent it, and a hash must not fail on it
    return _COHORTS[zlib.crc32(endpoint_id.lower().encode("utf-8", "surrogatepass")) % 100]


def response(application_id: str, stored: dict[str, Any]) -> dict[str, Any]:
    """The EndpointResponse of a stored endpoint, derived members added.

    ``Attributes`` and ``User`` are always there, empty when the endpoint has none, as AWS
    answers them (the CLI's documented ``get-endpoint`` output has ``"Attributes": {}``; the
    developer guide's GET endpoint response has ``"User": {}``). ``Demographic``,
    ``Location`` and ``Metrics`` appear only when set, as in the same examples.
    """
    return {
        "ApplicationId": application_id,
        "Attributes": {},
        "CohortId": cohort(stored["Id"]),
        "EndpointStatus": "ACTIVE",
        "OptOut": "NONE",
        "User": {},
        **stored,
    }


def merge(existing: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """An update applied to a stored endpoint: given values win, the rest is kept.

    A custom attribute given in the update replaces that attribute's values (as
    UpdateEndpoint documents); other attributes stay.
    """
    merged = dict(existing)
    for name, value in update.items():
        if name == "Id":
            continue
        if name == "User":
            user = dict(merged.get("User") or {})
            for member, member_value in value.items():
                if member == "UserAttributes":
                    user[member] = {**user.get(member, {}), **member_value}
                else:
                    user[member] = member_value
            merged["User"] = user
        elif isinstance(value, dict):
            merged[name] = {**(merged.get(name) or {}), **value}
        else:
            merged[name] = value
    return merged

"""An app's default settings (ApplicationSettings) and its event stream: their rules.

The model leaves every number and string free; the bounds checked here are the ones the
model's own documentation states (Limits, JourneyLimits, QuietTime's HH:MM, the two ARN forms
an event stream may name). Each function returns the first problem as a sentence, or None.
"""

from __future__ import annotations

import re
from typing import Any

#: The structures of WriteApplicationSettingsRequest the resource answers; an update that
#: gives one replaces the stored one whole.
STRUCTURES = ("CampaignHook", "Limits", "QuietTime", "JourneyLimits")
#: Answered as empty objects while never set (JourneyLimits, added to the API later, only
#: once set).
ALWAYS_ANSWERED = ("CampaignHook", "Limits", "QuietTime")
#: Flags the request takes but ApplicationSettingsResource does not answer.
FLAGS = ("CloudWatchMetricsEnabled", "EventTaggingEnabled")

# name -> (smallest, largest or None), as the model's documentation states them
_LIMITS: dict[str, tuple[int, int | None]] = {
    "Daily": (0, 100),
    "Total": (0, 100),
    "MessagesPerSecond": (1, 20000),
    "MaximumDuration": (60, None),
    "Session": (0, None),
}
_JOURNEY_LIMITS: dict[str, tuple[int, int | None]] = {"DailyCap": (0, 100), "TotalCap": (0, 100)}
_TIMEFRAME_CAP: dict[str, tuple[int, int | None]] = {"Cap": (0, 100), "Days": (0, 30)}
_CLOCK_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")

STREAM_ARN = re.compile(
    r"arn:aws[a-z-]*:(?:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[A-Za-z0-9_.-]{1,128}"
    r"|firehose:[a-z0-9-]+:[0-9]{12}:deliverystream/[A-Za-z0-9_.-]{1,64})"
)


def _bounded(
    group: str, values: dict[str, Any], bounds: dict[str, tuple[int, int | None]]
) -> str | None:
    for name, (low, high) in bounds.items():
        value = values.get(name)
        if value is None:
            continue
        if value < low or (high is not None and value > high):
            allowed = f"from {low} to {high}" if high is not None else f"at least {low}"
            return f"{group}.{name} must be {allowed}; got {value}."
    return None


def settings_problem(request: dict[str, Any]) -> str | None:
    """The first documented rule a WriteApplicationSettingsRequest breaks, or None."""
    found = _bounded("Limits", request.get("Limits") or {}, _LIMITS)
    if found:
        return found
    quiet = request.get("QuietTime") or {}
    for name in ("Start", "End"):
        value = quiet.get(name)
        if value is not None and not _CLOCK_TIME.fullmatch(value):
            return f"QuietTime.{name} '{value}' is not a time in HH:MM form (00:00 to 23:59)."
    journey = request.get("JourneyLimits") or {}
    return _bounded("JourneyLimits", journey, _JOURNEY_LIMITS) or _bounded(
        "JourneyLimits.TimeframeCap", journey.get("TimeframeCap") or {}, _TIMEFRAME_CAP
    )


def apply(stored: dict[str, Any], request: dict[str, Any]) -> None:
    """An update: each member given replaces the stored one; members not given stay."""
    for name in (*STRUCTURES, *FLAGS):
        if request.get(name) is not None:
            stored[name] = request[name]


def resource(application_id: str, stored: dict[str, Any], modified: str) -> dict[str, Any]:
    """The ApplicationSettingsResource of an app's stored settings."""
    data: dict[str, Any] = {"ApplicationId": application_id, "LastModifiedDate": modified}
    for name in STRUCTURES:
        if name in stored:
            data[name] = stored[name]
        elif name in ALWAYS_ANSWERED:
            data[name] = {}
    return data

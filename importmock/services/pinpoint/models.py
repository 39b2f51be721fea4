"""The resources of the Pinpoint backend: apps, endpoints, segments and import jobs."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from importmock.engine.lifecycle import Job, Lifecycle
from importmock.engine.records import next_sequence
from importmock.services.pinpoint.endpoints import custom_names, user_id

if TYPE_CHECKING:
    from importmock.services.pinpoint.imports import ImportPlan

IMPORT_JOB = Lifecycle(
    kind="endpoint import",
    stages=(
        "CREATED",
        "PREPARING_FOR_INITIALIZATION",
        "INITIALIZING",
        "PROCESSING",
        "COMPLETING",
        "COMPLETED",
    ),
    failing=("FAILING",),
    failure="FAILED",
    fails_after="PROCESSING",
    waiting="PENDING_JOB",
    # A job that waited for a slot leaves PENDING_JOB as soon as it gets one.
    durations={"PENDING_JOB": 0.0},
)


def new_id() -> str:
    """Pinpoint's ids: 32 lowercase hex characters."""
    return os.urandom(16).hex()


def iso(moment: float) -> str:
    """Pinpoint's date strings: ISO 8601 UTC with milliseconds, e.g. 2018-05-24T21:26:33.995Z."""
    whole = int(moment)
    millis = int(round((moment - whole) * 1000))
    if millis == 1000:
        whole, millis = whole + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"


def default_segment_name(s3_url: str) -> str:
    """The name of a segment an import job defines without a SegmentName.

    The console's default: the imported file's name without its extension (for a folder,
    the folder's name; for a whole bucket, the bucket's name).
    """
    path = s3_url[len("s3://") :] if s3_url.startswith("s3://") else s3_url
    parts = [part for part in path.split("/") if part]
    name = parts[-1] if parts else s3_url
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name


@dataclass
class Segment:
    segment_id: str
    arn: str
    application_id: str
    name: str | None
    segment_type: str  # IMPORT or DIMENSIONAL
    created: float
    sequence: int = field(default_factory=next_sequence)
    modified: float | None = None
    version: int = 1
    dimensions: dict[str, Any] | None = None
    segment_groups: dict[str, Any] | None = None
    import_definition: dict[str, Any] | None = None
    #: For IMPORT segments: endpoint id (lower case) -> its channel type.
    members: dict[str, str | None] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ApplicationId": self.application_id,
            "Arn": self.arn,
            "CreationDate": iso(self.created),
            "Id": self.segment_id,
            "Name": self.name,
            "SegmentType": self.segment_type,
            "Version": self.version,
            "tags": dict(self.tags),
        }
        if self.modified is not None:
            data["LastModifiedDate"] = iso(self.modified)
        if self.dimensions is not None:
            data["Dimensions"] = self.dimensions
        if self.segment_groups is not None:
            data["SegmentGroups"] = self.segment_groups
        if self.import_definition is not None:
            data["ImportDefinition"] = self.import_definition
        return {name: value for name, value in data.items() if value is not None}


@dataclass
class ImportJob:
    job_id: str
    application_id: str
    definition: dict[str, Any]
    created: float
    job: Job
    plan: ImportPlan  # decided when the job started
    #: The segment the job defines or updates (for GetSegmentImportJobs): named when the
    #: job is created, even when the job is to create it.
    segment_id: str | None = None
    #: The job creates the segment ``segment_id`` names (DefineSegment without SegmentId).
    creates_segment: bool = False
    sequence: int = field(default_factory=next_sequence)


@dataclass
class App:
    application_id: str
    arn: str
    name: str
    created: float
    sequence: int = field(default_factory=next_sequence)
    tags: dict[str, str] = field(default_factory=dict)
    #: Endpoint id in lower case (ids are case-insensitive) -> the stored endpoint.
    endpoints: dict[str, dict[str, Any]] = field(default_factory=dict)
    segments: dict[str, Segment] = field(default_factory=dict)
    import_jobs: dict[str, ImportJob] = field(default_factory=dict)
    #: User id -> keys of its endpoints (for GetUserEndpoints and the per-user limit).
    users: dict[str, set[str]] = field(default_factory=dict)
    #: Custom attribute names ever used, as (group, name), for the per-app limit.
    custom_names: set[tuple[str, str]] = field(default_factory=set)
    #: The members UpdateApplicationSettings has set (see ``settings.py``).
    settings: dict[str, Any] = field(default_factory=dict)
    #: When the settings last changed; None while they are the defaults of a new app.
    settings_modified: float | None = None
    #: The app's event stream (EventStream without ApplicationId), if one is set.
    event_stream: dict[str, Any] | None = None

    def put_endpoint(self, key: str, endpoint: dict[str, Any], index_names: bool = True) -> None:
        """Store an endpoint (replacing the one with that key), keeping the indexes true.

        ``index_names=False``: the caller has already recorded its custom attribute names.
        """
        previous = self.endpoints.get(key)
        self.endpoints[key] = endpoint
        old_user = user_id(previous) if previous else None
        new_user = user_id(endpoint)
        if old_user != new_user:
            self._forget_user(old_user, key)
        if new_user:
            self.users.setdefault(new_user, set()).add(key)
        if index_names:
            self.custom_names.update(custom_names(endpoint))

    def remove_endpoint(self, key: str) -> dict[str, Any]:
        endpoint = self.endpoints.pop(key)
        self._forget_user(user_id(endpoint), key)
        return endpoint

    def _forget_user(self, user: str | None, key: str) -> None:
        if user and user in self.users:
            self.users[user].discard(key)
            if not self.users[user]:
                del self.users[user]

    def data(self) -> dict[str, Any]:
        return {
            "Arn": self.arn,
            "Id": self.application_id,
            "Name": self.name,
            "tags": dict(self.tags),
            "CreationDate": iso(self.created),
        }

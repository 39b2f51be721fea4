"""What an import job does, decided from its files when it starts.

Every file is read and every record judged at CreateImportJob (the engine's rule: a job's
outcome is known when it starts); the job's stages then only reveal the counters, and the
endpoints and segment appear when it completes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from importmock.engine.s3_objects import S3Object, S3ReadError
from importmock.services.pinpoint import endpoint_files, endpoints
from importmock.services.pinpoint.models import App, new_id

MAX_LISTED_FAILURES = 100  # ImportJobResponse.Failures lists the first 100 only

# Stages before the files are counted: the job shows no counters yet.
_NOT_STARTED = frozenset({"CREATED", "PENDING_JOB", "PREPARING_FOR_INITIALIZATION"})


@dataclass
class Piece:
    """One file of the job and what became of it."""

    url: str
    failure: str | None = None
    processed: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)  # at most MAX_LISTED_FAILURES


@dataclass
class ImportPlan:
    """The job's fate: its pieces, and the definitions it will apply on completion."""

    failure: str | None = None  # a job-level reason (no files, unknown bucket, ...)
    pieces: list[Piece] = field(default_factory=list)
    #: Endpoint key (lower-case id) -> the definition the job applies (merged in file
    #: order when an id repeats).
    definitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Keys of existing endpoints a user-id-only record brings into the segment.
    user_members: set[str] = field(default_factory=set)
    #: The custom attribute names the app will know once the definitions are registered.
    custom_names: set[tuple[str, str]] = field(default_factory=set)

    def release(self) -> None:
        """Drop what only completion needed (the counters stay)."""
        self.definitions = {}
        self.user_members = set()
        self.custom_names = set()

    @property
    def failure_reason(self) -> str | None:
        """Why the job ends FAILED, or None if it completes."""
        if self.failure is not None:
            return self.failure
        for piece in self.pieces:
            if piece.failure is not None:
                return piece.failure
        return None

    def counters(self, status: str, imposed_failure: str | None = None) -> dict[str, Any]:
        """The counters a job in ``status`` shows: none at first, half while processing.

        ``imposed_failure``: a reason the job fails for that its files do not explain
        (``fail_next``); once failing, every piece counts as failed and that is the reason
        listed.
        """
        if status in _NOT_STARTED:
            return {}
        total = len(self.pieces)
        if status == "INITIALIZING":
            done = []
        elif status == "PROCESSING":
            done = self.pieces[: total // 2]
        else:
            done = self.pieces
        failures: list[str] = [] if self.failure is None else [self.failure]
        for piece in done:
            failures.extend(piece.failures)
        data: dict[str, Any] = {
            "TotalPieces": total,
            "CompletedPieces": sum(1 for p in done if p.failure is None),
            "FailedPieces": sum(1 for p in done if p.failure is not None),
            "TotalProcessed": sum(p.processed for p in done),
            "TotalFailures": sum(p.failed for p in done),
        }
        if imposed_failure is not None and status in ("FAILING", "FAILED"):
            data["CompletedPieces"], data["FailedPieces"] = 0, total
            failures = [imposed_failure]
        if failures:
            data["Failures"] = failures[:MAX_LISTED_FAILURES]
        return data


def plan_import(
    app: App,
    read_objects: Any,
    s3_url: str,
    file_format: str,
    register: bool,
) -> ImportPlan:
    """Read the files at ``s3_url`` and judge every record against ``app`` as it is now.

    ``read_objects(url, suffixes)`` lists the objects (the engine's S3 reader). The app's
    own limits (custom attributes, endpoints per user) apply only when registering.
    """
    plan = ImportPlan()
    try:
        objects: list[S3Object] = read_objects(s3_url, endpoint_files.SUFFIXES[file_format])
    except S3ReadError as error:
        plan.failure = str(error)
        return plan
    if not objects:
        plan.failure = f"No {file_format} files were found at {s3_url}."
        return plan
    judge = _Judge(app, plan, register)
    for number, found in enumerate(objects, start=1):
        piece = Piece(found.url)
        plan.pieces.append(piece)
        try:
            if number < len(objects):
                # A file that turns out unreadable must teach the judge nothing the files
                # after it are judged by; records are judged as they are read, so a
                # problem that can come late is looked for first.
                endpoint_files.check_late_problems(found.body, file_format)
            for line, record, problem, size in endpoint_files.read(found.body, file_format):
                piece.processed += 1
                if problem is None:
                    problem = judge.take(record, size)
                if problem is not None:
                    piece.failed += 1
                    if len(piece.failures) < MAX_LISTED_FAILURES:
                        piece.failures.append(f"{found.url} line {line}: {problem}")
        except endpoint_files.FileProblem as unreadable:
            # An unreadable file counts no record, whatever was read before the problem.
            piece.failure = f"{found.url}: {unreadable}"
            piece.processed = piece.failed = 0
            piece.failures = [piece.failure]
    if plan.failure_reason is not None:
        plan.release()  # a failing job applies nothing: what it would apply can go now
    elif register:
        plan.custom_names = judge.names
    return plan


class _Judge:
    """Applies the record rules, remembering what earlier records of the job did."""

    def __init__(self, app: App, plan: ImportPlan, register: bool) -> None:
        self.app = app
        self.plan = plan
        self.register = register
        self.names = set(app.custom_names)
        self.users: dict[str, set[str]] = {}  # users this job touched: their endpoint keys

    def _user_keys(self, user: str) -> set[str]:
        if user not in self.users:
            self.users[user] = set(self.app.users.get(user, ()))
        return self.users[user]

    def take(self, record: dict[str, Any], size: int) -> str | None:
        """Judge one record; a valid one joins the plan. Returns the problem, if any."""
        if set(record) == {"User"} and set(record["User"]) == {"UserId"}:
            return self._user_reference(record["User"]["UserId"])
        given_id = record.get("Id")
        key = given_id.lower() if isinstance(given_id, str) else None
        known = key is not None and (key in self.app.endpoints or key in self.plan.definitions)
        problem = endpoints.problem(record, known, size)
        if problem is not None:
            return problem
        if self.register:
            names = self.names
            new_names = {name for name in endpoints.custom_names(record) if name not in names}
            if len(names) + len(new_names) > endpoints.MAX_CUSTOM_ATTRIBUTES:
                return (
                    f"The endpoint would bring the app to {len(self.names) + len(new_names)} "
                    f"custom attributes; at most {endpoints.MAX_CUSTOM_ATTRIBUTES} are allowed."
                )
            user = endpoints.user_id(record)
            if user:
                members = self._user_keys(user)
                is_new = key is None or key not in members
                if is_new and len(members) >= endpoints.MAX_ENDPOINTS_PER_USER:
                    return (
                        f"User '{user}' already has {endpoints.MAX_ENDPOINTS_PER_USER} "
                        "endpoints, the most one user can have."
                    )
            self.names.update(new_names)
        if key is None:
            record["Id"] = key = new_id()
        self._move_user(key, record)
        earlier = self.plan.definitions.get(key)
        self.plan.definitions[key] = record if earlier is None else endpoints.merge(earlier, record)
        return None

    def _move_user(self, key: str, record: dict[str, Any]) -> None:
        user = endpoints.user_id(record)
        if not user:
            return
        current = self.plan.definitions.get(key) or self.app.endpoints.get(key)
        before = endpoints.user_id(current) if current else None
        if before and before != user:
            self._user_keys(before).discard(key)
        self._user_keys(user).add(key)

    def _user_reference(self, user: str) -> str | None:
        """A record that is only ``User.UserId``: the segment gets that user's endpoints."""
        members = self.app.users.get(user)
        if not members:
            return f"User '{user}' has no endpoints in this project."
        self.plan.user_members.update(members)
        return None

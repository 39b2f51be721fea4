"""Job lifecycles, shared by every service: declared as data, moved by one engine.

A service declares each job type as a :class:`Lifecycle` (its stages, its failed state and
how long each stage lasts). :class:`JobBook` starts jobs and moves them according to the
progression mode chosen for that service. Status is computed lazily from the clock or from
reads, never by a background thread, so frozen or shifted time applies as is.

The outcome of a job (success, or failure with a reason) is decided by the backend when the
job starts, from its input, or, for outcomes that depend on the state at the end (a name
clash, say), just before its last step; the backend's effects run only when the job reaches
a terminal state.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Union

from importmock.engine import clock
from importmock.engine.errors import UnknownJobError

MODES = ("immediate", "reads", "time", "manual")
DEFAULT_STAGE_SECONDS = 3.0

Durations = Union[float, Mapping[str, float], None]


@dataclass(frozen=True)
class Lifecycle:
    """One job type: the success path, the failure path and stage durations.

    A failed job follows ``stages`` up to ``fails_after`` (by default, all but the last),
    then ``failing`` (stages on the way down, if the service shows any), then ``failure``.
    ``waiting`` names the stage where a job queued by a :class:`JobQueue` waits for a
    slot, entered after the first stage. ``fail_next_target`` says whether
    ``fail_next(service, reason)`` without a kind applies to these jobs: import and export
    jobs do; a resource's own status changes (a bot being created, a locale being built) are
    only failed when ``fail_next`` names their kind.
    """

    kind: str
    stages: tuple[str, ...]
    failure: str
    durations: Mapping[str, float] = field(default_factory=dict)
    failing: tuple[str, ...] = ()
    fails_after: str | None = None
    waiting: str | None = None
    fail_next_target: bool = True

    def __post_init__(self) -> None:
        if self.fails_after is not None and self.fails_after not in self.stages[:-1]:
            raise ValueError(f"fails_after {self.fails_after!r} is not a stage of {self.kind}")

    def states(self) -> tuple[str, ...]:
        """Every status a job of this kind can take, in the order it can take them."""
        ordered = (
            self.stages[:1],
            (self.waiting,) if self.waiting else (),
            self.stages[1:],
            self.failing,
            (self.failure,),
        )
        return tuple(dict.fromkeys(state for part in ordered for state in part))

    def path(self, failed: bool) -> tuple[str, ...]:
        """The states a job passes through, first to last."""
        if not failed:
            return self.stages
        if self.fails_after is None:
            before = self.stages[:-1]
        else:
            before = self.stages[: self.stages.index(self.fails_after) + 1]
        return (*before, *self.failing, self.failure)


def mermaid(lifecycle: Lifecycle) -> str:
    """The lifecycle as a Mermaid ``stateDiagram-v2`` (no fence): the success path, the
    failure path with its label, the waiting stage of a queued job, and the ends.

    The docs' diagrams are generated with it (``python -m importmock lifecycles``).
    """
    success = lifecycle.path(failed=False)
    failure = lifecycle.path(failed=True)
    edges: dict[tuple[str, str], str] = {}

    def walk(path: tuple[str, ...], label: str) -> None:
        steps = ("[*]", *path, "[*]")
        diverged = False
        for source, target in zip(steps, steps[1:]):
            if (source, target) in edges:
                continue
            # only the step where the path leaves the success path is labelled
            edges[(source, target)] = "" if diverged else label
            diverged = diverged or bool(label)

    walk(success, "")
    walk(failure, "fails")
    if lifecycle.waiting is not None:
        # A queued job passes its first stage, then waits there for a slot.
        waiting = lifecycle.waiting
        edges[(success[0], waiting)] = "no free slot"
        for path in (success, failure):
            if len(path) > 1:
                edges.setdefault((waiting, path[1]), "a slot frees")
    lines = ["stateDiagram-v2"]
    for (source, target), label in edges.items():
        lines.append(f"    {source} --> {target}" + (f": {label}" if label else ""))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Progression:
    """How jobs of one service move: a mode and, for ``time``, stage durations."""

    mode: str = "immediate"
    durations: Durations = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"progression must be one of {', '.join(MODES)}; got {self.mode!r}")
        given = self.durations
        if given is None:
            return
        values = list(given.values()) if isinstance(given, Mapping) else [given]
        if isinstance(given, Mapping) and not all(isinstance(k, str) for k in given):
            raise ValueError(f"durations keys must be stage names; got {given!r}")
        for value in values:
            if not _is_seconds(value):
                raise ValueError(
                    "durations must be a number of seconds >= 0, or a dict of stage name to "
                    f"such a number; got {given!r}"
                )

    def seconds(self, lifecycle: Lifecycle, stage: str) -> float:
        if isinstance(self.durations, (int, float)):
            return float(self.durations)
        if self.durations is not None and stage in self.durations:
            return float(self.durations[stage])
        return float(lifecycle.durations.get(stage, DEFAULT_STAGE_SECONDS))


def _is_seconds(value: object) -> bool:
    """A finite number >= 0: NaN is never < 0, and NaN, infinity or an int too big for a
    float would stall a job or fail the call that computes its next stage."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        seconds = float(value)
    except OverflowError:
        return False
    return math.isfinite(seconds) and seconds >= 0


@dataclass(frozen=True)
class JobInfo:
    """A snapshot of a job, as the controller's ``jobs()`` reports it."""

    job_id: str
    service: str
    kind: str
    status: str
    history: tuple[tuple[str, float], ...]
    failure_reason: str | None
    finished: bool


Effect = Callable[["Job"], object]  # a return value, if any, is ignored
#: Called as a job that was going to succeed takes its last step; a reason fails it instead.
Decision = Callable[["Job"], Union[str, None]]


class Job:
    """One running job. Backends read ``status`` and ``history``; the engine moves it."""

    def __init__(
        self,
        job_id: str,
        service: str,
        progression: Progression,
        lifecycle: Lifecycle,
        failure_reason: str | None,
        on_success: Effect | None,
        on_failure: Effect | None,
        decide: Decision | None = None,
    ) -> None:
        self.job_id = job_id
        self.service = service
        self.progression = progression
        self.history: list[tuple[str, float]] = []
        self.failure_reason: str | None = None
        self._path: list[str] = []
        # While queued: the index in _path of the waiting stage, which it cannot leave.
        self._gate: int | None = None
        self._queue: JobQueue | None = None
        self._decide = decide
        self._begin(lifecycle, failure_reason, on_success, on_failure)

    def _begin(
        self,
        lifecycle: Lifecycle,
        failure_reason: str | None,
        on_success: Effect | None,
        on_failure: Effect | None,
    ) -> None:
        self.lifecycle = lifecycle
        self.failure_reason = failure_reason
        self._on_success = on_success
        self._on_failure = on_failure
        phase = lifecycle.path(failed=failure_reason is not None)
        self._phase_offset = len(self._path)
        self._path.extend(phase)
        started = clock.now()
        self._phase_started = started
        self.history.append((phase[0], started))

    # -- reading -------------------------------------------------------------------
    @property
    def status(self) -> str:
        return self.history[-1][0]

    @property
    def finished(self) -> bool:
        return len(self.history) == len(self._path)

    @property
    def failed(self) -> bool:
        return self.finished and self.status == self.lifecycle.failure

    @property
    def started_at(self) -> float:
        return self.history[0][1]

    @property
    def updated_at(self) -> float:
        return self.history[-1][1]

    def info(self) -> JobInfo:
        return JobInfo(
            job_id=self.job_id,
            service=self.service,
            kind=self.lifecycle.kind,
            status=self.status,
            history=tuple(self.history),
            failure_reason=self.failure_reason,
            finished=self.finished,
        )

    @property
    def waiting(self) -> bool:
        """Queued for a slot and already in the waiting stage, so it cannot move."""
        return self._gate is not None and len(self.history) > self._gate

    # -- moving --------------------------------------------------------------------
    def _step(self, at: float) -> None:
        if self._decide is not None and len(self.history) == len(self._path) - 1:
            decide, self._decide = self._decide, None
            if self.failure_reason is None:
                reason = decide(self)
                if reason is not None:
                    self._fail_from_here(reason)
        self.history.append((self._path[len(self.history)], at))
        if self.finished:
            effect = self._on_failure if self.failed else self._on_success
            if effect is not None:
                effect(self)
            if self._queue is not None:
                queue, self._queue = self._queue, None
                queue.release(self, at)

    def _fail_from_here(self, reason: str) -> None:
        """Switch the rest of the current phase to the lifecycle's failure path."""
        done = [status for status, _ in self.history[self._phase_offset :]]
        failure_path = list(self.lifecycle.path(failed=True))
        if failure_path[: len(done)] == done:
            rest = failure_path[len(done) :]
        else:  # the failure path leaves the success path earlier: fail straight away
            rest = [self.lifecycle.failure]
        self._path[len(self.history) :] = rest
        self.failure_reason = reason

    def advance(self) -> None:
        """One stage forward (no-op once finished, or while waiting for a slot)."""
        if not self.finished and not self.waiting:
            self._step(clock.now())

    def settle(self) -> None:
        """Straight to the terminal state, every remaining transition stamped now.

        A job waiting for a slot stops at its waiting stage.
        """
        while not self.finished and not self.waiting:
            self.advance()

    def _hold(self, queue: JobQueue) -> None:
        """No slot is free: after its first stage the job waits in the waiting stage."""
        waiting = self.lifecycle.waiting
        if waiting is None:
            raise ValueError(f"{self.lifecycle.kind} jobs declare no waiting stage")
        self._gate = self._phase_offset + 1
        self._path.insert(self._gate, waiting)
        self._queue = queue

    def _admit(self, queue: JobQueue, at: float) -> None:
        """A slot freed up at ``at``: the job may move on."""
        gate, self._gate = self._gate, None
        self._queue = queue
        assert gate is not None
        if len(self.history) <= gate:
            del self._path[gate]  # admitted before it reached the waiting stage
        else:
            # Its next stages are timed from the moment it got the slot.
            self._phase_offset = gate
            self._phase_started = at

    def catch_up(self) -> None:
        """In ``time`` mode, take every transition whose moment has come, stamped then."""
        if self.progression.mode != "time" or self.finished:
            return
        now = clock.now()
        due = self._phase_started
        index = self._phase_offset
        # A while loop: a decision at the last step may change the path's length.
        while index < len(self._path) - 1:
            due += self.progression.seconds(self.lifecycle, self._path[index])
            index += 1
            if index < len(self.history):
                continue
            if due > now or self.waiting:
                break
            self._step(due)
            if self.finished:
                break

    def read(self) -> None:
        """A read of the job by the API: moves it in ``reads`` mode, catches up in ``time``."""
        if self.progression.mode == "reads":
            self.advance()
        else:
            self.catch_up()

    def continue_with(
        self,
        lifecycle: Lifecycle,
        *,
        failure_reason: str | None = None,
        on_success: Effect | None = None,
        on_failure: Effect | None = None,
    ) -> None:
        """Start a further phase (deletion, say) on a finished job."""
        if not self.finished:
            raise RuntimeError(f"job {self.job_id} is still {self.status}")
        self._begin(lifecycle, failure_reason, on_success, on_failure)


class JobQueue:
    """A limit on how many jobs run at once; the others wait, first come, first served.

    A job holds a slot from its start until it finishes. A job started while every slot is
    taken passes its first stage, then waits in its lifecycle's ``waiting`` stage until a
    running job finishes and hands it the slot.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"a job queue needs at least one slot; got {capacity}")
        self.capacity = capacity
        self._running: set[str] = set()
        self._waiting: deque[Job] = deque()

    def enter(self, job: Job) -> None:
        if len(self._running) < self.capacity:
            self._running.add(job.job_id)
            job._queue = self
        else:
            job._hold(self)
            self._waiting.append(job)

    def release(self, job: Job, at: float) -> None:
        self._running.discard(job.job_id)
        while self._waiting and len(self._running) < self.capacity:
            admitted = self._waiting.popleft()
            self._running.add(admitted.job_id)
            admitted._admit(self, at)


class JobBook:
    """Every job of a mock session: starting, moving and the ``fail_next`` queue."""

    def __init__(self, progression_for: Callable[[str], Progression]) -> None:
        self._progression_for = progression_for
        self._jobs: dict[str, Job] = {}
        self._moving: dict[str, Job] = {}
        self._settle_after_call: list[Job] = []
        # Keyed by (service, job kind); kind None is "the next import or export job".
        self._fail_next: dict[tuple[str, str | None], deque[str]] = {}

    def fail_next(self, service: str, reason: str, kind: str | None = None) -> None:
        self._fail_next.setdefault((service, kind), deque()).append(reason)

    def _queued_failure(self, service: str, lifecycle: Lifecycle) -> str | None:
        for kind in (lifecycle.kind, None):
            if kind is None and not lifecycle.fail_next_target:
                break
            queued = self._fail_next.get((service, kind))
            if queued:
                return queued.popleft()
        return None

    def start(
        self,
        job_id: str,
        service: str,
        lifecycle: Lifecycle,
        *,
        failure_reason: str | None = None,
        on_success: Effect | None = None,
        on_failure: Effect | None = None,
        queue: JobQueue | None = None,
        decide: Decision | None = None,
    ) -> Job:
        """Start a job; a ``fail_next`` queued for the service overrides its outcome.

        With a ``queue``, the job runs only when the queue has a slot for it. ``decide``
        lets the backend fail a job at its last step, for outcomes that depend on the state
        when the job finishes rather than when it starts.
        """
        queued = self._queued_failure(service, lifecycle)
        if queued is not None:
            failure_reason = queued
        job = Job(
            job_id,
            service,
            self._progression_for(service),
            lifecycle,
            failure_reason,
            on_success,
            on_failure,
            decide,
        )
        if queue is not None:
            queue.enter(job)
        self._jobs[job_id] = job
        self._track(job)
        return job

    def continue_with(
        self,
        job: Job,
        lifecycle: Lifecycle,
        *,
        failure_reason: str | None = None,
        on_success: Effect | None = None,
        on_failure: Effect | None = None,
    ) -> None:
        """Start a further phase of a finished job (see :meth:`Job.continue_with`).

        A ``fail_next`` naming the phase's kind fails it.
        """
        queued = self._queued_failure(job.service, lifecycle)
        if queued is not None:
            failure_reason = queued
        job.continue_with(
            lifecycle, failure_reason=failure_reason, on_success=on_success, on_failure=on_failure
        )
        self._track(job)

    def _track(self, job: Job) -> None:
        self._moving[job.job_id] = job
        if job.progression.mode == "immediate":
            self._settle_after_call.append(job)

    def get(self, job_id: str) -> Job:
        try:
            return self._jobs[job_id]
        except KeyError:
            # The id alone: a list of every job would grow with the session, over HTTP too.
            raise UnknownJobError(f"no job {job_id!r}") from None

    def all(self) -> list[Job]:
        return list(self._jobs.values())

    def __len__(self) -> int:
        return len(self._jobs)

    def _prune(self) -> None:
        for job_id in [i for i, j in self._moving.items() if j.finished]:
            del self._moving[job_id]

    def before_call(self) -> None:
        """Time-mode jobs take the transitions that became due since the last call."""
        if self._moving:
            for job in list(self._moving.values()):
                job.catch_up()
            self._prune()

    def after_call(self) -> None:
        """Immediate-mode jobs started by this call finish once its response is built."""
        while self._settle_after_call:
            self._settle_after_call.pop(0).settle()
        self._prune()

    def advance(self, job_id: str | None = None) -> None:
        jobs = [self.get(job_id)] if job_id is not None else list(self._moving.values())
        for job in jobs:
            job.catch_up()
            job.advance()
        self._prune()

    def settle(self) -> None:
        # Finishing a job may hand its slot to a waiting one, so repeat until nothing moves.
        while self._moving:
            before = sum(len(job.history) for job in self._moving.values())
            for job in list(self._moving.values()):
                job.settle()
            after = sum(len(job.history) for job in self._moving.values())
            self._prune()
            if after == before:
                break  # what is left waits for a slot nothing will free

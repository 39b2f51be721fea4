"""Eight threads, each with its own boto3 session and clients, drive one shared
``reads``-mode session at once: Wisdom / Amazon Q in Connect quick-response imports, Pinpoint
endpoint imports and Lex V2 bot imports, read, listed, paged and partly deleted.

Every thread follows a plan drawn from ``random.Random(thread_index)`` before the threads
start, so the calls each thread makes (and the errors it must get) and the final state
(jobs, quick responses, endpoints, segments, bots) are known exactly in advance. The test
checks that nothing raised, that no job was lost or duplicated, that paging is consistent,
and that every call was recorded once in ``m.calls``.
"""

from __future__ import annotations

import random
import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

import boto3
import requests
from botocore.exceptions import ClientError

from importmock import mock_imports
from tests.helpers import csv_text, error_of
from tests.services.lexv2.archives import manifest, to_zip

THREADS = 8
CALLS_PER_THREAD = 500
SWITCH_INTERVAL = 0.0001  # seconds; CPython's default is 0.005
REGION = "us-east-1"
ACCOUNT = "123456789012"
KNOWLEDGE_BASES = 8  # Wisdom allows 10 per region
APPS = 4
BUCKET = "robustness-endpoints"
PINPOINT_ROLE = f"arn:aws:iam::{ACCOUNT}:role/pinpoint-import"
LEX_ROLE = f"arn:aws:iam::{ACCOUNT}:role/lex-import"
# No Pinpoint job waits in PENDING_JOB (so five reads of a job always reach COMPLETED), and
# the threads may import about 200 bots together, over Lex's default quota of 100.
QUOTAS = {"pinpoint": {"active_import_jobs": 10_000}, "lexv2-models": {"bots": 1_000}}
PINPOINT_SUCCESS_PATH = (
    "CREATED",
    "PREPARING_FOR_INITIALIZATION",
    "INITIALIZING",
    "PROCESSING",
    "COMPLETING",
    "COMPLETED",
)

# -- the plan -------------------------------------------------------------------------------

#: action -> (weight, calls); None calls: a listing walk of ``Step.pages`` calls.
ACTIONS: dict[str, tuple[int, int | None]] = {
    "w_start": (10, 2),  # StartContentUpload, (PUT), StartImportJob
    "w_get": (8, 1),  # GetImportJob (404 once deleted)
    "w_delete": (3, 3),  # GetImportJob, DeleteImportJob, GetImportJob -> 404
    "w_walk": (3, None),  # ListImportJobs pages
    "w_qr_walk": (2, None),  # ListQuickResponses pages
    "p_start": (10, 1),  # CreateImportJob
    "p_get": (8, 1),  # GetImportJob
    "p_delete_endpoint": (3, 7),  # 5 x GetImportJob, DeleteEndpoint, GetEndpoint -> 404
    "p_gone_endpoint": (1, 1),  # GetEndpoint of a deleted endpoint -> 404
    "p_walk": (3, None),  # GetImportJobs pages
    "l_start": (8, 2),  # CreateUploadUrl, (PUT), StartImport
    "l_describe": (7, 1),  # DescribeImport (404 once deleted)
    "l_delete": (3, 3),  # DescribeImport, DeleteImport, DescribeImport -> 404
    "l_walk": (3, None),  # ListImports pages
    "l_bots_walk": (2, None),  # ListBots pages
}
PAGE_SIZES = {
    "w_walk": (2, 5, 10, 50),
    "w_qr_walk": (5, 20, 50),
    "p_walk": (3, 20, 100),
    "l_walk": (3, 25, 100, 500),
    "l_bots_walk": (5, 50, 500),
}


@dataclass(frozen=True)
class Step:
    action: str
    job: int = -1  # the thread's n-th job of the step's service
    target: int = -1  # knowledge base or app index
    rows: int = 0  # rows of the imported file
    pages: int = 0  # calls of a listing walk
    size: int = 0  # page size of a listing walk
    gone: bool = False  # the job (or endpoint) was deleted earlier: a 404 is expected
    endpoint: int = -1  # the endpoint row of a Pinpoint job


@dataclass
class Plan:
    """One thread's steps, and the calls they make (service, operation, error code)."""

    index: int
    wisdom_client: str
    steps: list[Step] = field(default_factory=list)
    calls: Counter[tuple[str, str, str | None]] = field(default_factory=Counter)
    wisdom_jobs: list[tuple[int, int]] = field(default_factory=list)  # (kb, rows)
    wisdom_deleted: set[int] = field(default_factory=set)
    pinpoint_jobs: list[tuple[int, int]] = field(default_factory=list)  # (app, rows)
    endpoints_deleted: set[tuple[int, int]] = field(default_factory=set)  # (job, row)
    lex_imports: int = 0
    lex_deleted: set[int] = field(default_factory=set)


def make_plan(index: int) -> Plan:
    """The deterministic plan of thread ``index``: exactly CALLS_PER_THREAD calls."""
    rng = random.Random(index)
    plan = Plan(index, "qconnect" if index % 2 == 0 else "wisdom")
    w, pp, lex = plan.wisdom_client, "pinpoint", "lexv2-models"
    remaining = CALLS_PER_THREAD
    while remaining:
        live_wisdom = [n for n in range(len(plan.wisdom_jobs)) if n not in plan.wisdom_deleted]
        live_endpoints = [
            (n, row)
            for n, (_, rows) in enumerate(plan.pinpoint_jobs)
            for row in range(rows)
            if (n, row) not in plan.endpoints_deleted
        ]
        live_lex = [n for n in range(plan.lex_imports) if n not in plan.lex_deleted]
        feasible = {
            "w_get": bool(plan.wisdom_jobs),
            "w_delete": bool(live_wisdom),
            "p_get": bool(plan.pinpoint_jobs),
            "p_delete_endpoint": bool(live_endpoints),
            "p_gone_endpoint": bool(plan.endpoints_deleted),
            "l_describe": plan.lex_imports > 0,
            "l_delete": bool(live_lex),
        }
        choices = [
            name
            for name, (_, calls) in ACTIONS.items()
            if feasible.get(name, True) and (calls is None or calls <= remaining)
        ]
        action = rng.choices(choices, weights=[ACTIONS[name][0] for name in choices])[0]
        calls = ACTIONS[action][1]
        if calls is None:
            step = Step(
                action,
                target=rng.randrange(KNOWLEDGE_BASES if action.startswith("w") else APPS),
                pages=min(rng.randint(1, 4), remaining),
                size=rng.choice(PAGE_SIZES[action]),
            )
            calls = step.pages
            operation = {
                "w_walk": (w, "ListImportJobs"),
                "w_qr_walk": (w, "ListQuickResponses"),
                "p_walk": (pp, "GetImportJobs"),
                "l_walk": (lex, "ListImports"),
                "l_bots_walk": (lex, "ListBots"),
            }[action]
            plan.calls[(*operation, None)] += step.pages
        elif action == "w_start":
            step = Step(
                action,
                job=len(plan.wisdom_jobs),
                target=rng.randrange(KNOWLEDGE_BASES),
                rows=rng.randint(1, 3),
            )
            plan.wisdom_jobs.append((step.target, step.rows))
            plan.calls[(w, "StartContentUpload", None)] += 1
            plan.calls[(w, "StartImportJob", None)] += 1
        elif action == "w_get":
            job = rng.randrange(len(plan.wisdom_jobs))
            step = Step(action, job=job, gone=job in plan.wisdom_deleted)
            plan.calls[(w, "GetImportJob", "ResourceNotFoundException" if step.gone else None)] += 1
        elif action == "w_delete":
            step = Step(action, job=rng.choice(live_wisdom))
            plan.wisdom_deleted.add(step.job)
            plan.calls[(w, "GetImportJob", None)] += 1
            plan.calls[(w, "DeleteImportJob", None)] += 1
            plan.calls[(w, "GetImportJob", "ResourceNotFoundException")] += 1
        elif action == "p_start":
            step = Step(
                action,
                job=len(plan.pinpoint_jobs),
                target=rng.randrange(APPS),
                rows=rng.randint(1, 3),
            )
            plan.pinpoint_jobs.append((step.target, step.rows))
            plan.calls[(pp, "CreateImportJob", None)] += 1
        elif action == "p_get":
            step = Step(action, job=rng.randrange(len(plan.pinpoint_jobs)))
            plan.calls[(pp, "GetImportJob", None)] += 1
        elif action == "p_delete_endpoint":
            job, row = rng.choice(live_endpoints)
            step = Step(action, job=job, endpoint=row)
            plan.endpoints_deleted.add((job, row))
            plan.calls[(pp, "GetImportJob", None)] += 5
            plan.calls[(pp, "DeleteEndpoint", None)] += 1
            plan.calls[(pp, "GetEndpoint", "NotFoundException")] += 1
        elif action == "p_gone_endpoint":
            job, row = rng.choice(sorted(plan.endpoints_deleted))
            step = Step(action, job=job, endpoint=row, gone=True)
            plan.calls[(pp, "GetEndpoint", "NotFoundException")] += 1
        elif action == "l_start":
            step = Step(action, job=plan.lex_imports)
            plan.lex_imports += 1
            plan.calls[(lex, "CreateUploadUrl", None)] += 1
            plan.calls[(lex, "StartImport", None)] += 1
        elif action == "l_describe":
            job = rng.randrange(plan.lex_imports)
            step = Step(action, job=job, gone=job in plan.lex_deleted)
            error = "ResourceNotFoundException" if step.gone else None
            plan.calls[(lex, "DescribeImport", error)] += 1
        else:
            assert action == "l_delete"
            step = Step(action, job=rng.choice(live_lex))
            plan.lex_deleted.add(step.job)
            plan.calls[(lex, "DescribeImport", None)] += 1
            plan.calls[(lex, "DeleteImport", None)] += 1
            plan.calls[(lex, "DescribeImport", "ResourceNotFoundException")] += 1
        plan.steps.append(step)
        remaining -= calls
    assert sum(plan.calls.values()) == CALLS_PER_THREAD
    return plan


# -- what each planned job holds ----------------------------------------------------------


def qr_names(thread: int, job: int, rows: int) -> list[str]:
    return [f"t{thread}-j{job}-r{row}" for row in range(rows)]


def wisdom_csv(thread: int, job: int, rows: int) -> str:
    names = qr_names(thread, job, rows)
    return csv_text(["name", "content"], *[[name, f"Answer {name}"] for name in names])


def endpoint_id(thread: int, job: int, row: int) -> str:
    return f"t{thread}-j{job}-e{row}"


def user_id(thread: int, job: int) -> str:
    return f"t{thread}-j{job}"


def pinpoint_key(thread: int, job: int) -> str:
    return f"t{thread}/j{job}.csv"


def pinpoint_csv(thread: int, job: int, rows: int) -> str:
    return csv_text(
        ["Id", "ChannelType", "Address", "User.UserId"],
        *[
            [endpoint_id(thread, job, row), "EMAIL", f"t{thread}.j{job}.e{row}@example.com"]
            + [user_id(thread, job)]
            for row in range(rows)
        ],
    )


def bot_name(thread: int, job: int) -> str:
    return f"T{thread}-B{job}"


def bot_archive(name: str) -> bytes:
    """The smallest bot archive: a manifest and Bot.json."""
    return to_zip(
        {
            "manifest.json": manifest("Bot"),
            f"{name}/Bot.json": {
                "name": name,
                "dataPrivacy": {"childDirected": False},
                "idleSessionTTLInSeconds": 300,
            },
        }
    )


# -- counting every call --------------------------------------------------------------------


class Counted:
    """A boto3 client whose API calls are counted (so ``m.calls`` can be checked)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.exceptions = client.exceptions
        self.calls = 0
        self._methods = set(client.meta.method_to_api_mapping)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.client, name)
        if name not in self._methods:
            return attribute

        def counted(**kwargs: Any) -> Any:
            self.calls += 1
            return attribute(**kwargs)

        return counted


def expect_error(call: Callable[[], Any], expected: tuple[str, str, int]) -> None:
    """``call()`` must raise a ClientError with exactly this (code, message, status)."""
    try:
        call()
    except ClientError as error:
        assert error_of(error) == expected
    else:
        raise AssertionError(f"expected {expected}, the call succeeded")


def walk(
    call: Callable[..., dict[str, Any]],
    items: Callable[[dict[str, Any]], list[Any]],
    token_of: Callable[[dict[str, Any]], str | None],
    token_param: str,
    pages: int,
) -> tuple[list[Any], bool]:
    """Make exactly ``pages`` calls walking a listing: (items seen, whether it ended).

    Once the listing has ended, the calls left re-read its first page (so the plan's call
    count does not depend on how many pages there were); their items are not collected.
    """
    seen: list[Any] = []
    token: str | None = None
    ended = False
    for _ in range(pages):
        if ended:
            call()
            continue
        response = call(**({token_param: token} if token else {}))
        seen.extend(items(response))
        token = token_of(response)
        ended = not token
    duplicates = [item for item, count in Counter(seen).items() if count > 1]
    assert duplicates == [], f"a walk returned these items twice: {duplicates}"
    return seen, ended


# -- one thread -----------------------------------------------------------------------------


class Worker:
    def __init__(self, plan: Plan, kb_ids: list[str], app_ids: list[str], m: Any) -> None:
        self.plan = plan
        self.t = plan.index
        self.kb_ids = kb_ids
        self.app_ids = app_ids
        self.m = m
        self.errors: list[str] = []
        self.clients: list[Counted] = []
        # what the thread has seen: plan job index -> id, and which jobs it saw complete
        self.wisdom_ids: list[str] = []
        self.pinpoint_ids: list[str] = []
        self.lex_ids: list[str] = []
        self.wisdom_complete: set[int] = set()
        self.wisdom_deleted: set[int] = set()
        self.lex_complete: set[int] = set()
        self.lex_deleted: set[int] = set()

    @property
    def calls(self) -> int:
        return sum(client.calls for client in self.clients)

    def run(self, barrier: threading.Barrier) -> None:
        """Make this thread's clients, wait for the others, then follow the plan.

        The first failure ends the thread; it is kept in ``errors`` for the test to report.
        """
        try:
            session = boto3.session.Session()  # the default session is not thread-safe
            self.wisdom = Counted(session.client(self.plan.wisdom_client, region_name=REGION))
            self.pinpoint = Counted(session.client("pinpoint", region_name=REGION))
            self.lex = Counted(session.client("lexv2-models", region_name=REGION))
            self.clients = [self.wisdom, self.pinpoint, self.lex]
            barrier.wait()
        except BaseException:
            barrier.abort()  # the other threads stop waiting (BrokenBarrierError)
            self.errors.append(f"thread {self.t}, before its plan:\n{traceback.format_exc()}")
            return
        for number, step in enumerate(self.plan.steps):
            try:
                getattr(self, step.action)(step)
            except BaseException:
                self.errors.append(
                    f"thread {self.t}, step {number} {step}:\n{traceback.format_exc()}"
                )
                return

    # -- Wisdom -------------------------------------------------------------------------
    def w_start(self, step: Step) -> None:
        kb_id = self.kb_ids[step.target]
        upload = self.wisdom.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        put = requests.put(
            upload["url"],
            data=wisdom_csv(self.t, step.job, step.rows).encode(),
            headers=upload["headersToInclude"],
        )
        assert (put.status_code, put.content) == (200, b"")
        job = self.wisdom.start_import_job(
            knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
        )["importJob"]
        assert (job["status"], job["knowledgeBaseId"]) == ("START_IN_PROGRESS", kb_id)
        self.wisdom_ids.append(job["importJobId"])

    def _wisdom_get(self, job: int) -> None:
        kb_id = self.kb_ids[self.plan.wisdom_jobs[job][0]]
        job_id = self.wisdom_ids[job]
        found = self.wisdom.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)["importJob"]
        # one read moves a started job to COMPLETE; a complete one stays so
        assert (found["importJobId"], found["status"]) == (job_id, "COMPLETE")
        assert "failedRecordReport" not in found
        self.wisdom_complete.add(job)

    def _wisdom_gone(self, job: int) -> None:
        kb_id = self.kb_ids[self.plan.wisdom_jobs[job][0]]
        job_id = self.wisdom_ids[job]
        expect_error(
            lambda: self.wisdom.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id),
            ("ResourceNotFoundException", f"Import job not found: {job_id}", 404),
        )

    def w_get(self, step: Step) -> None:
        if step.gone:
            self._wisdom_gone(step.job)
        else:
            self._wisdom_get(step.job)

    def w_delete(self, step: Step) -> None:
        self._wisdom_get(step.job)
        kb_id = self.kb_ids[self.plan.wisdom_jobs[step.job][0]]
        deleted = self.wisdom.delete_import_job(
            knowledgeBaseId=kb_id, importJobId=self.wisdom_ids[step.job]
        )
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
        self._wisdom_gone(step.job)  # reads mode: the first read ends the deletion
        self.wisdom_deleted.add(step.job)

    def _mine_in_kb(self, kb: int) -> tuple[set[str], set[str], set[str]]:
        """My live job ids, my deleted job ids and the names of my read jobs, in one kb."""
        live, deleted, names = set(), set(), set()
        for n, job_id in enumerate(self.wisdom_ids):
            job_kb, rows = self.plan.wisdom_jobs[n]
            if job_kb != kb:
                continue
            (deleted if n in self.wisdom_deleted else live).add(job_id)
            if n in self.wisdom_complete:
                names.update(qr_names(self.t, n, rows))
        return live, deleted, names

    def w_walk(self, step: Step) -> None:
        kb_id = self.kb_ids[step.target]
        live, deleted, _ = self._mine_in_kb(step.target)
        seen, ended = walk(
            lambda **kw: self.wisdom.list_import_jobs(
                knowledgeBaseId=kb_id, maxResults=step.size, **kw
            ),
            lambda r: [j["importJobId"] for j in r["importJobSummaries"]],
            lambda r: r.get("nextToken"),
            "nextToken",
            step.pages,
        )
        assert deleted.isdisjoint(seen)
        if ended:
            assert live <= set(seen)

    def w_qr_walk(self, step: Step) -> None:
        kb_id = self.kb_ids[step.target]
        _, _, names = self._mine_in_kb(step.target)
        seen, ended = walk(
            lambda **kw: self.wisdom.list_quick_responses(
                knowledgeBaseId=kb_id, maxResults=step.size, **kw
            ),
            lambda r: [q["name"] for q in r["quickResponseSummaries"]],
            lambda r: r.get("nextToken"),
            "nextToken",
            step.pages,
        )
        if ended:
            assert names <= set(seen)

    # -- Pinpoint -----------------------------------------------------------------------
    def p_start(self, step: Step) -> None:
        key = pinpoint_key(self.t, step.job)
        self.m.put_object(BUCKET, key, pinpoint_csv(self.t, step.job, step.rows))
        job = self.pinpoint.create_import_job(
            ApplicationId=self.app_ids[step.target],
            ImportJobRequest={
                "Format": "CSV",
                "S3Url": f"s3://{BUCKET}/{key}",
                "RoleArn": PINPOINT_ROLE,
                "RegisterEndpoints": True,
                "DefineSegment": True,
                "SegmentName": user_id(self.t, step.job),
            },
        )
        assert job["ResponseMetadata"]["HTTPStatusCode"] == 201
        assert job["ImportJobResponse"]["JobStatus"] == "CREATED"
        self.pinpoint_ids.append(job["ImportJobResponse"]["Id"])

    def _pinpoint_get(self, job: int) -> str:
        app_id = self.app_ids[self.plan.pinpoint_jobs[job][0]]
        found = self.pinpoint.get_import_job(ApplicationId=app_id, JobId=self.pinpoint_ids[job])[
            "ImportJobResponse"
        ]
        assert found["Id"] == self.pinpoint_ids[job]
        assert found["JobStatus"] in PINPOINT_SUCCESS_PATH[1:], found["JobStatus"]
        return str(found["JobStatus"])

    def p_get(self, step: Step) -> None:
        self._pinpoint_get(step.job)

    def _endpoint_gone(self, job: int, row: int) -> None:
        app_id = self.app_ids[self.plan.pinpoint_jobs[job][0]]
        endpoint = endpoint_id(self.t, job, row)
        expect_error(
            lambda: self.pinpoint.get_endpoint(ApplicationId=app_id, EndpointId=endpoint),
            ("NotFoundException", f"Endpoint not found: {endpoint}", 404),
        )

    def p_delete_endpoint(self, step: Step) -> None:
        statuses = [self._pinpoint_get(step.job) for _ in range(5)]
        assert statuses[-1] == "COMPLETED", statuses  # five reads end any job
        app_id = self.app_ids[self.plan.pinpoint_jobs[step.job][0]]
        endpoint = endpoint_id(self.t, step.job, step.endpoint)
        deleted = self.pinpoint.delete_endpoint(ApplicationId=app_id, EndpointId=endpoint)
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
        assert deleted["EndpointResponse"]["Id"] == endpoint
        self._endpoint_gone(step.job, step.endpoint)

    def p_gone_endpoint(self, step: Step) -> None:
        self._endpoint_gone(step.job, step.endpoint)

    def p_walk(self, step: Step) -> None:
        app_id = self.app_ids[step.target]
        mine = {
            job_id
            for n, job_id in enumerate(self.pinpoint_ids)
            if self.plan.pinpoint_jobs[n][0] == step.target
        }
        seen, ended = walk(
            lambda **kw: self.pinpoint.get_import_jobs(
                ApplicationId=app_id, PageSize=str(step.size), **kw
            ),
            lambda r: [j["Id"] for j in r["ImportJobsResponse"]["Item"]],
            lambda r: r["ImportJobsResponse"].get("NextToken"),
            "Token",
            step.pages,
        )
        if ended:
            assert mine <= set(seen)

    # -- Lex V2 -------------------------------------------------------------------------
    def l_start(self, step: Step) -> None:
        name = bot_name(self.t, step.job)
        upload = self.lex.create_upload_url()
        put = requests.put(upload["uploadUrl"], data=bot_archive(name))
        assert (put.status_code, put.content) == (200, b"")
        started = self.lex.start_import(
            importId=upload["importId"],
            mergeStrategy="FailOnConflict",
            resourceSpecification={
                "botImportSpecification": {
                    "botName": name,
                    "roleArn": LEX_ROLE,
                    "dataPrivacy": {"childDirected": False},
                }
            },
        )
        assert started["ResponseMetadata"]["HTTPStatusCode"] == 202
        assert (started["importId"], started["importStatus"]) == (upload["importId"], "InProgress")
        self.lex_ids.append(upload["importId"])

    def _lex_describe(self, job: int) -> None:
        found = self.lex.describe_import(importId=self.lex_ids[job])
        assert (found["importStatus"], found["importedResourceName"]) == (
            "Completed",
            bot_name(self.t, job),
        ), found.get("failureReasons")
        self.lex_complete.add(job)

    def _lex_gone(self, job: int) -> None:
        import_id = self.lex_ids[job]
        expect_error(
            lambda: self.lex.describe_import(importId=import_id),
            ("ResourceNotFoundException", f"The import {import_id} does not exist.", 404),
        )

    def l_describe(self, step: Step) -> None:
        if step.gone:
            self._lex_gone(step.job)
        else:
            self._lex_describe(step.job)

    def l_delete(self, step: Step) -> None:
        self._lex_describe(step.job)
        deleted = self.lex.delete_import(importId=self.lex_ids[step.job])
        assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
        assert deleted["importStatus"] == "Deleting"
        self._lex_gone(step.job)
        self.lex_deleted.add(step.job)

    def l_walk(self, step: Step) -> None:
        live = {i for n, i in enumerate(self.lex_ids) if n not in self.lex_deleted}
        deleted = {self.lex_ids[n] for n in self.lex_deleted}
        seen, ended = walk(
            lambda **kw: self.lex.list_imports(maxResults=step.size, **kw),
            lambda r: [i["importId"] for i in r["importSummaries"]],
            lambda r: r.get("nextToken"),
            "nextToken",
            step.pages,
        )
        assert deleted.isdisjoint(seen)
        if ended:
            assert live <= set(seen)

    def l_bots_walk(self, step: Step) -> None:
        names = {bot_name(self.t, n) for n in self.lex_complete}
        seen, ended = walk(
            lambda **kw: self.lex.list_bots(maxResults=step.size, **kw),
            lambda r: [b["botName"] for b in r["botSummaries"]],
            lambda r: r.get("nextToken"),
            "nextToken",
            step.pages,
        )
        if ended:
            assert names <= set(seen)


# -- the test ---------------------------------------------------------------------------------


def every_page(
    call: Callable[..., dict[str, Any]],
    items: Callable[[dict[str, Any]], list[Any]],
    token_of: Callable[[dict[str, Any]], str | None],
    token_param: str,
) -> tuple[list[Any], int]:
    """Every item of a listing, in order, and the number of pages it took."""
    seen: list[Any] = []
    token: str | None = None
    for pages in range(1, 1_000):
        response = call(**({token_param: token} if token else {}))
        seen.extend(items(response))
        token = token_of(response)
        if not token:
            return seen, pages
    raise AssertionError("the listing never ended")


def paged_both_ways(
    call: Callable[..., dict[str, Any]],
    size_param: str,
    small: Any,
    whole: Any,
    items: Callable[[dict[str, Any]], list[Any]],
    token_of: Callable[[dict[str, Any]], str | None],
    token_param: str,
    single_page: bool = True,
) -> list[Any]:
    """The listing read in small pages and in one page: the same items, in the same order."""
    everything, pages = every_page(
        lambda **kw: call(**{size_param: whole}, **kw), items, token_of, token_param
    )
    if single_page:
        assert pages == 1
    in_pieces, _ = every_page(
        lambda **kw: call(**{size_param: small}, **kw), items, token_of, token_param
    )
    assert in_pieces == everything
    assert len(set(everything)) == len(everything), "an item was listed twice"
    return everything


def test_eight_threads_share_one_reads_session() -> None:
    plans = [make_plan(index) for index in range(THREADS)]
    with mock_imports(progression="reads", quotas=QUOTAS) as m:
        session = boto3.session.Session()
        qconnect = Counted(session.client("qconnect", region_name=REGION))
        pinpoint = Counted(session.client("pinpoint", region_name=REGION))
        lex = Counted(session.client("lexv2-models", region_name=REGION))
        kb_ids = [
            qconnect.create_knowledge_base(name=f"robust-{n}", knowledgeBaseType="QUICK_RESPONSES")[
                "knowledgeBase"
            ]["knowledgeBaseId"]
            for n in range(KNOWLEDGE_BASES)
        ]
        app_ids = [
            pinpoint.create_app(CreateApplicationRequest={"Name": f"robust-{n}"})[
                "ApplicationResponse"
            ]["Id"]
            for n in range(APPS)
        ]
        setup_calls = len(m.calls)
        assert setup_calls == KNOWLEDGE_BASES + APPS

        workers = [Worker(plan, kb_ids, app_ids, m) for plan in plans]
        barrier = threading.Barrier(THREADS, timeout=60)
        threads = [
            threading.Thread(target=worker.run, args=(barrier,), name=f"robust-{worker.t}")
            for worker in workers
        ]
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)  # threads swap far more often: more interleavings
        try:
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            elapsed = time.perf_counter() - started
        finally:
            sys.setswitchinterval(switch_interval)
        assert [thread.name for thread in threads if thread.is_alive()] == []
        assert [error for worker in workers for error in worker.errors] == []
        print(f"{THREADS} x {CALLS_PER_THREAD} calls in {elapsed:.2f} s")

        # every call made was recorded once, with the errors the plans expect
        assert [worker.calls for worker in workers] == [CALLS_PER_THREAD] * THREADS
        assert len(m.calls) == setup_calls + THREADS * CALLS_PER_THREAD
        recorded = Counter((c.service, c.operation, c.error_code) for c in m.calls[setup_calls:])
        assert recorded == sum((plan.calls for plan in plans), Counter())

        # no lost or duplicated job: each started id is unique and known to the controller once
        wisdom_ids = [i for worker in workers for i in worker.wisdom_ids]
        pinpoint_ids = [i for worker in workers for i in worker.pinpoint_ids]
        lex_ids = [i for worker in workers for i in worker.lex_ids]
        for worker, plan in zip(workers, plans):
            assert len(worker.wisdom_ids) == len(plan.wisdom_jobs)
            assert len(worker.pinpoint_ids) == len(plan.pinpoint_jobs)
            assert len(worker.lex_ids) == plan.lex_imports
        for started_ids in (wisdom_ids, pinpoint_ids, lex_ids):
            assert len(set(started_ids)) == len(started_ids)

        m.settle()

        expected_status: dict[str, str] = {}
        for worker, plan in zip(workers, plans):
            for n, job_id in enumerate(worker.wisdom_ids):
                expected_status[job_id] = "DELETED" if n in plan.wisdom_deleted else "COMPLETE"
            for job_id in worker.pinpoint_ids:
                expected_status[job_id] = "COMPLETED"
            for n, job_id in enumerate(worker.lex_ids):
                expected_status[job_id] = "Deleted" if n in plan.lex_deleted else "Completed"
        jobs = m.jobs()
        assert Counter(job.job_id for job in jobs) == Counter(list(expected_status))
        assert {job.job_id: job.status for job in jobs} == expected_status
        assert all(job.finished and job.failure_reason is None for job in jobs)

        final = Counted(session.client("wisdom", region_name=REGION))

        # Wisdom: each knowledge base lists exactly its jobs not deleted, and every row
        # imported became a quick response (deleting a job keeps them)
        quick_responses = 0
        for kb, kb_id in enumerate(kb_ids):
            live: set[str] = set()
            names: set[str] = set()
            for worker, plan in zip(workers, plans):
                for n, (job_kb, rows) in enumerate(plan.wisdom_jobs):
                    if job_kb == kb:
                        names.update(qr_names(plan.index, n, rows))
                        if n not in plan.wisdom_deleted:
                            live.add(worker.wisdom_ids[n])
            for client in (qconnect, final):
                listed = paged_both_ways(
                    lambda client=client, kb_id=kb_id, **kw: client.list_import_jobs(
                        knowledgeBaseId=kb_id, **kw
                    ),
                    "maxResults",
                    3,
                    100,
                    lambda r: [j["importJobId"] for j in r["importJobSummaries"]],
                    lambda r: r.get("nextToken"),
                    "nextToken",
                )
                assert set(listed) == live
            listed_names = paged_both_ways(
                lambda kb_id=kb_id, **kw: qconnect.list_quick_responses(
                    knowledgeBaseId=kb_id, **kw
                ),
                "maxResults",
                7,
                100,
                lambda r: [q["name"] for q in r["quickResponseSummaries"]],
                lambda r: r.get("nextToken"),
                "nextToken",
                single_page=len(names) <= 100,
            )
            assert set(listed_names) == names
            quick_responses += len(listed_names)
        assert quick_responses == sum(rows for plan in plans for _, rows in plan.wisdom_jobs)

        # Pinpoint: each app lists exactly its jobs, all COMPLETED, and holds one segment per
        # job and every endpoint imported but those deleted
        endpoints = 0
        for app, app_id in enumerate(app_ids):
            mine = [
                (worker, plan, n, rows)
                for worker, plan in zip(workers, plans)
                for n, (job_app, rows) in enumerate(plan.pinpoint_jobs)
                if job_app == app
            ]
            listed = paged_both_ways(
                lambda app_id=app_id, **kw: pinpoint.get_import_jobs(ApplicationId=app_id, **kw),
                "PageSize",
                "3",
                "1000",
                lambda r: [(j["Id"], j["JobStatus"]) for j in r["ImportJobsResponse"]["Item"]],
                lambda r: r["ImportJobsResponse"].get("NextToken"),
                "Token",
            )
            assert sorted(listed) == sorted(
                (worker.pinpoint_ids[n], "COMPLETED") for worker, _, n, _ in mine
            )
            segments = paged_both_ways(
                lambda app_id=app_id, **kw: pinpoint.get_segments(ApplicationId=app_id, **kw),
                "PageSize",
                "4",
                "1000",
                lambda r: [s["Name"] for s in r["SegmentsResponse"]["Item"]],
                lambda r: r["SegmentsResponse"].get("NextToken"),
                "Token",
            )
            assert sorted(segments) == sorted(user_id(plan.index, n) for _, plan, n, _ in mine)
            for _, plan, n, rows in mine:
                kept = [
                    endpoint_id(plan.index, n, row)
                    for row in range(rows)
                    if (n, row) not in plan.endpoints_deleted
                ]
                user = user_id(plan.index, n)
                if kept:
                    found = pinpoint.get_user_endpoints(ApplicationId=app_id, UserId=user)
                    assert [e["Id"] for e in found["EndpointsResponse"]["Item"]] == kept
                    endpoints += len(kept)
                else:
                    expect_error(
                        lambda app_id=app_id, user=user: pinpoint.get_user_endpoints(
                            ApplicationId=app_id, UserId=user
                        ),
                        ("NotFoundException", f"No endpoints found for user: {user}", 404),
                    )
        assert endpoints == sum(rows for plan in plans for _, rows in plan.pinpoint_jobs) - sum(
            len(plan.endpoints_deleted) for plan in plans
        )

        # Lex: the imports not deleted, all Completed, and one bot per import
        imports = paged_both_ways(
            lex.list_imports,
            "maxResults",
            4,
            1000,
            lambda r: [(i["importId"], i["importStatus"]) for i in r["importSummaries"]],
            lambda r: r.get("nextToken"),
            "nextToken",
        )
        assert sorted(imports) == sorted(
            (worker.lex_ids[n], "Completed")
            for worker, plan in zip(workers, plans)
            for n in range(plan.lex_imports)
            if n not in plan.lex_deleted
        )
        bots = paged_both_ways(
            lex.list_bots,
            "maxResults",
            7,
            1000,
            lambda r: [(b["botName"], b["botStatus"]) for b in r["botSummaries"]],
            lambda r: r.get("nextToken"),
            "nextToken",
        )
        assert sorted(bots) == sorted(
            (bot_name(plan.index, n), "Available")
            for plan in plans
            for n in range(plan.lex_imports)
        )

        # and every call of the setup and of the checks above was recorded too
        made_here = sum(client.calls for client in (qconnect, pinpoint, lex, final))
        assert len(m.calls) == made_here + sum(worker.calls for worker in workers)

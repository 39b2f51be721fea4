"""Server mode under load: 32 concurrent clients, 200 API calls each, three services.

One ``threaded_server(progression="reads")``; 32 threads, each with its own boto3 clients
(no retries, so a failed request cannot be hidden by a second attempt) and its own
``requests`` session for the uploads to presigned URLs. Every thread makes exactly
``CALLS_PER_THREAD`` API calls, in blocks of ``CALLS_PER_BLOCK``; each block starts one
import in each service and polls it to its end, interleaved with reads and listings:

- Amazon Q in Connect (even threads through the ``qconnect`` client, odd ones through
  ``wisdom``): StartContentUpload, PUT of a two-row CSV, StartImportJob, GetImportJob,
  ListImportJobs, ListQuickResponses;
- Pinpoint: CreateImportJob of a two-endpoint CSV seeded with ``controller.put_object``
  (``RegisterEndpoints``, ``DefineSegment``), five GetImportJob (``reads`` mode: one stage
  per read, CREATED to COMPLETED), GetUserEndpoints, GetImportJobs, GetSegments;
- Lex V2: CreateUploadUrl, PUT of a bot archive, StartImport, DescribeImport,
  DescribeBot, ListImports (of that bot), ListBots (by name).

The threads share the knowledge bases, the apps, the bucket and one Lex backend, so their
jobs are read (and moved) by each other's listings too. The test checks that nothing
raised; that every call was answered 2xx on its one attempt; that the server recorded
exactly the calls the clients made (no lost, extra or retried call; the uploads are not
API calls); that every started job id is unique and known to the controller exactly once,
finished after its thread's polls having passed through each stage of its lifecycle once;
and that exactly the resources the imports create exist afterwards.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import Counter
from typing import Any

import requests
from botocore.config import Config

from importmock.server import RunningServer, threaded_server
from tests.helpers import csv_text
from tests.services.lexv2.archives import manifest, to_zip
from tests.services.pinpoint.conftest import SUCCESS_PATH

THREADS = 32
CALLS_PER_THREAD = 200
CALLS_PER_BLOCK = 20
BLOCKS = CALLS_PER_THREAD // CALLS_PER_BLOCK
ROWS = 2  # rows of every imported file
KNOWLEDGE_BASES = 8  # shared: 4 threads each (Q in Connect allows 10 per region)
APPS = 4  # shared: 8 threads each
ACCOUNT = "123456789012"
BUCKET = "server-load-endpoints"
PINPOINT_ROLE = f"arn:aws:iam::{ACCOUNT}:role/pinpoint-import"
LEX_ROLE = f"arn:aws:iam::{ACCOUNT}:role/lex-import"
# Every Pinpoint job runs at once (none waits in PENDING_JOB, so five reads end each one),
# and the threads import 320 bots, over Lex's default quota of 100.
QUOTAS = {"pinpoint": {"active_import_jobs": 10_000}, "lexv2-models": {"bots": 1_000}}
# Each client is used by its one thread, one call at a time: one connection is all it needs.
CLIENT_CONFIG = Config(
    max_pool_connections=1,
    # total_max_attempts=1: one attempt, no retry. (botocore's `max_attempts` counts
    # retries: {"max_attempts": 1} would allow a second attempt.)
    retries={"total_max_attempts": 1, "mode": "standard"},
    connect_timeout=30,
    read_timeout=60,
)
JOIN_TIMEOUT_SECONDS = 300  # a deadlock fails the test instead of hanging it
WISDOM_PATH = ("START_IN_PROGRESS", "COMPLETE")
PINPOINT_PATH = tuple(SUCCESS_PATH)
LEX_PATH = ("InProgress", "Completed")

#: One block's API calls: (client, operation, HTTP status), each once unless counted.
BLOCK_CALLS = Counter(
    {
        ("qconnect", "StartContentUpload", 200): 1,
        ("qconnect", "StartImportJob", 200): 1,
        ("qconnect", "GetImportJob", 200): 1,
        ("qconnect", "ListImportJobs", 200): 1,
        ("qconnect", "ListQuickResponses", 200): 1,
        ("pinpoint", "CreateImportJob", 201): 1,
        ("pinpoint", "GetImportJob", 200): len(PINPOINT_PATH) - 1,
        ("pinpoint", "GetUserEndpoints", 200): 1,
        ("pinpoint", "GetImportJobs", 200): 1,
        ("pinpoint", "GetSegments", 200): 1,
        ("lexv2-models", "CreateUploadUrl", 200): 1,
        ("lexv2-models", "StartImport", 202): 1,
        ("lexv2-models", "DescribeImport", 200): 1,
        ("lexv2-models", "DescribeBot", 200): 1,
        ("lexv2-models", "ListImports", 200): 1,
        ("lexv2-models", "ListBots", 200): 1,
    }
)
assert sum(BLOCK_CALLS.values()) == CALLS_PER_BLOCK
assert BLOCKS * CALLS_PER_BLOCK == CALLS_PER_THREAD


# -- what each block imports ---------------------------------------------------------------


def qr_names(thread: int, block: int) -> list[str]:
    return [f"t{thread}-b{block}-r{row}" for row in range(ROWS)]


def endpoint_ids(thread: int, block: int) -> list[str]:
    return [f"t{thread}-b{block}-e{row}" for row in range(ROWS)]


def segment_name(thread: int, block: int) -> str:
    return f"t{thread}-b{block}"


def bot_name(thread: int, block: int) -> str:
    return f"T{thread}-B{block}"


def wisdom_csv(thread: int, block: int) -> bytes:
    names = qr_names(thread, block)
    return csv_text(["name", "content"], *[[name, f"Answer {name}"] for name in names]).encode()


def pinpoint_csv(thread: int, block: int) -> str:
    return csv_text(
        ["Id", "ChannelType", "Address", "User.UserId"],
        *[
            [endpoint, "EMAIL", f"{endpoint}@example.com", segment_name(thread, block)]
            for endpoint in endpoint_ids(thread, block)
        ],
    )


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


# -- a client that records its calls -------------------------------------------------------


class Recorded:
    """A boto3 client whose API calls are recorded as (client, operation, HTTP status).

    The Q in Connect calls are recorded as ``qconnect`` whichever client sent them: the
    server answers both clients as that one service.
    """

    def __init__(self, client: Any, name: str, log: list[tuple[str, str, int]]) -> None:
        self._client = client
        self._name = name
        self._log = log
        self._operations = client.meta.method_to_api_mapping

    def __getattr__(self, method: str) -> Any:
        operation = self._operations[method]  # only API calls go through this wrapper
        call = getattr(self._client, method)

        def recorded(**kwargs: Any) -> Any:
            response = call(**kwargs)
            metadata = response["ResponseMetadata"]
            self._log.append((self._name, operation, metadata["HTTPStatusCode"]))
            assert metadata["RetryAttempts"] == 0, metadata
            return response

        return recorded


# -- one thread ----------------------------------------------------------------------------


class Worker:
    def __init__(
        self, index: int, server: RunningServer, kb_ids: list[str], app_ids: list[str]
    ) -> None:
        self.t = index
        self.controller = server.controller
        self.kb_id = kb_ids[index % KNOWLEDGE_BASES]
        self.app_id = app_ids[index % APPS]
        self.log: list[tuple[str, str, int]] = []  # every API call's answer
        self.uploads: list[tuple[int, bytes]] = []  # every PUT's status and body
        self.errors: list[str] = []
        wisdom_client = "qconnect" if index % 2 == 0 else "wisdom"
        # Made here, in the main thread: building clients from a session is not thread-safe.
        self.qc = Recorded(server.client(wisdom_client, config=CLIENT_CONFIG), "qconnect", self.log)
        self.pp = Recorded(server.client("pinpoint", config=CLIENT_CONFIG), "pinpoint", self.log)
        self.lex = Recorded(
            server.client("lexv2-models", config=CLIENT_CONFIG), "lexv2-models", self.log
        )
        self.http = requests.Session()
        # What the thread started and saw: ids by block.
        self.wisdom_jobs: list[str] = []
        self.pinpoint_jobs: list[str] = []
        self.lex_imports: list[str] = []
        self.bot_ids: list[str] = []

    def run(self, barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            self.errors.append(f"thread {self.t}: the start barrier broke")
            return
        for block in range(BLOCKS):
            try:
                self.block(block)
            except BaseException:
                self.errors.append(f"thread {self.t}, block {block}:\n{traceback.format_exc()}")
                return

    def put(self, url: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        answer = self.http.put(url, data=body, headers=headers or {}, timeout=60)
        self.uploads.append((answer.status_code, answer.content))
        assert (answer.status_code, answer.content) == (200, b""), answer.text

    def block(self, b: int) -> None:
        t = self.t
        # -- start one import in each service ---------------------------------------------
        upload = self.qc.start_content_upload(knowledgeBaseId=self.kb_id, contentType="text/csv")
        self.put(upload["url"], wisdom_csv(t, b), upload["headersToInclude"])
        job = self.qc.start_import_job(
            knowledgeBaseId=self.kb_id,
            importJobType="QUICK_RESPONSES",
            uploadId=upload["uploadId"],
        )["importJob"]
        assert (job["status"], job["knowledgeBaseId"]) == ("START_IN_PROGRESS", self.kb_id)
        wisdom_job = job["importJobId"]
        self.wisdom_jobs.append(wisdom_job)

        key = f"t{t}/b{b}.csv"
        self.controller.put_object(BUCKET, key, pinpoint_csv(t, b))
        created = self.pp.create_import_job(
            ApplicationId=self.app_id,
            ImportJobRequest={
                "Format": "CSV",
                "S3Url": f"s3://{BUCKET}/{key}",
                "RoleArn": PINPOINT_ROLE,
                "RegisterEndpoints": True,
                "DefineSegment": True,
                "SegmentName": segment_name(t, b),
            },
        )["ImportJobResponse"]
        assert (created["JobStatus"], created["ApplicationId"]) == ("CREATED", self.app_id)
        pinpoint_job = created["Id"]
        self.pinpoint_jobs.append(pinpoint_job)

        lex_upload = self.lex.create_upload_url()
        import_id = lex_upload["importId"]
        self.put(lex_upload["uploadUrl"], bot_archive(bot_name(t, b)))
        started = self.lex.start_import(
            importId=import_id,
            mergeStrategy="FailOnConflict",
            resourceSpecification={
                "botImportSpecification": {
                    "botName": bot_name(t, b),
                    "roleArn": LEX_ROLE,
                    "dataPrivacy": {"childDirected": False},
                }
            },
        )
        assert (started["importId"], started["importStatus"]) == (import_id, "InProgress")
        self.lex_imports.append(import_id)

        # -- poll them, interleaved with reads and listings --------------------------------
        statuses: list[str] = []

        def poll_pinpoint() -> None:
            found = self.pp.get_import_job(ApplicationId=self.app_id, JobId=pinpoint_job)[
                "ImportJobResponse"
            ]
            assert found["Id"] == pinpoint_job
            # My n-th read has moved it n stages at least (others' listings may move it too).
            stage = PINPOINT_PATH.index(found["JobStatus"])
            assert stage >= len(statuses) + 1, (statuses, found["JobStatus"])
            assert not statuses or stage >= PINPOINT_PATH.index(statuses[-1])
            statuses.append(found["JobStatus"])
            if found["JobStatus"] == "COMPLETED":
                assert (found["TotalProcessed"], found["TotalFailures"]) == (ROWS, 0), found

        found = self.qc.get_import_job(knowledgeBaseId=self.kb_id, importJobId=wisdom_job)[
            "importJob"
        ]
        assert (found["importJobId"], found["status"]) == (wisdom_job, "COMPLETE")
        assert "failedRecordReport" not in found
        poll_pinpoint()

        described = self.lex.describe_import(importId=import_id)
        assert (
            described["importStatus"],
            described["importedResourceName"],
            described["mergeStrategy"],
        ) == ("Completed", bot_name(t, b), "FailOnConflict"), described.get("failureReasons")
        bot_id = described["importedResourceId"]
        self.bot_ids.append(bot_id)
        poll_pinpoint()

        bot = self.lex.describe_bot(botId=bot_id)
        assert (bot["botId"], bot["botName"], bot["botStatus"]) == (
            bot_id,
            bot_name(t, b),
            "Available",
        )
        poll_pinpoint()

        # One page holds a knowledge base's jobs (4 threads x 10 blocks <= 100).
        listed = self.qc.list_import_jobs(knowledgeBaseId=self.kb_id, maxResults=100)
        assert "nextToken" not in listed
        listed_jobs = {j["importJobId"]: j["status"] for j in listed["importJobSummaries"]}
        assert len(listed_jobs) == len(listed["importJobSummaries"]), "a job listed twice"
        assert {i: listed_jobs.get(i) for i in self.wisdom_jobs} == dict.fromkeys(
            self.wisdom_jobs, "COMPLETE"
        )
        poll_pinpoint()

        # ... and its quick responses (4 threads x 10 blocks x 2 rows <= 100).
        listed = self.qc.list_quick_responses(knowledgeBaseId=self.kb_id, maxResults=100)
        assert "nextToken" not in listed
        names = [q["name"] for q in listed["quickResponseSummaries"]]
        assert len(set(names)) == len(names), "a quick response listed twice"
        mine = {name for n in range(b + 1) for name in qr_names(t, n)}
        assert mine <= set(names), sorted(mine - set(names))
        poll_pinpoint()
        assert statuses[-1] == "COMPLETED", statuses

        # Every row of the file became an endpoint of the job's user.
        endpoints = self.pp.get_user_endpoints(ApplicationId=self.app_id, UserId=segment_name(t, b))
        assert sorted(
            (e["Id"], e["Address"], e["ApplicationId"])
            for e in endpoints["EndpointsResponse"]["Item"]
        ) == [(e, f"{e}@example.com", self.app_id) for e in endpoint_ids(t, b)]

        # One page holds an app's jobs and segments (8 threads x 10 blocks <= 100).
        jobs = self.pp.get_import_jobs(ApplicationId=self.app_id, PageSize="100")
        jobs = jobs["ImportJobsResponse"]
        assert "NextToken" not in jobs
        listed_jobs = {j["Id"]: j["JobStatus"] for j in jobs["Item"]}
        assert len(listed_jobs) == len(jobs["Item"]), "a job listed twice"
        assert {i: listed_jobs.get(i) for i in self.pinpoint_jobs} == dict.fromkeys(
            self.pinpoint_jobs, "COMPLETED"
        )

        segments = self.pp.get_segments(ApplicationId=self.app_id, PageSize="100")
        segments = segments["SegmentsResponse"]
        assert "NextToken" not in segments
        sizes = {s["Name"]: s["ImportDefinition"]["Size"] for s in segments["Item"]}
        assert len(sizes) == len(segments["Item"]), "a segment listed twice"
        mine_sizes = {segment_name(t, n): sizes.get(segment_name(t, n)) for n in range(b + 1)}
        assert mine_sizes == {segment_name(t, n): ROWS for n in range(b + 1)}

        imports = self.lex.list_imports(botId=bot_id, botVersion="DRAFT")
        assert [(i["importId"], i["importStatus"]) for i in imports["importSummaries"]] == [
            (import_id, "Completed")
        ]

        bots = self.lex.list_bots(
            filters=[{"name": "BotName", "values": [bot_name(t, b)], "operator": "EQ"}]
        )
        assert [(s["botId"], s["botName"]) for s in bots["botSummaries"]] == [
            (bot_id, bot_name(t, b))
        ]


# -- the test ------------------------------------------------------------------------------


def every_page(call: Any, items: str, token: str, token_param: str, **kwargs: Any) -> list[Any]:
    """Every item of a listing (``items`` and ``token`` are dotted paths in the answer)."""

    def at(response: Any, path: str) -> Any:
        for part in path.split("."):
            response = response.get(part) if isinstance(response, dict) else None
        return response

    seen: list[Any] = []
    next_token = None
    for _ in range(1_000):
        response = call(**kwargs, **({token_param: next_token} if next_token else {}))
        seen.extend(at(response, items))
        next_token = at(response, token)
        if not next_token:
            return seen
    raise AssertionError("the listing never ended")


def test_32_clients_200_calls_each_lose_and_duplicate_nothing() -> None:
    with threaded_server(progression="reads", quotas=QUOTAS) as server:
        controller = server.controller
        setup_qc = server.client("qconnect")
        setup_pp = server.client("pinpoint")
        kb_ids = [
            setup_qc.create_knowledge_base(name=f"load-{n}", knowledgeBaseType="QUICK_RESPONSES")[
                "knowledgeBase"
            ]["knowledgeBaseId"]
            for n in range(KNOWLEDGE_BASES)
        ]
        app_ids = [
            setup_pp.create_app(CreateApplicationRequest={"Name": f"load-{n}"})[
                "ApplicationResponse"
            ]["Id"]
            for n in range(APPS)
        ]
        assert len(controller.calls) == KNOWLEDGE_BASES + APPS
        controller.calls.clear()  # from here on, only the threads' calls are recorded

        workers = [Worker(index, server, kb_ids, app_ids) for index in range(THREADS)]
        barrier = threading.Barrier(THREADS, timeout=60)
        threads = [
            threading.Thread(target=worker.run, args=(barrier,), name=f"load-{worker.t}")
            for worker in workers
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        deadline = started + JOIN_TIMEOUT_SECONDS
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.perf_counter()))
        elapsed = time.perf_counter() - started
        for worker in workers:
            worker.http.close()
        assert [thread.name for thread in threads if thread.is_alive()] == []
        assert [error for worker in workers for error in worker.errors] == []
        print(
            f"{THREADS} clients x {CALLS_PER_THREAD} calls in {elapsed:.2f} s "
            f"({THREADS * CALLS_PER_THREAD / elapsed:.0f} calls/s)"
        )

        # Every call answered 2xx on its one attempt, and recorded exactly once by the server.
        expected_calls = Counter({key: n * BLOCKS for key, n in BLOCK_CALLS.items()})
        for worker in workers:
            assert len(worker.log) == CALLS_PER_THREAD
            assert Counter(worker.log) == expected_calls
            assert worker.uploads == [(200, b"")] * (2 * BLOCKS)
        recorded = controller.calls
        assert len(recorded) == THREADS * CALLS_PER_THREAD
        assert [c for c in recorded if not 200 <= c.status < 300 or c.error_code] == []
        assert Counter((c.service, c.operation, c.status) for c in recorded) == Counter(
            entry for worker in workers for entry in worker.log
        )
        assert Counter(c.service for c in recorded) == {
            "qconnect": THREADS * BLOCKS * 5,
            "pinpoint": THREADS * BLOCKS * 9,
            "lexv2-models": THREADS * BLOCKS * 6,
        }

        # No lost or duplicated job: every id started is unique, and the controller knows
        # each exactly once (and no other job), finished after passing each stage once.
        started_jobs: dict[str, tuple[str, tuple[str, ...]]] = {}
        for worker in workers:
            assert len(worker.wisdom_jobs) == len(worker.pinpoint_jobs) == BLOCKS
            assert len(worker.lex_imports) == len(worker.bot_ids) == BLOCKS
            for ids, service, path in (
                (worker.wisdom_jobs, "wisdom", WISDOM_PATH),
                (worker.pinpoint_jobs, "pinpoint", PINPOINT_PATH),
                (worker.lex_imports, "lexv2-models", LEX_PATH),
            ):
                for job_id in ids:
                    assert job_id not in started_jobs, f"job id {job_id} started twice"
                    started_jobs[job_id] = (service, path)
        assert len(started_jobs) == 3 * THREADS * BLOCKS
        jobs = controller.jobs()
        assert Counter(job.job_id for job in jobs) == Counter(list(started_jobs))
        assert {
            job.job_id: (job.service, tuple(stage for stage, _ in job.history)) for job in jobs
        } == started_jobs
        assert [j for j in jobs if not j.finished or j.failure_reason is not None] == []
        bot_ids = [bot_id for worker in workers for bot_id in worker.bot_ids]
        assert len(set(bot_ids)) == len(bot_ids) == THREADS * BLOCKS

        # The resources the imports made, exactly: quick responses, jobs, segments, bots.
        check_qc = server.client("qconnect")
        check_pp = server.client("pinpoint")
        check_lex = server.client("lexv2-models")
        for kb, kb_id in enumerate(kb_ids):
            owners = [w for w in workers if w.t % KNOWLEDGE_BASES == kb]
            names = every_page(
                check_qc.list_quick_responses,
                "quickResponseSummaries",
                "nextToken",
                "nextToken",
                knowledgeBaseId=kb_id,
                maxResults=25,
            )
            assert Counter(q["name"] for q in names) == Counter(
                name for w in owners for b in range(BLOCKS) for name in qr_names(w.t, b)
            )
            kb_jobs = every_page(
                check_qc.list_import_jobs,
                "importJobSummaries",
                "nextToken",
                "nextToken",
                knowledgeBaseId=kb_id,
                maxResults=25,
            )
            assert Counter((j["importJobId"], j["status"]) for j in kb_jobs) == Counter(
                (job_id, "COMPLETE") for w in owners for job_id in w.wisdom_jobs
            )
        for app, app_id in enumerate(app_ids):
            owners = [w for w in workers if w.t % APPS == app]
            app_jobs = every_page(
                check_pp.get_import_jobs,
                "ImportJobsResponse.Item",
                "ImportJobsResponse.NextToken",
                "Token",
                ApplicationId=app_id,
                PageSize="25",
            )
            assert Counter((j["Id"], j["JobStatus"], j["TotalProcessed"]) for j in app_jobs) == (
                Counter((job_id, "COMPLETED", ROWS) for w in owners for job_id in w.pinpoint_jobs)
            )
            segments = every_page(
                check_pp.get_segments,
                "SegmentsResponse.Item",
                "SegmentsResponse.NextToken",
                "Token",
                ApplicationId=app_id,
                PageSize="25",
            )
            assert Counter((s["Name"], s["ImportDefinition"]["Size"]) for s in segments) == (
                Counter((segment_name(w.t, b), ROWS) for w in owners for b in range(BLOCKS))
            )
        bots = every_page(
            check_lex.list_bots, "botSummaries", "nextToken", "nextToken", maxResults=100
        )
        assert Counter((s["botId"], s["botName"], s["botStatus"]) for s in bots) == Counter(
            (w.bot_ids[b], bot_name(w.t, b), "Available") for w in workers for b in range(BLOCKS)
        )
        imports = every_page(
            check_lex.list_imports, "importSummaries", "nextToken", "nextToken", maxResults=100
        )
        assert Counter(
            (i["importId"], i["importedResourceId"], i["importStatus"]) for i in imports
        ) == Counter(
            (w.lex_imports[b], w.bot_ids[b], "Completed") for w in workers for b in range(BLOCKS)
        )

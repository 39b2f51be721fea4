"""Server mode under concurrent load: throughput and latency of ``importmock server``.

Starts ``python -m importmock server --port 0 --quiet --progression reads`` as a
subprocess and drives it with N concurrent boto3 clients (default 32) spread over several
client processes (default 4), so the clients do not share the server's GIL. Each client
acts in its own account (its access key id is 12 digits), makes its knowledge base and app
(untimed), waits for every other client, then makes exactly ``--calls`` API calls (default
200) in blocks of 20, the workload of ``tests/server/test_load.py``: each block starts one
import in each service and polls it to its end, with reads and listings in between:

- qconnect: StartContentUpload, PUT of a two-row CSV, StartImportJob, GetImportJob,
  ListImportJobs, ListQuickResponses;
- pinpoint: CreateImportJob of a two-endpoint CSV (seeded once over the controller), five
  GetImportJob (``reads`` mode: CREATED to COMPLETED), GetUserEndpoints, GetImportJobs,
  GetSegments;
- lexv2-models: CreateUploadUrl, PUT of a bot archive, StartImport, DescribeImport,
  DescribeBot, ListImports (of that bot), ListBots (by name).

Prints: total calls, wall time, throughput (calls/s), p50 and p99 latency of the API calls
(and of the uploads, which are not API calls), errors (anything raised or answered other
than expected: must be 0), what the server recorded (``/_importmock/calls`` and ``jobs``),
and, for comparison, one call (Pinpoint GetImportJob of a finished job) in-process under
``mock_imports``, over the server by one client alone, and under the load. Then it stops
the server with SIGINT and checks that it exits 0.

Usage: python benchmarks/bench_server.py [--clients N] [--processes P] [--calls C]
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import queue
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from typing import Any

from measure import machine

from importmock.services.pinpoint.models import IMPORT_JOB

CALLS_PER_BLOCK = 20
MAX_BLOCKS = 100  # a client imports one bot per block, in its own account: Lex allows 100
REGION = "us-east-1"
SECRET = "importmock-bench-secret"
BUCKET = "bench-server"
KEY = "endpoints.csv"
USER = "bench-user"
ENDPOINTS_CSV = (
    "Id,ChannelType,Address,User.UserId\n"
    f"e0,EMAIL,e0@example.com,{USER}\n"
    f"e1,EMAIL,e1@example.com,{USER}\n"
)
QR_CSV = b"name,content\nq0,Answer zero\nq1,Answer one\n"
PINPOINT_ROLE = "arn:aws:iam::{account}:role/pinpoint-import"
LEX_ROLE = "arn:aws:iam::{account}:role/lex-import"
PINPOINT_PATH = IMPORT_JOB.stages  # a Pinpoint import job's statuses, in order
SERVER_COMMAND = [
    sys.executable,
    "-m",
    "importmock",
    "server",
    "--port",
    "0",
    "--quiet",
    "--progression",
    "reads",
]
LISTENING = re.compile(r"importmock server listening on (http://\S+)")
START_TIMEOUT_SECONDS = 60
RUN_TIMEOUT_SECONDS = 600


def account_of(client_index: int) -> str:
    return f"{100_000_000_000 + client_index:012d}"


def bot_archive(name: str) -> bytes:
    """The smallest bot archive: a manifest and Bot.json."""
    files = {
        "manifest.json": {
            "metadata": {"schemaVersion": "1", "fileFormat": "LexJson", "resourceType": "Bot"}
        },
        f"{name}/Bot.json": {
            "name": name,
            "dataPrivacy": {"childDirected": False},
            "idleSessionTTLInSeconds": 300,
        },
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, body in files.items():
            archive.writestr(path, json.dumps(body))
    return out.getvalue()


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil, at least the first
    return ordered[int(rank) - 1]


# -- one client ---------------------------------------------------------------------------------


class Client:
    """One simulated client: its own boto3 clients and HTTP session, in its own account."""

    def __init__(self, index: int, url: str, session: Any) -> None:
        from botocore.config import Config

        self.index = index
        self.account = account_of(index)
        config = Config(
            max_pool_connections=1,  # one thread, one call at a time
            retries={"total_max_attempts": 1},  # no retry hides a failure
            connect_timeout=30,
            read_timeout=120,
        )
        made = {
            name: session.client(
                name,
                region_name=REGION,
                endpoint_url=url,
                aws_access_key_id=self.account,
                aws_secret_access_key=SECRET,
                config=config,
            )
            for name in ("qconnect", "pinpoint", "lexv2-models")
        }
        self.qc, self.pp, self.lex = made["qconnect"], made["pinpoint"], made["lexv2-models"]
        self.names = {id(client): name for name, client in made.items()}
        import requests

        self.http = requests.Session()
        self.latencies: dict[str, list[float]] = {}
        self.uploads: list[float] = []
        self.errors: list[str] = []
        self.calls = 0
        self.first = self.last = 0.0

    def setup(self) -> None:
        """The client's knowledge base and app (not timed, not counted)."""
        self.kb_id = self.qc.create_knowledge_base(
            name=f"bench-{self.index}", knowledgeBaseType="QUICK_RESPONSES"
        )["knowledgeBase"]["knowledgeBaseId"]
        self.app_id = self.pp.create_app(CreateApplicationRequest={"Name": f"bench-{self.index}"})[
            "ApplicationResponse"
        ]["Id"]

    def call(self, client: Any, operation: str, **kwargs: Any) -> Any:
        started = time.monotonic()
        response = getattr(client, operation)(**kwargs)
        name = f"{self.names[id(client)]} {client.meta.method_to_api_mapping[operation]}"
        self.latencies.setdefault(name, []).append(time.monotonic() - started)
        self.calls += 1
        status = response["ResponseMetadata"]["HTTPStatusCode"]
        if not 200 <= status < 300:
            raise AssertionError(f"{operation} answered {status}")
        return response

    def put(self, url: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        started = time.monotonic()
        answer = self.http.put(url, data=body, headers=headers or {}, timeout=120)
        self.uploads.append(time.monotonic() - started)
        if answer.status_code != 200:
            raise AssertionError(f"upload answered {answer.status_code}: {answer.text}")

    def run(self, blocks: int, start: Any) -> None:
        start.wait()
        self.first = time.monotonic()
        for block in range(blocks):
            try:
                self.block(block)
            except Exception:
                self.errors.append(f"client {self.index}, block {block}:\n{traceback.format_exc()}")
                break
        self.last = time.monotonic()
        self.http.close()

    def block(self, b: int) -> None:
        """20 API calls: start one import per service and poll each to its end."""
        qc, pp, lex, call = self.qc, self.pp, self.lex, self.call
        upload = call(
            qc, "start_content_upload", knowledgeBaseId=self.kb_id, contentType="text/csv"
        )
        self.put(upload["url"], QR_CSV, upload["headersToInclude"])
        qc_job = call(
            qc,
            "start_import_job",
            knowledgeBaseId=self.kb_id,
            importJobType="QUICK_RESPONSES",
            uploadId=upload["uploadId"],
        )["importJob"]["importJobId"]
        pp_job = call(
            pp,
            "create_import_job",
            ApplicationId=self.app_id,
            ImportJobRequest={
                "Format": "CSV",
                "S3Url": f"s3://{BUCKET}/{KEY}",
                "RoleArn": PINPOINT_ROLE.format(account=self.account),
                "RegisterEndpoints": True,
                "DefineSegment": True,
                "SegmentName": f"segment-{b}",
            },
        )["ImportJobResponse"]["Id"]
        lex_upload = call(lex, "create_upload_url")
        bot_name = f"Bench{b}"
        self.put(lex_upload["uploadUrl"], bot_archive(bot_name))
        call(
            lex,
            "start_import",
            importId=lex_upload["importId"],
            mergeStrategy="FailOnConflict",
            resourceSpecification={
                "botImportSpecification": {
                    "botName": bot_name,
                    "roleArn": LEX_ROLE.format(account=self.account),
                    "dataPrivacy": {"childDirected": False},
                }
            },
        )
        statuses: list[str] = []

        def poll() -> None:
            job = call(pp, "get_import_job", ApplicationId=self.app_id, JobId=pp_job)
            statuses.append(job["ImportJobResponse"]["JobStatus"])

        status = call(qc, "get_import_job", knowledgeBaseId=self.kb_id, importJobId=qc_job)
        expect("qconnect import job", status["importJob"]["status"], "COMPLETE")
        poll()
        described = call(lex, "describe_import", importId=lex_upload["importId"])
        expect("Lex import", described["importStatus"], "Completed")
        poll()
        bot_id = described["importedResourceId"]
        call(lex, "describe_bot", botId=bot_id)
        poll()
        call(qc, "list_import_jobs", knowledgeBaseId=self.kb_id, maxResults=100)
        poll()
        call(qc, "list_quick_responses", knowledgeBaseId=self.kb_id, maxResults=100)
        poll()
        expect("Pinpoint import job after five reads", statuses, list(PINPOINT_PATH[1:]))
        endpoints = call(pp, "get_user_endpoints", ApplicationId=self.app_id, UserId=USER)
        expect("endpoints", len(endpoints["EndpointsResponse"]["Item"]), 2)
        call(pp, "get_import_jobs", ApplicationId=self.app_id, PageSize="100")
        call(pp, "get_segments", ApplicationId=self.app_id, PageSize="100")
        imports = call(lex, "list_imports", botId=bot_id, botVersion="DRAFT")
        expect("imports of the bot", len(imports["importSummaries"]), 1)
        bots = call(
            lex,
            "list_bots",
            filters=[{"name": "BotName", "values": [bot_name], "operator": "EQ"}],
        )
        expect("bots by name", len(bots["botSummaries"]), 1)


def expect(what: str, found: Any, expected: Any) -> None:
    if found != expected:
        raise AssertionError(f"{what}: expected {expected!r}, found {found!r}")


def client_process(
    url: str,
    indexes: list[int],
    blocks: int,
    ready: Any,
    start: Any,
    results: Any,
) -> None:
    """Run the clients ``indexes`` as threads of this process; put their figures."""
    try:
        import boto3

        session = boto3.session.Session()
        clients = [Client(index, url, session) for index in indexes]  # not thread-safe: here
        for client in clients:
            client.setup()
    except Exception:
        ready.put(("failed", traceback.format_exc()))
        return
    threads = [threading.Thread(target=c.run, args=(blocks, start)) for c in clients]
    for thread in threads:
        thread.start()
    ready.put(("ready", os.getpid()))
    for thread in threads:
        thread.join()
    results.put(
        [
            {
                "index": c.index,
                "calls": c.calls,
                "latencies": c.latencies,
                "uploads": c.uploads,
                "errors": c.errors,
                "first": c.first,
                "last": c.last,
            }
            for c in clients
        ]
    )


# -- the server ---------------------------------------------------------------------------------


class Server:
    """``python -m importmock server`` in a subprocess, its URL read from its first line."""

    def __init__(self) -> None:
        self.stderr = tempfile.TemporaryFile(mode="w+")  # a pipe could fill and stall it
        self.process = subprocess.Popen(
            SERVER_COMMAND, stdout=subprocess.PIPE, stderr=self.stderr, text=True
        )
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(
            target=lambda: lines.put(self.process.stdout.readline()),  # type: ignore[union-attr]
            daemon=True,
        )
        reader.start()
        try:
            first = lines.get(timeout=START_TIMEOUT_SECONDS)
        except queue.Empty:
            self.process.kill()
            raise RuntimeError("the server printed nothing in time") from None
        found = LISTENING.search(first)
        if not found:
            self.process.kill()
            raise RuntimeError(f"the server's first line is not the URL: {first!r}")
        self.url = found.group(1)

    def control(self, method: str, name: str, body: Any = None) -> Any:
        import requests

        answer = requests.request(
            method, f"{self.url}/_importmock/{name}", json=body, timeout=RUN_TIMEOUT_SECONDS
        )
        answer.raise_for_status()
        return answer.json()

    def stop(self) -> tuple[int, str, str]:
        """SIGINT (Ctrl-C), then the exit code, the rest of stdout, and stderr."""
        self.process.send_signal(signal.SIGINT)
        try:
            out, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        self.stderr.seek(0)
        errors = self.stderr.read()
        self.stderr.close()
        return self.process.returncode, out, errors


# -- the same call, three ways ------------------------------------------------------------------


def per_call(function: Callable[[], Any], calls: int, rounds: int) -> float:
    """The median over ``rounds`` of the mean time of ``calls`` calls."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            function()
        samples.append((time.perf_counter() - started) / calls)
    return statistics.median(samples)


def finished_pinpoint_job(pp: Any, put_object: Callable[[], None]) -> Callable[[], Any]:
    """GetImportJob of a Pinpoint job run to its end (reads mode: five reads)."""
    app_id = pp.create_app(CreateApplicationRequest={"Name": "single"})["ApplicationResponse"]["Id"]
    put_object()
    job_id = pp.create_import_job(
        ApplicationId=app_id,
        ImportJobRequest={
            "Format": "CSV",
            "S3Url": f"s3://{BUCKET}/{KEY}",
            "RoleArn": PINPOINT_ROLE.format(account="123456789012"),
            "RegisterEndpoints": True,
        },
    )["ImportJobResponse"]["Id"]

    def get() -> Any:
        return pp.get_import_job(ApplicationId=app_id, JobId=job_id)

    for _ in range(len(PINPOINT_PATH) - 1):
        get()
    expect("single job", get()["ImportJobResponse"]["JobStatus"], "COMPLETED")
    return get


def in_process_call(calls: int, rounds: int) -> float:
    import boto3

    from importmock import mock_imports

    with mock_imports(progression="reads") as mock:
        pp = boto3.client("pinpoint", region_name=REGION)
        get = finished_pinpoint_job(pp, lambda: mock.put_object(BUCKET, KEY, ENDPOINTS_CSV))
        return per_call(get, calls, rounds)


def server_call(server: Server, calls: int, rounds: int) -> float:
    import boto3

    pp = boto3.session.Session().client(
        "pinpoint",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id="AKIAIMPORTMOCKBENCH",
        aws_secret_access_key=SECRET,
    )
    body = {"bucket": BUCKET, "key": KEY, "body": ENDPOINTS_CSV}
    get = finished_pinpoint_job(pp, lambda: server.control("POST", "put_object", body))
    return per_call(get, calls, rounds)


# -- the run ------------------------------------------------------------------------------------


def run(clients: int, processes: int, calls: int, single_calls: int = 50) -> dict[str, Any]:
    """Start the server, load it, measure; every figure in a dict."""
    if calls % CALLS_PER_BLOCK or not 0 < calls // CALLS_PER_BLOCK <= MAX_BLOCKS:
        raise ValueError(
            f"--calls must be a multiple of {CALLS_PER_BLOCK}, at most "
            f"{CALLS_PER_BLOCK * MAX_BLOCKS}; got {calls}"
        )
    processes = max(1, min(processes, clients))
    blocks = calls // CALLS_PER_BLOCK
    in_process = in_process_call(single_calls, rounds=5)
    server = Server()
    try:
        server.control("POST", "put_object", {"bucket": BUCKET, "key": KEY, "body": ENDPOINTS_CSV})
        context = multiprocessing.get_context("spawn")
        ready, results, start = context.Queue(), context.Queue(), context.Event()
        shares = [list(range(clients))[n::processes] for n in range(processes)]
        workers = [
            context.Process(
                target=client_process, args=(server.url, share, blocks, ready, start, results)
            )
            for share in shares
        ]
        for worker in workers:
            worker.start()
        for _ in workers:
            state, detail = ready.get(timeout=RUN_TIMEOUT_SECONDS)
            if state != "ready":
                raise RuntimeError(f"a client process failed to start:\n{detail}")
        setup_calls = len(server.control("GET", "calls")["calls"])
        start.set()
        figures = [row for _ in workers for row in results.get(timeout=RUN_TIMEOUT_SECONDS)]
        for worker in workers:
            worker.join(timeout=60)
        recorded = server.control("GET", "calls")["calls"][setup_calls:]
        jobs = server.control("GET", "jobs")["jobs"]
        unloaded = server_call(server, single_calls, rounds=5)
    finally:
        exit_code, stdout_rest, stderr = server.stop()

    latencies = [s for row in figures for values in row["latencies"].values() for s in values]
    by_operation: dict[str, list[float]] = {}
    for row in figures:
        for operation, values in row["latencies"].items():
            by_operation.setdefault(operation, []).extend(values)
    uploads = [s for row in figures for s in row["uploads"]]
    wall = max(row["last"] for row in figures) - min(row["first"] for row in figures)
    errors = [error for row in figures for error in row["errors"]]
    total = sum(row["calls"] for row in figures)
    not_2xx = [c for c in recorded if not 200 <= c["status"] < 300]
    loaded_get = statistics.median(by_operation["pinpoint GetImportJob"])
    return {
        "clients": clients,
        "processes": processes,
        "calls_per_client": calls,
        "total_calls": total,
        "expected_calls": clients * calls,
        "uploads": len(uploads),
        "wall_seconds": wall,
        "throughput": total / wall,
        "p50_ms": percentile(latencies, 0.50) * 1e3,
        "p99_ms": percentile(latencies, 0.99) * 1e3,
        "max_ms": max(latencies) * 1e3,
        "upload_p50_ms": percentile(uploads, 0.50) * 1e3,
        "upload_p99_ms": percentile(uploads, 0.99) * 1e3,
        "by_operation": {
            op: (len(v), percentile(v, 0.5) * 1e3, percentile(v, 0.99) * 1e3)
            for op, v in sorted(by_operation.items())
        },
        "errors": len(errors),
        "first_errors": errors[:3],
        "server_recorded": len(recorded),
        "server_not_2xx": len(not_2xx),
        "server_operations": Counter(c["operation"] for c in recorded),
        "jobs": len(jobs),
        "jobs_unfinished_or_failed": sum(
            1 for j in jobs if not j["finished"] or j["failure_reason"] is not None
        ),
        "expected_jobs": 3 * clients * blocks,
        "in_process_us": in_process * 1e6,
        "server_single_ms": unloaded * 1e3,
        "server_loaded_p50_ms": loaded_get * 1e3,
        "exit_code": exit_code,
        "stopped_line": "importmock server stopped" in stdout_rest,
        "stderr": stderr,
    }


def ok(result: dict[str, Any]) -> bool:
    """No error anywhere: every call made and answered 2xx, every job done, a clean stop."""
    return (
        result["errors"] == 0
        and result["total_calls"] == result["expected_calls"] == result["server_recorded"]
        and result["server_not_2xx"] == 0
        and result["jobs"] == result["expected_jobs"]
        and result["jobs_unfinished_or_failed"] == 0
        and result["exit_code"] == 0
        and result["stopped_line"]
        and not result["stderr"].strip()
    )


def report(result: dict[str, Any]) -> list[str]:
    r = result
    lines = [
        f"load: {r['clients']} clients ({r['processes']} client processes), "
        f"{r['calls_per_client']} API calls each, mixed qconnect/pinpoint/lexv2-models, "
        "progression reads",
        f"  total calls: {r['total_calls']} (expected {r['expected_calls']}; "
        f"+ {r['uploads']} uploads to presigned URLs, not API calls)",
        f"  wall time: {r['wall_seconds']:.2f} s; throughput: {r['throughput']:.0f} calls/s",
        f"  latency: p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, max {r['max_ms']:.1f} ms"
        f" (uploads: p50 {r['upload_p50_ms']:.1f} ms, p99 {r['upload_p99_ms']:.1f} ms)",
        f"  errors: {r['errors']}",
        *(f"    {error}" for error in r["first_errors"]),
        f"  server recorded {r['server_recorded']} calls, {r['server_not_2xx']} not 2xx; "
        f"{r['jobs']} jobs (expected {r['expected_jobs']}), "
        f"{r['jobs_unfinished_or_failed']} unfinished or failed",
        "  by operation:                       calls     p50 ms     p99 ms",
    ]
    for operation, (count, p50, p99) in r["by_operation"].items():
        lines.append(f"    {operation:32s} {count:6d} {p50:10.1f} {p99:10.1f}")
    lines += [
        "same call: pinpoint GetImportJob of a finished job",
        f"  in-process (mock_imports):             {r['in_process_us'] / 1e3:7.2f} ms/call",
        f"  server, one client alone (sequential): {r['server_single_ms']:7.2f} ms/call, "
        f"{r['server_single_ms'] * 1e3 / r['in_process_us']:.0f}x in-process",
        f"  server under the load above (p50):     {r['server_loaded_p50_ms']:7.2f} ms/call, "
        f"{r['server_loaded_p50_ms'] * 1e3 / r['in_process_us']:.0f}x in-process",
        f"server stopped with SIGINT: exit code {r['exit_code']}"
        + ("" if r["stopped_line"] else " (no 'stopped' line)")
        + (f"; stderr:\n{r['stderr']}" if r["stderr"].strip() else ""),
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--calls", type=int, default=200, help="API calls per client")
    args = parser.parse_args()
    result = run(args.clients, args.processes, args.calls)
    print(f"machine: {machine()}")
    print("\n".join(report(result)))
    print(f"verdict: {'PASS' if ok(result) else 'FAIL'} (no errors, every call 2xx, clean stop)")
    if not ok(result):
        sys.exit(1)


if __name__ == "__main__":
    main()

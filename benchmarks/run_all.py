"""Every benchmark in one run, printed side by side.

    python benchmarks/run_all.py            # 9 rounds x 300 calls, full-size imports
    python benchmarks/run_all.py --quick    # a smoke run: few calls, small imports, light load

Prints, every number measured in this run:

1. the per-call cost of representative calls of each mocked service through importmock,
   against the floor: the same call sent by a client of the same session whose request is
   answered by a bare botocore ``before-send`` handler returning the status, headers and
   body importmock returned for it in the same round. The floor parses the same bytes, so
   the difference is importmock's own work. Target: importmock/floor <= 1.3x.
2. the same importmock calls against moto, where moto implements a comparable call
   (Pinpoint GetApp; Lex V2 DescribeBot of a bot made by CreateBot). Target: moto's call
   takes at least 2x importmock's.
3. the Pinpoint 100,000-endpoint import and the Lex V2 1,000-intent import
   (``bench_pinpoint_import``, ``bench_lex_import``), each run in fresh processes, with the
   targets of docs/performance.md.
4. how much ``import importmock`` adds to ``import boto3``. Target 100 ms.
5. server mode under load (``bench_server``): ``python -m importmock server`` in a
   subprocess, driven by 32 concurrent clients from 4 processes (8 from 2 with --quick),
   200 mixed API calls each (40 with --quick): throughput, p50/p99 latency, errors (target
   0, with every call recorded 2xx, every job finished and a clean Ctrl-C stop), and one
   call in-process vs over the server.
6. the per-test cost of a mock (``bench_activation``): an empty decorated test and one that
   creates a client and makes one call, importmock against moto's ``mock_aws``. Target:
   importmock at most a quarter of moto.

Isolation: every round starts a fresh importmock and times its calls and the floor's, then
stops it and times moto's calls under a fresh ``mock_aws``; importmock and moto are never
active together. Each mock's clients are created inside that mock and each round creates
its resources again. Every contender's answer is checked: resources are named ``im-bench``
in importmock and ``mo-bench`` in moto, importmock's recorded calls are counted, and the
floor and moto clients are checked never to have been hooked by importmock.

Rounds are interleaved (importmock and floor alternate call by call, in an order that
flips every round) and the median per contender taken, so machine noise hits every
contender alike.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import statistics
import sys
import time
import types
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import bench_activation
import bench_lex_import
import bench_pinpoint_import
import bench_server
import boto3
import requests
from bench_calls import _Raw, import_cost, per_call
from botocore.awsrequest import AWSResponse
from botocore.endpoint import Endpoint
from measure import machine

from importmock import mock_imports

REGION = "us-east-1"
# Names of the same length, so both mocks answer bodies of the same size and each answer
# shows which mock gave it.
IMPORTMOCK_NAME = "im-bench"
MOTO_NAME = "mo-bench"
LEX_ROLE = "arn:aws:iam::123456789012:role/lex"
PINPOINT_ROLE = "arn:aws:iam::123456789012:role/import"
PER_CALL_TARGET = 1.3  # importmock/floor at most
MOTO_TARGET = 2.0  # moto/importmock at least
IMPORT_TIME_TARGET_MS = 100.0
# botocore's own Endpoint.make_request, taken before any mock patches it (importmock
# replaces it while active to hook every client on its first request).
_BOTOCORE_MAKE_REQUEST = Endpoint.make_request

Key = tuple[str, str]  # (client name, operation)
PER_CALL: list[Key] = [
    ("qconnect", "GetImportJob"),
    ("qconnect", "ListQuickResponses"),
    ("pinpoint", "GetApp"),
    ("pinpoint", "GetImportJob"),
    ("lexv2-models", "DescribeBot"),
    ("lexv2-models", "ListImports"),
]
AGAINST_MOTO: list[Key] = [("pinpoint", "GetApp"), ("lexv2-models", "DescribeBot")]
NOTES = {
    ("qconnect", "ListQuickResponses"): "10 of 20",
    ("lexv2-models", "ListImports"): "1 import",
}


# -- the calls -----------------------------------------------------------------------------
def bind(client: Any, key: Key, ids: dict[str, str]) -> Callable[[], Any]:
    """The call ``key`` on ``client``, with the resource ids of this round."""
    if key == ("qconnect", "GetImportJob"):
        return lambda: client.get_import_job(knowledgeBaseId=ids["kb"], importJobId=ids["qc_job"])
    if key == ("qconnect", "ListQuickResponses"):
        return lambda: client.list_quick_responses(knowledgeBaseId=ids["kb"], maxResults=10)
    if key == ("pinpoint", "GetApp"):
        return lambda: client.get_app(ApplicationId=ids["app"])
    if key == ("pinpoint", "GetImportJob"):
        return lambda: client.get_import_job(ApplicationId=ids["app"], JobId=ids["pp_job"])
    if key == ("lexv2-models", "DescribeBot"):
        return lambda: client.describe_bot(botId=ids["bot"])
    if key == ("lexv2-models", "ListImports"):
        return lambda: client.list_imports(maxResults=10)
    raise KeyError(key)


def check(key: Key, response: dict[str, Any], ids: dict[str, str], name: str) -> None:
    """Fail unless ``response`` is the answer about this round's resource named ``name``."""
    if key == ("qconnect", "GetImportJob"):
        job = response["importJob"]
        ok = job["importJobId"] == ids["qc_job"] and job["status"] == "COMPLETE"
    elif key == ("qconnect", "ListQuickResponses"):
        ok = len(response["quickResponseSummaries"]) == 10 and "nextToken" in response
    elif key == ("pinpoint", "GetApp"):
        app = response["ApplicationResponse"]
        ok = app["Id"] == ids["app"] and app["Name"] == name
    elif key == ("pinpoint", "GetImportJob"):
        job = response["ImportJobResponse"]
        ok = job["Id"] == ids["pp_job"] and job["JobStatus"] == "COMPLETED"
    elif key == ("lexv2-models", "DescribeBot"):
        ok = response["botId"] == ids["bot"] and response["botName"] == name
    elif key == ("lexv2-models", "ListImports"):
        (summary,) = response["importSummaries"]
        ok = summary["importId"] == ids["lex_import"] and summary["importStatus"] == "Completed"
    else:
        raise KeyError(key)
    if not ok:
        raise AssertionError(f"unexpected answer to {key}: {response}")


def importmock_resources(clients: dict[str, Any], mock: Any) -> dict[str, str]:
    """This round's importmock resources: what every importmock and floor call reads."""
    qc, pp, lex = clients["qconnect"], clients["pinpoint"], clients["lexv2-models"]
    kb = qc.create_knowledge_base(name=IMPORTMOCK_NAME, knowledgeBaseType="QUICK_RESPONSES")
    kb_id = kb["knowledgeBase"]["knowledgeBaseId"]
    upload = qc.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
    rows = "".join(f"qr{i},content {i}\n" for i in range(20))
    requests.put(
        upload["url"], data=f"name,content\n{rows}", headers=upload["headersToInclude"]
    ).raise_for_status()
    qc_job = qc.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
    )["importJob"]["importJobId"]

    app_id = pp.create_app(CreateApplicationRequest={"Name": IMPORTMOCK_NAME})[
        "ApplicationResponse"
    ]["Id"]
    mock.put_object("bench-bucket", "endpoints.csv", bench_pinpoint_import.generate(10))
    pp_job = pp.create_import_job(
        ApplicationId=app_id,
        ImportJobRequest={
            "Format": "CSV",
            "S3Url": "s3://bench-bucket/endpoints.csv",
            "RoleArn": PINPOINT_ROLE,
            "RegisterEndpoints": True,
        },
    )["ImportJobResponse"]["Id"]

    bot_id = lex.create_bot(**_bot_request(IMPORTMOCK_NAME))["botId"]
    lex_upload = lex.create_upload_url()
    archive = bench_lex_import.generate(2)
    requests.put(lex_upload["uploadUrl"], data=archive).raise_for_status()
    lex.start_import(
        importId=lex_upload["importId"],
        mergeStrategy="FailOnConflict",
        resourceSpecification={
            "botImportSpecification": {
                "botName": "Bench",
                "roleArn": LEX_ROLE,
                "dataPrivacy": {"childDirected": False},
            }
        },
    )
    return {
        "kb": kb_id,
        "qc_job": qc_job,
        "app": app_id,
        "pp_job": pp_job,
        "bot": bot_id,
        "lex_import": lex_upload["importId"],
    }


def moto_resources(clients: dict[str, Any]) -> dict[str, str]:
    """This round's moto resources, made like importmock's."""
    app = clients["pinpoint"].create_app(CreateApplicationRequest={"Name": MOTO_NAME})
    bot = clients["lexv2-models"].create_bot(**_bot_request(MOTO_NAME))
    return {"app": app["ApplicationResponse"]["Id"], "bot": bot["botId"]}


def _bot_request(name: str) -> dict[str, Any]:
    return {
        "botName": name,
        "roleArn": LEX_ROLE,
        "dataPrivacy": {"childDirected": False},
        "idleSessionTTLInSeconds": 300,
    }


class Floor:
    """A client answered by one bare ``before-send`` handler with a canned response.

    Its endpoint sends through botocore's own ``make_request``, so the floor runs botocore
    and the handler alone even while importmock (which patches ``Endpoint.make_request``)
    is active. ``response`` is replaced each round by what importmock answered.
    """

    def __init__(self, session: boto3.session.Session, service: str) -> None:
        self.response: tuple[int, dict[str, str], bytes] = (500, {}, b"")
        self.client = session.client(service, region_name=REGION)
        endpoint = self.client._endpoint
        endpoint.make_request = types.MethodType(_BOTOCORE_MAKE_REQUEST, endpoint)

        def answer(request: Any, **_: Any) -> AWSResponse:
            status, headers, body = self.response
            return AWSResponse(request.url, status, headers, _Raw(body))  # type: ignore[arg-type]

        self.client.meta.events.register_first("before-send", answer)


def capture(client: Any, functions: list[Callable[[], Any]]) -> dict[str, Any]:
    """Call each function once; the status, headers and body of each answer, by operation."""
    captured: dict[str, Any] = {}

    def keep(http_response: Any, model: Any, **_: Any) -> None:
        captured[model.name] = (
            http_response.status_code,
            dict(http_response.headers),
            http_response.content,
        )

    client.meta.events.register("after-call", keep)
    try:
        for function in functions:
            function()
    finally:
        client.meta.events.unregister("after-call", keep)
    return captured


# -- part 1 and 2: per-call cost -------------------------------------------------------------
@dataclass
class CallResults:
    samples: dict[tuple[str, Key], list[float]] = field(default_factory=dict)
    body_bytes: dict[tuple[str, Key], int] = field(default_factory=dict)

    def add(self, contender: str, key: Key, seconds: float) -> None:
        self.samples.setdefault((contender, key), []).append(seconds)

    def median(self, contender: str, key: Key) -> float:
        return statistics.median(self.samples[(contender, key)])

    def round_ratios(self, top: str, bottom: str, key: Key) -> list[float]:
        pairs = zip(self.samples[(top, key)], self.samples[(bottom, key)])
        return [a / b for a, b in pairs]


def measure_calls(calls: int, rounds: int) -> tuple[CallResults, str | None]:
    """Run the rounds; the samples, and why moto was left out (None when it ran)."""
    results = CallResults()
    # A session made before moto is imported, so its clients carry no moto handler.
    session = boto3.session.Session()
    clients: dict[str, Any] = {}
    floors: dict[Key, Floor] = {}
    moto_clients: dict[str, Any] = {}
    # Imported after the session (so importmock's and the floor's clients stay free of
    # moto's handler) and before the first round (so every round runs alike: importmock
    # does a little more work per call once moto is imported, as in a suite using both).
    mock_aws: Any = None
    moto_missing: str | None = None
    try:
        from moto import mock_aws
    except ImportError as error:
        moto_missing = f"moto is not installed ({error})"
    for round_number in range(rounds):
        with mock_imports() as mock:
            if not clients:
                clients = {s: session.client(s, region_name=REGION) for s, _ in PER_CALL}
                floors = {key: Floor(session, key[0]) for key in PER_CALL}
            ids = importmock_resources(clients, mock)
            functions = {key: bind(clients[key[0]], key, ids) for key in PER_CALL}
            for service in clients:
                captured = capture(
                    clients[service], [functions[k] for k in PER_CALL if k[0] == service]
                )
                for key in PER_CALL:
                    if key[0] == service:
                        floors[key].response = captured[key[1]]
                        results.body_bytes[("importmock", key)] = len(captured[key[1]][2])
            mock.calls.clear()
            for key in PER_CALL:
                contenders = [
                    ("importmock", functions[key]),
                    ("floor", bind(floors[key].client, key, ids)),
                ]
                if round_number % 2:
                    contenders.reverse()
                for contender, function in contenders:
                    check(key, function(), ids, IMPORTMOCK_NAME)  # also warms
                    results.add(contender, key, per_call(function, calls))
            answered = Counter((c.service, c.operation) for c in mock.calls if c.status < 300)
            expected = Counter({key: calls + 1 for key in PER_CALL})
            if answered != expected:
                raise AssertionError(f"importmock answered {answered}, expected {expected}")
        for floor in floors.values():
            if "_importmock_hooked" in floor.client._endpoint.__dict__:
                raise AssertionError("importmock hooked a floor client")

        if mock_aws is None:
            continue
        with mock_aws():
            if not moto_clients:
                moto_clients = {s: boto3.client(s, region_name=REGION) for s, _ in AGAINST_MOTO}
            moto_ids = moto_resources(moto_clients)
            for key in AGAINST_MOTO:
                client = moto_clients[key[0]]
                function = bind(client, key, moto_ids)
                captured = capture(client, [function])
                results.body_bytes[("moto", key)] = len(captured[key[1]][2])
                check(key, function(), moto_ids, MOTO_NAME)
                results.add("moto", key, per_call(function, calls))
        for client in moto_clients.values():
            if "_importmock_hooked" in client._endpoint.__dict__:
                raise AssertionError("importmock hooked a moto client")
    return results, moto_missing


# -- part 3: the large imports ---------------------------------------------------------------
def measure_imports(endpoints: int, intents: int, runs: int) -> dict[str, Any]:
    """Timed runs of both imports alternately (fresh processes), then one traced run each."""
    timed: dict[str, list[dict[str, Any]]] = {"pinpoint": [], "lex": []}
    for _ in range(runs):
        timed["pinpoint"].append(bench_pinpoint_import.run(endpoints, trace=False))
        timed["lex"].append(bench_lex_import.run(intents, trace=False))
    return {
        "timed": timed,
        "traced": {
            "pinpoint": bench_pinpoint_import.run(endpoints, trace=True),
            "lex": bench_lex_import.run(intents, trace=True),
        },
    }


# -- printing --------------------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        parts = [
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths))
        ]
        return "  " + "  ".join(parts).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(row) for row in rows)]


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} us"


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}x"


def versions() -> str:
    found = []
    for name in ("boto3", "botocore", "moto"):
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (< 60 s)")
    parser.add_argument("--calls", type=int, help="calls per contender per round")
    parser.add_argument("--rounds", type=int, help="interleaved rounds")
    parser.add_argument("--endpoints", type=int, help="endpoints in the Pinpoint import")
    parser.add_argument("--intents", type=int, help="intents in the Lex import")
    parser.add_argument("--server-clients", type=int, help="concurrent clients of the server")
    parser.add_argument("--server-calls", type=int, help="API calls per server client")
    args = parser.parse_args()
    full_endpoints, full_intents = 100_000, 1000
    calls = args.calls or (30 if args.quick else 300)
    rounds = args.rounds or (3 if args.quick else 9)
    endpoints = args.endpoints or (10_000 if args.quick else full_endpoints)
    intents = args.intents or (100 if args.quick else full_intents)
    import_runs = 1 if args.quick else 3
    import_repeats = 3 if args.quick else 7
    server_clients = args.server_clients or (8 if args.quick else 32)
    server_calls = args.server_calls or (40 if args.quick else 200)
    server_processes = 2 if args.quick else 4
    started = time.perf_counter()
    verdicts: list[tuple[str, str]] = []

    results, moto_missing = measure_calls(calls, rounds)
    imports = measure_imports(endpoints, intents, import_runs)
    boto3_samples, importmock_samples = import_cost(import_repeats)
    server = bench_server.run(server_clients, server_processes, server_calls)
    per_test = bench_activation.run(10 if args.quick else 30, 3 if args.quick else 7)

    out: list[str] = []
    out.append(f"machine: {machine()}")
    out.append(f"{versions()}{'  [--quick]' if args.quick else ''}")
    out.append("")
    out.append(
        f"1. Per call: importmock vs the floor (bare before-send handler answering the bytes "
        f"importmock returned)\n   {rounds} interleaved rounds x {calls} calls per contender; "
        f"medians; target importmock/floor <= {PER_CALL_TARGET:.1f}x"
    )
    rows = []
    for key in PER_CALL:
        mocked, floor = results.median("importmock", key), results.median("floor", key)
        ratio = mocked / floor
        ok = ratio <= PER_CALL_TARGET
        label = f"{key[0]} {key[1]}" + (f" ({NOTES[key]})" if key in NOTES else "")
        verdicts.append((f"per call {key[0]} {key[1]}", verdict(ok)))
        rows.append(
            [
                label,
                str(results.body_bytes[("importmock", key)]),
                us(mocked),
                us(floor),
                f"{ratio:.2f}x",
                spread(results.round_ratios("importmock", "floor", key)),
                verdict(ok),
            ]
        )
    header = ["call", "body B", "importmock", "floor", "ratio", "rounds", "verdict"]
    out += table(header, rows, right={1, 2, 3, 4, 5})
    out.append("")

    out.append(
        f"2. Against moto (mock_aws; never active together with importmock), same rounds; "
        f"target moto/importmock >= {MOTO_TARGET:.1f}x"
    )
    if moto_missing is not None:
        out.append(f"  skipped: {moto_missing}")
    else:
        rows = []
        for key in AGAINST_MOTO:
            mocked, moto = results.median("importmock", key), results.median("moto", key)
            ratio = moto / mocked
            ok = ratio >= MOTO_TARGET
            verdicts.append((f"vs moto {key[0]} {key[1]}", verdict(ok)))
            rows.append(
                [
                    f"{key[0]} {key[1]}",
                    f"{results.body_bytes[('importmock', key)]} / "
                    f"{results.body_bytes[('moto', key)]}",
                    us(mocked),
                    us(moto),
                    f"{ratio:.2f}x",
                    spread(results.round_ratios("moto", "importmock", key)),
                    verdict(ok),
                ]
            )
        header = ["call", "body B im/moto", "importmock", "moto", "moto/im", "rounds", "verdict"]
        out += table(header, rows, right={1, 2, 3, 4, 5})
    out.append("")

    out.append(
        f"3. Large imports (immediate mode), each in a fresh process: median of {import_runs} "
        "timed run(s); traced peak from one separate tracemalloc run"
    )
    rows = []
    specs = [
        (
            "pinpoint",
            f"Pinpoint {endpoints:,} endpoints",
            f"{imports['timed']['pinpoint'][0]['csv_mib']:.1f} MiB CSV",
            "CreateImportJob to endpoints readable",
            bench_pinpoint_import,
            endpoints == full_endpoints,
        ),
        (
            "lex",
            f"Lex V2 {intents:,} intents x 5 slots",
            f"{imports['timed']['lex'][0]['zip_kib']:.0f} KiB zip",
            "CreateUploadUrl to intents listable",
            bench_lex_import,
            intents == full_intents,
        ),
    ]
    for name, label, size, span, module, full_size in specs:
        runs = imports["timed"][name]
        seconds = statistics.median(r["seconds"] for r in runs)
        rss_mib = statistics.median(r["rss_peak_over_baseline_mib"] for r in runs)
        rss_mb = rss_mib * 1024 * 1024 / 1e6
        traced = imports["traced"][name]["traced_peak_mib"]
        if full_size:
            time_verdict = verdict(seconds <= module.TARGET_SECONDS)
            memory_verdict = verdict(rss_mb <= module.TARGET_MB)
            verdicts.append((f"{name} import time", time_verdict))
            verdicts.append((f"{name} import memory", memory_verdict))
        else:
            time_verdict = memory_verdict = "n/a (smaller than the target's size)"
        all_runs = ", ".join(f"{r['seconds']:.2f}" for r in runs)
        times = f" (runs: {all_runs})" if len(runs) > 1 else ""
        rows += [
            [
                label,
                span,
                f"{seconds:.2f} s{times}",
                f"<= {module.TARGET_SECONDS:g} s",
                time_verdict,
            ],
            [
                f"  ({size})",
                "peak RSS over the process's baseline",
                f"{rss_mib:.0f} MiB ({rss_mb:.0f} MB)",
                f"<= {module.TARGET_MB} MB",
                memory_verdict,
            ],
            ["", "peak traced Python allocations", f"{traced:.0f} MiB", "", ""],
        ]
    out += table(["import", "measure", "value", "target", "verdict"], rows, right={2})
    out.append("")

    out.append(
        f"4. import cost: {import_repeats} fresh interpreters each, run alternately; "
        f"target importmock adds <= {IMPORT_TIME_TARGET_MS:.0f} ms"
    )
    paired = [b - a for a, b in zip(boto3_samples, importmock_samples)]
    added_best = (min(importmock_samples) - min(boto3_samples)) * 1e3
    added_median = statistics.median(paired) * 1e3
    ok = max(added_best, added_median) <= IMPORT_TIME_TARGET_MS
    verdicts.append(("import importmock", verdict(ok)))
    rows = [
        [
            "import boto3",
            f"{min(boto3_samples) * 1e3:.0f} ms",
            f"{statistics.median(boto3_samples) * 1e3:.0f} ms",
            "",
            "",
        ],
        [
            "import boto3, importmock",
            f"{min(importmock_samples) * 1e3:.0f} ms",
            f"{statistics.median(importmock_samples) * 1e3:.0f} ms",
            "",
            "",
        ],
        [
            "importmock adds",
            f"{added_best:+.0f} ms",
            f"{added_median:+.0f} ms (paired)",
            f"<= {IMPORT_TIME_TARGET_MS:.0f} ms",
            verdict(ok),
        ],
    ]
    out += table(["", "best", "median", "target", "verdict"], rows, right={1, 2})
    out.append("")

    server_ok = bench_server.ok(server)
    verdicts.append(("server under load", verdict(server_ok)))
    out.append(
        "5. Server mode under load (bench_server): target 0 errors, every call recorded 2xx, "
        f"every job finished, clean SIGINT stop: {verdict(server_ok)}"
    )
    out += [f"  {line}" for line in bench_server.report(server)]
    out.append("")

    per_test_lines, per_test_ok = bench_activation.report(per_test)
    verdicts.append(("per-test cost vs moto", verdict(per_test_ok)))
    out.append(
        "6. Per test (bench_activation): starting and stopping the mock around an empty test "
        "and around a client + one call, CPU time; target importmock <= "
        f"{bench_activation.TARGET:.2f}x moto: {verdict(per_test_ok)}"
    )
    out += [f"  {line}" for line in per_test_lines]
    out.append("")

    misses = [name for name, result in verdicts if result == "MISS"]
    out.append(
        f"summary: {len(verdicts) - len(misses)} PASS, {len(misses)} MISS"
        + (f" ({'; '.join(misses)})" if misses else "")
    )
    out.append(f"runtime: {time.perf_counter() - started:.1f} s")
    print("\n".join(out))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Per-call cost of importmock against the floor, and import cost.

Prints, measured in this one run:
- a GetImportJob through importmock vs the same call answered by a bare ``before-send``
  handler that returns one canned response (the floor: botocore's own cost);
- a ListQuickResponses call the same way;
- when moto is installed, a comparable moto call (Pinpoint GetApp, also rest-json);
- how much ``import importmock`` adds to ``import boto3``.

Rounds are interleaved and the median taken, so machine noise hits every contender alike.
Usage: python benchmarks/bench_calls.py [--calls N] [--rounds R]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from io import BytesIO
from typing import Any

import boto3
import requests
from botocore.awsrequest import AWSResponse

from importmock import mock_imports


class _Raw(BytesIO):
    def stream(self, **_: Any) -> Any:
        yield self.getvalue()


def per_call(function: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls


def canned_client(service: str, status: int, headers: dict[str, str], body: bytes) -> Any:
    """A client whose every request is answered by a bare before-send handler."""
    client = boto3.client(service, region_name="us-east-1")

    def answer(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, status, headers, _Raw(body))  # type: ignore[arg-type]

    client.meta.events.register_first("before-send", answer)
    # Created while the mock is active, this client would also get importmock's hook on its
    # first request; mark it hooked so the floor measures botocore and the handler alone.
    client._endpoint._importmock_hooked = True
    return client


def import_cost(repeats: int = 7) -> tuple[list[float], list[float]]:
    """Wall times of ``import boto3`` and ``import boto3, importmock`` in fresh interpreters.

    The two are run alternately, so machine noise hits both alike; one list of ``repeats``
    samples each, in run order (so pairs can be compared).
    """

    def timed(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    boto3_only: list[float] = []
    with_importmock: list[float] = []
    for _ in range(repeats):
        boto3_only.append(timed("import boto3"))
        with_importmock.append(timed("import boto3, importmock"))
    return boto3_only, with_importmock


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()

    contenders: dict[str, Callable[[], Any]] = {}
    with mock_imports() as mock:
        qc = boto3.client("qconnect", region_name="us-east-1")
        kb = qc.create_knowledge_base(name="bench", knowledgeBaseType="QUICK_RESPONSES")
        kb_id = kb["knowledgeBase"]["knowledgeBaseId"]
        upload = qc.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        rows = "".join(f"qr{i},content {i}\n" for i in range(20))
        requests.put(
            upload["url"], data=f"name,content\n{rows}", headers=upload["headersToInclude"]
        )
        job_id = qc.start_import_job(
            knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload["uploadId"]
        )["importJob"]["importJobId"]
        qc.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)
        mock.calls.clear()

        def mocked_get() -> Any:
            return qc.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)

        def mocked_list() -> Any:
            return qc.list_quick_responses(knowledgeBaseId=kb_id, maxResults=10)

        # Capture importmock's exact responses so the floor parses the same bytes.
        captured: dict[str, tuple[int, dict[str, str], bytes]] = {}

        def capture(http_response: Any, parsed: Any, model: Any, **_: Any) -> None:
            captured[model.name] = (
                http_response.status_code,
                dict(http_response.headers),
                http_response.content,
            )

        qc.meta.events.register("after-call", capture)
        mocked_get()
        mocked_list()
        qc.meta.events.unregister("after-call", capture)
        floor_get_client = canned_client("qconnect", *captured["GetImportJob"])
        floor_list_client = canned_client("qconnect", *captured["ListQuickResponses"])

        contenders["importmock GetImportJob"] = mocked_get
        contenders["floor GetImportJob"] = lambda: floor_get_client.get_import_job(
            knowledgeBaseId=kb_id, importJobId=job_id
        )
        contenders["importmock ListQuickResponses"] = mocked_list
        contenders["floor ListQuickResponses"] = lambda: floor_list_client.list_quick_responses(
            knowledgeBaseId=kb_id, maxResults=10
        )
        results: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(args.rounds):
            for name, function in contenders.items():
                function()  # warm
                results[name].append(per_call(function, args.calls))
            mock.calls.clear()

    moto_result = None
    try:
        from moto import mock_aws
    except ImportError:
        pass
    else:
        with mock_aws():
            pinpoint = boto3.client("pinpoint", region_name="us-east-1")
            app_id = pinpoint.create_app(CreateApplicationRequest={"Name": "bench"})[
                "ApplicationResponse"
            ]["Id"]
            samples = [
                per_call(lambda: pinpoint.get_app(ApplicationId=app_id), args.calls)
                for _ in range(args.rounds)
            ]
            moto_result = statistics.median(samples)

    median = {name: statistics.median(values) for name, values in results.items()}
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}, {args.rounds} rounds x {args.calls} calls"
    )
    for name, value in median.items():
        print(f"  {name:34s} {value * 1e6:8.1f} us/call")
    for op in ("GetImportJob", "ListQuickResponses"):
        ratio = median[f"importmock {op}"] / median[f"floor {op}"]
        print(f"ratio importmock/floor {op}: {ratio:.2f}x (target <= 1.30x)")
    if moto_result is not None:
        print(f"  {'moto pinpoint GetApp':34s} {moto_result * 1e6:8.1f} us/call")
        print(
            f"ratio importmock GetImportJob / moto GetApp: "
            f"{median['importmock GetImportJob'] / moto_result:.2f}x"
        )
    boto3_samples, importmock_samples = import_cost()
    boto3_only, with_importmock = min(boto3_samples), min(importmock_samples)
    print(
        f"import boto3: {boto3_only * 1e3:.0f} ms; import boto3, importmock: "
        f"{with_importmock * 1e3:.0f} ms; importmock adds "
        f"{(with_importmock - boto3_only) * 1e3:.0f} ms (target <= 100 ms)"
    )


if __name__ == "__main__":
    main()

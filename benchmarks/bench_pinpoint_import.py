"""Time and peak memory of a Pinpoint import of a generated 100,000-endpoint CSV.

Prints, measured in this one run (each measurement in a fresh Python process, so one does
not warm or bloat the other):

- wall time from CreateImportJob to the endpoints being readable (immediate mode: the job
  reads, judges and registers every row before the first GetImportJob answers);
- peak resident memory of that process above its baseline (after imports and the client
  were set up, before the file was generated), and the peak of Python allocations traced
  by tracemalloc in a separate run.

Targets: at most 3 s and 300 MB. Usage:
    python benchmarks/bench_pinpoint_import.py [--endpoints N]
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from typing import Any

from measure import current_rss_mib, peak_rss_mib, print_import, run_child

TARGET_SECONDS = 3.0
TARGET_MB = 300  # megabytes (10**6 bytes), as docs/performance.md states it

HEADER = (
    "Id,ChannelType,Address,Location.Country,Demographic.Platform,"
    "Attributes.Interest,Attributes.Interest,Metrics.score,User.UserId\n"
)


def generate(count: int) -> bytes:
    rows = [HEADER]
    channels = ("EMAIL", "SMS", "PUSH")
    for n in range(count):
        channel = channels[n % 3]
        address = f"user{n}@example.com" if channel == "EMAIL" else f"+1425{n:07d}"
        rows.append(
            f"endpoint-{n},{channel},{address},US,ios,music,travel,{n % 10},user-{n // 3}\n"
        )
    return "".join(rows).encode()


def child(count: int, trace: bool) -> dict[str, Any]:
    import boto3

    from importmock import mock_imports

    with mock_imports() as m:
        client = boto3.client("pinpoint", region_name="us-east-1")
        app = client.create_app(CreateApplicationRequest={"Name": "bench"})
        app_id = app["ApplicationResponse"]["Id"]
        baseline = current_rss_mib()
        if trace:
            tracemalloc.start()
        body = generate(count)
        size_mib = len(body) / (1024 * 1024)
        m.put_object("bench-bucket", "endpoints.csv", body)
        del body
        started = time.perf_counter()
        job = client.create_import_job(
            ApplicationId=app_id,
            ImportJobRequest={
                "Format": "CSV",
                "S3Url": "s3://bench-bucket/endpoints.csv",
                "RoleArn": "arn:aws:iam::123456789012:role/import",
                "RegisterEndpoints": True,
                "DefineSegment": True,
                "SegmentName": "everyone",
            },
        )["ImportJobResponse"]
        done = client.get_import_job(ApplicationId=app_id, JobId=job["Id"])["ImportJobResponse"]
        last = client.get_endpoint(ApplicationId=app_id, EndpointId=f"endpoint-{count - 1}")
        elapsed = time.perf_counter() - started
        traced = tracemalloc.get_traced_memory()[1] / (1024 * 1024) if trace else None
        assert done["JobStatus"] == "COMPLETED", done
        assert done["TotalProcessed"] == count and done["TotalFailures"] == 0, done
        assert last["EndpointResponse"]["Address"]
        return {
            "csv_mib": size_mib,
            "seconds": elapsed,
            "rss_peak_over_baseline_mib": peak_rss_mib() - baseline,
            "traced_peak_mib": traced,
        }


def run(count: int, trace: bool) -> dict[str, Any]:
    return run_child(
        __file__, ["--endpoints", str(count), "--child"] + (["--trace"] if trace else [])
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=100_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.endpoints, args.trace)))
        return
    timed = run(args.endpoints, trace=False)
    traced = run(args.endpoints, trace=True)
    print_import(
        f"Pinpoint import of {args.endpoints:,} endpoints ({timed['csv_mib']:.1f} MiB CSV)",
        "CreateImportJob to endpoints readable",
        timed,
        traced,
        TARGET_SECONDS,
        TARGET_MB,
    )


if __name__ == "__main__":
    main()

"""Per-test cost: what starting and stopping a mock adds to every test, against moto.

Two tests, each run many times under each contender, in one process:

- an empty decorated test: ``@mock_imports`` vs moto's ``@mock_aws`` around nothing;
- a test that creates a client and makes one call: ``boto3.client("pinpoint")`` and
  ``create_app`` under each (moto implements Pinpoint's CreateApp too), against the floor:
  the same client and call with no mock, answered by a bare ``before-send`` handler
  registered on the default session.

Every start re-reads the default session's credentials, profile and config (so the client
test pays for that, as a real test would), and each contender's answer is checked. Rounds
are interleaved, in an order that flips every round, and CPU time's median per contender
taken, so machine noise hits every contender alike. Target: importmock's per-test cost at
most a quarter of moto's.

Usage: python benchmarks/bench_activation.py [--tests N] [--rounds R]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from measure import machine

from importmock import mock_imports

TARGET = 0.25  # importmock / moto
REGION = "us-east-1"
_FLOOR_BODY = json.dumps(
    {"Arn": "arn", "Id": "0" * 32, "Name": "bench", "tags": {}, "CreationDate": "x"}
).encode()


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def _floor_answer(request: Any, **_: Any) -> AWSResponse:
    return AWSResponse(request.url, 201, {}, _Raw(_FLOOR_BODY))  # type: ignore[arg-type]


def _client_and_call(name: str) -> str:
    client = boto3.client("pinpoint", region_name=REGION)
    return client.create_app(CreateApplicationRequest={"Name": name})["ApplicationResponse"]["Name"]


def _floor_client_and_call() -> str:
    # the answer is registered on the default session, as a mock's hook is in effect: a
    # registration on each client would copy its emitter, a cost no mock pays
    events = boto3._get_default_session().events
    events.register_first("before-send.pinpoint", _floor_answer, unique_id="bench-floor")
    try:
        return _client_and_call("bench")
    finally:
        events.unregister("before-send.pinpoint", unique_id="bench-floor")


def contenders() -> dict[str, Callable[[], Any]]:
    from moto import mock_aws

    @mock_imports
    def importmock_empty() -> None:
        pass

    @mock_aws
    def moto_empty() -> None:
        pass

    @mock_imports
    def importmock_call() -> None:
        assert _client_and_call("im-bench") == "im-bench"

    @mock_aws
    def moto_call() -> None:
        assert _client_and_call("mo-bench") == "mo-bench"

    def floor_call() -> None:
        assert _floor_client_and_call() == "bench"

    return {
        "empty: importmock": importmock_empty,
        "empty: moto": moto_empty,
        "client + call: floor": floor_call,
        "client + call: importmock": importmock_call,
        "client + call: moto": moto_call,
    }


def run(tests: int, rounds: int) -> dict[str, float]:
    """Median CPU seconds per test for every contender."""
    # the floor has no mock to lend it credentials: give the process some, as a CI job has
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIABENCHMARKFLOOR00")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "benchmark-floor-secret")
    runs = contenders()
    for test in runs.values():  # warm up: models loaded, moto imported, classes built
        test()
    samples: dict[str, list[float]] = {name: [] for name in runs}
    order = list(runs)
    for round_number in range(rounds):
        for name in order if round_number % 2 == 0 else reversed(order):
            test = runs[name]
            gc.collect()  # the garbage another contender left is not this one's cost
            start = time.process_time()
            for _ in range(tests):
                test()
            samples[name].append((time.process_time() - start) / tests)
    return {name: statistics.median(values) for name, values in samples.items()}


def report(medians: dict[str, float]) -> tuple[list[str], bool]:
    lines = []
    ok = True
    for test in ("empty", "client + call"):
        ours, moto = medians[f"{test}: importmock"], medians[f"{test}: moto"]
        ratio = ours / moto
        passed = ratio <= TARGET
        ok &= passed
        floor = medians.get(f"{test}: floor")
        floor_text = f", floor {floor * 1e3:.2f} ms ({ours / floor:.2f}x)" if floor else ""
        lines.append(
            f"{test:14} importmock {ours * 1e3:7.2f} ms  moto {moto * 1e3:7.2f} ms  "
            f"ratio {ratio:.2f} (target <= {TARGET:.2f}) "
            f"{'PASS' if passed else 'MISS'}{floor_text}"
        )
    return lines, ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=30, help="tests per contender per round")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"per test, CPU time, median of {args.rounds} rounds x {args.tests} tests")
    lines, _ = report(run(args.tests, args.rounds))
    print("\n".join(lines))


if __name__ == "__main__":
    main()

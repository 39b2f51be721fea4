"""Measuring helpers shared by the import benchmarks: memory, the machine, child runs.

Each import benchmark measures in fresh Python processes (one timed, one traced by
tracemalloc), so one measurement neither warms nor bloats the other.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
from typing import Any


def peak_rss_mib() -> float:
    """This process's peak resident memory.

    On Linux, VmHWM of /proc/self/status: the peak of this program's own memory. Not
    ru_maxrss there, which a child inherits from its parent across fork and exec: a child
    of a large parent (run_all.py, with every model and moto loaded) would report the
    parent's peak as its own. Elsewhere ru_maxrss (KiB on Linux, bytes on macOS).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def current_rss_mib() -> float:
    """This process's resident memory now (Linux), else its peak so far."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * resource.getpagesize() / (1024 * 1024)
    except OSError:
        return peak_rss_mib()


def run_child(script: str, arguments: list[str]) -> dict[str, Any]:
    """Run ``script`` in a fresh interpreter; the JSON object its last line prints."""
    command = [sys.executable, script, *arguments]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def machine() -> str:
    """CPU model, CPU count, architecture and Python version."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs, {platform.machine()}, Python {sys.version.split()[0]}"


def print_import(
    title: str,
    measured: str,
    timed: dict[str, Any],
    traced: dict[str, Any],
    target_seconds: float,
    target_mb: int,
) -> None:
    """The report of a big-import benchmark: time, peak RSS and traced peak vs targets."""
    print(f"machine: {machine()}")
    print(title)
    print(f"  time, {measured}: {timed['seconds']:.2f} s (target {target_seconds:g} s)")
    print(
        f"  peak RSS over baseline: {timed['rss_peak_over_baseline_mib']:.0f} MiB "
        f"(target {target_mb} MB)"
    )
    print(f"  peak traced Python allocations: {traced['traced_peak_mib']:.0f} MiB")

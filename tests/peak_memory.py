"""Peak resident memory of this process, for tests that measure it in a child process.

Linux only (``/proc/self/status``), as the memory bounds of docs/conformance.md are stated.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

MiB = 1 << 20
REPOSITORY = Path(__file__).resolve().parents[1]


def memory() -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (its peak) of this process, in bytes."""
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) * 1024
    return found


def reset_peak() -> bool:
    """Set VmHWM back to the current resident set (Linux 4.0+), if this kernel allows."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return False
    now = memory()
    return now["VmHWM"] <= now["VmRSS"] + MiB


def measured_in_children(module: str, names: list[str], timeout: float) -> dict[str, Any]:
    """``module.measure_in_this_process(names)`` run in fresh child processes, by name.

    That function measures each named input in turn and reports its ``growth`` (None when
    the peak could not be reset before it, which is never the case for the first). One child
    serves every input where the kernel lets a process reset its peak, else one child per
    input. ``timeout``: seconds are expected; minutes mean a reader lost its bound.
    """
    child = (
        "import json, sys\n"
        f"from {module} import measure_in_this_process\n"
        "print(json.dumps(measure_in_this_process(sys.argv[1:])))\n"
    )
    pending, results = list(names), {}
    while pending:
        done = subprocess.run(
            [sys.executable, "-c", child, *pending],
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        for result in json.loads(done.stdout.splitlines()[-1]):
            if result["growth"] is not None:
                results[result["name"]] = result
        pending = [name for name in pending if name not in results]
    return results

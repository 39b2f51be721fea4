"""Peak resident memory of this process, for tests that measure it in a child process.

Linux only (``/proc/self/status``), as the memory bounds of docs/conformance.md are stated.
"""

from __future__ import annotations

MiB = 1 << 20


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

"""`python -m importmock demo`, the README's first command, runs on a plain install.

A plain install has boto3 and nothing else: the child process below cannot import the test
extras' HTTP libraries, as on a machine that ran only `pip install .`.
"""

from __future__ import annotations

import re
import subprocess
import sys

# Runs the demo with requests, responses, httpx and aiohttp unimportable.
WITHOUT_TEST_EXTRAS = """
import runpy, sys

class Absent:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("requests", "responses", "httpx", "aiohttp"):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, Absent())
sys.argv = ["importmock", "demo"]
runpy.run_module("importmock", run_name="__main__")
"""

UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_the_demo_needs_only_boto3() -> None:
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", WITHOUT_TEST_EXTRAS],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    lines = [re.sub(UUID, "<id>", line) for line in done.stdout.splitlines()]
    assert lines[:4] == [
        "knowledge base <id> is ACTIVE",
        "uploaded quick-responses.csv: HTTP 200",
        "import job <id>: START_IN_PROGRESS",
        "import job <id>: COMPLETE",
    ]
    assert sorted(lines[4:6]) == [
        "created quick response 'Greeting' (CREATED)",
        "created quick response 'Refund policy' (CREATED)",
    ]
    assert lines[6:] == [
        "failed row 'Farewell': The shortcut key 'hello' is already in use.",
        "5 calls intercepted; nothing left this process.",
    ]

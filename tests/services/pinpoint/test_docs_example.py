"""The worked example of docs/services/pinpoint.md runs as written (moto's S3 included)."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "services" / "pinpoint.md"


def test_the_documented_import_flow_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    example = next(block for block in blocks if "create_import_job" in block)
    namespace: dict[str, object] = {}
    exec(compile(example, str(DOC), "exec"), namespace)  # its asserts are the test
    assert namespace["statuses"] == [
        "PREPARING_FOR_INITIALIZATION",
        "INITIALIZING",
        "PROCESSING",
        "COMPLETING",
        "COMPLETED",
    ]

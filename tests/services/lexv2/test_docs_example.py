"""The worked example of docs/services/lexv2.md runs as written."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "services" / "lexv2.md"


def test_the_documented_import_and_export_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    example = next(block for block in blocks if "start_import" in block)
    namespace: dict[str, object] = {}
    exec(compile(example, str(DOC), "exec"), namespace)  # its asserts are the test
    assert namespace["imported"]["importStatus"] == "Completed"  # type: ignore[index]


def test_the_documented_authoring_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    example = next(block for block in blocks if "create_intent" in block)
    namespace: dict[str, object] = {}
    exec(compile(example, str(DOC), "exec"), namespace)  # its asserts are the test
    assert namespace["size"]  # the slot was created

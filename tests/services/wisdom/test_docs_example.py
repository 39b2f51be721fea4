"""The content example of docs/services/wisdom.md runs as written."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "services" / "wisdom.md"


def test_the_documented_content_flow_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    example = next(block for block in blocks if "create_content" in block)
    namespace: dict[str, object] = {}
    exec(compile(example, str(DOC), "exec"), namespace)  # its asserts are the test
    assert namespace["updated"]["status"] == "CREATE_IN_PROGRESS"  # type: ignore[index]

"""Every Python block of README.md and the docs runs as written.

Each block runs alone in a fresh interpreter (so a mock it starts cannot leak into another
block or into this suite), from a file in a temporary directory. A block that defines
tests (``def test_...`` or ``class Test...``) runs under pytest, with the importmock
plugin, and all its tests must pass; any other block runs as a script, its asserts being
the test. A block right after a ``<!-- fragment -->`` line is not run (see
docs/design.md, "Examples in the docs"); a block is skipped when it needs an optional
module or a program this machine does not have.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PAGES += sorted((ROOT / "docs" / "services").glob("*.md"))
# A Python block: the line before its fence, then the code up to the closing fence.
FENCE = re.compile(r"^([^\n]*)\n```(?:python|py)[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
FRAGMENT = "<!-- fragment -->"
# The docs follow the newest botocore models; a block relying on an error an older model
# does not declare says so on the line before its fence, and is skipped with older models
# (tox's botocore-oldest), e.g. <!-- needs qconnect CreateKnowledgeBase UnauthorizedException -->
NEEDS_ERROR = re.compile(r"<!-- needs (\S+) (\S+) (\S+) -->")
MISSING_MODULE = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")
PROGRAMS = ("curl", "node")
DEFINES_TESTS = re.compile(r"^(?:async )?def test|^class Test", re.M)


def python_blocks() -> list[tuple[str, str, str, str]]:
    """(page, first line number, code, the line before the fence) of every Python block
    that is not a fragment."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in FENCE.finditer(text):
            if block[1].strip() == FRAGMENT:
                continue
            line = text.count("\n", 0, block.start(2)) + 1
            found.append((str(page.relative_to(ROOT)), str(line), block[2], block[1].strip()))
    return found


def skip_unless_the_model_declares(before: str) -> None:
    needs = NEEDS_ERROR.fullmatch(before)
    if needs is None:
        return
    import botocore.session

    service, operation, error = needs.groups()
    model = botocore.session.get_session().get_service_model(service)
    declared = {shape.name for shape in model.operation_model(operation).error_shapes}
    if error not in declared:
        pytest.skip(f"this botocore's {service} {operation} does not declare {error}")


BLOCKS = python_blocks()


def skip_if_unavailable(code: str, output: str) -> None:
    """Skip a block that needs an optional module, or a program, this machine lacks."""
    for program in PROGRAMS:
        if f'"{program}"' in code and shutil.which(program) is None:
            pytest.skip(f"needs {program}")
    missing = MISSING_MODULE.search(output)
    if missing and importlib.util.find_spec(missing[1].split(".")[0]) is None:
        pytest.skip(f"needs {missing[1]}, not installed")


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # Only the importmock plugin (see the pytest command): other plugins' start-up would
    # dominate the run, and a block must not depend on them.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=240)


@pytest.mark.parametrize(
    ("page", "line", "code", "before"), BLOCKS, ids=[f"{p}:{n}" for p, n, _, _ in BLOCKS]
)
def test_the_block_runs_as_written(
    page: str, line: str, code: str, before: str, tmp_path: Path
) -> None:
    # The block's own line numbers in tracebacks: pad it down to where it sits in the page.
    source = "\n" * (int(line) - 1) + code
    skip_if_unavailable(code, "")
    skip_unless_the_model_declares(before)
    if DEFINES_TESTS.search(code):
        script = tmp_path / "test_docs_block.py"
        script.write_text(source, encoding="utf-8")
        done = run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "importmock.pytest_plugin",
                "-W",
                "error::UserWarning",
                str(script),
            ],
            tmp_path,
        )
        skip_if_unavailable(code, done.stdout + done.stderr)
        summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        assert done.returncode == 0 and " passed" in summary and "failed" not in summary, (
            f"{page}:{line}\n{done.stdout}{done.stderr}"
        )
    else:
        script = tmp_path / "docs_block.py"
        script.write_text(source, encoding="utf-8")
        done = run([sys.executable, str(script)], tmp_path)
        skip_if_unavailable(code, done.stderr)
        assert done.returncode == 0, f"{page}:{line}\n{done.stdout}{done.stderr}"


def test_blocks_are_found_and_fragments_skipped() -> None:
    pages = {page for page, _, _, _ in BLOCKS}
    assert {"README.md", "docs/activation.md", "docs/services/pinpoint.md"} <= pages
    sample = "text\n<!-- fragment -->\n```python\nnot run\n```\n\n```python\nrun = True\n```\n"
    assert [(b[1], b[2]) for b in FENCE.finditer(sample)] == [
        (FRAGMENT, "not run\n"),
        ("", "run = True\n"),
    ]
    assert not any("lex.create_resource_policy_statement(" in code for _, _, code, _ in BLOCKS)

"""importmock ships its annotations (PEP 561 ``py.typed``): a user's typed test module
passes ``mypy --strict`` and pyright's strict mode, and a misspelt option is a type error.

pyright runs as ``basedpyright`` (PyPI; it carries its own Node.js, so nothing is fetched
outside the package index). Both checkers are in the ``test`` extra; a test skips, naming
the missing checker, when one is not installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import importmock

HERE = Path(__file__).parent
# The directory holding the importmock under test, so the checkers see this one.
PACKAGE_ROOT = Path(importmock.__file__).parent.parent

# Each line marked `# error` must be reported, and no other line.
MISTAKES = """\
from importmock import mock_imports

with mock_imports(progression="tme") as m:  # error
    m.advance()
with mock_imports(progression={"qconnect": "fast"}):  # error
    pass
with mock_imports(upload_urls="loopbak"):  # error
    pass
with mock_imports(progresion="time"):  # error
    pass
with mock_imports(sleep="advanced"):  # error
    pass
mock_imports(progression="time").advance()  # error
"""
EXPECTED = {
    number for number, line in enumerate(MISTAKES.splitlines(), 1) if line.endswith("# error")
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's project: the typed test module, the mistakes, and checker configs that
    turn on strict mode (and keep importmock's own pyproject settings out)."""
    shutil.copy(HERE / "user_code.py", tmp_path / "user_code.py")
    (tmp_path / "mistakes.py").write_text(MISTAKES)
    (tmp_path / "mypy.ini").write_text("[mypy]\nstrict = True\n")
    (tmp_path / "pyrightconfig.json").write_text(
        json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.10"})
    )
    return tmp_path


def _run(command: list[str], cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(PACKAGE_ROOT)}
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    return done.stdout + done.stderr


def _error_lines(output: str, file: str) -> dict[int, list[str]]:
    """Line number -> the error messages a checker gave for ``file``."""
    errors: dict[int, list[str]] = {}
    for match in re.finditer(
        rf"^.*{re.escape(file)}:(\d+):(?:\d+)?\s*(?:-\s*)?error: (.*)$", output, re.M
    ):
        errors.setdefault(int(match[1]), []).append(match[2])
    return errors


def test_mypy_strict_accepts_typed_use_and_rejects_wrong_options(project: Path) -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (pip install -e '.[test]')")
    output = _run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            "mypy.ini",
            "--no-incremental",
            "--python-version",
            "3.10",
            "user_code.py",
            "mistakes.py",
        ],
        project,
    )
    assert _error_lines(output, "user_code.py") == {}, output
    assert set(_error_lines(output, "mistakes.py")) == EXPECTED, output
    # the misspelt mode is named by its declared type, so the message helps
    assert "Literal['immediate', 'reads', 'time', 'manual']" in output


def _basedpyright() -> list[str]:
    pytest.importorskip(
        "basedpyright",
        reason="basedpyright (pyright from PyPI) is not installed (pip install -e '.[test]')",
    )
    return [sys.executable, "-m", "basedpyright", "--pythonpath", sys.executable]


def test_pyright_strict_accepts_typed_use_and_rejects_wrong_options(project: Path) -> None:
    output = _run([*_basedpyright(), "user_code.py", "mistakes.py"], project)
    assert _error_lines(output, "user_code.py") == {}, output
    assert set(_error_lines(output, "mistakes.py")) == EXPECTED, output
    assert "0 errors" not in output


def test_py_typed_is_in_the_package() -> None:
    assert (Path(importmock.__file__).parent / "py.typed").is_file()


def test_the_literal_types_name_the_values_the_mock_accepts() -> None:
    from typing import get_args

    from importmock.engine.lifecycle import MODES
    from importmock.engine.session import ProgressionMode
    from importmock.engine.sleeps import SLEEP_MODES
    from importmock.mock import UPLOAD_URLS, SleepOption, UploadUrlsOption

    assert set(get_args(ProgressionMode)) == set(MODES)
    assert set(get_args(UploadUrlsOption)) == set(UPLOAD_URLS)
    assert set(get_args(SleepOption)) == set(SLEEP_MODES)

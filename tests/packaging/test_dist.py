"""The sdist and the wheel hold what they should: built from a copy of the checkout, as
``python -m build`` does for a release, and listed.

The build runs without isolation (no network): it needs ``build`` and setuptools >= 77 in
this environment (both in the ``test`` extra), and skips naming what is missing otherwise.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

import importmock

ROOT = Path(__file__).parent.parent.parent
# What a checkout holds that is not the project's: ignored by .gitignore, left out here.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv*", ".tox", "node_modules", "__pycache__", "*.egg-info", "build", "dist",
    ".mypy_cache", ".ruff_cache", ".pytest_cache",
)  # fmt: skip


def _setuptools_version() -> tuple[int, ...]:
    setuptools = pytest.importorskip("setuptools", reason="setuptools is not installed")
    return tuple(int(part) for part in setuptools.__version__.split(".")[:2])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(sdist, wheel, the build's output): the wheel is built from the sdist."""
    # build.__main__, not build: a stray build/ folder (setuptools leaves one) imports as "build"
    pytest.importorskip(
        "build.__main__", reason="build is not installed (pip install -e '.[test]')"
    )
    if _setuptools_version() < (77,):
        pytest.skip("setuptools >= 77 is not installed (pip install -e '.[test]')")
    source = tmp_path_factory.mktemp("checkout") / "importmock"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel, output


def test_the_build_gives_no_deprecation_warning(built: tuple[Path, Path, str]) -> None:
    output = built[2]
    assert "Deprecat" not in output and "deprecat" not in output, output


def test_the_sdist_carries_the_docs_the_tests_and_the_license(
    built: tuple[Path, Path, str],
) -> None:
    sdist = built[0]
    assert sdist.name == f"importmock-{importmock.__version__}.tar.gz"
    with tarfile.open(sdist) as archive:
        names = {name.partition("/")[2] for name in archive.getnames()}
    wanted = {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "tox.ini"}
    wanted |= {str(path.relative_to(ROOT)) for path in (ROOT / "docs").rglob("*.md")}
    wanted |= {
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*")
        if path.is_file()
        and "node_modules" not in path.parts
        and "__pycache__" not in path.parts
        and not path.name.startswith(".doc-example-")
    }
    wanted |= {str(path.relative_to(ROOT)) for path in (ROOT / "importmock").rglob("*.py")}
    wanted.add("importmock/py.typed")
    assert wanted - names == set()
    assert not {name for name in names if "node_modules" in name or "__pycache__" in name}


def test_the_wheel_is_typed_licensed_and_holds_only_the_package(
    built: tuple[Path, Path, str],
) -> None:
    wheel = built[1]
    version = importmock.__version__
    assert wheel.name == f"importmock-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = Parser().parsestr(
            archive.read(f"importmock-{version}.dist-info/METADATA").decode()
        )
        license_text = archive.read(f"importmock-{version}.dist-info/licenses/LICENSE")
    assert "importmock/py.typed" in names
    assert {name.partition("/")[0] for name in names} == {
        "importmock",
        f"importmock-{version}.dist-info",
    }
    assert license_text == (ROOT / "LICENSE").read_bytes()
    assert metadata["Version"] == version
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert metadata["Requires-Python"] == ">=3.10"
    classifiers = metadata.get_all("Classifier")
    assert "Typing :: Typed" in classifiers and "Framework :: Pytest" in classifiers
    assert not any(c.startswith("License ::") for c in classifiers)  # PEP 639: the expression
    # user extras are apart from the contributors' toolchain
    assert set(metadata.get_all("Provides-Extra")) == {"moto", "async", "test", "dev"}
    moto = [r for r in metadata.get_all("Requires-Dist") if r.endswith('extra == "moto"')]
    assert moto == ['moto[s3]>=5.0; extra == "moto"']


@pytest.mark.parametrize("command", [["importmock"], [sys.executable, "-m", "importmock"]])
def test_version_command(command: list[str]) -> None:
    if command == ["importmock"]:
        script = shutil.which("importmock", path=str(Path(sys.executable).parent))
        if script is None:
            pytest.skip("the importmock script is not installed in this environment")
        command = [script]
    done = subprocess.run(
        [*command, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"importmock {importmock.__version__}\n",
        "",
    )

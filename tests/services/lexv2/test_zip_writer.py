"""The ZipCrypto writer the tests and exports use, checked against independent readers: the
standard library's decryption and, where installed, Info-ZIP's ``unzip``."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from importmock.services.lexv2.zip_archives import write_zip

FILES = {
    "manifest.json": b'{"metadata": {"resourceType": "Bot"}}',
    "Bot/Bot.json": b'{"name": "Bot"}' * 500,
    "Bot/BotLocales/fr_FR/Intents/Caf\u00e9/Intent.json": '{"name": "Caf\u00e9"}'.encode(),
    "empty.txt": b"",
}


def test_the_standard_library_reads_a_protected_archive_with_its_password() -> None:
    body = write_zip(FILES, "p\u00e4ss word")

    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert all(info.flag_bits & 0x1 for info in archive.infolist())
        archive.setpassword("p\u00e4ss word".encode())
        assert archive.testzip() is None
        assert {name: archive.read(name) for name in archive.namelist()} == FILES


def test_the_standard_library_refuses_a_protected_archive_without_the_password() -> None:
    body = write_zip(FILES, "secret")

    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        with pytest.raises(RuntimeError, match="password required"):
            archive.read("manifest.json")


def test_without_a_password_the_archive_is_plain() -> None:
    with zipfile.ZipFile(io.BytesIO(write_zip(FILES))) as archive:
        assert not any(info.flag_bits & 0x1 for info in archive.infolist())
        assert archive.read("Bot/Bot.json") == FILES["Bot/Bot.json"]


@pytest.mark.skipif(shutil.which("unzip") is None, reason="Info-ZIP unzip is not installed")
def test_info_zip_unzip_tests_a_protected_archive(tmp_path: Path) -> None:
    path = tmp_path / "protected.zip"
    path.write_bytes(write_zip({"a/b.json": b"{}" * 1000, "c.txt": b"hello"}, "pw"))

    result = subprocess.run(
        ["unzip", "-P", "pw", "-t", str(path)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No errors detected" in result.stdout

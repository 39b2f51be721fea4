"""A large quick-response upload costs next to nothing: reading stops at row 101.

The file used to be decoded and parsed whole before the 100-row check, at about 100 MB
of memory and a second per MiB uploaded. The peak resident memory of a subprocess
(``VmHWM``) is read just before StartImportJob and after the job is read: reading the
file must not raise it by even half the file's own size.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[3]
UPLOAD_MIB = 16
TIMEOUT_SECONDS = 120  # the run takes about two seconds


def _peak_rss() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def _import_a_large_upload(mib: int) -> dict[str, Any]:
    """In the subprocess: upload ``mib`` MiB of rows, import them, read the job."""
    import requests

    from importmock import mock_imports
    from tests.helpers import make_kb, session_client, upload_csv

    body = b"name,content\r\n" + b"r,c\r\n" * (mib * 1024 * 1024 // 5)
    with mock_imports():
        client = session_client("qconnect")
        kb_id = make_kb(client)
        upload_id = upload_csv(client, kb_id, body)
        before = _peak_rss()
        job = client.start_import_job(
            knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload_id
        )["importJob"]
        job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])
        after = _peak_rss()
        report = requests.get(job["importJob"]["failedRecordReport"]).text
    return {
        "status": job["importJob"]["status"],
        "report": report,
        "upload": len(body),
        "growth": after - before,
    }


def test_a_16_mib_upload_is_read_no_further_than_row_101() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "tests.services.wisdom.test_import_memory", str(UPLOAD_MIB)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    measured = json.loads(finished.stdout.splitlines()[-1])
    assert measured["growth"] < measured["upload"] // 2, measured["growth"]
    assert measured["status"] == "FAILED"
    assert measured["report"] == (
        "error\r\nThe file holds more than 100 quick responses; one import takes at most 100.\r\n"
    )


if __name__ == "__main__":
    print(json.dumps(_import_a_large_upload(int(sys.argv[1]))))

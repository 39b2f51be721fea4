"""Hostile files fed to every importmock import that reads one.

Files come in through the same doors as in real use: a presigned PUT (``requests``) for
Wisdom/qconnect quick-response CSVs and Lex archives, an S3 object seeded on the controller
for Pinpoint endpoint files and Lex test-set CSVs. Each hostile input must end the job in
its service's failed state with a reason that says what is wrong (Wisdom ``FAILED`` plus a
``failedRecordReport``; Pinpoint ``FAILED`` plus ``Failures``; Lex ``Failed`` plus
``failureReasons``), or, for formula-looking cells, which are data, be imported verbatim.
A raw NUL byte fails a CSV, TSV or JSON file (it is not text; csv reads it as data only
from Python 3.11, so refusing it gives one answer everywhere). After every hostile job the
service must still work.

Two properties are checked around every hostile job (the ``hostile()`` block):

- nothing is written outside memory: a process-wide audit hook records file writes,
  directory changes, renames, removals and ``shutil`` operations while a job runs;
- memory stays bounded: ``tracemalloc`` measures the peak, asserted for the big inputs.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import os
import random
import shutil
import struct
import sys
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.helpers import csv_text, make_kb, session_client, upload_csv
from tests.services.lexv2.archives import (
    ROLE as LEX_ROLE,
)
from tests.services.lexv2.archives import (
    bot_files,
    locale_archive_files,
    manifest,
    pizza_locale,
    to_zip,
    vocabulary_tsv,
)
from tests.services.lexv2.conftest import (
    bot_spec,
    create_bot,
    locale_spec,
    vocabulary_spec,
)
from tests.services.lexv2.conftest import run_import as lex_run_import
from tests.services.lexv2.test_archive_failures import DESCRIPTION_MAX
from tests.services.pinpoint.conftest import BUCKET, endpoint, make_app
from tests.services.pinpoint.conftest import run_import as pinpoint_run_import

MiB = 1 << 20

# ---------------------------------------------------------------------------------------
# The hostile inputs
# ---------------------------------------------------------------------------------------

#: 64 KiB of random bytes; a fixed seed keeps every run (and every message) the same.
RANDOM = random.Random(20260501).randbytes(64 * 1024)
#: The size of a "huge line": one line (one value) of several megabytes.
HUGE = 5 * MiB
#: Values a spreadsheet would evaluate. AWS treats them as data, and so must importmock.
FORMULAS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)")
#: Far deeper than Python's json module can parse (it raises RecursionError).
VERY_DEEP = 100_000
#: Shallow enough for json.loads, deep enough to blow the stack of recursive Python code:
#: under the default recursion limit (1000), json's C parser takes 450 levels even from the
#: depth of a boto3 call inside pytest, but code spending two frames a level cannot.
RATHER_DEEP = 450
#: Python's csv module refuses a field longer than this (csv.field_size_limit()).
CSV_FIELD_LIMIT = csv.field_size_limit()


def utf8_error(data: bytes) -> tuple[int, int]:
    """(the first byte that is not UTF-8, its offset), as a decoder finds them."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return data[error.start], error.start
    raise AssertionError("the data is valid UTF-8")


def cut_in_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


# ---------------------------------------------------------------------------------------
# Zip and gzip bombs, built in milliseconds
# ---------------------------------------------------------------------------------------


def zeros_deflated(mebibytes: int) -> bytes:
    """A raw deflate stream expanding to ``mebibytes`` MiB of zeros.

    A full flush ends a deflate block on a byte boundary, with no back-reference before
    it, so one compressed MiB (about 1 KB) can be repeated: compressing 300 MiB with
    zipfile would take about a second, this takes a millisecond.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = compressor.compress(bytes(MiB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    return one * mebibytes + last


def zeros_crcs(*mebibytes: int) -> dict[int, int]:
    """The CRC-32 of 1..max(mebibytes) MiB of zeros, for each size asked (one pass)."""
    crcs, crc, zeros = {}, 0, bytes(MiB)
    for size in range(1, max(mebibytes) + 1):
        crc = zlib.crc32(zeros, crc)
        if size in mebibytes:
            crcs[size] = crc
    return crcs


@dataclass
class Entry:
    name: str
    data: bytes  # deflated
    crc: int
    declared: int  # the uncompressed size the headers state


def zip_of(*entries: Entry) -> bytes:
    """A deflate zip of ``entries``, sizes as declared (no ZIP64, no extra fields)."""
    out = io.BytesIO()
    central = []
    for entry in entries:
        name = entry.name.encode()
        offset = out.tell()
        fields = (20, 0, zipfile.ZIP_DEFLATED, 0, 0x21, entry.crc, len(entry.data), entry.declared)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, len(name), 0))
        out.write(name + entry.data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, len(name), 0, 0, 0, 0, 0, offset
            )
            + name
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), start, 0
        )
    )
    return out.getvalue()


@dataclass
class Bombs:
    one_entry: bytes  # one entry of 300 MiB of zeros, declared honestly
    three_entries: bytes  # three entries of 100 MiB each: each under the limit, not together
    lying: bytes  # one entry of 64 MiB of zeros whose headers declare 1 KiB
    gzip: bytes  # a gzip file of 300 MiB of zeros
    small: bytes  # the one-entry construction at 4 MiB, to check the construction itself
    expanded: int = 300 * MiB


@pytest.fixture(scope="module")
def bombs() -> Bombs:
    crc = zeros_crcs(4, 64, 100, 300)
    s300, s100, s64 = zeros_deflated(300), zeros_deflated(100), zeros_deflated(64)
    return Bombs(
        one_entry=zip_of(Entry("manifest.json", s300, crc[300], 300 * MiB)),
        three_entries=zip_of(*(Entry(f"{n}.json", s100, crc[100], 100 * MiB) for n in "abc")),
        lying=zip_of(Entry("manifest.json", s64, crc[64], 1024)),
        gzip=b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
        + s300
        + struct.pack("<II", crc[300], (300 * MiB) & 0xFFFFFFFF),
        small=zip_of(Entry("zeros.bin", zeros_deflated(4), crc[4], 4 * MiB)),
    )


def test_the_bombs_are_real(bombs: Bombs) -> None:
    """The construction gives archives zipfile itself expands (checked at 4 MiB) and whose
    directories declare what the fixture says, at a fraction of the expanded size."""
    with zipfile.ZipFile(io.BytesIO(bombs.small)) as small:
        assert small.testzip() is None
        assert small.read("zeros.bin") == bytes(4 * MiB)
    for body, sizes in [
        (bombs.one_entry, [300 * MiB]),
        (bombs.three_entries, [100 * MiB] * 3),
        (bombs.lying, [1024]),
    ]:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            assert [info.file_size for info in archive.infolist()] == sizes
        assert len(body) < 400 * 1024
    with gzip.GzipFile(fileobj=io.BytesIO(bombs.gzip)) as stream:
        assert stream.read(MiB) == bytes(MiB)


# ---------------------------------------------------------------------------------------
# Nothing written outside memory: one audit hook per process
# ---------------------------------------------------------------------------------------

_hook_installed = False  # audit hooks cannot be removed: install one, switch it with...
_recording = False  # ...this flag, on only inside ``recorded_writes()``
_recorded: list[tuple[str, tuple[Any, ...]]] = []

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_WRITE_EVENTS = frozenset(
    {
        "os.mkdir",
        "os.rename",  # os.replace raises it too
        "os.remove",  # os.unlink too
        "os.rmdir",
        "os.truncate",
        "os.link",
        "os.symlink",
        "os.chmod",
        "os.chown",
        "os.utime",
        "tempfile.mkstemp",
        "tempfile.mkdtemp",
    }
)


def _is_bytecode_cache(args: tuple[Any, ...]) -> bool:
    """Python's own __pycache__ writes. When a module is imported for the first time while
    a job runs (a codec, a lazily imported helper), the import system may write its
    compiled bytecode there (``os.mkdir`` of the folder, ``open`` with O_CREAT|O_WRONLY of a
    temporary file, ``os.rename`` onto the .pyc). That is the interpreter caching code,
    whatever file was imported, not importmock storing data, so it is not counted."""
    return any(
        isinstance(arg, (str, bytes, os.PathLike)) and "__pycache__" in os.fsdecode(arg)
        for arg in args
    )


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _recording:
        return
    if event == "open":
        _path, mode, flags = args
        writes = (
            any(c in mode for c in "wax+") if isinstance(mode, str) else bool(flags & _WRITE_FLAGS)
        )
    else:
        writes = event in _WRITE_EVENTS or event.startswith("shutil.")
    if writes and not _is_bytecode_cache(args):
        _recorded.append((event, args))


@contextmanager
def recorded_writes() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Yields the list of write events seen while the block runs."""
    global _hook_installed, _recording
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    _recorded.clear()
    seen: list[tuple[str, tuple[Any, ...]]] = []
    _recording = True
    try:
        yield seen
    finally:
        _recording = False
        seen.extend(_recorded)
        _recorded.clear()


def test_the_write_recorder_sees_writes(tmp_path: Any) -> None:
    """Without this, "nothing was recorded" below could mean the hook sees nothing."""
    target = tmp_path / "written.txt"
    target.write_text("x")
    with recorded_writes() as seen:
        target.read_text()  # reading is not writing
        with open(target, "a") as appended:
            appended.write("y")
        os.close(os.open(tmp_path / "raw", os.O_CREAT | os.O_WRONLY))
        os.mkdir(tmp_path / "folder")
        os.rename(tmp_path / "raw", tmp_path / "renamed")
        os.remove(tmp_path / "renamed")
        shutil.copyfile(target, tmp_path / "copy.txt")
        os.mkdir(tmp_path / "__pycache__")  # ignored: the interpreter's bytecode cache
    events = [event for event, _ in seen]
    assert events == [
        "open",
        "open",
        "os.mkdir",
        "os.rename",
        "os.remove",
        "shutil.copyfile",
        "open",  # copyfile opening its destination
    ]
    with recorded_writes() as idle:
        pass
    assert idle == []
    # ...and hostile() turns a write into a failure.
    with pytest.raises(AssertionError, match="written outside memory"), hostile():
        (tmp_path / "inside.txt").write_bytes(b"x")


# ---------------------------------------------------------------------------------------
# Memory
# ---------------------------------------------------------------------------------------


@dataclass
class Watch:
    peak: int = 0  # bytes traced at the peak, above what was traced when the block began


@contextmanager
def hostile() -> Iterator[Watch]:
    """Run a hostile job: assert nothing was written outside memory, measure peak memory."""
    watch = Watch()
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    try:
        with recorded_writes() as seen:
            yield watch
    finally:
        watch.peak = tracemalloc.get_traced_memory()[1] - baseline
        if not tracing:
            tracemalloc.stop()
    assert seen == [], f"written outside memory while the job ran: {seen}"


def memory_bound(size: int) -> int:
    """What reading a file of ``size`` bytes may cost at its peak: 10x the file plus 32 MiB.

    A reader legitimately holds a handful of copies of a file at once: the HTTP request
    body, the stored upload or S3 object, the decoded text (1 byte per ASCII character),
    its lines or cells, the reason text naming a bad value. 10x covers all of those with
    room to spare. The 32 MiB cover what does not grow with the file: the boto3 and
    requests machinery, response parsing, tracemalloc's own bookkeeping. Anything that
    grows with the *expanded* size of a compressed file, or faster than the file, lands
    far above (a zip bomb of 300 KB expands to 300 MiB).
    """
    return 32 * MiB + 10 * size


# ---------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------


@pytest.fixture
def m(importmock: Any) -> Any:
    """The controller of a mock in the default ``immediate`` progression."""
    return importmock


_names = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_names)}"


# ---------------------------------------------------------------------------------------
# Wisdom / Amazon Q in Connect: quick-response CSV files
# ---------------------------------------------------------------------------------------

WISDOM_FIELDS = (
    "name, content, contentType, shortcutKey, description, isActive, channels, "
    "groupingConfiguration.criteria, groupingConfiguration.values, language"
)


@dataclass
class Wisdom:
    client: Any
    kb_id: str

    def run(self, body: bytes) -> dict[str, Any]:
        """Upload ``body``, start an import of it and read the job (ended: immediate mode)."""
        upload_id = upload_csv(self.client, self.kb_id, body)
        started = self.client.start_import_job(
            knowledgeBaseId=self.kb_id, importJobType="QUICK_RESPONSES", uploadId=upload_id
        )["importJob"]
        return self.client.get_import_job(
            knowledgeBaseId=self.kb_id, importJobId=started["importJobId"]
        )["importJob"]

    @staticmethod
    def report(job: dict[str, Any]) -> list[list[str]]:
        response = requests.get(job["failedRecordReport"])
        assert response.status_code == 200
        return list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))

    def file_failure(self, job: dict[str, Any]) -> str:
        """The job failed as a whole: its status and the one reason of its report."""
        assert job["status"] == "FAILED"
        report = self.report(job)
        assert report[0] == ["error"] and len(report) == 2, report
        return report[1][0]

    def by_name(self) -> dict[str, dict[str, Any]]:
        summaries = self.client.list_quick_responses(knowledgeBaseId=self.kb_id, maxResults=100)
        return {
            s["name"]: self.client.get_quick_response(
                knowledgeBaseId=self.kb_id, quickResponseId=s["quickResponseId"]
            )["quickResponse"]
            for s in summaries["quickResponseSummaries"]
        }

    def still_works(self, failed_job: dict[str, Any]) -> None:
        """A valid import after the hostile one completes; the list still answers."""
        name = unique("after-")
        job = self.run(csv_text(["name", "content"], [name, "fine"]).encode())
        assert job["status"] == "COMPLETE" and "failedRecordReport" not in job
        assert name in self.by_name()
        listed = self.client.list_import_jobs(knowledgeBaseId=self.kb_id, maxResults=100)
        statuses = {j["importJobId"]: j["status"] for j in listed["importJobSummaries"]}
        assert statuses[failed_job["importJobId"]] == failed_job["status"]
        assert statuses[job["importJobId"]] == "COMPLETE"


@pytest.fixture(params=["qconnect", "wisdom"])
def wisdom(request: pytest.FixtureRequest, m: Any) -> Wisdom:
    client = session_client(request.param)
    return Wisdom(client, make_kb(client))


WISDOM_HEADER = b"name,content\r\n"


#: UTF-16 of ASCII without a byte-order mark: its first NUL is the second byte.
NUL_AT_1 = "a NUL byte at offset 1; a file saved as UTF-16 has one after every letter"


def _wisdom_not_utf8(data: bytes) -> str:
    byte, offset = utf8_error(data)
    return f"The file is not UTF-8 text (byte 0x{byte:02x} at offset {offset})."


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(RANDOM, _wisdom_not_utf8(RANDOM), id="random-bytes"),
        pytest.param(
            WISDOM_HEADER + RANDOM,
            _wisdom_not_utf8(WISDOM_HEADER + RANDOM),
            id="header-then-random",
        ),
        pytest.param(
            "name,content\nWelcome,Hello\n".encode("utf-16"),
            "The file is not UTF-8 text (byte 0xff at offset 0).",
            id="utf16-with-bom",
        ),
        pytest.param(
            "name,content\nWelcome,Hello\n".encode("utf-16-le"),
            # without a BOM, UTF-16 of ASCII is valid UTF-8 with a NUL after each letter
            f"The file is not UTF-8 text ({NUL_AT_1}).",
            id="utf16-without-bom",
        ),
        pytest.param(
            "name,content\nCafé,Crème brûlée\n".encode("latin-1"),
            "The file is not UTF-8 text (byte 0xe9 at offset 16).",
            id="latin1",
        ),
        pytest.param(
            WISDOM_HEADER + b'Welcome,"Hello, and welc',
            "The file is not valid CSV: unexpected end of data.",
            id="cut-inside-a-quoted-value",
        ),
    ],
)
def test_wisdom_refuses_unreadable_files(wisdom: Wisdom, body: bytes, reason: str) -> None:
    with hostile():
        job = wisdom.run(body)
    assert wisdom.file_failure(job) == reason
    assert wisdom.by_name() == {}
    wisdom.still_works(job)


def test_wisdom_file_cut_between_cells_reports_the_cut_row(wisdom: Wisdom) -> None:
    """Cut between cells, a CSV row just has fewer cells, which the format allows: the rows
    before the cut are imported and the cut one fails for its missing content (documented:
    a row failure does not fail the job)."""
    with hostile():
        job = wisdom.run(WISDOM_HEADER + b"Welcome,Hello\r\nGoodbye")
    assert job["status"] == "COMPLETE"
    assert wisdom.report(job) == [
        ["name", "content", "error"],
        [
            "Goodbye",
            "",
            "1 validation error detected: Value null at 'content' failed to satisfy "
            "constraint: Member must not be null",
        ],
    ]
    assert list(wisdom.by_name()) == ["Welcome"]
    wisdom.still_works(job)


def test_wisdom_huge_line_fails_within_memory_bound(wisdom: Wisdom) -> None:
    body = WISDOM_HEADER + b"Huge," + b"x" * HUGE + b"\r\n"
    with hostile() as watch:
        job = wisdom.run(body)
    assert wisdom.file_failure(job) == (
        f"The file is not valid CSV: field larger than field limit ({CSV_FIELD_LIMIT})."
    )
    assert watch.peak < memory_bound(len(body)), watch.peak
    wisdom.still_works(job)


def test_wisdom_zip_and_gzip_bombs_are_not_text(wisdom: Wisdom, bombs: Bombs) -> None:
    """A compressed upload is refused as non-UTF-8 bytes; nothing inflates it."""
    for body in (bombs.one_entry, bombs.gzip):
        with hostile() as watch:
            job = wisdom.run(body)
        assert wisdom.file_failure(job) == _wisdom_not_utf8(body)
        assert watch.peak < memory_bound(len(body)), watch.peak
    wisdom.still_works(job)


def test_wisdom_formula_cells_are_imported_verbatim(wisdom: Wisdom) -> None:
    rows = [[f, f"{f} content", f, f] for f in FORMULAS if len(f) <= 10]
    long_formula = FORMULAS[0]  # 18 characters: too long for shortcutKey (1 to 10)
    rows.append([long_formula, long_formula, long_formula, ""])
    refused = ["refused", long_formula, long_formula, long_formula]
    body = csv_text(["name", "content", "description", "shortcutKey"], *rows, refused)
    with hostile():
        job = wisdom.run(body.encode())
    assert job["status"] == "COMPLETE"
    stored = wisdom.by_name()
    assert sorted(stored) == sorted(FORMULAS)
    for name, content, description, shortcut in rows:
        response = stored[name]
        assert response["contents"]["plainText"]["content"] == content
        assert response["description"] == description
        assert response.get("shortcutKey", "") == shortcut
    # The refused row comes back in the report exactly as it was sent.
    assert wisdom.report(job) == [
        ["name", "content", "description", "shortcutKey", "error"],
        [
            *refused,
            f"1 validation error detected: Value '{long_formula}' at 'shortcutKey' failed to "
            "satisfy constraint: Member must have length less than or equal to 10",
        ],
    ]
    wisdom.still_works(job)


def test_wisdom_a_nul_byte_fails_the_file(wisdom: Wisdom) -> None:
    """A NUL byte is not text (the same answer on every Python: csv reads it as data only
    from 3.11)."""
    body = WISDOM_HEADER + b"Nul\x00name,hello\r\n"
    with hostile():
        job = wisdom.run(body)
    offset = body.index(b"\x00")
    assert wisdom.file_failure(job) == (
        f"The file is not UTF-8 text (a NUL byte at offset {offset}; a file saved as UTF-16 "
        "has one after every letter)."
    )
    assert wisdom.by_name() == {}
    wisdom.still_works(job)


# ---------------------------------------------------------------------------------------
# Wisdom / qconnect: knowledge-base content files (StartContentUpload, then CreateContent)
# ---------------------------------------------------------------------------------------

WISDOM_JSON = "application/x.wisdom-json;source=zendesk"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Contents:
    client: Any
    kb_id: str

    def run(self, body: bytes, content_type: str) -> dict[str, Any]:
        """Upload ``body`` and create a content of it; GetContent once it settled."""
        started = self.client.start_content_upload(
            knowledgeBaseId=self.kb_id, contentType=content_type
        )
        put = requests.put(started["url"], data=body, headers=started["headersToInclude"])
        assert put.status_code == 200, put.text
        created = self.client.create_content(
            knowledgeBaseId=self.kb_id, name=unique("hostile-"), uploadId=started["uploadId"]
        )["content"]
        return self.client.get_content(knowledgeBaseId=self.kb_id, contentId=created["contentId"])[
            "content"
        ]

    def still_works(self) -> None:
        content = self.run(b"<p>after</p>", "text/html")
        assert content["status"] == "ACTIVE"
        assert requests.get(content["url"]).content == b"<p>after</p>"


@pytest.fixture(params=["qconnect", "wisdom"])
def contents(request: pytest.FixtureRequest, m: Any) -> Contents:
    client = session_client(request.param)
    return Contents(client, make_kb(client, kb_type="CUSTOM"))


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"[" * VERY_DEEP + b"]" * VERY_DEEP, id="nested-100000"),
        pytest.param(b'{"a":' * VERY_DEEP, id="nested-cut"),
        pytest.param(b'{"score": NaN}', id="nan"),
        pytest.param(b'{"title": "\\ud800"}', id="lone-surrogate"),
        pytest.param(b'{"big": 1' + b"0" * 5000 + b"}", id="number-of-5000-digits"),
        pytest.param(RANDOM, id="random-bytes"),
    ],
)
def test_wisdom_json_content_that_cannot_be_read_fails_its_ingestion(
    contents: Contents, body: bytes
) -> None:
    with hostile():
        content = contents.run(body, WISDOM_JSON)
    assert content["status"] == "CREATE_FAILED"
    contents.still_works()


def test_wisdom_content_bombs_are_stored_not_expanded(contents: Contents, bombs: Bombs) -> None:
    """A .docx is a zip: a zip bomb declared as one is kept as uploaded, never inflated."""
    with hostile() as watch:
        content = contents.run(bombs.one_entry, DOCX)
    assert content["status"] == "ACTIVE"
    assert watch.peak < memory_bound(len(bombs.one_entry)), watch.peak
    assert requests.get(content["url"]).content == bombs.one_entry
    contents.still_works()


def test_wisdom_huge_content_within_memory_bound(contents: Contents) -> None:
    body = b"<p>" + b"x" * HUGE + b"</p>"
    with hostile() as watch:
        content = contents.run(body, "text/html")
    assert content["status"] == "ACTIVE"
    assert watch.peak < memory_bound(len(body)), watch.peak
    contents.still_works()


# ---------------------------------------------------------------------------------------
# Pinpoint: endpoint files in S3, CSV and JSON
# ---------------------------------------------------------------------------------------

PINPOINT_HEADER = b"Id,ChannelType,Address\n"
VALID_JSON_LINE = b'{"Id": "ok-1", "ChannelType": "SMS", "Address": "+14255550100"}\n'
NO_JSON = (
    "No line of the file is JSON; a JSON import file has one endpoint definition "
    "(a JSON object) per line."
)


@dataclass
class Pinpoint:
    m: Any
    client: Any
    app_id: str

    def run(self, body: bytes, file_format: str = "CSV") -> tuple[dict[str, Any], str]:
        """Seed ``body`` under a fresh key and import it; (the ended job, its S3 URL)."""
        key = unique("hostile-") + (".csv" if file_format == "CSV" else ".json")
        job = pinpoint_run_import(self.m, self.client, self.app_id, body, key, file_format)
        return job, f"s3://{BUCKET}/{key}"

    def still_works(self, failed_job: dict[str, Any]) -> None:
        endpoint_id = unique("after-")
        body = f"Id,ChannelType,Address,User.UserId\n{endpoint_id},SMS,+14255550100,after\n"
        job, _ = self.run(body.encode())
        assert (job["JobStatus"], job.get("Failures", [])) == ("COMPLETED", [])
        assert endpoint(self.client, self.app_id, endpoint_id)["Address"] == "+14255550100"
        listed = self.client.get_import_jobs(ApplicationId=self.app_id)["ImportJobsResponse"]
        statuses = {j["Id"]: j["JobStatus"] for j in listed["Item"]}
        assert statuses[failed_job["Id"]] == failed_job["JobStatus"]
        assert statuses[job["Id"]] == "COMPLETED"


@pytest.fixture
def pinpoint(m: Any) -> Pinpoint:
    client = session_client("pinpoint")
    return Pinpoint(m, client, make_app(client))


def file_failed(job: dict[str, Any]) -> list[str]:
    """A job whose one file failed as a whole: FAILED, one failed piece, no record read."""
    assert job["JobStatus"] == "FAILED"
    assert (job["TotalPieces"], job["CompletedPieces"], job["FailedPieces"]) == (1, 0, 1)
    assert (job["TotalProcessed"], job["TotalFailures"]) == (0, 0)
    return list(job["Failures"])


def _pinpoint_not_utf8(data: bytes) -> str:
    byte, offset = utf8_error(data)
    return f"The file is not UTF-8: byte 0x{byte:02x} at offset {offset} is not valid UTF-8."


@pytest.mark.parametrize(
    ("body", "file_format", "reason"),
    [
        pytest.param(RANDOM, "CSV", _pinpoint_not_utf8(RANDOM), id="random-bytes-csv"),
        pytest.param(RANDOM, "JSON", _pinpoint_not_utf8(RANDOM), id="random-bytes-json"),
        pytest.param(
            PINPOINT_HEADER + RANDOM,
            "CSV",
            _pinpoint_not_utf8(PINPOINT_HEADER + RANDOM),
            id="header-then-random",
        ),
        pytest.param(
            "Id,ChannelType,Address\ne1,SMS,+14255550100\n".encode("utf-16"),
            "CSV",
            "The file is not UTF-8: byte 0xff at offset 0 is not valid UTF-8.",
            id="utf16-with-bom-csv",
        ),
        pytest.param(
            "Id,ChannelType,Address\ne1,SMS,+14255550100\n".encode("utf-16-le"),
            "CSV",
            f"The file is not UTF-8 text: {NUL_AT_1}.",
            id="utf16-without-bom-csv",
        ),
        pytest.param(
            VALID_JSON_LINE.decode().encode("utf-16"),
            "JSON",
            "The file is not UTF-8: byte 0xff at offset 0 is not valid UTF-8.",
            id="utf16-with-bom-json",
        ),
        pytest.param(
            VALID_JSON_LINE.decode().encode("utf-16-le"),
            "JSON",
            f"The file is not UTF-8 text: {NUL_AT_1}.",
            id="utf16-without-bom-json",
        ),
        pytest.param(
            "Id,ChannelType,Address\ne1,EMAIL,café@example.com\n".encode("latin-1"),
            "CSV",
            "The file is not UTF-8: byte 0xe9 at offset 35 is not valid UTF-8.",
            id="latin1",
        ),
        pytest.param(
            PINPOINT_HEADER + b'e1,SMS,"+1425',
            "CSV",
            "The file is not valid CSV at line 2: unexpected end of data.",
            id="csv-cut-inside-a-quoted-value",
        ),
        pytest.param(VALID_JSON_LINE[:30], "JSON", NO_JSON, id="json-cut-in-its-only-record"),
        pytest.param(b"[" * VERY_DEEP, "JSON", NO_JSON, id="json-nested-100000-arrays"),
        pytest.param(b'{"a":' * VERY_DEEP, "JSON", NO_JSON, id="json-nested-100000-objects"),
        pytest.param(
            b'{"Id": "n1", "ChannelType": "SMS", "Address": "+1\x002"}\n',
            "JSON",
            "The file is not UTF-8 text: a NUL byte at offset 49; a file saved as UTF-16 has "
            "one after every letter.",
            id="json-raw-nul",
        ),
    ],
)
def test_pinpoint_refuses_unreadable_files(
    pinpoint: Pinpoint, body: bytes, file_format: str, reason: str
) -> None:
    with hostile():
        job, url = pinpoint.run(body, file_format)
    assert file_failed(job) == [f"{url}: {reason}"]
    assert "CompletionDate" in job
    pinpoint.still_works(job)


@pytest.mark.parametrize(
    ("body", "file_format", "line", "reason"),
    [
        pytest.param(
            PINPOINT_HEADER + b"e1,SMS,+14255550100\ne2,SM",
            "CSV",
            3,
            "The row has 2 values but the header has 3 columns.",
            id="csv-cut-between-cells",
        ),
        pytest.param(
            VALID_JSON_LINE + b'{"Id": "e2", "Chan',
            "JSON",
            2,
            "The line is not valid JSON: Unterminated string starting at: line 1 column 14 "
            "(char 13).",
            id="json-cut-in-a-record",
        ),
        pytest.param(
            VALID_JSON_LINE + b"[" * VERY_DEEP + b"\n",
            "JSON",
            2,
            "The line is not valid JSON: it is nested too deeply.",
            id="json-nested-100000-after-a-record",
        ),
    ],
)
def test_pinpoint_bad_records_fail_alone(
    pinpoint: Pinpoint, body: bytes, file_format: str, line: int, reason: str
) -> None:
    """A record that is cut or unreadable fails alone (documented record rule): the job
    ends COMPLETED with the record counted and named in Failures."""
    with hostile():
        job, url = pinpoint.run(body, file_format)
    assert job["JobStatus"] == "COMPLETED"
    assert (job["TotalPieces"], job["CompletedPieces"], job["FailedPieces"]) == (1, 1, 0)
    assert (job["TotalProcessed"], job["TotalFailures"]) == (2, 1)
    assert job["Failures"] == [f"{url} line {line}: {reason}"]
    pinpoint.still_works(job)


def test_pinpoint_huge_csv_line_fails_within_memory_bound(pinpoint: Pinpoint) -> None:
    body = PINPOINT_HEADER + b"e1,SMS," + b"1" * HUGE + b"\n"
    with hostile() as watch:
        job, url = pinpoint.run(body)
    assert file_failed(job) == [
        f"{url}: The file is not valid CSV at line 2: field larger than field limit "
        f"({CSV_FIELD_LIMIT})."
    ]
    assert watch.peak < memory_bound(len(body)), watch.peak
    pinpoint.still_works(job)


def test_pinpoint_huge_json_lines_within_memory_bound(pinpoint: Pinpoint) -> None:
    """A huge line of garbage fails the file; a huge endpoint definition fails its record
    (over 15 KB), and the job completes with the valid record before it."""
    garbage = b"x" * HUGE + b"\n"
    with hostile() as watch:
        job, url = pinpoint.run(garbage, "JSON")
    assert file_failed(job) == [f"{url}: {NO_JSON}"]
    assert watch.peak < memory_bound(len(garbage)), watch.peak

    address = "1" * HUGE
    definition = json.dumps({"Id": "huge", "ChannelType": "SMS", "Address": address})
    body = VALID_JSON_LINE + definition.encode() + b"\n"
    with hostile() as watch:
        job, url = pinpoint.run(body, "JSON")
    assert job["JobStatus"] == "COMPLETED"
    assert (job["TotalProcessed"], job["TotalFailures"]) == (2, 1)
    assert job["Failures"] == [
        f"{url} line 2: The endpoint definition is {len(definition)} bytes; at most 15360 "
        "are allowed."
    ]
    assert watch.peak < memory_bound(len(body)), watch.peak
    pinpoint.still_works(job)


def test_pinpoint_compressed_bombs_are_refused_unexpanded(pinpoint: Pinpoint, bombs: Bombs) -> None:
    for body, kind in [(bombs.gzip, "gzip"), (bombs.one_entry, "zip")]:
        for file_format in ("CSV", "JSON"):
            with hostile() as watch:
                job, url = pinpoint.run(body, file_format)
            assert file_failed(job) == [
                f"{url}: The file is compressed ({kind}); import files must be uncompressed."
            ]
            assert watch.peak < memory_bound(len(body)), watch.peak
    pinpoint.still_works(job)


def test_pinpoint_formula_cells_are_imported_verbatim(pinpoint: Pinpoint) -> None:
    header = [
        "Id",
        "ChannelType",
        "Address",
        "Attributes.Formula",
        "User.UserId",
        "User.UserAttributes.Formula",
        "Location.City",
        "Demographic.Model",
        "Metrics.score",
    ]
    rows = [[f"formula-{n}", "CUSTOM", f, f, f, f, f, f, ""] for n, f in enumerate(FORMULAS)]
    rows.append(["@SUM(A1)", "CUSTOM", "=1+1", "", "", "", "", "", ""])  # a formula as the id
    refused = ["refused", "CUSTOM", "x", "", "", "", "", "", "+1+1"]  # a metric is a number
    with hostile():
        job, url = pinpoint.run(csv_text(header, *rows, refused).encode())
    assert job["JobStatus"] == "COMPLETED"
    assert job["Failures"] == [f"{url} line 7: Metrics.score '+1+1' is not a number."]
    for n, f in enumerate(FORMULAS):
        stored = endpoint(pinpoint.client, pinpoint.app_id, f"formula-{n}")
        assert stored["Address"] == f
        assert stored["Attributes"] == {"Formula": [f]}
        assert stored["User"] == {"UserId": f, "UserAttributes": {"Formula": [f]}}
        assert stored["Location"] == {"City": f}
        assert stored["Demographic"] == {"Model": f}
    assert endpoint(pinpoint.client, pinpoint.app_id, "@SUM(A1)")["Address"] == "=1+1"
    pinpoint.still_works(job)


def test_pinpoint_nul_bytes(pinpoint: Pinpoint) -> None:
    """A raw NUL byte in a CSV fails the file; escaped in JSON (\\u0000) it is data."""
    body = PINPOINT_HEADER + b"nul-csv,SMS,+1\x002\n"
    with hostile():
        csv_job, url = pinpoint.run(body)
        json_job, _ = pinpoint.run(
            b'{"Id": "nul-json", "ChannelType": "SMS", "Address": "+1\\u00002"}\n', "JSON"
        )
    offset = body.index(b"\x00")
    assert file_failed(csv_job) == [
        f"{url}: The file is not UTF-8 text: a NUL byte at offset {offset}; a file saved as "
        "UTF-16 has one after every letter."
    ]
    assert (json_job["JobStatus"], json_job.get("Failures", [])) == ("COMPLETED", [])
    assert endpoint(pinpoint.client, pinpoint.app_id, "nul-json")["Address"] == "+1\x002"
    pinpoint.still_works(json_job)


# ---------------------------------------------------------------------------------------
# Lex V2: bot, bot-locale and custom-vocabulary archives; test-set CSVs
# ---------------------------------------------------------------------------------------

KINDS = ("Bot", "BotLocale", "CustomVocabulary")
NOT_A_ZIP = "The uploaded file is not a valid .zip archive."
EXPANDS = "The archive expands to {} bytes; the limit is 268435456 bytes."
BOT_JSON = "PizzaBot/Bot.json"
LOCALE = "PizzaBot/BotLocales/en_US"
VOCABULARY_TSV = f"{LOCALE}/CustomVocabulary/CustomVocabulary.tsv"
VOCABULARY_JSON = f"{LOCALE}/CustomVocabulary/CustomVocabulary.json"


def valid_files(kind: str) -> dict[str, Any]:
    """A small valid archive's files for an import of ``kind``."""
    if kind == "Bot":
        return bot_files("PizzaBot", locales={"en_US": pizza_locale()})
    if kind == "BotLocale":
        return locale_archive_files()
    return vocabulary_tsv("margherita\t3\t", "quattro formaggi\t\tQuattro Formaggi")


@dataclass
class Lex:
    m: Any
    client: Any
    bot_id: str  # a bot with an en_US locale, for locale and vocabulary imports

    def run(self, kind: str, body: bytes | None, **extra: Any) -> dict[str, Any]:
        """Import ``body`` as ``kind``; DescribeImport once every job has settled."""
        if kind == "Bot":
            spec, merge = bot_spec(unique("Hostile")), "FailOnConflict"
        elif kind == "BotLocale":
            spec, merge = locale_spec(self.bot_id), "Overwrite"
        else:
            spec, merge = vocabulary_spec(self.bot_id), "Overwrite"
        return lex_run_import(self.m, self.client, body, spec, merge, **extra)

    def failed(self, kind: str, body: bytes | None) -> list[str]:
        """Import ``body``: it must fail, change nothing, and leave the service working."""
        before = self.snapshot()
        with hostile():
            done = self.run(kind, body)
        assert done["importStatus"] == "Failed"
        assert "importedResourceId" not in done
        assert self.snapshot() == before
        self.still_works(kind, done)
        return list(done["failureReasons"])

    def snapshot(self) -> tuple[list[str], list[str], bool]:
        """The bots, the intents of the target locale, whether it has a vocabulary."""
        bots = sorted(b["botName"] for b in self.client.list_bots()["botSummaries"])
        intents = self.client.list_intents(
            botId=self.bot_id, botVersion="DRAFT", localeId="en_US", maxResults=1000
        )["intentSummaries"]
        try:
            self.client.describe_custom_vocabulary_metadata(
                botId=self.bot_id, botVersion="DRAFT", localeId="en_US"
            )
        except self.client.exceptions.ResourceNotFoundException:
            return bots, sorted(i["intentName"] for i in intents), False
        return bots, sorted(i["intentName"] for i in intents), True

    def still_works(self, kind: str, failed: dict[str, Any]) -> None:
        done = self.run(kind, to_zip(valid_files(kind)))
        assert done["importStatus"] == "Completed", done.get("failureReasons")
        listed = self.client.list_imports(maxResults=1000)["importSummaries"]
        statuses = {i["importId"]: i["importStatus"] for i in listed}
        assert statuses[failed["importId"]] == failed["importStatus"]
        assert statuses[done["importId"]] == "Completed"


@pytest.fixture
def lex(m: Any) -> Lex:
    client = session_client("lexv2-models")
    bot_id = create_bot(client, "TargetBot")
    client.create_bot_locale(
        botId=bot_id, botVersion="DRAFT", localeId="en_US", nluIntentConfidenceThreshold=0.4
    )
    m.settle()
    return Lex(m, client, bot_id)


def _overwritten_middle(body: bytes) -> bytes:
    """The archive with 400 bytes of its compressed data zeroed: directory intact."""
    damaged = bytearray(body)
    middle = len(body) // 2
    damaged[middle - 200 : middle + 200] = bytes(400)
    return bytes(damaged)


def _utf8_flagged_name_that_is_not_utf8(kind: str) -> bytes:
    """The archive with 'manifest.json' renamed to bytes that are not UTF-8, in headers
    whose flag bit 11 says the names are UTF-8."""
    data = bytearray(to_zip(valid_files(kind)))
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.find(signature)
        while position != -1:
            (flags,) = struct.unpack_from("<H", data, position + flags_at)
            struct.pack_into("<H", data, position + flags_at, flags | 0x800)
            position = data.find(signature, position + 4)
    return bytes(data).replace(b"manifest.json", b"manif\xffst.json")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda kind: RANDOM, id="random-bytes"),
        pytest.param(lambda kind: b"PK\x03\x04" + RANDOM, id="zip-magic-then-random"),
        pytest.param(lambda kind: cut_in_half(to_zip(valid_files(kind))), id="cut-in-half"),
        pytest.param(_utf8_flagged_name_that_is_not_utf8, id="name-not-utf8"),
    ],
)
def test_lex_refuses_what_is_not_a_zip(lex: Lex, kind: str, make: Any) -> None:
    assert lex.failed(kind, make(kind)) == [NOT_A_ZIP]


@pytest.mark.parametrize("kind", KINDS)
def test_lex_refuses_a_zip_with_damaged_data(lex: Lex, kind: str) -> None:
    files = valid_files(kind)
    # Big enough files that the middle of the archive is compressed data, not a header.
    files["padding.json"] = json.dumps({"text": RANDOM.hex()})
    [reason] = lex.failed(kind, _overwritten_middle(to_zip(files)))
    assert reason.startswith("padding.json is damaged: "), reason


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "name", ["../x.json", "/abs.json", "a/../../b.json", "..\\x.json", "C:/x.json"]
)
def test_lex_refuses_paths_that_leave_the_archive(lex: Lex, kind: str, name: str) -> None:
    files = {**valid_files(kind), name: {"x": 1}}
    assert lex.failed(kind, to_zip(files)) == [
        f"{name}: the archive path is not allowed (absolute or with '..')."
    ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("bomb", ["one_entry", "three_entries"])
def test_lex_refuses_zip_bombs_without_expanding_them(
    lex: Lex, bombs: Bombs, kind: str, bomb: str
) -> None:
    body = getattr(bombs, bomb)
    with hostile() as watch:
        done = lex.run(kind, body)
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        [EXPANDS.format(bombs.expanded)],
    )
    # Refused from the directory: the peak is a few copies of the 300 KB upload.
    assert watch.peak < memory_bound(len(body)) < bombs.expanded // 8, watch.peak
    lex.still_works(kind, done)


def test_lex_refuses_a_zip_bomb_lying_about_its_size_without_expanding_it(
    lex: Lex, bombs: Bombs
) -> None:
    with hostile() as watch:
        done = lex.run("Bot", bombs.lying)
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        ["manifest.json is damaged: Bad CRC-32 for file 'manifest.json'"],
    )
    lex.still_works("Bot", done)
    # Entries inflate chunk by chunk, never past their declared size: the CRC check fails
    # after one chunk.
    bound = memory_bound(len(bombs.lying))
    assert watch.peak < bound, f"peak {watch.peak / MiB:.0f} MiB > {bound / MiB:.0f} MiB"


def _bot_json(**members: Any) -> dict[str, Any]:
    return {**valid_files("Bot")[BOT_JSON], **members}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(
            json.dumps(_bot_json()).encode("utf-16"),
            "the file is not UTF-8 text.",
            id="utf16-with-bom",
        ),
        pytest.param(
            json.dumps(_bot_json()).encode("utf-16-le"),
            "the file is not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1).",
            id="utf16-without-bom",
        ),
        pytest.param(
            json.dumps(_bot_json(description="Café"), ensure_ascii=False).encode("latin-1"),
            "the file is not UTF-8 text.",
            id="latin1",
        ),
        pytest.param(
            b'{"name": "PizzaBot", "description": "a\x00b"}',
            "the file is not valid JSON: Invalid control character at: line 1 column 39 (char 38).",
            id="raw-nul",  # JSON forbids raw control characters in strings
        ),
        pytest.param(
            json.dumps(_bot_json())[:40].encode(),  # inside "PIZZABOT01"
            "the file is not valid JSON: Unterminated string starting at: line 1 column 36 "
            "(char 35).",
            id="cut-mid-record",
        ),
        pytest.param(
            b"[" * VERY_DEEP,
            "the file is not valid JSON: it is nested too deeply.",
            id="nested-100000",
        ),
    ],
)
def test_lex_bot_json_that_cannot_be_read(lex: Lex, body: bytes, reason: str) -> None:
    files = {**valid_files("Bot"), BOT_JSON: body}
    assert lex.failed("Bot", to_zip(files)) == [f"{BOT_JSON}: {reason}"]


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("Bot", "manifest.json"),
        ("Bot", f"{LOCALE}/Intents/Greeting/Intent.json"),
        ("BotLocale", f"{LOCALE}/BotLocale.json"),
        ("BotLocale", f"{LOCALE}/Intents/Greeting/Intent.json"),
    ],
)
def test_lex_json_nested_100000_deep_fails_naming_the_file(lex: Lex, kind: str, path: str) -> None:
    files = {**valid_files(kind), path: b'{"a":' * VERY_DEEP}
    assert lex.failed(kind, to_zip(files)) == [
        f"{path}: the file is not valid JSON: it is nested too deeply."
    ]


def test_lex_vocabulary_json_nested_100000_deep_fails_naming_the_file(lex: Lex) -> None:
    files = {"manifest.json": manifest("CustomVocabulary"), VOCABULARY_JSON: b"[" * VERY_DEEP}
    [reason] = lex.failed("CustomVocabulary", to_zip(files))
    assert reason == (f"{VOCABULARY_JSON}: the file is not valid JSON: it is nested too deeply.")


@pytest.mark.parametrize(
    "path",
    [BOT_JSON, f"{LOCALE}/Intents/Greeting/Intent.json"],
)
def test_lex_json_nested_a_few_hundred_deep_fails_naming_the_file(lex: Lex, path: str) -> None:
    deep = "[" * RATHER_DEEP + "]" * RATHER_DEEP
    name = path.split("/")[-2]
    files = {**valid_files("Bot"), path: f'{{"name": "{name}", "description": {deep}}}'}
    [reason] = lex.failed("Bot", to_zip(files))
    assert reason.startswith(f"{path}: Value '[[[")
    assert reason.endswith(
        "' at 'description' failed to satisfy constraint: Member must be of type string"
    )


def test_lex_huge_line_in_bot_json_within_memory_bound(lex: Lex) -> None:
    """A 5 MB description on one line fails the model's length check; the reason names the
    file and the member (and, like AWS's validation messages, quotes the value)."""
    files = {**valid_files("Bot"), BOT_JSON: _bot_json(description="x" * HUGE)}
    body = to_zip(files)
    with hostile() as watch:
        done = lex.run("Bot", body)
    assert done["importStatus"] == "Failed"
    [reason] = done["failureReasons"]
    assert reason.startswith(f"{BOT_JSON}: Value 'xxx")
    assert reason.endswith(
        "' at 'description' failed to satisfy constraint: Member must have length less than "
        f"or equal to {DESCRIPTION_MAX}"
    )
    # Bounded by what the archive expands to, which is what the reader legitimately holds.
    assert watch.peak < memory_bound(HUGE), watch.peak
    lex.still_works("Bot", done)


# -- custom vocabulary files -------------------------------------------------------------


def vocabulary_archive(body: bytes) -> bytes:
    return to_zip({"manifest.json": manifest("CustomVocabulary", "TSV"), VOCABULARY_TSV: body})


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(RANDOM, "the file is not UTF-8 text.", id="random-bytes"),
        pytest.param(
            "phrase\nmargherita\n".encode("utf-16"),
            "the file is not UTF-8 text.",
            id="utf16-with-bom",
        ),
        pytest.param(
            "phrase\nmargherita\n".encode("utf-16-le"),
            f"the file is not UTF-8 text ({NUL_AT_1}).",
            id="utf16-without-bom",
        ),
        pytest.param(
            "phrase\ncafé\n".encode("latin-1"), "the file is not UTF-8 text.", id="latin1"
        ),
        pytest.param(
            b"phrase\n" + b"x" * HUGE + b"\n",
            f"the file cannot be read (field larger than field limit ({CSV_FIELD_LIMIT})).",
            id="huge-line",
        ),
    ],
)
def test_lex_vocabulary_tsv_that_cannot_be_read(lex: Lex, body: bytes, reason: str) -> None:
    with hostile() as watch:
        done = lex.run("CustomVocabulary", vocabulary_archive(body))
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        [f"{VOCABULARY_TSV}: {reason}"],
    )
    assert watch.peak < memory_bound(len(body)), watch.peak
    with pytest.raises(lex.client.exceptions.ResourceNotFoundException):
        lex.client.describe_custom_vocabulary_metadata(
            botId=lex.bot_id, botVersion="DRAFT", localeId="en_US"
        )
    lex.still_works("CustomVocabulary", done)


def test_lex_vocabulary_json_cut_mid_record(lex: Lex) -> None:
    files = {
        "manifest.json": manifest("CustomVocabulary"),
        VOCABULARY_JSON: b'{"customVocabularyItems": [{"phrase": "piz',
    }
    assert lex.failed("CustomVocabulary", to_zip(files)) == [
        f"{VOCABULARY_JSON}: the file is not valid JSON: Unterminated string starting at: "
        "line 1 column 39 (char 38)."
    ]


def _vocabulary_items(lex: Lex) -> list[tuple[str, int, str | None]]:
    items = lex.client.list_custom_vocabulary_items(
        botId=lex.bot_id, botVersion="DRAFT", localeId="en_US"
    )["customVocabularyItems"]
    return sorted((i["phrase"], i["weight"], i.get("displayAs")) for i in items)


def test_lex_vocabulary_formula_cells_are_imported_verbatim(lex: Lex) -> None:
    expected = [(f, n % 4, FORMULAS[-1 - n]) for n, f in enumerate(FORMULAS)]
    body = "phrase\tweight\tdisplayAs\n" + "".join(f"{p}\t{w}\t{d}\n" for p, w, d in expected)
    with hostile():
        done = lex.run("CustomVocabulary", vocabulary_archive(body.encode()))
    assert done["importStatus"] == "Completed", done.get("failureReasons")
    assert _vocabulary_items(lex) == sorted(expected)
    lex.still_works("CustomVocabulary", done)


# -- test-set CSV files --------------------------------------------------------------------

TEST_SET_HEADER = ["Line #", "Conversation #", "Source", "Input", "Expected Output Intent"]
TEST_SET_HEADER_LINE = (",".join(TEST_SET_HEADER) + "\n").encode()
TEST_SET_BUCKET = "test-inputs"
#: Without a BOM, UTF-16 of ASCII is valid UTF-8 with a NUL after each letter.
UTF16LE_TEST_SET = (TEST_SET_HEADER_LINE + b"1,1,User,Hi,G\n").decode().encode("utf-16-le")


def suite_spec(name: str, key: str) -> dict[str, Any]:
    return {
        "testSetImportResourceSpecification": {
            "testSetName": name,
            "roleArn": LEX_ROLE,
            "storageLocation": {"s3BucketName": "test-store", "s3Path": "stored/"},
            "importInputLocation": {"s3BucketName": TEST_SET_BUCKET, "s3Path": key},
            "modality": "Text",
        }
    }


def run_test_set(lex: Lex, body: bytes) -> tuple[dict[str, Any], str]:
    """Seed ``body`` and import it as a new test set; (DescribeImport, the file's URL)."""
    key = unique("sets/hostile-") + ".csv"
    lex.m.put_object(TEST_SET_BUCKET, key, body)
    done = lex_run_import(lex.m, lex.client, None, suite_spec(unique("Suite"), key))
    return done, f"s3://{TEST_SET_BUCKET}/{key}"


def exported_test_set(lex: Lex, test_set_id: str) -> dict[str, bytes]:
    export = lex.client.create_export(
        resourceSpecification={"testSetExportSpecification": {"testSetId": test_set_id}},
        fileFormat="CSV",
    )
    lex.m.settle()
    url = lex.client.describe_export(exportId=export["exportId"])["downloadUrl"]
    with zipfile.ZipFile(io.BytesIO(requests.get(url).content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def assert_test_sets_still_work(lex: Lex, failed: dict[str, Any]) -> None:
    done, _ = run_test_set(lex, csv_text(TEST_SET_HEADER, ["1", "1", "User", "Hi", "G"]).encode())
    assert done["importStatus"] == "Completed"
    listed = {t["testSetId"] for t in lex.client.list_test_sets()["testSets"]}
    assert done["importedResourceId"] in listed
    statuses = {
        i["importId"]: i["importStatus"]
        for i in lex.client.list_imports(maxResults=1000)["importSummaries"]
    }
    assert statuses[failed["importId"]] == failed["importStatus"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param(RANDOM, "the file is not UTF-8 text.", id="random-bytes"),
        pytest.param(
            TEST_SET_HEADER_LINE + RANDOM, "the file is not UTF-8 text.", id="header-then-random"
        ),
        pytest.param(
            (TEST_SET_HEADER_LINE + b"1,1,User,Hi,G\n").decode().encode("utf-16"),
            "the file is not UTF-8 text.",
            id="utf16-with-bom",
        ),
        pytest.param(
            UTF16LE_TEST_SET,
            f"the file is not UTF-8 text ({NUL_AT_1}).",
            id="utf16-without-bom",
        ),
        pytest.param(
            TEST_SET_HEADER_LINE + b"1,1,User,hello\x00world,G\n",
            f"the file is not UTF-8 text (a NUL byte at offset {len(TEST_SET_HEADER_LINE) + 14}; "
            "a file saved as UTF-16 has one after every letter).",
            id="nul-byte",
        ),
        pytest.param(
            TEST_SET_HEADER_LINE + "1,1,User,Café,G\n".encode("latin-1"),
            "the file is not UTF-8 text.",
            id="latin1",
        ),
        pytest.param(
            TEST_SET_HEADER_LINE + b"1,1,User,Hello,Greeting\n2,1,Us",
            "line 3: Source must be User or Agent, not 'Us'.",
            id="cut-between-cells",
        ),
    ],
)
def test_lex_test_set_csv_that_cannot_be_read(lex: Lex, body: bytes, reason: str) -> None:
    with hostile():
        done, url = run_test_set(lex, body)
    assert done["importStatus"] == "Failed"
    separator = " " if reason.startswith("line ") else ": "
    assert done["failureReasons"] == [f"{url}{separator}{reason}"]
    assert lex.client.list_test_sets()["testSets"] == []
    assert_test_sets_still_work(lex, done)


def test_lex_test_set_csv_cut_inside_a_quoted_value(lex: Lex) -> None:
    body = TEST_SET_HEADER_LINE + b'1,1,User,"Hello, I would like to ord'
    with hostile():
        done, url = run_test_set(lex, body)
    assert done["importStatus"] == "Failed"
    [reason] = done["failureReasons"]
    assert reason.startswith(f"{url}: the file cannot be read (unexpected end of data")
    assert_test_sets_still_work(lex, done)


def test_lex_test_set_huge_line_within_memory_bound(lex: Lex) -> None:
    body = TEST_SET_HEADER_LINE + b"1,1,User," + b"x" * HUGE + b",G\n"
    with hostile() as watch:
        done, url = run_test_set(lex, body)
    assert (done["importStatus"], done["failureReasons"]) == (
        "Failed",
        [f"{url}: the file cannot be read (field larger than field limit ({CSV_FIELD_LIMIT}))."],
    )
    assert watch.peak < memory_bound(len(body)), watch.peak
    assert_test_sets_still_work(lex, done)


def test_lex_test_set_formula_cells_are_kept_verbatim(lex: Lex) -> None:
    rows = [[str(n), "1", "User" if n % 2 else "Agent", f, f] for n, f in enumerate(FORMULAS, 1)]
    body = csv_text(TEST_SET_HEADER, *rows).encode()
    with hostile():
        done, url = run_test_set(lex, body)
    assert done["importStatus"] == "Completed", done.get("failureReasons")
    test_set_id = done["importedResourceId"]
    assert lex.client.describe_test_set(testSetId=test_set_id)["numTurns"] == len(rows)
    # The export hands back the file byte for byte: nothing evaluated, escaped or dropped.
    assert exported_test_set(lex, test_set_id) == {url.rsplit("/", 1)[-1]: body}
    assert_test_sets_still_work(lex, done)

"""Zip archives as Lex V2 exchanges them: read with limits, written with an optional password.

Lex protects archives with "standard zip" passwords, which the Python standard library can
read (traditional PKWARE encryption, "ZipCrypto") but not write, and no maintained Python
package writes them either; so the writer below implements the cipher from the PKWARE
APPNOTE (section 6.1). It is weak by design (that is the format); it exists so exports can
be protected and tests can build protected archives. The reader is ``zipfile`` itself.
"""

from __future__ import annotations

import io
import os
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Mapping

# The largest archive Lex's import documentation names (the custom vocabulary zip).
MAX_ARCHIVE_BYTES = 300 * 1024 * 1024
# What the files of one archive may expand to: far above any real bot (a 1,000-intent bot
# is a few MB), far below what would hurt the test process.
MAX_EXPANDED_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 100_000


class ArchiveError(ValueError):
    """The archive cannot be opened; the message says why, for the import's failure."""


def _crc_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC = _crc_table()


class _ZipCryptoKeys:
    """The three-key state of the traditional PKWARE cipher."""

    def __init__(self, password: bytes) -> None:
        self.k0, self.k1, self.k2 = 0x12345678, 0x23456789, 0x34567890
        for byte in password:
            self._update(byte)

    def _update(self, byte: int) -> None:
        self.k0 = (self.k0 >> 8) ^ _CRC[(self.k0 ^ byte) & 0xFF]
        self.k1 = (self.k1 + (self.k0 & 0xFF)) & 0xFFFFFFFF
        self.k1 = (self.k1 * 134775813 + 1) & 0xFFFFFFFF
        self.k2 = (self.k2 >> 8) ^ _CRC[(self.k2 ^ (self.k1 >> 24)) & 0xFF]

    def encrypt(self, data: bytes) -> bytes:
        out = bytearray(len(data))
        update = self._update
        for i, byte in enumerate(data):
            temp = (self.k2 | 2) & 0xFFFF
            out[i] = byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF)
            update(byte)
        return bytes(out)


def _dos_time(moment: float) -> tuple[int, int]:
    t = time.localtime(moment)
    year = max(t.tm_year, 1980)
    return (
        (t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2),
        ((year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday,
    )


def write_zip(files: Mapping[str, bytes], password: str | None = None) -> bytes:
    """A deflated zip of ``files`` (name to content), ZipCrypto-protected with a password."""
    if not password:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, body in files.items():
                archive.writestr(name, body)
        return buffer.getvalue()
    return _write_protected(files, password.encode("utf-8"))


def _write_protected(files: Mapping[str, bytes], password: bytes) -> bytes:
    out = io.BytesIO()
    central = []
    mod_time, mod_date = _dos_time(time.time())
    flags = 0x1 | 0x800  # encrypted; UTF-8 names
    for name, body in files.items():
        encoded_name = name.encode("utf-8")
        crc = zlib.crc32(body)
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        compressed = compressor.compress(body) + compressor.flush()
        keys = _ZipCryptoKeys(password)
        # 11 random bytes, then the CRC's high byte, which readers check the password with.
        header = os.urandom(11) + bytes([crc >> 24])
        data = keys.encrypt(header) + keys.encrypt(compressed)
        if len(data) > 0xFFFFFFFF or len(body) > 0xFFFFFFFF:
            raise ArchiveError(f"{name} is too large for a zip without ZIP64")
        offset = out.tell()
        fields = (20, flags, zipfile.ZIP_DEFLATED, mod_time, mod_date, crc, len(data), len(body))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, len(encoded_name), 0))
        out.write(encoded_name)
        out.write(data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                *fields,
                len(encoded_name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded_name
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), size, start, 0)
    )
    return out.getvalue()


_CHUNK = 1 << 20
_DIRECTORY_RECORD = b"PK\x01\x02"  # the signature every central directory record starts with

# The methods a Lex archive's entries use: deflate, as Lex writes them, and stored, which
# zip tools choose for empty or incompressible files. zipfile bounds the output of these
# two by the size asked for on every read; it inflates bzip2 and LZMA without a bound
# (a 909-byte bzip2 entry declaring 100 bytes gives 1 GiB in one call), so those, and
# every other method, are refused before anything is decompressed.
READ_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_METHOD_NAMES = {
    9: "deflate64",
    12: "bzip2",
    14: "LZMA",
    93: "Zstandard",
    95: "xz",
    98: "PPMd",
}
_AES = 99  # WinZip AES encryption stands in the method field


def _unread_method(info: zipfile.ZipInfo) -> str | None:
    """Why an entry's compression method is refused, or None when it is read."""
    method = info.compress_type
    if method in READ_METHODS:
        return None
    if method == _AES:
        return (
            f"{info.filename} is encrypted with AES (method 99), which importmock does not "
            "read; Lex archives use standard zip passwords."
        )
    name = _METHOD_NAMES.get(method, "an unknown method")
    return (
        f"{info.filename} is compressed with {name} (method {method}), which importmock "
        "does not read; Lex archives use deflate (method 8)."
    )


class _TooManyEntries(Exception):
    pass


class _DirectoryGuard(io.BytesIO):
    """The archive as zipfile reads it, refusing a central directory of too many records.

    zipfile builds a ZipInfo (about 400 bytes) for every record of the directory it reads,
    whatever the end record claims: a 52 MB directory of a million records cost 340 MB and
    5 s before the entry count could be checked. Each record starts with a signature, so
    counting signatures in what zipfile reads bounds what it would build, whichever end
    record (plain or zip64) it chose.
    """

    guarding = True

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        if self.guarding and data.count(_DIRECTORY_RECORD) > MAX_ENTRIES:
            raise _TooManyEntries
        return data


def _read_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, pwd: bytes | None, keep: bool
) -> bytes:
    """The entry's content (b"" unless ``keep``), checked against its CRC either way.

    Not archive.read(): it asks zlib for up to 2 GiB of output at once, whatever the entry
    declares, before truncating to the declared size. Chunks are read instead, and reading
    stops once the output passes the declared size, whatever zipfile would do.
    """
    kept = bytearray()
    seen = 0
    with archive.open(info, pwd=pwd) as entry:
        while chunk := entry.read(_CHUNK):
            seen += len(chunk)
            if seen > info.file_size:
                raise ArchiveError(
                    f"{info.filename} is damaged: it expands past the {info.file_size} bytes "
                    "its header declares."
                )
            if keep:
                kept += chunk
    return bytes(kept)


def read_zip(
    body: bytes,
    password: str | None,
    keep: Callable[[str], bool] = lambda name: True,
    max_kept_file: int = MAX_EXPANDED_BYTES,
) -> dict[str, bytes]:
    """Every file of the archive (directories skipped), or ArchiveError saying why not.

    Only the files ``keep`` names (at most ``max_kept_file`` bytes each) keep their
    content; the others are read, so a damaged one or a wrong password still fails the
    archive, and come back empty. Sizes, entry counts and compression methods are checked
    from the archive's directory before anything is expanded, and each entry is then read
    in bounded chunks, never past its declared size: a zip bomb is refused without being
    expanded, and one whose directory lies about its sizes costs at most one chunk before
    its CRC check fails.
    """
    if len(body) > MAX_ARCHIVE_BYTES:
        raise ArchiveError(
            f"The archive is {len(body)} bytes; the limit is {MAX_ARCHIVE_BYTES} bytes."
        )
    too_many = ArchiveError(f"The archive has more than {MAX_ENTRIES} files.")
    source = _DirectoryGuard(body)
    try:
        archive = zipfile.ZipFile(source)
    except _TooManyEntries:
        raise too_many from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ArchiveError("The uploaded file is not a valid .zip archive.") from None
    source.guarding = False
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) > MAX_ENTRIES:
            raise too_many
        expanded = sum(info.file_size for info in entries)
        if expanded > MAX_EXPANDED_BYTES:
            raise ArchiveError(
                f"The archive expands to {expanded} bytes; the limit is {MAX_EXPANDED_BYTES} bytes."
            )
        for info in entries:
            if keep(info.filename) and info.file_size > max_kept_file:
                raise ArchiveError(
                    f"{info.filename} expands to {info.file_size} bytes; a file importmock "
                    f"reads from an archive may expand to at most {max_kept_file} bytes."
                )
            refused = _unread_method(info)
            if refused is not None:
                raise ArchiveError(refused)
        encrypted = any(info.flag_bits & 0x1 for info in entries)
        if encrypted and not password:
            raise ArchiveError(
                "The archive is password protected; give its password in filePassword."
            )
        pwd = password.encode("utf-8") if encrypted and password else None
        files: dict[str, bytes] = {}
        for info in entries:
            try:
                files[info.filename] = _read_entry(archive, info, pwd, keep(info.filename))
            except ArchiveError:
                raise
            except RuntimeError as problem:  # zipfile's "Bad password for file"
                if "password" in str(problem).lower():
                    raise ArchiveError(
                        "The password in filePassword does not open the archive."
                    ) from None
                raise ArchiveError(f"{info.filename} cannot be read: {problem}") from None
            except NotImplementedError:
                raise ArchiveError(
                    f"{info.filename} uses a compression method or encryption importmock "
                    "does not read (Lex archives use deflate and standard zip passwords)."
                ) from None
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as problem:
                if encrypted:  # 1 wrong password in 256 passes the check byte, then garbles
                    raise ArchiveError(
                        "The password in filePassword does not open the archive."
                    ) from None
                raise ArchiveError(f"{info.filename} is damaged: {problem}") from None
        return files

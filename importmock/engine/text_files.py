"""What every reader of an imported CSV, TSV or JSON file checks about its bytes."""

from __future__ import annotations


def nul_byte(body: bytes) -> str | None:
    """Why a file holding a NUL byte is not text, or None when it holds none.

    A NUL byte has no place in a text file: it marks UTF-16 (one after every ASCII letter)
    or binary data. Refusing it also keeps every reader's answer the same on every Python:
    the csv module reads a NUL as data from Python 3.11 and rejects the line before.
    """
    offset = body.find(b"\x00")
    if offset < 0:
        return None
    return f"a NUL byte at offset {offset}; a file saved as UTF-16 has one after every letter"

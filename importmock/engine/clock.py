"""The one clock every timestamp comes from.

It reads the standard library's wall clock on every call and caches nothing, so freezegun
and time-machine (which patch ``time.time``) move importmock's jobs and timestamps too.
Monotonic clocks are deliberately not used: time-machine leaves them alone. Under
``mock_imports(sleep="advance")`` sleeps move ``time.time`` (see :mod:`.sleeps`).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone


def now() -> float:
    """Seconds since the epoch, read afresh."""
    return time.time()


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.fromtimestamp(time.time(), tz=timezone.utc)


def to_datetime(epoch: float) -> datetime:
    """An epoch timestamp as an aware UTC datetime (what the serialiser expects)."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc)

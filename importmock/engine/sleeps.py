"""``sleep="advance"``: sleeps that move the clock instead of waiting.

While a mock started with ``sleep="advance"`` is active, ``time.sleep`` and
``asyncio.sleep`` called by the thread that started it return at once and move the clock
on by the time asked for:

- under freezegun, its active factory ticks (which moves its ``time.time``,
  ``time.monotonic`` and ``time.perf_counter`` together);
- under time-machine, its innermost traveller shifts (the wall clock), and an offset is
  added to ``time.monotonic`` and ``time.perf_counter`` (which time-machine leaves alone);
- otherwise an offset is added to ``time.time``, ``time.monotonic`` and
  ``time.perf_counter`` (and their ``_ns`` forms).

importmock's own clock reads ``time.time()`` (see :mod:`importmock.engine.clock`), so jobs
in ``time`` mode move with every sleep. Other threads sleep for real: a background thread
that polls in a loop would otherwise spin and race the clock forward. They read the
advanced clock like every thread (the offsets are process-wide, as freezegun's are).

The ``time`` and ``asyncio`` module attributes are replaced; a name bound before the mock
started (``from time import sleep``) still waits for real. On stop, each attribute that is
still this module's wrapper gets back what it replaced; a wrapper someone else has replaced
is left where it is, and it waits for real and adds nothing once the mock is stopped.
"""

from __future__ import annotations

import asyncio
import datetime
import math
import numbers
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

#: The values of ``mock_imports(sleep=...)``.
SLEEP_MODES = ("real", "advance")

_WALL = ("time", "time_ns")
_ELAPSED = ("monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns")

_lock = threading.RLock()
_active = False
_owner: int | None = None  # the ident of the thread whose sleeps advance the clock
_wall_offset = 0.0  # seconds added to time.time (no freezegun or time-machine active)
_elapsed_offset = 0.0  # seconds added to time.monotonic and time.perf_counter
#: What each wrapper delegates to: the attribute it replaced.
_inner: dict[str, Callable[..., Any]] = {}
_inner_asyncio_sleep: Callable[..., Any] = asyncio.sleep


def validate(mode: str) -> str:
    if mode not in SLEEP_MODES:
        raise ValueError(f"sleep must be one of {', '.join(map(repr, SLEEP_MODES))}; got {mode!r}")
    return mode


# -- the wrappers ------------------------------------------------------------------------


def _time() -> float:
    return float(_inner["time"]() + _wall_offset)


def _time_ns() -> int:
    return int(_inner["time_ns"]() + round(_wall_offset * 1e9))


def _monotonic() -> float:
    return float(_inner["monotonic"]() + _elapsed_offset)


def _monotonic_ns() -> int:
    return int(_inner["monotonic_ns"]() + round(_elapsed_offset * 1e9))


def _perf_counter() -> float:
    return float(_inner["perf_counter"]() + _elapsed_offset)


def _perf_counter_ns() -> int:
    return int(_inner["perf_counter_ns"]() + round(_elapsed_offset * 1e9))


def _sleep(secs: Any) -> None:
    """``time.sleep`` while importmock advances sleeps: moves the clock, waits not."""
    seconds = _advancing(secs)
    if seconds is None:
        _inner["sleep"](secs)
        return
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    _advance(seconds)
    _inner["sleep"](0)  # still let other threads run, as a real sleep would


async def _asyncio_sleep(delay: Any, result: Any = None, **kwargs: Any) -> Any:
    """``asyncio.sleep`` while importmock advances sleeps: moves the clock, then yields
    to the event loop once (as ``asyncio.sleep(0)`` does) and returns ``result``."""
    seconds = _advancing(delay)
    if seconds is None:
        return await _inner_asyncio_sleep(delay, result, **kwargs)
    if seconds > 0:
        _advance(seconds)
    return await _inner_asyncio_sleep(0, result, **kwargs)


_WRAPPERS: dict[str, Callable[..., Any]] = {
    "time": _time,
    "time_ns": _time_ns,
    "monotonic": _monotonic,
    "monotonic_ns": _monotonic_ns,
    "perf_counter": _perf_counter,
    "perf_counter_ns": _perf_counter_ns,
    "sleep": _sleep,
}


def _advancing(delay: Any) -> float | None:
    """The seconds to advance by, or None when this call must wait for real: the mock is
    not active, another thread sleeps, or the delay is not a finite number (the original
    then raises or waits as it always does)."""
    if not _active or threading.get_ident() != _owner:
        return None
    if not isinstance(delay, numbers.Real):
        return None
    seconds = float(delay)
    return seconds if math.isfinite(seconds) else None


# -- moving the clock --------------------------------------------------------------------


def _freezegun_factory() -> Any:
    api = sys.modules.get("freezegun.api")
    factories = getattr(api, "freeze_factories", None)
    return factories[-1] if factories else None


def _time_machine_traveller() -> Any:
    module = sys.modules.get("time_machine")
    # time-machine 3 keeps travellers in ``traveller_stack``; 2.x in ``coordinates_stack``
    for name in ("traveller_stack", "coordinates_stack"):
        stack = getattr(module, name, None)
        if stack:
            return stack[-1]
    return None


def _advance(seconds: float) -> None:
    global _wall_offset, _elapsed_offset
    with _lock:
        factory = _freezegun_factory()
        traveller = _time_machine_traveller()
        if factory is not None:
            # freezegun's monotonic and perf_counter follow its factory too
            factory.tick(datetime.timedelta(seconds=seconds))
        if traveller is not None:
            traveller.shift(seconds)
        if factory is None:
            if traveller is None:
                _wall_offset += seconds
            _elapsed_offset += seconds
            # a freezegun that stopped inside the mock put its originals back over ours
            _wrap(time, _WALL + _ELAPSED)


def advanced() -> float:
    """Seconds the sleeps have added to ``time.monotonic`` since the mock started."""
    return _elapsed_offset


# -- install / uninstall -----------------------------------------------------------------


def _wrap(module: Any, names: tuple[str, ...]) -> None:
    for name in names:
        current = getattr(module, name, None)
        if current is None or current is _WRAPPERS[name]:
            continue  # already ours: keep what it delegates to (never itself)
        _inner[name] = current
        setattr(module, name, _WRAPPERS[name])


def install() -> None:
    """Advance sleeps from now on; the calling thread is the one whose sleeps advance."""
    global _active, _owner, _wall_offset, _elapsed_offset, _inner_asyncio_sleep
    with _lock:
        _wall_offset = _elapsed_offset = 0.0
        _wrap(time, (*_WALL, *_ELAPSED, "sleep"))
        if asyncio.sleep is not _asyncio_sleep:
            _inner_asyncio_sleep = asyncio.sleep
            asyncio.sleep = _asyncio_sleep
        _owner = threading.get_ident()
        _active = True


def uninstall() -> None:
    """Put the originals back (where ours still are) and forget the offsets."""
    global _active, _owner, _wall_offset, _elapsed_offset
    with _lock:
        _active = False
        _owner = None
        _wall_offset = _elapsed_offset = 0.0
        for name, wrapper in _WRAPPERS.items():
            if getattr(time, name, None) is wrapper:
                setattr(time, name, _inner[name])
        if asyncio.sleep is _asyncio_sleep:
            asyncio.sleep = _inner_asyncio_sleep

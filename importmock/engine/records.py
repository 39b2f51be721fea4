"""Small helpers every backend's resources use to describe themselves."""

from __future__ import annotations

import itertools
from typing import Any

# Creation order, for a stable listing order when the clock is frozen (several resources
# created at the same instant).
_sequence = itertools.count()


def next_sequence() -> int:
    """A number larger than any handed out before, in this process."""
    return next(_sequence)


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """The members that are set: AWS omits unset members rather than sending null.

    The serialiser drops unset top-level members itself; this is for nested structures.
    """
    return {name: value for name, value in data.items() if value is not None}

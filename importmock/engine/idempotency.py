"""Client tokens: the same token with the same input returns the earlier result; the same
token with other input is a conflict. Shared by every backend whose API takes one."""

from __future__ import annotations

import json
from typing import Any

from importmock.engine.errors import ServiceError


class ClientTokens:
    """What each (scope, token) pair was first used for, and with which input."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[str, Any]] = {}

    @staticmethod
    def _fingerprint(request: dict[str, Any]) -> str:
        return json.dumps(request, sort_keys=True, default=str)

    def replay(self, scope: str, token: str | None, request: dict[str, Any]) -> Any:
        """The value remembered for this token, or None for a token not seen yet.

        Raises ConflictException when the token was used with different input.
        """
        if token is None:
            return None
        seen = self._seen.get((scope, token))
        if seen is None:
            return None
        if seen[0] != self._fingerprint(request):
            raise ServiceError(
                "ConflictException",
                f"The client token {token} was already used with different parameters.",
            )
        return seen[1]

    def remember(self, scope: str, token: str | None, request: dict[str, Any], value: Any) -> None:
        if token is not None:
            self._seen[(scope, token)] = (self._fingerprint(request), value)

"""Find the operation a request addresses from the model's ``requestUri`` templates.

Nothing here is written per service: every route is compiled from the ``http`` trait of
an operation (method, ``requestUri`` with ``{label}`` and greedy ``{label+}`` parts, and
static query keys such as ``?tagging``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

from botocore.model import ServiceModel

_LABEL = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Route:
    """One operation's compiled ``requestUri``."""

    operation: str
    method: str
    pattern: re.Pattern[str]
    labels: tuple[str, ...]
    static_query: tuple[str, ...]
    literal_length: int


@dataclass(frozen=True)
class Match:
    """A routed request: the operation name and the decoded URI labels."""

    operation: str
    labels: dict[str, str]


def _compile(operation: str, method: str, request_uri: str) -> Route:
    path, _, query = request_uri.partition("?")
    static_query = tuple(part.split("=", 1)[0] for part in query.split("&") if part)
    regex, labels, literal = "", [], 0
    position = 0
    for label in _LABEL.finditer(path):
        text = path[position : label.start()]
        regex += re.escape(text)
        literal += len(text)
        name = label.group(1)
        if name.endswith("+"):
            labels.append(name[:-1])
            regex += "(.+)"
        else:
            labels.append(name)
            regex += "([^/]+)"
        position = label.end()
    tail = path[position:]
    regex += re.escape(tail)
    literal += len(tail)
    return Route(
        operation=operation,
        method=method,
        pattern=re.compile(regex + r"\Z"),
        labels=tuple(labels),
        static_query=static_query,
        literal_length=literal,
    )


class Router:
    """Matches (method, path, query keys) to an operation of one service model."""

    def __init__(self, model: ServiceModel) -> None:
        by_method: dict[str, list[Route]] = {}
        for name in model.operation_names:
            http = model.operation_model(name).http
            route = _compile(name, http["method"], http["requestUri"])
            by_method.setdefault(route.method, []).append(route)
        # A literal segment beats a label ("/apps/segments" before "/apps/{id}"), and
        # a route that needs static query keys beats one that does not.
        for routes in by_method.values():
            routes.sort(key=lambda r: (-len(r.static_query), len(r.labels), -r.literal_length))
        self._by_method = by_method

    def match(self, method: str, path: str, query: str) -> Match | None:
        """The route for this request, or None when no operation of the model fits.

        A path that fits no template exactly is tried again with its trailing slash added
        or removed: 70 Lex V2 templates end in ``/`` (``/bots/{botId}/``), the JavaScript
        SDK v3 sends them without it, and the service accepts both.
        """
        found = self._match(method, path, query)
        if found is None and path not in ("", "/") and not path.endswith("//"):
            # ("//" is an empty label, never a spare slash)
            other = path[:-1] if path.endswith("/") else path + "/"
            found = self._match(method, other, query)
        return found

    def _match(self, method: str, path: str, query: str) -> Match | None:
        query_keys: frozenset[str] | None = None
        for route in self._by_method.get(method, ()):
            found = route.pattern.match(path)
            if found is None:
                continue
            if route.static_query:
                if query_keys is None:
                    query_keys = frozenset(k for k, _ in parse_qsl(query, keep_blank_values=True))
                if not query_keys.issuperset(route.static_query):
                    continue
            return Match(
                route.operation,
                {
                    name: unquote(value) if "%" in value else value
                    for name, value in zip(route.labels, found.groups())
                },
            )
        return None

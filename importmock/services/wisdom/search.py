"""SearchQuickResponses: queries, filters and ordering over a knowledge base's responses.

Queries are alternatives (a response matches if any query matches), ranked by their
``priority``; filters must all hold. Text matching is case-insensitive: CONTAINS finds the
value anywhere in the field, CONTAINS_AND_PREFIX also counts a word that starts with it.
"""

from __future__ import annotations

from typing import Any

from importmock.services.wisdom.models import QuickResponse

_PRIORITY_WEIGHT = {"HIGH": 3, "MEDIUM": 2, "LOW": 1}
QUERY_FIELDS = ("content", "name", "description", "shortcutKey")
FILTER_FIELDS = (
    "name",
    "description",
    "shortcutKey",
    "contentType",
    "channels",
    "language",
    "isActive",
)
ORDER_FIELDS = (
    "name",
    "description",
    "shortcutKey",
    "contentType",
    "language",
    "isActive",
    "createdTime",
    "lastModifiedTime",
)


class InvalidExpression(ValueError):
    """A search expression naming a field the search cannot use."""


def _field_values(qr: QuickResponse, name: str) -> list[str]:
    value: Any = {
        "content": qr.content,
        "name": qr.name,
        "description": qr.description,
        "shortcutKey": qr.shortcut_key,
        "contentType": qr.content_type,
        "channels": qr.channels,
        "language": qr.language,
        "isActive": None if qr.is_active is None else str(qr.is_active).lower(),
    }[name]
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _sort_value(qr: QuickResponse, name: str) -> Any:
    """The value ``orderOnField`` sorts on, in its own type: timestamps as instants and
    booleans as booleans (their text would put 2001 after 2020), text ignoring case.
    None when the response lacks the field."""
    if name == "createdTime":
        return qr.created
    if name == "lastModifiedTime":
        return qr.modified
    if name == "isActive":
        return qr.is_active
    values = _field_values(qr, name)
    return values[0].lower() if values else None


def _query_score(qr: QuickResponse, queries: list[dict[str, Any]]) -> int:
    score = 0
    for query in queries:
        texts = [t.lower() for t in _field_values(qr, query["name"])]
        for wanted in (v.lower() for v in query["values"]):
            hit = any(wanted in text for text in texts)
            if query["operator"] == "CONTAINS_AND_PREFIX":
                hit = hit or any(w.startswith(wanted) for t in texts for w in t.split())
            if hit:
                score += _PRIORITY_WEIGHT.get(query.get("priority", "MEDIUM"), 2)
                break
    return score


def _passes(qr: QuickResponse, rule: dict[str, Any]) -> bool:
    present = _field_values(qr, rule["name"])
    if not present:
        return bool(rule.get("includeNoExistence", False))
    wanted = rule.get("values") or []
    if rule["operator"] == "PREFIX":
        return any(p.startswith(w) for p in present for w in wanted)
    return any(p == w for p in present for w in wanted)


def run(responses: list[QuickResponse], expression: dict[str, Any]) -> list[QuickResponse]:
    """The responses the expression selects, in result order."""
    queries = expression.get("queries") or []
    filters = expression.get("filters") or []
    order = expression.get("orderOnField")
    for query in queries:
        if query["name"] not in QUERY_FIELDS:
            raise InvalidExpression(
                f"Query field '{query['name']}' is not one of {', '.join(QUERY_FIELDS)}."
            )
    for rule in filters:
        if rule["name"] not in FILTER_FIELDS:
            raise InvalidExpression(
                f"Filter field '{rule['name']}' is not one of {', '.join(FILTER_FIELDS)}."
            )
    if order is not None and order["name"] not in ORDER_FIELDS:
        raise InvalidExpression(
            f"Order field '{order['name']}' is not one of {', '.join(ORDER_FIELDS)}."
        )
    scored = []
    for qr in responses:
        if not all(_passes(qr, rule) for rule in filters):
            continue
        score = _query_score(qr, queries) if queries else 1
        if score:
            scored.append((score, qr))
    if order is not None:
        # Responses without the field come last in either direction.
        field = order["name"]
        present = [pair for pair in scored if _sort_value(pair[1], field) is not None]
        absent = [pair for pair in scored if _sort_value(pair[1], field) is None]
        present.sort(
            key=lambda pair: (_sort_value(pair[1], field), pair[1].sequence),
            reverse=order.get("order", "ASC") == "DESC",
        )
        scored = present + sorted(absent, key=lambda pair: pair[1].sequence)
    else:
        scored.sort(key=lambda pair: (-pair[0], pair[1].sequence))
    return [qr for _, qr in scored]

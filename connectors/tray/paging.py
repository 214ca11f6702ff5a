"""Tray's `page`/`limit` pagination, read from the `paging` block of every list answer.

``{"paging": {"total": 108, "page": 1, "offset": 0, "limit": 30, "maxLimit": 50}, ...}``
"""

from __future__ import annotations

from typing import Any

MAX_LIMIT = 50


def page_params(page: int, limit: int = MAX_LIMIT) -> dict[str, str]:
    return {"page": str(page), "limit": str(min(limit, MAX_LIMIT))}


def next_page(body: Any) -> int | None:
    """The page after this one, or None when this answer was the last page."""
    paging = body.get("paging") if isinstance(body, dict) else None
    if not isinstance(paging, dict):
        return None
    try:
        total, page, limit = int(paging["total"]), int(paging["page"]), int(paging["limit"])
    except (KeyError, TypeError, ValueError):
        return None
    if limit <= 0 or page * limit >= total:
        return None
    return page + 1


def records(body: Any, plural: str, singular: str) -> list[dict[str, Any]]:
    """The records of a list answer: `{"Products": [{"Product": {...}}]}` -> [{...}]."""
    items = body.get(plural) if isinstance(body, dict) else None
    if not isinstance(items, list):
        return []
    return [item[singular] for item in items if isinstance(item, dict) and singular in item]

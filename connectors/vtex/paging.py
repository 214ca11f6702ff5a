"""VTEX's pagination, one small strategy per API, each a function of the last answer.

- OMS list: ``page``/``per_page`` (max 100) with a ``paging`` block, and a hard limit of 30
  pages: a query must stay under 3,000 rows, so a window that holds more is split.
- Catalog ids: ``_from``/``_to`` inclusive ranges (max 250 per call), a ``range.total``.
- Brand paged list: ``page``/``pageSize`` with a ``paging`` block.
"""

from __future__ import annotations

from typing import Any

OMS_PER_PAGE = 100
OMS_MAX_PAGES = 30
CATALOG_RANGE = 250


def next_oms_page(body: dict[str, Any]) -> int | None:
    """The OMS list page to read after this answer, or None when done."""
    paging = body.get("paging") or {}
    current, pages = int(paging.get("currentPage") or 1), int(paging.get("pages") or 0)
    return current + 1 if current < min(pages, OMS_MAX_PAGES) else None


def oms_window_too_large(body: dict[str, Any]) -> bool:
    """True when the filter matches more rows than 30 pages can show."""
    paging = body.get("paging") or {}
    return int(paging.get("total") or 0) > OMS_MAX_PAGES * int(paging.get("perPage") or 15)


def next_catalog_range(body: dict[str, Any], size: int = CATALOG_RANGE) -> tuple[int, int] | None:
    """The next ``(_from, _to)`` of GetProductAndSkuIds, or None past ``range.total``."""
    span = body.get("range") or {}
    upper, total = int(span.get("to") or 0), int(span.get("total") or 0)
    return (upper + 1, upper + size) if upper < total else None


def next_brand_page(body: dict[str, Any]) -> int | None:
    paging = body.get("paging") or {}
    page, pages = int(paging.get("page") or 1), int(paging.get("pages") or 0)
    return page + 1 if page < pages else None

"""Eccosys list paging: `$offset` + `$count`, done when a page comes back shorter than `$count`."""

from __future__ import annotations

import httpx
import orjson

OFFSET = "$offset"
COUNT = "$count"


def first_page(count: int) -> dict[str, str]:
    """The paging parameters of the first request."""
    if count < 1:
        raise ValueError("page size must be at least 1")
    return {OFFSET: "0", COUNT: str(count)}


def next_page(response: httpx.Response) -> dict[str, str] | None:
    """The paging parameters of the page after `response`, or None when it was the last one.

    A list answers with a bare JSON array and no total, so a short page is the only end
    marker; a full last page costs one more request, which comes back empty.
    """
    params = response.request.url.params
    count = int(params.get(COUNT, "0"))
    offset = int(params.get(OFFSET, "0"))
    page = orjson.loads(response.content)
    if not isinstance(page, list) or count < 1 or len(page) < count:
        return None
    return {OFFSET: str(offset + len(page)), COUNT: str(count)}

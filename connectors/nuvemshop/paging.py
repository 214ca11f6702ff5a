"""Nuvemshop's page/per_page pagination: follow the `Link: <...>; rel="next"` URL the answer
gives (the docs say not to build it), up to 200 records a page."""

from __future__ import annotations

import httpx

MAX_PER_PAGE = 200


def link_targets(response: httpx.Response) -> dict[str, str]:
    """`rel -> url` of an RFC 8288 Link header (`<url>; rel="next", <url>; rel="last"`)."""
    targets: dict[str, str] = {}
    for part in response.headers.get("link", "").split(","):
        url, _, params = part.strip().partition(";")
        url = url.strip()
        if not (url.startswith("<") and url.endswith(">")):
            continue
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "rel":
                for rel in value.strip().strip('"').split():
                    targets[rel.lower()] = url[1:-1]
    return targets


def next_page(response: httpx.Response) -> str | None:
    """The next page's URL, or None on the last page."""
    return link_targets(response).get("next")


def total_count(response: httpx.Response) -> int | None:
    """`X-Total-Count`: how many records the whole list holds."""
    value = response.headers.get("x-total-count")
    return int(value) if value is not None and value.isdigit() else None

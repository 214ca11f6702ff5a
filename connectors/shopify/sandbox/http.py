"""Request and answer helpers every sandbox handler shares: bodies, Shopify's error shape, ids,
timestamps, and cursor pagination with the `Link` header."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import orjson
from aiohttp import web

from connectors.shopify.sandbox.state import SHOP_TZ, json_response

DEFAULT_LIMIT, MAX_LIMIT = 50, 250
FIRST_PAGE_ONLY = frozenset({"page_info", "limit", "fields"})

ERROR_CLASSES: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest,
    404: web.HTTPNotFound,
    422: web.HTTPUnprocessableEntity,
}


def error(status: int, errors: Any) -> web.HTTPException:
    """Shopify's error shape: `{"errors": "text"}` or `{"errors": {field: [messages]}}`."""
    body = orjson.dumps({"errors": errors})
    return ERROR_CLASSES[status](body=body, content_type="application/json")


def not_found() -> web.HTTPException:
    return error(404, "Not Found")


def int_id(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise not_found() from None


async def body_of(request: web.Request, root: str) -> dict[str, Any]:
    """The object under ``root`` of a JSON body; 400 as Shopify answers when it is missing."""
    try:
        payload = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get(root), dict):
        raise error(400, {root: "Required parameter missing or invalid"})
    return dict(payload[root])


def now_iso() -> str:
    """The shop's clock, to the second, with its offset (how Shopify writes timestamps)."""
    return datetime.now(SHOP_TZ).replace(microsecond=0).isoformat()


def since(query: Mapping[str, str]) -> float | None:
    """`updated_at_min` as a POSIX instant (naive means shop time); 400 when unreadable."""
    if "updated_at_min" not in query:
        return None
    try:
        moment = datetime.fromisoformat(query["updated_at_min"])
    except ValueError:
        raise error(400, {"updated_at_min": "Invalid value."}) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=SHOP_TZ)).timestamp()


def own_origin(request: web.Request) -> str:
    """Where this sandbox listens: Link URLs must reach it even when Host names the shop."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if not sockname:
        return str(request.url.origin())
    host, port = sockname[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _encode(cursor: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(cursor)).decode().rstrip("=")


def _decode(page_info: str) -> dict[str, Any]:
    try:
        cursor = orjson.loads(base64.urlsafe_b64decode(page_info + "=" * (-len(page_info) % 4)))
    except (binascii.Error, ValueError):
        cursor = None
    if not isinstance(cursor, dict) or not isinstance(cursor.get("after"), int):
        raise error(400, {"page_info": "Invalid value."})
    return cursor


def _limit(query: Mapping[str, str]) -> int:
    try:
        limit = int(query.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise error(400, {"limit": "Invalid value."}) from None
    return max(1, min(limit, MAX_LIMIT))


def only_fields(records: list[dict[str, Any]], fields: str | None) -> list[dict[str, Any]]:
    """Shopify's `fields=a,b`: each record trimmed to those top-level keys."""
    if not fields:
        return records
    wanted = {name.strip() for name in fields.split(",")}
    return [{k: v for k, v in record.items() if k in wanted} for record in records]


Fetch = Callable[[dict[str, Any], int], list[dict[str, Any]]]


def paged(
    request: web.Request, root: str, fetch: Fetch, filters: Mapping[str, Any]
) -> web.Response:
    """One page of a list: the filters travel inside the opaque `page_info` of later pages.

    ``fetch(cursor, n)`` returns up to ``n`` records after ``cursor["after"]`` matching the
    cursor's filters (plus ``updated_at_min``); one more than the limit tells a next page.
    """
    query = request.query
    if "page_info" in query:
        if set(query) - FIRST_PAGE_ONLY:
            raise error(400, {"page_info": "Only limit and fields may be sent with page_info."})
        cursor = _decode(query["page_info"])
    else:
        cursor = {**filters, "updated_at_min": since(query), "after": None}
    limit = _limit(query)
    found = fetch(cursor, limit + 1)
    page, more = found[:limit], len(found) > limit
    headers = {}
    if more:
        token = _encode({**cursor, "after": page[-1]["id"]})
        url = f"{own_origin(request)}{request.path}?limit={limit}&page_info={token}"
        headers["Link"] = f'<{url}>; rel="next"'
    return json_response({root: only_fields(page, query.get("fields"))}, headers=headers)

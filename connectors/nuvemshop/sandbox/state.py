"""The running sandbox's state, shared by its routes, and the answers every route gives."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from aiohttp import web

from connectors.nuvemshop.sandbox.config import SandboxConfig
from connectors.nuvemshop.sandbox.ratelimit import LeakyBucket
from connectors.nuvemshop.sandbox.store import Records

LANGUAGES = ("pt", "es", "en")
MAX_PER_PAGE, DEFAULT_PER_PAGE = 200, 30
API_PREFIX = r"/{version:(v1|\d{4}-\d{2})}/{store_id:\d+}"


@dataclass
class SandboxState:
    config: SandboxConfig
    records: Records
    bucket: LeakyBucket
    outbox: Any  # connectors.nuvemshop.sandbox.outbox.Outbox
    delay_seconds: float = 0.0
    calls: int = field(default=0)


STATE = web.AppKey("nuvemshop_sandbox_state", SandboxState)
JSON_BODY = web.RequestKey("nuvemshop_json_body", object)


def state_of(request: web.Request) -> SandboxState:
    return request.app[STATE]


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=orjson.dumps(body), status=status, headers=headers, content_type="application/json"
    )


def api_error(status: int, message: str, description: str) -> web.Response:
    return answer({"code": status, "message": message, "description": description}, status)


def field_errors(errors: dict[str, list[str]]) -> web.Response:
    """422 as Nuvemshop writes it: `{"field": ["message"]}`."""
    return answer(errors, 422)


def not_found(what: str = "Not Found") -> web.Response:
    return api_error(404, "Not Found", what)


def localized_input(value: Any, current: dict[str, str] | None = None) -> dict[str, str]:
    """A plain string applies to every language; a map updates the languages it names."""
    merged = dict(current or {language: "" for language in LANGUAGES})
    if isinstance(value, str):
        return {language: value for language in merged}
    if isinstance(value, dict):
        merged.update({str(k): str(v) for k, v in value.items()})
    return merged


def slug(text: str) -> str:
    kept = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in kept.split("-") if part)


def json_body(request: web.Request) -> Any:
    return request.get(JSON_BODY)


def _instant(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def filtered(
    request: web.Request, rows: list[dict[str, Any]]
) -> list[dict[str, Any]] | web.Response:
    """The date and since_id filters every list accepts."""
    bounds = {
        "updated_at_min": ("updated_at", 1),
        "updated_at_max": ("updated_at", -1),
        "created_at_min": ("created_at", 1),
        "created_at_max": ("created_at", -1),
    }
    for name, (key, sign) in bounds.items():
        raw = request.query.get(name)
        if raw is None:
            continue
        limit = _instant(raw)
        if limit is None:
            return field_errors({name: ["is not a valid ISO 8601 date"]})
        rows = [
            r for r in rows if sign * (datetime.fromisoformat(r[key]) - limit).total_seconds() >= 0
        ]
    since_id = request.query.get("since_id")
    if since_id is not None and since_id.isdigit():
        rows = [r for r in rows if int(r["id"]) > int(since_id)]
    return rows


def paged(request: web.Request, rows: list[dict[str, Any]]) -> web.Response:
    """page/per_page (at most 200), `X-Total-Count` and a `Link` header; past the end, 404
    "Last page is N"."""
    try:
        page = max(1, int(request.query.get("page", "1")))
        per_page = min(MAX_PER_PAGE, max(1, int(request.query.get("per_page", DEFAULT_PER_PAGE))))
    except ValueError:
        return field_errors({"page": ["must be a number"]})
    total = len(rows)
    last = math.ceil(total / per_page)
    if page > last:
        return not_found(f"Last page is {last}")
    links = {"first": 1, "last": last}
    if page < last:
        links["next"] = page + 1
    if page > 1:
        links["prev"] = page - 1
    link = ", ".join(
        f'<{request.url.update_query(page=str(number), per_page=str(per_page))}>; rel="{rel}"'
        for rel, number in links.items()
    )
    chunk = rows[(page - 1) * per_page : page * per_page]
    return answer(chunk, headers={"Link": link, "X-Total-Count": str(total)})

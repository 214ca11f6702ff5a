"""Tray's API under ``/web_api``: auth, limits, the access_token query parameter, and the
resources the connector uses, with page/limit pagination and the `paging` block."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import orjson
from aiohttp import web

from connectors.tray.sandbox.http_errors import ok, tray_error
from connectors.tray.sandbox.limits import retry_after_header
from connectors.tray.sandbox.records import blank
from connectors.tray.sandbox.state import STATE, SandboxState
from connectors.tray.values import STORE_TIME

PREFIX = "/web_api"
MAX_LIMIT, DEFAULT_LIMIT = 50, 30
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def tray_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Limits on every API call (auth included), then the access token (auth excepted)."""
    if not request.path.startswith(PREFIX + "/"):
        return await handler(request)
    state = request.app[STATE]
    delay = state.take_delay()
    if delay:
        await asyncio.sleep(delay)
    retry_after = state.limits.admit(datetime.now(STORE_TIME).date().isoformat())
    if retry_after is not None:
        response = tray_error(
            429, "Too Many Requests", request, causes=["Limite de requisições excedido"]
        )
        response.headers["Retry-After"] = retry_after_header(retry_after)
        return response
    if request.path != PREFIX + "/auth":
        token_state = state.token_state(request.query.get("access_token", ""))
        if token_state == "expired":
            return tray_error(
                401, "Token expirado", request, error_code=1000, causes=["Access token expirado"]
            )
        if token_state != "valid":
            return tray_error(
                401, "Token inválido", request, error_code=1099, causes=["Access token inválido"]
            )
        if state.store.denied(request.query["access_token"]):
            return tray_error(
                403,
                "Forbidden",
                request,
                causes=["O aplicativo não tem permissão para acessar este recurso da loja"],
            )
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return tray_error(404, "Not Found", request, causes=["Registro não encontrado"])


async def body_of(request: web.Request) -> dict[str, Any]:
    """A JSON write body (Tray's documented structure)."""
    raw = await request.read()
    try:
        body = orjson.loads(raw) if raw.strip() else {}
    except orjson.JSONDecodeError:
        raise web.HTTPBadRequest(
            text='{"message": "invalid JSON"}', content_type="application/json"
        ) from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(
            text='{"message": "expected an object"}', content_type="application/json"
        )
    return body


def _in_range(stamp: str, spec: str) -> bool:
    """Tray's `modified` filter: "aaaa-mm-dd" or "[start],[end]", by day, both inclusive."""
    parts = [p.strip() for p in spec.split(",")]
    start, end = parts[0], parts[1] if len(parts) > 1 and parts[1] else "9999-12-31"
    return start <= stamp[:10] <= end


FILTERS = (
    "id",
    "reference",
    "product_id",
    "name",
    "brand",
    "status",
    "parent_id",
    "customer_id",
    "ean",
)


def listing(
    request: web.Request, rows: list[dict[str, Any]], plural: str, singular: str
) -> web.Response:
    query = request.query
    applied: list[dict[str, str]] = []
    for name in FILTERS:
        if name in query:
            rows = [r for r in rows if str(r.get(name, "")) == query[name]]
            applied.append({name: query[name]})
    if "modified" in query:
        rows = [r for r in rows if _in_range(str(r.get("modified", "")), query["modified"])]
        applied.append({"modified": query["modified"]})
    field, _, direction = query.get("sort", "id_asc").rpartition("_")
    field = field or "id"
    numeric = field == "id"
    rows.sort(
        key=lambda r: int(r[field]) if numeric else str(r.get(field, "")),
        reverse=direction == "desc",
    )
    try:
        page = max(int(query.get("page", "1")), 1)
        limit = min(max(int(query.get("limit", str(DEFAULT_LIMIT))), 1), MAX_LIMIT)
    except ValueError:
        return tray_error(400, "Bad Request", request, causes=["page e limit devem ser números"])
    offset = (page - 1) * limit
    return ok(
        {
            "paging": {
                "total": len(rows),
                "page": page,
                "offset": offset,
                "limit": limit,
                "maxLimit": MAX_LIMIT,
            },
            "sort": [{field: direction or "asc"}],
            "availableFilters": [*FILTERS, "modified"],
            "appliedFilters": applied,
            plural: [{singular: r} for r in rows[offset : offset + limit]],
        }
    )


def state_of(request: web.Request) -> SandboxState:
    return request.app[STATE]


async def auth_create(request: web.Request) -> web.Response:
    """``POST /auth`` with consumer_key, consumer_secret and code (form fields or JSON)."""
    state = state_of(request)
    if request.content_type == "application/json":
        fields = {k: str(v) for k, v in (await body_of(request)).items()}
    else:
        fields = {k: str(v) for k, v in (await request.post()).items()}
    config = state.config
    if (
        fields.get("consumer_key") != config.consumer_key
        or fields.get("consumer_secret") != config.consumer_secret
    ):
        return tray_error(401, "Invalid consumer_key or consumer_secret", request, error_code=1099)
    if not state.store.spend_code(fields.get("code", "")):
        return tray_error(401, "Invalid or already used code", request, error_code=1099)
    return ok(
        {
            "message": "Created tokens",
            "code": "200",
            **state.issue_tokens(),
            "api_host": _api_host(request),
        }
    )


async def auth_refresh(request: web.Request) -> web.Response:
    """``GET /auth?refresh_token=...``."""
    state = state_of(request)
    row = state.store.by_refresh(request.query.get("refresh_token", ""))
    if row is None or row["refresh_expires"] <= time.time():
        return tray_error(401, "Invalid or expired refresh_token", request, error_code=1099)
    return ok(
        {
            "message": "Refreshed tokens",
            "code": "200",
            **state.issue_tokens(),
            "api_host": _api_host(request),
        }
    )


def _api_host(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}{PREFIX}"


async def store_info(request: web.Request) -> web.Response:
    config = state_of(request).config
    info = blank("Info")
    info.update(id=config.store_id, name=config.store_name, internal_status="ativa")
    info["uri"] = info["secure_uri"] = f"{request.scheme}://{request.host}"
    return ok(info)

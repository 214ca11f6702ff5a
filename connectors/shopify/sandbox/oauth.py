"""`POST /admin/oauth/access_token`: new access tokens for expiring ones.

Grants: `refresh_token` (expiring offline tokens; the refresh token is single use and a new one
comes back) and `client_credentials` (24 h tokens, no refresh token). Form-encoded or JSON.
Shopify's exact answers for refused grants are UNCONFIRMED; OAuth's usual
`{"error": "invalid_client" | "invalid_grant", "error_description"}` with 400/401 is used.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import orjson
from aiohttp import web

from connectors.shopify.sandbox.admin import serves_shop
from connectors.shopify.sandbox.state import STATE, json_response

SCOPES = "read_orders,write_orders,read_products,write_products,read_inventory,write_inventory"


async def _form(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            payload = orjson.loads(await request.read())
        except orjson.JSONDecodeError:
            payload = None
        return dict(payload) if isinstance(payload, dict) else {}
    return dict(await request.post())


def _refused(status: int, code: str, description: str) -> web.Response:
    return json_response({"error": code, "error_description": description}, status=status)


async def access_token(request: web.Request) -> web.Response:
    state = request.app[STATE]
    if not serves_shop(request):
        return json_response({"errors": "Not Found"}, status=404)
    form, config, now = await _form(request), state.config, time.time()
    if (form.get("client_id"), form.get("client_secret")) != (
        config.client_id,
        config.webhook_secret,
    ):
        return _refused(401, "invalid_client", "Client authentication failed.")
    grant = form.get("grant_type")
    answer: dict[str, Any] = {"scope": SCOPES}
    if grant == "refresh_token":
        used = str(form.get("refresh_token", ""))
        if not state.tokens.valid(used, "refresh", now):
            return _refused(400, "invalid_grant", "The refresh token is invalid or was used.")
        state.tokens.revoke(used)
        fresh_refresh = f"shprt_{secrets.token_hex(16)}"
        state.tokens.grant(fresh_refresh, "refresh", None)
        answer["refresh_token"] = fresh_refresh
        ttl = config.token_ttl
    elif grant == "client_credentials":
        ttl = config.client_credentials_ttl
    else:
        return _refused(400, "unsupported_grant_type", f"grant_type {grant!r} is not supported.")
    token = f"shpat_{secrets.token_hex(16)}"
    state.tokens.grant(token, "access", now + ttl)
    return json_response({"access_token": token, "expires_in": int(ttl), **answer})


def add_oauth_routes(app: web.Application) -> None:
    app.router.add_post("/admin/oauth/access_token", access_token)

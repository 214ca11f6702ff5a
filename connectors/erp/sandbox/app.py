"""The sandbox HTTP app: the ERP's `/api` subset plus a `/_sandbox` control surface.

`/api` follows the real API: token in `Authorization` (`Bearer <t>` or the raw token),
bare JSON arrays for lists, `$offset`/`$count` paging, per-item write envelopes, and 429 with
`Retry-After` once a token's budget is spent. It covers pedidos, produtos (parents and
children, the `produtosAlterados` and `produtosComEstoqueAlterado` feeds), estoques per
deposit, categorias, marcas, atributos and nfes. `/_sandbox` is not part of the ERP: tests and the demo
use it to inject faults, count orders, read stock movements, check health and register URLs
that receive signed pushes of change events.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from connectors.budget import TokenBucket
from connectors.erp import json_exact
from connectors.erp.mapping_products import erp_time
from connectors.erp.sandbox.api import STORE, api_routes, json_response
from connectors.erp.sandbox.api_nfes import nfe_routes
from connectors.erp.sandbox.api_products import product_routes
from connectors.erp.sandbox.push import push_routes, run_deliverer
from connectors.erp.sandbox.store import SandboxStore

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class SandboxConfig:
    """How one sandbox tenant behaves."""

    db_path: str
    token: str = "sandbox-token"
    forbidden_token: str | None = None
    """A token the ERP knows whose user may not use the API: every call answers 403."""
    rate: float = 1.0
    burst: float = 3.0
    seed_products: int = 0


@dataclass(frozen=True)
class Fault:
    """One forced answer: `status`, with `Retry-After: retry_after` when given."""

    status: int
    retry_after: float | None = None


CONFIG = web.AppKey("config", SandboxConfig)
FAULTS = web.AppKey("faults", deque[Fault])
BUCKETS = web.AppKey("buckets", dict[str, TokenBucket])


def _retry_after_header(seconds: float | None) -> dict[str, str]:
    return {} if seconds is None else {"Retry-After": str(max(1, math.ceil(seconds)))}


def _token_of(request: web.Request, expected: str) -> str | None:
    header = request.headers.get("Authorization", "").strip()
    presented = header[len("Bearer ") :].strip() if header.startswith("Bearer ") else header
    return presented if presented == expected else None


@web.middleware
async def api_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Faults first (as a gateway would), then the token, then the token's budget."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    app = request.app
    if app[FAULTS]:
        fault = app[FAULTS].popleft()
        headers = _retry_after_header(fault.retry_after)
        return json_response({"erro": "Falha simulada"}, status=fault.status, **headers)
    if (forbidden := app[CONFIG].forbidden_token) and _token_of(request, forbidden):
        return json_response({"erro": "Usuário sem permissão de acesso à API"}, status=403)
    token = _token_of(request, app[CONFIG].token)
    if token is None:
        return json_response({"erro": "Token de acesso inválido ou ausente"}, status=401)
    config = app[CONFIG]
    bucket = app[BUCKETS].setdefault(token, TokenBucket(config.rate, config.burst))
    wait = bucket.try_take()
    if wait is not None:
        headers = _retry_after_header(wait)
        return json_response({"erro": "Limite de requisições excedido"}, status=429, **headers)
    return await handler(request)


async def _post_faults(request: web.Request) -> web.Response:
    try:
        body = json_exact.loads(await request.read())
        status, count = int(body["status"]), int(body.get("count", 1))
        retry_after = body.get("retry_after")
        fault = Fault(status, None if retry_after is None else float(retry_after))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise web.HTTPBadRequest(
            text=f"expected {{status, count?, retry_after?}}: {exc!r}"
        ) from exc
    request.app[FAULTS].extend([fault] * count)
    return json_response({"pending": len(request.app[FAULTS])})


async def _delete_faults(request: web.Request) -> web.Response:
    request.app[FAULTS].clear()
    return json_response({"pending": 0})


async def _orders_summary(request: web.Request) -> web.Response:
    store = request.app[STORE]
    orders = store.orders(offset=0, count=-1, from_date=None, to_date=None)
    created = store.creation_times()
    keys = ("id", "numeroPedido", "numeroDaOrdemDeCompra", "idPedidoOrigem", "situacao")
    summary = [
        {key: order.get(key) for key in keys} | {"created_at_ms": created.get(int(order["id"]))}
        for order in orders
    ]
    return json_response({"count": len(summary), "orders": summary})


async def _health(request: web.Request) -> web.Response:
    return json_response({"status": "ok", "orders": request.app[STORE].order_count()})


async def _set_clock(request: web.Request) -> web.Response:
    """Freeze the ERP's change stamps at `{"now": "yyyy-MM-dd HH:mm:ss"}`; DELETE thaws."""
    store = request.app[STORE]
    if request.method == "DELETE":
        store.frozen_at = None
    else:
        body = json_exact.loads(await request.read())
        now = body.get("now") if isinstance(body, dict) else None
        if not isinstance(now, str) or erp_time(now) is None:
            raise web.HTTPBadRequest(text='expected {"now": "yyyy-MM-dd HH:mm:ss"}')
        store.frozen_at = now
    return json_response({"now": store.now()})


async def _stock_movements(request: web.Request) -> web.Response:
    """Every stock movement received, with its `es`: how a test sees what a client sent."""
    return json_response({"movements": request.app[STORE].stock.movements()})


def build_app(config: SandboxConfig) -> web.Application:
    """The sandbox app over the SQLite file `config.db_path` (created when missing)."""
    app = web.Application(middlewares=[api_gate])
    app[CONFIG] = config
    app[FAULTS] = deque()
    app[BUCKETS] = {}
    store = SandboxStore(config.db_path)
    store.seed_products(config.seed_products)
    app[STORE] = store

    async def close_store(_: web.Application) -> None:
        store.close()

    app.on_cleanup.append(close_store)
    app.cleanup_ctx.append(run_deliverer)
    app.add_routes(api_routes() + product_routes() + nfe_routes() + push_routes())
    app.add_routes(
        [
            web.post("/_sandbox/faults", _post_faults),
            web.delete("/_sandbox/faults", _delete_faults),
            web.get("/_sandbox/orders", _orders_summary),
            web.get("/_sandbox/health", _health),
            web.get("/_sandbox/stock-movements", _stock_movements),
            web.post("/_sandbox/clock", _set_clock),
            web.delete("/_sandbox/clock", _set_clock),
        ]
    )
    return app

"""Handlers of the ERP's own `/api` order paths, and the helpers every handler shares."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiohttp import web

from connectors.erp import json_exact
from connectors.erp.sandbox.store import SandboxStore
from connectors.erp.sandbox.validation import PedidoInvalido, situacao_code, validated_pedido

STORE = web.AppKey("store", SandboxStore)
_NUMERO_OC = "numeroOC="
UPDATABLE_FIELDS = frozenset({"numeroNotaFiscal", "codigoRastreamento", "transportador"})
_DEFAULT_COUNT = 100


def json_response(document: Any, *, status: int = 200, **headers: str) -> web.Response:
    """A JSON answer written by `json_exact`, so Decimal money keeps its digits."""
    return web.Response(
        body=json_exact.dumps(document),
        status=status,
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


def bad_request(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(
        body=json_exact.dumps({"erro": message}), content_type="application/json"
    )


def not_found(message: str) -> web.HTTPNotFound:
    return web.HTTPNotFound(
        body=json_exact.dumps({"erro": message}), content_type="application/json"
    )


def int_param(request: web.Request, name: str, default: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise bad_request(f"Parâmetro {name} inválido: {raw!r}")
    return int(raw)


def date_param(request: web.Request, name: str) -> str | None:
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise bad_request(f"Parâmetro {name} inválido: {raw!r} (use aaaa-mm-dd)") from None


async def json_body(request: web.Request) -> Any:
    try:
        return json_exact.loads(await request.read())
    except ValueError:
        raise bad_request("Corpo da requisição não é um JSON válido") from None


async def list_pedidos(request: web.Request) -> web.Response:
    considered = request.query.get("$dataConsiderada", "data")
    if considered not in ("data", "dataAlteracao"):
        # Other date fields exist in the real ERP; the sandbox dates orders by these two.
        raise bad_request(f"$dataConsiderada não suportado no sandbox: {considered!r}")
    offset, count = page_params(request)
    orders = request.app[STORE].orders(
        offset=offset,
        count=count,
        from_date=date_param(request, "$fromDate"),
        to_date=date_param(request, "$toDate"),
        considered=considered,
    )
    return json_response(orders)


async def get_pedido(request: web.Request) -> web.Response:
    """`/pedidos/{id}` or `/pedidos/numeroOC={n}`; both answer a JSON array, as the ERP does."""
    ref = request.match_info["ref"]
    store = request.app[STORE]
    if ref.startswith(_NUMERO_OC):
        found = store.orders_by_purchase_number(ref[len(_NUMERO_OC) :])
    else:
        order = store.order(int(ref)) if ref.isdigit() else None
        found = [] if order is None else [order]
    if not found:
        raise not_found(f"Pedido não encontrado: {ref}")
    return json_response(found)


async def post_pedidos(request: web.Request) -> web.Response:
    """Create each posted order on its own; all refused answers 422 with the same envelope."""
    body = await json_body(request)
    if not isinstance(body, list) or not body:
        raise bad_request("O corpo deve ser uma lista de pedidos")
    store, today = request.app[STORE], date.today()
    success: list[dict[str, str]] = []
    error: list[dict[str, str]] = []
    for item in body:
        try:
            stored = store.insert_order(validated_pedido(item, today=today))
        except PedidoInvalido as exc:
            codigo = item.get("numeroDaOrdemDeCompra") if isinstance(item, dict) else None
            error.append({"id": "", "codigo": str(codigo or ""), "erro": str(exc)})
            continue
        msg = "Pedido inserido com sucesso"
        success.append({"id": stored["id"], "codigo": stored["numeroPedido"], "msg": msg})
    return envelope_response(success, error)


async def post_situacao(request: web.Request) -> web.Response:
    """Change an order's situacao and append the change to its `_Ocorrencias`."""
    ref = request.match_info["ref"]
    store = request.app[STORE]
    order = store.order(int(ref)) if ref.isdigit() else None
    if order is None:
        raise not_found(f"Pedido não encontrado: {ref}")
    body = await json_body(request)
    try:
        situacao = situacao_code(body.get("situacao") if isinstance(body, dict) else None)
    except PedidoInvalido as exc:
        envelope = {"success": [], "error": [{"id": ref, "codigo": "", "erro": str(exc)}]}
        return json_response({"result": envelope}, status=422)
    ocorrencia = {
        "descricao": str(body.get("historico") or ""),
        "data": datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
        "situacao": situacao.label,
        "codigoSituacao": str(int(situacao)),
        "nomeProprietario": "API",
    }
    order["situacao"] = int(situacao)
    order["_Ocorrencias"] = [*order.get("_Ocorrencias", []), ocorrencia]
    store.replace_order(order)
    # The C# client types this success list as plain strings, unlike the create envelope.
    return json_response({"result": {"success": ["Situação alterada"], "error": []}})


def envelope_response(success: list[Any], error: list[dict[str, str]]) -> web.Response:
    """The per-item write envelope; 422 when every item was refused, as for orders."""
    status = 422 if error and not success else 200
    return json_response({"result": {"success": success, "error": error}}, status=status)


def page_params(request: web.Request) -> tuple[int, int]:
    return int_param(request, "$offset", 0), int_param(request, "$count", _DEFAULT_COUNT)


async def put_pedidos(request: web.Request) -> web.Response:
    """Change the NF-e number, tracking code or carrier of each listed order (by `id`)."""
    body = await json_body(request)
    if not isinstance(body, list) or not body:
        raise bad_request("O corpo deve ser uma lista de pedidos")
    store = request.app[STORE]
    success: list[Any] = []
    error: list[dict[str, str]] = []
    for item in body:
        ref = str(item.get("id") or "") if isinstance(item, dict) else ""
        order = store.order(int(ref)) if ref.isdigit() else None
        if order is None or not isinstance(item, dict):
            error.append({"id": ref, "codigo": ref, "erro": f"Pedido não encontrado: {ref}"})
            continue
        refused = sorted(set(item) - UPDATABLE_FIELDS - {"id"})
        if refused:
            error.append({"id": ref, "codigo": ref, "erro": f"Campos não alteráveis: {refused}"})
            continue
        store.replace_order(order | item)
        success.append({"id": ref, "codigo": ref, "msg": "Pedido alterado"})
    return envelope_response(success, error)


def api_routes() -> list[web.RouteDef]:
    return [
        web.get("/api/pedidos", list_pedidos),
        web.put("/api/pedidos", put_pedidos),
        web.post("/api/pedidos", post_pedidos),
        web.get("/api/pedidos/{ref}", get_pedido),
        web.post("/api/pedidos/{ref}/situacao", post_situacao),
    ]

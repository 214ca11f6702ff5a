"""Handlers of the ERP's NF-e paths: list, read by number, emit from an order."""

from __future__ import annotations

from aiohttp import web

from connectors.erp.sandbox.api import (
    STORE,
    date_param,
    envelope_response,
    json_response,
    not_found,
    page_params,
)
from connectors.erp.sandbox.validation import PedidoInvalido
from connectors.erp.situacao import Situacao


async def list_nfes(request: web.Request) -> web.Response:
    """Outgoing NF-e by number; `$fromDate` on the emission day (only `$tipoNota=S` exist)."""
    offset, count = page_params(request)
    if request.query.get("$tipoNota", "S") != "S":
        return json_response([])
    found = request.app[STORE].nfes.page(
        offset=offset, count=count, from_date=date_param(request, "$fromDate")
    )
    return json_response(found)


async def get_nfe(request: web.Request) -> web.Response:
    nfe = request.app[STORE].nfes.get(request.match_info["numero"])
    if nfe is None:
        raise not_found(f"Nota fiscal não encontrada: {request.match_info['numero']}")
    return json_response([nfe])


async def post_nfe(request: web.Request) -> web.Response:
    """Create and emit the NF-e of order `numeroPedido`: the order gets its number, its
    invoicing date and becomes Atendido, with an occurrence, in one transaction."""
    numero_pedido = request.match_info["numeroPedido"]
    store = request.app[STORE]
    order = store.order_by_number(numero_pedido)
    if order is None:
        error = {
            "id": "",
            "codigo": numero_pedido,
            "erro": f"Pedido não encontrado: {numero_pedido}",
        }
        return envelope_response([], [error])
    stamp = store.now()
    try:
        with store.transaction():
            nfe = store.nfes.emit(order, stamp=stamp)
            ocorrencia = {
                "descricao": f"NF-e {nfe['numero']} emitida",
                "data": stamp,
                "situacao": Situacao.ATENDIDO.label,
                "codigoSituacao": str(int(Situacao.ATENDIDO)),
                "nomeProprietario": "API",
            }
            store.replace_order(
                order
                | {
                    "numeroNotaFiscal": nfe["numero"],
                    "dataFaturamento": stamp[:10],
                    "situacao": int(Situacao.ATENDIDO),
                    "_Ocorrencias": [*order.get("_Ocorrencias", []), ocorrencia],
                }
            )
    except PedidoInvalido as exc:
        return envelope_response(
            [], [{"id": order["id"], "codigo": numero_pedido, "erro": str(exc)}]
        )
    msg = f"NF-e {nfe['numero']} emitida, chave {nfe['chaveAcesso']}"
    return envelope_response([{"id": nfe["numero"], "codigo": numero_pedido, "msg": msg}], [])


def nfe_routes() -> list[web.RouteDef]:
    return [
        web.get("/api/nfes", list_nfes),
        web.get("/api/nfes/{numero}", get_nfe),
        web.post("/api/nfes/{numeroPedido}", post_nfe),
    ]

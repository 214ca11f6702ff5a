"""Handlers of the ERP's product paths: produtos (with variations and change feeds), estoques,
categorias, marcas and atributos."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from connectors.erp.sandbox.api import (
    STORE,
    bad_request,
    date_param,
    envelope_response,
    json_body,
    json_response,
    not_found,
    page_params,
)
from connectors.erp.sandbox.catalog_store import Document, NamedTable, master_id
from connectors.erp.sandbox.store import SandboxStore
from connectors.erp.sandbox.validation import PedidoInvalido


async def list_produtos(request: web.Request) -> web.Response:
    """Products by id; `$fromDate` with `$dataConsiderada=dataAlteracao` for changed ones."""
    offset, count = page_params(request)
    considered = request.query.get("$dataConsiderada", "dataAlteracao")
    if considered != "dataAlteracao":
        raise bad_request(f"$dataConsiderada não suportado para produtos: {considered!r}")
    found = request.app[STORE].products.page(
        offset=offset, count=count, from_date=date_param(request, "$fromDate")
    )
    return json_response(found)


async def get_produto(request: web.Request) -> web.Response:
    """One product by codigo (or id), as a one-element array; a parent nests its `_Skus`."""
    store = request.app[STORE]
    product = store.products.get(request.match_info["ref"])
    if product is None:
        raise not_found(f"Produto não encontrado: {request.match_info['ref']}")
    if master_id(product) == 0:
        children = store.products.children(product["id"])
        product = product | ({"_Skus": children} if children else {})
    return json_response([product])


async def produtos_alterados(request: web.Request) -> web.Response:
    """Products changed on `$fromDate` or later; reading acknowledges nothing."""
    offset, count = page_params(request)
    found = request.app[STORE].products.changed(
        offset=offset, count=count, from_date=date_param(request, "$fromDate")
    )
    return json_response(found)


async def produtos_com_estoque_alterado(request: web.Request) -> web.Response:
    """`{codigo, dataAlteracao}` of products whose stock changed on `$fromDate` or later."""
    offset, count = page_params(request)
    found = request.app[STORE].stock.changed(
        offset=offset, count=count, from_date=date_param(request, "$fromDate")
    )
    return json_response(found)


def _write_each(
    store: SandboxStore, body: Any, write: Callable[[Any], Document], key: str = "codigo"
) -> web.Response:
    """Apply `write` to every item in one transaction; each item answers on its own."""
    if not isinstance(body, list) or not body:
        raise bad_request("O corpo deve ser uma lista")
    success: list[Any] = []
    error: list[dict[str, str]] = []
    with store.transaction():
        for item in body:
            code = str(item.get(key) or "") if isinstance(item, dict) else ""
            try:
                stored = write(item)
            except PedidoInvalido as exc:
                error.append({"id": "", "codigo": code, "erro": str(exc)})
                continue
            success.append({"id": stored["id"], "codigo": code, "msg": "Registro gravado"})
    return envelope_response(success, error)


async def post_produtos(request: web.Request) -> web.Response:
    store = request.app[STORE]
    stamp = store.now()
    body = await json_body(request)
    return _write_each(store, body, lambda item: store.products.create(item, stamp=stamp))


async def put_produtos(request: web.Request) -> web.Response:
    store = request.app[STORE]
    stamp = store.now()
    body = await json_body(request)
    return _write_each(store, body, lambda item: store.products.update(item, stamp=stamp))


async def get_estoque(request: web.Request) -> web.Response:
    """`[{codigo, nome, idDeposito, deposito, estoqueReal, estoqueDisponivel}]`, every deposit."""
    store = request.app[STORE]
    product = store.products.get(request.match_info["codigo"])
    if product is None:
        raise not_found(f"Produto não encontrado: {request.match_info['codigo']}")
    balances = store.stock.balances(str(product["codigo"]))
    return json_response(
        [
            {
                "codigo": product["codigo"],
                "nome": product.get("nome"),
                "idDeposito": deposito,
                "deposito": nome,
                "estoqueReal": balances.get(deposito, 0),
                # Nothing is reserved in the sandbox, so all that is there is available.
                "estoqueDisponivel": balances.get(deposito, 0),
            }
            for deposito, nome in store.stock.deposits().items()
        ]
    )


async def post_estoque(request: web.Request) -> web.Response:
    """One movement: `es` B (balance), E (in) or S (out), all applied faithfully."""
    store = request.app[STORE]
    codigo = request.match_info["codigo"]
    product = store.products.get(codigo)
    body = await json_body(request)
    if product is None:
        error = [{"id": "", "codigo": codigo, "erro": f"Produto não encontrado: {codigo}"}]
        return envelope_response([], error)
    try:
        with store.transaction():
            saldo = store.stock.move(product, body, stamp=store.now())
    except PedidoInvalido as exc:
        return envelope_response([], [{"id": product["id"], "codigo": codigo, "erro": str(exc)}])
    msg = f"Estoque lançado, saldo {saldo}"
    return envelope_response([{"id": product["id"], "codigo": codigo, "msg": msg}], [])


def _named_routes(path: str, table: Callable[[SandboxStore], NamedTable]) -> list[web.RouteDef]:
    async def listing(request: web.Request) -> web.Response:
        offset, count = page_params(request)
        return json_response(table(request.app[STORE]).page(offset=offset, count=count))

    async def creation(request: web.Request) -> web.Response:
        store = request.app[STORE]
        body = await json_body(request)
        return _write_each(store, body, table(store).create, key="nome")

    return [web.get(path, listing), web.post(path, creation)]


async def get_atributo(request: web.Request) -> web.Response:
    found = request.app[STORE].atributos.get(request.match_info["id"])
    if found is None:
        raise not_found(f"Atributo não encontrado: {request.match_info['id']}")
    return json_response(found)


async def put_atributos(request: web.Request) -> web.Response:
    store = request.app[STORE]
    body = await json_body(request)
    return _write_each(store, body, store.atributos.update, key="nome")


def product_routes() -> list[web.RouteDef]:
    return [
        web.get("/api/produtos", list_produtos),
        web.post("/api/produtos", post_produtos),
        web.put("/api/produtos", put_produtos),
        web.get("/api/produtos/produtosAlterados", produtos_alterados),
        web.get("/api/produtos/produtosComEstoqueAlterado", produtos_com_estoque_alterado),
        web.get("/api/produtos/{ref}", get_produto),
        web.get("/api/estoques/{codigo}", get_estoque),
        web.post("/api/estoques/{codigo}", post_estoque),
        *_named_routes("/api/categorias", lambda store: store.categorias),
        *_named_routes("/api/marcas", lambda store: store.marcas),
        *_named_routes("/api/atributos", lambda store: store.atributos),
        web.get("/api/atributos/{id}", get_atributo),
        web.put("/api/atributos", put_atributos),
    ]

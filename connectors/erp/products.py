"""Products of one ERP tenant: the parent/child variation model, prices and the change feeds.

A parent has `idProdutoMaster` = 0; each child (a SKU of the grade) carries its parent's id in
`idProdutoMaster`. Prices are product fields (`preco`, `precoDe`): there is no price resource.

Change feeds, and why nothing is ever acknowledged
--------------------------------------------------
The reference lists `GET /produtos/produtosAlterados` and `PUT /produtos/produtosComEstoqueAlterado`
and calls their acknowledgement semantics UNCONFIRMED (acknowledge vs set). We read both feeds
as *non-destructive, date-filtered* lists (`$fromDate`), each entry stamped `dataAlteracao`,
and we never send the PUT:

- if a read drained the queue, or the PUT cleared it before our events were durably in Kafka,
  a crash in between would lose the change; not acknowledging cannot lose one;
- if the PUT actually *sets* the flag, sending it would invent changes;
- progress is kept by our own cursor (connectors.cursor) over `dataAlteracao`, so re-reading
  the same entries costs requests, never duplicates nor gaps.

The ERP's `$fromDate` has day precision, so a poll re-reads the day's entries and the cursor
drops the ones it has delivered.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from connectors.budget import Lane
from connectors.erp.wire import ErpWire, ItemResult

ProdutoJson = dict[str, Any]

CHANGED_PRODUCTS = "/produtos/produtosAlterados"
CHANGED_STOCK = "/produtos/produtosComEstoqueAlterado"
# The sandbox's text for an update of a code it does not know; UNCONFIRMED for the real ERP,
# whose refusal texts are not public. Such items are created (POST) instead.
_UNKNOWN_CODE = "não encontrado"


def _since(since: date | None, considered: str | None = None) -> dict[str, str]:
    if since is None:
        return {}
    filters = {"$fromDate": since.isoformat()}
    return filters | ({"$dataConsiderada": considered} if considered else {})


class ErpProducts:
    """`/produtos`: read, write (per-item results), prices and the two change feeds."""

    def __init__(self, wire: ErpWire) -> None:
        self._wire = wire

    def list_products(
        self, since: date | None = None, *, page_size: int = 100
    ) -> AsyncIterator[list[ProdutoJson]]:
        """Pages of products (parents and children alike) changed on `since` or later."""
        filters = _since(since, "dataAlteracao")
        return self._wire.pages("/produtos", filters, page_size=page_size)

    async def get_product(self, codigo: str, *, lane: Lane = Lane.LIVE) -> ProdutoJson:
        """One product by its code (or id); a parent comes with its children in `_Skus`.

        `_Skus` is how the sandbox nests a parent's children, after the ERP's other nested
        lists (`_Itens`, `_Parcelas`); the real field name is UNCONFIRMED.
        """
        return await self._wire.get_one(
            f"/produtos/{quote(codigo, safe='')}", f"product {codigo}", lane=lane
        )

    async def upsert_products(
        self, produtos: list[ProdutoJson], *, lane: Lane = Lane.LIVE
    ) -> list[ItemResult]:
        """Update each product by `codigo`, creating the ones the ERP does not know.

        One result per product, in order; a refused item is a failed result, never dropped.
        """
        if not produtos:
            return []
        results = await self._wire.write_items("PUT", "/produtos", produtos, lane=lane)
        unknown = [
            n
            for n, result in enumerate(results)
            if not result.ok and _UNKNOWN_CODE in result.message.lower()
        ]
        if unknown:
            created = await self._wire.write_items(
                "POST", "/produtos", [produtos[n] for n in unknown], lane=lane
            )
            for n, result in zip(unknown, created, strict=True):
                results[n] = result
        return results

    async def upsert_family(
        self, parent: ProdutoJson, children: list[ProdutoJson], *, lane: Lane = Lane.LIVE
    ) -> list[ItemResult]:
        """A parent then its children, each child pointing at the parent's id.

        Two writes because a new parent's id is only known once it exists; when the parent is
        refused its children are reported failed without being sent.
        """
        [parent_result] = await self.upsert_products([parent | {"idProdutoMaster": 0}], lane=lane)
        if not children:
            return [parent_result]
        if not parent_result.ok or parent_result.id is None:
            reason = f"parent {parent_result.codigo} was not written: {parent_result.message}"
            return [parent_result] + [
                ItemResult(codigo=str(child.get("codigo") or ""), ok=False, message=reason)
                for child in children
            ]
        linked = [child | {"idProdutoMaster": parent_result.id} for child in children]
        return [parent_result, *await self.upsert_products(linked, lane=lane)]

    async def set_prices(
        self, codigo: str, preco: Decimal, preco_de: Decimal | None = None
    ) -> ItemResult:
        """Set a product's price, and its "from" price (`precoDe`, 0 for none)."""
        fields = {"codigo": codigo, "preco": preco, "precoDe": preco_de or Decimal("0.00")}
        [result] = await self._wire.write_items("PUT", "/produtos", [fields])
        return result

    def changed_products(
        self, since: date | None, *, page_size: int = 100
    ) -> AsyncIterator[list[ProdutoJson]]:
        """Pages of `produtosAlterados` from `since` (read only, never acknowledged)."""
        return self._wire.pages(CHANGED_PRODUCTS, _since(since), page_size=page_size)

    def products_with_changed_stock(
        self, since: date | None, *, page_size: int = 100
    ) -> AsyncIterator[list[ProdutoJson]]:
        """Pages of `produtosComEstoqueAlterado` from `since` (read only, never acknowledged)."""
        return self._wire.pages(CHANGED_STOCK, _since(since), page_size=page_size)

"""NF-e of one ERP tenant: list, read by number, and emit one from an order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from urllib.parse import quote

from connectors.budget import Lane
from connectors.erp.wire import ErpWire, ItemResult, item_results, parse
from connectors.errors import NotFound

NfeJson = dict[str, Any]


class ErpInvoices:
    """`/nfes`: `{numero, serie, chaveAcesso, dataEmissao, numeroPedido, idPedido, situacao}`.

    Field names follow the NF-e itself and Bling's `/nfe` (`numero`, `serie`, `chaveAcesso`);
    Eccosys's own names are UNCONFIRMED.
    """

    def __init__(self, wire: ErpWire) -> None:
        self._wire = wire

    def list_invoices(
        self, since: date | None = None, *, page_size: int = 100
    ) -> AsyncIterator[list[NfeJson]]:
        """Pages of outgoing NF-e (`$tipoNota=S`) issued on `since` or later."""
        filters = {"$tipoNota": "S"} | ({"$fromDate": since.isoformat()} if since else {})
        return self._wire.pages("/nfes", filters, page_size=page_size)

    async def get_invoice(self, numero: str, *, lane: Lane = Lane.LIVE) -> NfeJson:
        """One NF-e by its number; NotFound when absent."""
        return await self._wire.get_one(
            f"/nfes/{quote(numero, safe='')}", f"NF-e {numero}", lane=lane
        )

    async def invoice_of_order(
        self, pedido: dict[str, Any], *, lane: Lane = Lane.LIVE
    ) -> NfeJson | None:
        """The NF-e an order names in `numeroNotaFiscal`, or None when it names none."""
        numero = str(pedido.get("numeroNotaFiscal") or "").strip()
        if not numero:
            return None
        try:
            return await self.get_invoice(numero, lane=lane)
        except NotFound:
            return None

    async def emit_for_order(self, numero_pedido: str, *, send_email: bool = False) -> ItemResult:
        """Create and emit the NF-e of an order (`POST /nfes/{numeroPedido}?tipo=S`)."""
        params = {
            "tipo": "S",
            "enviarEmailNota": "S" if send_email else "N",
            "lancarEstoque": "N",
        }
        response = await self._wire.send(
            "POST", f"/nfes/{quote(numero_pedido, safe='')}", params=params, envelope=True
        )
        [result] = item_results(parse(response), [numero_pedido])
        return result

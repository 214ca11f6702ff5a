"""An ERP order's `situacao`, NF-e and tracking -> canonical OrderStatusChanged. Pure.

The ERP's codes are coarser than the canonical lifecycle, so the documents decide:

    Cancelado                                   -> canceled
    Aguardando pagamento, Pagamento em análise  -> pending_payment
    a tracking code (`codigoRastreamento`)      -> shipped
    an NF-e (`numeroNotaFiscal` + a valid key)  -> invoiced
    Pronto para picking, Atendido               -> in_handling
    Em aberto                                   -> paid

"delivered" never comes from this ERP: nothing in its order says so. An order whose NF-e key
is missing or fails its check digit is not reported invoiced: a platform would publish the key.
"""

from __future__ import annotations

from typing import Any

from connectors.erp.mapping_products import erp_time
from connectors.erp.nfe_key import is_valid_key
from connectors.erp.situacao import Situacao
from schemas.events import OrderStatusChanged
from schemas.order import Invoice, Tracking
from schemas.order_status import OrderStatus

_PENDING = frozenset({Situacao.AGUARDANDO_PAGAMENTO, Situacao.PAGAMENTO_EM_ANALISE})
_HANDLING = frozenset({Situacao.PRONTO_PARA_PICKING, Situacao.ATENDIDO})


def canonical_status(situacao: Situacao, *, invoiced: bool, shipped: bool) -> OrderStatus:
    """The canonical status of an order in `situacao` with or without its documents."""
    if situacao is Situacao.CANCELADO:
        return OrderStatus.CANCELED
    if situacao in _PENDING:
        return OrderStatus.PENDING_PAYMENT
    if shipped:
        return OrderStatus.SHIPPED
    if invoiced:
        return OrderStatus.INVOICED
    if situacao in _HANDLING:
        return OrderStatus.IN_HANDLING
    return OrderStatus.PAID


def invoice_from_erp(nfe: dict[str, Any] | None) -> Invoice | None:
    """The canonical Invoice of an NF-e document, or None without a well-formed key."""
    if not nfe:
        return None
    key = str(nfe.get("chaveAcesso") or "").strip()
    if not is_valid_key(key) or not nfe.get("numero"):
        return None
    return Invoice(
        key=key,
        number=str(nfe["numero"]),
        series=str(nfe["serie"]) if nfe.get("serie") not in (None, "") else None,
        issued_at=erp_time(nfe.get("dataEmissao")),
    )


def tracking_from_erp(pedido: dict[str, Any]) -> Tracking | None:
    code = str(pedido.get("codigoRastreamento") or "").strip()
    if not code:
        return None
    return Tracking(code=code, carrier=str(pedido.get("transportador") or "").strip() or None)


def status_changed(pedido: dict[str, Any], nfe: dict[str, Any] | None) -> OrderStatusChanged | None:
    """The event for an order as the ERP holds it; None for an order no platform placed
    (no `idPedidoOrigem`) or one whose `situacao` is not a known code."""
    origin = str(pedido.get("idPedidoOrigem") or "").strip()
    try:
        situacao = Situacao(int(pedido.get("situacao", Situacao.EM_ABERTO)))
    except (TypeError, ValueError):
        return None
    if not origin:
        return None
    numero = str(pedido.get("numeroNotaFiscal") or "").strip()
    invoice = invoice_from_erp(nfe) if numero and nfe and str(nfe.get("numero")) == numero else None
    tracking = tracking_from_erp(pedido)
    return OrderStatusChanged(
        platform_order_id=origin,
        status=canonical_status(
            situacao, invoiced=invoice is not None, shipped=tracking is not None
        ),
        invoice=invoice,
        tracking=tracking,
        erp_order_id=str(pedido["id"]) if pedido.get("id") not in (None, "") else None,
    )

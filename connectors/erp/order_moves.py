"""Moving an ERP order along: the `situacao` codes, NF-e emission and the tracking fields.

    start_handling  ->  situacao 3 "Pronto para picking"
    invoice         ->  the ERP emits its own NF-e from the order (`POST /nfes/{numeroPedido}`),
                        which also makes it 1 "Atendido"
    ship            ->  `codigoRastreamento` and `transportador`, and 1 "Atendido"
    cancel          ->  situacao 2 "Cancelado", the reason in the order's history

Every move reads the order first and does nothing when it is already there, so a retried move
neither emits a second NF-e nor piles up history entries. What the ERP cannot do is refused
with ConfigError: taking an NF-e issued elsewhere (the ERP issues its own; recording another
number would point `numeroNotaFiscal` at an NF-e it does not hold), and cancelling an order
whose NF-e is issued (an authorised NF-e is cancelled with SEFAZ, in the ERP, first).
"""

from __future__ import annotations

from typing import Any

from connectors.contract import OrderMove, OrderMoveKind
from connectors.erp.client import ErpClient
from connectors.erp.situacao import Situacao
from connectors.errors import ConfigError, Permanent

HISTORY = {
    OrderMoveKind.START_HANDLING: "Em separação (Ponte)",
    OrderMoveKind.SHIP: "Enviado (Ponte)",
    OrderMoveKind.CANCEL: "Cancelado (Ponte)",
}


def _situacao(pedido: dict[str, Any]) -> int | None:
    try:
        return int(pedido.get("situacao", Situacao.EM_ABERTO))
    except (TypeError, ValueError):
        return None


def _invoiced(pedido: dict[str, Any]) -> bool:
    return bool(str(pedido.get("numeroNotaFiscal") or "").strip())


async def move_erp_order(erp: ErpClient, erp_id: str, move: OrderMove) -> None:
    """Apply `move` to the ERP order `erp_id` (the ERP's own id), idempotently."""
    pedido = await erp.get_order(erp_id)
    if move.kind is OrderMoveKind.INVOICE:
        await _emit_nfe(erp, pedido, move)
    elif move.kind is OrderMoveKind.SHIP:
        await _ship(erp, pedido, move)
    elif move.kind is OrderMoveKind.CANCEL:
        if _invoiced(pedido) and _situacao(pedido) != Situacao.CANCELADO:
            raise ConfigError(
                f"ERP order {erp_id} has NF-e {pedido['numeroNotaFiscal']}: cancel the NF-e "
                "in the ERP first, then the order"
            )
        await _set_situacao(erp, pedido, Situacao.CANCELADO, move.reason or HISTORY[move.kind])
    else:
        await _set_situacao(erp, pedido, Situacao.PRONTO_PARA_PICKING, HISTORY[move.kind])


async def _set_situacao(
    erp: ErpClient, pedido: dict[str, Any], situacao: Situacao, historico: str
) -> None:
    if _situacao(pedido) != situacao:
        await erp.set_order_status(str(pedido["id"]), int(situacao), historico)


async def _emit_nfe(erp: ErpClient, pedido: dict[str, Any], move: OrderMove) -> None:
    if move.invoice is not None:
        raise ConfigError(
            f"the ERP issues its own NF-e; it cannot record NF-e {move.invoice.number} "
            "issued elsewhere"
        )
    if _invoiced(pedido):
        return
    result = await erp.invoices.emit_for_order(str(pedido["numeroPedido"]))
    if not result.ok:
        raise Permanent(f"ERP refused the NF-e of order {pedido['id']}: {result.message}")


async def _ship(erp: ErpClient, pedido: dict[str, Any], move: OrderMove) -> None:
    if move.tracking is None:
        raise ConfigError("a shipment to record in the ERP names its tracking code")
    fields = {"codigoRastreamento": move.tracking.code}
    if move.tracking.carrier:
        fields["transportador"] = move.tracking.carrier
    if any(str(pedido.get(name) or "") != value for name, value in fields.items()):
        await erp.update_order(str(pedido["id"]), dict(fields))
    await _set_situacao(erp, pedido, Situacao.ATENDIDO, HISTORY[move.kind])

"""Tray order statuses are records each store defines (`/orders/statuses`): there is no fixed
enumeration. We read them by name (and `type`, "open"/"closed") both ways: a store status to
the canonical lifecycle, and a canonical move to one of the store's status ids.

Names seen in Tray's documentation: "A ENVIAR", "ENVIADO", "FINALIZADO"; the others below are
common store names ("AGUARDANDO PAGAMENTO", "CANCELADO", "EM PRODUCAO", "ENTREGUE"), not
confirmed by Tray's documentation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from connectors.contract import OrderMoveKind
from schemas.order_status import OrderStatus


@dataclass(frozen=True)
class StoreStatus:
    """One of a store's order statuses."""

    id: str
    name: str
    type: str | None = None


def _plain(name: str) -> str:
    """Upper case without accents: "EM PRODUÇÃO" -> "EM PRODUCAO"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper().strip()


# Checked in order: the first keyword found in the status name decides.
_KEYWORDS: tuple[tuple[str, OrderStatus], ...] = (
    ("CANCEL", OrderStatus.CANCELED),
    ("AGUARDANDO PAGAMENTO", OrderStatus.PENDING_PAYMENT),
    ("AGUARDANDO", OrderStatus.PENDING_PAYMENT),
    ("ENTREGUE", OrderStatus.DELIVERED),
    ("FINALIZADO", OrderStatus.DELIVERED),
    ("CONCLUIDO", OrderStatus.DELIVERED),
    ("ENVIADO", OrderStatus.SHIPPED),
    ("TRANSPORTE", OrderStatus.SHIPPED),
    ("FATURADO", OrderStatus.INVOICED),
    ("NOTA FISCAL", OrderStatus.INVOICED),
    ("PRODUCAO", OrderStatus.IN_HANDLING),
    ("SEPARACAO", OrderStatus.IN_HANDLING),
    ("PREPARA", OrderStatus.IN_HANDLING),
    ("MANUSEIO", OrderStatus.IN_HANDLING),
    ("A ENVIAR", OrderStatus.PAID),
    ("PAGO", OrderStatus.PAID),
    ("APROVADO", OrderStatus.PAID),
)


def canonical_status(name: str, kind: str | None, paid: bool) -> OrderStatus:
    """The canonical status of a store status name; unknown open names fall back on payment."""
    plain = _plain(name)
    for keyword, status in _KEYWORDS:
        if keyword in plain:
            return status
    if (kind or "").lower() == "cancelled":
        return OrderStatus.CANCELED
    return OrderStatus.PAID if paid else OrderStatus.PENDING_PAYMENT


_TARGETS: dict[OrderMoveKind, OrderStatus] = {
    OrderMoveKind.START_HANDLING: OrderStatus.IN_HANDLING,
    OrderMoveKind.INVOICE: OrderStatus.INVOICED,
    OrderMoveKind.SHIP: OrderStatus.SHIPPED,
    OrderMoveKind.CANCEL: OrderStatus.CANCELED,
}


def status_for_move(kind: OrderMoveKind, statuses: Iterable[StoreStatus]) -> StoreStatus | None:
    """The store status a move lands on, or None when the store has none for it.

    Among several candidates the shortest name wins ("ENVIADO" over "ENVIADO PARCIAL").
    """
    target = _TARGETS[kind]
    candidates = [s for s in statuses if canonical_status(s.name, s.type, True) is target]
    return min(candidates, key=lambda s: (len(s.name), s.id), default=None)


def store_statuses(records: Iterable[dict[str, object]]) -> list[StoreStatus]:
    """`OrderStatus` records of ``/orders/statuses`` as `StoreStatus` values."""
    return [
        StoreStatus(
            id=str(r["id"]), name=str(r["status"]), type=str(r["type"]) if r.get("type") else None
        )
        for r in records
        if r.get("id") and r.get("status")
    ]

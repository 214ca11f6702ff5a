"""Order moves on Tray: the store's own status ids, the NF-e, the tracking code, cancel.

Statuses are read once per client from ``GET /orders/statuses`` (they are store records).
Invoice: ``POST /orders/:id/invoices`` (skipped when the order already holds that key),
then the store's invoiced status if it has one. Ship: ``PUT /orders/:id`` with status_id,
sending_code, sending_date and tracking_url. Cancel: ``PUT /orders/cancel/:id``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connectors.contract import OrderMove, OrderMoveKind
from connectors.errors import ConfigError, Permanent
from connectors.tray.http import TraySession
from connectors.tray.paging import next_page, page_params, records
from connectors.tray.statuses import StoreStatus, status_for_move, store_statuses
from connectors.tray.values import store_day
from schemas.order import Invoice


def invoice_body(invoice: Invoice, value: str) -> dict[str, Any]:
    """The Nota Fiscal API's body (a bare object, as in Tray's documentation)."""
    issued = invoice.issued_at or datetime.now(UTC)
    body: dict[str, Any] = {
        "issue_date": store_day(issued),
        "number": invoice.number,
        "serie": invoice.series or "",
        "value": value,
        "key": invoice.key,
    }
    if invoice.url:
        body["link"] = invoice.url
    return body


class OrderMover:
    """Moves orders of one store along its own statuses."""

    def __init__(self, session: TraySession) -> None:
        self._session = session
        self._statuses: list[StoreStatus] | None = None

    async def statuses(self) -> list[StoreStatus]:
        if self._statuses is None:
            found: list[dict[str, Any]] = []
            page: int | None = 1
            while page is not None:
                body = await self._session.call("GET", "/orders/statuses", params=page_params(page))
                found.extend(records(body, "OrderStatuses", "OrderStatus"))
                page = next_page(body)
            self._statuses = store_statuses(found)
        return self._statuses

    async def _status(self, kind: OrderMoveKind, required: bool) -> StoreStatus | None:
        status = status_for_move(kind, await self.statuses())
        if status is None and required:
            names = ", ".join(s.name for s in await self.statuses())
            raise ConfigError(f"the Tray store has no order status for {kind} (it has: {names})")
        return status

    async def move(self, order_id: str, move: OrderMove) -> None:
        if move.kind is OrderMoveKind.CANCEL:
            await self._session.call("PUT", f"/orders/cancel/{order_id}")
        elif move.kind is OrderMoveKind.START_HANDLING:
            status = await self._status(move.kind, required=True)
            assert status is not None
            await self._update(order_id, {"status_id": status.id})
        elif move.kind is OrderMoveKind.INVOICE:
            await self._invoice(order_id, move)
        else:
            await self._ship(order_id, move)

    async def _update(self, order_id: str, fields: dict[str, Any]) -> None:
        await self._session.call("PUT", f"/orders/{order_id}", json={"Order": fields})

    async def _invoice(self, order_id: str, move: OrderMove) -> None:
        if move.invoice is None:
            raise Permanent("an invoice move carries the NF-e")
        held = await self._session.call("GET", f"/orders/{order_id}/invoices")
        keys = {str(r.get("key")) for r in records(held, "OrderInvoices", "OrderInvoice")}
        if move.invoice.key not in keys:
            order = await self._session.call("GET", f"/orders/{order_id}")
            value = str(order["Order"]["total"])
            await self._session.call(
                "POST", f"/orders/{order_id}/invoices", json=invoice_body(move.invoice, value)
            )
        status = await self._status(move.kind, required=False)
        if status is not None:
            await self._update(order_id, {"status_id": status.id})

    async def _ship(self, order_id: str, move: OrderMove) -> None:
        if move.tracking is None:
            raise Permanent("a ship move carries the tracking code")
        status = await self._status(move.kind, required=True)
        assert status is not None
        fields: dict[str, Any] = {
            "status_id": status.id,
            "sending_code": move.tracking.code,
            "sending_date": store_day(datetime.now(UTC)),
        }
        if move.tracking.url:
            fields["tracking_url"] = move.tracking.url
        await self._update(order_id, fields)

"""Moving an order along on Nuvemshop: pack, NF-e metafield, fulfil with tracking, cancel.

Each move is idempotent: when Nuvemshop refuses it (422) because the order is already there,
the order is read back and the move counts as done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson

from connectors.contract import OrderMove, OrderMoveKind
from connectors.errors import Permanent
from connectors.nuvemshop.mapping_out import cancel_body
from connectors.nuvemshop.transport import NuvemshopHttp
from schemas.order import Invoice, Tracking

Json = Mapping[str, Any]
NFE_NAMESPACE, NFE_KEY = "nfe", "list"
_PACKED_OR_LATER = frozenset({"unfulfilled", "fulfilled", "shipped"})
_SHIPPED = frozenset({"fulfilled", "shipped"})


def fulfill_body(tracking: Tracking | None) -> dict[str, Any]:
    """`POST /orders/{id}/fulfill`: tracking number and URL, and tell the buyer."""
    body: dict[str, Any] = {"notify_customer": True}
    if tracking is not None:
        body["shipping_tracking_number"] = tracking.code
        if tracking.url:
            body["shipping_tracking_url"] = tracking.url
    return body


def nfe_entries(current: Any, invoice: Invoice) -> list[dict[str, Any]]:
    """The `nfe/list` metafield value: one `{key, link}` per NF-e, this one replacing its key."""
    try:
        entries = orjson.loads(current) if isinstance(current, str) and current else []
    except orjson.JSONDecodeError:
        entries = []
    kept = [e for e in entries if isinstance(e, dict) and e.get("key") != invoice.key]
    return [*kept, {"key": invoice.key, "link": invoice.url}]


class OrderMover:
    def __init__(self, http: NuvemshopHttp) -> None:
        self._http = http

    async def move(self, order_id: str, move: OrderMove) -> None:
        if move.kind is OrderMoveKind.START_HANDLING:
            await self._act(
                order_id, "pack", {}, lambda o: o.get("shipping_status") in _PACKED_OR_LATER
            )
        elif move.kind is OrderMoveKind.SHIP:
            done = lambda o: o.get("shipping_status") in _SHIPPED  # noqa: E731
            await self._act(order_id, "fulfill", fulfill_body(move.tracking), done)
        elif move.kind is OrderMoveKind.CANCEL:
            body = cancel_body(move.reason)
            await self._act(order_id, "cancel", body, lambda o: o.get("status") == "cancelled")
        elif move.kind is OrderMoveKind.INVOICE:
            if move.invoice is None:
                raise Permanent("an invoice move carries its NF-e")
            await self._record_nfe(order_id, move.invoice)

    async def _act(
        self, order_id: str, action: str, body: dict[str, Any], done: Callable[[Json], bool]
    ) -> None:
        try:
            await self._http.json("POST", f"/orders/{order_id}/{action}", body=body)
        except Permanent as refused:
            if refused.status != 422:
                raise
            order: Json = await self._http.json("GET", f"/orders/{order_id}")
            if not done(order):
                raise

    async def _record_nfe(self, order_id: str, invoice: Invoice) -> None:
        """Nuvemshop has no invoice API: apps write the order metafield `nfe`/`list`."""
        fields: list[Json] = await self._http.json(
            "GET", "/metafields/orders", params={"owner_id": order_id, "namespace": NFE_NAMESPACE}
        )
        current = next((f for f in fields if f.get("key") == NFE_KEY), None)
        value = orjson.dumps(nfe_entries(current and current.get("value"), invoice)).decode()
        if current is None:
            body = {
                "namespace": NFE_NAMESPACE,
                "key": NFE_KEY,
                "value": value,
                "description": "NF-e",
                "owner_resource": "Order",
                "owner_id": int(order_id),
            }
            await self._http.json("POST", "/metafields", body=body)
        elif current.get("value") != value:
            await self._http.json("PUT", f"/metafields/{current['id']}", body={"value": value})

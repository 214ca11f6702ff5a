"""Moving a Shopify order along: handling, invoice, shipment, cancellation. Each is idempotent.

- START_HANDLING: no REST equivalent. Shopify's fulfillment orders have no "in progress" step a
  merchant's own integration sets over REST (the ``open`` action only releases a *scheduled*
  fulfillment order), so this is a deliberate no-op: the order is already "unfulfilled/open".
- INVOICE: the NF-e is stored as an order metafield, namespace ``nfe``, key ``list``, type
  ``json``, value a JSON list of ``{key, link, fulfillment_order_id}``. That is Nuvemshop's
  documented convention (erp-apis.md §4.3) reused by us for Shopify: Shopify defines no place
  for an NF-e. An invoice already listed (same key) is not added again.
- SHIP: ``GET orders/{id}/fulfillment_orders.json``, then one ``POST fulfillments.json`` for
  every fulfillment order still open or in progress, with ``tracking_info``. With none left the
  order is already shipped and nothing is sent.
- CANCEL: ``POST orders/{id}/cancel.json`` with the reason; an order already cancelled is left as
  it is (Shopify would answer 422).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson

from connectors.contract import OrderMove, OrderMoveKind
from connectors.errors import Permanent
from connectors.shopify.transport import ShopifyTransport
from schemas.order import Invoice, Tracking

NFE_NAMESPACE, NFE_KEY = "nfe", "list"
SHIPPABLE_STATUSES = frozenset({"open", "in_progress"})
CANCEL_REASONS = frozenset({"customer", "fraud", "inventory", "declined", "other"})


async def move_order(api: ShopifyTransport, order_id: str, move: OrderMove) -> None:
    moves: Mapping[OrderMoveKind, Callable[[ShopifyTransport, str, OrderMove], Awaitable[None]]]
    moves = {
        OrderMoveKind.START_HANDLING: _start_handling,
        OrderMoveKind.INVOICE: _invoice,
        OrderMoveKind.SHIP: _ship,
        OrderMoveKind.CANCEL: _cancel,
    }
    await moves[move.kind](api, order_id, move)


async def _start_handling(api: ShopifyTransport, order_id: str, move: OrderMove) -> None:
    """Nothing to send: see the module docstring."""


async def _invoice(api: ShopifyTransport, order_id: str, move: OrderMove) -> None:
    if move.invoice is None:
        raise Permanent("an INVOICE move needs its invoice")
    path = f"/orders/{order_id}/metafields.json"
    params = {"namespace": NFE_NAMESPACE, "key": NFE_KEY}
    found = (await api.json("GET", path, params=params))["metafields"]
    current = next(
        (m for m in found if (m["namespace"], m["key"]) == (NFE_NAMESPACE, NFE_KEY)), None
    )
    entries = invoice_entries(current["value"] if current else None)
    if any(entry.get("key") == move.invoice.key for entry in entries):
        return
    value = orjson.dumps([*entries, nfe_entry(move.invoice)]).decode()
    if current is None:
        body = {
            "metafield": {
                "namespace": NFE_NAMESPACE,
                "key": NFE_KEY,
                "type": "json",
                "value": value,
            }
        }
        await api.json("POST", path, json=body)
    else:
        body = {"metafield": {"id": current["id"], "value": value, "type": "json"}}
        await api.json("PUT", f"/orders/{order_id}/metafields/{current['id']}.json", json=body)


def nfe_entry(invoice: Invoice, fulfillment_order_id: str | None = None) -> dict[str, Any]:
    """One entry of the ``nfe.list`` metafield."""
    return {"key": invoice.key, "link": invoice.url, "fulfillment_order_id": fulfillment_order_id}


def invoice_entries(value: Any) -> list[dict[str, Any]]:
    """The entries of a stored ``nfe.list`` value (a JSON string); none when absent or unreadable."""
    if not isinstance(value, str):
        return []
    try:
        decoded = orjson.loads(value)
    except orjson.JSONDecodeError:
        return []
    return (
        [entry for entry in decoded if isinstance(entry, dict)] if isinstance(decoded, list) else []
    )


async def _ship(api: ShopifyTransport, order_id: str, move: OrderMove) -> None:
    path = f"/orders/{order_id}/fulfillment_orders.json"
    fulfillment_orders = (await api.json("GET", path))["fulfillment_orders"]
    for fulfillment_order in fulfillment_orders:
        if fulfillment_order.get("status") not in SHIPPABLE_STATUSES:
            continue
        body = {"fulfillment": fulfillment_body(fulfillment_order["id"], move.tracking)}
        await api.json("POST", "/fulfillments.json", json=body)


def fulfillment_body(fulfillment_order_id: int, tracking: Tracking | None) -> dict[str, Any]:
    """A ``POST fulfillments.json`` fulfilment of a whole fulfillment order."""
    body: dict[str, Any] = {
        "line_items_by_fulfillment_order": [{"fulfillment_order_id": fulfillment_order_id}],
        "notify_customer": True,
    }
    if tracking is not None:
        info = {"number": tracking.code, "url": tracking.url, "company": tracking.carrier}
        body["tracking_info"] = {name: value for name, value in info.items() if value}
    return body


async def _cancel(api: ShopifyTransport, order_id: str, move: OrderMove) -> None:
    order = (await api.json("GET", f"/orders/{order_id}.json"))["order"]
    if order.get("cancelled_at"):
        return
    reason = move.reason if move.reason in CANCEL_REASONS else "other"
    await api.json("POST", f"/orders/{order_id}/cancel.json", json={"reason": reason})

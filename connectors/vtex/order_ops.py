"""OMS: list orders by creation window, read one, move it along, and the Feed v3 queue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.budget import Lane
from connectors.contract import OrderMove, OrderMoveKind
from connectors.errors import Permanent
from connectors.vtex.mapping_values import parse_instant
from connectors.vtex.paging import OMS_PER_PAGE, next_oms_page, oms_window_too_large
from connectors.vtex.transport import Api, VtexHttp

_ORDERS = "/api/oms/pvt/orders"
_MIN_WINDOW = timedelta(seconds=2)


def creation_filter(start: datetime, end: datetime) -> str:
    """``f_creationDate=creationDate:[start TO end]`` in UTC with milliseconds."""

    def stamp(at: datetime) -> str:
        return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"

    return f"creationDate:[{stamp(start)} TO {stamp(end)}]"


async def order_summary_pages(
    http: VtexHttp, start: datetime, end: datetime, lane: Lane
) -> AsyncIterator[list[dict[str, Any]]]:
    """Summaries created in [start, end], oldest first; windows past 3,000 rows are halved."""
    page: int | None = 1
    while page is not None:
        body = await http.request(
            Api.OMS,
            "GET",
            _ORDERS,
            lane=lane,
            params={
                "f_creationDate": creation_filter(start, end),
                "orderBy": "creationDate,asc",
                "page": page,
                "per_page": OMS_PER_PAGE,
            },
        )
        if page == 1 and oms_window_too_large(body) and end - start > _MIN_WINDOW:
            middle = start + (end - start) / 2
            async for part in order_summary_pages(http, start, middle, lane):
                yield part
            async for part in order_summary_pages(http, middle, end, lane):
                yield part
            return
        yield list(body.get("list") or [])
        page = next_oms_page(body)


async def read_order(http: VtexHttp, order_id: str, lane: Lane = Lane.LIVE) -> dict[str, Any]:
    body: dict[str, Any] = await http.request(Api.OMS, "GET", f"{_ORDERS}/{order_id}", lane=lane)
    return body


async def move_order(http: VtexHttp, order_id: str, move: OrderMove) -> None:
    """Start handling, invoice (NF-e, amounts in cents), add tracking, or cancel."""
    path = f"{_ORDERS}/{order_id}"
    if move.kind is OrderMoveKind.START_HANDLING:
        await http.request(Api.OMS, "POST", f"{path}/start-handling")
    elif move.kind is OrderMoveKind.INVOICE:
        order = await read_order(http, order_id)
        await http.request(Api.OMS, "POST", f"{path}/invoice", json=invoice_body(order, move))
    elif move.kind is OrderMoveKind.SHIP:
        if move.tracking is None:
            raise Permanent("a ship move carries its tracking")
        number = await _invoice_number(http, order_id, move)
        body = {
            "trackingNumber": move.tracking.code,
            "trackingUrl": move.tracking.url or "",
            "courier": move.tracking.carrier or "",
            "dispatchedDate": datetime.now(UTC).isoformat(),
        }
        await http.request(Api.OMS, "PATCH", f"{path}/invoice/{number}", json=body)
    else:
        await http.request(Api.OMS, "POST", f"{path}/cancel", json={"reason": move.reason or ""})


def invoice_body(order: dict[str, Any], move: OrderMove) -> dict[str, Any]:
    """The OMS invoice notification for the whole order: value and item prices in cents."""
    if move.invoice is None:
        raise Permanent("an invoice move carries its NF-e")
    invoice = move.invoice
    items = [
        {
            "id": str(item["id"]),
            "price": int(item["sellingPrice"]),
            "quantity": int(item["quantity"]),
        }
        for item in order.get("items") or []
    ]
    issued = invoice.issued_at or datetime.now(UTC)
    return {
        "type": "Output",
        "issuanceDate": issued.isoformat(),
        "invoiceNumber": invoice.number,
        "invoiceValue": str(int(order["value"])),
        "invoiceKey": invoice.key,
        "invoiceUrl": invoice.url or "",
        "courier": "",
        "trackingNumber": "",
        "trackingUrl": "",
        "items": items,
    }


async def _invoice_number(http: VtexHttp, order_id: str, move: OrderMove) -> str:
    if move.invoice is not None:
        return move.invoice.number
    order = await read_order(http, order_id)
    packages = (order.get("packageAttachment") or {}).get("packages") or []
    outputs = [p for p in packages if p.get("type", "Output") == "Output"]
    if not outputs:
        raise Permanent(f"order {order_id} has no invoice to attach tracking to")
    return str(outputs[-1]["invoiceNumber"])


@dataclass(frozen=True)
class FeedItem:
    """One Feed v3 event: an order changed state; commit its handle once handled."""

    order_id: str
    state: str
    handle: str
    changed_at: datetime | None


async def read_feed(http: VtexHttp, max_lot: int = 10) -> list[FeedItem]:
    body = await http.request(
        Api.OMS, "GET", "/api/orders/feed", params={"maxlot": min(max_lot, 10)}
    )
    return [
        FeedItem(
            order_id=item["orderId"],
            state=item["state"],
            handle=item["handle"],
            changed_at=parse_instant(item.get("currentChange") or item.get("lastChange")),
        )
        for item in body or []
    ]


async def commit_feed(http: VtexHttp, items: list[FeedItem]) -> None:
    if items:
        await http.request(
            Api.OMS, "POST", "/api/orders/feed", json={"handles": [i.handle for i in items]}
        )

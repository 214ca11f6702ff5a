"""The ERP as a change source by polling: the way Eccosys, which pushes nothing, is followed.

    poll(client, cursor) -> (events, next_cursor)

reads three feeds, each with its own connectors.cursor.SyncCursor:

- products: `produtosAlterados`           -> ProductChanged + PriceChanged per variant
- stock:    `produtosComEstoqueAlterado`  -> StockChanged per deposit
- orders:   `/pedidos?$dataConsiderada=dataAlteracao` -> OrderStatusChanged

Each entry is stamped `dataAlteracao` (seconds, Sao Paulo time). The ERP filters by day only,
so a poll re-reads the day and the cursor decides: an entry older than the overlap window, or
one the window already delivered (same code, same stamp), is dropped. Entries sharing one
second are all delivered, once. The caller emits the events, then stores `next_cursor`; a
crash in between repeats a poll's events (same idempotency keys), never skips one. Nothing is
acknowledged to the ERP (see products.py for why).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from connectors.budget import Lane
from connectors.cursor import DEFAULT_OVERLAP, SyncCursor, advance, is_new, read_from
from connectors.erp import json_exact
from connectors.erp.changes import order_events, product_events
from connectors.erp.client import ErpClient
from connectors.erp.mapping import ERP_TIMEZONE
from connectors.erp.mapping_products import erp_time, is_parent, stock_levels
from schemas.events import EventPayload, StockChanged

# Before the first poll there is no cursor: read the whole feed from this day on.
EPOCH = date(2000, 1, 1)

Entry = tuple[str, datetime, dict[str, Any]]


class ErpPollCursor(BaseModel):
    """Where each feed stopped; the engine stores it (JSON) between polls and restarts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    products: SyncCursor = SyncCursor()
    stock: SyncCursor = SyncCursor()
    orders: SyncCursor = SyncCursor()


def _day(cursor: SyncCursor, overlap: timedelta) -> date:
    start = read_from(cursor, overlap)
    return EPOCH if start is None else start.astimezone(ERP_TIMEZONE).date()


def mark_id(code: str, content: Any) -> str:
    """A record's id on the cursor: its code and a hash of its content.

    Stamps have one-second precision, so a second change within the second already read
    carries the same stamp; with the content in the id it is still new, while a re-read of
    the same content is not.
    """
    digest = hashlib.sha256(json_exact.dumps(content)).hexdigest()[:16]
    return f"{code}#{digest}"


def _stamp(doc: dict[str, Any]) -> datetime | None:
    return erp_time(doc.get("dataAlteracao")) or erp_time(doc.get("data"))


async def _fresh(
    pages: AsyncIterator[list[dict[str, Any]]],
    cursor: SyncCursor,
    overlap: timedelta,
    code: Callable[[dict[str, Any]], str],
) -> list[Entry]:
    """Entries the cursor has not delivered, oldest first.

    An entry without a readable stamp cannot be placed on the cursor; it is delivered every
    time (a repeat, deduplicated downstream) rather than never.
    """
    start = read_from(cursor, overlap)
    entries: list[Entry] = []
    async for page in pages:
        for doc in page:
            at, mark = _stamp(doc), mark_id(code(doc), doc)
            if at is not None and (
                (start is not None and at < start) or not is_new(cursor, mark, at)
            ):
                continue
            entries.append((mark, at or datetime.now(UTC), doc))
    return sorted(entries, key=lambda entry: entry[1])


async def _stock_changes(
    client: ErpClient, cursor: SyncCursor, overlap: timedelta, measured_at: datetime, deposit: str
) -> tuple[list[EventPayload], list[Entry]]:
    """Stock entries carry no quantity, so a tie is told apart by the balances themselves:
    an entry in the newest second the cursor has seen is read again, and emitted only when
    its balances differ from what was delivered for that stamp."""
    start = read_from(cursor, overlap)
    pages = client.products.products_with_changed_stock(_day(cursor, overlap))
    events: list[EventPayload] = []
    entries: list[Entry] = []
    async for page in pages:
        for doc in page:
            codigo, at = str(doc["codigo"]), _stamp(doc) or measured_at
            if start is not None and at < start:
                continue
            if _delivered(cursor, codigo, at) and (cursor.since is None or at < cursor.since):
                continue
            saldos = await client.stock.get_stock(codigo, lane=Lane.BULK)
            mark = mark_id(codigo, saldos)
            if is_new(cursor, mark, at):
                levels = stock_levels(saldos, measured_at=measured_at, default_deposit=deposit)
                events += [StockChanged(level=level) for level in levels]
                entries.append((mark, at, doc))
    return events, entries


def _delivered(cursor: SyncCursor, code: str, at: datetime) -> bool:
    prefix, suffix = f"{code}#", f"@{at.isoformat()}"
    return any(mark.startswith(prefix) and mark.endswith(suffix) for mark in cursor.seen)


def _family(doc: dict[str, Any]) -> str:
    """The parent's id: a parent and its children changed together are fetched once."""
    return str(doc.get("id") or doc["codigo"]) if is_parent(doc) else str(doc["idProdutoMaster"])


async def poll(
    client: ErpClient,
    cursor: ErpPollCursor,
    *,
    default_deposit: str = "1",
    overlap: timedelta = DEFAULT_OVERLAP,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> tuple[list[EventPayload], ErpPollCursor]:
    """The events of every change since `cursor`, and the cursor after them."""
    products = _fresh(
        client.products.changed_products(_day(cursor.products, overlap)),
        cursor.products,
        overlap,
        lambda doc: str(doc["codigo"]),
    )
    product_entries = await products
    events: list[EventPayload] = []
    for family in dict.fromkeys(_family(doc) for _, _, doc in product_entries):
        events += await product_events(client, family)

    stock_events_, stock_entries = await _stock_changes(
        client, cursor.stock, overlap, now(), default_deposit
    )
    events += stock_events_

    order_entries = await _fresh(
        client.list_orders(_day(cursor.orders, overlap), considered="dataAlteracao"),
        cursor.orders,
        overlap,
        lambda doc: str(doc["id"]),
    )
    for _, _, pedido in order_entries:
        events += await order_events(client, pedido)

    return events, ErpPollCursor(
        products=_advanced(cursor.products, product_entries, overlap),
        stock=_advanced(cursor.stock, stock_entries, overlap),
        orders=_advanced(cursor.orders, order_entries, overlap),
    )


def _advanced(cursor: SyncCursor, entries: list[Entry], overlap: timedelta) -> SyncCursor:
    return advance(cursor, [(code, at) for code, at, _ in entries], overlap)

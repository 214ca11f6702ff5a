"""Reconciliation: recent platform orders the ERP does not have, and stock that drifted.

Orders: the platform's orders placed in a recent window (never before the integration's import
floor: ``order_import_since``, else a day before it was created) are compared with the ERP's
orders of that window (one paged listing, then a lookup by platform number for each one that
seems missing); the missing ones are emitted as ``order.placed`` exactly as polling would, so the
ERP-orders sink creates each once.

Stock: where the platform's client can show its stock (``stock_levels``, at the location the
stock flow writes to), the quantity each SKU should show (the ERP's balances with this
integration's warehouses, buffer and maximum) is compared with what the platform shows; a
drifted SKU's ERP balances are emitted as ``stock.changed`` onto ERP_CHANGES, the same events
the ERP poller emits, so the stock flow pushes the ERP's value.

The drift found is reported in a job of kind ``reconcile``. ``expected_stock`` and
``missing_orders`` are pure.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable
from uuid import uuid4

from connectors.budget import Lane
from connectors.capabilities import Entity
from connectors.cursor import SyncCursor
from connectors.erp.mapping_products import stock_levels
from connectors.errors import NotFound
from engine.context import Engine
from engine.erp_changes import erp_envelope
from engine.order_placed import emit_orders, import_floor, placed_since
from engine.outbound import StockBook, listed_quantity, record_level, stock_location
from engine.stores import another_stores_record
from schemas.automation import Automation
from schemas.codec import encode
from schemas.events import StockChanged
from schemas.integration import Integration, IntegrationSettings
from schemas.job import JobError
from schemas.order import Order
from schemas.stock import StockLevel
from topics.registry import ERP_CHANGES

ORDER_WINDOW = timedelta(days=3)
MAX_STOCK_SKUS = 2000
REPORTED_ITEMS = 20
DEFAULT_DEPOSIT = "1"  # as the ERP poller: a balance naming no deposit is the default one


@runtime_checkable
class StockReader(Protocol):
    async def stock_levels(self, location: str = "default") -> dict[str, Decimal]:
        """SKU -> the quantity the platform shows: at ``location`` (``stock_location``) where
        stock is kept per warehouse and pushed to one (VTEX), else all its locations."""


@dataclass(frozen=True)
class StockDrift:
    sku: str
    erp: Decimal
    platform: Decimal


@dataclass
class ReconcileReport:
    orders_checked: int = 0
    orders_missing: list[Order] = field(default_factory=list)
    stock_checked: int = 0
    stock_drifted: list[StockDrift] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        stock = (
            f"stock: {self.stock_checked} SKUs checked, {len(self.stock_drifted)} drifted"
            f" (ERP value sent)"
        )
        parts = [
            f"orders: {self.orders_checked} checked, {len(self.orders_missing)} missing in the"
            " ERP (sent for import)",
            stock,
            *self.notes,
        ]
        return "; ".join(parts)

    def items(self) -> list[JobError]:
        """The first drifted items, as the job shows them."""
        found = [
            JobError(item=f"order {o.number}", reason="not in the ERP; sent for import")
            for o in self.orders_missing
        ] + [
            JobError(
                item=f"stock {d.sku}",
                reason=f"ERP {d.erp}, platform shows {d.platform}; ERP value sent",
            )
            for d in self.stock_drifted
        ]
        return found[:REPORTED_ITEMS]


def expected_stock(levels: Iterable[StockLevel], settings: IntegrationSettings) -> Decimal:
    """What the platform should show, by the stock flow's own rule (``listed_quantity``)."""
    book = StockBook()
    for level in levels:
        book = record_level(book, level) or book
    return Decimal(listed_quantity(book, settings))


def missing_orders(orders: Iterable[Order], in_erp: set[tuple[str, str]]) -> list[Order]:
    """Orders whose (number, platform id) the ERP listing does not hold."""
    return [o for o in orders if (o.number, o.platform_order_id) not in in_erp]


async def reconcile(engine: Engine, integration: Integration) -> ReconcileReport:
    report = ReconcileReport()
    client = engine.platforms.for_integration(integration)
    await _reconcile_orders(engine, integration, client, report)
    if isinstance(client, StockReader):
        await _reconcile_stock(engine, integration, client, report)
    else:
        report.notes.append(f"{integration.platform} stock is not readable: not compared")
    return report


async def _reconcile_orders(
    engine: Engine, integration: Integration, client: Any, report: ReconcileReport
) -> None:
    now = datetime.now(UTC)
    # Never before what polling would have read had it been on since the integration began.
    floor = max(import_floor(integration, integration.created_at), now - ORDER_WINDOW)
    recent: dict[str, Order] = {}
    async for page in client.list_since(Entity.ORDER, SyncCursor(since=floor), lane=Lane.BULK):
        for order in placed_since(page.records, floor):
            recent[order.platform_order_id] = order
    report.orders_checked = len(recent)
    in_erp = await _erp_orders_since(engine, integration, floor)
    missing = []
    for order in missing_orders(recent.values(), in_erp):
        if engine.views.links.by_platform_id(integration.id, "order", order.platform_order_id):
            continue
        found = await engine.erp.find_orders_by_platform_number(
            order.number, order.platform_order_id
        )
        if all(_other_store(engine, integration, ref.id) for ref in found):
            missing.append(order)
    await emit_orders(engine, integration, missing)
    report.orders_missing = missing
    if missing and not integration.automations.is_on(Automation.ORDER_IMPORT):
        report.notes.append(
            "order import is off: the missing orders are held until it is turned on"
        )


async def _erp_orders_since(
    engine: Engine, integration: Integration, floor: datetime
) -> set[tuple[str, str]]:
    """(purchase-order number, origin id) of every ERP order dated since ``floor``, but those
    another integration links (another store's order of the same number and id)."""
    held: set[tuple[str, str]] = set()
    async for page in engine.erp.list_orders((floor - timedelta(days=1)).date()):
        for pedido in page:
            if _other_store(engine, integration, str(pedido.get("id"))):
                continue
            held.add((str(pedido.get("numeroDaOrdemDeCompra")), str(pedido.get("idPedidoOrigem"))))
    return held


def _other_store(engine: Engine, integration: Integration, erp_id: str) -> bool:
    return another_stores_record(engine, integration, "order", erp_id)


async def _reconcile_stock(
    engine: Engine, integration: Integration, client: StockReader, report: ReconcileReport
) -> None:
    shown = await client.stock_levels(stock_location(integration.settings))
    skus = sorted(shown)[:MAX_STOCK_SKUS]
    if len(shown) > MAX_STOCK_SKUS:
        report.notes.append(f"only the first {MAX_STOCK_SKUS} of {len(shown)} SKUs compared")
    now, trace = datetime.now(UTC), uuid4().hex
    pending = []
    for sku in skus:
        try:
            saldos = await engine.erp.stock.get_stock(sku, lane=Lane.BULK)
        except NotFound:
            continue  # a SKU the ERP does not have is not drift (catalogue matching's business)
        levels = stock_levels(saldos, measured_at=now, default_deposit=DEFAULT_DEPOSIT)
        if not levels:
            continue  # a SKU the ERP does not stock is not drift
        report.stock_checked += 1
        erp_quantity = expected_stock(levels, integration.settings)
        if erp_quantity == shown[sku]:
            continue
        report.stock_drifted.append(StockDrift(sku, erp_quantity, shown[sku]))
        pending += [await _send_stock(engine, level, now, trace) for level in levels]
    await asyncio.gather(*pending)


async def _send_stock(engine: Engine, level: StockLevel, now: datetime, trace: str) -> Any:
    envelope = erp_envelope(StockChanged(level=level), received_at=now, trace_id=trace)
    key = f"erp:{envelope.entity_key}".encode()
    return await engine.topics[ERP_CHANGES].send(key=key, value=encode(envelope))


def reconcile_counts(report: ReconcileReport) -> Mapping[str, int]:
    """Checked and drifted totals, as the job's progress fields hold them."""
    drifted = len(report.orders_missing) + len(report.stock_drifted)
    checked = report.orders_checked + report.stock_checked
    return {"total": checked, "done": checked - drifted, "failed": drifted}

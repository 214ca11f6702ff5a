"""One platform command carried out: the calls, retried, and what the sink remembers.

Each push returns what happened (for the history) or raises what went wrong (the sink parks
it). What a push remembers lives in Faust tables of the sink's partitions, keyed
``{integration}:{sku}`` / ``{integration}:order:{id}``, all from commands of one key.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from faust.types import TableT

from connectors.capabilities import Entity
from connectors.contract import OrderMove
from connectors.errors import NotFound, Permanent, Retryable
from engine.context import Engine
from engine.echo import ECHO_DETAIL, Contents, contents, news, noted, only, toward_platform
from engine.failures import PrerequisiteMissing
from engine.mapped import product_for_platform
from engine.metrics import RETRIES, SINK_CALLS, SINK_LATENCY
from engine.outbound import (
    StockBook,
    feeds,
    listed_quantity,
    moves_done,
    order_moves,
    platform_level,
    price_drop_refusal,
    price_for_platform,
    prices_withheld_on_update,
    pushed,
    record_level,
    stock_location,
    with_move,
)
from engine.retry import call_with_retries
from engine.state.links import save_link
from schemas.codec import encode
from schemas.command import PlatformCommand
from schemas.events import OrderStatusChanged, PriceChanged, ProductChanged, StockChanged
from schemas.integration import Integration
from schemas.link import Link
from schemas.parked import ErrorClass
from topics.registry import ERP_CHANGES

log = logging.getLogger(__name__)
T = TypeVar("T")


class PriceDropRefused(Exception):
    """A price drop beyond the integration's guard: parked for an operator, not sent."""


@dataclass(frozen=True)
class Pushed:
    """What a push did, for the history: sent, or skipped with the reason."""

    sent: bool
    outcome: str
    detail: str
    request: str | None = None
    search_keys: list[str] = field(default_factory=list)


@dataclass
class SinkTables:
    stock: TableT[str, str]
    prices: TableT[str, str]
    products: TableT[str, str]
    orders: TableT[str, str]


@dataclass(frozen=True)
class Target:
    engine: Engine
    tables: SinkTables
    integration: Integration
    client: Any

    async def call(self, operation: str, make: Callable[[], Awaitable[T]]) -> T:
        """One platform call, transient failures retried with backoff (Retry-After honoured)."""
        settings = self.engine.settings
        return await call_with_retries(
            lambda: _timed(self.integration.platform, operation, make),
            attempts=settings.sink_max_attempts,
            base=settings.sink_backoff_base,
            cap=settings.sink_backoff_cap,
            on_retry=lambda exc, attempt, delay: _count_retry(self.integration, exc, delay),
        )


async def push_stock(target: Target, command: PlatformCommand) -> Pushed:
    payload = command.envelope.payload
    assert isinstance(payload, StockChanged)
    level, settings = payload.level, target.integration.settings
    key = f"{command.integration_id}:{level.sku}"
    saved = target.tables.stock.get(key)
    book = StockBook() if saved is None else StockBook.model_validate_json(saved)
    updated = record_level(book, level)
    keys = [level.sku]
    if updated is None:
        detail = f"warehouse {level.warehouse} already has a level newer than {level.measured_at}"
        return Pushed(False, "stale", detail, search_keys=keys)
    target.tables.stock[key] = updated.model_dump_json()
    if not feeds(settings, level.warehouse):
        detail = f"warehouse {level.warehouse} is not among this integration's stock warehouses"
        return Pushed(False, "not_listed", detail, search_keys=keys)
    quantity = listed_quantity(updated, settings)
    sent = platform_level(level.sku, quantity, level.measured_at, stock_location(settings))
    await _on_listed_sku(target, level.sku, "set_stock", lambda: target.client.set_stock(sent))
    target.tables.stock[key] = pushed(updated, quantity, level.measured_at).model_dump_json()
    detail = (
        f"stock {quantity} from warehouses {sorted(updated.levels)} "
        f"(buffer {settings.stock_buffer}, max {settings.stock_max_listed})"
    )
    return Pushed(True, "ok", detail, f"set_stock {level.sku}={quantity}", keys)


async def push_price(target: Target, command: PlatformCommand) -> Pushed:
    payload = command.envelope.payload
    assert isinstance(payload, PriceChanged)
    settings = target.integration.settings
    keys = [payload.price.sku]
    if payload.price.price_list != settings.price_list:
        detail = (
            f"price list {payload.price.price_list} is not this integration's {settings.price_list}"
        )
        return Pushed(False, "not_listed", detail, search_keys=keys)
    price = price_for_platform(payload.price, settings)
    key = f"{command.integration_id}:{price.sku}"
    last = target.tables.prices.get(key)
    refusal = price_drop_refusal(
        None if last is None else Decimal(last), price.price, settings.price_drop_guard_percent
    )
    if refusal is not None:
        raise PriceDropRefused(f"{price.sku}: {refusal}")
    await _on_listed_sku(target, price.sku, "set_price", lambda: target.client.set_price(price))
    target.tables.prices[key] = str(price.price)
    promotion = f", promotional {price.promotional_price}" if price.promotional_price else ""
    detail = f"price {price.price}{promotion} from list {settings.price_list}"
    return Pushed(True, "ok", detail, f"set_price {price.sku}={price.price}", keys)


async def push_product(target: Target, command: PlatformCommand) -> Pushed:
    payload = command.envelope.payload
    assert isinstance(payload, ProductChanged)
    integration = target.integration
    sku = payload.product.sku
    key = f"{integration.id}:{sku}"
    link = target.engine.views.links.get(integration.id, "product", sku)
    known = target.tables.products.get(key) or (link.platform_id if link else None)
    creating = known is None
    product = product_for_platform(payload.product, integration, creating=creating)
    held = contents(product)
    if link is not None and known == link.platform_id and not _news(link, held, integration):
        await _note(target, noted(link, erp=held), link)
        detail = ECHO_DETAIL.format(side="the platform")
        return Pushed(False, "echo", detail, search_keys=[sku, link.platform_id])
    product = prices_withheld_on_update(product, creating=creating)
    if known is not None and product.platform_product_id is None:
        product = product.model_copy(update={"platform_product_id": known})
    platform_id = await target.call(
        "upsert_product", lambda: target.client.upsert(Entity.PRODUCT, product)
    )
    before = link if link is not None and link.platform_id == platform_id else None
    written = held if creating else only(toward_platform(integration.settings), held)
    after = noted(
        before or _product_link(integration, payload, platform_id), erp=held, platform=written
    )
    await _note(target, after, before)
    if known != platform_id:
        await _resend_waiting(target, [sku, *(v.sku for v in product.variants)])
    target.tables.products[key] = platform_id
    keys = [sku, platform_id, *(v.sku for v in product.variants if v.sku != sku)]
    return Pushed(True, "ok", _product_outcome(known, platform_id), f"upsert product {sku}", keys)


def _news(link: Link, held: Contents, integration: Integration) -> list[str]:
    """What of an ERP product (platform form) the export would bring the platform (engine.echo)."""
    fields = toward_platform(integration.settings)
    return news(held, fields, held=link.platform_contents)


async def _note(target: Target, link: Link, before: Link | None) -> None:
    """Save the link with what each side holds, unless it already says so."""
    if link != before:
        await save_link(target.engine.topics, link)


async def push_order_moves(target: Target, command: PlatformCommand) -> Pushed:
    payload = command.envelope.payload
    assert isinstance(payload, OrderStatusChanged)
    order_id = payload.platform_order_id
    key = f"{command.integration_id}:order:{order_id}"
    link = target.engine.views.links.by_platform_id(command.integration_id, "order", order_id)
    keys = [order_id] + ([link.order_number] if link and link.order_number else [])
    moves = order_moves(payload, moves_done(target.tables.orders.get(key)))
    if not moves:
        detail = f"status {payload.status.value}: nothing (more) to send to the platform"
        return Pushed(False, "no_move", detail, search_keys=keys)
    for move in moves:
        await _move(target, order_id, move)
        target.tables.orders[key] = with_move(target.tables.orders.get(key), move.kind)
    kinds = ", ".join(move.kind.value for move in moves)
    return Pushed(
        True,
        "ok",
        f"status {payload.status.value}: {kinds}",
        f"move_order {order_id} {kinds}",
        keys,
    )


async def _move(target: Target, order_id: str, move: OrderMove) -> None:
    await target.call(f"move_{move.kind.value}", lambda: target.client.move_order(order_id, move))


async def _on_listed_sku(
    target: Target, sku: str, operation: str, make: Callable[[], Awaitable[T]]
) -> T:
    """A SKU the platform does not list yet waits for its product's export (prerequisite);
    exported in the meantime (its link is there now), the call is made again once."""
    try:
        return await target.call(operation, make)
    except NotFound as exc:
        if target.engine.views.links.find(target.integration.id, sku):
            return await target.call(operation, make)
        raise PrerequisiteMissing(
            f"no product with SKU {sku} on the platform yet: this is sent again once the "
            f"product is exported ({exc.reason})"
        ) from exc


async def _resend_waiting(target: Target, skus: list[str]) -> None:
    """Stock and prices parked while the product was missing go through the fan-out again."""
    parked, integration_id = target.engine.views.parked, target.integration.id
    topic = target.engine.topics[ERP_CHANGES]
    sends = []
    for sku in dict.fromkeys(skus):
        for entity_key in (f"stock:{sku}", f"price:{sku}"):
            record = parked.get(integration_id, entity_key)
            if record is not None and record.error_class is ErrorClass.PREREQUISITE:
                key = f"{integration_id}:{entity_key}".encode()
                sends.append(await topic.send(key=key, value=encode(record.envelope)))
    if sends:
        await asyncio.gather(*sends)


def _product_outcome(known: str | None, platform_id: str) -> str:
    if known is None:
        return f"product exported as {platform_id} (linked)"
    if known != platform_id:
        return f"product exported as {platform_id} (link moved from {known})"
    return f"product {platform_id} updated"


def _product_link(integration: Integration, payload: ProductChanged, platform_id: str) -> Link:
    product = payload.product
    return Link(
        integration_id=integration.id,
        entity="product",
        erp_id=product.sku,
        platform_id=platform_id,
        sku=product.sku,
        ean=product.variants[0].gtin if len(product.variants) == 1 else None,
        created_by="export",
        created_at=datetime.now(UTC),
    )


async def _timed(platform: str, operation: str, make: Callable[[], Awaitable[T]]) -> T:
    started = time.perf_counter()
    outcome = "error"
    try:
        result = await make()
        outcome = "ok"
        return result
    except Retryable:
        outcome = "retryable"
        raise
    except Permanent:
        outcome = "refused"
        raise
    finally:
        SINK_CALLS.labels(sink=platform, operation=operation, outcome=outcome).inc()
        SINK_LATENCY.labels(sink=platform, operation=operation).observe(
            time.perf_counter() - started
        )


def _count_retry(integration: Integration, exc: Retryable, delay: float) -> None:
    RETRIES.labels(sink=integration.platform, reason=type(exc).__name__).inc()
    log.info("%s call failed (%s), retrying in %.2fs", integration.id, exc.describe(), delay)

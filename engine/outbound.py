"""ERP -> platform policies: which integration gets which change, and what is sent. Pure.

    ERP change          command               what the platform gets
    product.changed  -> product_export    ->  the product, Configurações/Mapeamentos applied
    price.changed    -> price_export      ->  the integration's price list only; the promotion
                                              with its dates when enabled; a drop larger than
                                              the guard is parked instead of sent
    stock.changed    -> stock_export      ->  sum of the chosen warehouses' latest levels, minus
                                              the buffer, floored at 0, capped at the maximum
    order.status_changed -> order_status_export -> start handling, NF-e, tracking, cancellation
                                              (only for orders this integration placed)

Stock is latest-wins per warehouse: a level measured before the one already kept for its
warehouse is stale and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from uuid import NAMESPACE_URL, uuid5

from pydantic import BaseModel, ConfigDict

from connectors.capabilities import ConnectorSpec, Entity, Operation
from connectors.contract import OrderMove, OrderMoveKind
from schemas.automation import Automation
from schemas.command import CommandKind, CommandOrigin, PlatformCommand
from schemas.envelope import EventEnvelope
from schemas.events import (
    EventPayload,
    OrderStatusChanged,
    PriceChanged,
    ProductChanged,
    StockChanged,
)
from schemas.integration import Integration, IntegrationSettings, OwnedField
from schemas.order_status import OrderStatus
from schemas.price import Price
from schemas.product import Product
from schemas.stock import StockLevel

PLATFORM_PRICE_LIST = "default"
"""Platforms keep one price per variant: the integration's ERP list becomes that price."""

AUTOMATION_OF: dict[CommandKind, Automation] = {
    CommandKind.PRODUCT_EXPORT: Automation.PRODUCT_EXPORT,
    CommandKind.PRICE_EXPORT: Automation.PRICE_EXPORT,
    CommandKind.STOCK_EXPORT: Automation.STOCK_EXPORT,
    CommandKind.ORDER_STATUS_EXPORT: Automation.ORDER_STATUS_EXPORT,
}

WRITTEN_ENTITY: dict[CommandKind, Entity] = {
    CommandKind.PRODUCT_EXPORT: Entity.PRODUCT,
    CommandKind.PRICE_EXPORT: Entity.PRICE,
    CommandKind.STOCK_EXPORT: Entity.STOCK,
    CommandKind.ORDER_STATUS_EXPORT: Entity.ORDER,
}


# -- fan-out -----------------------------------------------------------------------------------


def command_kind(payload: EventPayload) -> CommandKind | None:
    """The command an ERP change becomes; None for what no platform receives."""
    if isinstance(payload, ProductChanged):
        return CommandKind.PRODUCT_EXPORT
    if isinstance(payload, PriceChanged):
        return CommandKind.PRICE_EXPORT
    if isinstance(payload, StockChanged):
        return CommandKind.STOCK_EXPORT
    if isinstance(payload, OrderStatusChanged):
        return CommandKind.ORDER_STATUS_EXPORT
    return None


def command_entity_key(payload: EventPayload) -> str:
    """Stock of every warehouse of a SKU shares one key, so its levels meet in one partition."""
    if isinstance(payload, ProductChanged):
        return f"product:{payload.product.sku}"
    if isinstance(payload, PriceChanged):
        return f"price:{payload.price.sku}"
    if isinstance(payload, StockChanged):
        return f"stock:{payload.level.sku}"
    if isinstance(payload, OrderStatusChanged):
        return f"order:{payload.platform_order_id}"
    raise TypeError(f"no platform command carries {payload.type}")


def targets(envelope: EventEnvelope, integrations: list[Integration]) -> list[Integration]:
    """An ERP change concerns every integration; a replayed or retried one only its own."""
    if envelope.integration_id == "erp":
        return integrations
    return [i for i in integrations if i.id == envelope.integration_id]


def concerns(integration: Integration, payload: EventPayload, *, order_linked: bool) -> bool:
    """Whether this integration has anything to do with the change at all (not a switch)."""
    if isinstance(payload, PriceChanged):
        return payload.price.price_list == integration.settings.price_list
    if isinstance(payload, OrderStatusChanged):
        return order_linked
    return True


def order_of_link(change: OrderStatusChanged, link_erp_id: str | None) -> bool:
    """Whether the integration's order link is the order the ERP reports (platform order ids
    of two stores may coincide; the ERP's own id, when reported, must be the link's)."""
    if link_erp_id is None:
        return False
    return change.erp_order_id is None or change.erp_order_id == link_erp_id


def addressed(envelope: EventEnvelope, integration: Integration) -> EventEnvelope:
    """The ERP's envelope addressed to one integration (its error list, history and held)."""
    return envelope.model_copy(
        update={"integration_id": integration.id, "config_version": integration.version}
    )


def command_for(
    envelope: EventEnvelope,
    integration: Integration,
    *,
    origin: CommandOrigin = CommandOrigin.LIVE,
    job_id: str | None = None,
) -> PlatformCommand:
    """The command of one change for one integration; the same change makes the same id."""
    kind = command_kind(envelope.payload)
    if kind is None:
        raise TypeError(f"no platform command carries {envelope.type}")
    payload = envelope.payload
    platform_id = payload.platform_order_id if isinstance(payload, OrderStatusChanged) else None
    return PlatformCommand(
        command_id=str(
            uuid5(NAMESPACE_URL, f"ponte:outbound:{integration.id}:{envelope.event_id}")
        ),
        integration_id=integration.id,
        entity_key=command_entity_key(payload),
        kind=kind,
        envelope=addressed(envelope, integration),
        config_version=integration.version,
        occurred_at=envelope.occurred_at,
        origin=origin,
        job_id=job_id,
        platform_id=platform_id,
    )


def capability_gap(spec: ConnectorSpec, kind: CommandKind) -> str | None:
    """Why the platform cannot take this command, or None when it can."""
    entity = WRITTEN_ENTITY[kind]
    if spec.can(entity, Operation.WRITE):
        return None
    return f"{spec.title} does not take {entity.value} writes"


def prices_withheld_on_update(product: Product, *, creating: bool) -> Product:
    """An update leaves prices to the price flow (its own switch, price list and drop guard); a
    new listing needs its price."""
    if creating or OwnedField.PRICE in product.withheld:
        return product
    return product.model_copy(update={"withheld": sorted({*product.withheld, OwnedField.PRICE})})


# -- stock -------------------------------------------------------------------------------------


class WarehouseLevel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    quantity: Decimal
    measured_at: datetime


class StockBook(BaseModel):
    """What one integration knows of one SKU: the latest level per warehouse, the last push."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    levels: dict[str, WarehouseLevel] = {}
    pushed_quantity: int | None = None
    pushed_at: datetime | None = None


def record_level(book: StockBook, level: StockLevel) -> StockBook | None:
    """The book with ``level`` kept; None when its warehouse already holds a newer level.

    A level as new as the one kept is taken again: a redelivery (or the retry of a push that
    failed) pushes the same absolute quantity, which is harmless."""
    kept = book.levels.get(level.warehouse)
    if kept is not None and level.measured_at < kept.measured_at:
        return None
    fresh = WarehouseLevel(quantity=level.quantity, measured_at=level.measured_at)
    return book.model_copy(update={"levels": {**book.levels, level.warehouse: fresh}})


def feeds(settings: IntegrationSettings, warehouse: str) -> bool:
    """Whether a warehouse's stock counts for this integration (no list: every warehouse)."""
    return not settings.stock_warehouses or warehouse in settings.stock_warehouses


def listed_quantity(book: StockBook, settings: IntegrationSettings) -> int:
    """What the platform lists: the chosen warehouses' sum, minus the buffer, within 0..max."""
    total = sum(
        (kept.quantity for warehouse, kept in book.levels.items() if feeds(settings, warehouse)),
        Decimal(0),
    )
    whole = int(total.to_integral_value(rounding=ROUND_FLOOR))
    listed = max(whole - settings.stock_buffer, 0)
    if settings.stock_max_listed is not None:
        listed = min(listed, settings.stock_max_listed)
    return listed


def pushed(book: StockBook, quantity: int, measured_at: datetime) -> StockBook:
    return book.model_copy(update={"pushed_quantity": quantity, "pushed_at": measured_at})


def platform_level(sku: str, quantity: int, measured_at: datetime, location: str) -> StockLevel:
    """The absolute level one platform location receives."""
    return StockLevel(
        sku=sku, warehouse=location, quantity=Decimal(quantity), measured_at=measured_at
    )


def stock_location(settings: IntegrationSettings) -> str:
    """The platform location stock is written to (a platform-specific Configuração)."""
    for name in ("location_id", "warehouse_id", "stock_location"):
        value = settings.platform_extras.get(name)
        if value not in (None, ""):
            return str(value)
    return "default"


# -- price -------------------------------------------------------------------------------------


def price_for_platform(price: Price, settings: IntegrationSettings) -> Price:
    """The price the platform gets: its one list, the promotion only when enabled."""
    update: dict[str, object] = {"price_list": PLATFORM_PRICE_LIST}
    if not settings.send_promotional_price:
        update |= {
            "promotional_price": None,
            "promotion_starts_at": None,
            "promotion_ends_at": None,
        }
    return price.model_copy(update=update)


def price_drop_refusal(
    last_sent: Decimal | None, new: Decimal, guard_percent: Decimal | None
) -> str | None:
    """Why a price must not be sent (a drop beyond the guard), or None to send it."""
    if guard_percent is None or last_sent is None or last_sent <= 0 or new >= last_sent:
        return None
    drop = (last_sent - new) / last_sent * 100
    if drop <= guard_percent:
        return None
    return (
        f"price drops {drop.quantize(Decimal('0.1'))}% ({last_sent} -> {new}), more than the "
        f"{guard_percent}% guard (price_drop_guard_percent); raise or clear the guard in "
        "Configurações, then retry"
    )


# -- orders ------------------------------------------------------------------------------------


def order_moves(change: OrderStatusChanged, done: frozenset[OrderMoveKind]) -> list[OrderMove]:
    """The platform moves an ERP status asks for, without those already made.

    A shipped order also carries its NF-e (a platform may need the invoice before tracking).
    """
    wanted: list[OrderMove] = []
    if change.status is OrderStatus.CANCELED:
        wanted.append(OrderMove(OrderMoveKind.CANCEL, reason="canceled in the ERP"))
    elif change.status is OrderStatus.IN_HANDLING:
        wanted.append(OrderMove(OrderMoveKind.START_HANDLING))
    elif change.status in (OrderStatus.INVOICED, OrderStatus.SHIPPED):
        if change.invoice is not None:
            wanted.append(OrderMove(OrderMoveKind.INVOICE, invoice=change.invoice))
        if change.status is OrderStatus.SHIPPED and change.tracking is not None:
            wanted.append(OrderMove(OrderMoveKind.SHIP, tracking=change.tracking))
    return [move for move in wanted if move.kind not in done]


def moves_done(text: str | None) -> frozenset[OrderMoveKind]:
    """The moves recorded as made (a table value such as "invoice,ship")."""
    return frozenset(OrderMoveKind(part) for part in (text or "").split(",") if part)


def with_move(text: str | None, kind: OrderMoveKind) -> str:
    return ",".join(sorted({*moves_done(text), kind}))

"""The ERP -> platform policies, without Kafka or HTTP."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from connectors.contract import OrderMoveKind
from connectors.registry import PLATFORMS
from engine.outbound import (
    StockBook,
    capability_gap,
    command_entity_key,
    command_for,
    command_kind,
    concerns,
    listed_quantity,
    moves_done,
    order_moves,
    order_of_link,
    price_drop_refusal,
    price_for_platform,
    prices_withheld_on_update,
    record_level,
    stock_location,
    targets,
    with_move,
)
from schemas.command import CommandKind, CommandOrigin, PlatformCommand
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.events import (
    EventPayload,
    OrderPlaced,
    OrderStatusChanged,
    PriceChanged,
    ProductChanged,
    StockChanged,
)
from schemas.integration import Integration, IntegrationSettings, OwnedField
from schemas.order import Invoice, Tracking
from schemas.order_status import OrderStatus
from schemas.price import Price
from schemas.product import Product, Variant
from schemas.stock import StockLevel
from tests.unit.test_schemas import an_order

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NFE = Invoice(key="3" * 44, number="123")


def integration(id: str = "loja-a", **settings: object) -> Integration:
    return Integration(
        id=id,
        platform="shopify",
        name=id,
        credentials="x",
        settings=IntegrationSettings.model_validate(settings),
        version=4,
        created_at=T0,
        updated_at=T0,
    )


def envelope(payload: EventPayload, integration_id: str = "erp") -> EventEnvelope:
    return EventEnvelope(
        event_id="ev-1",
        type=payload.type,
        integration_id=integration_id,
        source=SourceSystem.ERP,
        entity_key="x",
        occurred_at=T0,
        received_at=T0,
        idempotency_key="k",
        trace_id="t",
        config_version=0,
        payload=payload,
    )


def level(warehouse: str, quantity: str, minutes: int = 0, sku: str = "CAM") -> StockLevel:
    return StockLevel(
        sku=sku,
        warehouse=warehouse,
        quantity=Decimal(quantity),
        measured_at=T0 + timedelta(minutes=minutes),
    )


def book_of(*levels: StockLevel) -> StockBook:
    book = StockBook()
    for one in levels:
        recorded = record_level(book, one)
        assert recorded is not None
        book = recorded
    return book


PRODUCT = Product(sku="CAM", name="Camiseta", variants=[Variant(sku="CAM", price=Decimal("10"))])
STATUS = OrderStatusChanged(platform_order_id="4501", status=OrderStatus.PAID)


# -- fan-out -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "kind", "key"),
    [
        (ProductChanged(product=PRODUCT), CommandKind.PRODUCT_EXPORT, "product:CAM"),
        (
            PriceChanged(price=Price(sku="CAM", price=Decimal("1"))),
            CommandKind.PRICE_EXPORT,
            "price:CAM",
        ),
        (StockChanged(level=level("1", "3")), CommandKind.STOCK_EXPORT, "stock:CAM"),
        (STATUS, CommandKind.ORDER_STATUS_EXPORT, "order:4501"),
    ],
)
def test_each_erp_change_becomes_its_command_under_one_key_per_entity(
    payload: EventPayload, kind: CommandKind, key: str
) -> None:
    assert command_kind(payload) is kind
    assert command_entity_key(payload) == key


def test_stock_of_every_warehouse_shares_the_skus_key() -> None:
    keys = {command_entity_key(StockChanged(level=level(w, "1"))) for w in ("1", "2", "9")}
    assert keys == {"stock:CAM"}


def test_platform_events_make_no_command() -> None:
    assert command_kind(OrderPlaced(order=an_order())) is None


def test_an_erp_change_goes_to_every_integration_a_retried_one_to_its_own() -> None:
    a, b = integration("loja-a"), integration("loja-b")
    assert targets(envelope(STATUS), [a, b]) == [a, b]
    assert targets(envelope(STATUS, "loja-b"), [a, b]) == [b]
    assert targets(envelope(STATUS, "loja-gone"), [a, b]) == []


def test_only_the_integrations_price_list_and_its_own_orders_concern_it() -> None:
    atacado = integration(price_list="atacado")
    default_price = PriceChanged(price=Price(sku="CAM", price=Decimal("1")))
    assert not concerns(atacado, default_price, order_linked=False)
    assert concerns(integration(), default_price, order_linked=False)
    assert not concerns(integration(), STATUS, order_linked=False)
    assert concerns(integration(), STATUS, order_linked=True)
    assert concerns(integration(), ProductChanged(product=PRODUCT), order_linked=False)


def test_a_command_is_addressed_to_its_integration_and_has_a_stable_id() -> None:
    stock = envelope(StockChanged(level=level("2", "5", minutes=3)))
    command = command_for(stock, integration())
    assert command.envelope.integration_id == "loja-a"
    assert command.envelope.config_version == 4 == command.config_version
    assert command.key == "loja-a:stock:CAM"
    assert command.occurred_at == T0
    assert command_for(stock, integration()).command_id == command.command_id
    assert command_for(stock, integration("loja-b")).command_id != command.command_id
    order = command_for(envelope(STATUS), integration(), origin=CommandOrigin.JOB, job_id="j1")
    assert (order.platform_id, order.origin, order.job_id) == ("4501", CommandOrigin.JOB, "j1")


def test_a_command_refuses_a_payload_of_another_kind_or_integration() -> None:
    command = command_for(envelope(STATUS), integration())
    with pytest.raises(ValidationError, match=r"stock\.changed"):
        PlatformCommand.model_validate(command.model_dump() | {"kind": "stock_export"})
    with pytest.raises(ValidationError, match="addressed"):
        PlatformCommand.model_validate(command.model_dump() | {"integration_id": "loja-b"})


def test_capabilities_decide_what_a_platform_takes() -> None:
    shopify = PLATFORMS["shopify"]
    assert capability_gap(shopify, CommandKind.STOCK_EXPORT) is None
    readonly = replace(shopify, capabilities={})
    assert (
        capability_gap(readonly, CommandKind.STOCK_EXPORT) == "Shopify does not take stock writes"
    )


# -- stock -------------------------------------------------------------------------------------


def test_stock_sums_the_chosen_warehouses_minus_the_buffer_within_the_maximum() -> None:
    book = book_of(level("1", "7"), level("2", "5"), level("3", "100"))
    assert listed_quantity(book, IntegrationSettings()) == 112
    chosen = IntegrationSettings(stock_warehouses=["1", "2"])
    assert listed_quantity(book, chosen) == 12
    assert listed_quantity(book, chosen.model_copy(update={"stock_buffer": 2})) == 10
    capped = chosen.model_copy(update={"stock_buffer": 2, "stock_max_listed": 8})
    assert listed_quantity(book, capped) == 8


def test_stock_never_goes_below_zero_and_fractions_round_down() -> None:
    assert listed_quantity(book_of(level("1", "2")), IntegrationSettings(stock_buffer=5)) == 0
    assert listed_quantity(book_of(level("1", "2.9")), IntegrationSettings()) == 2
    assert listed_quantity(book_of(level("1", "-3"), level("2", "1")), IntegrationSettings()) == 0
    assert listed_quantity(StockBook(), IntegrationSettings(stock_warehouses=["9"])) == 0


def test_an_older_level_never_overwrites_a_newer_one_of_its_warehouse() -> None:
    book = book_of(level("1", "9", minutes=5))
    assert record_level(book, level("1", "2", minutes=1)) is None
    newer = record_level(book, level("1", "4", minutes=6))
    assert newer is not None and newer.levels["1"].quantity == Decimal(4)
    same_time = record_level(book, level("1", "9", minutes=5))
    assert same_time is not None, "a redelivered level is pushed again (absolute, harmless)"
    other = record_level(book, level("2", "1", minutes=0))
    assert other is not None and set(other.levels) == {"1", "2"}, "warehouses are independent"


def test_the_stock_location_comes_from_the_platforms_configuracoes() -> None:
    assert stock_location(IntegrationSettings()) == "default"
    assert stock_location(IntegrationSettings(platform_extras={"location_id": 77})) == "77"
    assert stock_location(IntegrationSettings(platform_extras={"warehouse_id": "wh1"})) == "wh1"


# -- price -------------------------------------------------------------------------------------

PROMO = Price(
    sku="CAM",
    price_list="atacado",
    price=Decimal("100"),
    promotional_price=Decimal("80"),
    promotion_starts_at=T0,
    promotion_ends_at=T0 + timedelta(days=3),
)


def test_the_platform_gets_its_one_price_with_the_promotion_when_enabled() -> None:
    sent = price_for_platform(PROMO, IntegrationSettings())
    assert sent.price_list == "default"
    assert (sent.promotional_price, sent.promotion_ends_at) == (
        Decimal("80"),
        T0 + timedelta(days=3),
    )
    plain = price_for_platform(PROMO, IntegrationSettings(send_promotional_price=False))
    assert plain.promotional_price is None and plain.promotion_starts_at is None
    assert plain.promotion_ends_at is None and plain.price == Decimal("100")


def test_a_drop_beyond_the_guard_is_refused_with_the_reason() -> None:
    guard = Decimal("20")
    reason = price_drop_refusal(Decimal("100"), Decimal("40"), guard)
    assert reason is not None and "60.0%" in reason and "100 -> 40" in reason
    assert "price_drop_guard_percent" in reason
    assert price_drop_refusal(Decimal("100"), Decimal("80"), guard) is None, "exactly the guard"
    assert price_drop_refusal(Decimal("100"), Decimal("79.99"), guard) is not None
    assert price_drop_refusal(Decimal("100"), Decimal("150"), guard) is None, "a rise"
    assert price_drop_refusal(None, Decimal("1"), guard) is None, "nothing sent yet"
    assert price_drop_refusal(Decimal("100"), Decimal("1"), None) is None, "no guard"
    assert price_drop_refusal(Decimal("0"), Decimal("0"), guard) is None


# -- orders ------------------------------------------------------------------------------------


def change(
    status: OrderStatus, invoice: bool = False, tracking: bool = False
) -> OrderStatusChanged:
    return OrderStatusChanged(
        platform_order_id="4501",
        status=status,
        invoice=NFE if invoice else None,
        tracking=Tracking(code="BR1", carrier="Correios") if tracking else None,
    )


def kinds(status: OrderStatusChanged, done: str | None = None) -> list[OrderMoveKind]:
    return [move.kind for move in order_moves(status, moves_done(done))]


def test_each_erp_status_asks_for_its_platform_moves() -> None:
    assert kinds(change(OrderStatus.PAID)) == []
    assert kinds(change(OrderStatus.PENDING_PAYMENT)) == []
    assert kinds(change(OrderStatus.IN_HANDLING)) == [OrderMoveKind.START_HANDLING]
    assert kinds(change(OrderStatus.INVOICED, invoice=True)) == [OrderMoveKind.INVOICE]
    shipped = change(OrderStatus.SHIPPED, invoice=True, tracking=True)
    assert kinds(shipped) == [OrderMoveKind.INVOICE, OrderMoveKind.SHIP]
    assert kinds(change(OrderStatus.CANCELED)) == [OrderMoveKind.CANCEL]


def test_the_moves_carry_their_documents_and_are_not_repeated() -> None:
    shipped = change(OrderStatus.SHIPPED, invoice=True, tracking=True)
    invoice, ship = order_moves(shipped, frozenset())
    assert invoice.invoice == NFE and ship.tracking is not None and ship.tracking.code == "BR1"
    assert kinds(shipped, "invoice") == [OrderMoveKind.SHIP]
    assert kinds(shipped, with_move("invoice", OrderMoveKind.SHIP)) == []
    [cancel] = order_moves(change(OrderStatus.CANCELED), frozenset())
    assert cancel.reason


def test_moves_made_are_kept_as_a_short_text() -> None:
    text = with_move(with_move(None, OrderMoveKind.SHIP), OrderMoveKind.INVOICE)
    assert text == "invoice,ship"
    assert moves_done(text) == {OrderMoveKind.INVOICE, OrderMoveKind.SHIP}
    assert moves_done(None) == frozenset()


def test_an_order_link_matches_the_erp_order_it_names() -> None:
    assert not order_of_link(STATUS, None), "no link: another store's order"
    assert order_of_link(STATUS, "77"), "the ERP did not name its id: the platform id decides"
    named = STATUS.model_copy(update={"erp_order_id": "77"})
    assert order_of_link(named, "77")
    assert not order_of_link(named, "78"), "same platform id, another store's ERP order"


def test_a_product_update_leaves_prices_to_the_price_flow() -> None:
    assert prices_withheld_on_update(PRODUCT, creating=True) == PRODUCT
    updated = prices_withheld_on_update(PRODUCT, creating=False)
    assert updated.withheld == [OwnedField.PRICE]
    images_kept = PRODUCT.model_copy(update={"withheld": [OwnedField.IMAGES]})
    both = prices_withheld_on_update(images_kept, creating=False)
    assert set(both.withheld) == {OwnedField.IMAGES, OwnedField.PRICE}

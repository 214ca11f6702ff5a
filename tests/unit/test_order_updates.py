"""The rules of the Vendas sink without Kafka: what a platform status changes on the ERP
order, and which orders the import date leaves out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from connectors.erp.situacao import Situacao
from connectors.errors import Permanent
from engine.agents.erp_orders import before_import_since
from engine.agents.order_updates import situacao_change
from schemas.customer import Customer
from schemas.integration import Integration, IntegrationSettings
from schemas.order import Order, OrderItem, OrderTotals
from schemas.order_status import OrderStatus

NOW = datetime(2026, 5, 9, 12, 0, tzinfo=UTC)


def test_a_payment_moves_an_order_awaiting_payment_to_em_aberto() -> None:
    for waiting in (Situacao.AGUARDANDO_PAGAMENTO, Situacao.PAGAMENTO_EM_ANALISE):
        change = situacao_change(OrderStatus.PAID, {"id": 7, "situacao": int(waiting)})
        assert change is not None and change.situacao is Situacao.EM_ABERTO
    later = situacao_change(OrderStatus.IN_HANDLING, {"id": 7, "situacao": -1})
    assert later is not None and later.situacao is Situacao.EM_ABERTO


def test_a_payment_leaves_an_order_past_payment_or_cancelled_alone() -> None:
    for situacao in (Situacao.EM_ABERTO, Situacao.ATENDIDO, Situacao.CANCELADO):
        assert situacao_change(OrderStatus.PAID, {"id": 7, "situacao": int(situacao)}) is None
    assert situacao_change(OrderStatus.PENDING_PAYMENT, {"id": 7, "situacao": -1}) is None


def test_a_cancellation_cancels_once_and_never_an_order_with_its_nfe() -> None:
    change = situacao_change(OrderStatus.CANCELED, {"id": 7, "situacao": 0})
    assert change is not None and change.situacao is Situacao.CANCELADO
    assert situacao_change(OrderStatus.CANCELED, {"id": 7, "situacao": 2}) is None
    with pytest.raises(Permanent, match="NF-e 123"):
        situacao_change(OrderStatus.CANCELED, {"id": 7, "situacao": 1, "numeroNotaFiscal": "123"})


def test_an_unknown_situacao_is_refused_with_its_value() -> None:
    with pytest.raises(Permanent, match="99"):
        situacao_change(OrderStatus.PAID, {"id": 7, "situacao": 99})


def order_at(created: datetime) -> Order:
    return Order(
        platform="shopify",
        platform_order_id="1",
        number="#1001",
        status=OrderStatus.PAID,
        customer=Customer(name="Maria"),
        items=[OrderItem(name="Camiseta", quantity=Decimal(1), unit_price=Decimal("10.00"))],
        totals=OrderTotals(subtotal=Decimal("10.00"), total=Decimal("10.00")),
        currency="BRL",
        created_at=created,
    )


def integration(since: date | None) -> Integration:
    return Integration(
        id="loja",
        platform="shopify",
        name="Loja",
        credentials="x",
        settings=IntegrationSettings(order_import_since=since),
        version=1,
        created_at=NOW,
        updated_at=NOW,
    )


def test_the_import_date_is_a_day_in_sao_paulo() -> None:
    late_evening = order_at(datetime(2026, 5, 9, 1, 0, tzinfo=UTC))  # 22:00 on the 8th there
    assert before_import_since(late_evening, integration(date(2026, 5, 9)))


def test_orders_placed_before_the_import_date_are_left_out() -> None:
    assert before_import_since(
        order_at(datetime(2026, 5, 9, 2, 59, tzinfo=UTC)), integration(date(2026, 5, 9))
    )
    assert not before_import_since(order_at(NOW), integration(date(2026, 5, 9)))
    assert not before_import_since(order_at(datetime(2020, 1, 1, tzinfo=UTC)), integration(None))

"""ERP pedido -> canonical Order, field by field, against pedidos `order_to_pedido` wrote."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from connectors.erp.mapping import DEFAULT_SITUACAO, ERP_TIMEZONE, order_to_pedido
from connectors.erp.mapping_orders import ERP_PLATFORM, pedido_to_order
from connectors.erp.nfe_key import access_key
from connectors.erp.situacao import Situacao
from connectors.errors import Permanent
from schemas.customer import Customer, DocumentType
from schemas.order import Order, OrderItem, OrderTotals, Payment, Shipping, Tracking
from schemas.order_status import OrderStatus
from tests.unit.test_erp_mapping import BILLING, canonical_order

KEY = access_key(
    uf=35, year_month="2603", cnpj="11222333000181", serie=1, numero=1001, code=12345678
)


def round_trip(order: Order) -> Order:
    return pedido_to_order(order_to_pedido(order, situacao=DEFAULT_SITUACAO[order.status]))


def carried_only() -> Order:
    """An order holding only what a pedido carries: it must come back exactly."""
    return canonical_order(
        customer=Customer(
            name="Ana Souza",
            email="ana@example.com",
            phone="+5511988887777",
            document="12345678909",
            document_type=DocumentType.CPF,
            state_registration="ISENTO",
        ),
        billing_address=BILLING.model_copy(update={"recipient": None, "phone": None}),
        shipping_address=BILLING.model_copy(
            update={"street": "Rua Augusta", "number": "500", "complement": None, "phone": None}
        ),
        items=[
            OrderItem(
                sku="CAM-P-AZ",
                name="Camiseta P Azul",
                quantity=Decimal(2),
                unit_price=Decimal("129.90"),
            ),
            OrderItem(sku="BONE-01", name="Boné", quantity=Decimal(1), unit_price=Decimal("59.90")),
        ],
        shipping=Shipping(carrier="Correios", price=Decimal("18.50")),
        totals=OrderTotals(
            subtotal=Decimal("319.70"),
            discount=Decimal("25.98"),
            shipping=Decimal("18.50"),
            total=Decimal("312.22"),
        ),
        created_at=datetime(2026, 3, 14, tzinfo=ERP_TIMEZONE),
        paid_at=None,
        platform_status="Em aberto",
    )


def test_an_order_of_carried_fields_survives_the_round_trip_exactly() -> None:
    order = carried_only()
    assert round_trip(order) == order


@pytest.mark.parametrize(
    "status",
    [OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.IN_HANDLING, OrderStatus.CANCELED],
)
def test_every_status_a_situacao_holds_comes_back(status: OrderStatus) -> None:
    back = round_trip(carried_only().model_copy(update={"status": status}))
    assert back.status is status
    assert back.platform_status == DEFAULT_SITUACAO[status].label


def test_identity_is_the_origin_platform_s() -> None:
    back = round_trip(canonical_order())
    assert (back.platform, back.platform_order_id, back.number) == (
        "shopify",
        "5678901234567",
        "#1001",
    )
    assert back.currency == "BRL" and back.note == "Entregar à tarde" and back.sales_channel is None


def test_what_order_to_pedido_folds_comes_back_folded() -> None:
    original = canonical_order()
    back = round_trip(original)
    # The item discount went into the order's desconto; names were joined into descricao.
    assert [
        (i.sku, i.name, i.variant_name, i.quantity, i.unit_price, i.discount) for i in back.items
    ] == [
        ("CAM-P-AZ", "Camiseta - P / Azul", None, 2, Decimal("129.90"), 0),
        ("BONE-01", "Boné", None, 1, Decimal("59.90"), 0),
    ]
    assert back.totals == OrderTotals(
        subtotal=Decimal("319.70"),
        discount=Decimal("25.98"),
        shipping=Decimal("18.50"),
        total=original.totals.total,
    )
    assert back.shipping == Shipping(carrier="Correios", price=Decimal("18.50"))  # no SEDEX
    assert back.created_at == datetime(2026, 3, 14, tzinfo=ERP_TIMEZONE)  # the day in Sao Paulo
    assert back.paid_at is None


def test_customer_and_addresses() -> None:
    original = canonical_order()
    back = round_trip(original)
    # The pedido's fone was the billing phone, the customer having none.
    assert back.customer == original.customer.model_copy(update={"phone": BILLING.phone})
    assert back.billing_address == BILLING.model_copy(update={"recipient": None, "phone": None})
    assert original.shipping_address is not None
    assert back.shipping_address == original.shipping_address.model_copy(update={"phone": None})


def test_one_address_for_billing_and_delivery_comes_back_as_both() -> None:
    back = round_trip(canonical_order(shipping_address=BILLING))
    assert back.shipping_address == back.billing_address
    assert back.billing_address is not None and back.billing_address.street == "Avenida Paulista"


@pytest.mark.parametrize(
    ("document", "kind"),
    [("12345678909", DocumentType.CPF), ("11222333000181", DocumentType.CNPJ)],
)
def test_document_kind_by_length(document: str, kind: DocumentType) -> None:
    customer = Customer(name="Comprador", document=document, document_type=kind)
    assert round_trip(canonical_order(customer=customer)).customer == customer.model_copy(
        update={"phone": BILLING.phone}
    )


def test_a_foreign_buyer_keeps_their_identifier() -> None:
    customer = Customer(name="John Roe", document="P1234567", document_type=DocumentType.FOREIGN)
    back = round_trip(canonical_order(customer=customer))
    assert (back.customer.document, back.customer.document_type) == (
        "P1234567",
        DocumentType.FOREIGN,
    )


def test_payments_keep_their_installments() -> None:
    back = round_trip(canonical_order())
    assert back.payments == [
        Payment(method="Cartão de crédito", amount=Decimal("312.22"), installments=3)
    ]


def stored(order: Order, **changes: Any) -> dict[str, Any]:
    """The pedido as the ERP keeps it: with its id, number and change stamp."""
    pedido = order_to_pedido(order, situacao=Situacao.EM_ABERTO)
    return (
        pedido
        | {"id": "42", "numeroPedido": "10042", "dataAlteracao": "2026-03-15 09:10:11"}
        | changes
    )


def test_an_order_keyed_into_the_erp_is_an_erp_order() -> None:
    pedido = stored(canonical_order())
    for field in ("canalDeVenda", "idPedidoOrigem"):
        del pedido[field]
    back = pedido_to_order(pedido)
    assert (back.platform, back.platform_order_id, back.number) == (ERP_PLATFORM, "42", "10042")
    assert back.updated_at == datetime(2026, 3, 15, 9, 10, 11, tzinfo=ERP_TIMEZONE)


def test_nfe_and_tracking_make_it_shipped_with_its_documents() -> None:
    pedido = stored(
        canonical_order(),
        situacao=int(Situacao.ATENDIDO),
        numeroNotaFiscal="1001",
        codigoRastreamento="BR123456789BR",
    )
    nfe = {"numero": "1001", "serie": "1", "chaveAcesso": KEY, "dataEmissao": "2026-03-15 10:00:00"}
    back = pedido_to_order(pedido, nfe)
    assert back.status is OrderStatus.SHIPPED
    assert back.invoice is not None and (back.invoice.key, back.invoice.number) == (KEY, "1001")
    assert back.shipping.tracking == Tracking(code="BR123456789BR", carrier="Correios")


def test_an_nfe_the_order_does_not_name_is_ignored() -> None:
    pedido = stored(canonical_order(), situacao=int(Situacao.ATENDIDO), numeroNotaFiscal="1002")
    back = pedido_to_order(pedido, {"numero": "1001", "chaveAcesso": KEY})
    assert back.invoice is None and back.status is OrderStatus.IN_HANDLING


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"_Itens": []}, "no items"),
        ({"situacao": 9}, "unknown situacao"),
        ({"data": "ontem"}, "date"),
    ],
)
def test_an_unreadable_pedido_is_permanent(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(Permanent, match=reason):
        pedido_to_order(stored(canonical_order(), **changes))

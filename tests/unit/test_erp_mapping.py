"""Canonical Order -> ERP pedido, field by field."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from connectors.erp import json_exact
from connectors.erp.mapping import DEFAULT_SITUACAO, order_to_pedido
from connectors.erp.situacao import Situacao
from connectors.errors import Permanent
from schemas.address import Address
from schemas.customer import Customer, DocumentType
from schemas.order import Order, OrderItem, OrderTotals, Payment, Shipping
from schemas.order_status import OrderStatus

BILLING = Address(
    recipient="Ana Souza",
    street="Avenida Paulista",
    number="1578",
    complement="Apto 12",
    neighborhood="Bela Vista",
    city="São Paulo",
    state="SP",
    postal_code="01310-200",
    country="BR",
    phone="+5511988887777",
)


def canonical_order(**overrides: Any) -> Order:
    """A Shopify-like order: two lines, a line discount, shipping, one card payment in 3x."""
    fields: dict[str, Any] = {
        "platform": "shopify",
        "platform_order_id": "5678901234567",
        "number": "#1001",
        "status": OrderStatus.PAID,
        "customer": Customer(
            name="Ana Souza",
            email="ana@example.com",
            document="12345678909",
            document_type=DocumentType.CPF,
        ),
        "billing_address": BILLING,
        "shipping_address": BILLING.model_copy(
            update={"street": "Rua Augusta", "number": "500", "complement": None}
        ),
        "items": [
            OrderItem(
                sku="CAM-P-AZ",
                name="Camiseta",
                variant_name="P / Azul",
                quantity=Decimal("2"),
                unit_price=Decimal("129.90"),
                discount=Decimal("25.98"),
            ),
            OrderItem(
                sku="BONE-01", name="Boné", quantity=Decimal("1"), unit_price=Decimal("59.9")
            ),
        ],
        "shipping": Shipping(carrier="Correios", method="SEDEX", price=Decimal("18.50")),
        "payments": [Payment(method="Cartão de crédito", amount=Decimal("312.22"), installments=3)],
        "totals": OrderTotals(
            subtotal=Decimal("293.72"),
            discount=Decimal("25.98"),
            shipping=Decimal("18.50"),
            tax=Decimal("38.10"),  # included in the prices, as in Brazil
            total=Decimal("312.22"),
        ),
        "currency": "BRL",
        "note": "Entregar à tarde",
        # 01:30 UTC on the 15th is still the 14th in Sao Paulo.
        "created_at": datetime(2026, 3, 15, 1, 30, tzinfo=UTC),
        "paid_at": datetime(2026, 3, 15, 2, 0, tzinfo=UTC),
    }
    return Order(**(fields | overrides))


@pytest.fixture
def pedido() -> dict[str, Any]:
    return order_to_pedido(canonical_order(), situacao=Situacao.EM_ABERTO)


def test_order_identity(pedido: dict[str, Any]) -> None:
    assert pedido["numeroDaOrdemDeCompra"] == "#1001"
    assert pedido["idPedidoOrigem"] == "5678901234567"
    assert pedido["canalDeVenda"] == "shopify"
    assert pedido["data"] == "2026-03-14"
    assert pedido["situacao"] == 0
    assert pedido["transportador"] == "Correios"
    assert pedido["observacoes"] == "Entregar à tarde"
    assert "id" not in pedido and "numeroPedido" not in pedido


def test_totals_satisfy_the_erp_identity(pedido: dict[str, Any]) -> None:
    assert pedido["totalProdutos"] == Decimal("319.70")  # 2 x 129.90 + 59.90, gross
    assert pedido["desconto"] == Decimal("25.98")
    assert pedido["frete"] == Decimal("18.50")
    assert pedido["totalVenda"] == Decimal("312.22")
    identity = pedido["totalProdutos"] - pedido["desconto"] + pedido["frete"]
    assert identity == pedido["totalVenda"]


def test_items(pedido: dict[str, Any]) -> None:
    assert pedido["_Itens"] == [
        {
            "codigo": "CAM-P-AZ",
            "descricao": "Camiseta - P / Azul",
            "quantidade": 2,
            "valor": Decimal("129.90"),
        },
        {"codigo": "BONE-01", "descricao": "Boné", "quantidade": 1, "valor": Decimal("59.90")},
    ]


def test_customer_with_cpf_at_the_billing_address(pedido: dict[str, Any]) -> None:
    assert pedido["_Cliente"] == {
        "nome": "Ana Souza",
        "cnpj": "12345678909",
        "email": "ana@example.com",
        "fone": "+5511988887777",
        "endereco": "Avenida Paulista",
        "enderecoNro": "1578",
        "complemento": "Apto 12",
        "bairro": "Bela Vista",
        "cep": "01310-200",
        "cidade": "São Paulo",
        "uf": "SP",
        "nomePais": "Brasil",
    }


def test_company_customer_keeps_cnpj_and_ie() -> None:
    company = Customer(
        name="Loja Exemplo Ltda",
        document="11222333000181",
        document_type=DocumentType.CNPJ,
        state_registration="110042490114",
    )
    pedido = order_to_pedido(canonical_order(customer=company), situacao=0)
    assert pedido["_Cliente"]["cnpj"] == "11222333000181"
    assert pedido["_Cliente"]["ie"] == "110042490114"


def test_foreign_document_is_not_a_cnpj() -> None:
    foreigner = Customer(name="John Doe", document="X1234567", document_type=DocumentType.FOREIGN)
    cliente = order_to_pedido(canonical_order(customer=foreigner), situacao=0)["_Cliente"]
    assert "cnpj" not in cliente
    assert cliente["identificadorEstrangeiro"] == "X1234567"


def test_different_delivery_address(pedido: dict[str, Any]) -> None:
    assert pedido["opcEnderecoDiferente"] == "S"
    assert pedido["_OutroEndereco"] == {
        "nome": "Ana Souza",
        "endereco": "Rua Augusta",
        "enderecoNro": "500",
        "bairro": "Bela Vista",
        "cep": "01310-200",
        "cidade": "São Paulo",
        "uf": "SP",
        "nomePais": "Brasil",
    }


def test_same_delivery_address_is_not_repeated() -> None:
    pedido = order_to_pedido(canonical_order(shipping_address=BILLING), situacao=0)
    assert "_OutroEndereco" not in pedido
    assert "opcEnderecoDiferente" not in pedido


def test_payments_become_parcelas(pedido: dict[str, Any]) -> None:
    assert pedido["_Parcelas"] == [
        {
            "valor": Decimal("312.22"),
            "dataVencimento": "2026-03-14",
            "formaPagamento": "Cartão de crédito",
            "obs": "3x",
        }
    ]


def test_money_goes_out_as_numbers_with_two_decimals(pedido: dict[str, Any]) -> None:
    text = json_exact.dumps(pedido).decode()
    assert '"totalProdutos":319.70' in text
    assert '"valor":59.90' in text
    assert '"frete":18.50' in text
    assert '"quantidade":2,' in text


def test_fractional_quantity_is_kept() -> None:
    line = OrderItem(sku="FIO", name="Fio", quantity=Decimal("1.500"), unit_price=Decimal("10"))
    order = canonical_order(
        items=[line],
        payments=[],
        totals=OrderTotals(subtotal=Decimal("15"), total=Decimal("15")),
    )
    pedido = order_to_pedido(order, situacao=0)
    assert pedido["_Itens"][0]["quantidade"] == Decimal("1.5")
    assert pedido["totalProdutos"] == Decimal("15.00")
    assert pedido["desconto"] == Decimal("0.00")
    assert pedido["frete"] == Decimal("0.00")
    assert pedido["_Parcelas"] == []


def test_other_currencies_are_refused() -> None:
    with pytest.raises(Permanent, match="BRL"):
        order_to_pedido(canonical_order(currency="USD"), situacao=0)


def test_tax_on_top_of_prices_is_refused() -> None:
    totals = OrderTotals(
        subtotal=Decimal("293.72"),
        shipping=Decimal("18.50"),
        tax=Decimal("10.00"),
        total=Decimal("322.22"),
    )
    with pytest.raises(Permanent, match="tax"):
        order_to_pedido(canonical_order(totals=totals), situacao=0)


def test_unknown_situacao_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        order_to_pedido(canonical_order(), situacao=7)


def test_default_situacao_covers_every_status() -> None:
    assert set(DEFAULT_SITUACAO) == set(OrderStatus)
    assert DEFAULT_SITUACAO[OrderStatus.CANCELED] is Situacao.CANCELADO

"""Canonical Order -> ERP sales order (`pedido`) JSON. Pure functions, no I/O.

Money leaves as Decimal quantised to cents (`Decimal("129.90")`); `json_exact.dumps`, which
the client uses, writes each one as the JSON number `129.90`. orjson cannot serialise Decimal
itself and a float would lose the trailing zero or worse, so nothing here is ever a float.

Totals follow the ERP's identity `totalVenda = totalProdutos - desconto + frete`: items go at
their list unit price, `totalProdutos` is their gross sum and `desconto` is whatever makes the
platform's own total come out, so line and order discounts (which platforms allocate
differently) land in one order-level discount that the ERP prorates over the items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from connectors.erp.situacao import Situacao
from connectors.errors import Permanent
from schemas.address import Address
from schemas.customer import Customer, DocumentType
from schemas.order import Order, OrderItem, Payment
from schemas.order_status import OrderStatus

ERP_CURRENCY = "BRL"
ERP_TIMEZONE = ZoneInfo("America/Sao_Paulo")
CENT = Decimal("0.01")

# A starting point for the per-tenant status table (§5 of the ERP notes), not a fact.
DEFAULT_SITUACAO: Mapping[OrderStatus, Situacao] = MappingProxyType(
    {
        OrderStatus.PENDING_PAYMENT: Situacao.AGUARDANDO_PAGAMENTO,
        OrderStatus.PAID: Situacao.EM_ABERTO,
        OrderStatus.IN_HANDLING: Situacao.PRONTO_PARA_PICKING,
        OrderStatus.INVOICED: Situacao.ATENDIDO,
        OrderStatus.SHIPPED: Situacao.ATENDIDO,
        OrderStatus.DELIVERED: Situacao.ATENDIDO,
        OrderStatus.CANCELED: Situacao.CANCELADO,
    }
)

_COUNTRY_NAMES = {"BR": "Brasil"}


@dataclass(frozen=True, slots=True)
class PedidoChoices:
    """What the integration chose for an order (its Configurações and Mapeamentos), as plain
    values; None keeps what the platform sent.

    A sales channel goes in `canalDeVenda` (the ERP's channel reference); the platform's name
    then moves to `servicePlatformOrigin` (field name from the ERP's C# model, its meaning
    UNCONFIRMED) so the order still reads back as that platform's (`order_identity`).
    """

    sales_channel: str | None = None
    carrier: str | None = None
    payment_methods: tuple[str | None, ...] = ()
    """One per order payment, in order; a shorter tuple leaves the rest as named."""


def money(value: Decimal) -> Decimal:
    """Rounded to cents, half up as Brazilian commerce rounds."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def quantity(value: Decimal) -> int | Decimal:
    """Whole quantities as integers, fractional ones (weight, length) as they are."""
    return int(value) if value == value.to_integral_value() else value.normalize()


def erp_date(instant: datetime) -> str:
    """The ERP's `yyyy-MM-dd` in Brazil's civil time: 23:30 in Sao Paulo is that day."""
    return instant.astimezone(ERP_TIMEZONE).date().isoformat()


def compact(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def address_fields(address: Address | None) -> dict[str, Any]:
    """The ERP's address fields, shared by `_Cliente` and `_OutroEndereco`."""
    if address is None:
        return {}
    country = address.country
    return compact(
        {
            "endereco": address.street,
            "enderecoNro": address.number,
            "complemento": address.complement,
            "bairro": address.neighborhood,
            "cep": address.postal_code,
            "cidade": address.city,
            "uf": address.state,
            "nomePais": _COUNTRY_NAMES.get(country, country) if country else None,
        }
    )


def cliente(customer: Customer, billing: Address | None) -> dict[str, Any]:
    """`_Cliente`: the buyer, CPF or CNPJ in `cnpj`, at the (fiscal) billing address."""
    foreign = customer.document_type is DocumentType.FOREIGN
    fields = {
        "nome": customer.name,
        "cnpj": None if foreign else customer.document,
        "identificadorEstrangeiro": customer.document if foreign else None,
        "ie": customer.state_registration,
        "email": customer.email,
        "fone": customer.phone or (billing.phone if billing else None),
    }
    return compact(fields) | address_fields(billing)


def item(line: OrderItem) -> dict[str, Any]:
    """One `_Itens` entry at its list unit price; its discount goes into the order's."""
    descricao = f"{line.name} - {line.variant_name}" if line.variant_name else line.name
    return compact(
        {
            "codigo": line.sku,
            "descricao": descricao,
            "quantidade": quantity(line.quantity),
            "valor": money(line.unit_price),
        }
    )


def parcela(payment: Payment, due: str, forma: str | None = None) -> dict[str, Any]:
    """One `_Parcelas` entry per payment; card installments are noted, not split."""
    return compact(
        {
            "valor": money(payment.amount),
            "dataVencimento": due,
            "formaPagamento": forma or payment.method,
            "obs": f"{payment.installments}x" if payment.installments > 1 else None,
        }
    )


def _bookable_discount(order: Order, total_produtos: Decimal) -> Decimal:
    """The order-level discount the ERP needs; Permanent when the ERP cannot book the order."""
    totals = order.totals
    if order.currency != ERP_CURRENCY:
        raise Permanent(
            f"the ERP books {ERP_CURRENCY} only; order {order.number} is in {order.currency}"
        )
    if totals.tax and totals.total == totals.subtotal + totals.shipping + totals.tax:
        # Brazilian prices include taxes; the ERP computes the NF-e taxes itself.
        raise Permanent(
            f"order {order.number} charges tax on top of prices; the ERP cannot book it"
        )
    desconto = total_produtos + money(totals.shipping) - money(totals.total)
    if desconto < 0:
        raise Permanent(f"order {order.number} totals more than its items plus shipping")
    return desconto


def _parcelas(order: Order, choices: PedidoChoices) -> list[dict[str, Any]]:
    due = erp_date(order.paid_at or order.created_at)
    formas = choices.payment_methods
    return [
        parcela(payment, due, formas[n] if n < len(formas) else None)
        for n, payment in enumerate(order.payments)
    ]


def order_to_pedido(
    order: Order, *, situacao: int, choices: PedidoChoices | None = None
) -> dict[str, Any]:
    """The ERP `pedido` for a platform order, ready for `ErpClient.create_order`."""
    choices = choices or PedidoChoices()
    itens = [item(line) for line in order.items]
    total_produtos = money(
        sum((line.unit_price * line.quantity for line in order.items), Decimal(0))
    )
    billing = order.billing_address or order.shipping_address
    data = erp_date(order.created_at)
    pedido = {
        "numeroDaOrdemDeCompra": order.number,
        "idPedidoOrigem": order.platform_order_id,
        "canalDeVenda": choices.sales_channel or order.platform,
        "servicePlatformOrigin": order.platform if choices.sales_channel else None,
        "data": data,
        "situacao": int(Situacao(situacao)),
        "totalProdutos": total_produtos,
        "desconto": _bookable_discount(order, total_produtos),
        "frete": money(order.totals.shipping),
        "totalVenda": money(order.totals.total),
        "transportador": choices.carrier or order.shipping.carrier or order.shipping.method,
        "observacoes": order.note,
        "_Cliente": cliente(order.customer, billing),
        "_Itens": itens,
        "_Parcelas": _parcelas(order, choices),
    }
    delivery = order.shipping_address
    if delivery is not None and delivery != billing:
        recipient = delivery.recipient or order.customer.name
        pedido["opcEnderecoDiferente"] = "S"
        pedido["_OutroEndereco"] = {"nome": recipient} | address_fields(delivery)
    return compact(pedido)

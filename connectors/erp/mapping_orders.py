"""ERP sales order (`pedido`) -> canonical Order: the reverse of `mapping.order_to_pedido`. Pure.

Whose order it is: a pedido a platform placed names its platform (`servicePlatformOrigin`,
else `canalDeVenda`) and its order there (`idPedidoOrigem`), as `order_to_pedido` writes them,
and reads back as that platform's order, numbered by its purchase-order number; a
`canalDeVenda` other than the platform is the order's sales channel. A pedido keyed into the
ERP itself names neither and reads back as an order of platform `erp`: its id and number are
the ERP's.

What `order_to_pedido` folds or drops does not come back, so a round trip keeps exactly the
fields a pedido carries:

- an item's name and variant name are one `descricao`; its discount is in the order's
  `desconto`, so items come back at their list price with no discount of their own, and the
  subtotal is the gross `totalProdutos`;
- `data` is a day: `created_at` comes back as midnight of that day in Sao Paulo;
- the phone is the buyer's (`fone`), addresses carry none; the billing address no recipient;
- the shipping method, the tax included in prices, `paid_at` and item platform ids are not sent;
- a delivery address equal to the billing one is not sent: it comes back as the billing one.

The status is the one the ERP's `situacao` and documents say (mapping_status), so "invoiced"
needs the NF-e document, which the caller fetches (`ErpInvoices.invoice_of_order`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from connectors.erp.json_exact import number
from connectors.erp.mapping import _COUNTRY_NAMES, ERP_CURRENCY
from connectors.erp.mapping_products import erp_time
from connectors.erp.mapping_status import canonical_status, invoice_from_erp, tracking_from_erp
from connectors.erp.situacao import Situacao
from connectors.errors import Permanent
from schemas.address import Address
from schemas.customer import Customer, DocumentType
from schemas.order import Invoice, Order, OrderItem, OrderTotals, Payment, Shipping

PedidoJson = dict[str, Any]
ERP_PLATFORM = "erp"
UNNAMED_PAYMENT = "não informado"
_COUNTRY_CODES = {name: code for code, name in _COUNTRY_NAMES.items()}
_INSTALLMENTS = re.compile(r"^(\d+)x$")
_DOCUMENT_TYPES = {11: DocumentType.CPF, 14: DocumentType.CNPJ}


def _text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _amount(value: Any, where: str) -> Decimal:
    parsed = number(value)
    if parsed is None:
        raise Permanent(f"ERP order field {where} is not a number: {value!r}")
    return parsed


def address_from_erp(fields: Any, *, recipient: Any = None) -> Address | None:
    """`_Cliente` or `_OutroEndereco` address fields; None when they hold no address."""
    if not isinstance(fields, dict):
        return None
    country = _text(fields.get("nomePais"))
    parts = {
        "street": _text(fields.get("endereco")),
        "number": _text(fields.get("enderecoNro")),
        "complement": _text(fields.get("complemento")),
        "neighborhood": _text(fields.get("bairro")),
        "postal_code": _text(fields.get("cep")),
        "city": _text(fields.get("cidade")),
        "state": _text(fields.get("uf")),
        "country": _COUNTRY_CODES.get(country, country) if country else None,
    }
    if not any(parts.values()):
        return None
    return Address(recipient=_text(recipient), **parts)


def customer_from_erp(cliente: Any) -> Customer:
    """`_Cliente`: CPF or CNPJ told apart by length, a foreigner by `identificadorEstrangeiro`."""
    fields = cliente if isinstance(cliente, dict) else {}
    foreign = _text(fields.get("identificadorEstrangeiro"))
    document = foreign or _text(fields.get("cnpj"))
    if foreign:
        kind: DocumentType | None = DocumentType.FOREIGN
    else:
        kind = _DOCUMENT_TYPES.get(len(re.sub(r"\D", "", document or "")))
    return Customer(
        name=_text(fields.get("nome")) or "",
        email=_text(fields.get("email")),
        phone=_text(fields.get("fone")),
        document=document,
        document_type=kind,
        state_registration=_text(fields.get("ie")),
    )


def item_from_erp(entry: dict[str, Any], n: int) -> OrderItem:
    codigo = _text(entry.get("codigo"))
    return OrderItem(
        sku=codigo,
        name=_text(entry.get("descricao")) or codigo or f"Item {n}",
        quantity=_amount(entry.get("quantidade"), f"_Itens[{n}].quantidade"),
        unit_price=_amount(entry.get("valor"), f"_Itens[{n}].valor"),
    )


def payment_from_erp(parcela: dict[str, Any], n: int) -> Payment:
    """One `_Parcelas` entry; "3x" in `obs` is how card installments were noted."""
    installments = _INSTALLMENTS.match(_text(parcela.get("obs")) or "")
    return Payment(
        method=_text(parcela.get("formaPagamento")) or UNNAMED_PAYMENT,
        amount=_amount(parcela.get("valor"), f"_Parcelas[{n}].valor"),
        installments=int(installments.group(1)) if installments else 1,
    )


def order_identity(pedido: PedidoJson) -> tuple[str, str, str]:
    """(platform, platform order id, number): the origin's when the pedido names one."""
    channel = _text(pedido.get("servicePlatformOrigin")) or _text(pedido.get("canalDeVenda"))
    origin = _text(pedido.get("idPedidoOrigem"))
    if channel and origin:
        return channel, origin, _text(pedido.get("numeroDaOrdemDeCompra")) or origin
    erp_id = _text(pedido.get("id"))
    if erp_id is None:
        raise Permanent("ERP order names neither its origin nor its own id")
    return ERP_PLATFORM, erp_id, _text(pedido.get("numeroPedido")) or erp_id


def _situacao(pedido: PedidoJson) -> Situacao:
    code = number(pedido.get("situacao", int(Situacao.EM_ABERTO)))
    known = {int(situacao) for situacao in Situacao}
    if code is not None and code == code.to_integral_value() and int(code) in known:
        return Situacao(int(code))
    raise Permanent(f"ERP order has an unknown situacao {pedido.get('situacao')!r}")


def _invoice(pedido: PedidoJson, nfe: dict[str, Any] | None) -> Invoice | None:
    """The NF-e, when it is the one the order names in `numeroNotaFiscal`."""
    numero = _text(pedido.get("numeroNotaFiscal"))
    if numero is None or nfe is None or _text(nfe.get("numero")) != numero:
        return None
    return invoice_from_erp(nfe)


def _totals(pedido: PedidoJson, items: list[OrderItem]) -> OrderTotals:
    """`totalVenda = totalProdutos - desconto + frete`, missing terms computed from the rest."""
    gross = sum((line.unit_price * line.quantity for line in items), Decimal(0))
    subtotal = number(pedido.get("totalProdutos"))
    subtotal = gross if subtotal is None else subtotal
    discount = number(pedido.get("desconto")) or Decimal(0)
    shipping = number(pedido.get("frete")) or Decimal(0)
    total = number(pedido.get("totalVenda"))
    return OrderTotals(
        subtotal=subtotal,
        discount=discount,
        shipping=shipping,
        total=subtotal - discount + shipping if total is None else total,
    )


def _items(pedido: PedidoJson) -> list[OrderItem]:
    entries = pedido.get("_Itens")
    items = [
        item_from_erp(entry, n)
        for n, entry in enumerate(entries if isinstance(entries, list) else [], start=1)
        if isinstance(entry, dict)
    ]
    if not items:
        raise Permanent(f"ERP order {pedido.get('id')} has no items")
    return items


def _payments(pedido: PedidoJson) -> list[Payment]:
    parcelas = pedido.get("_Parcelas")
    return [
        payment_from_erp(parcela, n)
        for n, parcela in enumerate(parcelas if isinstance(parcelas, list) else [], start=1)
        if isinstance(parcela, dict)
    ]


def _sales_channel(pedido: PedidoJson, platform: str) -> str | None:
    """`canalDeVenda` when it is a channel, not the platform's name (see PedidoChoices)."""
    channel = _text(pedido.get("canalDeVenda"))
    return channel if platform == ERP_PLATFORM or channel != platform else None


def pedido_to_order(pedido: PedidoJson, nfe: dict[str, Any] | None = None) -> Order:
    """The canonical Order of an ERP pedido, with `nfe` the NF-e document it names, if any."""
    platform, platform_order_id, numero = order_identity(pedido)
    created_at = erp_time(pedido.get("data"))
    if created_at is None:
        raise Permanent(
            f"ERP order {platform_order_id} has no readable date: {pedido.get('data')!r}"
        )
    situacao, invoice, tracking = (
        _situacao(pedido),
        _invoice(pedido, nfe),
        tracking_from_erp(pedido),
    )
    cliente = pedido.get("_Cliente")
    billing = address_from_erp(cliente)
    other = pedido.get("_OutroEndereco")
    delivery = (
        address_from_erp(other, recipient=other.get("nome")) if isinstance(other, dict) else None
    )
    items = _items(pedido)
    totals = _totals(pedido, items)
    return Order(
        platform=platform,
        platform_order_id=platform_order_id,
        number=numero,
        status=canonical_status(
            situacao, invoiced=invoice is not None, shipped=tracking is not None
        ),
        platform_status=situacao.label,
        customer=customer_from_erp(cliente),
        billing_address=billing,
        shipping_address=delivery or billing,
        items=items,
        shipping=Shipping(
            carrier=_text(pedido.get("transportador")), price=totals.shipping, tracking=tracking
        ),
        payments=_payments(pedido),
        totals=totals,
        currency=ERP_CURRENCY,
        sales_channel=_sales_channel(pedido, platform),
        note=_text(pedido.get("observacoes")),
        invoice=invoice,
        created_at=created_at,
        updated_at=erp_time(pedido.get("dataAlteracao")),
    )

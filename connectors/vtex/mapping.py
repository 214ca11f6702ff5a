"""VTEX OMS order JSON -> the canonical Order. Pure functions, no I/O.

OMS amounts are integer cents (``value``, ``totals[].value``, item ``price``/``sellingPrice``,
payment ``value``); they become exact Decimals here and nowhere else.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from connectors.vtex.mapping_values import (
    country_alpha2,
    digits,
    from_cents,
    parse_instant,
    text,
)
from schemas.address import Address
from schemas.customer import Customer, DocumentType
from schemas.order import (
    Discount,
    Invoice,
    Order,
    OrderItem,
    OrderTotals,
    Payment,
    Shipping,
    Tracking,
)
from schemas.order_status import OrderStatus

PLATFORM = "vtex"

_STATUS_GROUPS: dict[OrderStatus, tuple[str, ...]] = {
    OrderStatus.PENDING_PAYMENT: (
        "order-created", "order-completed", "on-order-completed", "on-order-completed-ffm",
        "payment-pending", "waiting-for-order-authorization", "approve-payment",
        "waiting-for-authorization", "waiting-for-manual-authorization",
        "waiting-for-mkt-authorization", "waiting-ffmt-authorization",
        "waiting-for-sellers-confirmation",
    ),
    OrderStatus.PAID: (
        "payment-approved", "window-to-cancel", "window-to-change-seller",
        "window-to-change-payment", "waiting-for-seller-decision", "waiting-seller-handling",
        "authorize-fulfillment", "waiting-for-fulfillment", "ready-for-handling",
        "order-accepted",
        # a cancellation may still be denied: the order stays where payment put it
        "request-cancel", "cancellation-requested",
    ),
    OrderStatus.IN_HANDLING: (
        "start-handling", "handling", "ready-for-invoicing", "invoice",
        "invoice-after-cancellation-deny",
    ),
    OrderStatus.INVOICED: ("invoiced",),
    OrderStatus.CANCELED: ("cancel", "canceled"),
}  # fmt: skip
STATUS_TABLE: dict[str, OrderStatus] = {
    name: status for status, names in _STATUS_GROUPS.items() for name in names
}


class UnmappableOrder(ValueError):
    """The order cannot become a canonical Order (unknown status, no items...)."""


def order_status(vtex_status: str) -> OrderStatus:
    """The canonical status of an OMS status; unknown ones are refused, not guessed."""
    try:
        return STATUS_TABLE[vtex_status]
    except KeyError:
        raise UnmappableOrder(f"unknown VTEX order status {vtex_status!r}") from None


def order_from_vtex(data: dict[str, Any]) -> Order:
    """The canonical Order of a full OMS order (``GET /api/oms/pvt/orders/{orderId}``)."""
    status = order_status(str(data.get("status")))
    totals = {t["id"]: from_cents(t["value"]) for t in data.get("totals") or []}
    discount = -totals.get("Discounts", Decimal("0.00"))
    packages = (data.get("packageAttachment") or {}).get("packages") or []
    invoice = invoice_from_packages(packages)
    return Order(
        platform=PLATFORM,
        platform_order_id=data["orderId"],
        number=data["orderId"],
        status=status,
        platform_status=data.get("status"),
        customer=customer_from_vtex(data.get("clientProfileData") or {}),
        shipping_address=address_from_vtex((data.get("shippingData") or {}).get("address")),
        items=[item_from_vtex(item) for item in data.get("items") or []],
        shipping=shipping_from_vtex(data, totals.get("Shipping", Decimal("0.00")), packages),
        payments=payments_from_vtex(data.get("paymentData") or {}),
        discounts=discounts_from_vtex(data, discount),
        totals=OrderTotals(
            subtotal=totals.get("Items", Decimal("0.00")) - discount,
            discount=discount,
            shipping=totals.get("Shipping", Decimal("0.00")),
            tax=totals.get("Tax", Decimal("0.00")),
            total=from_cents(data["value"]),
        ),
        currency=(data.get("storePreferencesData") or {}).get("currencyCode") or "BRL",
        sales_channel=text(data.get("salesChannel")),
        note=_open_text(data.get("openTextField")),
        invoice=invoice,
        created_at=_required_instant(data.get("creationDate")),
        updated_at=parse_instant(data.get("lastChange")),
        paid_at=parse_instant(data.get("authorizedDate")),
        canceled_at=_canceled_at(data) if status is OrderStatus.CANCELED else None,
        cancel_reason=text(data.get("cancelReason")) if status is OrderStatus.CANCELED else None,
    )


def item_from_vtex(item: dict[str, Any]) -> OrderItem:
    """One OMS item: ``price`` is the unit price in cents, ``sellingPrice`` after discounts."""
    quantity = int(item["quantity"])
    unit_price = from_cents(item["price"])
    selling = from_cents(item.get("sellingPrice", item["price"]))
    discount = max(unit_price - selling, Decimal("0.00")) * quantity
    return OrderItem(
        sku=text(item.get("refId")) or str(item["id"]),
        name=item["name"],
        quantity=Decimal(quantity),
        unit_price=unit_price,
        discount=discount,
        platform_product_id=text(item.get("productId")),
        platform_variant_id=text(item.get("id")),
        platform_item_id=text(item.get("uniqueId")),
    )


def customer_from_vtex(profile: dict[str, Any]) -> Customer:
    """The buyer; a corporate buyer is named and identified by its company (CNPJ, IE)."""
    if profile.get("isCorporate"):
        return Customer(
            platform_customer_id=text(profile.get("userProfileId")),
            name=text(profile.get("corporateName")) or _person_name(profile),
            email=text(profile.get("email")),
            phone=text(profile.get("corporatePhone")) or text(profile.get("phone")),
            document=digits(profile.get("corporateDocument")),
            document_type=DocumentType.CNPJ,
            state_registration=text(profile.get("stateInscription")),
        )
    document_type = {"cpf": DocumentType.CPF, "cnpj": DocumentType.CNPJ}.get(
        str(profile.get("documentType") or "").lower(), DocumentType.FOREIGN
    )
    document = digits(profile.get("document"))
    return Customer(
        platform_customer_id=text(profile.get("userProfileId")),
        name=_person_name(profile),
        email=text(profile.get("email")),
        phone=text(profile.get("phone")),
        document=document,
        document_type=document_type if document else None,
    )


def address_from_vtex(address: dict[str, Any] | None) -> Address | None:
    """A shippingData address: street, number and neighborhood are separate fields already."""
    if not address:
        return None
    return Address(
        recipient=text(address.get("receiverName")),
        street=text(address.get("street")),
        number=text(address.get("number")) or "S/N",
        complement=text(address.get("complement")),
        neighborhood=text(address.get("neighborhood")),
        city=text(address.get("city")),
        state=text(address.get("state")),
        postal_code=text(address.get("postalCode")),
        country=country_alpha2(address.get("country")),
    )


def shipping_from_vtex(
    data: dict[str, Any], price: Decimal, packages: list[dict[str, Any]]
) -> Shipping:
    logistics = ((data.get("shippingData") or {}).get("logisticsInfo") or [{}])[0]
    return Shipping(
        carrier=text(logistics.get("deliveryCompany")),
        method=text(logistics.get("selectedSla")),
        price=price,
        tracking=tracking_from_packages(packages),
    )


def payments_from_vtex(payment_data: dict[str, Any]) -> list[Payment]:
    return [
        Payment(
            method=text(p.get("paymentSystemName")) or text(p.get("group")) or "unknown",
            amount=from_cents(p["value"]),
            installments=max(int(p.get("installments") or 1), 1),
        )
        for transaction in payment_data.get("transactions") or []
        for p in transaction.get("payments") or []
    ]


def discounts_from_vtex(data: dict[str, Any], discount: Decimal) -> list[Discount]:
    coupon = text((data.get("marketingData") or {}).get("coupon"))
    if not discount and not coupon:
        return []
    return [Discount(code=coupon, kind="coupon" if coupon else "promotion", amount=discount)]


def invoice_from_packages(packages: list[dict[str, Any]]) -> Invoice | None:
    """The NF-e of the last sale (``Output``) package whose key has the 44 digits of a
    chave de acesso (a CF-e key is prefixed with 'CFe', which is dropped)."""
    for package in reversed(packages):
        key = digits(package.get("invoiceKey"))
        if package.get("type", "Output") != "Output" or key is None or len(key) != 44:
            continue
        return Invoice(
            key=key,
            number=str(package["invoiceNumber"]),
            issued_at=parse_instant(package.get("issuanceDate")),
            url=text(package.get("invoiceUrl")),
        )
    return None


def tracking_from_packages(packages: list[dict[str, Any]]) -> Tracking | None:
    for package in reversed(packages):
        code = text(package.get("trackingNumber"))
        if code:
            return Tracking(
                code=code,
                carrier=text(package.get("courier")),
                url=text(package.get("trackingUrl")),
            )
    return None


def _person_name(profile: dict[str, Any]) -> str:
    parts = [text(profile.get("firstName")), text(profile.get("lastName"))]
    return " ".join(p for p in parts if p) or text(profile.get("email")) or "?"


def _open_text(value: Any) -> str | None:
    return text(value.get("value")) if isinstance(value, dict) else text(value)


def _canceled_at(data: dict[str, Any]) -> Any:
    cancellation = data.get("cancellationData") or {}
    return parse_instant(cancellation.get("CancellationDate")) or parse_instant(
        data.get("lastChange")
    )


def _required_instant(value: str | None) -> Any:
    moment = parse_instant(value)
    if moment is None:
        raise UnmappableOrder("the order has no creationDate")
    return moment

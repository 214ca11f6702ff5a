"""Shopify REST order JSON -> canonical Order, on the real samples and on edge cases."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import BaseModel

from connectors.errors import Permanent
from connectors.shopify.mapping import (
    item_discount,
    order_from_shopify,
    order_from_shopify_json,
    order_status_from_shopify,
    unwrap_order,
)
from connectors.shopify.mapping_parties import document_from_note_attributes
from schemas.address import Address
from schemas.customer import Customer, DocumentType
from schemas.order import Discount, OrderItem, OrderTotals, Payment, Shipping, Tracking
from schemas.order_status import OrderStatus

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = REPO_ROOT.parent / "shared" / "samples" / "shopify"
EST = timezone(timedelta(hours=-5))


def sample(name: str) -> Any:
    return orjson.loads((SAMPLES / name).read_bytes())


def get_order(**changes: Any) -> dict[str, Any]:
    """The 2026-04 GET order object, deep-copied, with top-level ``changes``."""
    order: dict[str, Any] = copy.deepcopy(
        sample("api_rest_2026-04_order_get_response.json")["order"]
    )
    order.update(changes)
    return order


def assert_fields(model: BaseModel, **expected: Any) -> None:
    """Each named field of ``model`` equals its expected value (one diff for all of them)."""
    assert {name: getattr(model, name) for name in expected} == expected


def test_webhook_orders_create_sample_maps_field_by_field() -> None:
    order = order_from_shopify(sample("webhook_orders_create.json"))

    new_year_eve = datetime(2021, 12, 31, 19, 0, tzinfo=EST)
    assert_fields(
        order,
        platform="shopify",
        # The sample's "id" (820982911946154500) lost digits in a JavaScript parser; the gid not.
        platform_order_id="820982911946154508",
        number="#9999",
        status=OrderStatus.CANCELED,
        platform_status="voided/unfulfilled",
        currency="USD",
        sales_channel="web",
        note=None,
        invoice=None,
        created_at=new_year_eve,
        updated_at=new_year_eve,
        paid_at=None,
        canceled_at=new_year_eve,
        cancel_reason="customer",
    )
    assert order.created_at.utcoffset() == timedelta(hours=-5)
    assert order.customer == Customer(
        platform_customer_id="115310627314723954",
        name="John Smith",  # the customer record, not the billing name "Steve Shipper"
        email="jon@example.com",  # the order's email, not the customer's john@example.com
        phone="555-555-SHIP",  # no order or customer phone: the billing address phone
    )
    steve = Address(
        recipient="Steve Shipper",
        company="Shipping Company",
        street="123 Shipping Street",
        city="Shippington",
        state="KY",
        postal_code="40003",
        country="US",
        phone="555-555-SHIP",
    )
    assert (order.billing_address, order.shipping_address) == (steve, steve)
    # product_id has no gid beside it, so the sample's rounded value is all there is.
    product = "788032119674292900"
    expected_items = [
        ("SKU2006-001", "Aviator sunglasses", "89.99", "487817672276298554", product),
        ("LENS-PROTECT-2YR", "Lens Protection Plan (2 Year)", "19.99", "789012345678901234", None),
        ("CASE-LEATHER-PREM", "Premium Leather Case", "24.99", "890123456789012345", None),
        ("SKU2006-020", "Mid-century lounger", "159.99", "976318377106520349", product),
        ("SKU2006-035", "Coffee table", "119.99", "315789986012684393", product),
    ]
    assert order.items == [
        OrderItem(
            sku=sku,
            name=name,
            quantity=Decimal(1),
            unit_price=Decimal(price),
            discount=Decimal("0.00"),
            platform_product_id=product_id,
            platform_item_id=item_id,
        )
        for sku, name, price, item_id, product_id in expected_items
    ]
    assert order.shipping == Shipping(
        carrier="shopify", method="Generic Shipping", price=Decimal("10.00")
    )
    # Two gateways, no split known: one payment, the first gateway, the order total.
    assert order.payments == [Payment(method="visa", amount=Decimal("404.95"), status="voided")]
    assert order.discounts == []
    assert order.totals == OrderTotals(
        subtotal=Decimal("404.95"),
        discount=Decimal("20.00"),
        shipping=Decimal("10.00"),
        tax=Decimal("0.00"),
        total=Decimal("404.95"),
    )


@dataclass(frozen=True)
class Order1001:
    """What differs between the two samples of order "#1001" (2026-04 GET and the older shape)."""

    file: str
    status: OrderStatus
    platform_status: str
    email: str
    customer_phone: str
    address_phone: str
    item_discounts: tuple[str, str, str]
    payment: Payment
    discount_kind: str | None
    subtotal: str
    discount: str
    total: str


ORDER_1001_SAMPLES = [
    Order1001(
        file="api_rest_2026-04_order_get_response.json",
        status=OrderStatus.PAID,
        platform_status="partially_refunded/unfulfilled",
        email="bob.norman@mail.example.com",
        # The order's phone (typed at checkout) wins over the account's +16136120707.
        customer_phone="+557734881234",
        address_phone="+1(502)-459-2181",
        # total_discount is "0.00" on every line; TENOFF is spread in discount_allocations.
        item_discounts=("3.34", "3.33", "3.33"),
        payment=Payment(method="bogus", amount=Decimal("598.94"), status="partially_refunded"),
        discount_kind="fixed_amount",
        subtotal="597.00",
        discount="10.00",
        total="598.94",
    ),
    Order1001(
        file="api_rest_order.json",  # no gid, no *_set objects, no payment_gateway_names
        status=OrderStatus.PENDING_PAYMENT,
        platform_status="authorized/unfulfilled",
        email="bob.norman@hostmail.com",
        # No phone on the order or the customer: the billing address phone.
        customer_phone="555-625-1199",
        address_phone="555-625-1199",
        # Neither total_discount nor discount_allocations in this shape.
        item_discounts=("0", "0", "0"),
        # The legacy "gateway" field.
        payment=Payment(method="authorize_net", amount=Decimal("409.94"), status="authorized"),
        discount_kind=None,
        subtotal="398.00",
        discount="0.00",
        total="409.94",
    ),
]


@pytest.mark.parametrize("expected", ORDER_1001_SAMPLES, ids=lambda sample: sample.file)
def test_order_1001_samples_map_field_by_field(expected: Order1001) -> None:
    order = order_from_shopify(sample(expected.file))

    placed = datetime(2008, 1, 10, 11, 0, tzinfo=EST)
    assert_fields(
        order,
        platform="shopify",
        platform_order_id="450789469",
        number="#1001",
        status=expected.status,
        platform_status=expected.platform_status,
        currency="USD",
        sales_channel="web",
        note=None,
        invoice=None,
        created_at=placed,
        updated_at=placed,
        paid_at=None,
        canceled_at=None,
        cancel_reason=None,
    )
    # note_attributes hold an engraving and a colour: no document.
    assert order.customer == Customer(
        platform_customer_id="207119551",
        name="Bob Norman",
        email=expected.email,
        phone=expected.customer_phone,
    )
    # address2 is "": no complement; number and bairro are never guessed from address1.
    bob = Address(
        recipient="Bob Norman",
        street="Chestnut Street 92",
        city="Louisville",
        state="KY",
        postal_code="40202",
        country="US",
        phone=expected.address_phone,
    )
    assert (order.billing_address, order.shipping_address) == (bob, bob)
    lines = zip(
        ("green", "red", "black"),
        ("39072856", "49148385", "457924702"),
        ("466157049", "518995019", "703073504"),
        expected.item_discounts,
        strict=True,
    )
    assert order.items == [
        OrderItem(
            sku=f"IPOD2008{colour.upper()}",
            name="IPod Nano - 8gb",
            variant_name=colour,
            quantity=Decimal(1),
            unit_price=Decimal("199.00"),
            discount=Decimal(discount),
            platform_product_id="632910392",
            platform_variant_id=variant_id,
            platform_item_id=item_id,
        )
        for colour, variant_id, item_id, discount in lines
    ]
    # The only fulfilment has status "failure": no tracking.
    assert order.shipping == Shipping(carrier="shopify", method="Free Shipping", price=Decimal(0))
    assert order.payments == [expected.payment]
    assert order.discounts == [
        Discount(code="TENOFF", kind=expected.discount_kind, amount=Decimal("10.00"))
    ]
    assert order.totals == OrderTotals(
        subtotal=Decimal(expected.subtotal),
        discount=Decimal(expected.discount),
        shipping=Decimal("0.00"),
        tax=Decimal("11.94"),
        total=Decimal(expected.total),
    )


def test_get_response_and_bare_order_object_map_alike() -> None:
    wrapped = sample("api_rest_2026-04_order_get_response.json")
    assert unwrap_order(wrapped) is wrapped["order"]
    assert order_from_shopify(wrapped) == order_from_shopify(wrapped["order"])
    not_a_wrapper = {"order": {"id": 1}, "id": 2}
    assert unwrap_order(not_a_wrapper) is not_a_wrapper


def test_raw_bytes_map_like_the_parsed_object() -> None:
    raw = (SAMPLES / "webhook_orders_create.json").read_bytes()
    assert order_from_shopify_json(raw) == order_from_shopify(orjson.loads(raw))
    with pytest.raises(Permanent):
        order_from_shopify_json(b"[1, 2]")
    with pytest.raises(Permanent):
        order_from_shopify_json(b"{not json")


@pytest.mark.parametrize(
    ("financial", "fulfillment", "cancelled_at", "expected"),
    [
        ("paid", "fulfilled", "2021-12-31T19:00:00-05:00", OrderStatus.CANCELED),
        ("pending", None, "2021-12-31T19:00:00-05:00", OrderStatus.CANCELED),
        ("paid", "fulfilled", None, OrderStatus.SHIPPED),
        ("partially_refunded", "fulfilled", None, OrderStatus.SHIPPED),
        ("paid", "partial", None, OrderStatus.IN_HANDLING),
        ("pending", None, None, OrderStatus.PENDING_PAYMENT),
        ("authorized", None, None, OrderStatus.PENDING_PAYMENT),
        ("partially_paid", None, None, OrderStatus.PENDING_PAYMENT),
        ("expired", None, None, OrderStatus.PENDING_PAYMENT),
        ("paid", None, None, OrderStatus.PAID),
        ("paid", "restocked", None, OrderStatus.PAID),
        ("partially_refunded", None, None, OrderStatus.PAID),
        ("refunded", None, None, OrderStatus.CANCELED),
        ("voided", None, None, OrderStatus.CANCELED),
        ("something_new", None, None, OrderStatus.PENDING_PAYMENT),
        (None, None, None, OrderStatus.PENDING_PAYMENT),
    ],
)
def test_status_table(
    financial: str | None, fulfillment: str | None, cancelled_at: str | None, expected: OrderStatus
) -> None:
    assert order_status_from_shopify(financial, fulfillment, cancelled_at) is expected


def test_platform_status_keeps_shopify_pair() -> None:
    order = order_from_shopify(get_order(financial_status="paid", fulfillment_status="partial"))
    assert order.status is OrderStatus.IN_HANDLING
    assert order.platform_status == "paid/partial"


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ([{"name": "CPF", "value": "123.456.789-09"}], ("12345678909", DocumentType.CPF)),
        ([{"name": "cpf_cnpj", "value": "12.345.678/0001-95"}], ("12345678000195", DocumentType.CNPJ)),
        ([{"name": "CPF/CNPJ", "value": "12345678909"}], ("12345678909", DocumentType.CPF)),
        ([{"name": "Documento", "value": "12345678000195"}], ("12345678000195", DocumentType.CNPJ)),
        ([{"name": "document", "value": "123"}], (None, None)),
        ([{"name": "colour", "value": "12345678909"}], (None, None)),
        ([{"name": "CPF", "value": None}, {"name": "CNPJ", "value": "12345678000195"}], ("12345678000195", DocumentType.CNPJ)),
        ([], (None, None)),
        (None, (None, None)),
    ],
)  # fmt: skip
def test_document_from_note_attributes(
    attributes: Any, expected: tuple[str | None, DocumentType | None]
) -> None:
    assert document_from_note_attributes(attributes) == expected


def test_cpf_in_note_attributes_reaches_the_customer() -> None:
    attributes = [{"name": "colour", "value": "green"}, {"name": "CPF", "value": "123.456.789-09"}]
    customer = order_from_shopify(get_order(note_attributes=attributes)).customer
    assert customer.document == "12345678909"
    assert customer.document_type is DocumentType.CPF


def test_64_bit_ids_parsed_from_bytes_with_orjson_stay_exact() -> None:
    order = get_order(id=820982911946154508, admin_graphql_api_id=None)
    order["customer"] = {"id": 115310627314723954, "first_name": "Ana"}
    line = order["line_items"][0]
    line.update(
        id=9007199254740993, admin_graphql_api_id=None, product_id=2**63 - 1, variant_id=2**53 + 1
    )
    # Built as text, as Shopify sends it: no Python int ever passes through a float here.
    raw = orjson.dumps({"order": order})
    assert b'"id":820982911946154508' in raw

    mapped = order_from_shopify_json(raw)

    assert mapped.platform_order_id == "820982911946154508"
    assert mapped.customer.platform_customer_id == "115310627314723954"
    assert mapped.items[0].platform_item_id == "9007199254740993"
    assert mapped.items[0].platform_product_id == "9223372036854775807"
    assert mapped.items[0].platform_variant_id == "9007199254740993"


def test_float_id_is_refused_because_its_digits_are_already_lost() -> None:
    with pytest.raises(Permanent, match="not an exact id"):
        order_from_shopify(get_order(id=8.209829119461545e17, admin_graphql_api_id=None))


def test_float_amount_is_taken_through_its_shortest_repr() -> None:
    order = get_order(total_price=598.94, total_tax=11.94)
    order["line_items"][0]["price"] = 199.0
    mapped = order_from_shopify(order)
    assert mapped.totals.total == Decimal("598.94")
    assert mapped.totals.tax == Decimal("11.94")
    assert mapped.items[0].unit_price == Decimal("199.00")


@pytest.mark.parametrize("bad", [0.1 + 0.2, float("nan"), float("inf")])
def test_float_amount_that_is_no_written_number_is_refused(bad: float) -> None:
    with pytest.raises(Permanent, match="total_price"):
        order_from_shopify(get_order(total_price=bad))


def test_item_discount_falls_back_to_total_discount_and_never_adds_both() -> None:
    line = get_order()["line_items"][0]
    assert item_discount(line) == Decimal("3.34")
    assert item_discount({**line, "total_discount": "3.34"}) == Decimal("3.34")
    assert item_discount({**line, "discount_allocations": [], "total_discount": "5.00"}) == Decimal(
        "5.00"
    )
    assert item_discount({"price": "1.00"}) == Decimal(0)


def test_merged_transactions_give_payments_and_paid_at() -> None:
    transactions = [
        {"kind": "authorization", "status": "success", "gateway": "pagarme", "amount": "598.94"},
        {"kind": "capture", "status": "success", "gateway": "pagarme", "amount": "500.00",
         "processed_at": "2008-01-11T09:30:00-03:00"},
        {"kind": "sale", "status": "success", "gateway": "gift_card", "amount": "98.94",
         "processed_at": "2008-01-10T13:05:00-03:00"},
        {"kind": "sale", "status": "failure", "gateway": "pix", "amount": "598.94"},
    ]  # fmt: skip
    order = order_from_shopify(get_order(transactions=transactions))
    assert order.payments == [
        Payment(method="pagarme", amount=Decimal("500.00"), status="paid"),
        Payment(method="gift_card", amount=Decimal("98.94"), status="paid"),
    ]
    assert order.paid_at == datetime(2008, 1, 10, 13, 5, tzinfo=timezone(timedelta(hours=-3)))


def test_authorisation_only_transactions_give_an_authorized_payment() -> None:
    transactions = [
        {"kind": "authorization", "status": "success", "gateway": "bogus", "amount": "598.94"}
    ]
    order = order_from_shopify(get_order(transactions=transactions))
    assert order.payments == [
        Payment(method="bogus", amount=Decimal("598.94"), status="authorized")
    ]
    assert order.paid_at is None


def test_successful_fulfilment_tracking_is_kept() -> None:
    order = get_order(fulfillment_status="fulfilled")
    order["fulfillments"][0]["status"] = "success"
    shipping = order_from_shopify(order).shipping
    assert shipping.tracking == Tracking(
        code="1Z1234512345123456",
        carrier="USPS",
        url="https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1=1Z1234512345123456",
    )


def test_removed_shipping_line_is_skipped_and_prices_summed_without_the_total_set() -> None:
    lines = [
        {"title": "Sedex", "price": "30.00", "source": "correios", "is_removed": True},
        {"title": "PAC", "price": "18.50", "carrier_identifier": "c0ffee", "source": "correios"},
    ]
    order = order_from_shopify(get_order(shipping_lines=lines, total_shipping_price_set=None))
    assert order.shipping.method == "PAC"
    assert order.shipping.carrier == "c0ffee"
    assert order.shipping.price == Decimal("18.50")
    assert order.totals.shipping == Decimal("18.50")


def test_customer_name_falls_back_to_billing_name_then_email() -> None:
    assert order_from_shopify(get_order(customer=None)).customer.name == "Bob Norman"
    no_names = get_order(customer=None, billing_address=None, shipping_address=None)
    mapped = order_from_shopify(no_names)
    assert mapped.customer.name == "bob.norman@mail.example.com"
    assert mapped.customer.platform_customer_id is None
    assert mapped.billing_address is None
    with pytest.raises(Permanent, match="no customer name"):
        order_from_shopify({**no_names, "email": None, "contact_email": None})


def test_an_order_the_canonical_model_refuses_is_permanent() -> None:
    with pytest.raises(Permanent, match="450789469") as caught:
        order_from_shopify(get_order(line_items=[]))
    assert caught.value.__cause__ is not None
    with pytest.raises(Permanent, match="UTC offset"):
        order_from_shopify(get_order(created_at="2008-01-10T11:00:00"))

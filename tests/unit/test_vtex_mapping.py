"""VTEX JSON -> canonical, on the real samples, field by field; cents exact."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from connectors.vtex.mapping import STATUS_TABLE, UnmappableOrder, order_from_vtex, order_status
from connectors.vtex.mapping_catalog import (
    brand_from_vtex,
    category_from_vtex,
    product_from_vtex,
    product_payload,
    skus_changed_at,
    specification_payloads,
)
from connectors.vtex.mapping_values import from_cents, parse_instant, to_cents, to_units
from schemas.customer import DocumentType
from schemas.integration import OwnedField
from schemas.order_status import OrderStatus
from schemas.product import AttributeValue

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "vtex"


def sample(name: str) -> Any:
    return orjson.loads((SAMPLES / name).read_bytes())


def test_cents_become_exact_decimals_and_back() -> None:
    assert from_cents(1160) == Decimal("11.60")
    assert from_cents(99) == Decimal("0.99")
    assert from_cents(-3290) == Decimal("-32.90")
    assert to_cents(Decimal("24.99")) == 2499
    with pytest.raises(ValueError):
        from_cents(11.6)
    with pytest.raises(ValueError):
        to_cents(Decimal("0.001"))


def test_pricing_units_travel_without_float_drift() -> None:
    assert to_units(Decimal("50.50")) == 50.5
    assert to_units(Decimal("100")) == 100
    assert repr(to_units(Decimal("0.1"))) == "0.1"


def test_seven_fractional_digits_and_naive_catalog_dates() -> None:
    at = parse_instant("2019-08-14T17:11:39.2550122Z")
    assert at is not None and at.microsecond == 255012 and at.utcoffset() is not None
    naive = parse_instant("2020-01-25T15:51:29.2614605")
    assert naive is not None and naive.tzinfo is not None


def test_the_real_order_maps_field_by_field() -> None:
    order = order_from_vtex(sample("order_get_response.json"))
    assert order.platform == "vtex"
    assert order.platform_order_id == order.number == "1172452900788-01"
    assert order.status is OrderStatus.IN_HANDLING and order.platform_status == "handling"
    assert order.totals.total == Decimal("11.60")  # value 1160 cents
    assert order.totals.shipping == Decimal("3.00")
    assert order.totals.subtotal == Decimal("0.99")  # the sample's Items total, as VTEX says it
    assert order.totals.discount == Decimal("0.00") and order.totals.tax == Decimal("0.00")
    assert order.currency == "BRL" and order.sales_channel == "1"
    [item] = order.items
    assert (item.sku, item.name, item.quantity) == ("BIGBML", "Bay Max L", Decimal(1))
    assert item.unit_price == Decimal("9.90") and item.discount == Decimal("0.00")
    assert (item.platform_product_id, item.platform_variant_id) == ("6", "18")
    assert item.platform_item_id == "94913BB553334977BFD669A24E678C69"
    customer = order.customer
    assert customer.name == "Rodrigo Smith" and customer.email == "rodrigo.smith@email.com"
    assert customer.document == "84513427019" and customer.document_type is DocumentType.CPF
    address = order.shipping_address
    assert address is not None
    assert (address.street, address.number, address.neighborhood) == (
        "Avenida Lúcio Costa", "126", "Barra da Tijuca",
    )  # fmt: skip
    assert (address.city, address.state, address.postal_code, address.country) == (
        "Rio de Janeiro", "RJ", "22630-011", "BR",
    )  # fmt: skip
    assert address.recipient == "Rodrigo Smith" and address.complement == "10"
    assert order.shipping.carrier == "All CEPs" and order.shipping.method == "Normal"
    assert order.shipping.tracking is not None and order.shipping.tracking.code == "TRK-48960684"
    [payment] = order.payments
    assert (payment.method, payment.amount, payment.installments) == ("Visa", Decimal("39.90"), 1)
    assert order.invoice is None  # the only package is an Input (return) invoice
    assert order.created_at.isoformat() == "2024-02-04T20:09:43.899958+00:00"
    assert order.paid_at is not None and order.updated_at is not None
    assert order.canceled_at is None and order.cancel_reason is None


def test_a_corporate_buyer_is_its_company() -> None:
    data = sample("order_get_response.json")
    data["clientProfileData"] |= {
        "isCorporate": True, "corporateName": "Ponte Ltda", "corporateDocument": "12.345.678/0001-95",
        "stateInscription": "123456789",
    }  # fmt: skip
    customer = order_from_vtex(data).customer
    assert customer.name == "Ponte Ltda" and customer.document == "12345678000195"
    assert (
        customer.document_type is DocumentType.CNPJ and customer.state_registration == "123456789"
    )


def test_an_invoiced_order_carries_its_nfe_and_item_discounts_in_cents() -> None:
    data = sample("order_get_response.json")
    data["status"] = "invoiced"
    data["items"][0] |= {"price": 1990, "sellingPrice": 1790, "quantity": 3}
    package = data["packageAttachment"]["packages"][0]
    package |= {"type": "Output", "invoiceKey": "3" * 44, "invoiceNumber": "24382"}
    order = order_from_vtex(data)
    assert order.status is OrderStatus.INVOICED
    assert order.invoice is not None and order.invoice.key == "3" * 44
    assert order.items[0].discount == Decimal("6.00") and order.items[0].unit_price == Decimal(
        "19.90"
    )


def test_every_documented_status_is_mapped_and_unknown_ones_refused() -> None:
    for status in ("payment-pending", "ready-for-handling", "handling", "invoiced", "canceled"):
        assert status in STATUS_TABLE
    assert order_status("window-to-cancel") is OrderStatus.PAID
    with pytest.raises(UnmappableOrder):
        order_status("something-new")


def test_the_real_list_summaries_carry_what_the_cursor_needs() -> None:
    listed = sample("orders_list_response.json")
    assert listed["paging"] == {"total": 84, "pages": 6, "currentPage": 1, "perPage": 15}
    assert all(parse_instant(o["creationDate"]) for o in listed["list"])


def test_the_real_product_and_sku_map() -> None:
    product = product_from_vtex(
        sample("catalog_product_get_response.json"),
        [sample("catalog_sku_get_response.json")],
        {"70": Decimal("250")},
        "Nike",
    )
    assert (product.sku, product.platform_product_id, product.name) == (
        "sr_1_90", "42", "Zoom Stefan Janoski Canvas RM SB Varsity Red",
    )  # fmt: skip
    assert product.brand == "Nike" and product.categories == ["2000090"] and product.active
    [variant] = product.variants
    assert (variant.sku, variant.platform_variant_id, variant.price) == (
        "B096QW8Y8Z",
        "70",
        Decimal("250"),
    )
    assert variant.active is False and variant.dimensions.weight_kg == Decimal("0.001")  # grams
    assert skus_changed_at([sample("catalog_sku_get_response.json")]) is not None


def test_the_real_category_and_brands_map() -> None:
    category = category_from_vtex(sample("catalog_category_get_response.json"))
    assert (category.code, category.name, category.parent_code) == (
        "100055",
        "Accessories",
        "100003",
    )
    brands = [brand_from_vtex(b) for b in sample("catalog_brand_pagedlist_response.json")["items"]]
    assert [(b.platform_brand_id, b.name) for b in brands][:2] == [
        ("2000003", "AOC"),
        ("2000004", "Calvin Klein"),
    ]
    assert brand_from_vtex(sample("catalog_brand_create_response.json")).platform_brand_id


def test_an_update_keeps_vtex_values_for_what_the_product_withholds() -> None:
    current = sample("catalog_product_get_response.json")
    product = product_from_vtex(current, [sample("catalog_sku_get_response.json")], {}, "Nike")
    withheld = [OwnedField.NAME, OwnedField.DESCRIPTION, OwnedField.BRAND, OwnedField.CATEGORIES]
    ours = product.model_copy(
        update={"name": "Outro nome", "description": "Outro texto", "withheld": withheld}
    )
    body = product_payload(ours, current, category_id=1, brand_id=2)
    kept = ("Name", "Description", "CategoryId", "BrandId")
    assert [body[key] for key in kept] == [current[key] for key in kept]
    assert body["RefId"] == product.sku and body["IsActive"] is product.active
    created = product_payload(ours, None, category_id=1, brand_id=2)
    assert [created[key] for key in kept] == ["Outro nome", "Outro texto", 1, 2]


def test_specifications_are_set_by_name() -> None:
    product = product_from_vtex(
        sample("catalog_product_get_response.json"), [sample("catalog_sku_get_response.json")], {}
    ).model_copy(update={"specifications": [AttributeValue(name="Material", value="Couro")]})
    [body] = specification_payloads(product)
    assert body["FieldName"] == "Material" and body["FieldValues"] == ["Couro"]
    assert body["GroupName"] and body["RootLevelSpecification"] is True

"""Nuvemshop's real sample payloads mapped field by field to the canonical models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from connectors.nuvemshop.mapping import (
    attributes_from_nuvemshop,
    category_from_nuvemshop,
    parent_sku,
    product_from_nuvemshop,
)
from connectors.nuvemshop.mapping_order import (
    address_from_nuvemshop,
    document_type,
    order_from_nuvemshop,
    order_from_nuvemshop_json,
    order_status_from_nuvemshop,
)
from connectors.nuvemshop.mapping_out import (
    cancel_body,
    category_body,
    product_create_body,
    product_update_body,
    stock_body,
    variant_patch,
)
from connectors.nuvemshop.mapping_values import localized, timestamp
from schemas.attribute import Attribute
from schemas.customer import DocumentType
from schemas.integration import OwnedField
from schemas.order_status import OrderStatus

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "nuvemshop"
BRT = timezone(timedelta(hours=-3))


def sample(name: str) -> Any:
    return orjson.loads((SAMPLES / name).read_bytes())


def test_the_order_list_sample_maps_every_canonical_field() -> None:
    order = order_from_nuvemshop(sample("api_get_orders_list.json")[0])
    assert order.platform == "nuvemshop"
    assert order.platform_order_id == "450789469"
    assert order.number == "10872"
    assert order.status is OrderStatus.PAID
    assert order.platform_status == "open/paid/unshipped"
    assert order.customer.platform_customer_id == "101"
    assert order.customer.name == "John Doe"
    assert order.customer.email == "john.doe@example.com"
    assert order.customer.phone == "+5491126653230"
    assert order.customer.document == "41913703"
    assert order.customer.document_type is DocumentType.FOREIGN  # a US buyer's id, not a CPF
    billing = order.billing_address
    assert billing is not None
    assert (billing.recipient, billing.street, billing.number) == (
        "John Doe",
        "Evergreen Terrace",
        "742",
    )
    assert (billing.city, billing.state, billing.postal_code, billing.country) == (
        "Springfield",
        "Oregon",
        "97475",
        "US",
    )
    assert billing.phone == "555-123-0413"
    assert billing.complement is None and billing.neighborhood is None
    shipping = order.shipping_address
    assert shipping is not None
    assert (shipping.recipient, shipping.street, shipping.number, shipping.postal_code) == (
        "John Doe",
        "Evergreen Terrace",
        "742",
        "97475",
    )
    [item] = order.items
    assert item.sku == "12331471"
    assert item.name == "Pokeball"
    assert item.variant_name == "Red / S"
    assert item.quantity == Decimal("1")
    assert item.unit_price == Decimal("5190.00")
    assert (item.platform_product_id, item.platform_variant_id, item.platform_item_id) == (
        "58208779",
        "169164456",
        "972900182",
    )
    assert order.shipping.carrier == "ups"
    assert order.shipping.method == "Synthetics"
    assert order.shipping.price == Decimal("470.00")
    assert order.shipping.tracking is None
    [payment] = order.payments
    assert payment.method == "PayPal/credit_card"
    assert payment.amount == Decimal("5660.00")
    assert payment.installments == 6
    assert payment.status == "paid"
    [coupon] = order.discounts
    assert (coupon.code, coupon.kind, coupon.amount) == ("SUPERDISCOUNT", "coupon", Decimal("0.00"))
    assert order.totals.subtotal == Decimal("5190.00")
    assert order.totals.discount == Decimal("0.00")
    assert order.totals.shipping == Decimal("470.00")
    assert order.totals.total == Decimal("5660.00")
    assert order.currency == "USD"
    assert order.sales_channel == "mobile"
    assert order.note is None
    assert order.created_at == datetime(2022, 2, 23, 12, 25, 18, tzinfo=UTC)
    assert order.updated_at == datetime(2022, 2, 23, 19, 58, 44, tzinfo=UTC)
    assert order.paid_at == datetime(2022, 2, 23, 12, 25, 18, tzinfo=UTC)
    assert order.canceled_at is None and order.cancel_reason is None


def test_the_single_order_sample_keeps_the_last_number_and_uses_price_as_total() -> None:
    order = order_from_nuvemshop_json((SAMPLES / "api_get_order.json").read_bytes())
    assert order.number == "101"  # the doc's JSON has "number" twice; the last one wins
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert order.totals.total == Decimal("58.00")
    assert order.totals.subtotal == Decimal("38.00")
    assert order.created_at == datetime(2008, 1, 10, 11, 0, tzinfo=timezone(timedelta(hours=-5)))
    [item] = order.items
    assert (item.sku, item.name, item.quantity, item.unit_price) == (
        None,
        "produto 1234",
        Decimal("2"),
        Decimal("19.00"),
    )
    assert item.platform_variant_id == "101"
    assert order.payments[0].method == "PayPal" and order.payments[0].amount == Decimal("58.00")
    assert order.billing_address is not None and order.billing_address.number == "742"


def test_fulfil_and_cancel_answers_map_to_shipped_and_canceled() -> None:
    shipped = order_from_nuvemshop(sample("api_post_order_fulfill_response.json"))
    assert shipped.status is OrderStatus.SHIPPED
    assert shipped.shipping.tracking is not None
    assert shipped.shipping.tracking.code == "ABC1234"
    assert shipped.shipping.tracking.url == "https://shipping.com/tracking/ABC1234"
    canceled = order_from_nuvemshop(sample("api_post_order_cancel_response.json"))
    assert canceled.status is OrderStatus.CANCELED


@pytest.mark.parametrize(
    ("status", "payment", "shipping", "expected"),
    [
        ("open", "pending", "unpacked", OrderStatus.PENDING_PAYMENT),
        ("open", "authorized", "unpacked", OrderStatus.PAID),
        ("open", "paid", "unshipped", OrderStatus.PAID),
        ("open", "paid", "unfulfilled", OrderStatus.IN_HANDLING),
        ("open", "paid", "fulfilled", OrderStatus.SHIPPED),
        ("closed", "paid", "shipped", OrderStatus.SHIPPED),
        ("cancelled", "paid", "unpacked", OrderStatus.CANCELED),
        ("open", "voided", "unpacked", OrderStatus.CANCELED),
        ("open", "refunded", "unpacked", OrderStatus.CANCELED),
        ("open", "abandoned", "unpacked", OrderStatus.PENDING_PAYMENT),
    ],
)
def test_order_status_from_the_three_nuvemshop_statuses(
    status: str, payment: str, shipping: str, expected: OrderStatus
) -> None:
    assert order_status_from_nuvemshop(status, payment, shipping) is expected


def test_a_brazilian_buyer_gets_cpf_or_cnpj_and_the_address_its_bairro() -> None:
    assert document_type("12345678909", "BR") is DocumentType.CPF
    assert document_type("12345678000190", None) is DocumentType.CNPJ
    assert document_type("20123456789", "AR") is DocumentType.FOREIGN
    order = sample("api_get_orders_list.json")[0] | {"billing_country": "BR"}
    order["customer"] = order["customer"] | {"identification": "123.456.789-09"}
    customer = order_from_nuvemshop(order).customer
    assert (customer.document, customer.document_type) == ("12345678909", DocumentType.CPF)
    address = address_from_nuvemshop(
        {
            "address": "Rua Augusta",
            "number": "1500",
            "floor": "apto 12",
            "locality": "Consolação",
            "city": "São Paulo",
            "province": "SP",
            "zipcode": "01304-001",
            "country": "BR",
        }
    )
    assert address is not None
    assert (address.complement, address.neighborhood, address.state) == (
        "apto 12",
        "Consolação",
        "SP",
    )


def test_the_product_sample_maps_every_canonical_field() -> None:
    product = product_from_nuvemshop(sample("api_get_product.json"))
    assert product.platform_product_id == "1234"
    assert product.sku == "BSG1234"  # the variants' common stem: Nuvemshop has no parent SKU
    assert product.name == "Master Ball"
    assert product.description is not None and product.description.startswith("<p>A melhor Bola")
    assert product.brand is None
    assert product.categories == ["Poké Balls"]
    assert product.images == [
        "http://d26lpennugtm8s.cloudfront.net/stores/001/234/products/servine-640-0.jpg",
        "http://d26lpennugtm8s.cloudfront.net/stores/001/234/products/onyx-640-0.jpg",
        "http://d26lpennugtm8s.cloudfront.net/stores/001/234/products/stoutland-640-0.jpg",
    ]
    assert product.active is True
    assert product.updated_at == datetime(2013, 3, 11, 9, 14, 11, tzinfo=BRT)
    assert [v.sku for v in product.variants] == ["BSG1234A", "BSG1234B", "BSG1234C"]
    first, second, third = product.variants
    assert first.platform_variant_id == "101"
    assert (first.price, first.promotional_price) == (Decimal("25.00"), Decimal("19.00"))
    assert first.dimensions.weight_kg == Decimal("2.00")
    assert first.dimensions.height_cm is None and first.dimensions.length_cm is None
    assert [(a.name, a.value) for a in first.attributes] == [("Size", "Small")]
    assert first.gtin is None and first.active is True
    assert second.dimensions.weight_kg == Decimal("2.25")
    assert third.dimensions.weight_kg == Decimal("2.50")
    listed = product_from_nuvemshop(sample("api_get_products_list.json")[0])
    assert (listed.platform_product_id, listed.name, listed.sku) == (
        "1234",
        "Master Ball",
        "BSG1234",
    )
    assert [v.platform_variant_id for v in listed.variants] == ["101", "112", "133"]


def test_the_created_product_sample_and_its_variant_without_sku() -> None:
    product = product_from_nuvemshop(sample("api_post_product_response.json"))
    raw = sample("api_post_product_response.json")
    assert product.platform_product_id == str(raw["id"])
    assert product.name == localized(raw["name"])
    for variant, row in zip(product.variants, raw["variants"], strict=True):
        assert variant.platform_variant_id == str(row["id"])
        assert variant.price == Decimal(row["price"])
        assert variant.sku == (row["sku"] or f"nuvemshop:{row['id']}")


def test_a_variant_without_price_is_contact_us_and_inactive() -> None:
    raw = sample("api_get_product.json")
    raw["variants"] = [raw["variants"][0] | {"price": None, "sku": None}]
    [variant] = product_from_nuvemshop(raw).variants
    assert (variant.price, variant.active, variant.sku) == (Decimal("0"), False, "nuvemshop:101")


def test_the_category_samples_map() -> None:
    category = category_from_nuvemshop(sample("api_get_category.json"))
    assert (category.code, category.name, category.parent_code) == ("4567", "Poké Balls", None)
    assert category.platform_category_id == "4567"
    [listed] = [category_from_nuvemshop(row) for row in sample("api_get_categories_list.json")]
    assert listed == category
    child = category_from_nuvemshop(sample("api_get_category.json") | {"id": 9, "parent": 4567})
    assert child.parent_code == "4567"


def test_language_maps_prefer_portuguese_then_any_text() -> None:
    assert localized({"en": "Ball", "pt": "Bola"}) == "Bola"
    assert localized({"es": "", "en": "Ball"}) == "Ball"
    assert localized("Bola") == "Bola"
    assert localized(None) is None


def test_timestamps_in_every_shape_nuvemshop_sends() -> None:
    assert timestamp("2022-02-23T12:25:18+0000") == datetime(2022, 2, 23, 12, 25, 18, tzinfo=UTC)
    assert timestamp("2013-01-03T09:11:51-03:00") == datetime(2013, 1, 3, 9, 11, 51, tzinfo=BRT)
    php = {"date": "2022-02-23 12:25:18.000000", "timezone_type": 3, "timezone": "UTC"}
    assert timestamp(php) == datetime(2022, 2, 23, 12, 25, 18, tzinfo=UTC)
    assert timestamp(None) is None


def test_write_bodies_never_send_variants_on_update_and_stock_is_absolute() -> None:
    product = product_from_nuvemshop(sample("api_get_product.json"))
    update = product_update_body(product)
    assert "variants" not in update and update["name"] == {"pt": "Master Ball"}
    create = product_create_body(product)
    assert create["attributes"] == [{"pt": "Size"}]
    assert create["variants"][0] == {
        "sku": "BSG1234A",
        "barcode": None,
        "price": "25.00",
        "promotional_price": "19.00",
        "values": [{"pt": "Small"}],
        "weight": "2.00",
    }
    assert "stock" not in create["variants"][0]
    assert stock_body(Decimal("7")) == {"stock": 7}
    assert stock_body(Decimal("-2")) == {"stock": 0}
    with pytest.raises(ValueError, match="whole number"):
        stock_body(Decimal("1.5"))
    assert cancel_body("Fraud") == {"reason": "fraud", "email": True, "restock": True}
    assert cancel_body("cliente desistiu")["reason"] == "other"
    category = category_from_nuvemshop(sample("api_get_category.json") | {"parent": 12})
    assert category_body(category) == {"name": {"pt": "Poké Balls"}, "parent": 12}


def test_parent_sku_falls_back_to_the_first_variant() -> None:
    assert parent_sku(["CAM-AZ-P", "CAM-AZ-M"]) == "CAM-AZ"
    assert parent_sku(["X1", "Y2"]) == "X1"
    assert parent_sku(["ONLY"]) == "ONLY"


def test_the_product_list_sample_gives_one_attribute_with_every_variant_value() -> None:
    assert attributes_from_nuvemshop(sample("api_get_products_list.json")) == [
        Attribute(name="Size", values=["Small", "Medium", "Large"], platform_attribute_id="Size")
    ]


def test_attributes_of_several_products_are_united_by_name_in_the_first_language() -> None:
    products = [
        sample("api_get_product.json"),  # Size: Small, Small, Small (in English only)
        {"attributes": [{"pt": "Cor", "es": "Color"}, {"en": "Size"}],
         "variants": [{"values": [{"pt": "Azul", "es": "Azul"}, {"en": "XL"}]},
                      {"values": [{"pt": "Verde"}, {"en": "Small"}]}]},
    ]  # fmt: skip
    assert attributes_from_nuvemshop(products) == [
        Attribute(name="Size", values=["Small", "XL"], platform_attribute_id="Size"),
        Attribute(name="Cor", values=["Azul", "Verde"], platform_attribute_id="Cor"),
    ]


def test_a_product_without_attributes_gives_none() -> None:
    assert attributes_from_nuvemshop([sample("api_post_product_response.json")]) == []


def test_an_update_leaves_out_what_the_product_withholds() -> None:
    product = product_from_nuvemshop(sample("api_get_product.json"))
    kept = product.model_copy(
        update={"withheld": [OwnedField.NAME, OwnedField.BRAND, OwnedField.PRICE]}
    )
    update = product_update_body(kept)
    assert not {"name", "brand"} & update.keys() and "published" in update
    patch = variant_patch(kept.variants[0], "9", kept)
    assert patch["id"] == 9 and patch["sku"] == "BSG1234A"
    assert not {"price", "promotional_price"} & patch.keys()
    assert variant_patch(product.variants[0], "9", product)["price"] == "25.00"
    assert product_create_body(kept)["name"] == {"pt": "Master Ball"}

"""Tray's real sample payloads mapped field by field to the canonical models."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.tray.mapping import (
    brand_from_tray,
    category_from_tray,
    product_from_tray,
    product_to_tray,
    properties_to_tray,
    variant_from_tray,
    variant_keys_withheld,
    variant_to_tray,
)
from connectors.tray.mapping_orders import order_from_tray
from connectors.tray.values import STORE_TIME
from schemas.customer import DocumentType
from schemas.integration import OwnedField
from schemas.order_status import OrderStatus
from schemas.product import AttributeValue

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "tray"


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def test_complete_order_maps_every_field() -> None:
    order = order_from_tray(sample("order_complete_response.json")["Order"])
    assert order.platform == "tray"
    assert order.platform_order_id == "15" and order.number == "15"
    assert order.platform_status == "FINALIZADO"
    assert order.status is OrderStatus.DELIVERED
    assert order.created_at == datetime(2021, 2, 10, 11, 28, 21, tzinfo=STORE_TIME)
    assert order.created_at.utcoffset().total_seconds() == -3 * 3600  # type: ignore[union-attr]
    assert order.updated_at == datetime(2021, 5, 6, 10, 38, 45, tzinfo=STORE_TIME)
    assert order.paid_at == datetime(2021, 2, 10, tzinfo=STORE_TIME)
    assert order.currency == "BRL"
    assert order.sales_channel == "Dafiti"  # the marketplace the order came from
    assert order.note is None and order.invoice is None

    customer = order.customer
    assert customer.platform_customer_id == "1"
    assert customer.name == "Nome Cliente"
    assert customer.email == "email@tray.com.br"
    assert customer.phone == "1434546185"
    assert customer.document == "12442673177"
    assert customer.document_type is DocumentType.CPF
    assert customer.state_registration is None

    shipping = order.shipping_address
    assert shipping is not None
    assert (shipping.street, shipping.number, shipping.complement) == ("Rua Teste", "55", "Casa 26")
    assert (shipping.neighborhood, shipping.city, shipping.state) == ("Centro", "Marília", "SP")
    assert shipping.postal_code == "17500-000" and shipping.country == "BR"
    assert shipping.recipient == "Nome Cliente"
    assert order.billing_address == shipping  # the customer's own address, same place

    [item] = order.items
    assert item.name == "Notebook Alienware Gamer"
    assert item.sku is None  # reference is empty in the sample
    assert item.variant_name == "110v"
    assert item.quantity == Decimal("1")
    assert item.unit_price == Decimal("59900.00") and item.discount == Decimal("0")
    assert (item.platform_product_id, item.platform_variant_id, item.platform_item_id) == (
        "13",
        "25",
        "17",
    )

    assert order.shipping.method == "Correios Expresso"
    assert order.shipping.price == Decimal("38.91")
    assert order.shipping.tracking is None
    [payment] = order.payments
    assert payment.method == "Boleto - Yapay"
    assert payment.amount == Decimal("62935.86") and payment.installments == 1
    assert payment.status == "paid"
    assert order.discounts == []

    totals = order.totals
    assert totals.subtotal == Decimal("59900.00")
    assert totals.shipping == Decimal("38.91")
    assert totals.tax == Decimal("2996.95")  # payment_method_rate, a surcharge
    assert totals.total == Decimal("62935.86")
    assert totals.subtotal - totals.discount + totals.shipping + totals.tax == totals.total


def test_coupon_counts_as_discount_and_totals_add_up() -> None:
    row = sample("orders_list_response.json")["Orders"][0]["Order"]
    complete = {
        **row,
        "ProductsSold": [
            {"ProductsSold": {"id": "5", "name": "X", "price": "35999.00", "quantity": "1"}}
        ],
    }
    order = order_from_tray(complete)
    assert order.status is OrderStatus.PAID  # "A ENVIAR": paid, waiting to be sent
    assert order.platform_status == "A ENVIAR"
    [coupon] = order.discounts
    assert coupon.code == "natal25" and coupon.amount == Decimal("8999.75")
    t = order.totals
    assert t.subtotal - t.discount + t.shipping + t.tax == t.total == Decimal("27027.60")
    assert order.paid_at is None  # payment_date "0000-00-00"
    assert order.created_at == datetime(2020, 12, 7, tzinfo=STORE_TIME)  # list rows have no hour


def test_product_with_variant_maps_every_field() -> None:
    product = product_from_tray(
        sample("product_get_response.json")["Product"],
        [sample("variant_get_response.json")["Variant"]],
    )
    assert product.platform_product_id == "8"
    assert product.sku == "M01"
    assert product.name == "Produto Teste"
    assert product.description == "Descrição blablabla"  # description is empty: the short one
    assert product.brand == "Dragon Shield"
    assert product.categories == ["Playmat"]
    assert product.ncm == "90221991"
    assert product.images[0] == "https://images.tcdn.com.br/img/img_prod/123/1_1_123.jpg"
    assert len(product.images) == 2
    assert product.active is True
    assert product.updated_at == datetime(2019, 1, 21, 9, 22, 21, tzinfo=STORE_TIME)
    [variant] = product.variants
    assert variant.platform_variant_id == "255"
    assert variant.sku == "THR016-2"
    assert variant.gtin == "125"
    assert variant.price == Decimal("12.50")
    assert variant.promotional_price == Decimal("10.00")
    assert variant.dimensions.weight_kg == Decimal("0.021")  # Tray weighs in grams
    assert (
        variant.dimensions.height_cm,
        variant.dimensions.width_cm,
        variant.dimensions.length_cm,
    ) == (
        Decimal("21"),
        Decimal("21"),
        Decimal("21"),
    )
    assert [(a.name, a.value) for a in variant.attributes] == [("Cor", "Preta"), ("Tamanho", "40")]
    assert variant.active is True


def test_simple_product_from_the_list_is_its_own_variant() -> None:
    row = sample("products_list_response.json")["Products"][0]["Product"]
    product = product_from_tray(row, [])
    assert product.sku == "016301" and product.name == "PRODUTO TESTE"
    assert product.ncm is None  # "0" is not an NCM
    assert product.brand is None and product.categories == []
    [variant] = product.variants
    assert variant.sku == "016301"
    assert variant.price == Decimal("139.00")
    assert variant.promotional_price is None  # "0.00" means none
    assert variant.dimensions.weight_kg == Decimal("0.958")
    assert variant.platform_variant_id is None


def test_variants_list_rows_map() -> None:
    rows = sample("variants_list_response.json")["Variants"]
    variant = variant_from_tray(rows[0]["Variant"])
    assert variant.sku == "THR016-1" and variant.price == Decimal("12.50")


def test_category_and_brand() -> None:
    category = category_from_tray(
        sample("categories_list_response.json")["Categories"][0]["Category"]
    )
    assert (category.code, category.name, category.parent_code) == ("123", "Categoria Teste", None)
    assert category.platform_category_id == "123"
    brand = brand_from_tray(sample("brands_list_response.json")["Brands"][0]["Brand"])
    assert (brand.name, brand.platform_brand_id) == ("Marca Teste", "1")


def test_product_write_body_uses_strings_and_grams() -> None:
    product = product_from_tray(sample("products_list_response.json")["Products"][0]["Product"], [])
    body = product_to_tray(product)["Product"]
    assert body["price"] == "139.00" and body["reference"] == "016301"
    assert body["weight"] == "958"
    assert not any(isinstance(value, float) for value in body.values())


def test_mapping_cost_per_order_is_small() -> None:
    import timeit

    raw = sample("order_complete_response.json")["Order"]
    seconds = min(timeit.repeat(lambda: order_from_tray(raw), number=200, repeat=3)) / 200
    assert seconds < 0.005, f"{seconds * 1e6:.0f} µs per order"


def test_an_update_leaves_out_what_the_product_withholds() -> None:
    listed = sample("products_list_response.json")["Products"][0]["Product"]
    product = product_from_tray(listed, []).model_copy(
        update={"categories": ["Roupas", "12"], "withheld": [OwnedField.NAME, OwnedField.PRICE]}
    )
    update = product_to_tray(product)["Product"]
    assert not {"name", "price", "promotional_price"} & update.keys()
    assert update["reference"] == "016301" and update["category_id"] == "12"
    create = product_to_tray(product, creating=True)["Product"]
    assert create["name"] == product.name and create["price"] == "139.00"
    variant = variant_to_tray(product.variants[0], "5", variant_keys_withheld(product))["Variant"]
    assert "price" not in variant and variant["product_id"] == "5"


def test_specifications_become_properties_by_id() -> None:
    listed = sample("products_list_response.json")["Products"][0]["Product"]
    specs = [AttributeValue(name="Material", value="Algodão " * 20)]
    product = product_from_tray(listed, []).model_copy(update={"specifications": specs})
    [row] = properties_to_tray(product, {"Material": "3"})
    assert row["property_id"] == "3" and len(row["value"]) == 100  # Tray's limit

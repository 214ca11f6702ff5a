"""Shopify products and collections <-> canonical catalogue, field by field on the real samples."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from connectors.errors import Permanent
from connectors.shopify.mapping_catalog import (
    brands_from_products,
    collection_from_shopify,
    collection_to_shopify,
    handle_for,
    prices_from_shopify,
    prices_to_shopify,
    product_from_shopify,
    product_to_shopify,
)
from schemas.brand import Brand
from schemas.category import Category
from schemas.integration import OwnedField
from schemas.product import AttributeValue, Dimensions, Product, Variant

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "shopify"
EST = timezone(timedelta(hours=-5))


def sample(name: str) -> Any:
    return orjson.loads((SAMPLES / name).read_bytes())


def test_created_product_sample_field_by_field() -> None:
    product = product_from_shopify(sample("api_rest_2026-04_product_create_response.json"))
    assert product.platform_product_id == "1072481050"
    assert product.name == "Burton Custom Freestyle 151"
    assert product.description == "<strong>Good snowboard!</strong>"
    assert product.brand == "Burton"
    assert product.categories == ["Snowboard"]
    assert product.sku == "burton-custom-freestyle-151"  # no variant SKU: the handle
    assert product.active is False  # status "draft"
    assert product.images == []
    assert product.ncm is None
    assert product.updated_at == datetime(2025, 4, 2, 11, 36, 28, tzinfo=EST)
    [variant] = product.variants
    assert variant == Variant(
        sku="",
        gtin=None,
        price=Decimal("0.00"),
        promotional_price=None,
        dimensions=Dimensions(weight_kg=None),  # weight 0.0 lb is "no weight"
        attributes=[],  # Title / Default Title is Shopify's placeholder
        platform_variant_id="1070325028",
    )


def test_webhook_product_sample_field_by_field() -> None:
    product = product_from_shopify(sample("webhook_products_update.json"))
    # The scraped id lost digits; the gid keeps the exact one.
    assert product.platform_product_id == "788032119674292922"
    assert product.name == "Example T-Shirt"
    assert product.description == "An example T-Shirt"
    assert product.brand == "Acme"
    assert product.categories == ["Shirts"]
    assert product.sku == "example-t-shirt"
    assert product.active is True
    assert product.updated_at == datetime(2021, 12, 31, 19, 0, tzinfo=EST)
    small, medium = product.variants
    # price 19.99 with compare_at_price 24.99: a promotion off a regular 24.99.
    assert small.price == Decimal("24.99") and small.promotional_price == Decimal("19.99")
    assert medium.price == Decimal("24.99") and medium.promotional_price == Decimal("19.99")
    assert small.platform_variant_id == "642667041472713922"
    assert medium.platform_variant_id == "757650484644203962"
    assert small.sku == medium.sku == ""  # null SKUs
    assert small.attributes == medium.attributes == []  # "options": [] names none


def test_legacy_product_sample_field_by_field() -> None:
    product = product_from_shopify(sample("api_rest_product.json"))
    assert product.platform_product_id == "632910392"
    assert product.name == "IPod Nano - 8GB"
    assert product.brand == "Apple"
    assert product.categories == ["Cult Products"]
    assert product.sku == "IPOD2008PINK"
    assert product.active is True  # no status; published
    assert product.images == [
        "http://static.shopify.com/s/files/1/6909/3384/products/ipod-nano.png?0"
    ]
    assert [v.sku for v in product.variants] == [
        "IPOD2008PINK",
        "IPOD2008RED",
        "IPOD2008GREEN",
        "IPOD2008BLACK",
    ]
    pink = product.variants[0]
    assert pink.price == Decimal("199.00") and pink.promotional_price is None
    assert pink.dimensions.weight_kg == Decimal("0.200")  # grams 200
    assert pink.attributes == [AttributeValue(name="Title", value="Pink")]
    assert pink.platform_variant_id == "808950810"


def test_promotional_price_is_shopify_price_and_regular_is_compare_at() -> None:
    assert prices_to_shopify(Decimal("100.00"), Decimal("79.90")) == {
        "price": "79.90",
        "compare_at_price": "100.00",
    }
    assert prices_to_shopify(Decimal("100.00"), None) == {
        "price": "100.00",
        "compare_at_price": None,
    }
    # A "promotion" not below the price is no promotion: the struck-through price is cleared.
    assert prices_to_shopify(Decimal("100.00"), Decimal("120.00"))["compare_at_price"] is None
    assert prices_from_shopify("79.90", "100.00") == (Decimal("100.00"), Decimal("79.90"))
    assert prices_from_shopify("79.90", "50.00") == (Decimal("79.90"), None)
    assert prices_from_shopify("79.90", None) == (Decimal("79.90"), None)


def camiseta(**changes: Any) -> Product:
    fields: dict[str, Any] = {
        "sku": "CAM-001",
        "name": "Camiseta Básica",
        "description": "<p>Algodão</p>",
        "brand": "Ponte Wear",
        "categories": ["Roupas", "Camisetas"],
        "variants": [
            Variant(
                sku="CAM-001-P",
                gtin="7891234567895",
                price=Decimal("59.90"),
                promotional_price=Decimal("49.90"),
                dimensions=Dimensions(weight_kg=Decimal("0.250")),
                attributes=[AttributeValue(name="Tamanho", value="P")],
            ),
            Variant(
                sku="CAM-001-M",
                price=Decimal("59.90"),
                attributes=[AttributeValue(name="Tamanho", value="M")],
            ),
        ],
        **changes,
    }
    return Product(**fields)


def test_product_to_shopify_create_payload() -> None:
    body = product_to_shopify(camiseta())
    assert body["title"] == "Camiseta Básica"
    assert body["body_html"] == "<p>Algodão</p>"
    assert body["vendor"] == "Ponte Wear"
    assert body["product_type"] == "Camisetas"
    assert body["status"] == "active"
    assert body["handle"] == "cam-001"
    assert body["options"] == [{"name": "Tamanho"}]
    small, medium = body["variants"]
    assert small == {
        "sku": "CAM-001-P",
        "barcode": "7891234567895",
        "price": "49.90",
        "compare_at_price": "59.90",
        "inventory_management": "shopify",
        "option1": "P",
        "weight": "0.250",
        "weight_unit": "kg",
    }
    assert medium["price"] == "59.90" and medium["compare_at_price"] is None
    assert "id" not in small


def test_product_update_keeps_existing_variant_ids_by_sku() -> None:
    existing = {
        "id": 1072481050,
        "variants": [
            {"id": 11, "sku": "CAM-001-M"},
            {"id": 22, "sku": "CAM-001-GONE"},
        ],
    }
    body = product_to_shopify(camiseta(active=False), existing)
    assert body["id"] == 1072481050
    assert body["status"] == "draft"
    assert "handle" not in body  # a merchant's URL is not rewritten on update
    small, medium = body["variants"]
    assert "id" not in small  # new variant
    assert medium["id"] == 11
    assert [v.get("id") for v in body["variants"]] == [None, 11]  # CAM-001-GONE is dropped


def test_round_trip_through_the_shopify_shape() -> None:
    body = product_to_shopify(camiseta())
    body["variants"] = [{**v, "id": n} for n, v in enumerate(body["variants"], start=1)]
    back = product_from_shopify({**body, "id": 99, "updated_at": "2026-05-01T10:00:00-03:00"})
    original = camiseta()
    assert back.sku == "CAM-001-P"  # first variant SKU stands in for the parent SKU
    assert back.brand == original.brand and back.name == original.name
    assert [(v.sku, v.price, v.promotional_price, v.attributes) for v in back.variants] == [
        (v.sku, v.price, v.promotional_price, v.attributes) for v in original.variants
    ]
    assert back.variants[0].dimensions.weight_kg == Decimal("0.250")


def test_variants_without_attributes_get_a_sku_option() -> None:
    plain = camiseta(
        variants=[Variant(sku="A", price=Decimal(1)), Variant(sku="B", price=Decimal(2))]
    )
    body = product_to_shopify(plain)
    assert body["options"] == [{"name": "Variante"}]
    assert [v["option1"] for v in body["variants"]] == ["A", "B"]
    back = product_from_shopify({**body, "id": 5})
    assert [v.attributes for v in back.variants] == [[], []]


def test_more_than_three_attributes_is_permanent() -> None:
    attributes = [AttributeValue(name=n, value="x") for n in ("Cor", "Tam", "Gola", "Manga")]
    with pytest.raises(Permanent):
        product_to_shopify(
            camiseta(variants=[Variant(sku="A", price=Decimal(1), attributes=attributes)])
        )


def test_collection_sample_and_back() -> None:
    category = collection_from_shopify(sample("webhook_collections_update.json"))
    assert category == Category(
        code="mynewcollection",
        name="My New Collection",
        platform_category_id="408372092144951419",
    )
    assert collection_to_shopify(category) == {
        "title": "My New Collection",
        "handle": "mynewcollection",
    }
    wrapped = collection_from_shopify({"custom_collection": {"id": 7, "handle": "h", "title": "T"}})
    assert wrapped.platform_category_id == "7"


def test_brands_are_distinct_vendors() -> None:
    products = [{"vendor": "Acme"}, {"vendor": " Acme "}, {"vendor": ""}, {"vendor": "Burton"}]
    assert brands_from_products(products) == [
        Brand(name="Acme", platform_brand_id="Acme"),
        Brand(name="Burton", platform_brand_id="Burton"),
    ]


def test_handle_rule() -> None:
    assert handle_for("CAM-001/Azul Marinho") == "cam-001-azul-marinho"
    assert handle_for("Calçados & Acessórios") == "calcados-acessorios"
    assert handle_for("***") == "item"


def test_a_product_without_variants_is_permanent() -> None:
    with pytest.raises(Permanent):
        product_from_shopify({"id": 1, "title": "x", "variants": []})


def test_an_update_leaves_out_what_the_product_withholds() -> None:
    existing = {"id": 7, "variants": [{"id": 11, "sku": "CAM-001-M"}]}
    withheld = [OwnedField.NAME, OwnedField.DESCRIPTION, OwnedField.PRICE, OwnedField.IMAGES]
    body = product_to_shopify(camiseta(withheld=withheld), existing)
    assert not {"title", "body_html", "images"} & body.keys()
    assert body["vendor"] == camiseta().brand
    small, medium = body["variants"]
    assert small["price"] == "49.90"  # a new variant has no price to keep yet
    assert medium["id"] == 11 and not {"price", "compare_at_price"} & medium.keys()
    create = product_to_shopify(camiseta(withheld=withheld))
    assert {"title", "body_html", "images"} <= create.keys()

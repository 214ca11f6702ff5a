"""Shopify attributes are the products' options: mapped on the real product samples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from connectors.shopify.mapping_catalog import attributes_from_products
from schemas.attribute import Attribute

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "shopify"


def sample(name: str) -> Any:
    return orjson.loads((SAMPLES / name).read_bytes())


def test_old_fixture_options_take_their_values_from_the_variants() -> None:
    # The fixture names the option "Title" but its variants are colours, and it sends no values.
    [attribute] = attributes_from_products([sample("api_rest_product.json")["product"]])
    assert attribute == Attribute(
        name="Title", values=["Pink", "Red", "Green", "Black"], platform_attribute_id="Title"
    )


def test_products_sharing_an_option_give_one_attribute_with_the_union_of_values() -> None:
    products = sample("api_rest_products.json")  # four products, each option "Title" = "Pink"
    assert attributes_from_products(products) == [
        Attribute(name="Title", values=["Pink"], platform_attribute_id="Title")
    ]


def test_shopify_placeholder_option_is_no_attribute() -> None:
    created = sample("api_rest_2026-04_product_create_response.json")["product"]
    assert created["options"][0]["values"] == ["Default Title"]
    assert attributes_from_products([created]) == []


def test_a_product_without_options_gives_none() -> None:
    assert attributes_from_products([sample("webhook_products_update.json")]) == []


def test_option_values_and_variant_values_are_merged_in_order_of_first_use() -> None:
    products = [
        {"options": [{"name": "Cor", "values": ["Azul", "Verde"]}, {"name": "Tamanho"}],
         "variants": [{"option1": "Azul", "option2": "P"}, {"option1": "Verde", "option2": "M"}]},
        {"options": [{"name": "Cor", "values": ["Verde", "Preto"]}],
         "variants": [{"option1": "Verde"}, {"option1": "Preto"}]},
    ]  # fmt: skip
    assert attributes_from_products(products) == [
        Attribute(name="Cor", values=["Azul", "Verde", "Preto"], platform_attribute_id="Cor"),
        Attribute(name="Tamanho", values=["P", "M"], platform_attribute_id="Tamanho"),
    ]


def test_pontes_own_sku_option_is_no_attribute() -> None:
    product = {"options": [{"name": "Variante", "values": ["CAM-1", "CAM-2"]}]}
    assert attributes_from_products([product]) == []

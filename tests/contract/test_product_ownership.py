"""Product writes honour field ownership (``Product.withheld``) and write specifications, for
every platform connector against its own sandbox.

Each test creates a product through the connector, has the merchant change it on the platform
(the platform's own API, as their admin would), then upserts an update that withholds some
fields: the platform keeps its values for those, and takes ours for the rest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.capabilities import ConnectorSpec, Entity
from connectors.registry import PLATFORMS
from schemas.category import Category
from schemas.integration import OwnedField
from schemas.product import AttributeValue, Product, Variant
from tests.merchant import call, merchant_api, rename, replace_images, reprice

ORIGINAL_IMAGE = "https://img.example.com/camiseta-frente.jpg"


@dataclass
class Store:
    """One platform's sandbox: the connector's client, and the merchant's own API access."""

    spec: ConnectorSpec
    kit: Any
    client: Any
    merchant: httpx.AsyncClient

    @property
    def name(self) -> str:
        return self.spec.name

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        return await call(self.merchant, method, path, body)

    async def product(self, product_id: str) -> Product:
        found = await self.client.get_by_code(Entity.PRODUCT, product_id)
        assert isinstance(found, Product)
        return found


EVERY = sorted(PLATFORMS)
PRICED_HERE = [name for name in EVERY if name != "vtex"]
"""Platforms whose product write carries the price (VTEX's goes through the Pricing API)."""


@pytest.fixture
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    spec = PLATFORMS[request.param]
    assert spec.sandbox_kit is not None and spec.client is not None
    kit = spec.sandbox_kit()
    await kit.start(tmp_path)
    settings = kit.settings()
    client = spec.client(settings)
    merchant = merchant_api(spec.name, settings)
    try:
        yield Store(spec, kit, client, merchant)
    finally:
        await merchant.aclose()
        await client.aclose()
        await kit.stop()


async def _categories(store: Store) -> list[str]:
    """Categories the product may carry: platform ids where the platform needs them."""
    if store.name == "shopify":  # product_type is free text
        return ["Roupas"]
    made = await store.client.upsert(Entity.CATEGORY, Category(code="roupas", name="Roupas"))
    return [str(made)]


def _camiseta(categories: list[str], **changes: Any) -> Product:
    product = Product(
        sku="CAM-001",
        name="Camiseta Básica",
        description="Camiseta de algodão, texto do ERP.",
        brand="Marca ERP",
        categories=categories,
        images=[ORIGINAL_IMAGE],
        variants=[Variant(sku="CAM-001", price=Decimal("100.00"))],
    )
    return product.model_copy(update=changes)


def _update(created: Product, product_id: str, *withheld: OwnedField, **changes: Any) -> Product:
    """The ERP's next version of the product, as the sink sends it for an existing record."""
    variant = created.variants[0].model_copy(update={"price": Decimal("120.00")})
    fields = {
        "name": "Camiseta Básica (nova)",
        "description": "Texto novo do ERP.",
        "brand": "Marca Nova",
        "images": ["https://img.example.com/camiseta-nova.jpg"],
        "variants": [variant],
        "platform_product_id": product_id,
        "withheld": list(withheld),
    }
    return created.model_copy(update=fields | changes)


@pytest.mark.parametrize("store", EVERY, indirect=True)
async def test_an_update_keeps_the_name_and_description_the_platform_owns(store: Store) -> None:
    created = _camiseta(await _categories(store))
    product_id = await store.client.upsert(Entity.PRODUCT, created)
    await rename(
        store.merchant, store.name, product_id, "Camiseta da Loja", "Texto escrito na loja."
    )

    update = _update(created, product_id, OwnedField.NAME, OwnedField.DESCRIPTION)
    assert await store.client.upsert(Entity.PRODUCT, update) == product_id

    after = await store.product(product_id)
    assert (after.name, after.description) == ("Camiseta da Loja", "Texto escrito na loja.")
    assert after.brand == "Marca Nova"
    assert after.active
    if store.name != "vtex":  # VTEX prices are written by set_price (Pricing API), not here
        assert after.variants[0].price == Decimal("120.00")


@pytest.mark.parametrize("store", EVERY, indirect=True)
async def test_an_update_without_withheld_fields_overwrites_the_platform(store: Store) -> None:
    created = _camiseta(await _categories(store))
    product_id = await store.client.upsert(Entity.PRODUCT, created)
    await rename(
        store.merchant, store.name, product_id, "Camiseta da Loja", "Texto escrito na loja."
    )

    await store.client.upsert(Entity.PRODUCT, _update(created, product_id))

    after = await store.product(product_id)
    assert (after.name, after.description) == ("Camiseta Básica (nova)", "Texto novo do ERP.")


@pytest.mark.parametrize("store", PRICED_HERE, indirect=True)
async def test_an_update_keeps_the_price_the_platform_owns(store: Store) -> None:
    created = _camiseta(await _categories(store))
    product_id = await store.client.upsert(Entity.PRODUCT, created)
    await reprice(store.merchant, store.name, await store.product(product_id), "150.00")

    await store.client.upsert(Entity.PRODUCT, _update(created, product_id, OwnedField.PRICE))

    after = await store.product(product_id)
    assert after.variants[0].price == Decimal("150.00")
    assert after.name == "Camiseta Básica (nova)"


@pytest.mark.parametrize("store", EVERY, indirect=True)
async def test_withheld_images_stay_as_the_platform_has_them(store: Store) -> None:
    created = _camiseta(await _categories(store))
    product_id = await store.client.upsert(Entity.PRODUCT, created)
    before = (await store.product(product_id)).images
    if store.name == "shopify":
        await replace_images(store.merchant, product_id, "https://cdn.example.com/foto-da-loja.jpg")
        before = ["https://cdn.example.com/foto-da-loja.jpg"]

    await store.client.upsert(Entity.PRODUCT, _update(created, product_id, OwnedField.IMAGES))

    after = await store.product(product_id)
    assert after.images == before
    assert after.name == "Camiseta Básica (nova)"


@pytest.mark.parametrize("store", EVERY, indirect=True)
async def test_an_update_keeps_the_brand_and_categories_the_platform_owns(store: Store) -> None:
    created = _camiseta(await _categories(store))
    product_id = await store.client.upsert(Entity.PRODUCT, created)
    before = await store.product(product_id)
    elsewhere = await _other_category(store)

    update = _update(created, product_id, OwnedField.BRAND, OwnedField.CATEGORIES)
    await store.client.upsert(Entity.PRODUCT, update.model_copy(update={"categories": elsewhere}))

    after = await store.product(product_id)
    assert (after.brand, after.categories) == ("Marca ERP", before.categories)
    assert after.categories
    assert after.name == "Camiseta Básica (nova)"


async def _other_category(store: Store) -> list[str]:
    if store.name == "shopify":
        return ["Praia"]
    made = await store.client.upsert(Entity.CATEGORY, Category(code="praia", name="Praia"))
    return [str(made)]


SPECIFIED = [name for name in EVERY if PLATFORMS[name].product_specifications]


async def _specifications(store: Store, product_id: str) -> dict[str, str]:
    """The product's specifications as the platform shows them."""
    if store.name == "tray":
        shown = (await store.call("GET", f"/products/{product_id}"))["Product"]["Properties"]
        return {name: ", ".join(values) for name, values in (shown or {}).items()}
    assert store.name == "vtex"
    linked = await store.call("GET", f"/api/catalog/pvt/product/{product_id}/specification")
    names: dict[str, str] = {}
    for link in linked:
        field = await store.call("GET", f"/api/catalog/pvt/specification/{link['FieldId']}")
        names[field["Name"]] = link["Text"]
    return names


@pytest.mark.parametrize("store", SPECIFIED, indirect=True)
async def test_specifications_are_written_on_create_and_update(store: Store) -> None:
    material = [AttributeValue(name="Material", value="Algodão")]
    created = _camiseta(await _categories(store), specifications=material)
    product_id = await store.client.upsert(Entity.PRODUCT, created)
    assert await _specifications(store, product_id) == {"Material": "Algodão"}

    later = [
        AttributeValue(name="Material", value="Linho"),
        AttributeValue(name="Origem", value="Brasil"),
    ]
    update = _update(created, product_id, OwnedField.NAME, specifications=later)
    await store.client.upsert(Entity.PRODUCT, update)
    assert await _specifications(store, product_id) == {"Material": "Linho", "Origem": "Brasil"}


def test_specifications_are_declared_where_the_reference_documents_a_place() -> None:
    """Tray (características) and VTEX (product specifications) document a write; Shopify
    (metafields only through GraphQL productSet) and Nuvemshop (attributes are variant axes)
    do not, and say so in their declaration."""
    assert SPECIFIED == ["tray", "vtex"]

"""Writing the catalogue: products (variants through the variants endpoints), categories,
absolute stock and prices per variant. Every write is idempotent: a retried create finds the
record it already made (by SKU, or by name under the same parent)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.budget import Lane
from connectors.errors import NotFound, Permanent
from connectors.nuvemshop.mapping_out import (
    category_body,
    price_body,
    product_create_body,
    product_update_body,
    stock_body,
    variant_body,
    variant_patch,
)
from connectors.nuvemshop.mapping_values import localized
from connectors.nuvemshop.paging import MAX_PER_PAGE
from connectors.nuvemshop.transport import NuvemshopHttp
from schemas.category import Category
from schemas.price import Price
from schemas.product import Product
from schemas.stock import StockLevel

Json = Mapping[str, Any]


class CatalogWriter:
    """Catalogue writes for one store; remembers where each SKU lives (product, variant)."""

    def __init__(self, http: NuvemshopHttp) -> None:
        self._http = http
        self._homes: dict[str, tuple[str, str]] = {}

    async def upsert_product(self, product: Product) -> str:
        existing = await self._existing_product(product)
        if existing is None:
            created = await self._http.json("POST", "/products", body=product_create_body(product))
            self._remember(created)
            return str(created["id"])
        product_id = str(existing["id"])
        await self._http.json("PUT", f"/products/{product_id}", body=product_update_body(product))
        await self._sync_variants(product_id, existing.get("variants") or [], product)
        return product_id

    async def _sync_variants(self, product_id: str, current: list[Json], product: Product) -> None:
        """Matched variants are patched in one call, new ones created; none is ever deleted
        (ERP data may be partial, and PUT /variants would drop the missing combinations)."""
        by_id = {str(row["id"]): row for row in current}
        by_sku = {str(row.get("sku")): row for row in current if row.get("sku")}
        patches, new = [], []
        for variant in product.variants:
            match = by_id.get(variant.platform_variant_id or "") or by_sku.get(variant.sku)
            if match is None:
                new.append(variant)
            else:
                patches.append(variant_patch(variant, str(match["id"]), product))
        if patches:
            await self._http.json("PATCH", f"/products/{product_id}/variants", body=patches)
        for variant in new:
            created = await self._http.json(
                "POST", f"/products/{product_id}/variants", body=variant_body(variant)
            )
            self._homes[variant.sku] = (product_id, str(created["id"]))

    async def _existing_product(self, product: Product) -> Json | None:
        if product.platform_product_id:
            try:
                found: Json = await self._http.json(
                    "GET", f"/products/{product.platform_product_id}"
                )
                return found
            except NotFound:
                pass
        for variant in product.variants:
            found_by_sku = await self.product_by_sku(variant.sku)
            if found_by_sku is not None:
                return found_by_sku
        return None

    async def product_by_sku(self, sku: str, lane: Lane = Lane.LIVE) -> Json | None:
        """`GET /products/sku/{sku}`: the product holding a variant with that SKU."""
        try:
            found: Json = await self._http.json("GET", f"/products/sku/{sku}", lane=lane)
        except NotFound:
            return None
        self._remember(found)
        return found

    async def upsert_category(self, category: Category) -> str:
        try:
            body = category_body(category)
        except ValueError as exc:
            raise Permanent(str(exc)) from exc
        category_id = category.platform_category_id or await self._category_named(category)
        if category_id is None:
            created = await self._http.json("POST", "/categories", body=body)
            return str(created["id"])
        await self._http.json("PUT", f"/categories/{category_id}", body=body)
        return category_id

    async def _category_named(self, category: Category) -> str | None:
        parent = int(category.parent_code) if category.parent_code else None
        url: str | None = "/categories"
        params: dict[str, Any] | None = {"per_page": MAX_PER_PAGE, "fields": "id,name,parent"}
        while url is not None:
            rows, next_url = await self._http.page(url, params)
            for row in rows:
                same_parent = (row.get("parent") or None) == parent
                if same_parent and localized(row.get("name")) == category.name:
                    return str(row["id"])
            url, params = next_url, None
        return None

    async def set_stock(self, level: StockLevel) -> None:
        try:
            body = stock_body(level.quantity)
        except ValueError as exc:
            raise Permanent(str(exc)) from exc
        await self._write_variant(level.sku, body)

    async def set_price(self, price: Price) -> None:
        if price.price_list != "default":
            raise Permanent(
                f"Nuvemshop has one price per variant; no price list {price.price_list!r}"
            )
        await self._write_variant(price.sku, price_body(price.price, price.promotional_price))

    async def _write_variant(self, sku: str, body: dict[str, Any]) -> None:
        """`PUT /products/{pid}/variants/{vid}`; a stale home is looked up again once."""
        for attempt in range(2):
            product_id, variant_id = await self._home_of(sku, refresh=attempt > 0)
            try:
                await self._http.json(
                    "PUT", f"/products/{product_id}/variants/{variant_id}", body=body
                )
                return
            except NotFound:
                self._homes.pop(sku, None)
                if attempt:
                    raise

    async def _home_of(self, sku: str, *, refresh: bool) -> tuple[str, str]:
        if refresh or sku not in self._homes:
            await self.product_by_sku(sku)
        home = self._homes.get(sku)
        if home is None:
            raise NotFound(f"no Nuvemshop variant has SKU {sku!r}", status=404)
        return home

    def _remember(self, product: Json) -> None:
        for variant in product.get("variants") or []:
            if variant.get("sku"):
                self._homes[str(variant["sku"])] = (str(product["id"]), str(variant["id"]))

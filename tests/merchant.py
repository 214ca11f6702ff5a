"""The merchant's side of a platform sandbox: its own API, as their admin (or any app of
theirs) calls it, to change a product behind Ponte's back."""

from __future__ import annotations

from typing import Any

import httpx

from schemas.product import Product


def merchant_api(platform: str, settings: Any) -> httpx.AsyncClient:
    """An HTTP client on ``platform``'s API with the store's own credentials."""
    if platform == "shopify":
        return httpx.AsyncClient(
            base_url=f"{settings.origin}/admin/api/{settings.api_version}",
            headers={
                "X-Shopify-Access-Token": settings.admin_api_token.get_secret_value(),
                "Host": settings.shop_domain,
            },
        )
    if platform == "nuvemshop":
        return httpx.AsyncClient(
            base_url=settings.api_root,
            headers={
                "Authentication": f"bearer {settings.access_token.get_secret_value()}",
                "User-Agent": settings.user_agent,
            },
        )
    if platform == "tray":
        return httpx.AsyncClient(
            base_url=settings.api_address,
            params={"access_token": settings.access_token.get_secret_value()},
        )
    assert platform == "vtex", platform
    return httpx.AsyncClient(
        base_url=settings.base_url,
        params={"an": settings.account},
        headers={
            "X-VTEX-API-AppKey": settings.app_key.get_secret_value(),
            "X-VTEX-API-AppToken": settings.app_token.get_secret_value(),
        },
    )


async def call(http: httpx.AsyncClient, method: str, path: str, body: Any = None) -> Any:
    answer = await http.request(method, path, json=body)
    answer.raise_for_status()
    return answer.json() if answer.content else None


async def rename(
    http: httpx.AsyncClient, platform: str, product_id: str, name: str, description: str
) -> None:
    """The merchant rewrites the product's name and description in their store."""
    if platform == "shopify":
        body = {"product": {"id": int(product_id), "title": name, "body_html": description}}
        await call(http, "PUT", f"/products/{product_id}.json", body)
    elif platform == "nuvemshop":
        body = {"name": {"pt": name}, "description": {"pt": description}}
        await call(http, "PUT", f"/products/{product_id}", body)
    elif platform == "tray":
        body = {"Product": {"name": name, "description": description}}
        await call(http, "PUT", f"/products/{product_id}", body)
    else:  # VTEX replaces the whole record: read, change, write back
        path = f"/api/catalog/pvt/product/{product_id}"
        record = await call(http, "GET", path)
        await call(http, "PUT", path, {**record, "Name": name, "Description": description})


async def reprice(http: httpx.AsyncClient, platform: str, product: Product, price: str) -> None:
    """The merchant sets the first variant's price in their store (not VTEX: Pricing API)."""
    product_id, variant_id = product.platform_product_id, product.variants[0].platform_variant_id
    if platform == "shopify":
        body = {"variant": {"id": int(str(variant_id)), "price": price}}
        await call(http, "PUT", f"/variants/{variant_id}.json", body)
    elif platform == "nuvemshop":
        await call(http, "PUT", f"/products/{product_id}/variants/{variant_id}", {"price": price})
    else:
        assert platform == "tray", platform
        await call(http, "PUT", f"/products/{product_id}", {"Product": {"price": price}})


async def replace_images(http: httpx.AsyncClient, product_id: str, src: str) -> None:
    """Shopify only: its product body carries the images (elsewhere they have endpoints of
    their own, which Ponte does not write to)."""
    body = {"product": {"id": int(product_id), "images": [{"src": src}]}}
    await call(http, "PUT", f"/products/{product_id}.json", body)

"""Shopify's declaration: what the engine may ask of it.

Categories are custom collections; brands are the products' vendors and attributes the
products' options (read only: both are product fields, written with the product; their id is
their name). Stock and price are written per SKU; stock
notifications are ``inventory_levels/*`` deliveries.
"""

from __future__ import annotations

from typing import Any

from connectors.capabilities import ConnectorSpec, Entity, Operation
from connectors.shopify.auth import ShopifyTokens
from connectors.shopify.client import ShopifyClient
from connectors.shopify.settings import ShopifyExtras, ShopifySettings
from connectors.shopify.webhooks import verify_shopify_notification

READ, LIST_SINCE, GET_BY_CODE, WRITE, WEBHOOK = (
    Operation.READ,
    Operation.LIST_SINCE,
    Operation.GET_BY_CODE,
    Operation.WRITE,
    Operation.WEBHOOK,
)


def shopify_token_updates(tokens: ShopifyTokens) -> dict[str, Any]:
    """The settings fields that hold a renewed set of tokens."""
    return {
        "admin_api_token": tokens.access_token,
        "access_token_expires_at": tokens.expires_at,
        "refresh_token": tokens.refresh_token,
    }


def _sandbox_kit() -> Any:
    """The sandbox (aiohttp) is imported only when a kit is asked for, never by the engine."""
    from connectors.shopify.sandbox.kit import ShopifySandboxKit

    return ShopifySandboxKit()


SHOPIFY = ConnectorSpec(
    store_keys=("shop_domain", "base_url"),
    name="shopify",
    title="Shopify",
    settings=ShopifySettings,
    extras=ShopifyExtras,
    capabilities={
        Entity.ORDER: frozenset({READ, LIST_SINCE, GET_BY_CODE, WRITE, WEBHOOK}),
        Entity.PRODUCT: frozenset({READ, LIST_SINCE, GET_BY_CODE, WRITE, WEBHOOK}),
        Entity.CATEGORY: frozenset({READ, LIST_SINCE, GET_BY_CODE, WRITE, WEBHOOK}),
        Entity.BRAND: frozenset({READ, LIST_SINCE, GET_BY_CODE}),
        Entity.ATTRIBUTE: frozenset({READ, LIST_SINCE, GET_BY_CODE}),
        Entity.STOCK: frozenset({WRITE, WEBHOOK}),
        Entity.PRICE: frozenset({WRITE}),
    },
    on_products={
        Entity.BRAND: "A Shopify não tem cadastro de marcas: a marca segue em cada produto.",
        Entity.ATTRIBUTE: (
            "A Shopify não tem cadastro de atributos: as opções (Cor, Tamanho...) seguem em "
            "cada produto."
        ),
    },
    client=ShopifyClient,
    verify_notification=verify_shopify_notification,
    token_updates=lambda tokens: shopify_token_updates(tokens),
    sandbox_kit=_sandbox_kit,
)

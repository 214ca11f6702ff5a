"""Shopify's declaration: what the engine may ask of it."""

from __future__ import annotations

from connectors.capabilities import ConnectorSpec, Entity, Operation
from connectors.shopify.settings import ShopifySettings

SHOPIFY = ConnectorSpec(
    name="shopify",
    title="Shopify",
    settings=ShopifySettings,
    capabilities={
        Entity.ORDER: frozenset(
            {Operation.READ, Operation.LIST_SINCE, Operation.GET_BY_CODE, Operation.WEBHOOK}
        ),
    },
)

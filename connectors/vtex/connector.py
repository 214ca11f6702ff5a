"""VTEX's declaration: what the engine may ask of it."""

from __future__ import annotations

from connectors.capabilities import ConnectorSpec, Entity, Operation
from connectors.vtex.client import VtexClient
from connectors.vtex.sandbox.kit import VtexSandboxKit
from connectors.vtex.settings import VtexExtras, VtexSettings
from connectors.vtex.webhooks import verify_vtex_notification

_R, _L, _G, _W, _H = (
    Operation.READ,
    Operation.LIST_SINCE,
    Operation.GET_BY_CODE,
    Operation.WRITE,
    Operation.WEBHOOK,
)

VTEX = ConnectorSpec(
    store_keys=("account", "environment", "base_url"),
    name="vtex",
    title="VTEX",
    settings=VtexSettings,
    extras=VtexExtras,
    product_specifications=True,
    capabilities={
        Entity.PRODUCT: frozenset({_R, _L, _G, _W}),
        Entity.CATEGORY: frozenset({_G, _W}),
        Entity.BRAND: frozenset({_G, _W}),
        # Specification fields by id with their values; no account-wide list (only per category).
        Entity.ATTRIBUTE: frozenset({_G}),
        Entity.STOCK: frozenset({_W}),
        Entity.PRICE: frozenset({_W}),
        Entity.ORDER: frozenset({_R, _L, _G, _W, _H}),
    },
    on_products={
        Entity.ATTRIBUTE: (
            "A VTEX guarda especificações dentro de cada categoria, não num cadastro de "
            "atributos: as especificações seguem em cada produto."
        ),
    },
    client=VtexClient,
    verify_notification=verify_vtex_notification,
    sandbox_kit=VtexSandboxKit,
)

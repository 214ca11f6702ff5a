"""Nuvemshop's declaration: what the engine may ask of it.

No brand entity: Nuvemshop keeps the brand as free text on the product. Attributes are the
products' variant axes, read only (written with the product), derived from the products and
identified by their name.
"""

from __future__ import annotations

from connectors.capabilities import ConnectorSpec, Entity, Operation
from connectors.nuvemshop.client import NuvemshopClient
from connectors.nuvemshop.sandbox.kit import NuvemshopSandboxKit
from connectors.nuvemshop.settings import NuvemshopExtras, NuvemshopSettings
from connectors.nuvemshop.webhooks import verify_nuvemshop_notification

_READ = {Operation.READ, Operation.LIST_SINCE, Operation.GET_BY_CODE, Operation.WEBHOOK}

NUVEMSHOP = ConnectorSpec(
    store_keys=("store_id", "base_url"),
    name="nuvemshop",
    title="Nuvemshop",
    settings=NuvemshopSettings,
    extras=NuvemshopExtras,
    capabilities={
        Entity.PRODUCT: frozenset({*_READ, Operation.WRITE}),
        Entity.CATEGORY: frozenset({*_READ, Operation.WRITE}),
        Entity.ORDER: frozenset({*_READ, Operation.WRITE}),
        Entity.ATTRIBUTE: frozenset({Operation.READ, Operation.LIST_SINCE, Operation.GET_BY_CODE}),
        Entity.STOCK: frozenset({Operation.WRITE}),
        Entity.PRICE: frozenset({Operation.WRITE}),
    },
    on_products={
        Entity.BRAND: "A Nuvemshop não tem cadastro de marcas: a marca segue em cada produto.",
        Entity.ATTRIBUTE: (
            "A Nuvemshop não tem cadastro de atributos: as variações (Cor, Tamanho...) seguem "
            "em cada produto."
        ),
    },
    client=NuvemshopClient,
    verify_notification=verify_nuvemshop_notification,
    sandbox_kit=NuvemshopSandboxKit,
)

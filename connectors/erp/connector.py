"""The ERP connector's declaration: an Eccosys-style REST ERP, and what of it the adapter
(platform.ErpPlatformClient) implements and the shared contract suite tests against its sandbox.

The engine also follows the ERP outside this table: it creates orders with ErpClient and reads
stock and price changes with the poller (poller.py); those paths have tests of their own
(tests/contract/test_erp_*.py).
"""

from __future__ import annotations

from typing import Any

from connectors.capabilities import ConnectorSpec, Entity, Operation
from connectors.erp.platform import ErpPlatformClient
from connectors.erp.settings import ErpSettings
from connectors.erp.webhooks import verify_erp_push

READ, LIST_SINCE, GET_BY_CODE, WRITE, WEBHOOK = (
    Operation.READ,
    Operation.LIST_SINCE,
    Operation.GET_BY_CODE,
    Operation.WRITE,
    Operation.WEBHOOK,
)


def _sandbox_kit() -> Any:
    """The kit, imported only when asked for: production never loads the sandbox."""
    from connectors.erp.sandbox.kit import ErpSandboxKit

    return ErpSandboxKit()


ERP = ConnectorSpec(
    name="erp",
    title="ERP (Eccosys)",
    settings=ErpSettings,
    capabilities={
        # Families by parent code: the dated product list, by code, upsert_family, the push.
        Entity.PRODUCT: frozenset({READ, LIST_SINCE, GET_BY_CODE, WRITE, WEBHOOK}),
        # Orders by ERP id: the list by dataAlteracao, get_order, create once (upsert) and the
        # moves (situacao, NF-e emission, tracking), the push.
        Entity.ORDER: frozenset({READ, LIST_SINCE, GET_BY_CODE, WRITE, WEBHOOK}),
        # Balances (es=B only) and the stock push; the poller reads the stock feed.
        Entity.STOCK: frozenset({WRITE, WEBHOOK}),
        # preco/precoDe on the product.
        Entity.PRICE: frozenset({WRITE}),
        # /categorias and /marcas: the whole list (no change date), one by id (found in the
        # list: no read by id), created once by name (the ERP has no update).
        Entity.CATEGORY: frozenset({READ, GET_BY_CODE, WRITE}),
        Entity.BRAND: frozenset({READ, GET_BY_CODE, WRITE}),
        # /atributos: the whole list (no change date, so no LIST_SINCE), one by id, and
        # create or update (PUT by id; found by name first).
        Entity.ATTRIBUTE: frozenset({READ, GET_BY_CODE, WRITE}),
    },
    client=ErpPlatformClient,
    verify_notification=verify_erp_push,
    sandbox_kit=_sandbox_kit,
)

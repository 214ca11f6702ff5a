"""The ERP connector's declaration: an Eccosys-style REST ERP, and what of it is implemented
and tested against its sandbox (tests/contract/test_erp_*.py)."""

from __future__ import annotations

from connectors.capabilities import ConnectorSpec, Entity, Operation
from connectors.erp.settings import ErpSettings

READ, LIST_SINCE, GET_BY_CODE, WRITE, WEBHOOK = (
    Operation.READ,
    Operation.LIST_SINCE,
    Operation.GET_BY_CODE,
    Operation.WRITE,
    Operation.WEBHOOK,
)

ERP = ConnectorSpec(
    name="erp",
    title="ERP (Eccosys)",
    settings=ErpSettings,
    capabilities={
        # create_order, get_order, list_orders / poller (dataAlteracao),
        # find_order_by_platform_number; status, NF-e and tracking reach Ponte as
        # OrderStatusChanged from the poller or a signed push (webhooks.py).
        Entity.ORDER: frozenset({WRITE, READ, LIST_SINCE, GET_BY_CODE, WEBHOOK}),
        # upsert_products / upsert_family, list_products, get_product, produtosAlterados.
        Entity.PRODUCT: frozenset({WRITE, READ, LIST_SINCE, GET_BY_CODE, WEBHOOK}),
        # set_stock_balance (es=B only), get_stock, produtosComEstoqueAlterado.
        Entity.STOCK: frozenset({WRITE, READ, LIST_SINCE, GET_BY_CODE, WEBHOOK}),
        # Prices are product fields: set_prices, and PriceChanged with every product change.
        Entity.PRICE: frozenset({WRITE, READ, LIST_SINCE, WEBHOOK}),
        # /categorias and /marcas: list and create; no change feed, no update.
        Entity.CATEGORY: frozenset({WRITE, READ}),
        Entity.BRAND: frozenset({WRITE, READ}),
    },
)

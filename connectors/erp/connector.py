"""The ERP connector's declaration: an Eccosys-style REST ERP, orders for now."""

from __future__ import annotations

from connectors.capabilities import ConnectorSpec, Entity, Operation
from connectors.erp.settings import ErpSettings

ERP = ConnectorSpec(
    name="erp",
    title="ERP (Eccosys)",
    settings=ErpSettings,
    capabilities={
        # write: create_order; read: get_order; list_since: list_orders;
        # get_by_code: find_order_by_platform_number. No webhooks: the ERP offers none.
        Entity.ORDER: frozenset(
            {Operation.WRITE, Operation.READ, Operation.LIST_SINCE, Operation.GET_BY_CODE}
        ),
    },
)

"""The payloads an integration sends, its Configurações and Mapeamentos applied.

PROVISIONAL: the Mapeamentos rules are not applied yet (the mappings work replaces this).
"""

from __future__ import annotations

from connectors.erp.client import PedidoJson
from connectors.erp.mapping import order_to_pedido
from schemas.integration import Integration
from schemas.order import Order
from schemas.product import Product


def pedido_for(order: Order, integration: Integration) -> PedidoJson:
    """The ERP sales order for a platform order (raises engine.failures.MappingMissing)."""
    return order_to_pedido(order, situacao=integration.settings.erp_order_status)


def product_for_platform(product: Product, integration: Integration, *, creating: bool) -> Product:
    """The product as this integration publishes it (raises engine.failures.MappingMissing)."""
    return product

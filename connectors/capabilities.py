"""What a connector can do, as data: the engine wires flows from it, the CLI prints it and
the contract suite iterates over it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class Entity(StrEnum):
    PRODUCT = "product"
    CATEGORY = "category"
    BRAND = "brand"
    ATTRIBUTE = "attribute"
    STOCK = "stock"
    PRICE = "price"
    ORDER = "order"


class Operation(StrEnum):
    READ = "read"
    LIST_SINCE = "list_since"
    GET_BY_CODE = "get_by_code"
    WRITE = "write"
    WEBHOOK = "webhook"


@dataclass(frozen=True)
class ConnectorSpec:
    """A connector's declaration: its name, its settings model and its capability table."""

    name: str
    title: str
    settings: type[BaseModel]
    capabilities: dict[Entity, frozenset[Operation]] = field(default_factory=dict)
    client: Callable[[Any], Any] | None = None
    """settings -> a connectors.contract.PlatformClient for that account."""
    verify_notification: Callable[[Any, Any], Any] | None = None
    """(InboundRequest, settings) -> Notification, or raises NotificationRefused."""
    token_updates: Callable[[Any], dict[str, Any]] | None = None
    """For platforms whose tokens expire: renewed tokens -> the settings fields to store. The
    engine then builds clients as ``client(settings, on_tokens=hook)`` and persists them."""
    sandbox_kit: Callable[[], Any] | None = None
    """() -> a connectors.contract.SandboxKit driving this platform's sandbox."""
    extras: type[BaseModel] | None = None
    """The platform's own Configurações (an integration's ``settings.platform_extras``)."""
    product_specifications: bool = False
    """True: a product write sets ``Product.specifications`` on the platform; False: the
    platform has no documented place for them and they are not sent."""
    on_products: dict[Entity, str] = field(default_factory=dict)
    """Catalogue entities the platform keeps on each product instead of as records of their
    own (Shopify's vendor), each with the sentence an operator reads when asked to export
    them: they travel with the products."""
    store_keys: tuple[str, ...] = ()
    """The non-secret connection fields that name the store: two integrations equal on them
    are the same store connected twice (one order there is one ERP order)."""

    def can(self, entity: Entity, operation: Operation) -> bool:
        return operation in self.capabilities.get(entity, frozenset())

"""Which store an integration connects: two integrations of one store (connected twice) share
its orders; two stores whose orders share number and id (each Tray store's first order is
1000) do not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from connectors.registry import PLATFORMS
from schemas.integration import Integration

if TYPE_CHECKING:
    from engine.context import Engine


def same_store(one: Integration, other: Integration) -> bool:
    """True when both integrations name the same store by their connector's store keys."""
    if one.platform != other.platform:
        return False
    spec = PLATFORMS.get(one.platform)
    keys = spec.store_keys if spec is not None and spec.store_keys else tuple(one.connection)
    return all(one.connection.get(key) == other.connection.get(key) for key in keys)


def another_stores_record(
    engine: Engine, integration: Integration, entity: str, erp_id: str
) -> bool:
    """Whether the ERP record is linked to an integration of another store (and not to one of
    this store, which would make it this store's)."""
    owners = [engine.registry.get(owner) for owner in engine.views.links.linked_by(entity, erp_id)]
    known = [owner for owner in owners if owner is not None]
    return bool(known) and not any(same_store(integration, owner) for owner in known)

"""Tray's declaration: what the engine may ask of it."""

from __future__ import annotations

from typing import Any

from connectors.capabilities import ConnectorSpec, Entity, Operation
from connectors.tray.client import TrayClient
from connectors.tray.settings import TrayExtras, TraySettings
from connectors.tray.webhooks import verify_tray_notification


def _sandbox_kit() -> Any:
    """The sandbox kit, imported only when a test or the demo asks for it (aiohttp server)."""
    from connectors.tray.sandbox.kit import TraySandboxKit

    return TraySandboxKit()


TRAY = ConnectorSpec(
    store_keys=("api_address", "store_id"),
    name="tray",
    title="Tray",
    settings=TraySettings,
    extras=TrayExtras,
    product_specifications=True,
    capabilities={
        Entity.ORDER: frozenset(
            {
                Operation.READ,
                Operation.LIST_SINCE,
                Operation.GET_BY_CODE,
                Operation.WRITE,
                Operation.WEBHOOK,
            }
        ),
        Entity.PRODUCT: frozenset(
            {
                Operation.READ,
                Operation.LIST_SINCE,
                Operation.GET_BY_CODE,
                Operation.WRITE,
                Operation.WEBHOOK,
            }
        ),
        Entity.CATEGORY: frozenset({Operation.READ, Operation.GET_BY_CODE, Operation.WRITE}),
        Entity.BRAND: frozenset({Operation.READ, Operation.GET_BY_CODE, Operation.WRITE}),
        # "características" (GET /products/properties): no change date, so no LIST_SINCE; no
        # read by id is documented, so GET_BY_CODE finds the id in the list. Written with
        # POST /properties when the store has none of that name (no update is documented).
        Entity.ATTRIBUTE: frozenset({Operation.READ, Operation.GET_BY_CODE, Operation.WRITE}),
        Entity.STOCK: frozenset({Operation.WRITE}),
        Entity.PRICE: frozenset({Operation.WRITE}),
    },
    client=TrayClient,
    verify_notification=verify_tray_notification,
    token_updates=lambda tokens: tokens.as_settings_update(),
    sandbox_kit=_sandbox_kit,
)

"""Automações: the per-integration switches, grouped as the merchant sees them.

Every switch is off until an operator turns it on (the product asks for care before enabling
them). Scheduled switches carry an interval, never below their platform-safe minimum.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from schemas.base import Canonical


class AutomationGroup(StrEnum):
    PRODUTO = "Produto"
    ESTOQUE = "Estoque"
    VENDAS = "Vendas"
    WEBHOOKS = "Webhooks"


class Automation(StrEnum):
    PRODUCT_EXPORT = "product_export"
    PRICE_EXPORT = "price_export"
    PRODUCT_IMPORT = "product_import"
    STOCK_EXPORT = "stock_export"
    ORDER_IMPORT = "order_import"
    ORDER_POLLING = "order_polling"
    ORDER_STATUS_EXPORT = "order_status_export"
    ORDER_PLATFORM_UPDATES = "order_platform_updates"
    RECONCILIATION = "reconciliation"
    WEBHOOKS = "webhooks"


GROUPS: dict[Automation, AutomationGroup] = {
    Automation.PRODUCT_EXPORT: AutomationGroup.PRODUTO,
    Automation.PRICE_EXPORT: AutomationGroup.PRODUTO,
    Automation.PRODUCT_IMPORT: AutomationGroup.PRODUTO,
    Automation.STOCK_EXPORT: AutomationGroup.ESTOQUE,
    Automation.ORDER_IMPORT: AutomationGroup.VENDAS,
    Automation.ORDER_POLLING: AutomationGroup.VENDAS,
    Automation.ORDER_STATUS_EXPORT: AutomationGroup.VENDAS,
    Automation.ORDER_PLATFORM_UPDATES: AutomationGroup.VENDAS,
    Automation.RECONCILIATION: AutomationGroup.VENDAS,
    Automation.WEBHOOKS: AutomationGroup.WEBHOOKS,
}

MINIMUM_INTERVAL_SECONDS: dict[Automation, int] = {
    Automation.ORDER_POLLING: 60,
    Automation.RECONCILIATION: 900,
}
"""Scheduled automations and their platform-safe minimum interval."""


class Switch(Canonical):
    enabled: bool = False
    interval_seconds: int | None = Field(
        None, ge=1, description="Scheduled automations only: seconds between runs."
    )


class Automations(Canonical):
    """One switch per automation; see ``Automation`` for what each one does."""

    product_export: Switch = Field(
        Switch(), description="Produto: export products ERP -> platform on every ERP change."
    )
    price_export: Switch = Field(
        Switch(), description="Produto: send prices (price list, promotions) ERP -> platform."
    )
    product_import: Switch = Field(
        Switch(), description="Produto: import products platform -> ERP."
    )
    stock_export: Switch = Field(
        Switch(), description="Estoque: send stock ERP -> platform (absolute quantity)."
    )
    order_import: Switch = Field(
        Switch(), description="Vendas: import platform orders into the ERP (webhooks)."
    )
    order_polling: Switch = Field(
        Switch(interval_seconds=300),
        description="Vendas: also read new orders on a schedule (deduplicated with webhooks).",
    )
    order_status_export: Switch = Field(
        Switch(),
        description="Vendas: send order status, NF-e, tracking and cancellation ERP -> platform.",
    )
    order_platform_updates: Switch = Field(
        Switch(), description="Vendas: platform-side payment and cancellation -> ERP."
    )
    reconciliation: Switch = Field(
        Switch(interval_seconds=3600),
        description="Vendas: compare recent orders and stock, emit what is missing.",
    )
    webhooks: Switch = Field(
        Switch(), description="Webhooks: keep the platform's webhooks registered for us."
    )

    def is_on(self, automation: Automation) -> bool:
        switch: Switch = getattr(self, automation.value)
        return switch.enabled

    def switch(self, automation: Automation) -> Switch:
        found: Switch = getattr(self, automation.value)
        return found

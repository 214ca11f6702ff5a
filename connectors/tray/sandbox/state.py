"""The sandbox's store operations, shared by the HTTP API, the control API and the kit."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from aiohttp import web

from connectors.tray.sandbox import records
from connectors.tray.sandbox.config import SandboxConfig
from connectors.tray.sandbox.limits import Limits
from connectors.tray.sandbox.store import TrayStore
from connectors.tray.values import STORE_TIME


def _stamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, STORE_TIME).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class SandboxState:
    config: SandboxConfig
    store: TrayStore
    limits: Limits
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    delay_seconds: float = 0.0
    delay_calls: int = 0

    # auth

    def issue_tokens(self) -> dict[str, str]:
        """A new token pair, answered as ``POST /auth`` does."""
        now = time.time()
        access = f"APP_ID-{self.config.app_code}-{secrets.token_hex(24)}"
        refresh = secrets.token_hex(32)
        access_at, refresh_at = now + self.config.access_ttl, now + self.config.refresh_ttl
        self.store.save_tokens(access, refresh, access_at, refresh_at)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "date_expiration_access_token": _stamp(access_at),
            "date_expiration_refresh_token": _stamp(refresh_at),
            "date_activated": _stamp(now),
            "api_host": "",
            "store_id": self.config.store_id,
        }

    def token_state(self, access: str) -> str:
        """ "valid", "expired" or "unknown"."""
        row = self.store.token(access)
        if row is None:
            return "unknown"
        return "valid" if row["access_expires"] > time.time() else "expired"

    def take_delay(self) -> float:
        if self.delay_calls <= 0:
            return 0.0
        self.delay_calls -= 1
        return self.delay_seconds

    # catalogue

    def create(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        builders = {
            "Product": records.product,
            "Variant": records.variant,
            "Category": records.category,
            "Brand": records.brand,
            "Property": records.product_property,
        }
        record = builders[kind](self.store.next_id(kind), fields)
        if kind == "Product":
            self._name_category(record)
        self.store.put(kind, record)
        if kind == "Variant":
            self._link_variant(record)
        return record

    def update(self, kind: str, record: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        money = records.PRODUCT_MONEY if kind == "Product" else records.VARIANT_MONEY
        records.merge_fields(record, {k: v for k, v in fields.items() if k != "id"}, money)
        if kind in ("Product", "Variant"):
            record["modified"] = records.now_text()
        if kind == "Product":
            self._name_category(record)
        if kind == "Variant" and isinstance(fields.get("Sku"), list):
            record["Sku"] = records.variant(0, {"Sku": fields["Sku"]})["Sku"]
        self.store.put(kind, record)
        return record

    def _name_category(self, product: dict[str, Any]) -> None:
        """A product shows its main category's name next to its id, as Tray's GET does."""
        category = self.store.get("Category", product["category_id"])
        product["category_name"] = category["name"] if category else ""

    def _link_variant(self, variant: dict[str, Any]) -> None:
        product = self.store.get("Product", variant["product_id"])
        if product is not None:
            product["Variant"] = [*product["Variant"], {"id": variant["id"]}]
            product["has_variation"] = "1"
            product["modified"] = records.now_text()
            self.store.put("Product", product)

    # orders

    def statuses(self) -> list[dict[str, Any]]:
        return self.store.all("OrderStatus")

    def ensure_statuses(self) -> None:
        if self.statuses():
            return
        for offset, (name, kind) in enumerate(self.config.statuses):
            status_id = self.config.first_status_id + offset * 3
            self.store.put("OrderStatus", records.order_status(status_id, name, kind))

    def status_named(self, name: str) -> dict[str, Any] | None:
        return next((s for s in self.statuses() if s["status"] == name), None)

    def set_status(self, order: dict[str, Any], status: dict[str, Any]) -> None:
        order["status"] = status["status"]
        order["OrderStatus"] = {**order["OrderStatus"], **status}

    def place_order(self, fields: dict[str, Any]) -> dict[str, Any]:
        """``POST /orders``: an order from a customer and line items; notifies `order` insert."""
        from connectors.tray.sandbox.orders import new_order

        order = new_order(self, fields)
        self.store.put("Order", order)
        self.notify("order", order["id"], "insert")
        return order

    def save_order(self, order: dict[str, Any]) -> None:
        order["modified"] = records.now_text()
        self.store.put("Order", order)
        self.notify("order", order["id"], "update")

    # notifications

    def notify(self, scope: str, scope_id: str, act: str) -> None:
        """Queue Tray's form-encoded notification for every registered URL."""
        urls = self.store.notify_urls()
        for url in urls:
            fields = {
                "seller_id": self.config.store_id,
                "scope_id": str(scope_id),
                "scope_name": scope,
                "act": act,
                "app_code": self.config.app_code,
                "url_notification": url,
            }
            self.store.enqueue(url, fields, time.time())
        if urls:
            self.wake.set()


def total(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal("0"))


STATE: web.AppKey[SandboxState] = web.AppKey("tray_sandbox_state", SandboxState)

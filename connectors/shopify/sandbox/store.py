"""The fake shop's state in SQLite (WAL): shop, id sequences, orders, webhook subscriptions,
catalogue resources (products, collections, fulfilment orders, metafields...), inventory
levels and access tokens.

Resources are kept as the JSON Shopify would return (orjson keeps 64-bit ids exact); the few
columns beside them exist only to filter and paginate.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

# First id of each kind; orders and line items start above 2^53 like real Shopify ids.
FIRST_IDS = {
    "Order": 820982911946154508,
    "LineItem": 487817672276298554,
    "Customer": 115310627314723954,
    "MailingAddress": 715243470612851245,
    "ShippingLine": 271878346596884015,
    "WebhookSubscription": 1047897672,
    "OrderNumber": 1,
    "Product": 7513594708183420001,
    "ProductVariant": 42485011456284001,
    "ProductOption": 9514018193553001,
    "InventoryItem": 44588452118652001,
    "Collection": 408372092144951501,
    "FulfillmentOrder": 6513012015245001,
    "FulfillmentOrderLineItem": 13584902357101001,
    "Fulfillment": 5426132811973001,
    "Metafield": 28937254781021001,
    "ProductImage": 35231286222101001,
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS shop (id INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sequences (kind TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY, updated_at REAL NOT NULL, closed INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS webhooks (
    id INTEGER PRIMARY KEY, topic TEXT NOT NULL, address TEXT NOT NULL, body BLOB NOT NULL,
    UNIQUE (topic, address));
CREATE TABLE IF NOT EXISTS deliveries (
    webhook_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, subscription_id INTEGER NOT NULL,
    topic TEXT NOT NULL, address TEXT NOT NULL, api_version TEXT NOT NULL,
    triggered_at TEXT NOT NULL, body BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    last_status INTEGER, last_error TEXT, next_attempt_at REAL, delivered_at TEXT,
    state TEXT NOT NULL DEFAULT 'pending');
CREATE TABLE IF NOT EXISTS resources (
    kind TEXT NOT NULL, id INTEGER NOT NULL, parent_id INTEGER, updated_at REAL NOT NULL,
    handle TEXT, vendor TEXT, body BLOB NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS inventory_levels (
    inventory_item_id INTEGER NOT NULL, location_id INTEGER NOT NULL, body BLOB NOT NULL,
    PRIMARY KEY (inventory_item_id, location_id));
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, kind TEXT NOT NULL, expires_at REAL);
"""

# `status` filter of GET /orders.json -> SQL condition.
STATUS_FILTERS = {
    "open": "closed = 0 AND cancelled = 0",
    "closed": "closed = 1",
    "cancelled": "cancelled = 1",
    "any": "1 = 1",
}


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create) the sandbox database in WAL mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    return conn


class ShopStore:
    """Shop, orders and webhook subscriptions of one fake shop."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.conn:
            yield

    def next_id(self, kind: str) -> int:
        row = self.conn.execute("SELECT next FROM sequences WHERE kind = ?", (kind,)).fetchone()
        value = int(row["next"]) if row else FIRST_IDS[kind]
        self.conn.execute(
            "INSERT INTO sequences (kind, next) VALUES (?, ?) "
            "ON CONFLICT (kind) DO UPDATE SET next = excluded.next",
            (kind, value + 1),
        )
        return value

    def shop(self) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT body FROM shop").fetchone()
        return _loads(row["body"]) if row else None

    def save_shop(self, shop: dict[str, Any]) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM shop")
            self.conn.execute(
                "INSERT INTO shop (id, body) VALUES (?, ?)", (shop["id"], orjson.dumps(shop))
            )

    def insert_order(self, order: dict[str, Any]) -> None:
        updated = datetime.fromisoformat(order["updated_at"]).timestamp()
        self.conn.execute(
            "INSERT INTO orders (id, updated_at, closed, cancelled, body) VALUES (?, ?, ?, ?, ?)",
            (
                order["id"],
                updated,
                order["closed_at"] is not None,
                order["cancelled_at"] is not None,
                orjson.dumps(order),
            ),
        )

    def get_order(self, order_id: int) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT body FROM orders WHERE id = ?", (order_id,)).fetchone()
        return _loads(row["body"]) if row else None

    def list_orders(
        self, status: str, updated_at_min: float | None, after_id: int | None, limit: int
    ) -> list[dict[str, Any]]:
        """Orders by ascending id, after the cursor; one more than ``limit`` tells a next page."""
        sql = f"SELECT body FROM orders WHERE {STATUS_FILTERS[status]}"
        args: list[Any] = []
        if updated_at_min is not None:
            sql += " AND updated_at >= ?"
            args.append(updated_at_min)
        if after_id is not None:
            sql += " AND id > ?"
            args.append(after_id)
        sql += " ORDER BY id LIMIT ?"
        args.append(limit)
        return [_loads(row["body"]) for row in self.conn.execute(sql, args)]

    def list_webhooks(self, topic: str | None, address: str | None) -> list[dict[str, Any]]:
        sql, args = "SELECT body FROM webhooks WHERE 1 = 1", list[str]()
        if topic:
            sql, args = sql + " AND topic = ?", [*args, topic]
        if address:
            sql, args = sql + " AND address = ?", [*args, address]
        return [_loads(row["body"]) for row in self.conn.execute(sql + " ORDER BY id", args)]

    def insert_webhook(self, webhook: dict[str, Any]) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO webhooks (id, topic, address, body) VALUES (?, ?, ?, ?)",
                (webhook["id"], webhook["topic"], webhook["address"], orjson.dumps(webhook)),
            )

    def delete_webhook(self, webhook_id: int) -> bool:
        with self.conn:
            cursor = self.conn.execute("DELETE FROM webhooks WHERE id = ?", (webhook_id,))
        return cursor.rowcount > 0

    def update_order(self, order: dict[str, Any]) -> None:
        updated = datetime.fromisoformat(order["updated_at"]).timestamp()
        self.conn.execute(
            "UPDATE orders SET updated_at = ?, closed = ?, cancelled = ?, body = ? WHERE id = ?",
            (
                updated,
                order["closed_at"] is not None,
                order["cancelled_at"] is not None,
                orjson.dumps(order),
                order["id"],
            ),
        )


def _loads(raw: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = orjson.loads(raw)
    return decoded

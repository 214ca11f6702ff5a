"""Catalogue-side resources of the fake shop, kept as Shopify's JSON in SQLite: products,
collections, inventory items, fulfilment orders, fulfilments, metafields (one table, by kind),
inventory levels, and the access and refresh tokens the shop honours."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson

FILTERABLE = frozenset({"handle", "vendor"})


def _loads(raw: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = orjson.loads(raw)
    return decoded


class Resources:
    """Resources by kind ("Product", "Collection", ...), filtered and paged like Shopify lists."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def put(self, kind: str, body: dict[str, Any], parent_id: int | None = None) -> None:
        """Insert or replace; ``updated_at`` (ISO) orders and filters lists. Caller commits."""
        stamp = body.get("updated_at")
        updated = datetime.fromisoformat(stamp).timestamp() if stamp else time.time()
        self.conn.execute(
            "INSERT OR REPLACE INTO resources (kind, id, parent_id, updated_at, handle, vendor, "
            "body) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                kind,
                body["id"],
                parent_id,
                updated,
                body.get("handle"),
                body.get("vendor"),
                orjson.dumps(body),
            ),
        )

    def get(self, kind: str, resource_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT body FROM resources WHERE kind = ? AND id = ?", (kind, resource_id)
        ).fetchone()
        return _loads(row["body"]) if row else None

    def parent_of(self, kind: str, resource_id: int) -> int | None:
        row = self.conn.execute(
            "SELECT parent_id FROM resources WHERE kind = ? AND id = ?", (kind, resource_id)
        ).fetchone()
        return None if row is None or row["parent_id"] is None else int(row["parent_id"])

    def delete(self, kind: str, ids: Iterable[int]) -> None:
        self.conn.executemany(
            "DELETE FROM resources WHERE kind = ? AND id = ?", [(kind, i) for i in ids]
        )

    def find(
        self,
        kind: str,
        *,
        after_id: int | None = None,
        limit: int = 250,
        updated_at_min: float | None = None,
        parent_id: int | None = None,
        **equal: str | None,
    ) -> list[dict[str, Any]]:
        """By ascending id, after the cursor; ``equal`` filters on handle / vendor."""
        sql, args = "SELECT body FROM resources WHERE kind = ?", list[object]([kind])
        conditions: list[tuple[str, object]] = [
            ("id >", after_id),
            ("updated_at >=", updated_at_min),
            ("parent_id =", parent_id),
            *((f"{column} =", value) for column, value in equal.items() if column in FILTERABLE),
        ]
        for condition, value in conditions:
            if value is not None:
                sql, args = f"{sql} AND {condition} ?", [*args, value]
        sql, args = f"{sql} ORDER BY id LIMIT ?", [*args, limit]
        return [_loads(row["body"]) for row in self.conn.execute(sql, args)]

    def handle_taken(self, kind: str, handle: str, except_id: int | None = None) -> bool:
        row = self.conn.execute(
            "SELECT id FROM resources WHERE kind = ? AND handle = ? AND id != ?",
            (kind, handle, except_id or 0),
        ).fetchone()
        return row is not None

    def put_level(self, level: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO inventory_levels (inventory_item_id, location_id, body) "
            "VALUES (?, ?, ?)",
            (level["inventory_item_id"], level["location_id"], orjson.dumps(level)),
        )

    def levels(
        self, item_ids: list[int] | None = None, location_ids: list[int] | None = None
    ) -> list[dict[str, Any]]:
        sql, args = "SELECT body FROM inventory_levels WHERE 1 = 1", list[int]()
        for column, values in (("inventory_item_id", item_ids), ("location_id", location_ids)):
            if values:
                sql += f" AND {column} IN ({','.join('?' * len(values))})"
                args.extend(values)
        rows = self.conn.execute(sql + " ORDER BY inventory_item_id, location_id", args)
        return [_loads(row["body"]) for row in rows]


class Tokens:
    """Access tokens (may expire) and refresh tokens (single use: rotated on every refresh)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def grant(self, token: str, kind: str, expires_at: float | None) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT OR REPLACE INTO tokens (token, kind, expires_at) VALUES (?, ?, ?)",
                (token, kind, expires_at),
            )

    def grant_once(self, token: str, kind: str) -> None:
        """Seed a configured token on first start; a restart keeps what happened to it."""
        with self.conn:
            self.conn.execute(
                "INSERT OR IGNORE INTO tokens (token, kind, expires_at) VALUES (?, ?, NULL)",
                (token, kind),
            )

    def valid(self, token: str, kind: str, now: float) -> bool:
        row = self.conn.execute(
            "SELECT expires_at FROM tokens WHERE token = ? AND kind = ?", (token, kind)
        ).fetchone()
        return row is not None and (row["expires_at"] is None or row["expires_at"] > now)

    def revoke(self, token: str) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM tokens WHERE token = ?", (token,))

    def expire_all(self, kind: str, now: float) -> int:
        with self.conn:
            cursor = self.conn.execute(
                "UPDATE tokens SET expires_at = ? WHERE kind = ? AND "
                "(expires_at IS NULL OR expires_at > ?)",
                (now, kind, now),
            )
        return cursor.rowcount

"""Durable sandbox state in SQLite: catalog records, inventory, prices, orders, hook
deliveries and the Feed v3 queue. One JSON document per record, as VTEX returns it."""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import orjson

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, body BLOB NOT NULL,
    PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS deliveries (
    id TEXT PRIMARY KEY, url TEXT NOT NULL, headers BLOB NOT NULL, body BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, due REAL NOT NULL, state TEXT NOT NULL,
    last_status INTEGER, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS feed (
    handle TEXT PRIMARY KEY, body BLOB NOT NULL, visible_at REAL NOT NULL, created REAL NOT NULL);
"""


def connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(_SCHEMA)
    return conn


class Store:
    """Records by kind ("product", "sku", "category", "brand", "order", "price", "inventory",
    "hook"), in insertion order."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, kind: str, record_id: str) -> Any:
        row = self.conn.execute(
            "SELECT body FROM docs WHERE kind = ? AND id = ?", (kind, str(record_id))
        ).fetchone()
        return orjson.loads(row[0]) if row else None

    def put(self, kind: str, record_id: str, body: Any) -> None:
        self.conn.execute(
            "INSERT INTO docs (kind, id, seq, body) VALUES (?, ?, "
            "(SELECT COALESCE(MAX(seq), 0) + 1 FROM docs), ?) "
            "ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
            (kind, str(record_id), orjson.dumps(body)),
        )

    def delete(self, kind: str, record_id: str) -> bool:
        deleted = self.conn.execute(
            "DELETE FROM docs WHERE kind = ? AND id = ?", (kind, str(record_id))
        )
        return deleted.rowcount > 0

    def all(self, kind: str) -> list[Any]:
        rows = self.conn.execute("SELECT body FROM docs WHERE kind = ? ORDER BY seq", (kind,))
        return [orjson.loads(row[0]) for row in rows]

    def next_id(self, kind: str, start: int) -> int:
        row = self.conn.execute(
            "SELECT MAX(CAST(id AS INTEGER)) FROM docs WHERE kind = ?", (kind,)
        ).fetchone()
        return max(int(row[0] or 0) + 1, start)

    # hook deliveries
    def enqueue_delivery(self, url: str, headers: dict[str, str], body: bytes) -> str:
        delivery_id = uuid.uuid4().hex
        now = time.time()
        self.conn.execute(
            "INSERT INTO deliveries (id, url, headers, body, due, state, created) "
            "VALUES (?, ?, ?, ?, ?, 'pending', ?)",
            (delivery_id, url, orjson.dumps(headers), body, now, now),
        )
        return delivery_id

    def due_deliveries(self, now: float) -> list[tuple[str, str, dict[str, str], bytes, int]]:
        rows = self.conn.execute(
            "SELECT id, url, headers, body, attempts FROM deliveries "
            "WHERE state = 'pending' AND due <= ? ORDER BY created",
            (now,),
        ).fetchall()
        return [(r[0], r[1], orjson.loads(r[2]), bytes(r[3]), int(r[4])) for r in rows]

    def next_due(self) -> float | None:
        row = self.conn.execute(
            "SELECT MIN(due) FROM deliveries WHERE state = 'pending'"
        ).fetchone()
        return None if row[0] is None else float(row[0])

    def record_attempt(self, delivery_id: str, status: int | None, state: str, due: float) -> None:
        self.conn.execute(
            "UPDATE deliveries SET attempts = attempts + 1, last_status = ?, state = ?, due = ? "
            "WHERE id = ?",
            (status, state, due, delivery_id),
        )

    def deliveries(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT id, url, body, attempts, state, last_status FROM deliveries ORDER BY created"
        )
        return [
            {"id": r[0], "url": r[1], "body": orjson.loads(r[2]), "attempts": r[3],
             "state": r[4], "last_status": r[5]}
            for r in rows
        ]  # fmt: skip

    # Feed v3
    def push_feed(self, item: dict[str, Any]) -> None:
        now = time.time()
        self.conn.execute(
            "INSERT INTO feed (handle, body, visible_at, created) VALUES (?, ?, ?, ?)",
            (item["handle"], orjson.dumps(item), now, now),
        )

    def take_feed(self, max_lot: int, visibility: float) -> list[dict[str, Any]]:
        now = time.time()
        rows = self.conn.execute(
            "SELECT handle, body FROM feed WHERE visible_at <= ? ORDER BY created LIMIT ?",
            (now, max_lot),
        ).fetchall()
        for handle, _ in rows:
            self.conn.execute(
                "UPDATE feed SET visible_at = ? WHERE handle = ?", (now + visibility, handle)
            )
        return [orjson.loads(body) for _, body in rows]

    def commit_feed(self, handles: list[str]) -> None:
        self.conn.executemany("DELETE FROM feed WHERE handle = ?", [(h,) for h in handles])

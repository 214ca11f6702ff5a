"""The sandbox's durable state in SQLite: records as JSON documents, webhook deliveries, and
the store's switches (token, 402). Survives restarts of the sandbox."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, id INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS sequence (kind TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, body BLOB NOT NULL,
    headers TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending', last_status INTEGER, event TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS switches (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
FIRST_IDS = {
    "product": 10_000_001,
    "variant": 20_000_001,
    "category": 3_000_001,
    "order": 450_000_001,
    "order_number": 100,
    "webhook": 8_001,
    "metafield": 70_001,
    "customer": 600_001,
    "image": 900_001,
    "line": 970_000_001,
}


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(SCHEMA)
    return conn


class Records:
    """Every resource as a JSON document keyed by (kind, id)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def next_id(self, kind: str) -> int:
        row = self.conn.execute("SELECT last FROM sequence WHERE kind = ?", (kind,)).fetchone()
        value = FIRST_IDS[kind] if row is None else row[0] + 1
        self.conn.execute(
            "INSERT INTO sequence (kind, last) VALUES (?, ?) "
            "ON CONFLICT (kind) DO UPDATE SET last = excluded.last",
            (kind, value),
        )
        return value

    def save(self, kind: str, record: dict[str, Any]) -> dict[str, Any]:
        self.conn.execute(
            "INSERT INTO records (kind, id, body) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
            (kind, int(record["id"]), orjson.dumps(record).decode()),
        )
        return record

    def get(self, kind: str, record_id: Any) -> dict[str, Any] | None:
        try:
            key = int(record_id)
        except (TypeError, ValueError):
            return None
        row = self.conn.execute(
            "SELECT body FROM records WHERE kind = ? AND id = ?", (kind, key)
        ).fetchone()
        return None if row is None else dict(orjson.loads(row[0]))

    def delete(self, kind: str, record_id: int) -> bool:
        cursor = self.conn.execute(
            "DELETE FROM records WHERE kind = ? AND id = ?", (kind, record_id)
        )
        return cursor.rowcount > 0

    def all(self, kind: str) -> Iterator[dict[str, Any]]:
        for (body,) in self.conn.execute(
            "SELECT body FROM records WHERE kind = ? ORDER BY id", (kind,)
        ):
            yield dict(orjson.loads(body))

    def switch(self, name: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM switches WHERE name = ?", (name,)).fetchone()
        return default if row is None else str(row[0])

    def set_switch(self, name: str, value: str | None) -> None:
        if value is None:
            self.conn.execute("DELETE FROM switches WHERE name = ?", (name,))
        else:
            self.conn.execute(
                "INSERT INTO switches (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

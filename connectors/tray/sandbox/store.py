"""The fake store's state in SQLite (WAL): records as the JSON Tray returns, tokens, codes,
notification deliveries. Durable: a restarted sandbox keeps its store."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import orjson

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, id INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS sequences (kind TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    access_token TEXT PRIMARY KEY, refresh_token TEXT NOT NULL,
    access_expires REAL NOT NULL, refresh_expires REAL NOT NULL, issued REAL NOT NULL);
CREATE TABLE IF NOT EXISTS denied_tokens (access_token TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS codes (code TEXT PRIMARY KEY, used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS notify_urls (url TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, fields BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT 'pending',
    next_attempt_at REAL NOT NULL, last_status INTEGER, last_error TEXT, created REAL NOT NULL);
"""


def connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(SCHEMA)
    return conn


class TrayStore:
    """Records by kind ("Product", "Variant", "Order", ...) and the auth and delivery tables."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def next_id(self, kind: str, first: int = 1) -> int:
        row = self.conn.execute("SELECT next FROM sequences WHERE kind = ?", (kind,)).fetchone()
        value = int(row["next"]) if row else first
        self.conn.execute(
            "INSERT INTO sequences (kind, next) VALUES (?, ?) "
            "ON CONFLICT (kind) DO UPDATE SET next = excluded.next",
            (kind, value + 1),
        )
        return value

    def put(self, kind: str, record: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO records (kind, id, body) VALUES (?, ?, ?)",
            (kind, int(record["id"]), orjson.dumps(record)),
        )

    def get(self, kind: str, record_id: str | int) -> dict[str, Any] | None:
        try:
            key = int(record_id)
        except ValueError:
            return None
        row = self.conn.execute(
            "SELECT body FROM records WHERE kind = ? AND id = ?", (kind, key)
        ).fetchone()
        return orjson.loads(row["body"]) if row else None

    def all(self, kind: str) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT body FROM records WHERE kind = ? ORDER BY id", (kind,))
        return [orjson.loads(row["body"]) for row in rows]

    # auth

    def add_code(self, code: str) -> None:
        self.conn.execute("INSERT OR IGNORE INTO codes (code) VALUES (?)", (code,))

    def spend_code(self, code: str) -> bool:
        """True once for a known code; a code is exchanged a single time."""
        cursor = self.conn.execute("UPDATE codes SET used = 1 WHERE code = ? AND used = 0", (code,))
        return cursor.rowcount == 1

    def save_tokens(
        self, access: str, refresh: str, access_expires: float, refresh_expires: float
    ) -> None:
        self.conn.execute(
            "INSERT INTO tokens VALUES (?, ?, ?, ?, ?)",
            (access, refresh, access_expires, refresh_expires, time.time()),
        )

    def token(self, access: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM tokens WHERE access_token = ?", (access,)
        ).fetchone()
        return row

    def deny(self, access: str) -> None:
        """The app behind ``access`` loses its permission on the store's resources."""
        self.conn.execute("INSERT OR IGNORE INTO denied_tokens VALUES (?)", (access,))

    def denied(self, access: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM denied_tokens WHERE access_token = ?", (access,)
        ).fetchone()
        return row is not None

    def by_refresh(self, refresh: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM tokens WHERE refresh_token = ? ORDER BY issued DESC", (refresh,)
        ).fetchone()
        return row

    def expire_access_tokens(self, now: float) -> int:
        cursor = self.conn.execute(
            "UPDATE tokens SET access_expires = ? WHERE access_expires > ?", (now - 1, now)
        )
        return cursor.rowcount

    # notifications

    def notify_urls(self) -> list[str]:
        return [row["url"] for row in self.conn.execute("SELECT url FROM notify_urls ORDER BY url")]

    def add_notify_url(self, url: str) -> None:
        self.conn.execute("INSERT OR IGNORE INTO notify_urls (url) VALUES (?)", (url,))

    def enqueue(self, url: str, fields: dict[str, str], now: float) -> None:
        self.conn.execute(
            "INSERT INTO deliveries (url, fields, next_attempt_at, created) VALUES (?, ?, ?, ?)",
            (url, orjson.dumps(fields), now, now),
        )

    def due(self, now: float) -> list[sqlite3.Row]:
        return list(
            self.conn.execute(
                "SELECT * FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id",
                (now,),
            )
        )

    def next_due(self) -> float | None:
        row = self.conn.execute(
            "SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE state = 'pending'"
        ).fetchone()
        return None if row["at"] is None else float(row["at"])

    def record_attempt(
        self, delivery_id: int, status: int | None, error: str | None, retry_at: float | None
    ) -> None:
        state = "delivered" if status == 200 else "pending"
        self.conn.execute(
            "UPDATE deliveries SET attempts = attempts + 1, state = ?, last_status = ?, "
            "last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ?",
            (state, status, error, retry_at, delivery_id),
        )

    def deliveries(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM deliveries ORDER BY id")
        return [{**dict(row), "fields": orjson.loads(row["fields"])} for row in rows]

"""The sandbox's durable state: orders and products as JSON documents in SQLite (WAL).

Documents are stored as the JSON text `json_exact` writes, so money keeps its exact digits.
Calls are small indexed reads and single-row writes, run inline on the event loop.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from connectors.erp import json_exact

Document = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pedidos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    numero_oc TEXT,
    data TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pedidos_numero_oc ON pedidos (numero_oc);
CREATE INDEX IF NOT EXISTS pedidos_data ON pedidos (data);
-- Not part of the ERP: when the sandbox stored each order, for the control surface. A table of
-- its own so a database file from before it existed still opens (old orders have no time).
CREATE TABLE IF NOT EXISTS pedidos_criados (
    id INTEGER PRIMARY KEY,
    created_at_ms REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS produtos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc TEXT NOT NULL
);
"""

# The ERP's order number is a sequence of its own; keeping it apart from `id` catches a
# client that mixes the two up.
_NUMERO_PEDIDO_BASE = 10000


class SandboxStore:
    """Orders and products of one sandbox tenant."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def insert_order(self, pedido: Document) -> Document:
        """Store a validated order, assigning `id` and `numeroPedido`; return it as stored."""
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO pedidos (numero_oc, data, doc) VALUES (?, ?, '')",
                (pedido.get("numeroDaOrdemDeCompra"), str(pedido["data"])[:10]),
            )
            order_id = int(cursor.lastrowid or 0)
            self._db.execute(
                "INSERT INTO pedidos_criados (id, created_at_ms) VALUES (?, ?)",
                (order_id, time.time_ns() / 1e6),
            )
            assigned = {"id": str(order_id), "numeroPedido": str(_NUMERO_PEDIDO_BASE + order_id)}
            stored = assigned | {k: v for k, v in pedido.items() if k not in assigned}
            self._write(order_id, stored)
        return stored

    def replace_order(self, pedido: Document) -> None:
        with self._transaction():
            self._write(int(pedido["id"]), pedido)

    def order(self, order_id: int) -> Document | None:
        row = self._db.execute("SELECT doc FROM pedidos WHERE id = ?", (order_id,)).fetchone()
        return None if row is None else _document(row[0])

    def orders_by_purchase_number(self, numero: str) -> list[Document]:
        rows = self._db.execute(
            "SELECT doc FROM pedidos WHERE numero_oc = ? ORDER BY id", (numero,)
        ).fetchall()
        return [_document(doc) for (doc,) in rows]

    def orders(
        self, *, offset: int, count: int, from_date: str | None, to_date: str | None
    ) -> list[Document]:
        """Orders dated within [from_date, to_date] (yyyy-MM-dd, either open), by id."""
        rows = self._db.execute(
            "SELECT doc FROM pedidos WHERE (?1 IS NULL OR data >= ?1) AND (?2 IS NULL OR data <= ?2)"
            " ORDER BY id LIMIT ?3 OFFSET ?4",
            (from_date, to_date, count, offset),
        ).fetchall()
        return [_document(doc) for (doc,) in rows]

    def creation_times(self) -> dict[int, float]:
        """Order id -> wall-clock time the sandbox stored it, in ms since the epoch."""
        rows = self._db.execute("SELECT id, created_at_ms FROM pedidos_criados").fetchall()
        return {int(order_id): float(created) for order_id, created in rows}

    def order_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM pedidos").fetchone()[0])

    def products(self, *, offset: int, count: int) -> list[Document]:
        rows = self._db.execute(
            "SELECT doc FROM produtos ORDER BY id LIMIT ? OFFSET ?", (count, offset)
        ).fetchall()
        return [_document(doc) for (doc,) in rows]

    def seed_products(self, how_many: int) -> None:
        """Create demo products until there are `how_many` (idempotent across restarts)."""
        existing = int(self._db.execute("SELECT count(*) FROM produtos").fetchone()[0])
        with self._transaction():
            for n in range(existing + 1, how_many + 1):
                product = {"id": str(n), "codigo": f"SKU-{n:04d}", "nome": f"Produto {n}"}
                self._db.execute(
                    "INSERT INTO produtos (id, doc) VALUES (?, ?)",
                    (n, json_exact.dumps(product).decode()),
                )

    def _write(self, order_id: int, pedido: Document) -> None:
        self._db.execute(
            "UPDATE pedidos SET doc = ? WHERE id = ?",
            (json_exact.dumps(pedido).decode(), order_id),
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error (the connection is in autocommit)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def _document(text: str) -> Document:
    document = json_exact.loads(text)
    assert isinstance(document, dict)
    return document

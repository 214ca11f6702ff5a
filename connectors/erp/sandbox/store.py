"""The sandbox's durable state: JSON documents in SQLite (WAL), one connection per tenant.

Documents are stored as the JSON text `json_exact` writes, so money keeps its exact digits.
Calls are small indexed reads and single-row writes, run inline on the event loop. Orders live
here; products, stock, NF-e and the webhook outbox in the modules beside it, on the same
connection. New tables and expression indexes are `IF NOT EXISTS`, so a database file from an
older sandbox still opens.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from connectors.erp import json_exact
from connectors.erp.sandbox.catalog_store import AttributeTable, NamedTable, ProductTable
from connectors.erp.sandbox.fiscal_store import NfeTable, StockTable
from connectors.erp.sandbox.outbox import Outbox

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
CREATE INDEX IF NOT EXISTS produtos_codigo ON produtos (json_extract(doc, '$.codigo'));
CREATE INDEX IF NOT EXISTS produtos_master ON produtos (json_extract(doc, '$.idProdutoMaster'));
CREATE TABLE IF NOT EXISTS depositos (id TEXT PRIMARY KEY, nome TEXT NOT NULL);
INSERT OR IGNORE INTO depositos VALUES ('1', 'Principal'), ('2', 'Loja física');
CREATE TABLE IF NOT EXISTS estoques (
    codigo TEXT NOT NULL,
    deposito TEXT NOT NULL,
    quantidade TEXT NOT NULL,
    alterado_em TEXT NOT NULL,
    PRIMARY KEY (codigo, deposito)
);
CREATE TABLE IF NOT EXISTS movimentos (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    codigo TEXT NOT NULL,
    deposito TEXT NOT NULL,
    es TEXT NOT NULL,
    quantidade TEXT NOT NULL,
    registrado_em TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS nfes (numero INTEGER PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS categorias (id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS marcas (id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS atributos (id INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    secret TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entregas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id INTEGER NOT NULL,
    body BLOB NOT NULL,
    tentativas INTEGER NOT NULL DEFAULT 0,
    proxima REAL NOT NULL,
    entregue_em REAL,
    ultimo_status INTEGER
);
CREATE INDEX IF NOT EXISTS entregas_pendentes ON entregas (entregue_em, proxima);
"""

ERP_TIMEZONE = ZoneInfo("America/Sao_Paulo")


def now_local() -> str:
    """The ERP's own timestamp: Sao Paulo civil time to the second, `yyyy-MM-dd HH:mm:ss`."""
    return datetime.now(ERP_TIMEZONE).strftime("%Y-%m-%d %H:%M:%S")


# The ERP's order number is a sequence of its own; keeping it apart from `id` catches a
# client that mixes the two up.
_NUMERO_PEDIDO_BASE = 10000


class SandboxStore:
    """Everything one sandbox tenant holds; writes that go together share `transaction()`."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self.outbox = Outbox(self._db)
        self.products = ProductTable(self._db, self.outbox)
        self.stock = StockTable(self._db, self.outbox)
        self.nfes = NfeTable(self._db)
        self.categorias = NamedTable(self._db, "categorias", "categoria")
        self.marcas = NamedTable(self._db, "marcas", "marca")
        self.atributos = AttributeTable(self._db)
        self.frozen_at: str | None = None

    def now(self) -> str:
        """The stamp of a change: Sao Paulo time to the second, or the frozen time a test set
        (through `/_sandbox/clock`) to make changes share one second on purpose."""
        return self.frozen_at or now_local()

    def close(self) -> None:
        self._db.close()

    def transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def insert_order(self, pedido: Document) -> Document:
        """Store a validated order, assigning `id` and `numeroPedido`; return it as stored."""
        with self.transaction():
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
            stored["dataAlteracao"] = self.now()
            self._write(order_id, stored, "order.created")
        return stored

    def replace_order(self, pedido: Document) -> None:
        """Store a changed order, stamping `dataAlteracao`; call inside or outside a transaction."""
        pedido["dataAlteracao"] = self.now()
        if self._db.in_transaction:
            self._write(int(pedido["id"]), pedido, "order.updated")
            return
        with self.transaction():
            self._write(int(pedido["id"]), pedido, "order.updated")

    def order(self, order_id: int) -> Document | None:
        row = self._db.execute("SELECT doc FROM pedidos WHERE id = ?", (order_id,)).fetchone()
        return None if row is None else json_exact.loads_object(row[0])

    def order_by_number(self, numero_pedido: str) -> Document | None:
        """By the ERP's own order number (`numeroPedido`), which NF-e emission is keyed on."""
        if not numero_pedido.isdigit():
            return None
        return self.order(int(numero_pedido) - _NUMERO_PEDIDO_BASE)

    def orders_by_purchase_number(self, numero: str) -> list[Document]:
        rows = self._db.execute(
            "SELECT doc FROM pedidos WHERE numero_oc = ? ORDER BY id", (numero,)
        ).fetchall()
        return [json_exact.loads_object(doc) for (doc,) in rows]

    def orders(
        self,
        *,
        offset: int,
        count: int,
        from_date: str | None,
        to_date: str | None,
        considered: str = "data",
    ) -> list[Document]:
        """Orders whose `considered` date is within [from_date, to_date] (either open), by id.

        `dataAlteracao` falls back to `data` for orders stored before it existed.
        """
        day = (
            "data"
            if considered == "data"
            else ("coalesce(substr(json_extract(doc, '$.dataAlteracao'), 1, 10), data)")
        )
        rows = self._db.execute(
            f"SELECT doc FROM pedidos WHERE (?1 IS NULL OR {day} >= ?1)"
            f" AND (?2 IS NULL OR {day} <= ?2) ORDER BY id LIMIT ?3 OFFSET ?4",
            (from_date, to_date, count, offset),
        ).fetchall()
        return [json_exact.loads_object(doc) for (doc,) in rows]

    def creation_times(self) -> dict[int, float]:
        """Order id -> wall-clock time the sandbox stored it, in ms since the epoch."""
        rows = self._db.execute("SELECT id, created_at_ms FROM pedidos_criados").fetchall()
        return {int(order_id): float(created) for order_id, created in rows}

    def order_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM pedidos").fetchone()[0])

    def seed_products(self, how_many: int) -> None:
        """Create demo products until there are `how_many` (idempotent across restarts)."""
        with self.transaction():
            self.products.seed(how_many)

    def _write(self, order_id: int, pedido: Document, event: str) -> None:
        self._db.execute(
            "UPDATE pedidos SET doc = ? WHERE id = ?",
            (json_exact.dumps(pedido).decode(), order_id),
        )
        self.outbox.enqueue(event, {"id": pedido["id"], "numeroPedido": pedido["numeroPedido"]})


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error (the connection is in autocommit)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")

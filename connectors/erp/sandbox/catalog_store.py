"""Products (parents and their children), categories, brands and attributes of the sandbox
tenant."""

from __future__ import annotations

import sqlite3
from typing import Any

from connectors.erp import json_exact
from connectors.erp.json_exact import number
from connectors.erp.sandbox.outbox import Outbox
from connectors.erp.sandbox.validation import PedidoInvalido

Document = dict[str, Any]
_ASSIGNED = ("id", "dataAlteracao")
_PRICE_FIELDS = ("preco", "precoDe", "precoCusto")


class ProdutoInvalido(PedidoInvalido):
    """A posted product the ERP would refuse; the message is the envelope's `erro`."""


def master_id(doc: Document) -> int:
    """The parent's id of a child, 0 for a parent (and for products stored without it)."""
    parsed = number(doc.get("idProdutoMaster", 0))
    return 0 if parsed is None else int(parsed)


class ProductTable:
    """`produtos`: documents keyed by id, found by `codigo`, children by `idProdutoMaster`."""

    def __init__(self, db: sqlite3.Connection, outbox: Outbox) -> None:
        self._db = db
        self._outbox = outbox

    def get(self, ref: str) -> Document | None:
        """By `codigo`, else by id."""
        row = self._db.execute(
            "SELECT doc FROM produtos WHERE json_extract(doc, '$.codigo') = ? ORDER BY id LIMIT 1",
            (ref,),
        ).fetchone()
        if row is None and ref.isdigit():
            row = self._db.execute("SELECT doc FROM produtos WHERE id = ?", (int(ref),)).fetchone()
        return None if row is None else json_exact.loads_object(row[0])

    def children(self, parent_id: str) -> list[Document]:
        rows = self._db.execute(
            "SELECT doc FROM produtos WHERE json_extract(doc, '$.idProdutoMaster') = ? ORDER BY id",
            (int(parent_id),),
        ).fetchall()
        return [json_exact.loads_object(doc) for (doc,) in rows]

    def page(self, *, offset: int, count: int, from_date: str | None) -> list[Document]:
        """Products by id; with `from_date`, only those changed on that day or later."""
        rows = self._db.execute(
            "SELECT doc FROM produtos WHERE ?1 IS NULL"
            " OR substr(json_extract(doc, '$.dataAlteracao'), 1, 10) >= ?1"
            " ORDER BY id LIMIT ?2 OFFSET ?3",
            (from_date, count, offset),
        ).fetchall()
        return [json_exact.loads_object(doc) for (doc,) in rows]

    def changed(self, *, offset: int, count: int, from_date: str | None) -> list[Document]:
        """`produtosAlterados`: products changed on `from_date` or later, oldest change first.

        A read changes nothing: the feed is a dated list, not a queue to acknowledge.
        """
        rows = self._db.execute(
            "SELECT doc FROM produtos WHERE json_extract(doc, '$.dataAlteracao') IS NOT NULL"
            " AND (?1 IS NULL OR substr(json_extract(doc, '$.dataAlteracao'), 1, 10) >= ?1)"
            " ORDER BY json_extract(doc, '$.dataAlteracao'), id LIMIT ?2 OFFSET ?3",
            (from_date, count, offset),
        ).fetchall()
        return [json_exact.loads_object(doc) for (doc,) in rows]

    def create(self, item: Any, *, stamp: str) -> Document:
        """A new product (POST); call inside a transaction."""
        fields = self._checked(item, creating=True)
        if self.get(str(fields["codigo"])) is not None:
            raise ProdutoInvalido(f"Produto já cadastrado: {fields['codigo']}")
        cursor = self._db.execute("INSERT INTO produtos (doc) VALUES ('{}')")
        product_id = str(cursor.lastrowid or 0)
        stored = {"id": product_id, "idProdutoMaster": 0} | fields | {"dataAlteracao": stamp}
        self._write(stored, "product.created")
        return stored

    def update(self, item: Any, *, stamp: str) -> Document:
        """Merge the posted fields into the product of that `codigo` (PUT)."""
        fields = self._checked(item, creating=False)
        current = self.get(str(fields["codigo"]))
        if current is None:
            raise ProdutoInvalido(f"Produto não encontrado: {fields['codigo']}")
        stored = current | fields | {"dataAlteracao": stamp}
        self._write(stored, "product.updated")
        return stored

    def seed(self, how_many: int) -> None:
        """Demo products until there are `how_many` (idempotent across restarts)."""
        existing = int(self._db.execute("SELECT count(*) FROM produtos").fetchone()[0])
        for n in range(existing + 1, how_many + 1):
            product = {"id": str(n), "codigo": f"SKU-{n:04d}", "nome": f"Produto {n}"}
            self._db.execute(
                "INSERT INTO produtos (id, doc) VALUES (?, ?)",
                (n, json_exact.dumps(product).decode()),
            )

    def _checked(self, item: Any, *, creating: bool) -> Document:
        if not isinstance(item, dict):
            raise ProdutoInvalido("Produto deve ser um objeto JSON")
        if not str(item.get("codigo") or "").strip():
            raise ProdutoInvalido("Código do produto não informado (codigo)")
        if creating and not str(item.get("nome") or "").strip():
            raise ProdutoInvalido(f"Nome do produto não informado: {item['codigo']}")
        for field in (f for f in _PRICE_FIELDS if f in item):
            price = number(item[field])
            if price is None or price < 0:
                raise ProdutoInvalido(f"{field}: valor numérico inválido ({item[field]!r})")
        master = master_id(item)
        if master:
            parent = self.get(str(master))
            if parent is None or parent["id"] != str(master) or master_id(parent):
                raise ProdutoInvalido(f"Produto pai não encontrado: {master}")
        fields = {k: v for k, v in item.items() if k not in _ASSIGNED and k != "_Skus"}
        return fields | ({"idProdutoMaster": master} if "idProdutoMaster" in item else {})

    def _write(self, product: Document, event: str) -> None:
        self._db.execute(
            "UPDATE produtos SET doc = ? WHERE id = ?",
            (json_exact.dumps(product).decode(), int(product["id"])),
        )
        self._outbox.enqueue(event, {"id": product["id"], "codigo": product["codigo"]})


class NamedTable:
    """`categorias` or `marcas`: documents with an id, unique by `nome`."""

    def __init__(self, db: sqlite3.Connection, table: str, what: str) -> None:
        self._db, self._table, self._what = db, table, what

    def page(self, *, offset: int, count: int) -> list[Document]:
        rows = self._db.execute(
            f"SELECT doc FROM {self._table} ORDER BY id LIMIT ? OFFSET ?", (count, offset)
        ).fetchall()
        return [json_exact.loads_object(doc) for (doc,) in rows]

    def create(self, item: Any) -> Document:
        if not isinstance(item, dict) or not str(item.get("nome") or "").strip():
            raise ProdutoInvalido(f"Nome da {self._what} não informado")
        taken = self._db.execute(
            f"SELECT 1 FROM {self._table} WHERE json_extract(doc, '$.nome') = ?", (item["nome"],)
        ).fetchone()
        if taken:
            raise ProdutoInvalido(f"{self._what.capitalize()} já cadastrada: {item['nome']}")
        cursor = self._db.execute(f"INSERT INTO {self._table} (doc) VALUES ('{{}}')")
        stored = {"id": str(cursor.lastrowid or 0)} | {
            k: v for k, v in item.items() if k not in ("id", "codigo")
        }
        self._db.execute(
            f"UPDATE {self._table} SET doc = ? WHERE id = ?",
            (json_exact.dumps(stored).decode(), int(stored["id"])),
        )
        return stored


class AttributeTable(NamedTable):
    """`atributos`: `{id, nome, valores}`, unique by `nome`; updated by id (PUT).

    Only the methods are known of the real resource (GET, POST, PUT, DELETE); the field names
    follow the ERP's other named records and are UNCONFIRMED."""

    def __init__(self, db: sqlite3.Connection) -> None:
        super().__init__(db, "atributos", "atributo")

    def get(self, attribute_id: str) -> Document | None:
        if not attribute_id.isdigit():
            return None
        row = self._db.execute(
            "SELECT doc FROM atributos WHERE id = ?", (int(attribute_id),)
        ).fetchone()
        return json_exact.loads_object(row[0]) if row else None

    def create(self, item: Any) -> Document:
        return super().create(_checked_values(item))

    def update(self, item: Any) -> Document:
        current = self.get(str(item.get("id") or "")) if isinstance(item, dict) else None
        if current is None:
            raise ProdutoInvalido(f"Atributo não encontrado: {_field(item, 'id')}")
        stored = current | {k: v for k, v in _checked_values(item).items() if k != "codigo"}
        self._db.execute(
            "UPDATE atributos SET doc = ? WHERE id = ?",
            (json_exact.dumps(stored).decode(), int(current["id"])),
        )
        return stored


def _field(item: Any, name: str) -> str:
    return str(item.get(name) or "") if isinstance(item, dict) else ""


def _checked_values(item: Any) -> Any:
    values = item.get("valores", []) if isinstance(item, dict) else []
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise ProdutoInvalido("valores deve ser uma lista de textos")
    return item

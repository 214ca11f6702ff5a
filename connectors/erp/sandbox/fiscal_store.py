"""Stock per deposit (balances and the movements that made them) and the NF-e of orders."""

from __future__ import annotations

import sqlite3
import zlib
from decimal import Decimal
from typing import Any

from connectors.erp import json_exact
from connectors.erp.json_exact import number
from connectors.erp.nfe_key import access_key
from connectors.erp.sandbox.outbox import Outbox
from connectors.erp.sandbox.validation import PedidoInvalido

Document = dict[str, Any]
MOVEMENTS = ("B", "E", "S")
# The sandbox company: a São Paulo (cUF 35) CNPJ with valid check digits, series 1.
EMITTER_CNPJ = "11222333000181"
EMITTER_UF = 35
SERIE = 1
_FIRST_NFE = 1001


class StockTable:
    """`estoques`: the balance of each product in each deposit, and every movement."""

    def __init__(self, db: sqlite3.Connection, outbox: Outbox) -> None:
        self._db = db
        self._outbox = outbox

    def deposits(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT id, nome FROM depositos ORDER BY id").fetchall())

    def balances(self, codigo: str) -> dict[str, Decimal]:
        rows = self._db.execute(
            "SELECT deposito, quantidade FROM estoques WHERE codigo = ?", (codigo,)
        ).fetchall()
        return {deposito: Decimal(quantidade) for deposito, quantidade in rows}

    def move(self, product: Document, body: Any, *, stamp: str) -> Decimal:
        """Apply one `{idDeposito, quantidade, es}` faithfully: B sets, E adds, S takes away.

        Call inside a transaction. Returns the new balance.
        """
        if not isinstance(body, dict):
            raise PedidoInvalido("Lançamento de estoque deve ser um objeto JSON")
        es = str(body.get("es") or "")
        if es not in MOVEMENTS:
            raise PedidoInvalido(f"Tipo de lançamento inválido (es): {es!r}, use B, E ou S")
        quantidade = number(body.get("quantidade"))
        if quantidade is None or quantidade < 0:
            raise PedidoInvalido(f"Quantidade inválida: {body.get('quantidade')!r}")
        deposito = str(body.get("idDeposito") or "1")
        if deposito not in self.deposits():
            raise PedidoInvalido(f"Depósito não encontrado: {deposito}")
        codigo = str(product["codigo"])
        current = self.balances(codigo).get(deposito, Decimal(0))
        new = {"B": quantidade, "E": current + quantidade, "S": current - quantidade}[es]
        self._db.execute(
            "INSERT INTO estoques VALUES (?1, ?2, ?3, ?4) ON CONFLICT (codigo, deposito)"
            " DO UPDATE SET quantidade = ?3, alterado_em = ?4",
            (codigo, deposito, str(new), stamp),
        )
        self._db.execute(
            "INSERT INTO movimentos (codigo, deposito, es, quantidade, registrado_em)"
            " VALUES (?, ?, ?, ?, ?)",
            (codigo, deposito, es, str(quantidade), stamp),
        )
        data = {"produto": {"id": product["id"], "codigo": codigo}, "idDeposito": deposito}
        self._outbox.enqueue("stock.updated", data)
        return new

    def changed(self, *, offset: int, count: int, from_date: str | None) -> list[Document]:
        """`produtosComEstoqueAlterado`: one entry per product, stamped with its last change."""
        rows = self._db.execute(
            "SELECT codigo, max(alterado_em) AS em FROM estoques GROUP BY codigo"
            " HAVING ?1 IS NULL OR substr(em, 1, 10) >= ?1 ORDER BY em, codigo"
            " LIMIT ?2 OFFSET ?3",
            (from_date, count, offset),
        ).fetchall()
        return [{"codigo": codigo, "dataAlteracao": em} for codigo, em in rows]

    def movements(self) -> list[Document]:
        rows = self._db.execute(
            "SELECT codigo, deposito, es, quantidade, registrado_em FROM movimentos ORDER BY seq"
        ).fetchall()
        keys = ("codigo", "idDeposito", "es", "quantidade", "data")
        return [dict(zip(keys, row, strict=True)) for row in rows]


class NfeTable:
    """`nfes`: outgoing NF-e, each emitted from one order."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def emit(self, order: Document, *, stamp: str) -> Document:
        """Emit the NF-e of `order`; call inside a transaction, then update the order."""
        if order.get("numeroNotaFiscal"):
            raise PedidoInvalido(f"Pedido já faturado: NF-e {order['numeroNotaFiscal']}")
        row = self._db.execute("SELECT max(numero) FROM nfes").fetchone()
        numero = max(_FIRST_NFE, int(row[0] or 0) + 1)
        year_month = stamp[2:4] + stamp[5:7]
        code = zlib.crc32(f"{order['id']}:{numero}".encode()) % 10**8
        nfe = {
            "numero": str(numero),
            "serie": str(SERIE),
            "chaveAcesso": access_key(
                uf=EMITTER_UF,
                year_month=year_month,
                cnpj=EMITTER_CNPJ,
                serie=SERIE,
                numero=numero,
                code=code,
            ),
            "dataEmissao": stamp,
            "tipo": "S",
            "situacao": "Autorizada",
            "numeroPedido": order.get("numeroPedido"),
            "idPedido": order["id"],
            "valor": order.get("totalVenda"),
        }
        self._db.execute("INSERT INTO nfes VALUES (?, ?)", (numero, json_exact.dumps(nfe).decode()))
        return nfe

    def get(self, numero: str) -> Document | None:
        if not numero.isdigit():
            return None
        row = self._db.execute("SELECT doc FROM nfes WHERE numero = ?", (int(numero),)).fetchone()
        return None if row is None else json_exact.loads_object(row[0])

    def page(self, *, offset: int, count: int, from_date: str | None) -> list[Document]:
        rows = self._db.execute(
            "SELECT doc FROM nfes WHERE ?1 IS NULL"
            " OR substr(json_extract(doc, '$.dataEmissao'), 1, 10) >= ?1"
            " ORDER BY numero LIMIT ?2 OFFSET ?3",
            (from_date, count, offset),
        ).fetchall()
        return [json_exact.loads_object(doc) for (doc,) in rows]

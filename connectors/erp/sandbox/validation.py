"""What the sandbox refuses in a posted order, with messages in the ERP's language.

The real ERP's exact rules and texts are not public; these are the checks any sales order
must pass (a named customer, at least one item, numeric non-negative values, a known
`situacao`), so a mapping bug surfaces as a per-item `erro` the way it would in production.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from connectors.erp.json_exact import number
from connectors.erp.situacao import Situacao

MONEY_FIELDS = ("totalProdutos", "totalVenda", "desconto", "frete")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class PedidoInvalido(ValueError):
    """A posted order the ERP would refuse; the message is the envelope's `erro`."""


def _require_amount(value: Any, where: str, *, positive: bool = False) -> None:
    parsed = number(value)
    if parsed is None:
        raise PedidoInvalido(f"{where}: valor numérico inválido ({value!r})")
    if parsed < 0 or (positive and parsed == 0):
        raise PedidoInvalido(f"{where}: deve ser {'maior que' if positive else 'no mínimo'} zero")


def situacao_code(value: Any) -> Situacao:
    """The Situacao a posted `situacao` names; PedidoInvalido when it names none."""
    parsed = number(value)
    if parsed is None or parsed != parsed.to_integral_value():
        raise PedidoInvalido(f"Situação inválida: {value!r}")
    try:
        return Situacao(int(parsed))
    except ValueError:
        raise PedidoInvalido(f"Situação inválida: {value!r}") from None


def _check_cliente(cliente: Any) -> None:
    if not isinstance(cliente, dict):
        raise PedidoInvalido("Cliente não informado (_Cliente)")
    if not str(cliente.get("nome") or "").strip():
        raise PedidoInvalido("Nome do cliente não informado (_Cliente.nome)")


def _check_itens(itens: Any) -> None:
    if not isinstance(itens, list) or not itens:
        raise PedidoInvalido("O pedido deve ter ao menos um item (_Itens)")
    for n, item in enumerate(itens, start=1):
        if not isinstance(item, dict):
            raise PedidoInvalido(f"Item {n}: formato inválido")
        if not (item.get("codigo") or item.get("idProduto")):
            raise PedidoInvalido(f"Item {n}: produto não informado (codigo ou idProduto)")
        _require_amount(item.get("quantidade"), f"Item {n}: quantidade", positive=True)
        _require_amount(item.get("valor"), f"Item {n}: valor")


def _check_parcelas(parcelas: Any) -> None:
    if not isinstance(parcelas, list):
        raise PedidoInvalido("_Parcelas deve ser uma lista")
    for n, parcela in enumerate(parcelas, start=1):
        if not isinstance(parcela, dict):
            raise PedidoInvalido(f"Parcela {n}: formato inválido")
        _require_amount(parcela.get("valor"), f"Parcela {n}: valor")


def validated_pedido(item: Any, *, today: date) -> dict[str, Any]:
    """The order as the ERP stores it: the posted fields, plus defaults for situacao, data
    and the history; raises PedidoInvalido with the ERP's message otherwise."""
    if not isinstance(item, dict):
        raise PedidoInvalido("Pedido deve ser um objeto JSON")
    _check_cliente(item.get("_Cliente"))
    _check_itens(item.get("_Itens"))
    _check_parcelas(item.get("_Parcelas", []))
    for field in MONEY_FIELDS:
        if field in item:
            _require_amount(item[field], field)
    data = item.get("data", today.isoformat())
    if not isinstance(data, str) or not _DATE.match(data):
        raise PedidoInvalido(f"Data inválida: {data!r} (use aaaa-mm-dd)")
    situacao = situacao_code(item.get("situacao", Situacao.EM_ABERTO))
    # id and numeroPedido are the ERP's to assign; the store sets them.
    pedido = {k: v for k, v in item.items() if k not in ("id", "numeroPedido")}
    pedido |= {"data": data, "situacao": int(situacao)}
    pedido.setdefault("_Parcelas", [])
    pedido.setdefault("_Ocorrencias", [])
    return pedido

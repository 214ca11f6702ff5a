"""Stock of one ERP tenant: balances per deposit, written only as absolute balances.

`POST /estoques/{codigo}` takes `es` = B (balance), E (in) or S (out). Only B is ever sent:
a balance is idempotent, so a retried 5xx or timeout sets the same quantity again, while a
retried E/S movement would apply twice. There is deliberately no way to send E or S here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from connectors.budget import Lane
from connectors.erp.wire import ErpWire
from connectors.errors import Permanent

SaldoJson = dict[str, Any]
BALANCE = "B"


class ErpStock:
    """`/estoques/{codigo}`: read balances per deposit, set one deposit's balance."""

    def __init__(self, wire: ErpWire) -> None:
        self._wire = wire

    async def get_stock(self, codigo: str, *, lane: Lane = Lane.LIVE) -> list[SaldoJson]:
        """`[{codigo, nome, idDeposito, estoqueReal, estoqueDisponivel}]`, one per deposit.

        The reference shows `{codigo, nome, estoqueReal, estoqueDisponivel}`; the deposit
        fields are how the sandbox tells deposits apart (UNCONFIRMED). An entry without them
        is the tenant's default deposit (`ErpSettings.default_deposit`).
        """
        found = await self._wire.get_json(f"/estoques/{quote(codigo, safe='')}", lane=lane)
        return (
            [entry for entry in found if isinstance(entry, dict)] if isinstance(found, list) else []
        )

    async def set_stock_balance(
        self, codigo: str, deposito: str, quantidade: Decimal | int, *, on: date | None = None
    ) -> None:
        """Make `quantidade` the balance of `codigo` in `deposito` (`es: "B"`); idempotent."""
        body = {
            "idDeposito": deposito,
            "data": (on or date.today()).isoformat(),
            "quantidade": quantidade,
            "es": BALANCE,
        }
        response = await self._wire.send(
            "POST", f"/estoques/{quote(codigo, safe='')}", body=body, envelope=True
        )
        try:
            self._wire.write_result(response)
        except Permanent as exc:
            raise Permanent(
                f"stock balance of {codigo} in {deposito} refused: {exc.reason}",
                status=exc.status,
                body=exc.body,
            ) from exc

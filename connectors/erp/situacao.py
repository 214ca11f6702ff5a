"""Eccosys order status codes (`situacao`), with the labels the ERP shows its users."""

from __future__ import annotations

from enum import IntEnum


class Situacao(IntEnum):
    """An order's `situacao`; found identically in the C# client enum and a production script."""

    AGUARDANDO_PAGAMENTO = -1
    EM_ABERTO = 0
    ATENDIDO = 1
    CANCELADO = 2
    PRONTO_PARA_PICKING = 3
    PAGAMENTO_EM_ANALISE = 4

    @property
    def label(self) -> str:
        """The pt-BR name the ERP shows, e.g. "Em aberto"."""
        return _LABELS[self]


_LABELS: dict[Situacao, str] = {
    Situacao.AGUARDANDO_PAGAMENTO: "Aguardando pagamento",
    Situacao.EM_ABERTO: "Em aberto",
    Situacao.ATENDIDO: "Atendido",
    Situacao.CANCELADO: "Cancelado",
    Situacao.PRONTO_PARA_PICKING: "Pronto para picking",
    Situacao.PAGAMENTO_EM_ANALISE: "Pagamento em análise",
}

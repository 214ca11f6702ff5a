"""ERP order status, NF-e and tracking -> OrderStatusChanged; the NF-e key check digit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.erp.mapping_status import canonical_status, invoice_from_erp, status_changed
from connectors.erp.nfe_key import access_key, check_digit, is_valid_key
from connectors.erp.situacao import Situacao
from schemas.order_status import OrderStatus

KEY = access_key(
    uf=35, year_month="2603", cnpj="11222333000181", serie=1, numero=1001, code=12345678
)
NFE = {"numero": "1001", "serie": "1", "chaveAcesso": KEY, "dataEmissao": "2026-03-14 10:00:00"}


def test_access_key_layout_and_check_digit() -> None:
    assert len(KEY) == 44 and KEY.isdigit()
    assert KEY.startswith("352603" + "11222333000181" + "55" + "001" + "000001001" + "1")
    assert is_valid_key(KEY)
    wrong = KEY[:43] + str((int(KEY[43]) + 1) % 10)
    assert not is_valid_key(wrong)
    assert not is_valid_key(KEY[:43])


def test_check_digit_maps_remainders_0_and_1_to_zero() -> None:
    # 43 zeros sum to 0, remainder 0 -> digit 0.
    assert check_digit("0" * 43) == 0


@pytest.mark.parametrize(
    ("situacao", "invoiced", "shipped", "expected"),
    [
        (Situacao.CANCELADO, True, True, OrderStatus.CANCELED),
        (Situacao.AGUARDANDO_PAGAMENTO, False, False, OrderStatus.PENDING_PAYMENT),
        (Situacao.PAGAMENTO_EM_ANALISE, False, False, OrderStatus.PENDING_PAYMENT),
        (Situacao.EM_ABERTO, False, False, OrderStatus.PAID),
        (Situacao.PRONTO_PARA_PICKING, False, False, OrderStatus.IN_HANDLING),
        (Situacao.ATENDIDO, False, False, OrderStatus.IN_HANDLING),
        (Situacao.ATENDIDO, True, False, OrderStatus.INVOICED),
        (Situacao.EM_ABERTO, True, False, OrderStatus.INVOICED),
        (Situacao.ATENDIDO, True, True, OrderStatus.SHIPPED),
    ],
)
def test_canonical_status(
    situacao: Situacao, invoiced: bool, shipped: bool, expected: OrderStatus
) -> None:
    assert canonical_status(situacao, invoiced=invoiced, shipped=shipped) is expected


def test_invoiced_order_carries_its_invoice() -> None:
    pedido = {"idPedidoOrigem": "gid-1", "situacao": 1, "numeroNotaFiscal": "1001"}
    event = status_changed(pedido, NFE)
    assert event is not None
    assert (event.platform_order_id, event.status) == ("gid-1", OrderStatus.INVOICED)
    assert event.invoice is not None
    assert (event.invoice.key, event.invoice.number, event.invoice.series) == (KEY, "1001", "1")
    assert event.invoice.issued_at == datetime(2026, 3, 14, 13, tzinfo=UTC)
    assert event.tracking is None


def test_shipped_order_carries_tracking_and_carrier() -> None:
    pedido = {
        "idPedidoOrigem": "gid-1",
        "situacao": 1,
        "numeroNotaFiscal": "1001",
        "codigoRastreamento": "BR123456789BR",
        "transportador": "Correios",
    }
    event = status_changed(pedido, NFE)
    assert event is not None and event.status is OrderStatus.SHIPPED
    assert event.tracking is not None
    assert (event.tracking.code, event.tracking.carrier) == ("BR123456789BR", "Correios")
    assert event.invoice is not None


@pytest.mark.parametrize(
    "nfe",
    [None, NFE | {"chaveAcesso": KEY[:43] + "x"}, NFE | {"chaveAcesso": ""}, NFE | {"numero": "9"}],
)
def test_no_invoice_without_a_matching_well_formed_key(nfe: dict[str, str] | None) -> None:
    pedido = {"idPedidoOrigem": "gid-1", "situacao": 1, "numeroNotaFiscal": "1001"}
    event = status_changed(pedido, nfe)
    assert event is not None and event.invoice is None
    assert event.status is OrderStatus.IN_HANDLING


def test_orders_no_platform_placed_or_unknown_codes_give_no_event() -> None:
    assert status_changed({"situacao": 1}, None) is None
    assert status_changed({"idPedidoOrigem": "gid-1", "situacao": 42}, None) is None
    assert invoice_from_erp({}) is None

"""The ERP client against the ERP sandbox, both running for real on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.erp.client import ErpClient
from connectors.erp.mapping import order_to_pedido
from connectors.erp.sandbox import SandboxConfig, running_sandbox
from connectors.erp.settings import ErpSettings
from connectors.erp.situacao import Situacao
from connectors.errors import AuthError, NotFound, Permanent, RateLimited, Retryable
from tests.unit.test_erp_mapping import canonical_order

TOKEN = "tenant-token-123"


def pedido(numero: str, **overrides: Any) -> dict[str, Any]:
    """A complete order as the mapping would send it; money as 2-decimal Decimals."""
    document: dict[str, Any] = {
        "numeroDaOrdemDeCompra": numero,
        "idPedidoOrigem": f"gid-{numero}",
        "canalDeVenda": "Shopify",
        "data": "2026-03-14",
        "situacao": 0,
        "totalProdutos": Decimal("259.80"),
        "desconto": Decimal("10.00"),
        "frete": Decimal("15.50"),
        "totalVenda": Decimal("265.30"),
        "transportador": "Correios",
        "_Cliente": {"nome": "Ana Souza", "cnpj": "12345678909", "email": "ana@example.com"},
        "_Itens": [
            {
                "codigo": "SKU-1",
                "descricao": "Camiseta",
                "quantidade": 2,
                "valor": Decimal("129.90"),
            }
        ],
        "_Parcelas": [{"valor": Decimal("265.30"), "formaPagamento": "Cartão de crédito"}],
    }
    return document | overrides


def settings(api_root: str, token: str = TOKEN, rate: float = 1000) -> ErpSettings:
    """Settings for a loopback sandbox, which only dev mode accepts."""
    return ErpSettings.model_validate(
        {"base_url": api_root, "api_token": token, "requests_per_second": rate},
        context={"allow_private_urls": True},
    )


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "erp.sqlite3")


@pytest.fixture
async def api_root(db_path: str) -> AsyncIterator[str]:
    config = SandboxConfig(db_path=db_path, token=TOKEN, rate=1000, burst=1000)
    async with running_sandbox(config) as root:
        yield root


@pytest.fixture
async def erp(api_root: str) -> AsyncIterator[ErpClient]:
    async with ErpClient(settings(api_root)) as client:
        yield client


async def control(api_root: str, method: str, path: str, body: Any = None) -> Any:
    """Call the sandbox's own `/_sandbox` surface (not part of the ERP API)."""
    async with httpx.AsyncClient(base_url=api_root.removesuffix("/api")) as http:
        response = await http.request(method, path, json=body)
        response.raise_for_status()
        return response.json()


async def test_connection_with_the_tenant_token(erp: ErpClient) -> None:
    await erp.test_connection()


async def test_a_wrong_token_is_an_auth_error_that_does_not_leak_it(api_root: str) -> None:
    async with ErpClient(settings(api_root, token="wrong-token")) as client:
        with pytest.raises(AuthError) as caught:
            await client.test_connection()
    assert caught.value.status == 401
    assert "wrong-token" not in caught.value.describe()


async def test_created_order_is_found_by_platform_number_and_read_back_exactly(
    erp: ErpClient,
) -> None:
    sent = pedido("1001")
    ref = await erp.create_order(sent)
    assert ref.numero_ordem_compra == "1001"
    assert ref.numero_pedido and ref.numero_pedido != ref.id

    assert await erp.find_orders_by_platform_number("1001") == [ref]
    stored = await erp.get_order(ref.id)

    assert stored == sent | {
        "id": ref.id,
        "numeroPedido": ref.numero_pedido,
        "_Ocorrencias": [],
        "dataAlteracao": stored["dataAlteracao"],
    }
    assert str(stored["totalVenda"]) == "265.30"
    assert str(stored["_Itens"][0]["valor"]) == "129.90"


async def test_mapped_canonical_order_round_trips_through_the_erp(erp: ErpClient) -> None:
    sent = order_to_pedido(canonical_order(), situacao=Situacao.EM_ABERTO)
    ref = await erp.create_order(sent)

    assert await erp.find_orders_by_platform_number("#1001") == [ref]
    stored = await erp.get_order(ref.id)
    assigned = {"id": ref.id, "numeroPedido": ref.numero_pedido, "_Ocorrencias": []}
    assert stored == sent | assigned | {"dataAlteracao": stored["dataAlteracao"]}
    assert [str(item["valor"]) for item in stored["_Itens"]] == ["129.90", "59.90"]


async def test_platform_number_lookup_matches_exactly(erp: ErpClient) -> None:
    await erp.create_order(pedido("2001"))
    assert await erp.find_orders_by_platform_number("200") == []
    assert await erp.find_orders_by_platform_number("#2001") == []


async def test_two_stores_with_the_same_order_number_are_told_apart(erp: ErpClient) -> None:
    first = await erp.create_order(pedido("#1001", idPedidoOrigem="loja-a-1"))
    second = await erp.create_order(pedido("#1001", idPedidoOrigem="loja-b-1"))

    assert (await erp.find_orders_by_platform_number("#1001", "loja-a-1")) == [first]
    assert (await erp.find_orders_by_platform_number("#1001", "loja-b-1")) == [second]
    assert await erp.find_orders_by_platform_number("#1001", "loja-c-1") == []
    assert second.origin_id == "loja-b-1"


async def test_unknown_order_is_not_found(erp: ErpClient) -> None:
    with pytest.raises(NotFound):
        await erp.get_order("999999")


async def test_refused_order_is_permanent_with_the_erp_message_and_nothing_stored(
    erp: ErpClient, api_root: str
) -> None:
    with pytest.raises(Permanent) as caught:
        await erp.create_order(pedido("3001", _Cliente={"cnpj": "12345678909"}))
    assert caught.value.status == 422
    assert "Nome do cliente" in caught.value.reason
    assert (await control(api_root, "GET", "/_sandbox/orders"))["count"] == 0
    assert await erp.find_orders_by_platform_number("3001") == []


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"_Itens": []}, "ao menos um item"),
        ({"frete": "quinze"}, "frete"),
        ({"_Itens": [{"codigo": "X", "quantidade": 0, "valor": Decimal("1.00")}]}, "quantidade"),
        ({"situacao": 9}, "Situação"),
    ],
)
async def test_sandbox_refuses_malformed_orders(
    erp: ErpClient, broken: dict[str, Any], message: str
) -> None:
    with pytest.raises(Permanent, match=message):
        await erp.create_order(pedido("3002", **broken))


async def test_a_batch_can_partly_succeed(api_root: str) -> None:
    headers = {"Authorization": TOKEN}
    batch = [{"_Cliente": {"nome": "A"}, "_Itens": [{"codigo": "S", "quantidade": 1, "valor": 1}]}]
    batch.append({"numeroDaOrdemDeCompra": "bad", "_Itens": []})
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{api_root}/pedidos", json=batch, headers=headers)
    result = response.json()["result"]
    assert response.status_code == 200
    assert [item["codigo"] for item in result["error"]] == ["bad"]
    assert len(result["success"]) == 1


async def test_forced_429_is_rate_limited_with_retry_after(erp: ErpClient, api_root: str) -> None:
    await control(api_root, "POST", "/_sandbox/faults", {"status": 429, "retry_after": 1})
    with pytest.raises(RateLimited) as caught:
        await erp.test_connection()
    assert caught.value.retry_after == 1.0
    assert caught.value.status == 429
    loop = asyncio.get_running_loop()
    started = loop.time()
    await erp.test_connection()  # the fault was used up, and the tenant paused as asked
    assert loop.time() - started >= 0.9


@pytest.mark.parametrize("status", [500, 503])
async def test_forced_5xx_is_retryable(erp: ErpClient, api_root: str, status: int) -> None:
    await control(api_root, "POST", "/_sandbox/faults", {"status": status, "count": 2})
    for _ in range(2):
        with pytest.raises(Retryable) as caught:
            await erp.get_order("1")
        assert not isinstance(caught.value, RateLimited)
        assert caught.value.status == status


async def test_spent_budget_answers_429_with_retry_after(db_path: str) -> None:
    config = SandboxConfig(db_path=db_path, token=TOKEN, rate=0.01, burst=2)
    async with running_sandbox(config) as root, ErpClient(settings(root)) as client:
        await client.test_connection()
        await client.test_connection()
        with pytest.raises(RateLimited) as caught:
            await client.test_connection()
    assert caught.value.retry_after is not None and caught.value.retry_after >= 1


async def test_unreachable_erp_is_retryable_with_its_cause(db_path: str) -> None:
    config = SandboxConfig(db_path=db_path, token=TOKEN)
    async with running_sandbox(config) as root:
        pass  # the port is free again once the sandbox has stopped
    async with ErpClient(settings(root)) as client:
        with pytest.raises(Retryable) as caught:
            await client.test_connection()
    assert isinstance(caught.value.__cause__, httpx.TransportError)


@pytest.mark.parametrize(("orders", "sizes"), [(7, [3, 3, 1]), (6, [3, 3, 0])])
async def test_paging_exhausts_the_list_exactly(
    erp: ErpClient, orders: int, sizes: list[int]
) -> None:
    await erp.create_order(pedido("old", data="2020-01-01"))
    created = {(await erp.create_order(pedido(f"p{n}"))).id for n in range(orders)}

    pages = [page async for page in erp.list_orders(date(2026, 1, 1), page_size=3)]

    assert [len(page) for page in pages] == sizes
    assert {order["id"] for page in pages for order in page} == created


async def test_status_change_is_recorded_in_the_occurrences(erp: ErpClient) -> None:
    ref = await erp.create_order(pedido("4001"))
    await erp.set_order_status(ref.id, Situacao.CANCELADO, "Cancelado na loja")

    stored = await erp.get_order(ref.id)

    assert stored["situacao"] == Situacao.CANCELADO
    [ocorrencia] = stored["_Ocorrencias"]
    assert ocorrencia["descricao"] == "Cancelado na loja"
    assert ocorrencia["situacao"] == "Cancelado"
    assert ocorrencia["codigoSituacao"] == "2"


async def test_status_change_refusals(erp: ErpClient) -> None:
    ref = await erp.create_order(pedido("4002"))
    with pytest.raises(Permanent, match="Situação"):
        await erp.set_order_status(ref.id, 42, "?")
    with pytest.raises(NotFound):
        await erp.set_order_status("999999", 1, "?")


async def test_orders_survive_a_sandbox_restart(db_path: str) -> None:
    config = SandboxConfig(db_path=db_path, token=TOKEN, rate=1000, burst=1000)
    async with running_sandbox(config) as root, ErpClient(settings(root)) as client:
        ref = await client.create_order(pedido("5001"))
        before = await client.get_order(ref.id)
    async with running_sandbox(config) as root, ErpClient(settings(root)) as client:
        assert await client.get_order(ref.id) == before
        assert await client.find_orders_by_platform_number("5001") == [ref]
        second = await client.create_order(pedido("5002"))
    assert int(second.id) > int(ref.id)


async def test_the_client_paces_itself_under_the_sandbox_budget(db_path: str) -> None:
    config = SandboxConfig(db_path=db_path, token=TOKEN, rate=10, burst=3)
    async with running_sandbox(config) as root, ErpClient(settings(root, rate=10)) as client:
        loop = asyncio.get_running_loop()
        started = loop.time()
        for _ in range(25):
            await client.test_connection()  # a 429 would raise RateLimited
        elapsed = loop.time() - started
    assert elapsed >= 2.3  # 25 calls at 10/s, nothing saved up: one every 0.1 s

"""Products, stock, categories, brands and NF-e: the ERP client against the real sandbox."""

from __future__ import annotations

from decimal import Decimal

import httpx

from connectors.erp.client import ErpClient
from connectors.erp.mapping_products import product_from_erp, product_to_erp, stock_levels
from connectors.erp.mapping_status import status_changed
from connectors.erp.nfe_key import is_valid_key
from schemas.order_status import OrderStatus
from tests.contract.test_erp_sandbox import TOKEN, api_root, control, db_path, erp, pedido
from tests.unit.test_erp_mapping_products import canonical_product

__all__ = ["api_root", "db_path", "erp"]  # fixtures shared with test_erp_sandbox


async def test_parent_and_children_round_trip_through_reads(erp: ErpClient) -> None:
    product = canonical_product()
    parent, children = product_to_erp(product)

    results = await erp.products.upsert_family(parent, children)

    assert [r.codigo for r in results] == ["CAM", "CAM-M", "CAM-G"]
    assert all(r.ok and r.id for r in results)
    stored = await erp.products.get_product("CAM")
    assert stored["idProdutoMaster"] == 0
    assert {child["idProdutoMaster"] for child in stored["_Skus"]} == {int(results[0].id or 0)}
    assert product_from_erp(stored).model_dump(exclude={"updated_at"}) == product.model_dump(
        exclude={"updated_at"}
    )
    child = await erp.products.get_product("CAM-M")
    assert str(child["preco"]) == "49.90" and str(child["precoDe"]) == "59.90"


async def test_upsert_updates_what_exists_and_creates_the_rest(erp: ErpClient) -> None:
    first = await erp.products.upsert_products([{"codigo": "A", "nome": "A", "preco": 10}])
    assert first[0].ok
    again = await erp.products.upsert_products(
        [{"codigo": "A", "preco": Decimal("12.50")}, {"codigo": "B", "nome": "B", "preco": 1}]
    )
    assert [(r.codigo, r.ok) for r in again] == [("A", True), ("B", True)]
    assert again[0].id == first[0].id
    assert str((await erp.products.get_product("A"))["preco"]) == "12.50"


async def test_partial_success_answers_per_item_never_drops_one(erp: ErpClient) -> None:
    results = await erp.products.upsert_products(
        [
            {"codigo": "OK-1", "nome": "Bom", "preco": 1},
            {"codigo": "BAD-1", "nome": "Ruim", "preco": "caro"},
            {"codigo": "NO-NAME"},
        ]
    )
    assert [(r.codigo, r.ok) for r in results] == [
        ("OK-1", True),
        ("BAD-1", False),
        ("NO-NAME", False),
    ]
    assert "preco" in results[1].message
    assert "Nome" in results[2].message


async def test_a_refused_parent_fails_its_children_without_sending_them(erp: ErpClient) -> None:
    results = await erp.products.upsert_family(
        {"codigo": "P", "nome": "P", "preco": -1}, [{"codigo": "P-1", "nome": "P1"}]
    )
    assert [(r.codigo, r.ok) for r in results] == [("P", False), ("P-1", False)]
    assert "parent P" in results[1].message
    assert (await erp.products.upsert_products([{"codigo": "P-1"}]))[0].ok is False


async def test_prices_are_product_fields(erp: ErpClient) -> None:
    await erp.products.upsert_products([{"codigo": "PR", "nome": "PR", "preco": 10}])
    result = await erp.products.set_prices("PR", Decimal("80.00"), Decimal("100.00"))
    assert result.ok
    stored = await erp.products.get_product("PR")
    assert (str(stored["preco"]), str(stored["precoDe"])) == ("80.00", "100.00")


async def test_stock_balance_is_absolute_and_idempotent(erp: ErpClient, api_root: str) -> None:
    await erp.products.upsert_products([{"codigo": "EST", "nome": "Estoque", "preco": 1}])
    for _ in range(2):
        await erp.stock.set_stock_balance("EST", "1", 7)
    await erp.stock.set_stock_balance("EST", "2", Decimal("2.5"))

    saldos = await erp.stock.get_stock("EST")
    by_deposit = {s["idDeposito"]: (s["estoqueReal"], s["estoqueDisponivel"]) for s in saldos}
    assert by_deposit == {"1": (7, 7), "2": (Decimal("2.5"), Decimal("2.5"))}
    movements = (await control(api_root, "GET", "/_sandbox/stock-movements"))["movements"]
    assert [m["es"] for m in movements] == ["B", "B", "B"]


async def test_sandbox_applies_in_and_out_movements_faithfully(
    api_root: str, erp: ErpClient
) -> None:
    await erp.products.upsert_products([{"codigo": "MOV", "nome": "Mov", "preco": 1}])
    headers = {"Authorization": TOKEN}
    async with httpx.AsyncClient() as http:
        for es, quantidade in (("B", 10), ("E", 3), ("S", 4)):
            body = {"idDeposito": "1", "quantidade": quantidade, "es": es}
            answer = await http.post(f"{api_root}/estoques/MOV", json=body, headers=headers)
            assert answer.status_code == 200
        refused = await http.post(
            f"{api_root}/estoques/MOV", json={"quantidade": 1, "es": "X"}, headers=headers
        )
    assert refused.status_code == 422
    [principal] = [s for s in await erp.stock.get_stock("MOV") if s["idDeposito"] == "1"]
    assert principal["estoqueReal"] == 9


async def test_stock_of_an_unknown_product_is_refused(erp: ErpClient) -> None:
    import pytest

    from connectors.errors import Permanent

    with pytest.raises(Permanent, match="não encontrado"):
        await erp.stock.set_stock_balance("NOPE", "1", 1)


async def test_stock_maps_to_absolute_levels(erp: ErpClient) -> None:
    from datetime import UTC, datetime

    await erp.products.upsert_products([{"codigo": "LV", "nome": "Lv", "preco": 1}])
    await erp.stock.set_stock_balance("LV", "1", 4)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    levels = stock_levels(await erp.stock.get_stock("LV"), measured_at=at, default_deposit="1")
    assert [(lv.warehouse, lv.quantity) for lv in levels] == [("1", 4), ("2", 0)]


async def test_categories_and_brands(erp: ErpClient) -> None:
    created = await erp.catalog.create_categories([{"nome": "Camisetas"}, {"nome": "Camisetas"}])
    assert [(r.codigo, r.ok) for r in created] == [("Camisetas", True), ("Camisetas", False)]
    brands = await erp.catalog.create_brands([{"nome": "Ponte Wear"}])
    assert brands[0].ok
    categories = [c async for page in erp.catalog.list_categories() for c in page]
    assert [c["nome"] for c in categories] == ["Camisetas"]
    assert [b["nome"] async for page in erp.catalog.list_brands() for b in page] == ["Ponte Wear"]


async def test_nfe_emitted_for_an_order_reads_back_as_invoiced(erp: ErpClient) -> None:
    ref = await erp.create_order(pedido("7001"))
    assert ref.numero_pedido is not None

    emitted = await erp.invoices.emit_for_order(ref.numero_pedido)
    assert emitted.ok and emitted.id

    order = await erp.get_order(ref.id)
    nfe = await erp.invoices.invoice_of_order(order)
    assert nfe is not None and is_valid_key(nfe["chaveAcesso"])
    event = status_changed(order, nfe)
    assert event is not None and event.status is OrderStatus.INVOICED
    assert event.platform_order_id == "gid-7001"
    assert event.invoice is not None and event.invoice.key == nfe["chaveAcesso"]
    assert event.invoice.number == emitted.id
    listed = [n async for page in erp.invoices.list_invoices() for n in page]
    assert [n["numero"] for n in listed] == [emitted.id]
    again = await erp.invoices.emit_for_order(ref.numero_pedido)
    assert not again.ok and "faturado" in again.message


async def test_tracking_and_carrier_are_updatable(erp: ErpClient) -> None:
    ref = await erp.create_order(pedido("7002"))
    await erp.invoices.emit_for_order(ref.numero_pedido or "")
    await erp.update_order(ref.id, {"codigoRastreamento": "BR1BR", "transportador": "Correios"})
    order = await erp.get_order(ref.id)
    event = status_changed(order, await erp.invoices.invoice_of_order(order))
    assert event is not None and event.status is OrderStatus.SHIPPED
    assert event.tracking is not None and event.tracking.carrier == "Correios"

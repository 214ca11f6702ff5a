"""The change-feed poller against the real sandbox: resumes from a saved cursor after a
restart, with neither repeats nor gaps, ties on one second included."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.erp.client import ErpClient
from connectors.erp.poller import ErpPollCursor, poll
from connectors.erp.sandbox import SandboxConfig, running_sandbox
from schemas.events import OrderStatusChanged, PriceChanged, ProductChanged, StockChanged
from schemas.order_status import OrderStatus
from tests.contract.test_erp_sandbox import TOKEN, control, db_path, pedido, settings

__all__ = ["db_path"]  # fixture shared with test_erp_sandbox

SECOND = "2026-03-14 10:00:00"
NOW = datetime(2026, 3, 14, 13, 0, 5, tzinfo=UTC)


def kinds(events: list[object]) -> list[tuple[str, str]]:
    out = []
    for event in events:
        if isinstance(event, ProductChanged):
            out.append(("product", event.product.sku))
        elif isinstance(event, PriceChanged):
            out.append(("price", event.price.sku))
        elif isinstance(event, StockChanged):
            out.append(
                ("stock", f"{event.level.sku}@{event.level.warehouse}={event.level.quantity}")
            )
        elif isinstance(event, OrderStatusChanged):
            out.append(("order", f"{event.platform_order_id}:{event.status}"))
    return out


async def test_poll_resumes_after_a_restart_without_repeats_or_gaps(db_path: str) -> None:
    config = SandboxConfig(db_path=db_path, token=TOKEN, rate=1000, burst=1000)
    async with running_sandbox(config) as root, ErpClient(settings(root)) as erp:
        await control(root, "POST", "/_sandbox/clock", {"now": SECOND})
        await erp.products.upsert_family(
            {"codigo": "CAM", "nome": "Camiseta", "preco": 50},
            [
                {"codigo": "CAM-M", "nome": "M", "preco": 50},
                {"codigo": "CAM-G", "nome": "G", "preco": 55},
            ],
        )
        await erp.products.upsert_products([{"codigo": "CANECA", "nome": "Caneca", "preco": 20}])
        await erp.stock.set_stock_balance("CANECA", "1", 4)
        ref = await erp.create_order(pedido("9001"))
        await erp.invoices.emit_for_order(ref.numero_pedido or "")

        events, cursor = await poll(erp, ErpPollCursor(), now=lambda: NOW)

        assert sorted(kinds(events)) == sorted(
            [
                ("product", "CAM"),
                ("price", "CAM-M"),
                ("price", "CAM-G"),
                ("product", "CANECA"),
                ("price", "CANECA"),
                ("stock", "CANECA@1=4"),
                ("stock", "CANECA@2=0"),
                ("order", f"gid-9001:{OrderStatus.INVOICED}"),
            ]
        )
        [invoiced] = [e for e in events if isinstance(e, OrderStatusChanged)]
        assert invoiced.invoice is not None and len(invoiced.invoice.key) == 44
        again, cursor = await poll(erp, cursor, now=lambda: NOW)
        assert again == []
        # A change in the very second the cursor already covers is still new.
        await erp.products.upsert_products([{"codigo": "CANECA", "preco": 22}])
        saved = cursor.model_dump_json()

    restored = ErpPollCursor.model_validate_json(saved)
    async with running_sandbox(config) as root, ErpClient(settings(root)) as erp:
        events, cursor = await poll(erp, restored, now=lambda: NOW)
        assert kinds(events) == [("product", "CANECA"), ("price", "CANECA")]
        [price] = [e for e in events if isinstance(e, PriceChanged)]
        assert str(price.price.price) == "22"
        assert (await poll(erp, cursor, now=lambda: NOW))[0] == []

        await control(root, "POST", "/_sandbox/clock", {"now": "2026-03-14 10:00:01"})
        await erp.set_order_status(ref.id, 2, "Cancelado no ERP")
        await erp.stock.set_stock_balance("CAM-M", "2", 3)
        events, cursor = await poll(erp, cursor, now=lambda: NOW)
        assert sorted(kinds(events)) == [
            ("order", f"gid-9001:{OrderStatus.CANCELED}"),
            ("stock", "CAM-M@1=0"),
            ("stock", "CAM-M@2=3"),
        ]
        assert (await poll(erp, cursor, now=lambda: NOW))[0] == []


async def test_an_empty_erp_polls_to_nothing_and_keeps_an_empty_cursor(db_path: str) -> None:
    config = SandboxConfig(db_path=db_path, token=TOKEN, rate=1000, burst=1000)
    async with running_sandbox(config) as root, ErpClient(settings(root)) as erp:
        events, cursor = await poll(erp, ErpPollCursor())
    assert events == [] and cursor == ErpPollCursor()


async def test_stock_changed_twice_in_one_second_is_not_lost(db_path: str) -> None:
    config = SandboxConfig(db_path=db_path, token=TOKEN, rate=1000, burst=1000)
    async with running_sandbox(config) as root, ErpClient(settings(root)) as erp:
        await control(root, "POST", "/_sandbox/clock", {"now": SECOND})
        await erp.products.upsert_products([{"codigo": "TIE", "nome": "Tie", "preco": 1}])
        await erp.stock.set_stock_balance("TIE", "1", 5)
        first, cursor = await poll(erp, ErpPollCursor(), now=lambda: NOW)
        assert ("stock", "TIE@1=5") in kinds(first)

        await erp.stock.set_stock_balance("TIE", "1", 5)  # same balance, same second: nothing
        assert (await poll(erp, cursor, now=lambda: NOW))[0] == []
        await erp.stock.set_stock_balance("TIE", "1", 6)  # new balance, same second: delivered
        events, cursor = await poll(erp, cursor, now=lambda: NOW)
        assert kinds(events) == [("stock", "TIE@1=6"), ("stock", "TIE@2=0")]
        assert (await poll(erp, cursor, now=lambda: NOW))[0] == []

"""When scheduled automations are due, and the pure rules of polling, reconciliation and the
webhooks switch."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.shopify.mapping import order_from_shopify_json
from engine.order_placed import import_floor, order_placed_envelope, placed_since
from engine.reconciliation import expected_stock, missing_orders
from engine.schedules import (
    LastRun,
    cursor_name,
    due,
    due_runs,
    interval,
    parse_last_runs,
)
from engine.webhook_subscriptions import notification_address, pending_changes, was_ever_on
from schemas.automation import Automation
from schemas.config_change import ConfigChange, FieldChange
from schemas.integration import Integration, IntegrationSettings, IntegrationStatus
from schemas.stock import StockLevel

NOW = datetime(2026, 5, 9, 12, 0, tzinfo=UTC)
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "shopify"
ORDER = order_from_shopify_json((SAMPLES / "webhook_orders_create.json").read_text())


def integration(
    automations: dict[str, Any] | None = None,
    status: IntegrationStatus = IntegrationStatus.ACTIVE,
    integration_id: str = "loja-demo",
    **settings: Any,
) -> Integration:
    return Integration.model_validate(
        {
            "id": integration_id,
            "platform": "shopify",
            "name": "Loja Demo",
            "credentials": "gAAAAA-sealed-elsewhere",
            "version": 3,
            "created_at": NOW,
            "updated_at": NOW,
            "status": status,
            "automations": automations or {},
            "settings": settings,
        }
    )


POLLING_ON = {"order_polling": {"enabled": True, "interval_seconds": 120}}


def test_an_automation_never_run_is_due_at_once() -> None:
    assert due(integration(POLLING_ON), Automation.ORDER_POLLING, None, NOW)


def test_an_automation_is_due_again_only_after_its_interval() -> None:
    polling = integration(POLLING_ON)

    assert not due(polling, Automation.ORDER_POLLING, NOW - timedelta(seconds=119), NOW)
    assert due(polling, Automation.ORDER_POLLING, NOW - timedelta(seconds=120), NOW)


def test_an_interval_below_the_minimum_is_raised_to_it() -> None:
    fast = integration({"order_polling": {"enabled": True, "interval_seconds": 5}})

    assert interval(fast, Automation.ORDER_POLLING) == timedelta(seconds=60)
    assert not due(fast, Automation.ORDER_POLLING, NOW - timedelta(seconds=30), NOW)
    assert due(fast, Automation.ORDER_POLLING, NOW - timedelta(seconds=60), NOW)


def test_the_default_intervals_apply_when_none_is_set() -> None:
    on = integration({"reconciliation": {"enabled": True, "interval_seconds": None}})

    assert interval(on, Automation.RECONCILIATION) == timedelta(seconds=900)


def test_nothing_is_due_while_off_paused_or_not_scheduled() -> None:
    assert not due(integration(), Automation.ORDER_POLLING, None, NOW)
    paused = integration(POLLING_ON, status=IntegrationStatus.PAUSED)
    assert not due(paused, Automation.ORDER_POLLING, None, NOW)
    webhooks = integration({"webhooks": {"enabled": True}})
    assert not due(webhooks, Automation.WEBHOOKS, None, NOW)


def test_due_runs_skip_what_ran_recently_and_what_is_still_running() -> None:
    a = integration({**POLLING_ON, "reconciliation": {"enabled": True}}, integration_id="loja-a")
    b = integration(POLLING_ON, integration_id="loja-b")
    c = integration(POLLING_ON, integration_id="loja-c")
    last = {
        ("loja-a", Automation.ORDER_POLLING): NOW - timedelta(seconds=10),
        ("loja-b", Automation.ORDER_POLLING): NOW - timedelta(seconds=500),
    }

    runs = due_runs([a, b, c], last, NOW, frozenset({("loja-c", Automation.ORDER_POLLING)}))

    assert [(i.id, automation) for i, automation in runs] == [
        ("loja-a", Automation.RECONCILIATION),
        ("loja-b", Automation.ORDER_POLLING),
    ]


def test_saved_last_runs_are_read_back_and_unreadable_ones_skipped() -> None:
    saved = {
        cursor_name("loja-a", Automation.ORDER_POLLING): LastRun(started_at=NOW).model_dump_json(),
        cursor_name("loja-b", Automation.RECONCILIATION): "not json",
        "schedule:loja-c:no_such_automation": LastRun(started_at=NOW).model_dump_json(),
    }

    assert parse_last_runs(saved) == {("loja-a", Automation.ORDER_POLLING): NOW}


def test_polling_starts_at_order_import_since_or_a_day_back() -> None:
    assert import_floor(integration(), NOW) == NOW - timedelta(days=1)
    since = integration(order_import_since=date(2026, 5, 1))
    assert import_floor(since, NOW) == datetime(2026, 5, 1, tzinfo=UTC)


def test_orders_placed_before_the_floor_are_left_out() -> None:
    assert placed_since([ORDER], ORDER.created_at) == [ORDER]
    assert placed_since([ORDER], ORDER.created_at + timedelta(seconds=1)) == []


def test_a_polled_order_has_the_key_and_id_of_every_read_of_it() -> None:
    shop = integration()

    first = order_placed_envelope(shop, ORDER, received_at=NOW, trace_id="a")
    again = order_placed_envelope(shop, ORDER, received_at=NOW + timedelta(hours=1), trace_id="b")

    assert first.event_id == again.event_id
    assert first.entity_key == f"order:{ORDER.platform_order_id}"
    assert first.type == "order.placed" and first.config_version == 3


def test_the_stock_a_platform_should_show_follows_warehouses_buffer_and_maximum() -> None:
    levels = [
        StockLevel(sku="CAM-P", warehouse=w, quantity=Decimal(q), measured_at=NOW)
        for w, q in (("1", 10), ("2", 5))
    ]

    assert expected_stock(levels, IntegrationSettings()) == Decimal(15)
    assert expected_stock(levels, IntegrationSettings(stock_warehouses=["2"])) == Decimal(5)
    assert expected_stock(levels, IntegrationSettings(stock_buffer=20)) == Decimal(0)
    assert expected_stock(levels, IntegrationSettings(stock_max_listed=12)) == Decimal(12)


def test_an_order_is_missing_unless_the_erp_has_its_number_and_origin() -> None:
    held = {(ORDER.number, ORDER.platform_order_id)}

    assert missing_orders([ORDER], held) == []
    assert missing_orders([ORDER], {(ORDER.number, "another-store-order")}) == [ORDER]


def test_webhooks_act_on_switch_changes_and_leave_never_registered_ones_alone() -> None:
    on = integration({"webhooks": {"enabled": True}}, integration_id="loja-on")
    off = integration(integration_id="loja-off")
    paused = integration(
        {"webhooks": {"enabled": True}}, IntegrationStatus.PAUSED, integration_id="loja-p"
    )

    def never(_: Integration) -> bool:
        return False

    def ever(_: Integration) -> bool:
        return True

    assert pending_changes({}, [on, off, paused], never) == [(on, True)]
    assert pending_changes({}, [off], ever) == [(off, False)]
    assert pending_changes({"loja-on": True, "loja-off": False}, [on, off], ever) == []
    assert pending_changes({"loja-off": True}, [off], never) == [(off, False)]


def test_a_switch_once_on_is_found_in_the_config_log() -> None:
    def change(version: int, snapshot: Integration, *fields: FieldChange) -> ConfigChange:
        return ConfigChange(
            integration_id=snapshot.id,
            version=version,
            actor="admin",
            at=NOW,
            action="update",
            changes=list(fields),
            snapshot=snapshot,
        )

    off = integration()
    turned_off = FieldChange(path="automations.webhooks.enabled", before=True, after=False)

    assert not was_ever_on([change(1, off)])
    assert was_ever_on([change(1, integration({"webhooks": {"enabled": True}})), change(2, off)])
    assert was_ever_on([change(2, off, turned_off)])


def test_the_notification_address_is_the_public_url_of_the_integration() -> None:
    assert (
        notification_address("https://ponte.example.com.br/", integration())
        == "https://ponte.example.com.br/webhooks/shopify/loja-demo"
    )

"""Configurações and Automações as an operator changes them: pure validation, views, log lines."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors.capabilities import ConnectorSpec
from connectors.registry import PLATFORMS
from engine.config_changes import diff
from engine.configuration import (
    Refused,
    automations_view,
    extras_of,
    merge_patch,
    patched_automations,
    patched_settings,
    restored_parts,
    settings_from,
    turned_on,
    version_summary,
)
from schemas.automation import Automation, Automations, Switch
from schemas.config_change import ConfigChange
from schemas.integration import Integration, IntegrationSettings

SHOPIFY = PLATFORMS["shopify"]
VTEX = PLATFORMS["vtex"]
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def integration(version: int = 1, **changes: object) -> Integration:
    return Integration.model_validate(
        {
            "id": "loja-a",
            "platform": "shopify",
            "name": "Loja A",
            "credentials": "sealed",
            "version": version,
            "created_at": NOW,
            "updated_at": NOW,
            **changes,
        }
    )


def refusal(call: object) -> Refused:
    with pytest.raises(Refused) as caught:
        assert callable(call)
        call()
    return caught.value


def test_merge_patch_merges_objects_and_null_removes() -> None:
    current = {"a": 1, "b": {"c": 2, "d": 3}}

    assert merge_patch(current, {"b": {"c": None, "e": 4}, "f": [1]}) == {
        "a": 1,
        "b": {"d": 3, "e": 4},
        "f": [1],
    }
    assert current == {"a": 1, "b": {"c": 2, "d": 3}}


def test_whole_settings_keep_only_the_extras_set_and_coerced() -> None:
    settings = settings_from({"stock_buffer": 2, "platform_extras": {"location_id": "42"}}, SHOPIFY)

    assert settings.stock_buffer == 2
    assert settings.platform_extras == {"location_id": 42}
    assert extras_of(settings, SHOPIFY).location_id == 42  # type: ignore[union-attr]


def test_an_unknown_setting_is_refused_naming_it() -> None:
    refused = refusal(lambda: settings_from({"stock_bufer": 2}, SHOPIFY))

    assert refused.code == "invalid"
    assert [f["field"] for f in refused.fields] == ["stock_bufer"]


def test_bad_extras_are_refused_with_the_extras_path() -> None:
    refused = refusal(
        lambda: settings_from({"platform_extras": {"location_id": "loja", "x": 1}}, SHOPIFY)
    )

    assert sorted(f["field"] for f in refused.fields) == [
        "platform_extras.location_id",
        "platform_extras.x",
    ]
    assert "Shopify" in refused.message


def test_vtex_extras_check_the_trade_policy() -> None:
    assert settings_from({"platform_extras": {"trade_policy": "2"}}, VTEX).platform_extras == {
        "trade_policy": "2"
    }
    refused = refusal(lambda: settings_from({"platform_extras": {"trade_policy": "b2b"}}, VTEX))
    assert refused.fields[0]["field"] == "platform_extras.trade_policy"


def test_a_platform_without_extras_refuses_any() -> None:
    bare = ConnectorSpec(name="bare", title="Bare", settings=IntegrationSettings)

    refused = refusal(lambda: settings_from({"platform_extras": {"a": 1}}, bare))

    assert refused.fields == [{"field": "platform_extras.a", "message": "not allowed"}]


def test_a_settings_patch_changes_only_what_it_names_and_null_resets() -> None:
    current = settings_from(
        {
            "stock_buffer": 3,
            "price_drop_guard_percent": "10",
            "platform_extras": {"location_id": 7},
        },
        SHOPIFY,
    )

    patched = patched_settings(
        current, {"price_drop_guard_percent": None, "field_owner": {"price": "platform"}}, SHOPIFY
    )

    assert patched.stock_buffer == 3
    assert patched.price_drop_guard_percent is None
    assert patched.field_owner["price"] == "platform"
    assert patched.field_owner["name"] == "erp"
    assert patched.platform_extras == {"location_id": 7}
    assert current.price_drop_guard_percent == Decimal("10")


def test_a_settings_patch_must_be_an_object() -> None:
    assert refusal(lambda: patched_settings(IntegrationSettings(), [1], SHOPIFY)).code == "invalid"


def test_switches_turn_on_and_intervals_change() -> None:
    after = patched_automations(
        Automations(),
        {"stock_export": {"enabled": True}, "order_polling": {"interval_seconds": 120}},
    )

    assert after.is_on(Automation.STOCK_EXPORT)
    assert after.order_polling == Switch(enabled=False, interval_seconds=120)
    assert turned_on(Automations(), after) == [Automation.STOCK_EXPORT]


@pytest.mark.parametrize(
    ("patch", "code", "field"),
    [
        ({"order_polling": {"interval_seconds": 30}}, "interval_too_short", "order_polling"),
        ({"reconciliation": {"interval_seconds": 600}}, "interval_too_short", "reconciliation"),
        ({"order_polling": {"interval_seconds": None}}, "interval_too_short", "order_polling"),
        ({"stock_export": {"interval_seconds": 600}}, "not_scheduled", "stock_export"),
        ({"stok_export": {"enabled": True}}, "unknown_automation", "stok_export"),
        ({"stock_export": {"enabled": True, "when": "now"}}, "invalid", "stock_export.when"),
        ({"stock_export": True}, "invalid", "stock_export"),
        ({}, "invalid", None),
    ],
)
def test_bad_automation_changes_are_refused(patch: object, code: str, field: str | None) -> None:
    refused = refusal(lambda: patched_automations(Automations(), patch))

    assert refused.code == code
    if field is not None:
        assert refused.fields[0]["field"].startswith(field)


def test_the_interval_refusal_names_the_minimum() -> None:
    refused = refusal(
        lambda: patched_automations(Automations(), {"order_polling": {"interval_seconds": 59}})
    )

    assert "60 seconds" in refused.message


def test_automations_are_grouped_as_the_merchant_sees_them() -> None:
    groups = automations_view(Automations(), {"order_import": 2})

    assert [g["group"] for g in groups] == ["Produto", "Estoque", "Vendas", "Webhooks"]
    vendas = {a["name"]: a for a in groups[2]["automations"]}
    assert vendas["order_import"]["held"] == 2
    assert vendas["order_import"]["enabled"] is False
    assert vendas["order_polling"]["minimum_interval_seconds"] == 60
    assert vendas["order_polling"]["interval_seconds"] == 300
    assert vendas["order_import"]["description"].startswith("Vendas:")


def test_a_log_line_names_the_changed_paths_without_values() -> None:
    before = integration()
    after = integration(2, settings={"stock_buffer": 5}, updated_by="ana")
    change = ConfigChange(
        integration_id="loja-a",
        version=2,
        actor="ana",
        at=NOW,
        action="settings",
        changes=diff(before, after),
        snapshot=after,
    )

    assert version_summary(change) == {
        "version": 2,
        "actor": "ana",
        "at": NOW.isoformat(),
        "action": "settings",
        "changed": ["settings.stock_buffer"],
    }


def test_a_restore_brings_back_settings_mappings_and_automations_only() -> None:
    old = integration(2, settings={"stock_buffer": 5}, name="Old name", credentials="old")
    change = ConfigChange(
        integration_id="loja-a", version=2, actor="ana", at=NOW, action="settings", snapshot=old
    )

    parts = restored_parts(change)

    assert set(parts) == {"settings", "mappings", "automations"}
    assert parts["settings"].stock_buffer == 5

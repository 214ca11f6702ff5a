"""Configurações, Automações, pause/resume, rename/access, delete and the config log, through
the admin API of a real worker on a real broker: every change versioned, audited, reversible."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.harness import Stack, Worker, wait_until
from tests.integration.support import create_integration, read_topic

pytestmark = pytest.mark.broker

ANA = {"X-Ponte-Actor": "ana@loja"}


def path(integration_id: str, rest: str = "") -> str:
    return f"/api/v1/integrations/{integration_id}{rest}"


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    return error


def versions(worker: Worker, integration_id: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = ok(worker.api("GET", path(integration_id, "/config/versions")))[
        "versions"
    ]
    return listed


def test_settings_round_trip_is_versioned_with_actor_and_diff(stack: Stack, worker: Worker) -> None:
    created = create_integration(stack, worker, "cfg-settings")
    settings = {
        "stock_buffer": 2,
        "stock_warehouses": ["CD-SP"],
        "price_list": "varejo",
        "platform_extras": {"location_id": 655441491},
    }

    put = ok(worker.api("PUT", path("cfg-settings", "/settings"), json=settings, headers=ANA))
    patched = ok(
        worker.api(
            "PATCH",
            path("cfg-settings", "/settings"),
            json={"stock_buffer": 5, "platform_extras": {"location_id": None}},
            headers={"X-Ponte-Actor": "bruno@loja"},
        )
    )
    shown = ok(worker.api("GET", path("cfg-settings", "/settings")))

    assert put["version"] == created["version"] + 1
    assert put["settings"]["platform_extras"] == {"location_id": 655441491}
    assert shown == patched
    assert shown["version"] == put["version"] + 1
    assert shown["settings"]["stock_buffer"] == 5
    assert shown["settings"]["stock_warehouses"] == ["CD-SP"]
    assert shown["settings"]["platform_extras"] == {}
    assert "location_id" in shown["platform_extras_schema"]["properties"]
    log = versions(worker, "cfg-settings")
    assert [(v["version"], v["actor"], v["action"]) for v in log[:2]] == [
        (shown["version"], "bruno@loja", "settings"),
        (put["version"], "ana@loja", "settings"),
    ]
    assert log[0]["changed"] == [
        "settings.platform_extras",
        "settings.platform_extras.location_id",
        "settings.stock_buffer",
    ]
    diff = ok(
        worker.api(
            "GET",
            path("cfg-settings", "/config/diff"),
            params={"from": put["version"], "to": shown["version"]},
        )
    )
    assert {c["path"]: (c["before"], c["after"]) for c in diff["changes"]}[
        "settings.stock_buffer"
    ] == (2, 5)
    one = ok(worker.api("GET", path("cfg-settings", f"/config/versions/{put['version']}")))
    assert one["actor"] == "ana@loja"
    assert one["snapshot"]["settings"]["stock_buffer"] == 2
    assert "credentials" not in str(one["snapshot"]["credentials"].values())
    assert stack.shopify_token not in str(one) and stack.webhook_secret not in str(one)


def test_bad_configuration_is_refused_naming_the_field(stack: Stack, worker: Worker) -> None:
    create_integration(stack, worker, "cfg-bad")
    settings = path("cfg-bad", "/settings")
    automations = path("cfg-bad", "/automations")

    unknown = refused(worker.api("PUT", settings, json={"stok_buffer": 1}), 400, "invalid")
    extras = refused(
        worker.api("PATCH", settings, json={"platform_extras": {"location_id": "loja"}}),
        400,
        "invalid",
    )
    extra_name = refused(
        worker.api("PATCH", settings, json={"platform_extras": {"warehouse": "1"}}), 400, "invalid"
    )
    too_short = refused(
        worker.api("PATCH", automations, json={"order_polling": {"interval_seconds": 30}}),
        400,
        "interval_too_short",
    )
    not_scheduled = refused(
        worker.api("PATCH", automations, json={"stock_export": {"interval_seconds": 600}}),
        400,
        "not_scheduled",
    )
    unknown_switch = refused(
        worker.api("PATCH", automations, json={"stok_export": {"enabled": True}}),
        400,
        "unknown_automation",
    )
    malformed = refused(worker.api("PUT", settings, content=b"{"), 400, "malformed_json")

    assert unknown["fields"][0]["field"] == "stok_buffer"
    assert extras["fields"][0]["field"] == "platform_extras.location_id"
    assert extra_name["fields"][0]["field"] == "platform_extras.warehouse"
    assert "60 seconds" in too_short["message"]
    assert not_scheduled["fields"][0]["field"] == "stock_export.interval_seconds"
    assert "stok_export" in unknown_switch["message"]
    assert malformed
    assert ok(worker.api("GET", settings))["version"] == 1
    assert refused(worker.api("GET", path("nao-existe", "/settings")), 404, "not_found")


def test_automations_are_grouped_and_switched_with_their_interval(
    stack: Stack, worker: Worker
) -> None:
    create_integration(stack, worker, "cfg-auto")

    before = ok(worker.api("GET", path("cfg-auto", "/automations")))
    after = ok(
        worker.api(
            "PATCH",
            path("cfg-auto", "/automations"),
            json={"stock_export": {"enabled": True}, "order_polling": {"interval_seconds": 120}},
            headers=ANA,
        )
    )

    assert [g["group"] for g in before["groups"]] == ["Produto", "Estoque", "Vendas", "Webhooks"]
    switches = {a["name"]: a for g in after["groups"] for a in g["automations"]}
    assert switches["stock_export"]["enabled"] is True
    assert switches["order_polling"]["interval_seconds"] == 120
    assert switches["order_polling"]["enabled"] is False
    assert switches["order_import"]["enabled"] is True
    assert switches["stock_export"]["description"].startswith("Estoque")
    assert after["version"] == before["version"] + 1
    assert "held" not in after
    assert versions(worker, "cfg-auto")[0]["changed"] == [
        "automations.order_polling.interval_seconds",
        "automations.stock_export.enabled",
    ]


def test_pause_and_resume(stack: Stack, worker: Worker) -> None:
    create_integration(stack, worker, "cfg-pause")

    paused = ok(
        worker.api("POST", path("cfg-pause", "/pause"), json={"reason": "inventário"}, headers=ANA)
    )
    again = ok(worker.api("POST", path("cfg-pause", "/pause")))
    resumed = ok(worker.api("POST", path("cfg-pause", "/resume"), headers=ANA))

    assert (paused["status"], paused["status_reason"]) == ("paused", "inventário")
    assert again["version"] == paused["version"]
    assert (resumed["status"], resumed["status_reason"]) == ("active", None)
    assert [v["action"] for v in versions(worker, "cfg-pause")[:2]] == ["resume", "pause"]


def test_rename_and_new_access_keep_secrets_write_only(stack: Stack, worker: Worker) -> None:
    create_integration(stack, worker, "cfg-access")

    renamed = ok(worker.api("PATCH", path("cfg-access"), json={"name": "Loja Centro"}, headers=ANA))
    new_access = ok(
        worker.api(
            "PATCH",
            path("cfg-access"),
            json={"access": {"api_version": "2026-01", "admin_api_token": "shpat_rotated_1"}},
        )
    )
    bad = refused(
        worker.api("PATCH", path("cfg-access"), json={"access": {"shop_domain": "loja.com"}}),
        400,
        "invalid_access",
    )
    unknown = refused(worker.api("PATCH", path("cfg-access"), json={"nome": "x"}), 400, "invalid")

    assert renamed["name"] == "Loja Centro"
    assert new_access["connection"]["api_version"] == "2026-01"
    assert new_access["connection"]["shop_domain"] == stack.shop_domain
    assert new_access["credentials"]["admin_api_token"] == "set"
    assert new_access["credentials"]["webhook_secret"] == "set"
    assert bad["fields"][0]["field"] == "shop_domain"
    assert unknown["fields"][0]["field"] == "nome"
    log = versions(worker, "cfg-access")
    assert [v["action"] for v in log[:2]] == ["access", "rename"]
    assert "credentials" in log[0]["changed"]
    assert "credentials" not in log[1]["changed"]
    for text in (str(log), new_access, worker.process.log()):
        assert "shpat_rotated_1" not in str(text)


def test_restore_brings_an_old_configuration_back_as_a_new_version(
    stack: Stack, worker: Worker
) -> None:
    create_integration(stack, worker, "cfg-restore")
    settings = path("cfg-restore", "/settings")
    good = ok(worker.api("PATCH", settings, json={"stock_buffer": 4, "sync_images": False}))
    ok(worker.api("PATCH", settings, json={"stock_buffer": 9, "price_list": "atacado"}))
    ok(
        worker.api(
            "PATCH", path("cfg-restore", "/automations"), json={"stock_export": {"enabled": True}}
        )
    )
    ok(worker.api("PATCH", path("cfg-restore"), json={"name": "Loja Renomeada"}))

    restored = ok(
        worker.api(
            "POST", path("cfg-restore", f"/config/versions/{good['version']}/restore"), headers=ANA
        ),
        201,
    )
    again = worker.api("POST", path("cfg-restore", f"/config/versions/{good['version']}/restore"))
    missing = worker.api("POST", path("cfg-restore", "/config/versions/99/restore"))

    assert restored["restored_from"] == good["version"]
    assert restored["version"] == good["version"] + 4
    assert restored["settings"]["stock_buffer"] == 4
    assert restored["settings"]["price_list"] == "default"
    assert restored["settings"]["sync_images"] is False
    assert restored["automations"]["stock_export"]["enabled"] is False
    assert restored["name"] == "Loja Renomeada"
    assert restored["credentials"]["admin_api_token"] == "set"
    refused(again, 409, "nothing_to_restore")
    refused(missing, 404, "not_found")
    latest = versions(worker, "cfg-restore")[0]
    assert (latest["action"], latest["actor"]) == ("restore", "ana@loja")
    assert "settings.stock_buffer" in latest["changed"]


def test_a_deleted_integration_is_gone_and_its_deletion_logged(
    stack: Stack, worker: Worker
) -> None:
    create_integration(stack, worker, "cfg-delete")

    deleted = ok(worker.api("DELETE", path("cfg-delete"), headers=ANA))

    assert deleted["deleted"] == "cfg-delete"
    for rest in ("", "/settings", "/automations", "/config/versions", "/held"):
        refused(worker.api("GET", path("cfg-delete", rest)), 404, "not_found")
    listed = ok(worker.api("GET", "/api/v1/integrations"))["integrations"]
    assert "cfg-delete" not in [i["id"] for i in listed]
    log = wait_until(
        lambda: [
            r
            for r in read_topic(stack.bootstrap, f"{stack.namespace}.ponte.config-log")
            if r["integration_id"] == "cfg-delete" and r["action"] == "delete"
        ],
        15,
        "the deletion in the config log",
    )
    assert log[0]["actor"] == "ana@loja"
    assert log[0]["version"] == deleted["version"]


def test_concurrent_changes_never_lose_one(stack: Stack, worker: Worker) -> None:
    create_integration(stack, worker, "cfg-race")
    switches = ["product_export", "price_export", "stock_export", "order_status_export", "webhooks"]

    def turn_on(name: str) -> httpx.Response:
        return worker.api("PATCH", path("cfg-race", "/automations"), json={name: {"enabled": True}})

    with ThreadPoolExecutor(len(switches)) as pool:
        answers = dict(zip(switches, pool.map(turn_on, switches), strict=True))

    final = ok(worker.api("GET", path("cfg-race")))
    applied = [name for name, answer in answers.items() if answer.status_code == 200]
    for answer in answers.values():
        if answer.status_code != 200:
            refused(answer, 409, "changed_meanwhile")
    assert applied
    assert all(final["automations"][name]["enabled"] for name in applied)
    assert final["version"] == 1 + len(applied)
    assert len(versions(worker, "cfg-race")) == len(applied) + 1  # and the creation

"""Every field of Tray's documented example answers exists in the sandbox's answers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.capabilities import Entity
from connectors.contract import OrderMove, OrderMoveKind
from connectors.tray.client import TrayClient
from connectors.tray.sandbox.kit import TraySandboxKit
from schemas.order import Invoice

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "tray"
# Maps keyed by the merchant's own names (property name -> values), [] when empty: data, not fields.
DATA_KEYED = frozenset({"Properties"})


def missing(sample: Any, ours: Any, path: str = "") -> list[str]:
    """Key paths of ``sample`` absent from ``ours`` (lists: first elements compared)."""
    if isinstance(sample, dict):
        if not isinstance(ours, dict):
            return [path or "/"]
        gaps = []
        for key, value in sample.items():
            if key in DATA_KEYED:
                continue
            if key not in ours:
                gaps.append(f"{path}/{key}")
            else:
                gaps.extend(missing(value, ours[key], f"{path}/{key}"))
        return gaps
    if isinstance(sample, list) and sample and isinstance(sample[0], dict):
        if not isinstance(ours, list):
            return [path]
        return missing(sample[0], ours[0], f"{path}[0]") if ours else []
    return []


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[TraySandboxKit, dict[str, str]]]:
    kit = TraySandboxKit()
    await kit.start(tmp_path)
    [order_id] = await kit.seed(Entity.ORDER, 1)
    client = TrayClient(kit.settings())
    invoice = Invoice(key="3" * 44, number="1", series="1")
    await client.move_order(order_id, OrderMove(OrderMoveKind.INVOICE, invoice=invoice))
    product_id = await client.session.call(
        "POST", "/products", json={"Product": {"name": "P", "price": "1.00"}}
    )
    variant = {
        "Variant": {
            "product_id": product_id["id"],
            "price": "1.00",
            "Sku": [{"type": "Cor", "value": "Azul"}],
        }
    }
    variant_id = await client.session.call("POST", "/products/variants", json=variant)
    await client.aclose()
    ids = {"order": order_id, "product": str(product_id["id"]), "variant": str(variant_id["id"])}
    await kit.seed(Entity.CATEGORY, 1)
    await kit.seed(Entity.BRAND, 1)
    try:
        yield kit, ids
    finally:
        await kit.stop()


CASES = [
    ("store_info_response.json", "GET", "/info", None),
    ("products_list_response.json", "GET", "/products", None),
    ("product_get_response.json", "GET", "/products/{product}", None),
    ("variants_list_response.json", "GET", "/products/variants", None),
    ("variant_get_response.json", "GET", "/products/variants/{variant}", None),
    ("categories_list_response.json", "GET", "/categories", None),
    ("brands_list_response.json", "GET", "/products/brands", None),
    ("orders_list_response.json", "GET", "/orders", None),
    ("order_get_response.json", "GET", "/orders/{order}", None),
    ("order_complete_response.json", "GET", "/orders/{order}/complete", None),
    ("order_statuses_list_response.json", "GET", "/orders/statuses", None),
    ("order_update_response.json", "PUT", "/orders/{order}", {"Order": {"store_note": "x"}}),
    ("order_cancel_response.json", "PUT", "/orders/cancel/{order}", None),
    ("product_update_response.json", "PUT", "/products/{product}", {"Product": {"name": "Q"}}),
    (
        "product_create_response.json",
        "POST",
        "/products",
        {"Product": {"name": "R", "price": "2.00"}},
    ),
]


@pytest.mark.parametrize(("sample", "method", "path", "body"), CASES, ids=[c[0] for c in CASES])
async def test_sandbox_answers_carry_every_documented_field(
    world: tuple[TraySandboxKit, dict[str, str]], sample: str, method: str, path: str, body: Any
) -> None:
    kit, ids = world
    client = TrayClient(kit.settings())
    try:
        ours = await client.session.call(method, path.format(**ids), json=body)
    finally:
        await client.aclose()
    real = json.loads((SAMPLES / sample).read_text(encoding="utf-8"))
    assert missing(real, ours) == []


@pytest.mark.parametrize(
    "name", ["auth_create_tokens_response.json", "auth_refresh_tokens_response.json"]
)
async def test_auth_answers_carry_every_documented_field(tmp_path: Path, name: str) -> None:
    kit = TraySandboxKit()
    await kit.start(tmp_path)
    assert kit.config is not None
    try:
        async with httpx.AsyncClient() as http:
            created = await http.post(
                f"{kit.base_url}/web_api/auth",
                data={
                    "consumer_key": kit.config.consumer_key,
                    "consumer_secret": kit.config.consumer_secret,
                    "code": kit.config.code,
                },
            )
            answer = created
            if "refresh" in name:
                answer = await http.get(
                    f"{kit.base_url}/web_api/auth",
                    params={"refresh_token": created.json()["refresh_token"]},
                )
    finally:
        await kit.stop()
    real = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    assert answer.status_code == 200
    assert missing(real, answer.json()) == []
    assert answer.json()["message"] == real["message"]

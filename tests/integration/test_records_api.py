"""Links, history and catalogue matching through the admin API of a real worker, against the
ERP and Shopify sandboxes."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from connectors.capabilities import Entity
from connectors.erp.platform import ErpPlatformClient
from connectors.erp.settings import ErpSettings
from schemas.product import Product, Variant
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import API_VERSION, erp_orders, place_order

pytestmark = pytest.mark.broker


def ean13(seed: int) -> str:
    """A valid EAN-13 (Brazilian prefix 789) from a number."""
    body = f"789{seed:09d}"[-12:]
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def erp_product(stack: Stack, sku: str, gtin: str | None, *sizes: str) -> None:
    """A product created in the ERP sandbox through the ERP's API: simple, or a parent with
    one child per size (``{sku}-{size}``)."""
    variants = [Variant(sku=f"{sku}-{s}", price=Decimal("19.90")) for s in sizes]
    product = Product(
        sku=sku,
        name=f"Produto {sku}",
        variants=variants or [Variant(sku=sku, gtin=gtin, price=Decimal("19.90"))],
    )
    asyncio.run(_erp_upsert(stack, product))


async def _erp_upsert(stack: Stack, product: Product) -> None:
    settings = ErpSettings.model_validate(
        {"base_url": f"{stack.erp_url}/api", "api_token": stack.erp_token},
        context={"allow_private_urls": True},
    )
    client = ErpPlatformClient(settings)
    try:
        await client.upsert(Entity.PRODUCT, product)
    finally:
        await client.aclose()


def shopify_product(stack: Stack, sku: str, barcode: str | None, *sizes: str) -> str:
    """A product created in the Shopify sandbox store (one variant per size when given); its id."""
    variants = [{"sku": f"{sku}-{size}", "price": "19.90", "option1": size} for size in sizes] or [
        {"sku": sku, "barcode": barcode, "price": "19.90"}
    ]
    response = httpx.post(
        f"{stack.shopify_url}/admin/api/{API_VERSION}/products.json",
        headers={"X-Shopify-Access-Token": stack.shopify_token},
        json={
            "product": {
                "title": f"Produto {sku}",
                "variants": variants,
                "options": [{"name": "Tamanho"}] if sizes else [],
            }
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["product"]["id"])


def ours(items: list[dict[str, Any]], tag: str, field: str = "sku") -> list[dict[str, Any]]:
    return [i for i in items if str(i.get(field, "")).startswith(tag)]


def test_matching_reports_then_links_only_the_clean_matches(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    tag = f"M{uuid.uuid4().hex[:6].upper()}"
    seed = int(uuid.uuid4().int % 10**8) * 10
    erp_product(stack, f"{tag}-A", ean13(seed + 1))
    a_id = shopify_product(stack, f"{tag}-A", ean13(seed + 1))  # by SKU
    erp_product(stack, f"{tag}-B", ean13(seed + 2))
    b_id = shopify_product(stack, f"{tag}-B-LOJA", ean13(seed + 2))  # by EAN
    erp_product(stack, f"{tag}-C", ean13(seed + 3))
    c_id = shopify_product(stack, f"{tag}-C", ean13(seed + 4))  # same SKU, other EAN
    erp_product(stack, f"{tag}-D", None)  # only in the ERP
    e_id = shopify_product(stack, f"{tag}-E", None)  # only on the platform
    erp_product(stack, f"{tag}-F", None)
    f_ids = {shopify_product(stack, f"{tag}-F", None) for _ in range(2)}  # duplicate SKU
    erp_product(stack, f"{tag}-G", None, "P", "M")  # a family, by its children's SKUs
    g_id = shopify_product(stack, f"{tag}-G", None, "P", "M")

    dry = worker.api(
        "POST", f"/api/v1/integrations/{integration_id}/links/match", json={"dry_run": True}
    )

    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["dry_run"] is True and report["linked"] == 0
    matched = {(m["erp_id"], m["platform_id"], m["by"]) for m in ours(report["matched"], tag)}
    assert matched == {
        (f"{tag}-A", a_id, "sku"),
        (f"{tag}-B", b_id, "ean"),
        (f"{tag}-G", g_id, "sku"),
    }
    conflicts = {c["kind"]: c for c in report["conflicts"] if c["value"].startswith(tag)}
    assert conflicts["ean_mismatch"]["erp_ids"] == [f"{tag}-C"]
    assert conflicts["ean_mismatch"]["platform_ids"] == [c_id]
    assert set(conflicts["duplicate_sku"]["platform_ids"]) == f_ids
    assert conflicts["duplicate_sku"]["erp_ids"] == [f"{tag}-F"]
    assert [i["id"] for i in ours(report["only_in_erp"], tag)] == [f"{tag}-D"]
    assert [i["id"] for i in ours(report["only_on_platform"], tag)] == [e_id]
    assert _links(worker, integration_id, f"{tag}-A") == []

    applied = worker.api(
        "POST", f"/api/v1/integrations/{integration_id}/links/match", json={"dry_run": False},
        headers={"X-Ponte-Actor": "ana@loja"},
    )  # fmt: skip

    assert applied.status_code == 200, applied.text
    assert applied.json()["linked"] >= 3
    [link] = _links(worker, integration_id, f"{tag}-A")
    assert (link["erp_id"], link["platform_id"], link["created_by"]) == (f"{tag}-A", a_id, "match")
    assert link["ean"] == ean13(seed + 1)
    assert [k["erp_id"] for k in _links(worker, integration_id, b_id)] == [f"{tag}-B"]
    assert _links(worker, integration_id, f"{tag}-C") == []
    assert _links(worker, integration_id, f"{tag}-F") == []
    history = wait_until(
        lambda: _history(worker, integration_id, a_id).get(f"product:{tag}-A"),
        15,
        "the link in the product's history",
    )
    assert history[0]["step"] == "linked" and "ana@loja" in history[0]["detail"]
    assert f"product:{tag}-A" in _history(worker, integration_id, f"{tag}-A")  # by SKU

    again = worker.api(
        "POST", f"/api/v1/integrations/{integration_id}/links/match", json={"dry_run": True}
    ).json()
    assert {m["erp_id"] for m in ours(again["already_linked"], tag, "erp_id")} == {
        f"{tag}-A",
        f"{tag}-B",
        f"{tag}-G",
    }
    assert ours(again["matched"], tag) == []


def test_an_orders_link_and_history_are_found_by_number_platform_id_and_erp_id(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    sku = f"H{uuid.uuid4().hex[:8].upper()}"
    order = place_order(stack, sku=sku)
    wait_until(lambda: erp_orders(stack, order["name"]), 30, f"{order['name']} in the ERP")
    platform_id = str(order["id"])

    by_number = wait_until(
        lambda: _links(worker, integration_id, order["name"]), 15, "the order's link"
    )

    [link] = by_number
    assert link["entity"] == "order" and link["platform_id"] == platform_id
    assert link["order_number"] in (order["name"], order["name"].lstrip("#"))
    assert _links(worker, integration_id, platform_id) == by_number
    assert _links(worker, integration_id, link["erp_id"]) == by_number
    assert _links(worker, integration_id, order["name"].lstrip("#")) == by_number
    for term in (order["name"], platform_id, link["erp_id"]):
        entities = wait_until(
            lambda term=term: _history(worker, integration_id, term), 15, f"history by {term}"
        )
        [entries] = [e for key, e in entities.items() if key.startswith("order:")]
        steps = [e["step"] for e in entries]
        assert "sent" in steps, steps
        assert entries == sorted(entries, key=lambda e: e["at"], reverse=True)
        sent = next(e for e in entries if e["step"] == "sent")
        assert sent["request"] and sent["config_version"] >= 1
    recent = worker.api("GET", f"/api/v1/integrations/{integration_id}/history").json()
    assert recent["entries"] == sorted(recent["entries"], key=lambda e: e["at"], reverse=True)
    assert f"order:{platform_id}" in {e["entity_key"] for e in recent["entries"]}
    listed = worker.api("GET", f"/api/v1/integrations/{integration_id}/links").json()["links"]
    assert link in listed


def test_bad_requests_are_refused_with_a_reason(worker: Worker, integration_id: str) -> None:
    base = f"/api/v1/integrations/{integration_id}"

    unknown = worker.api("GET", "/api/v1/integrations/nao-existe/links?q=x")
    bad_match = worker.api("POST", f"{base}/links/match", json={"dry_run": "talvez"})
    extra = worker.api("POST", f"{base}/links/match", json={"dryrun": True})
    long_query = worker.api("GET", f"{base}/history?q={'x' * 500}")
    not_json = worker.api("POST", f"{base}/errors/retry", content=b"{")
    not_parked = worker.api("POST", f"{base}/errors/retry", json={"entity_key": "order:0"})
    no_key = worker.api("POST", f"{base}/errors/ignore", json={})

    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    assert bad_match.status_code == 400
    assert bad_match.json()["error"]["fields"][0]["field"] == "dry_run"
    assert extra.status_code == 400 and extra.json()["error"]["fields"][0]["field"] == "dryrun"
    assert long_query.status_code == 400
    assert not_json.status_code == 400 and not_json.json()["error"]["code"] == "malformed_json"
    assert not_parked.status_code == 404 and not_parked.json()["error"]["code"] == "not_parked"
    assert no_key.status_code == 400
    assert no_key.json()["error"]["fields"][0]["field"] == "entity_key"
    assert worker.api("GET", f"{base}/errors").json() == {"count": 0, "errors": []}


def _links(worker: Worker, integration_id: str, query: str) -> list[dict[str, Any]]:
    response = worker.api(
        "GET", f"/api/v1/integrations/{integration_id}/links", params={"q": query}
    )
    assert response.status_code == 200, response.text
    return list(response.json()["links"])


def _history(worker: Worker, integration_id: str, query: str) -> dict[str, list[dict[str, Any]]]:
    response = worker.api(
        "GET", f"/api/v1/integrations/{integration_id}/history", params={"q": query}
    )
    assert response.status_code == 200, response.text
    return {e["entity_key"]: e["entries"] for e in response.json()["entities"]}

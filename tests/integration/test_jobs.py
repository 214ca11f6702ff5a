"""Manual actions as jobs, end to end: real workers, the real broker, platform sandboxes.

Importar reads a store through its connector in the bulk lane and writes every item to the ERP
sandbox; Importar Pedidos de Venda puts orders on the ERP-orders flow; a worker killed in the
middle of a job hands it to another, which resumes from the checkpoint.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from connectors.budget import Lane
from connectors.capabilities import Entity
from connectors.cursor import SyncCursor
from connectors.erp.client import ErpClient
from connectors.erp.settings import ErpSettings
from engine.integrations import url_policy
from tests.harness import Stack, Worker, wait_until
from tests.platforms import PlatformSandbox, create_platform_integration

pytestmark = pytest.mark.broker

PLATFORMS = ("shopify", "nuvemshop", "tray", "vtex")
STORE_TIME = ZoneInfo("America/Sao_Paulo")


@pytest.fixture(scope="module")
def sandboxes(stack: Stack) -> Iterator[dict[str, PlatformSandbox]]:
    started = {
        name: PlatformSandbox(name, stack.workdir / f"jobs-{name}").start() for name in PLATFORMS
    }
    try:
        yield started
    finally:
        for sandbox in started.values():
            sandbox.stop()


@pytest.fixture(scope="module")
def integrations(worker: Worker, sandboxes: dict[str, PlatformSandbox]) -> dict[str, str]:
    """One integration per platform; only order_import is on (imports need no switch)."""
    for name, sandbox in sandboxes.items():
        create_platform_integration(
            worker, sandbox, f"jobs-{name}", automations={"order_import": {"enabled": True}}
        )
    return {name: f"jobs-{name}" for name in PLATFORMS}


# -- helpers ---------------------------------------------------------------------------------


def erp_client(stack: Stack) -> ErpClient:
    settings = ErpSettings.model_validate(
        {"base_url": f"{stack.erp_url}/api", "api_token": stack.erp_token},
        context=url_policy(True),
    )
    return ErpClient(settings)


def erp_product_codes(stack: Stack) -> Counter[str]:
    """How many ERP products (parents and variants) carry each code."""

    async def read() -> Counter[str]:
        codes: Counter[str] = Counter()
        async with erp_client(stack) as erp:
            async for page in erp.products.list_products(page_size=500):
                codes.update(str(p["codigo"]) for p in page)
        return codes

    return asyncio.run(read())


def erp_names(stack: Stack, kind: str) -> Counter[str]:
    async def read() -> Counter[str]:
        names: Counter[str] = Counter()
        async with erp_client(stack) as erp:
            pages = (
                erp.catalog.list_categories() if kind == "category" else erp.catalog.list_brands()
            )
            async for page in pages:
                names.update(str(item["nome"]) for item in page)
        return names

    return asyncio.run(read())


def erp_order_count(stack: Stack) -> int:
    return int(httpx.get(f"{stack.erp_url}/_sandbox/orders", timeout=5).json()["count"])


def seed(sandbox: PlatformSandbox, entity: Entity, count: int) -> list[str]:
    """``count`` records made in the store (a thousand take a while through its own API)."""
    return sandbox.run(lambda: sandbox.kit.seed(entity, count), timeout=600)


def variant_skus(products: list[Any]) -> set[str]:
    return {variant.sku for product in products for variant in product.variants}


def store_records(sandbox: PlatformSandbox, entity: Entity) -> list[Any]:
    """Everything the store lists of ``entity``, read with its own client."""

    async def read() -> list[Any]:
        client = sandbox.client()
        try:
            return [
                record
                async for page in client.list_since(entity, SyncCursor(), Lane.BULK)
                for record in page.records
            ]
        finally:
            await client.aclose()

    return sandbox.run(read, timeout=300)


def start_job(worker: Worker, integration_id: str, **request: Any) -> dict[str, Any]:
    response = worker.api("POST", f"/api/v1/integrations/{integration_id}/jobs", json=request)
    assert response.status_code == 202, response.text
    return dict(response.json())


def job_of(worker: Worker, job_id: str) -> dict[str, Any]:
    response = worker.api("GET", f"/api/v1/jobs/{job_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def finished_job(worker: Worker, job_id: str, timeout: float = 240) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        job = job_of(worker, job_id)
        return job if job["state"] in ("done", "failed", "cancelled") else None

    return wait_until(done, timeout, f"job {job_id} to finish", interval=0.5)


# -- Importar --------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
def test_importing_a_thousand_products_fills_the_erp_once(
    stack: Stack,
    worker: Worker,
    sandboxes: dict[str, PlatformSandbox],
    integrations: dict[str, str],
    platform: str,
) -> None:
    sandbox = sandboxes[platform]
    seed(sandbox, Entity.PRODUCT, 1000)
    products = store_records(sandbox, Entity.PRODUCT)
    skus = variant_skus(products)
    assert len(products) >= 1000

    job = start_job(worker, integrations[platform], kind="import", entity="product")
    assert job["state"] == "queued"
    seen_done = [
        wait_until(
            lambda: (d := job_of(worker, job["id"])["done"]) > 0 and d,
            120,
            "the first page imported",
            interval=0.2,
        )
    ]
    final = finished_job(worker, job["id"])
    seen_done.append(final["done"])
    took = datetime.fromisoformat(final["updated_at"]) - datetime.fromisoformat(final["created_at"])
    print(f"{platform}: {final['done']} products imported in {took.total_seconds():.1f}s")

    assert final["state"] == "done", final
    assert final["total"] == final["done"] == len(products)
    assert final["failed"] == 0 and final["errors"] == []
    assert seen_done[0] < seen_done[-1], "progress was saved page by page"
    codes = erp_product_codes(stack)
    missing = skus - set(codes)
    assert not missing, f"{len(missing)} products not in the ERP, e.g. {sorted(missing)[:3]}"
    assert all(codes[sku] == 1 for sku in skus)
    some = products[-1].platform_product_id
    links = worker.api(
        "GET", f"/api/v1/integrations/{integrations[platform]}/links", params={"q": some}
    )
    assert links.status_code == 200, links.text
    [link] = links.json()["links"]
    assert link["entity"] == "product" and codes[link["erp_id"]] == 1, link


@pytest.mark.parametrize("platform", PLATFORMS)
def test_one_product_is_imported_by_its_platform_code(
    stack: Stack,
    worker: Worker,
    sandboxes: dict[str, PlatformSandbox],
    integrations: dict[str, str],
    platform: str,
) -> None:
    sandbox = sandboxes[platform]
    [platform_id] = sandbox.seed(Entity.PRODUCT, 1)
    product = sandbox.run(lambda: _read_one(sandbox, Entity.PRODUCT, platform_id))

    job = start_job(
        worker, integrations[platform], kind="import", entity="product", code=platform_id
    )
    final = finished_job(worker, job["id"])

    assert (final["state"], final["total"], final["done"]) == ("done", 1, 1), final["errors"]
    codes = erp_product_codes(stack)
    assert all(codes[sku] == 1 for sku in variant_skus([product]))
    link = worker.api(
        "GET", f"/api/v1/integrations/{integrations[platform]}/links", params={"q": platform_id}
    ).json()["links"]
    assert [lk["platform_id"] for lk in link] == [platform_id]
    assert codes[link[0]["erp_id"]] == 1


async def _read_one(sandbox: PlatformSandbox, entity: Entity, code: str) -> Any:
    client = sandbox.client()
    try:
        return await client.get_by_code(entity, code)
    finally:
        await client.aclose()


@pytest.mark.parametrize(
    ("platform", "entity"),
    [("shopify", "category"), ("nuvemshop", "category"), ("tray", "category"), ("tray", "brand")],
)
def test_categories_and_brands_are_imported_where_the_platform_lists_them(
    stack: Stack,
    worker: Worker,
    sandboxes: dict[str, PlatformSandbox],
    integrations: dict[str, str],
    platform: str,
    entity: str,
) -> None:
    sandbox = sandboxes[platform]
    sandbox.seed(Entity(entity), 3)
    names = {record.name for record in store_records(sandbox, Entity(entity))}

    first = finished_job(
        worker, start_job(worker, integrations[platform], kind="import", entity=entity)["id"]
    )
    again = finished_job(
        worker, start_job(worker, integrations[platform], kind="import", entity=entity)["id"]
    )

    assert first["state"] == again["state"] == "done", (first, again)
    assert first["done"] == again["done"] == len(names) >= 3
    in_erp = erp_names(stack, entity)
    assert all(in_erp[name] == 1 for name in names), "each once, however often imported"


def test_a_brand_is_imported_by_code_where_the_platform_cannot_list_them(
    stack: Stack,
    worker: Worker,
    sandboxes: dict[str, PlatformSandbox],
    integrations: dict[str, str],
) -> None:
    sandbox = sandboxes["vtex"]
    [brand_id] = sandbox.seed(Entity.BRAND, 1)
    brand = sandbox.run(lambda: _read_one(sandbox, Entity.BRAND, brand_id))

    listing = worker.api(
        "POST",
        f"/api/v1/integrations/{integrations['vtex']}/jobs",
        json={"kind": "import", "entity": "brand"},
    )
    job = start_job(worker, integrations["vtex"], kind="import", entity="brand", code=brand_id)
    final = finished_job(worker, job["id"])

    assert listing.status_code == 400 and listing.json()["error"]["code"] == "platform_cannot"
    assert "by code" in listing.json()["error"]["message"]
    assert (final["state"], final["done"]) == ("done", 1), final
    assert erp_names(stack, "brand")[brand.name] == 1


# -- the live catalog flow: product_import --------------------------------------------------


def test_a_product_notification_is_held_while_product_import_is_off_then_imported(
    stack: Stack,
    worker: Worker,
    sandboxes: dict[str, PlatformSandbox],
    integrations: dict[str, str],
) -> None:
    sandbox, integration_id = sandboxes["nuvemshop"], integrations["nuvemshop"]
    [held_id, live_id] = sandbox.seed(Entity.PRODUCT, 2)
    held_product = sandbox.run(lambda: _read_one(sandbox, Entity.PRODUCT, held_id))
    live_product = sandbox.run(lambda: _read_one(sandbox, Entity.PRODUCT, live_id))

    notify(worker, sandbox, integration_id, held_id)
    wait_until(lambda: held_count(worker, integration_id) >= 1, 60, "the product event to be held")
    switched = worker.api(
        "PATCH",
        f"/api/v1/integrations/{integration_id}/automations",
        json={"product_import": {"enabled": True}},
    )
    assert switched.status_code == 200, switched.text
    notify(worker, sandbox, integration_id, live_id)

    wait_until(lambda: links_of(worker, integration_id, live_id), 60, "the live product linked")
    assert erp_product_codes(stack)[live_product.sku] == 1
    assert links_of(worker, integration_id, held_id) == [], "held, not imported"
    assert held_count(worker, integration_id) >= 1
    assert held_product.sku


def notify(worker: Worker, sandbox: PlatformSandbox, integration_id: str, platform_id: str) -> None:
    """The platform's own notification that a product changed, posted to the worker."""
    inbound = sandbox.run(lambda: sandbox.kit.notification(Entity.PRODUCT, platform_id))
    response = httpx.post(
        sandbox.notification_address(worker, integration_id),
        content=inbound.body,
        headers=dict(inbound.headers),
        params=dict(inbound.query),
        timeout=10,
    )
    assert response.status_code < 300, response.text


def links_of(worker: Worker, integration_id: str, term: str) -> list[dict[str, Any]]:
    response = worker.api("GET", f"/api/v1/integrations/{integration_id}/links", params={"q": term})
    assert response.status_code == 200, response.text
    return list(response.json()["links"])


def held_count(worker: Worker, integration_id: str) -> int:
    response = worker.api(
        "GET",
        f"/api/v1/integrations/{integration_id}/held",
        params={"automation": "product_import"},
    )
    assert response.status_code == 200, response.text
    return int(response.json()["count"])


# -- Exportar --------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["shopify", "nuvemshop"])
def test_an_erp_product_is_exported_to_the_platform_by_its_code(
    stack: Stack,
    worker: Worker,
    sandboxes: dict[str, PlatformSandbox],
    integrations: dict[str, str],
    platform: str,
) -> None:
    sku = f"EXP-{platform.upper()}-{uuid.uuid4().hex[:6]}"
    in_erp(stack, sku)

    job = start_job(worker, integrations[platform], kind="export", entity="product", code=sku)
    final = finished_job(worker, job["id"])

    assert (final["state"], final["done"]) == ("done", 1), final
    link = wait_until(
        lambda: worker.api(
            "GET", f"/api/v1/integrations/{integrations[platform]}/links", params={"q": sku}
        ).json()["links"],
        60,
        "the exported product linked",
    )
    sandbox = sandboxes[platform]
    published = sandbox.run(lambda: _read_one(sandbox, Entity.PRODUCT, link[0]["platform_id"]))
    assert sku in {published.sku, *(v.sku for v in published.variants)}


def in_erp(stack: Stack, sku: str) -> None:
    """A simple product made in the ERP through its API."""

    async def write() -> None:
        async with erp_client(stack) as erp:
            [result] = await erp.products.upsert_products(
                [{"codigo": sku, "nome": f"Produto {sku}", "preco": "19.90", "situacao": "A"}]
            )
            assert result.ok, result.message

    asyncio.run(write())


# -- Importar Pedidos de Venda ---------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
def test_orders_are_imported_by_date_range_and_by_number_once(
    stack: Stack,
    worker: Worker,
    sandboxes: dict[str, PlatformSandbox],
    integrations: dict[str, str],
    platform: str,
) -> None:
    sandbox = sandboxes[platform]
    placed = [sandbox.place_order() for _ in range(3)]
    today = datetime.now(STORE_TIME).date()
    before = erp_order_count(stack)

    by_range = finished_job(
        worker,
        start_job(
            worker,
            integrations[platform],
            kind="import_orders",
            date_from=str(today),
            date_to=str(today),
        )["id"],
    )
    assert by_range["state"] == "done", by_range
    assert by_range["done"] >= len(placed)
    wait_until(lambda: erp_order_count(stack) >= before + by_range["done"], 60, "the ERP orders")
    created = erp_order_count(stack) - before
    seen_by_sink = _processed(worker)

    again = finished_job(
        worker,
        start_job(
            worker,
            integrations[platform],
            kind="import_orders",
            date_from=str(today),
            date_to=str(today),
        )["id"],
    )
    order = sandbox.run(lambda: _read_one(sandbox, Entity.ORDER, placed[0]))
    by_number = finished_job(
        worker,
        start_job(worker, integrations[platform], kind="import_orders", order_number=order.number)[
            "id"
        ],
    )

    assert again["done"] == by_range["done"]
    assert (by_number["state"], by_number["done"]) == ("done", 1), by_number
    wait_until(
        lambda: _processed(worker) >= seen_by_sink + again["done"] + 1,
        60,
        "the re-imported orders to pass the ERP-orders sink",
    )
    assert erp_order_count(stack) - before == created == by_range["done"]


def _processed(worker: Worker) -> float:
    return worker.metric("ponte_events_processed_total", agent="erp-orders", type="order.placed")


# -- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"kind": "import", "entity": "category"}, "platform_cannot"),
        ({"kind": "import", "entity": "stock"}, "unsupported_entity"),
        ({"kind": "export", "entity": "order"}, "unsupported_entity"),
        ({"kind": "import_orders"}, "missing_range"),
        (
            {"kind": "import_orders", "date_from": "2026-05-10", "date_to": "2026-05-01"},
            "invalid_range",
        ),
        ({"kind": "reconcile"}, "unsupported_kind"),
        ({"kind": "import", "entity": "product", "surprise": 1}, "invalid"),
    ],
)
def test_a_job_the_platform_cannot_run_is_refused_with_its_reason(
    worker: Worker, integrations: dict[str, str], body: dict[str, Any], code: str
) -> None:
    response = worker.api("POST", f"/api/v1/integrations/{integrations['vtex']}/jobs", json=body)

    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_orders_are_not_imported_while_order_import_is_off(
    worker: Worker, sandboxes: dict[str, PlatformSandbox]
) -> None:
    create_platform_integration(worker, sandboxes["vtex"], "jobs-vtex-off", automations={})

    response = worker.api(
        "POST",
        "/api/v1/integrations/jobs-vtex-off/jobs",
        json={"kind": "import_orders", "order_number": "v1-01"},
    )

    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "automation_off"
    assert "order_import" in response.json()["error"]["message"]


def test_unknown_jobs_and_integrations_answer_404(worker: Worker) -> None:
    assert worker.api("GET", "/api/v1/jobs/job-nope").status_code == 404
    assert worker.api("POST", "/api/v1/jobs/job-nope/cancel").status_code == 404
    assert worker.api("GET", "/api/v1/integrations/nope/jobs").status_code == 404


# -- cancel, and a worker killed in the middle of a job --------------------------------------


def test_a_job_stops_when_its_integration_is_paused(
    stack: Stack,
    worker: Worker,
    sandboxes: dict[str, PlatformSandbox],
    integrations: dict[str, str],
) -> None:
    integration_id = integrations["tray"]
    seed(sandboxes["tray"], Entity.PRODUCT, 400)
    job = start_job(worker, integration_id, kind="import", entity="product")
    wait_until(lambda: job_of(worker, job["id"])["done"] > 0, 60, "a first page", interval=0.1)

    paused = worker.api("POST", f"/api/v1/integrations/{integration_id}/pause")
    try:
        final = finished_job(worker, job["id"])
        refused = worker.api(
            "POST", f"/api/v1/integrations/{integration_id}/jobs", json={"kind": "import"}
        )
    finally:
        resumed = worker.api("POST", f"/api/v1/integrations/{integration_id}/resume")

    assert paused.status_code == 200 and resumed.status_code == 200, (paused.text, resumed.text)
    assert final["state"] == "failed" and "paused" in final["result"], final
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_active"


def test_a_cancelled_job_stops_at_a_page_boundary(
    stack: Stack,
    worker: Worker,
    sandboxes: dict[str, PlatformSandbox],
    integrations: dict[str, str],
) -> None:
    sandbox = sandboxes["tray"]
    seed(sandbox, Entity.PRODUCT, 400)
    job = start_job(worker, integrations["tray"], kind="import", entity="product")
    wait_until(lambda: job_of(worker, job["id"])["done"] > 0, 60, "a first page", interval=0.1)

    cancel = worker.api(
        "POST", f"/api/v1/jobs/{job['id']}/cancel", headers={"X-Ponte-Actor": "ana"}
    )
    final = finished_job(worker, job["id"])

    assert cancel.status_code == 202, cancel.text
    assert final["state"] == "cancelled" and "ana" in final["result"]
    read = final["done"] + final["failed"]
    assert read % 50 == 0 and read < 400, ("whole pages only (Tray's hold 50)", final)
    assert final["failed"] == 0, final["errors"]
    assert job_of(worker, job["id"])["done"] == final["done"]
    again = worker.api("POST", f"/api/v1/jobs/{job['id']}/cancel")
    assert again.status_code == 409


def test_a_job_survives_the_death_of_its_worker(
    stack: Stack,
    worker: Worker,
    sandboxes: dict[str, PlatformSandbox],
    integrations: dict[str, str],
) -> None:
    """Runs last in the module: the module's own worker may be the one killed."""
    slow = {"PONTE_ERP_REQUESTS_PER_SECOND": "60", "PONTE_SESSION_TIMEOUT_SECONDS": "6"}
    others = [stack.start_worker(f"jobs-{n}", **slow) for n in (1, 2)]
    workers = [worker, *others]
    sandbox = sandboxes["tray"]
    seed(sandbox, Entity.PRODUCT, 1000)
    products = store_records(sandbox, Entity.PRODUCT)
    wait_until(lambda: _balanced(workers), 60, "the group to settle")

    job = start_job(others[0], integrations["tray"], kind="import", entity="product")
    running = wait_until(
        lambda: (j := job_of(others[0], job["id"]))["done"] >= 100 and j,
        120,
        "the job to be well under way",
        interval=0.2,
    )
    victim = next(w for w in workers if running["runner"].endswith(f":{w.process.popen.pid}"))
    victim.process.kill()
    survivor = next(w for w in workers if w is not victim)
    final = finished_job(survivor, job["id"], timeout=300)

    assert final["state"] == "done", final
    assert final["runner"] != running["runner"], "another worker finished it"
    assert final["done"] == final["total"] == len(products)
    codes = erp_product_codes(stack)
    assert all(codes[sku] == 1 for sku in variant_skus(products)), "no product written twice"


def _balanced(workers: list[Worker]) -> bool:
    return all(w.api("GET", "/health").status_code == 200 for w in workers)

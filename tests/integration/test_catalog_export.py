"""Exportar categorias, marcas e atributos, end to end: a real worker on the real broker reads
the ERP sandbox and writes each record to the platform sandboxes.

Each export links the ERP id to the platform's id, so exporting again updates what the first
export made, and a category the store already has by that name is taken, not doubled; an entity the platform keeps on each product (Shopify's brands)
ends the job at once with the sentence the merchant reads.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from connectors.capabilities import Entity, Operation
from connectors.registry import PLATFORMS as SPECS
from schemas.category import Category
from tests.harness import Stack, Worker, wait_until
from tests.integration.test_jobs import erp_client, finished_job, start_job, store_records
from tests.platforms import PlatformSandbox, create_platform_integration

pytestmark = pytest.mark.broker

PLATFORMS = ("shopify", "nuvemshop", "tray", "vtex")
RUN = uuid.uuid4().hex[:6]
SEEDED = {
    "category": [f"Camisetas {RUN}", f"Calças {RUN}", f"Acessórios {RUN}"],
    "brand": [f"Ponte Wear {RUN}", f"Rio Sul {RUN}"],
    "attribute": [f"Cor {RUN}", f"Tamanho {RUN}"],
}
VALUES = ["P", "M", "G"]
PARENT, CHILD = f"Acessórios {RUN}", f"Bolsas {RUN}"


@pytest.fixture(scope="module")
def erp_ids(stack: Stack) -> dict[str, dict[str, str]]:
    """The catalogue made in the ERP through its API: entity -> name -> ERP id."""

    async def write() -> dict[str, dict[str, str]]:
        async with erp_client(stack) as erp:
            creates = {
                "category": erp.catalog.create_categories,
                "brand": erp.catalog.create_brands,
                "attribute": erp.catalog.create_attributes,
            }
            made: dict[str, dict[str, str]] = {}
            for entity, names in SEEDED.items():
                extra = {"valores": VALUES} if entity == "attribute" else {}
                results = await creates[entity]([{"nome": name, **extra} for name in names])
                assert all(r.ok and r.id for r in results), results
                made[entity] = {name: str(r.id) for name, r in zip(names, results, strict=True)}
            parent = made["category"][PARENT]
            [child] = await erp.catalog.create_categories(
                [{"nome": CHILD, "idCategoriaPai": parent}]
            )
            assert child.ok and child.id, child
            made["category"][CHILD] = str(child.id)
            return made

    return asyncio.run(write())


@pytest.fixture(scope="module")
def stores(stack: Stack, worker: Worker) -> Iterator[dict[str, PlatformSandbox]]:
    """One sandbox per platform, each with an integration named ``export-<platform>``."""
    started: dict[str, PlatformSandbox] = {}
    try:
        for name in PLATFORMS:
            sandbox = started[name] = PlatformSandbox(name, stack.workdir / f"cx-{name}").start()
            create_platform_integration(worker, sandbox, f"export-{name}", automations={})
        yield started
    finally:
        for sandbox in started.values():
            sandbox.stop()


def exported(worker: Worker, platform: str, entity: str, **request: Any) -> dict[str, Any]:
    job = start_job(worker, f"export-{platform}", kind="export", entity=entity, **request)
    return finished_job(worker, job["id"], timeout=120)


def linked(worker: Worker, platform: str, entity: str, erp_ids: dict[str, str]) -> dict[str, str]:
    """ERP id -> the platform id its link names, for the records linked now."""
    found: dict[str, str] = {}
    for erp_id in erp_ids.values():
        answer = worker.api(
            "GET", f"/api/v1/integrations/export-{platform}/links", params={"q": erp_id}
        )
        for link in answer.json()["links"]:
            if link["entity"] == entity and link["erp_id"] == erp_id:
                found[erp_id] = link["platform_id"]
    return found


def platform_ids(
    worker: Worker, platform: str, entity: str, erp_ids: dict[str, str]
) -> dict[str, str]:
    """ERP id -> platform id, once every seeded record is linked."""

    def all_linked() -> dict[str, str] | None:
        found = linked(worker, platform, entity, erp_ids)
        return found if len(found) == len(erp_ids) else None

    found: dict[str, str] = wait_until(all_linked, 60, f"{entity} links on {platform}")
    return found


def read_one(sandbox: PlatformSandbox, entity: str, platform_id: str) -> Any:
    async def read() -> Any:
        client = sandbox.client()
        try:
            return await client.get_by_code(Entity(entity), platform_id)
        finally:
            await client.aclose()

    return sandbox.run(read)


def made_on_store(sandbox: PlatformSandbox, category: Category) -> str:
    """A category the merchant already has on the store, before any export; its id."""

    async def write() -> str:
        client = sandbox.client()
        try:
            return str(await client.upsert(Entity.CATEGORY, category))
        finally:
            await client.aclose()

    return sandbox.run(write)


def listed_names(sandbox: PlatformSandbox, entity: str) -> Counter[str]:
    return Counter(record.name for record in store_records(sandbox, Entity(entity)))


def export_twice_and_check(
    worker: Worker,
    store: PlatformSandbox,
    platform: str,
    entity: str,
    erp_ids: dict[str, str],
) -> dict[str, str]:
    """Export everything twice: each record written, linked once and never doubled."""
    first = exported(worker, platform, entity)
    assert (first["state"], first["failed"]) == ("done", 0), (first["result"], first["errors"])
    assert first["done"] == first["total"] == len(erp_ids), first
    ids = platform_ids(worker, platform, entity, erp_ids)
    again = exported(worker, platform, entity)

    assert (again["state"], again["failed"]) == ("done", 0), again
    assert again["done"] == again["total"] == len(erp_ids), again
    assert platform_ids(worker, platform, entity, erp_ids) == ids, "the same records updated"
    assert len(set(ids.values())) == len(erp_ids)
    for name, erp_id in erp_ids.items():
        assert read_one(store, entity, ids[erp_id]).name == name
    if SPECS[platform].can(Entity(entity), Operation.READ):
        names = listed_names(store, entity)
        assert all(names[name] == 1 for name in erp_ids), names
    return ids


@pytest.mark.parametrize("platform", PLATFORMS)
def test_categories_are_exported_to_every_platform_once(
    worker: Worker,
    stores: dict[str, PlatformSandbox],
    erp_ids: dict[str, dict[str, str]],
    platform: str,
) -> None:
    seeded = erp_ids["category"]
    on_store = made_on_store(stores[platform], Category(code=PARENT, name=PARENT))

    ids = export_twice_and_check(worker, stores[platform], platform, "category", seeded)

    assert ids[seeded[PARENT]] == on_store, "the store's own category of that name is the one"
    child = read_one(stores[platform], "category", ids[seeded[CHILD]])
    if platform != "shopify":  # Shopify's collections are flat
        assert child.parent_code == ids[seeded[PARENT]], "filed under its parent"

    erp_id = seeded[f"Calças {RUN}"]
    one = exported(worker, platform, "category", code=erp_id)
    assert (one["state"], one["done"], one["failed"]) == ("done", 1, 0), one
    assert platform_ids(worker, platform, "category", seeded) == ids
    sent = wait_until(
        lambda: (
            len(entries := history(worker, platform, ids[erp_id], f"category:{erp_id}")) >= 3
            and entries
        ),
        60,
        "three exports in the category's history",
    )
    assert {(e["step"], e["outcome"]) for e in sent} == {("sent", "ok")}
    assert ids[erp_id] in sent[0]["detail"]


def history(worker: Worker, platform: str, term: str, entity_key: str) -> list[dict[str, Any]]:
    """The history entries of ``entity_key`` found by ``term`` (a platform id)."""
    answer = worker.api(
        "GET", f"/api/v1/integrations/export-{platform}/history", params={"q": term}
    ).json()
    found = [e["entries"] for e in answer["entities"] if e["entity_key"] == entity_key]
    return found[0] if found else []


@pytest.mark.parametrize("platform", ["tray", "vtex"])
def test_brands_are_exported_where_the_platform_keeps_them(
    worker: Worker,
    stores: dict[str, PlatformSandbox],
    erp_ids: dict[str, dict[str, str]],
    platform: str,
) -> None:
    export_twice_and_check(worker, stores[platform], platform, "brand", erp_ids["brand"])


def test_attributes_are_exported_to_tray_with_their_values(
    worker: Worker, stores: dict[str, PlatformSandbox], erp_ids: dict[str, dict[str, str]]
) -> None:
    seeded = erp_ids["attribute"]
    ids = export_twice_and_check(worker, stores["tray"], "tray", "attribute", seeded)

    cor = read_one(stores["tray"], "attribute", ids[seeded[f"Cor {RUN}"]])
    assert cor.values == VALUES


@pytest.mark.parametrize(
    ("platform", "entity", "sentence"),
    [
        (
            "shopify",
            "brand",
            "A Shopify não tem cadastro de marcas: a marca segue em cada produto.",
        ),
        ("shopify", "attribute", "A Shopify não tem cadastro de atributos"),
        ("nuvemshop", "brand", "A Nuvemshop não tem cadastro de marcas"),
        ("nuvemshop", "attribute", "A Nuvemshop não tem cadastro de atributos"),
        ("vtex", "attribute", "A VTEX guarda especificações dentro de cada categoria"),
    ],
)
def test_an_entity_the_platform_keeps_on_each_product_ends_the_job_at_once_saying_so(
    worker: Worker,
    stores: dict[str, PlatformSandbox],
    erp_ids: dict[str, dict[str, str]],
    platform: str,
    entity: str,
    sentence: str,
) -> None:
    started = time.monotonic()
    job = exported(worker, platform, entity)

    assert time.monotonic() - started < 30
    assert (job["state"], job["total"], job["done"], job["failed"]) == ("done", 0, 0, 0), job
    assert job["result"].startswith(sentence), job["result"]
    assert linked(worker, platform, entity, erp_ids[entity]) == {}, "nothing was sent"

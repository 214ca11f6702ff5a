"""Writing platform catalog records to the ERP: products, categories, brands, attributes.

One function for every way a record arrives: the live catalog flow (engine.agents.erp_catalog)
and the Importar job (engine.jobs). Every write is keyed by what the ERP keys it by (a
product's SKU, a category's or brand's name, an attribute's id or name), so a record imported
twice is written once; a failure is parked in the integration's error list.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from weakref import WeakKeyDictionary

from pydantic import BaseModel

from connectors.budget import Lane
from connectors.capabilities import Entity
from connectors.erp.client import ErpClient
from connectors.erp.mapping_products import product_to_erp
from connectors.erp.platform import ErpPlatformClient
from connectors.errors import ConnectorError, Permanent, Retryable
from engine.context import Engine
from engine.echo import ECHO_DETAIL, STALE_DETAIL, contents, news, noted, only, stale, toward_erp
from engine.failures import MappingMissing, PrerequisiteMissing, park_failure, resolve_parked
from engine.mapped import product_for_erp
from engine.metrics import RETRIES
from engine.retry import call_with_retries
from engine.state.history import event_entry, record_history
from engine.state.links import save_link
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.envelope import EventEnvelope
from schemas.events import AttributeChanged, BrandChanged, CategoryChanged, ProductChanged
from schemas.history import Step
from schemas.integration import Integration
from schemas.link import Link
from schemas.product import Product
from topics.registry import CATALOG

SKU_SEPARATORS = "-_./ "
MIN_STEM = 3
FAILURES = (ConnectorError, MappingMissing, PrerequisiteMissing)
_ADAPTERS: WeakKeyDictionary[ErpClient, ErpPlatformClient] = WeakKeyDictionary()


def catalog_record(envelope: EventEnvelope) -> tuple[Entity, BaseModel] | None:
    """The catalog record an event carries, with its entity; None for other events."""
    payload = envelope.payload
    if isinstance(payload, ProductChanged):
        return Entity.PRODUCT, payload.product
    if isinstance(payload, CategoryChanged):
        return Entity.CATEGORY, payload.category
    if isinstance(payload, BrandChanged):
        return Entity.BRAND, payload.brand
    if isinstance(payload, AttributeChanged):
        return Entity.ATTRIBUTE, payload.attribute
    return None


async def import_record(
    engine: Engine, integration: Integration, envelope: EventEnvelope, lane: Lane
) -> str | None:
    """Write the event's record to the ERP and link it; None, or the reason it was parked."""
    found = catalog_record(envelope)
    assert found is not None, f"{envelope.type} carries no catalog record"
    entity, record = found
    platform_id = platform_id_of(record)
    known = engine.views.links.by_platform_id(integration.id, entity.value, platform_id)
    read = contents(record) if isinstance(record, Product) else None
    changed_at = record.updated_at if isinstance(record, Product) else None
    if isinstance(record, Product):
        record = product_for_erp(family_parent(record), integration, creating=known is None)
    outgoing = _with_erp_id(record, known)

    def count_retry(exc: Retryable, attempt: int, delay: float) -> None:
        RETRIES.labels(sink="erp", reason=type(exc).__name__).inc()

    try:
        erp_id = await call_with_retries(
            lambda: write_to_erp(engine, entity, outgoing, lane),
            attempts=engine.settings.sink_max_attempts,
            base=engine.settings.sink_backoff_base,
            cap=engine.settings.sink_backoff_cap,
            on_retry=count_retry,
        )
    except FAILURES as exc:
        parked = await park_failure(engine, envelope, CATALOG, exc, attempts=_attempts(exc))
        return parked.reason
    link = known
    if link is None or link.erp_id != erp_id:
        link = link_for(integration, entity, record, erp_id, platform_id)
    if read is not None:
        written = read if known is None else only(toward_erp(integration.settings), read)
        link = noted(link, erp=written, platform=read, platform_changed_at=changed_at)
    if link != known:
        await save_link(engine.topics, link)
    _history(engine, envelope, integration, record, erp_id)
    await resolve_parked(engine, envelope)
    return None


async def skip_reason(
    engine: Engine, integration: Integration, envelope: EventEnvelope
) -> str | None:
    """Why a platform's product is not written to the ERP, or None to write it: "stale" (older
    than a version already read) or "echo" (nothing the ERP does not hold already: the echo of
    our own export, or a change only to fields the ERP owns). A skip leaves a history entry and
    the link notes what the platform holds now (engine.echo)."""
    payload = envelope.payload
    if not isinstance(payload, ProductChanged):
        return None
    product = payload.product
    platform_id = platform_id_of(product)
    link = engine.views.links.by_platform_id(integration.id, Entity.PRODUCT.value, platform_id)
    if link is None:
        return None
    if stale(link, product.updated_at):
        outcome, detail = "stale", STALE_DETAIL.format(newest=link.platform_changed_at)
    else:
        read = contents(product)
        fields = toward_erp(integration.settings)
        if news(read, fields, seen=link.platform_contents, held=link.erp_contents):
            return None
        after = noted(link, platform=read, platform_changed_at=product.updated_at)
        if after != link:
            await save_link(engine.topics, after)
        outcome, detail = "echo", ECHO_DETAIL.format(side="the ERP")
    keys = sorted({link.erp_id, link.platform_id} | _skus(product))
    entry = event_entry(
        envelope,
        Step.SKIPPED,
        outcome,
        detail,
        config_version=integration.version,
        search_keys=keys,
    )
    record_history(engine.topics, entry)
    return outcome


def _with_erp_id(record: BaseModel, known: Link | None) -> BaseModel:
    """An attribute as the ERP adapter takes it: the adapter updates by the ERP's own id (the
    link's), never by the platform's, which the ERP does not know."""
    if isinstance(record, Attribute):
        return record.model_copy(update={"platform_attribute_id": known.erp_id if known else None})
    return record


async def write_to_erp(engine: Engine, entity: Entity, record: BaseModel, lane: Lane) -> str:
    """Create or update the record in the ERP; its ERP id (a product's SKU)."""
    if isinstance(record, Product):
        parent, children = product_to_erp(record)
        results = await engine.erp.products.upsert_family(parent, children, lane=lane)
        if failed := "; ".join(f"{r.codigo}: {r.message}" for r in results if not r.ok):
            raise Permanent(f"ERP refused product {record.sku}: {failed}")
        return record.sku
    return await (await erp_adapter(engine)).upsert(entity, record)


def family_parent(product: Product) -> Product:
    """The product with a parent code none of its variants carries: the ERP hangs a family's
    variants under their parent, so a parent sharing a variant's code (Shopify has no product
    SKU; its first variant's stands in) would swallow that variant. The variants' common stem
    ("CAM-01" of "CAM-01-P", "CAM-01-M") is the parent's code, else the SKU with "-PAI"."""
    skus = [variant.sku for variant in product.variants]
    if len(skus) < 2 or product.sku not in skus:
        return product
    stem = os.path.commonprefix(skus).rstrip(SKU_SEPARATORS)  # noqa: RUF071 (characters meant)
    code = stem if len(stem) >= MIN_STEM and stem not in skus else f"{product.sku}-PAI"
    return product.model_copy(update={"sku": code})


async def erp_adapter(engine: Engine) -> ErpPlatformClient:
    """The ERP adapter over the worker's own ErpClient, so imports and live calls share one
    tenant budget (the adapter has no way to be given a client, so its own is swapped out)."""
    adapter = _ADAPTERS.get(engine.erp)
    if adapter is None:
        adapter = ErpPlatformClient(engine.erp._settings)
        await adapter.erp.aclose()
        adapter.erp = engine.erp
        _ADAPTERS[engine.erp] = adapter
    return adapter


def platform_id_of(record: BaseModel) -> str:
    """The platform's id of a catalog record (a brand or attribute without one: its name)."""
    if isinstance(record, Product):
        return record.platform_product_id or record.sku
    if isinstance(record, Category):
        return record.platform_category_id or record.code
    if isinstance(record, Brand):
        return record.platform_brand_id or record.name
    if isinstance(record, Attribute):
        return record.platform_attribute_id or record.name
    raise TypeError(f"{type(record).__name__} is not a catalog record")


def entity_key_of(entity: Entity, record: BaseModel) -> str:
    return f"{entity.value}:{platform_id_of(record)}"


def link_for(
    integration: Integration, entity: Entity, record: BaseModel, erp_id: str, platform_id: str
) -> Link:
    sku = record.sku if isinstance(record, Product) else None
    ean = (
        next((v.gtin for v in record.variants if v.gtin), None)
        if isinstance(record, Product)
        else None
    )
    return Link(
        integration_id=integration.id,
        entity=entity.value,
        erp_id=erp_id,
        platform_id=platform_id,
        sku=sku,
        ean=ean,
        created_by="import",
        created_at=datetime.now(UTC),
    )


def _history(
    engine: Engine,
    envelope: EventEnvelope,
    integration: Integration,
    record: BaseModel,
    erp_id: str,
) -> None:
    keys = sorted({platform_id_of(record), erp_id} | _skus(record))
    entry = event_entry(
        envelope,
        Step.APPLIED,
        "ok",
        f"written to the ERP as {erp_id}",
        config_version=integration.version,
        search_keys=keys,
    )
    record_history(engine.topics, entry)


def _skus(record: BaseModel) -> set[str]:
    if not isinstance(record, Product):
        return set()
    return (
        {record.sku}
        | {v.sku for v in record.variants}
        | {v.gtin for v in record.variants if v.gtin}
    )


def _attempts(exc: BaseException) -> int:
    return int(getattr(exc, "attempts", 1))

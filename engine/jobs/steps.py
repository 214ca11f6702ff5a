"""What a job does with each item of a page, through the flows live events take.

- Importar: the catalog sink's ``import_record`` (mapping, ERP upsert keyed by SKU/code, link,
  history, parking), in the bulk lane.
- Importar Pedidos de Venda: ``order.placed`` events onto ORDERS with deterministic ids; the
  ERP-orders sink creates each sales order once, however often it is imported.
- Exportar: products as the commands a live ERP product change makes
  (``engine.outbound.command_for``), marked as the job's, onto OUTBOUND for the platform sink;
  categories, brands and attributes written to the platform here (``catalog_export``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime

from pydantic import BaseModel

from connectors.budget import Lane
from engine.catalog_import import entity_key_of, import_record
from engine.context import Engine
from engine.erp_changes import erp_envelope
from engine.jobs.catalog_export import export_catalog
from engine.jobs.items import item_envelope
from engine.jobs.progress import PageOutcome
from engine.jobs.sources import source_entity
from engine.order_placed import emit_orders
from engine.outbound import command_for
from schemas.codec import encode
from schemas.command import CommandOrigin
from schemas.events import ProductChanged
from schemas.integration import Integration
from schemas.job import Job, JobError, JobKind
from schemas.order import Order
from schemas.product import Product
from topics.registry import OUTBOUND

PARALLEL_ITEMS = 8
"""Items of one page in flight at once (the ERP and platform budgets pace the calls)."""


async def run_page(
    engine: Engine, integration: Integration, job: Job, records: list[BaseModel]
) -> PageOutcome:
    if job.request.kind is JobKind.IMPORT_ORDERS:
        orders = [record for record in records if isinstance(record, Order)]
        await emit_orders(engine, integration, orders)
        return PageOutcome(done=len(orders))
    if job.request.kind is JobKind.EXPORT and job.request.entity != "product":
        return await export_catalog(engine, integration, job, records)
    if job.request.kind is JobKind.EXPORT:
        return await _export(engine, integration, job, records)
    return await _import(engine, integration, job, records)


async def _import(
    engine: Engine, integration: Integration, job: Job, records: list[BaseModel]
) -> PageOutcome:
    gate = asyncio.Semaphore(PARALLEL_ITEMS)

    async def one(record: BaseModel) -> str | None:
        async with gate:
            envelope = item_envelope(job, integration, record)
            return await import_record(engine, integration, envelope, Lane.BULK)

    reasons = await asyncio.gather(*(one(record) for record in records))
    errors = [
        JobError(item=entity_key_of(source_entity(job.request), record), reason=reason)
        for record, reason in zip(records, reasons, strict=True)
        if reason is not None
    ]
    return PageOutcome(done=len(records) - len(errors), errors=errors)


async def _export(
    engine: Engine, integration: Integration, job: Job, records: list[BaseModel]
) -> PageOutcome:
    """Each ERP product as the same command a live ERP change makes, marked as the job's."""
    topic = engine.topics[OUTBOUND]
    now = datetime.now(UTC)
    acks: list[Awaitable[object]] = []
    for record in records:
        if isinstance(record, Product):
            # The ERP adapter names a product by its code; the ERP's own events name no
            # platform id, and the platform sink finds it through the product's link.
            payload = ProductChanged(
                product=record.model_copy(update={"platform_product_id": None})
            )
            change = erp_envelope(payload, received_at=now, trace_id=job.id)
            command = command_for(change, integration, origin=CommandOrigin.JOB, job_id=job.id)
            acks.append(await topic.send(key=command.key.encode(), value=encode(command)))
    await asyncio.gather(*acks)
    return PageOutcome(done=len(acks))

"""Where a job's items come from, page by page, in the bulk lane.

Importar and Importar Pedidos de Venda read the integration's platform; Exportar reads the
ERP. Everything is read with ``list_since`` from the job's checkpoint; one item by its code is
a single page from ``get_by_code``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from connectors.budget import Lane
from connectors.capabilities import Entity
from connectors.contract import Page
from connectors.cursor import SyncCursor
from connectors.registry import PLATFORMS
from engine.catalog_import import erp_adapter
from engine.context import Engine
from engine.jobs.progress import Checkpoint
from schemas.integration import Integration
from schemas.job import JobKind, JobRequest
from schemas.order import Order

STORE_TIME = ZoneInfo("America/Sao_Paulo")
"""Dates the operator types are the merchant's calendar days."""


def source_entity(request: JobRequest) -> Entity:
    return Entity.ORDER if request.kind is JobKind.IMPORT_ORDERS else Entity(request.entity)


def answer_at_once(request: JobRequest, platform: str) -> str | None:
    """Why an export has nothing to send: the platform keeps that entity on each product
    (Shopify's brands); None when the job reads its source."""
    if request.kind is not JobKind.EXPORT:
        return None
    return PLATFORMS[platform].on_products.get(source_entity(request))


def first_checkpoint(request: JobRequest) -> Checkpoint:
    """Orders are read from the first day asked for; everything else from the beginning."""
    if request.kind is JobKind.IMPORT_ORDERS and request.date_from is not None:
        return Checkpoint(cursor=SyncCursor(since=_day_start(request.date_from)))
    return Checkpoint()


async def pages_of(
    engine: Engine, integration: Integration, request: JobRequest, checkpoint: Checkpoint
) -> AsyncIterator[Page]:
    """The source's pages from ``checkpoint`` on, the pages it already processed skipped."""
    client = await _client(engine, integration, request)
    entity = source_entity(request)
    if request.code is not None:
        record = await client.get_by_code(entity, request.code)
        yield Page(records=[record], cursor=checkpoint.cursor)
        return
    skipped = 0
    async for page in client.list_since(entity, checkpoint.cursor, lane=Lane.BULK):
        if skipped < checkpoint.skip:
            skipped += 1
            continue
        yield page


def wanted(request: JobRequest, record: BaseModel) -> bool:
    """Whether an item read from the source belongs to the job (orders: the range or number)."""
    if request.kind is not JobKind.IMPORT_ORDERS:
        return True
    if not isinstance(record, Order):
        return False
    if request.order_number is not None:
        return _same_number(record, request.order_number)
    placed_on = record.created_at.astimezone(STORE_TIME).date()
    return request.date_from is not None and request.date_from <= placed_on <= (
        request.date_to or date.max
    )


def _same_number(order: Order, number: str) -> bool:
    wanted_number = number.strip().lstrip("#")
    return wanted_number in (order.number.lstrip("#"), order.platform_order_id)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=STORE_TIME)


async def _client(engine: Engine, integration: Integration, request: JobRequest) -> Any:
    if request.kind is JobKind.EXPORT:
        return await erp_adapter(engine)
    return engine.platforms.for_integration(integration)

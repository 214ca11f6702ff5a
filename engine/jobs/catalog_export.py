"""Exportar categorias, marcas e atributos: each ERP record written to the platform and linked.

The platform's id comes from the record's link (ERP id -> platform id), so a second export
updates what the first one made instead of making another; without a link the connectors
look for a record of the same name before they create one. Records are written one after
another: a page is small, and some platforms pick a new record's id from their list (VTEX
brands), so two creations at once could collide. A refusal fails that item (the job lists
it); transient failures are retried first.
"""

from __future__ import annotations

from pydantic import BaseModel

from connectors.capabilities import Entity
from connectors.errors import ConnectorError, Retryable
from engine.catalog_import import link_for, platform_id_of
from engine.context import Engine
from engine.jobs.items import item_envelope
from engine.jobs.progress import PageOutcome
from engine.jobs.sources import source_entity
from engine.metrics import RETRIES
from engine.retry import call_with_retries
from engine.state.history import event_entry, record_history
from engine.state.links import save_link
from schemas.category import Category
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.history import Step
from schemas.integration import Integration
from schemas.job import Job, JobError

PLATFORM_IDS = {
    Entity.CATEGORY: "platform_category_id",
    Entity.BRAND: "platform_brand_id",
    Entity.ATTRIBUTE: "platform_attribute_id",
}


def for_platform(
    entity: Entity, record: BaseModel, platform_id: str | None, parent_id: str | None = None
) -> BaseModel:
    """The ERP record as the platform is sent it: the platform's id from its link (None: not
    exported yet). A category's parent is the platform's id of its parent (None: the parent
    is not there yet, so it is filed at the top), and its code is its name, because the ERP's
    id means nothing on the store (Shopify makes a collection's handle of it)."""
    update: dict[str, str | None] = {PLATFORM_IDS[entity]: platform_id}
    if isinstance(record, Category):
        update |= {"code": record.name, "parent_code": parent_id}
    return record.model_copy(update=update)


async def export_catalog(
    engine: Engine, integration: Integration, job: Job, records: list[BaseModel]
) -> PageOutcome:
    """Write each record of the page to the integration's platform, in order."""
    entity = source_entity(job.request)
    errors: list[JobError] = []
    sent: dict[str, str] = {}
    for record in records:
        reason = await export_record(engine, integration, job, entity, record, sent)
        if reason is not None:
            errors.append(JobError(item=f"{entity.value}:{platform_id_of(record)}", reason=reason))
    return PageOutcome(done=len(records) - len(errors), errors=errors)


async def export_record(
    engine: Engine,
    integration: Integration,
    job: Job,
    entity: Entity,
    record: BaseModel,
    sent: dict[str, str],
) -> str | None:
    """One record written and linked; None, or why the platform refused it. ``sent`` (ERP id
    -> platform id) remembers the page's records, so a child finds the parent just written
    before its link reaches this worker's view."""
    erp_id = platform_id_of(record)
    link = engine.views.links.get(integration.id, entity.value, erp_id)
    parent = None
    if isinstance(record, Category) and record.parent_code:
        parent = _platform_id(engine, integration, entity, record.parent_code, sent)
    outgoing = for_platform(entity, record, None if link is None else link.platform_id, parent)
    envelope = item_envelope(job, integration, record, SourceSystem.ERP)
    try:
        platform_id = await _written(engine, integration, entity, outgoing)
    except ConnectorError as exc:
        _history(engine, envelope, integration, "failed", exc.describe(), [erp_id])
        return exc.describe()
    sent[erp_id] = platform_id
    if link is None or link.platform_id != platform_id:
        made = link_for(integration, entity, record, erp_id, platform_id)
        await save_link(engine.topics, made.model_copy(update={"created_by": "export"}))
    detail = f"sent to {integration.platform} as {platform_id}"
    _history(engine, envelope, integration, "ok", detail, [erp_id, platform_id])
    return None


def _platform_id(
    engine: Engine, integration: Integration, entity: Entity, erp_id: str, sent: dict[str, str]
) -> str | None:
    if erp_id in sent:
        return sent[erp_id]
    link = engine.views.links.get(integration.id, entity.value, erp_id)
    return None if link is None else link.platform_id


async def _written(
    engine: Engine, integration: Integration, entity: Entity, record: BaseModel
) -> str:
    client = engine.platforms.for_integration(integration)
    settings = engine.settings

    def count_retry(exc: Retryable, attempt: int, delay: float) -> None:
        RETRIES.labels(sink=integration.platform, reason=type(exc).__name__).inc()

    return await call_with_retries(
        lambda: client.upsert(entity, record),
        attempts=settings.sink_max_attempts,
        base=settings.sink_backoff_base,
        cap=settings.sink_backoff_cap,
        on_retry=count_retry,
    )


def _history(
    engine: Engine,
    envelope: EventEnvelope,
    integration: Integration,
    outcome: str,
    detail: str,
    keys: list[str],
) -> None:
    entry = event_entry(
        envelope,
        Step.SENT,
        outcome,
        detail,
        config_version=integration.version,
        integration_id=integration.id,
        search_keys=keys,
    )
    record_history(engine.topics, entry)

"""The event of one item a job handles, for its history, parking and dedup."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import NAMESPACE_URL, uuid5

from pydantic import BaseModel

from engine.catalog_import import catalog_record, entity_key_of
from engine.jobs.sources import source_entity
from engine.translate import payload_for_record
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.integration import Integration
from schemas.job import Job


def item_envelope(
    job: Job, integration: Integration, record: BaseModel, source: SourceSystem | None = None
) -> EventEnvelope:
    """The event of one item read from ``source`` (the integration's platform unless told):
    its id is the job's and the item's, so a page processed again after a crash carries the
    same ids."""
    payload = payload_for_record(record)
    key = entity_key_of(source_entity(job.request), record)
    now = datetime.now(UTC)
    envelope = EventEnvelope(
        event_id=str(uuid5(NAMESPACE_URL, f"ponte:job:{job.id}:{key}")),
        type=payload.type,
        integration_id=integration.id,
        source=source or SourceSystem(integration.platform),
        entity_key=key,
        occurred_at=getattr(record, "updated_at", None) or now,
        received_at=now,
        idempotency_key=f"job:{job.id}:{key}",
        trace_id=job.id,
        config_version=integration.version,
        payload=payload,
    )
    assert catalog_record(envelope) is not None
    return envelope

"""Platform catalog events -> the ERP: products, categories, brands and attributes.

Live events run when the integration's ``product_import`` automation is on (held otherwise);
the write itself is ``engine.catalog_import.import_record``, which an Importar job uses too,
whatever the switch says: the operator asked.
"""

from __future__ import annotations

from faust.types import EventT, StreamT
from pydantic import ValidationError

from connectors.budget import Lane
from engine.agents.readiness import views_caught_up
from engine.catalog_import import catalog_record, import_record, skip_reason
from engine.context import Engine
from engine.dead_letters import send_to_dead_letter
from engine.gate import Verdict, hold_event, verdict
from engine.metrics import EVENTS_PROCESSED
from engine.state.history import history_acknowledged
from schemas.automation import Automation
from schemas.codec import decode
from schemas.envelope import EventEnvelope, SourceSystem
from topics.registry import CATALOG

AGENT = "erp-catalog"


def wire_erp_catalog(engine: Engine) -> None:
    @engine.app.agent(engine.topics[CATALOG], name=AGENT)
    async def import_catalog(stream: StreamT[bytes]) -> None:
        await views_caught_up(engine, AGENT)  # the links tell an echo from a new record
        async for event in stream.events():
            await sink_one(engine, event)
            await history_acknowledged()  # stored before the event's offset is committed


async def sink_one(engine: Engine, event: EventT[bytes]) -> None:
    try:
        envelope = decode(EventEnvelope, event.value)
    except (ValidationError, ValueError) as exc:
        await _dead_letter(engine, event, "unknown", f"not an event envelope: {exc}", exc)
        return
    if envelope.source is SourceSystem.ERP or catalog_record(envelope) is None:
        EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome="not_handled").inc()
        return
    integration = engine.registry.get(envelope.integration_id)
    gate = verdict(integration, Automation.PRODUCT_IMPORT)
    if gate is Verdict.GONE or integration is None:
        reason = f"integration {envelope.integration_id!r} no longer exists"
        await _dead_letter(engine, event, envelope.type, reason, LookupError(reason))
        return
    if gate is Verdict.HOLD:
        await hold_event(engine, integration, Automation.PRODUCT_IMPORT, CATALOG, envelope)
        EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome="held").inc()
        return
    skipped = await skip_reason(engine, integration, envelope)
    if skipped is not None:
        EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome=skipped).inc()
        return
    failure = await import_record(engine, integration, envelope, Lane.LIVE)
    outcome = "ok" if failure is None else "parked"
    EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome=outcome).inc()


async def _dead_letter(
    engine: Engine, event: EventT[bytes], event_type: str, reason: str, exc: Exception
) -> None:
    EVENTS_PROCESSED.labels(agent=AGENT, type=event_type, outcome="dead_letter").inc()
    await send_to_dead_letter(engine.topics, CATALOG, event, reason, type(exc).__name__, 1)

"""Held events, decided by an operator: processed (re-sent to their source topic) or discarded.

Nothing is dropped silently. Processing waits for Kafka to acknowledge every re-sent event
before any held record is released, so a crash in between replays an event twice at worst
(the sinks deduplicate) and never loses one. Discarding leaves an IGNORED entry in the history.
Processing needs the automation on and the integration active: otherwise the sink would hold
the event again while its held record is being released.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from engine.configuration import Refused
from engine.context import Engine
from engine.gate import Verdict, verdict
from engine.state.held import release
from engine.state.history import event_entry, record_history
from schemas.automation import Automation
from schemas.codec import encode
from schemas.envelope import EventEnvelope
from schemas.held import HeldEvent
from schemas.history import Step
from schemas.integration import Integration
from topics.registry import DECLARED, entity_key
from topics.spec import TopicSpec

VISIBLE_WITHIN_SECONDS = 10.0
SUMMARY_LIMIT = 100


def held_counts(engine: Engine, integration_id: str) -> dict[str, int]:
    """How many events each automation of the integration holds."""
    return engine.views.held.counts(integration_id)


def held_summary(held: HeldEvent) -> dict[str, Any]:
    """One held event as the operator reads it (no payload)."""
    envelope = held.envelope
    return {
        "automation": held.automation,
        "entity_key": envelope.entity_key,
        "event_type": envelope.type,
        "event_id": envelope.event_id,
        "occurred_at": envelope.occurred_at.isoformat(),
        "held_at": held.held_at.isoformat(),
        "source_topic": held.source_topic,
    }


def selected(
    engine: Engine,
    integration_id: str,
    automation: Automation,
    entity_keys: Iterable[str] | None = None,
) -> list[HeldEvent]:
    """The held events of one automation, all or only those of ``entity_keys``."""
    held = engine.views.held.of(integration_id, automation.value)
    if entity_keys is None:
        return held
    wanted = set(entity_keys)
    return [h for h in held if h.envelope.entity_key in wanted]


def source_of(held: HeldEvent) -> TopicSpec:
    for spec in DECLARED:
        if spec.name == held.source_topic:
            return spec
    raise Refused(
        "unknown_topic",
        f"held event {held.key} came from {held.source_topic!r}, a topic this engine no "
        "longer declares; discard it",
        status=409,
    )


def source_key(spec: TopicSpec, envelope: EventEnvelope) -> str:
    """The record key the source topic declares (ERP changes: ``erp:{entity_key}``), so a
    replayed event meets the live events of its entity on one partition."""
    try:
        return spec.key.format(
            integration_id=envelope.integration_id, entity_key=envelope.entity_key
        )
    except (KeyError, IndexError):
        return entity_key(envelope.integration_id, envelope.entity_key)


def replayed_envelope(held: HeldEvent) -> EventEnvelope:
    """The envelope to re-send: an event fanned out to every integration (an ERP change) is
    addressed to the one integration that held it, so no other integration sees it twice."""
    if held.envelope.integration_id == held.integration_id:
        return held.envelope
    return held.envelope.model_copy(update={"integration_id": held.integration_id})


async def process_held(
    engine: Engine,
    integration: Integration,
    automation: Automation,
    held: list[HeldEvent],
    actor: str,
) -> int:
    """Re-send each held event to its source topic, acknowledged, then release it."""
    if verdict(integration, automation) is not Verdict.RUN:
        raise Refused(
            "automation_off",
            f"turn {automation.value} on and the integration active before processing its "
            "held events (PATCH .../automations, POST .../resume), or discard them",
            status=409,
        )
    sources = [source_of(h) for h in held]
    acks = [
        await engine.topics[spec].send(
            key=source_key(spec, h.envelope).encode(),
            value=encode(replayed_envelope(h)),
        )
        for h, spec in zip(held, sources, strict=True)
    ]
    await asyncio.gather(*acks)
    await _release_all(engine, held)
    _record(engine, integration, held, Step.RECEIVED, "replayed", f"held event re-sent by {actor}")
    return len(held)


async def discard_held(
    engine: Engine, integration: Integration, held: list[HeldEvent], actor: str
) -> int:
    """Release held events without acting on them; each one's history says who discarded it."""
    await _release_all(engine, held)
    _record(
        engine, integration, held, Step.IGNORED, "discarded", f"held event discarded by {actor}"
    )
    return len(held)


def _record(
    engine: Engine,
    integration: Integration,
    held: list[HeldEvent],
    step: Step,
    outcome: str,
    detail: str,
) -> None:
    for h in held:
        entry = event_entry(
            h.envelope,
            step,
            outcome,
            detail,
            config_version=integration.version,
            integration_id=integration.id,
        )
        record_history(engine.topics, entry)


async def _release_all(engine: Engine, held: list[HeldEvent]) -> None:
    await asyncio.gather(*(release(engine.topics, h) for h in held))
    view = engine.views.held

    def gone() -> bool:
        return not any(
            view.holds(h.integration_id, h.automation, h.envelope.entity_key) for h in held
        )

    await engine.views.held.wait_until(gone, VISIBLE_WITHIN_SECONDS)

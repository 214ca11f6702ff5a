"""Whether an automation acts on an event now, keeps it for later, or has nothing to do.

``verdict`` is pure. An event met while its automation is off (or its integration paused) is
held, never dropped: the operator replays or discards held events explicitly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from engine.context import Engine
from engine.state.held import hold
from engine.state.history import event_entry, record_history
from schemas.automation import Automation
from schemas.envelope import EventEnvelope
from schemas.held import HeldEvent
from schemas.history import Step
from schemas.integration import Integration, IntegrationStatus
from topics.spec import TopicSpec


class Verdict(StrEnum):
    RUN = "run"
    HOLD = "hold"
    GONE = "gone"


def verdict(integration: Integration | None, automation: Automation) -> Verdict:
    if integration is None:
        return Verdict.GONE
    if integration.status is not IntegrationStatus.ACTIVE:
        return Verdict.HOLD
    if not integration.automations.is_on(automation):
        return Verdict.HOLD
    return Verdict.RUN


async def hold_event(
    engine: Engine,
    integration: Integration,
    automation: Automation,
    source: TopicSpec,
    envelope: EventEnvelope,
) -> None:
    """Keep an event for when ``automation`` is on again; its history says so."""
    now = datetime.now(UTC)
    await hold(
        engine.topics,
        HeldEvent(
            integration_id=integration.id,
            automation=automation.value,
            source_topic=source.name,
            envelope=envelope,
            held_at=now,
        ),
    )
    reason = (
        f"integration {integration.status.value}"
        if integration.status is not IntegrationStatus.ACTIVE
        else f"automation {automation.value} is off"
    )
    record_history(
        engine.topics,
        event_entry(
            envelope,
            Step.HELD,
            "held",
            reason,
            config_version=integration.version,
            integration_id=integration.id,
        ),
    )

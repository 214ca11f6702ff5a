"""What an operator does with a record in an integration's error list (Erros).

Retry re-sends the parked event (its payload optionally edited) to the topic it came from,
under the integration's current configuration version. The record stays in the list until the
flow succeeds (sinks call ``engine.failures.resolve_parked``), so a retry that fails again
is never lost. Ignore resolves the record without applying it; both leave a history entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from engine.context import Engine
from engine.held_replay import source_key
from engine.outbound import command_for, command_kind
from engine.state.history import event_entry, record_history
from engine.state.parked import unpark
from schemas.codec import encode
from schemas.command import PlatformCommand
from schemas.envelope import EventEnvelope
from schemas.history import Step
from schemas.integration import Integration
from schemas.parked import ParkedRecord
from topics.registry import DECLARED
from topics.spec import TopicSpec


class NotParked(LookupError):
    """No record of that entity is in the integration's error list."""


class NotRetryable(Exception):
    """The record came from somewhere it cannot be sent back to."""


class InvalidEdit(ValueError):
    """The edited payload is not a valid event of the parked record's type."""

    def __init__(self, errors: ValidationError) -> None:
        super().__init__(str(errors))
        self.errors = errors


@dataclass(frozen=True)
class Retried:
    record: ParkedRecord
    envelope: EventEnvelope
    topic: str
    edited: bool


def parked(engine: Engine, integration_id: str, entity_key: str) -> ParkedRecord:
    record = engine.views.parked.get(integration_id, entity_key)
    if record is None:
        raise NotParked(f"{entity_key!r} is not in the error list of {integration_id!r}")
    return record


def retried_envelope(
    record: ParkedRecord, config_version: int, payload: dict[str, Any] | None
) -> EventEnvelope:
    """The parked envelope under ``config_version``, its payload replaced when one is given.

    Event id and idempotency key are kept: a retry is the same event, so the sinks' duplicate
    checks still hold."""
    data = record.envelope.model_dump()
    data["config_version"] = config_version
    if payload is not None:
        data["payload"] = payload
    try:
        return EventEnvelope.model_validate(data)
    except ValidationError as exc:
        raise InvalidEdit(exc) from exc


def source_of(record: ParkedRecord) -> TopicSpec:
    """The declared topic the record came from, if it takes events back."""
    spec = next((s for s in DECLARED if s.name == record.source_topic), None)
    if spec is None or spec.value not in (EventEnvelope, PlatformCommand):
        raise NotRetryable(
            f"{record.entity_key} came from {record.source_topic}, which takes no retried "
            "events; ignore it and repeat the change at its source"
        )
    return spec


def outgoing(
    spec: TopicSpec, envelope: EventEnvelope, integration: Integration
) -> tuple[bytes, bytes]:
    """Key and value of ``envelope`` on ``spec``: the event itself, or its platform command.

    An ERP change goes back addressed to this integration only (the fan-out sends such an
    event to its own integration), under the key its live changes have."""
    if spec.value is PlatformCommand:
        command = command_for(envelope, integration)
        return command.key.encode(), encode(command)
    return source_key(spec, envelope).encode(), encode(envelope)


async def retry_parked(
    engine: Engine,
    integration: Integration,
    entity_key: str,
    actor: str,
    payload: dict[str, Any] | None = None,
) -> Retried:
    """Send a parked record back to its flow; it stays parked until that flow succeeds."""
    record = parked(engine, integration.id, entity_key)
    spec = source_of(record)
    envelope = retried_envelope(record, integration.version, payload)
    if spec.value is PlatformCommand and command_kind(envelope.payload) is None:
        raise NotRetryable(f"{envelope.type} events are not sent to platforms")
    key, value = outgoing(spec, envelope, integration)
    await (await engine.topics[spec].send(key=key, value=value))
    edited = payload is not None
    detail = f"retried by {actor}" + (" with an edited payload" if edited else "")
    await record_history(engine.topics, event_entry(envelope, Step.RETRIED, "retried", detail))
    return Retried(record, envelope, engine.topics.name(spec), edited)


async def ignore_parked(
    engine: Engine, integration: Integration, entity_key: str, actor: str
) -> ParkedRecord:
    """Take a record off the error list without applying it; its history says who and why."""
    record = parked(engine, integration.id, entity_key)
    await unpark(engine.topics, integration.id, entity_key)
    await record_history(
        engine.topics,
        event_entry(
            record.envelope,
            Step.IGNORED,
            "ignored",
            f"ignored by {actor} ({record.error_class.value}: {record.reason})",
            config_version=integration.version,
        ),
    )
    return record


def parked_view(record: ParkedRecord) -> dict[str, Any]:
    """A record of the error list as the admin API shows it (the payload, for editing)."""
    return {
        "entity_key": record.entity_key,
        "error_class": record.error_class.value,
        "reason": record.reason,
        "platform_answer": record.platform_answer,
        "attempts": record.attempts,
        "parked_at": record.parked_at.isoformat(),
        "config_version": record.config_version,
        "source_topic": record.source_topic,
        "event_id": record.envelope.event_id,
        "event_type": record.envelope.type,
        "payload": record.envelope.payload.model_dump(mode="json"),
    }

"""What happens to a record that could not be applied.

    transient (timeout, 5xx, 429)      retried with jittered backoff (engine.retry); once the
                                       attempts are spent, parked like a permanent error
    permanent (4xx data errors)        parked in the integration's error list with the answer
    mapping / prerequisite             parked with the reason (an unmapped carrier, an order
                                       that never arrived)
    configuration or auth              parked, and the integration is paused and flagged

``classify`` is pure. A parked record is retried (optionally edited) or ignored by an operator,
and resolves itself when a later event for the same entity succeeds.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from connectors.errors import AuthError, ConfigError, ConnectorError, Retryable
from engine.config_changes import next_version, save_version
from engine.context import Engine
from engine.state.history import event_entry, record_history
from engine.state.parked import park, unpark
from schemas.envelope import EventEnvelope
from schemas.history import Step
from schemas.integration import IntegrationStatus
from schemas.parked import ErrorClass, ParkedRecord
from topics.spec import TopicSpec

log = logging.getLogger(__name__)


class MappingMissing(Exception):
    """A value the far side requires has no mapping (e.g. an unmapped carrier)."""


class PrerequisiteMissing(Exception):
    """The record depends on another that has not arrived (paid before created)."""


def classify(exc: BaseException) -> ErrorClass:
    if isinstance(exc, AuthError):
        return ErrorClass.AUTH
    if isinstance(exc, ConfigError):
        return ErrorClass.CONFIGURATION
    if isinstance(exc, Retryable):
        return ErrorClass.TRANSIENT
    if isinstance(exc, MappingMissing):
        return ErrorClass.MAPPING
    if isinstance(exc, PrerequisiteMissing):
        return ErrorClass.PREREQUISITE
    return ErrorClass.PERMANENT


def stops_integration(error_class: ErrorClass) -> bool:
    return error_class in (ErrorClass.AUTH, ErrorClass.CONFIGURATION)


async def park_failure(
    engine: Engine,
    envelope: EventEnvelope,
    source: TopicSpec,
    exc: BaseException,
    *,
    attempts: int = 1,
) -> ParkedRecord:
    """Park ``envelope`` with what went wrong; pause its integration on an auth/config error."""
    error_class = classify(exc)
    reason = exc.reason if isinstance(exc, ConnectorError) else str(exc)
    answer = exc.describe() if isinstance(exc, ConnectorError) else None
    integration = engine.registry.get(envelope.integration_id)
    version = integration.version if integration is not None else envelope.config_version
    record = ParkedRecord(
        integration_id=envelope.integration_id,
        entity_key=envelope.entity_key,
        error_class=error_class,
        reason=reason,
        platform_answer=answer,
        source_topic=source.name,
        envelope=envelope,
        attempts=max(attempts, 1),
        config_version=version,
        parked_at=datetime.now(UTC),
    )
    await park(engine.topics, record)
    _history(engine, envelope, Step.PARKED, error_class.value, reason, version)
    if (
        stops_integration(error_class)
        and integration is not None
        and integration.status is IntegrationStatus.ACTIVE
    ):
        flagged = next_version(
            integration, "ponte", status=IntegrationStatus.ERROR, status_reason=reason
        )
        await save_version(engine, integration, flagged, "flag_error")
        log.warning("integration %s flagged: %s", integration.id, reason)
    return record


async def resolve_parked(engine: Engine, envelope: EventEnvelope) -> None:
    """A later event for the entity succeeded: its parked record, if any, is resolved."""
    if engine.views.parked.get(envelope.integration_id, envelope.entity_key) is None:
        return
    await unpark(engine.topics, envelope.integration_id, envelope.entity_key)
    _history(
        engine, envelope, Step.RESOLVED, "ok", "a later event succeeded", envelope.config_version
    )


def _history(
    engine: Engine, envelope: EventEnvelope, step: Step, outcome: str, detail: str, version: int
) -> None:
    record_history(
        engine.topics, event_entry(envelope, step, outcome, detail, config_version=version)
    )

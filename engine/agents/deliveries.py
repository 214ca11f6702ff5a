"""Raw platform deliveries -> canonical events (the mapping step).

A full delivery (Shopify sends the whole record) is mapped by a pure translator. A thin one
(ids only: Nuvemshop, Tray, VTEX) is confirmed by reading the record from the platform first,
so nothing is acted on that the platform does not stand behind. Deliveries are worked in batches
(engine.acked_batches): a batch's events are acknowledged by Kafka together, then its deliveries'
offsets may be committed.
"""

from __future__ import annotations

import logging
from functools import cache

from faust.types import EventT, StreamT
from prometheus_client import Counter
from pydantic import ValidationError

from connectors.capabilities import Entity
from connectors.contract import Notification
from connectors.erp.webhooks import notification_events
from connectors.errors import ConfigError, ConnectorError, Permanent, Retryable
from engine.acked_batches import Outputs, work_in_batches
from engine.agents.readiness import views_caught_up
from engine.config_changes import next_version, save_version
from engine.context import Engine
from engine.dead_letters import send_to_dead_letter
from engine.erp_changes import erp_envelope
from engine.metrics import EVENTS_PROCESSED, RETRIES
from engine.retry import call_with_retries
from engine.translate import TRANSLATORS, fetched_record_events
from schemas.codec import decode, encode
from schemas.delivery import Delivery
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.integration import Integration, IntegrationStatus
from topics.registry import CATALOG, DELIVERIES, ERP_CHANGES, ORDERS
from topics.spec import TopicSpec

log = logging.getLogger(__name__)
AGENT = "translate-deliveries"


class Unprocessable(Exception):
    """The delivery can never be translated; it goes to the dead-letter topic."""


def wire_deliveries(engine: Engine) -> None:
    @engine.app.agent(engine.topics[DELIVERIES], name=AGENT)
    async def translate_deliveries(stream: StreamT[bytes]) -> None:
        await views_caught_up(engine, AGENT)
        await work_in_batches(stream, lambda event, outputs: translate_one(engine, event, outputs))


def destination(envelope: EventEnvelope) -> TopicSpec:
    if envelope.source is SourceSystem.ERP:
        return ERP_CHANGES
    return ORDERS if envelope.type.startswith("order.") else CATALOG


async def translate_one(engine: Engine, event: EventT[bytes], outputs: Outputs) -> None:
    """Map one delivery; its events go out with the batch's ``outputs``."""
    try:
        envelopes = await _translate(engine, event)
    except Exception as exc:  # a poison delivery goes to the DLQ; its partition moves on
        if not isinstance(exc, Unprocessable):
            log.exception("delivery at offset %s could not be translated", event.message.offset)
            wrapped = Unprocessable(f"translation failed: {type(exc).__name__}: {exc}")
            wrapped.__cause__, exc = exc, wrapped
        EVENTS_PROCESSED.labels(agent=AGENT, type="unknown", outcome="dead_letter").inc()
        cause = exc.__cause__ or exc
        attempts = getattr(cause, "attempts", 1)
        await send_to_dead_letter(
            engine.topics, DELIVERIES, event, str(exc), type(cause).__name__, attempts
        )
        return
    for envelope in envelopes:
        key = (
            event.key
            if envelope.source is not SourceSystem.ERP
            else f"erp:{envelope.entity_key}".encode()
        )
        await outputs.send(engine.topics[destination(envelope)], key, encode(envelope))
        translated(envelope.type).inc()


@cache
def translated(event_type: str) -> Counter:
    """The counter child of one event type (labels are looked up once, not per event)."""
    return EVENTS_PROCESSED.labels(agent=AGENT, type=event_type, outcome="ok")


async def _translate(engine: Engine, event: EventT[bytes]) -> list[EventEnvelope]:
    try:
        delivery = decode(Delivery, event.value)
    except (ValidationError, ValueError) as exc:
        raise Unprocessable(f"not a delivery record: {exc}") from exc
    if delivery.source is SourceSystem.ERP:
        return await _erp_changes(engine, delivery)
    integration = engine.registry.get(delivery.integration_id)
    if integration is None:
        raise Unprocessable(f"integration {delivery.integration_id!r} no longer exists")
    if delivery.needs_fetch:
        return await _fetch_and_translate(engine, delivery, integration)
    translator = TRANSLATORS.get((delivery.source, delivery.topic))
    if translator is None:
        raise Unprocessable(f"no flow handles {delivery.source} {delivery.topic!r} yet")
    try:
        return [translator(delivery, integration)]
    except (Permanent, ValidationError, ValueError, KeyError, TypeError) as exc:
        raise Unprocessable(f"{delivery.topic} could not be mapped: {exc}") from exc


async def _erp_changes(engine: Engine, delivery: Delivery) -> list[EventEnvelope]:
    """An ERP push names a record: read it from the ERP and emit what the poller would."""
    entity_name, _, record_id = delivery.entity_key.partition(":")
    notification = Notification(
        topic=delivery.topic,
        entity=Entity(entity_name),
        platform_id=record_id,
        event_id=delivery.event_id,
        body=None,
    )
    try:
        payloads = await call_with_retries(
            lambda: notification_events(engine.erp, notification),
            attempts=engine.settings.sink_max_attempts,
            base=engine.settings.sink_backoff_base,
            cap=engine.settings.sink_backoff_cap,
        )
    except ConnectorError as exc:
        raise Unprocessable(
            f"reading {delivery.entity_key} from the ERP failed: {exc.describe()}"
        ) from exc
    return [
        erp_envelope(p, received_at=delivery.received_at, trace_id=delivery.trace_id)
        for p in payloads
    ]


async def _fetch_and_translate(
    engine: Engine, delivery: Delivery, integration: Integration
) -> list[EventEnvelope]:
    entity_name, _, platform_id = delivery.entity_key.partition(":")
    try:
        entity = Entity(entity_name)
        client = engine.platforms.for_integration(integration)
    except (ValueError, LookupError) as exc:
        raise Unprocessable(
            f"cannot read {delivery.entity_key} from {integration.platform}: {exc}"
        ) from exc

    def count_retry(exc: Retryable, attempt: int, delay: float) -> None:
        RETRIES.labels(sink=integration.platform, reason=type(exc).__name__).inc()

    try:
        record = await call_with_retries(
            lambda: client.get_by_code(entity, platform_id),
            attempts=engine.settings.sink_max_attempts,
            base=engine.settings.sink_backoff_base,
            cap=engine.settings.sink_backoff_cap,
            on_retry=count_retry,
        )
    except ConnectorError as exc:
        if isinstance(exc, ConfigError):  # AuthError too: the integration cannot go on
            await flag_integration(engine, integration, f"{integration.platform}: {exc.reason}")
        raise Unprocessable(f"reading {delivery.entity_key} failed: {exc.describe()}") from exc
    try:
        return fetched_record_events(delivery, integration, record)
    except (ValidationError, TypeError) as exc:
        raise Unprocessable(
            f"{delivery.entity_key} could not be turned into an event: {exc}"
        ) from exc


async def flag_integration(engine: Engine, integration: Integration, reason: str) -> None:
    """Put an active integration in error with ``reason`` (its credentials or setup failed)."""
    if integration.status is not IntegrationStatus.ACTIVE:
        return
    flagged = next_version(
        integration, "ponte", status=IntegrationStatus.ERROR, status_reason=reason
    )
    await save_version(engine, integration, flagged, "flag_error")
    log.warning("integration %s flagged: %s", integration.id, reason)

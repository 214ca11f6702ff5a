"""Platform-side payment and cancellation -> the ERP order's situacao (order_platform_updates).

An update whose order is not in the ERP yet (paid before created) waits in a table keyed like
the order, in the order's ORDERS partition, and is applied right after the order is created.
A timer re-sends an update whose wait outlived ``prerequisite_timeout_seconds`` to its own
partition, marked; the agent then parks it as PrerequisiteMissing (a later order still
applies it). Running the expiry through the partition keeps every table write in the stream.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from faust.types import EventT, TableT
from pydantic import Field

from connectors.erp.situacao import Situacao
from connectors.errors import ConnectorError, Permanent
from engine.context import Engine
from engine.failures import PrerequisiteMissing, park_failure, resolve_parked
from engine.gate import Verdict, hold_event, verdict
from engine.metrics import EVENTS_PROCESSED
from engine.retry import call_with_retries
from engine.state.history import event_entry, record_history
from schemas.automation import Automation
from schemas.base import Canonical, Timestamp
from schemas.codec import decode, encode
from schemas.envelope import EventEnvelope
from schemas.events import OrderPlaced, OrderStatusChanged
from schemas.history import Step
from schemas.integration import Integration
from schemas.order_status import OrderStatus
from schemas.parked import ErrorClass
from topics.registry import ORDERS, entity_key

AGENT = "erp-orders"
DEADLINE_HEADER = "ponte-prerequisite-deadline"
_PAYMENT_CONFIRMED = frozenset(
    {
        OrderStatus.PAID,
        OrderStatus.IN_HANDLING,
        OrderStatus.INVOICED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
    }
)
_AWAITING_PAYMENT = frozenset({Situacao.AGUARDANDO_PAGAMENTO, Situacao.PAGAMENTO_EM_ANALISE})


class WaitingUpdates(Canonical):
    """Updates of one order that came before the order itself, oldest first."""

    since: Timestamp
    envelopes: list[EventEnvelope] = Field(min_length=1)


@dataclass(frozen=True)
class OrderTables:
    """The ORDERS partition's state: platform order -> ERP id, and updates waiting for one."""

    links: TableT[str, str]
    waiting: TableT[str, str]


@dataclass(frozen=True)
class SituacaoChange:
    situacao: Situacao
    historico: str


def order_tables(engine: Engine) -> OrderTables:
    def table(name: str) -> TableT[str, str]:
        return engine.app.Table(
            name, default=None, partitions=ORDERS.partitions, key_type=str, value_type=str
        )

    return OrderTables(links=table("order-links"), waiting=table("order-updates-waiting"))


def situacao_change(status: OrderStatus, pedido: dict[str, Any]) -> SituacaoChange | None:
    """What a platform's ``status`` changes on the ERP order ``pedido``; None: nothing.

    Payment moves an order awaiting payment to Em aberto; cancellation cancels it, refused
    (Permanent) when the ERP already issued its NF-e. Nothing else comes from the platform.
    """
    try:
        current = Situacao(int(pedido.get("situacao", Situacao.EM_ABERTO)))
    except (TypeError, ValueError) as exc:
        raise Permanent(f"ERP order has an unknown situacao {pedido.get('situacao')!r}") from exc
    if status is OrderStatus.CANCELED:
        if current is Situacao.CANCELADO:
            return None
        if str(pedido.get("numeroNotaFiscal") or "").strip():
            raise Permanent(
                f"cancelled on the platform, but ERP order {pedido.get('id')} has NF-e "
                f"{pedido['numeroNotaFiscal']}: cancel the NF-e in the ERP, then the order"
            )
        return SituacaoChange(Situacao.CANCELADO, "Cancelado na plataforma (Ponte)")
    if status in _PAYMENT_CONFIRMED and current in _AWAITING_PAYMENT:
        return SituacaoChange(Situacao.EM_ABERTO, "Pagamento confirmado na plataforma (Ponte)")
    return None


async def update_order_status(
    engine: Engine,
    tables: OrderTables,
    event: EventT[bytes],
    envelope: EventEnvelope,
    integration: Integration,
) -> None:
    """The order.status_changed flow: gate, then apply, wait for the order, or expire."""
    if verdict(integration, Automation.ORDER_PLATFORM_UPDATES) is Verdict.HOLD:
        await hold_event(engine, integration, Automation.ORDER_PLATFORM_UPDATES, ORDERS, envelope)
        _count(envelope, "held")
        return
    erp_id = _erp_id(engine, tables, envelope)
    if erp_id is not None:
        await apply_status(engine, envelope, integration, erp_id)
    elif DEADLINE_HEADER in (event.headers or {}):
        await _expire(engine, tables, envelope, integration)
    else:
        _wait(engine, tables, envelope, integration)


async def apply_status(
    engine: Engine, envelope: EventEnvelope, integration: Integration, erp_id: str
) -> None:
    """Apply one platform status to ERP order ``erp_id``; a failure is parked."""
    payload = envelope.payload
    assert isinstance(payload, OrderStatusChanged)

    async def change() -> SituacaoChange | None:
        pedido = await engine.erp.get_order(erp_id)
        wanted = situacao_change(payload.status, pedido)
        if wanted is not None:
            await engine.erp.set_order_status(erp_id, int(wanted.situacao), wanted.historico)
        return wanted

    try:
        done = await call_with_retries(
            change,
            attempts=engine.settings.sink_max_attempts,
            base=engine.settings.sink_backoff_base,
            cap=engine.settings.sink_backoff_cap,
        )
    except ConnectorError as exc:
        await park_failure(engine, envelope, ORDERS, exc, attempts=getattr(exc, "attempts", 1))
        _count(envelope, "parked")
        return
    if done is None:
        order_history(
            engine, envelope, integration, Step.SKIPPED, "no_change", f"ERP order {erp_id}"
        )
        _count(envelope, "no_change")
        return
    order_history(
        engine,
        envelope,
        integration,
        Step.SENT,
        "ok",
        f"ERP order {erp_id} -> {done.situacao.label}",
        request=f"POST /pedidos/{erp_id}/situacao",
    )
    await resolve_parked(engine, envelope)
    _count(envelope, "ok")


async def apply_pending_updates(
    engine: Engine,
    tables: OrderTables,
    order_envelope: EventEnvelope,
    integration: Integration,
    erp_id: str,
) -> None:
    """Right after an order reached the ERP: resolve its parked record and apply the updates
    that waited for it, including one parked because the order came too late."""
    key = entity_key(order_envelope.integration_id, order_envelope.entity_key)
    pending = _waiting(tables, key)
    parked = engine.views.parked.get(order_envelope.integration_id, order_envelope.entity_key)
    if (
        parked is not None
        and parked.error_class is ErrorClass.PREREQUISITE
        and isinstance(parked.envelope.payload, OrderStatusChanged)
        and parked.envelope.event_id not in {e.event_id for e in pending}
    ):
        pending.append(parked.envelope)
    await resolve_parked(engine, order_envelope)
    if key in tables.waiting:
        del tables.waiting[key]
    if pending and not integration.automations.is_on(Automation.ORDER_PLATFORM_UPDATES):
        for update in pending:  # switched off while they waited: kept for the operator
            await hold_event(engine, integration, Automation.ORDER_PLATFORM_UPDATES, ORDERS, update)
        return
    for update in pending:
        await apply_status(engine, update, integration, erp_id)


def _erp_id(engine: Engine, tables: OrderTables, envelope: EventEnvelope) -> str | None:
    linked = tables.links.get(entity_key(envelope.integration_id, envelope.entity_key))
    if linked is not None:
        return str(linked)
    assert isinstance(envelope.payload, OrderStatusChanged)
    link = engine.views.links.by_platform_id(
        envelope.integration_id, "order", envelope.payload.platform_order_id
    )
    return link.erp_id if link is not None else None


def _waiting(tables: OrderTables, key: str) -> list[EventEnvelope]:
    stored = tables.waiting.get(key)
    return list(decode(WaitingUpdates, stored.encode()).envelopes) if stored else []


def _wait(
    engine: Engine, tables: OrderTables, envelope: EventEnvelope, integration: Integration
) -> None:
    key = entity_key(envelope.integration_id, envelope.entity_key)
    stored = tables.waiting.get(key)
    waiting = (
        decode(WaitingUpdates, stored.encode())
        if stored
        else WaitingUpdates(since=datetime.now(UTC), envelopes=[envelope])
    )
    if envelope.event_id not in {e.event_id for e in waiting.envelopes}:
        waiting = waiting.model_copy(update={"envelopes": [*waiting.envelopes, envelope]})
    tables.waiting[key] = encode(waiting).decode()
    timeout = engine.settings.prerequisite_timeout_seconds
    order_history(
        engine,
        envelope,
        integration,
        Step.HELD,
        "waiting",
        f"its order is not in the ERP yet; applied when it arrives (at most {timeout:.0f}s)",
    )
    _count(envelope, "waiting")


async def _expire(
    engine: Engine, tables: OrderTables, envelope: EventEnvelope, integration: Integration
) -> None:
    """The deadline passed: park the latest waiting update with the reason."""
    key = entity_key(envelope.integration_id, envelope.entity_key)
    pending = _waiting(tables, key)
    if envelope.event_id not in {e.event_id for e in pending}:
        return  # a second expiry mark of an update already parked or applied
    del tables.waiting[key]
    latest = pending[-1]
    await park_failure(engine, latest, ORDERS, PrerequisiteMissing(_late_reason(engine, latest)))
    _count(latest, "parked")


def _late_reason(engine: Engine, envelope: EventEnvelope) -> str:
    payload = envelope.payload
    assert isinstance(payload, OrderStatusChanged)
    timeout = engine.settings.prerequisite_timeout_seconds
    reason = (
        f"order {payload.platform_order_id} did not reach the ERP within {timeout:.0f}s, "
        f"so its platform status {payload.status.value} could not be applied"
    )
    automation = Automation.ORDER_IMPORT.value
    if engine.views.held.holds(envelope.integration_id, automation, envelope.entity_key):
        reason += "; the order is held because the order_import automation is off"
    return reason


def wire_prerequisite_timer(engine: Engine, tables: OrderTables) -> None:
    """Every few seconds, mark the updates whose order is overdue (each at most once a timeout)."""
    timeout = engine.settings.prerequisite_timeout_seconds
    marked: dict[str, float] = {}

    @engine.app.timer(max(0.5, min(30.0, timeout / 4)), name="order-prerequisite-deadline")  # type: ignore[untyped-decorator]
    async def mark_overdue_updates() -> None:
        deadline = datetime.now(UTC) - timedelta(seconds=timeout)
        now = time.monotonic()
        waiting_now = list(tables.waiting.items())
        for key in set(marked) - {key for key, _ in waiting_now}:
            del marked[key]
        for key, stored in waiting_now:
            if not stored or now - marked.get(key, -timeout) < timeout:
                continue
            waiting = decode(WaitingUpdates, stored.encode())
            if waiting.since > deadline:
                continue
            marked[key] = now
            await engine.topics[ORDERS].send(
                key=key.encode(),
                value=encode(waiting.envelopes[-1]),
                headers={DEADLINE_HEADER: b"passed"},
            )


def order_history(
    engine: Engine,
    envelope: EventEnvelope,
    integration: Integration,
    step: Step,
    outcome: str,
    detail: str,
    *,
    request: str | None = None,
    extra_keys: tuple[str, ...] = (),
) -> None:
    """One history entry of an order event, findable by the order's number, platform id and
    item SKUs;
    a ``request`` is an ERP call that answered 200."""
    payload = envelope.payload
    keys = [payload.platform_order_id] if isinstance(payload, OrderStatusChanged) else []
    if isinstance(payload, OrderPlaced):
        skus = {item.sku for item in payload.order.items if item.sku}
        keys = [payload.order.number, payload.order.platform_order_id, *sorted(skus)]
    entry = event_entry(
        envelope,
        step,
        outcome,
        detail,
        config_version=integration.version,
        search_keys=[*keys, *extra_keys],
    )
    if request is not None:
        entry = entry.model_copy(update={"request": request, "status_code": 200})
    record_history(engine.topics, entry)


def _count(envelope: EventEnvelope, outcome: str) -> None:
    EVENTS_PROCESSED.labels(agent=AGENT, type=envelope.type, outcome=outcome).inc()

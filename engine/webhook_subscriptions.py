"""The Webhooks automation: keep the platform's notifications registered for an integration.

Turning ``webhooks`` on registers the platform's notifications at
``{public_url}/webhooks/{platform}/{integration_id}``; turning it off removes them. Both are
idempotent at the platform (the client lists the address's subscriptions first), so the
leader can re-check every integration when it starts and after each change it sees in the
registry. Paused integrations are left as they are. Platforms with no API for this (Tray sets
its notification URL on the app) are told apart, and their orders come by polling.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from connectors.errors import ConnectorError
from engine.context import Engine
from engine.metrics import AUTOMATION_RUNS
from engine.state.history import record_history
from schemas.automation import Automation
from schemas.config_change import ConfigChange
from schemas.history import HistoryEntry, Step
from schemas.integration import Integration, IntegrationStatus

log = logging.getLogger(__name__)

TICK_SECONDS = 3.0
RETRY_SECONDS = 60.0
SWITCH_PATH = f"automations.{Automation.WEBHOOKS.value}.enabled"

NOT_BY_API = {
    "tray": (
        "Tray has no API to register notifications: the URL is set on the Tray app by Tray's"
        " developer support; turn on order_polling so orders are read on a schedule"
    ),
}


NO_PUBLIC_URL = (
    "PONTE_PUBLIC_URL is not set, so no address platforms can reach is known: set it to this"
    " engine's public https address and restart the workers"
)


@runtime_checkable
class NotificationSubscriber(Protocol):
    async def subscribe_notifications(self, address: str) -> int: ...

    async def unsubscribe_notifications(self, address: str) -> int: ...


def notification_address(base_url: str, integration: Integration) -> str:
    return f"{base_url.rstrip('/')}/webhooks/{integration.platform}/{integration.id}"


def pending_changes(
    applied: Mapping[str, bool],
    integrations: Iterable[Integration],
    ever_on: Callable[[Integration], bool],
) -> list[tuple[Integration, bool]]:
    """Active integrations whose webhooks switch differs from what was last applied.

    Unknown to this leader and off: only if it was ever on (else there is nothing of ours to
    remove, and subscriptions made by hand are left alone).
    """
    pending = []
    for integration in integrations:
        on = integration.automations.is_on(Automation.WEBHOOKS)
        last = applied.get(integration.id)
        if integration.status is not IntegrationStatus.ACTIVE or last == on:
            continue
        if last is None and not on and not ever_on(integration):
            continue
        pending.append((integration, on))
    return pending


def was_ever_on(changes: Iterable[ConfigChange]) -> bool:
    """Whether any audited version of an integration had the webhooks switch on (a version,
    or the value a change replaced: the creation itself may not be in the log)."""
    return any(
        change.snapshot.automations.is_on(Automation.WEBHOOKS)
        or any(f.path == SWITCH_PATH and f.before is True for f in change.changes)
        for change in changes
    )


async def apply_switch(engine: Engine, integration: Integration, on: bool) -> tuple[str, str]:
    """Register (on) or remove (off) the integration's notifications: outcome and detail."""
    address = notification_address(engine.settings.webhook_base_url, integration)
    client = engine.platforms.for_integration(integration)
    if not isinstance(client, NotificationSubscriber):
        reason = NOT_BY_API.get(
            integration.platform, f"{integration.platform} notifications are not registered by API"
        )
        return "unsupported", reason
    if on and engine.settings.public_url is None and not engine.settings.allow_private_urls:
        return "not_configured", NO_PUBLIC_URL
    if on:
        created = await client.subscribe_notifications(address)
        return "registered", f"notifications registered at {address} ({created} new)"
    removed = await client.unsubscribe_notifications(address)
    return "removed", f"notifications at {address} removed ({removed})"


class SubscriptionKeeper:
    """On the leader: what this leader last applied per integration, and what is left to do."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._applied: dict[str, bool] = {}
        self._retry_at: dict[str, float] = {}
        self._last_tick = 0.0

    async def tick(self) -> None:
        engine = self._engine
        if not (engine.registry.caught_up and engine.views.config_log.caught_up):
            return
        ticked, self._last_tick = self._last_tick, time.monotonic()
        if self._last_tick - ticked > 3 * TICK_SECONDS:
            self._applied.clear()  # (re)starting as leader: check every integration again
        pending = pending_changes(
            self._applied,
            engine.registry.all(),
            lambda integration: was_ever_on(engine.views.config_log.of_integration(integration.id)),
        )
        for integration, on in pending:
            if self._retry_at.get(integration.id, 0.0) > self._last_tick:
                continue
            await self._apply(integration, on)

    async def _apply(self, integration: Integration, on: bool) -> None:
        try:
            outcome, detail = await apply_switch(self._engine, integration, on)
        except Exception as exc:  # a client that cannot be built fails the same way: later
            detail = exc.describe() if isinstance(exc, ConnectorError) else repr(exc)
            self._retry_at[integration.id] = self._last_tick + RETRY_SECONDS
            log.warning("webhooks of %s not updated: %s", integration.id, detail)
            self._record(integration, "failed", f"{detail}; retrying in a minute")
            return
        self._applied[integration.id] = on
        self._retry_at.pop(integration.id, None)
        self._record(integration, outcome, detail)

    def _record(self, integration: Integration, outcome: str, detail: str) -> None:
        AUTOMATION_RUNS.labels(
            automation=Automation.WEBHOOKS.value, trigger="switch", outcome=outcome
        ).inc()
        record_history(
            self._engine.topics,
            HistoryEntry(
                integration_id=integration.id,
                entity_key=f"automation:{Automation.WEBHOOKS.value}",
                step=Step.APPLIED,
                outcome=outcome,
                detail=detail,
                config_version=integration.version,
                search_keys=[Automation.WEBHOOKS.value],
                at=datetime.now(UTC),
            ),
        )


def wire_webhook_subscriptions(engine: Engine) -> None:
    keeper = SubscriptionKeeper(engine)

    @engine.app.timer(TICK_SECONDS, on_leader=True, name="webhook-subscriptions")  # type: ignore[untyped-decorator]
    async def keep_webhooks_registered() -> None:
        await keeper.tick()

"""Scheduled automations (order polling, reconciliation): when each one is due, pure.

The leader's timer (``engine.agents.scheduler``) asks ``due_runs`` every few seconds; the start
of each run is saved as the cursor ``schedule:{integration}:{automation}``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from uuid import uuid4

from pydantic import AwareDatetime, BaseModel, ValidationError

from schemas.automation import MINIMUM_INTERVAL_SECONDS, Automation
from schemas.integration import Integration, IntegrationStatus
from schemas.job import Job, JobKind, JobRequest

log = logging.getLogger(__name__)

SCHEDULED: tuple[Automation, ...] = tuple(MINIMUM_INTERVAL_SECONDS)
TICK_SECONDS = 5.0
CURSOR_PREFIX = "schedule:"

RunKey = tuple[str, Automation]


def interval(integration: Integration, automation: Automation) -> timedelta:
    """The switch's interval, never below the automation's platform-safe minimum."""
    minimum = MINIMUM_INTERVAL_SECONDS[automation]
    wanted = integration.automations.switch(automation).interval_seconds or minimum
    return timedelta(seconds=max(wanted, minimum))


def due(
    integration: Integration, automation: Automation, last_run: datetime | None, now: datetime
) -> bool:
    """True when ``automation`` should run now for this integration."""
    if automation not in MINIMUM_INTERVAL_SECONDS:
        return False
    if integration.status is not IntegrationStatus.ACTIVE:
        return False
    if not integration.automations.is_on(automation):
        return False
    return last_run is None or now - last_run >= interval(integration, automation)


def due_runs(
    integrations: Iterable[Integration],
    last_runs: Mapping[RunKey, datetime],
    now: datetime,
    running: frozenset[RunKey] = frozenset(),
) -> list[tuple[Integration, Automation]]:
    """Every (integration, automation) due now and not already running."""
    return [
        (integration, automation)
        for integration in integrations
        for automation in SCHEDULED
        if (integration.id, automation) not in running
        and due(integration, automation, last_runs.get((integration.id, automation)), now)
    ]


class Trigger(StrEnum):
    SCHEDULE = "schedule"
    MANUAL = "manual"


JOB_KINDS = {
    Automation.ORDER_POLLING: JobKind.IMPORT_ORDERS,
    Automation.RECONCILIATION: JobKind.RECONCILE,
}


def run_job(integration: Integration, automation: Automation, requested_by: str) -> Job:
    """The queued job of one run of a scheduled automation."""
    now = datetime.now(UTC)
    return Job(
        id=uuid4().hex,
        integration_id=integration.id,
        request=JobRequest(kind=JOB_KINDS[automation], entity="order", automation=automation.value),
        requested_by=requested_by,
        created_at=now,
        updated_at=now,
    )


class LastRun(BaseModel):
    started_at: AwareDatetime


def cursor_name(integration_id: str, automation: Automation) -> str:
    return f"{CURSOR_PREFIX}{integration_id}:{automation.value}"


def parse_last_runs(saved: Mapping[str, str]) -> dict[RunKey, datetime]:
    """The saved cursors ``schedule:{id}:{automation}`` as run keys; unreadable ones skipped."""
    runs: dict[RunKey, datetime] = {}
    for name, text in saved.items():
        integration_id, _, automation = name.removeprefix(CURSOR_PREFIX).rpartition(":")
        try:
            runs[(integration_id, Automation(automation))] = LastRun.model_validate_json(
                text
            ).started_at
        except (ValueError, ValidationError):
            log.warning("schedule cursor %r is unreadable; that automation runs as if new", name)
    return runs

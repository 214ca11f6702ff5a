"""The scheduler of automations (order polling, reconciliation): a leader-only timer.

Every few seconds the leader starts each scheduled automation that is due (``engine.schedules``)
for each active integration, at most one run per (integration, automation) at a time. A run's
start is saved in the cursors topic before it begins, so a new leader knows when everything
last ran and does not run it all again at once; a run that dies half-way is retried at its
next interval (polling resumes from its own cursor). Each run leaves a history entry
(``automation:{name}``; not for a scheduled poll that found nothing), a metric and, when
reconciling or asked for by hand, a job.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime

from aiokafka.errors import KafkaError

from connectors.errors import ConnectorError
from engine.agents.order_polling import PollStates, poll_orders
from engine.config_changes import next_version, save_version
from engine.context import Engine
from engine.cursors import load_cursors, save_cursor
from engine.failures import classify, stops_integration
from engine.metrics import AUTOMATION_RUNS
from engine.reconciliation import reconcile, reconcile_counts
from engine.schedules import (
    CURSOR_PREFIX,
    TICK_SECONDS,
    LastRun,
    RunKey,
    Trigger,
    cursor_name,
    due_runs,
    parse_last_runs,
    run_job,
)
from engine.state.history import record_history
from engine.state.jobs import save_job
from schemas.automation import Automation
from schemas.history import HistoryEntry, Step
from schemas.integration import Integration, IntegrationStatus
from schemas.job import Job, JobState

log = logging.getLogger(__name__)


async def run_automation(
    engine: Engine,
    integration: Integration,
    automation: Automation,
    trigger: Trigger,
    job: Job | None = None,
    poll_states: PollStates | None = None,
) -> Job | None:
    """One run: its history entry, its metric and, when given (or reconciling), its job."""
    if job is None and automation is Automation.RECONCILIATION:
        job = run_job(integration, automation, trigger.value)
    if job is not None:
        job = job.model_copy(update={"state": JobState.RUNNING, "updated_at": datetime.now(UTC)})
        await save_job(engine.topics, job)
    try:
        finished, detail = await _run(engine, integration, automation, poll_states)
        outcome, state = "ok", JobState.DONE
    except Exception as exc:  # whatever failed, the run ends as failed: no job left running
        detail = await _failed(engine, integration, automation, exc)
        finished, outcome, state = {}, "failed", JobState.FAILED
    AUTOMATION_RUNS.labels(
        automation=automation.value, trigger=trigger.value, outcome=outcome
    ).inc()
    if job is not None or outcome != "ok" or finished.get("total"):
        # an empty scheduled poll leaves only its metric: every minute for months would
        # bury the history every worker reads at start
        record_history(engine.topics, _run_entry(integration, automation, trigger, outcome, detail))
    if job is None:
        return None
    job = job.model_copy(
        update={**finished, "state": state, "result": detail, "updated_at": datetime.now(UTC)}
    )
    await save_job(engine.topics, job)
    return job


async def _failed(
    engine: Engine, integration: Integration, automation: Automation, exc: Exception
) -> str:
    """What went wrong, logged; an auth or configuration error flags the integration, as a
    parked event's would (its scheduled runs stop until an operator resumes it)."""
    if isinstance(exc, ConnectorError):
        detail = exc.describe()
        log.warning("%s of %s failed: %s", automation.value, integration.id, detail)
    else:
        detail = f"{type(exc).__name__}: {exc}"
        log.error("%s of %s failed", automation.value, integration.id, exc_info=exc)
    current = engine.registry.get(integration.id)
    if (
        stops_integration(classify(exc))
        and current is not None
        and current.status is IntegrationStatus.ACTIVE
    ):
        flagged = next_version(
            current, "ponte", status=IntegrationStatus.ERROR, status_reason=detail
        )
        await save_version(engine, current, flagged, "flag_error")
    return detail


async def _run(
    engine: Engine,
    integration: Integration,
    automation: Automation,
    poll_states: PollStates | None,
) -> tuple[dict[str, object], str]:
    """The job fields and the summary of one run."""
    if automation is Automation.ORDER_POLLING:
        count = await poll_orders(engine, integration, poll_states)
        summary = f"{count} orders read (placed or updated since the last poll)"
        return {"total": count, "done": count}, summary
    report = await reconcile(engine, integration)
    return {**reconcile_counts(report), "errors": report.items()}, report.summary()


def _run_entry(
    integration: Integration, automation: Automation, trigger: Trigger, outcome: str, detail: str
) -> HistoryEntry:
    return HistoryEntry(
        integration_id=integration.id,
        entity_key=f"automation:{automation.value}",
        step=Step.APPLIED,
        outcome=outcome,
        detail=f"{trigger.value} run: {detail}",
        config_version=integration.version,
        search_keys=[automation.value],
        at=datetime.now(UTC),
    )


class Scheduler:
    """The leader's view of when each scheduled automation last started, and what runs now."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._last_runs: dict[RunKey, datetime] | None = None
        self._running: set[RunKey] = set()
        self._poll_states: PollStates = {}
        self._tasks: set[asyncio.Task[Job | None]] = set()
        self._last_tick = 0.0

    async def tick(self) -> None:
        engine = self._engine
        if not engine.registry.caught_up:
            return
        ticked, self._last_tick = self._last_tick, time.monotonic()
        if self._last_runs is None or self._last_tick - ticked > 3 * TICK_SECONDS:
            # Just became leader (or was not for a while): another leader may have run things.
            saved = await load_cursors(
                engine.settings.bootstrap_servers, engine.topics, CURSOR_PREFIX
            )
            self._last_runs = parse_last_runs(saved)
            self._poll_states.clear()
        now = datetime.now(UTC)
        for integration, automation in due_runs(
            engine.registry.all(), self._last_runs, now, frozenset(self._running)
        ):
            key = (integration.id, automation)
            await save_cursor(
                engine.topics,
                cursor_name(integration.id, automation),
                LastRun(started_at=now).model_dump_json(),
            )
            self._last_runs[key] = now
            self._start(key, integration, automation)

    def _start(self, key: RunKey, integration: Integration, automation: Automation) -> None:
        self._running.add(key)
        task = asyncio.ensure_future(
            run_automation(
                self._engine,
                integration,
                automation,
                Trigger.SCHEDULE,
                poll_states=self._poll_states,
            )
        )
        self._tasks.add(task)

        def finished(done: asyncio.Task[Job | None]) -> None:
            self._tasks.discard(done)
            self._running.discard(key)
            if not done.cancelled() and done.exception() is not None:
                log.error(
                    "%s run of %s crashed", automation.value, key[0], exc_info=done.exception()
                )

        task.add_done_callback(finished)


def wire_schedules(engine: Engine) -> None:
    scheduler = Scheduler(engine)

    @engine.app.timer(TICK_SECONDS, on_leader=True, name="automation-scheduler")  # type: ignore[untyped-decorator]
    async def run_due_automations() -> None:
        try:
            await scheduler.tick()
        except (KafkaError, TimeoutError, OSError) as exc:  # the next tick tries again
            log.warning("scheduled automations not started this tick: %r", exc)

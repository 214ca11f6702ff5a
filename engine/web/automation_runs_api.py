"""Run a scheduled automation now, and list its runs (admin API).

``POST /api/v1/integrations/{id}/automations/{name}/run`` answers 202 with the run's job at
once; the run goes on in this worker and updates the job (``GET`` the runs, or the jobs API).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from faust.web import Request, Response, View

from engine.agents.scheduler import run_automation
from engine.context import Engine
from engine.cursors import load_cursors
from engine.schedules import (
    CURSOR_PREFIX,
    SCHEDULED,
    RunKey,
    Trigger,
    interval,
    parse_last_runs,
    run_job,
)
from engine.state.jobs import save_job
from engine.web.api import AdminView, ApiError, actor_of
from engine.web.config_api import integration_of
from schemas.automation import Automation
from schemas.integration import Integration, IntegrationStatus
from schemas.job import Job

log = logging.getLogger(__name__)
LISTED_RUNS = 50


def schedulable(name: str) -> Automation:
    """The automation ``name`` names, if it runs on a schedule; 400 or 409 otherwise."""
    try:
        automation = Automation(name)
    except ValueError:
        known = ", ".join(a.value for a in Automation)
        raise ApiError(
            400, "unknown_automation", f"{name!r} is not an automation; known: {known}"
        ) from None
    if automation not in SCHEDULED:
        runnable = ", ".join(a.value for a in SCHEDULED)
        raise ApiError(
            409,
            "not_schedulable",
            f"{name} does not run on a schedule, so it cannot be run now; runnable: {runnable}",
        )
    return automation


def schedule_view(
    integration: Integration, last_runs: Mapping[RunKey, datetime]
) -> list[dict[str, Any]]:
    """Each scheduled automation: on or off, its interval, when it last started, when next."""
    view = []
    for automation in SCHEDULED:
        last = last_runs.get((integration.id, automation))
        every = interval(integration, automation)
        view.append(
            {
                "automation": automation.value,
                "enabled": integration.automations.is_on(automation),
                "interval_seconds": int(every.total_seconds()),
                "last_started_at": None if last is None else last.isoformat(),
                "next_due_at": None if last is None else (last + every).isoformat(),
            }
        )
    return view


def automation_runs_views(engine: Engine) -> tuple[type[View], type[View]]:
    started: set[asyncio.Task[Job | None]] = set()

    class RunNow(AdminView):
        ponte = engine

        async def post(self, request: Request, integration_id: str, name: str) -> Response:
            integration = integration_of(engine, integration_id)
            automation = schedulable(name)
            if integration.status is not IntegrationStatus.ACTIVE:
                raise ApiError(
                    409,
                    "integration_not_active",
                    f"integration {integration_id!r} is {integration.status.value}"
                    f" ({integration.status_reason or 'no reason given'}); resume it first",
                )
            job = run_job(integration, automation, actor_of(request))
            await save_job(engine.topics, job)
            task = asyncio.ensure_future(
                run_automation(engine, integration, automation, Trigger.MANUAL, job)
            )
            started.add(task)
            task.add_done_callback(started.discard)
            return self.json({"job": job.model_dump(mode="json")}, status=202)

    class Runs(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response:
            integration = integration_of(engine, integration_id)
            saved = await load_cursors(
                engine.settings.bootstrap_servers,
                engine.topics,
                f"{CURSOR_PREFIX}{integration.id}:",
            )
            names = {a.value for a in SCHEDULED}
            runs = [
                job.model_dump(mode="json")
                for job in engine.views.jobs.of_integration(integration_id)
                if job.request.automation in names
            ]
            return self.json(
                {
                    "schedule": schedule_view(integration, parse_last_runs(saved)),
                    "runs": runs[:LISTED_RUNS],
                }
            )

    return RunNow, Runs

"""Manual actions as jobs: Importar, Exportar, Importar Pedidos de Venda; their progress; cancel.

POST /api/v1/integrations/{id}/jobs     a JobRequest -> 202 with the queued job
GET  /api/v1/integrations/{id}/jobs     the integration's jobs, newest first
GET  /api/v1/jobs/{job_id}              state, total, done, failed, first errors, result
POST /api/v1/jobs/{job_id}/cancel       stops the job at its next page boundary
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from faust.web import Request, Response, View

from connectors.registry import PLATFORMS
from engine.context import Engine
from engine.jobs.requests import refusal
from engine.jobs.runner import send_command
from engine.state.jobs import save_job
from engine.web.api import READ_YOUR_WRITES_SECONDS, AdminView, ApiError, actor_of, json_body, parse
from schemas.automation import Automation
from schemas.integration import Integration, IntegrationStatus
from schemas.job import Job, JobCommand, JobCommandKind, JobKind, JobRequest


def job_view(job: Job) -> dict[str, Any]:
    """A job as the API shows it (the checkpoint is the runner's business)."""
    return job.model_dump(mode="json", exclude={"checkpoint"})


def jobs_views(engine: Engine) -> tuple[type[View], type[View], type[View]]:
    class IntegrationJobs(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response:
            _integration(engine, integration_id, active=False)
            jobs = engine.views.jobs.of_integration(integration_id)
            return self.json({"jobs": [job_view(job) for job in jobs]})

        async def post(self, request: Request, integration_id: str) -> Response:
            integration = _integration(engine, integration_id)
            asked = _job_request(await json_body(request))
            job = await queue_job(engine, integration, asked, actor_of(request))
            return self.json(job_view(job), status=202)

    class JobDetail(AdminView):
        ponte = engine

        async def get(self, request: Request, job_id: str) -> Response:
            return self.json(job_view(_job(engine, job_id)))

    class JobCancel(AdminView):
        ponte = engine

        async def post(self, request: Request, job_id: str) -> Response:
            job = _job(engine, job_id)
            if job.state.finished:
                raise ApiError(409, "finished", f"job {job_id} is already {job.state.value}")
            command = JobCommand(
                job_id=job.id,
                kind=JobCommandKind.CANCEL,
                actor=actor_of(request),
                sent_at=datetime.now(UTC),
            )
            await send_command(engine, command)
            return self.json({"cancel": "requested", "job": job_view(job)}, status=202)

    return IntegrationJobs, JobDetail, JobCancel


async def queue_job(engine: Engine, integration: Integration, asked: JobRequest, actor: str) -> Job:
    """Record the job, then hand it to its runner; the job as queued."""
    refused = refusal(asked, PLATFORMS[integration.platform])
    if refused is not None:
        raise ApiError(400, refused.code, refused.message)
    if asked.kind is JobKind.IMPORT_ORDERS and not integration.automations.is_on(
        Automation.ORDER_IMPORT
    ):
        raise ApiError(
            409,
            "automation_off",
            "order_import is off, so the ERP-orders flow would hold every order this job finds; "
            "turn it on (Automações, Vendas) and run the job again",
        )
    now = datetime.now(UTC)
    job = Job(
        id=f"job-{uuid4().hex[:16]}",
        integration_id=integration.id,
        request=asked,
        requested_by=actor,
        created_at=now,
        updated_at=now,
    )
    await save_job(engine.topics, job)
    await send_command(
        engine, JobCommand(job_id=job.id, kind=JobCommandKind.RUN, job=job, sent_at=now)
    )
    try:
        await engine.views.jobs.wait_until(
            lambda: engine.views.jobs.get(job.id) is not None, READ_YOUR_WRITES_SECONDS
        )
    except TimeoutError as exc:
        raise ApiError(
            503, "not_visible_yet", "queued, but not visible yet; read it again"
        ) from exc
    return job


def _job_request(body: Any) -> JobRequest:
    if (
        isinstance(body, dict)
        and body.get("kind") == JobKind.IMPORT_ORDERS
        and "entity" not in body
    ):
        body = {**body, "entity": "order"}
    return parse(JobRequest, body, "job request")


def _integration(engine: Engine, integration_id: str, *, active: bool = True) -> Integration:
    integration = engine.registry.get(integration_id)
    if integration is None:
        raise ApiError(404, "not_found", f"no integration {integration_id!r}")
    if active and integration.status is not IntegrationStatus.ACTIVE:
        reason = f" ({integration.status_reason})" if integration.status_reason else ""
        raise ApiError(
            409,
            "not_active",
            f"integration {integration_id!r} is {integration.status.value}{reason}: resume it first",
        )
    return integration


def _job(engine: Engine, job_id: str) -> Job:
    job = engine.views.jobs.get(job_id)
    if job is None:
        raise ApiError(404, "not_found", f"no job {job_id!r}")
    return job

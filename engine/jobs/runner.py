"""The job runner: each run command advances its job by one page, then asks for the next.

One page per command keeps every message short (rebalances are not held up by a long job,
jobs on one worker take turns page by page, and a cancel waits at most one page). A command
means "advance this job from its latest saved state", so a command redelivered after its
worker died resumes from the checkpoint the dead worker saved, and a duplicate command only
moves the job on sooner; once the job is finished, commands for it are ignored.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from faust.types import StreamT

from connectors.contract import Page
from connectors.errors import ConnectorError, Retryable
from engine.context import Engine
from engine.jobs.progress import (
    Checkpoint,
    after_page,
    answered,
    broken,
    cancelled,
    checkpoint_of,
    finished,
    fresher,
    page_done,
    started,
)
from engine.jobs.sources import answer_at_once, first_checkpoint, pages_of, wanted
from engine.jobs.steps import run_page
from engine.retry import backoff_delay
from engine.state.history import history_acknowledged
from engine.state.jobs import save_job
from schemas.codec import decode, encode
from schemas.integration import Integration, IntegrationStatus
from schemas.job import Job, JobCommand, JobCommandKind, JobState
from topics.registry import JOB_COMMANDS

log = logging.getLogger(__name__)
AGENT = "job-runner"
REMEMBERED_JOBS = 1000


def wire_job_runner(engine: Engine) -> None:
    runner = JobRunner(engine)

    @engine.app.agent(engine.topics[JOB_COMMANDS], name=AGENT)
    async def run_jobs(stream: StreamT[bytes]) -> None:
        async for value in stream:
            command = decode(JobCommand, value)
            try:
                await runner.on_command(command)
            except Exception as exc:  # a bug or a broker failure must not stop every job
                log.exception("job %s failed", command.job_id)
                await runner.give_up(command.job_id, f"the job stopped on an error: {exc}")


async def send_command(engine: Engine, command: JobCommand) -> None:
    """Queue a command for the runner of its job (the worker owning the job's partition)."""
    topic = engine.topics[JOB_COMMANDS]
    await (await topic.send(key=command.job_id.encode(), value=encode(command)))


@dataclass
class Reading:
    """A source being read by this worker, ``pages`` pages into the job."""

    pages: AsyncIterator[Page]
    at: int


class JobRunner:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self._jobs: dict[str, Job] = {}
        self._readings: dict[str, Reading] = {}
        self._source_failures: dict[str, int] = {}

    async def on_command(self, command: JobCommand) -> None:
        job = fresher(
            self._jobs.get(command.job_id), self.engine.views.jobs.get(command.job_id), command.job
        )
        if job is None:
            log.warning("job %s is unknown; command dropped", command.job_id)
            return
        if job.state.finished:
            await self._forget(job.id)
            return
        if command.kind is JobCommandKind.CANCEL:
            await self._finish(cancelled(job, command.actor, _now()))
            return
        integration = self.engine.registry.get(job.integration_id)
        if integration is None:
            await self._finish(
                broken(job, f"integration {job.integration_id!r} was deleted", _now())
            )
            return
        if integration.status is not IntegrationStatus.ACTIVE:
            why = f" ({integration.status_reason})" if integration.status_reason else ""
            stopped = f"stopped: the integration is {integration.status.value}{why}"
            await self._finish(broken(job, stopped, _now()))
            return
        await self._advance(self._claimed(job), integration)

    async def give_up(self, job_id: str, reason: str) -> None:
        job = fresher(self._jobs.get(job_id), self.engine.views.jobs.get(job_id))
        if job is not None and not job.state.finished:
            await self._finish(broken(job, reason, _now()))

    def _claimed(self, job: Job) -> Job:
        if job.state is JobState.QUEUED:
            job = started(job, self.name, _now())
            return job.model_copy(
                update={"checkpoint": first_checkpoint(job.request).model_dump_json()}
            )
        if job.runner != self.name:  # resumed here after its worker stopped
            return job.model_copy(update={"runner": self.name, "updated_at": _now()})
        return job

    async def _advance(self, job: Job, integration: Integration) -> None:
        if (answer := answer_at_once(job.request, integration.platform)) is not None:
            await self._finish(answered(job, answer, _now()))
            return
        checkpoint = checkpoint_of(job)
        reading = self._reading(job, integration, checkpoint)
        try:
            page = await anext(reading.pages)
        except StopAsyncIteration:
            await self._finish(finished(job, _now()))
            return
        except Retryable as exc:
            await self._retry_later(job, exc)
            return
        except ConnectorError as exc:
            await self._finish(broken(job, f"reading the source failed: {exc.describe()}", _now()))
            return
        self._source_failures.pop(job.id, None)
        records = [record for record in page.records if wanted(job.request, record)]
        outcome = await run_page(self.engine, integration, job, records)
        await history_acknowledged()  # the page's history is stored before its checkpoint
        moved = after_page(checkpoint, page.cursor)
        job = page_done(job, outcome, moved, _now())
        reading.at = moved.pages
        if job.request.order_number is not None and job.done:
            await self._finish(finished(job, _now()))
            return
        await self._save(job)
        await send_command(self.engine, _run(job))

    def _reading(self, job: Job, integration: Integration, checkpoint: Checkpoint) -> Reading:
        """This worker's reading of the job's source, opened afresh from the checkpoint unless
        the one in hand is exactly there."""
        reading = self._readings.get(job.id)
        if reading is None or reading.at != checkpoint.pages:
            pages = pages_of(self.engine, integration, job.request, checkpoint)
            reading = self._readings[job.id] = Reading(pages, checkpoint.pages)
        return reading

    async def _retry_later(self, job: Job, exc: Retryable) -> None:
        """The source failed for now: read again from the checkpoint after a backoff."""
        await self._close_reading(job.id)
        failures = self._source_failures[job.id] = self._source_failures.get(job.id, 0) + 1
        settings = self.engine.settings
        if failures >= settings.sink_max_attempts:
            await self._finish(broken(job, f"the source kept failing: {exc.describe()}", _now()))
            return
        delay = backoff_delay(
            failures,
            base=settings.sink_backoff_base,
            cap=settings.sink_backoff_cap,
            retry_after=exc.retry_after,
        )
        await self._save(job)
        await asyncio.sleep(delay)
        await send_command(self.engine, _run(job))

    async def _save(self, job: Job) -> None:
        if len(self._jobs) > REMEMBERED_JOBS:
            self._jobs = {
                id_: known for id_, known in self._jobs.items() if not known.state.finished
            }
        self._jobs[job.id] = job
        await save_job(self.engine.topics, job)

    async def _finish(self, job: Job) -> None:
        await self._save(job)
        await self._forget(job.id)
        log.info("job %s %s: %s", job.id, job.state.value, job.result)

    async def _forget(self, job_id: str) -> None:
        self._source_failures.pop(job_id, None)
        await self._close_reading(job_id)

    async def _close_reading(self, job_id: str) -> None:
        reading = self._readings.pop(job_id, None)
        if reading is not None and hasattr(reading.pages, "aclose"):
            await reading.pages.aclose()


def _run(job: Job) -> JobCommand:
    return JobCommand(job_id=job.id, kind=JobCommandKind.RUN, job=job, sent_at=_now())


def _now() -> datetime:
    return datetime.now(UTC)

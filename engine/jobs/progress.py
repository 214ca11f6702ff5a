"""A job's life as pure transitions: started, one page done, finished, cancelled, failed.

The checkpoint is where a job resumes after its worker dies: the source's cursor after the
last fully processed page, and how many pages were read since that cursor last moved (a
platform that advances its cursor only at the end of a pass, like Tray, is re-read and those
pages skipped, so no item is counted twice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from connectors.cursor import SyncCursor
from schemas.job import Job, JobError, JobState

MAX_ERRORS = 20


class Checkpoint(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    cursor: SyncCursor = SyncCursor()
    skip: int = 0
    """Pages already processed that ``cursor`` still yields first."""
    pages: int = 0
    """Pages processed in all."""


@dataclass(frozen=True)
class PageOutcome:
    """What one page of a job did: items done, and the items that failed with their reason."""

    done: int = 0
    errors: list[JobError] = field(default_factory=list)


def checkpoint_of(job: Job) -> Checkpoint:
    return (
        Checkpoint() if job.checkpoint is None else Checkpoint.model_validate_json(job.checkpoint)
    )


def after_page(checkpoint: Checkpoint, cursor: SyncCursor) -> Checkpoint:
    """The checkpoint once the page that ended at ``cursor`` was processed."""
    if cursor == checkpoint.cursor:
        return checkpoint.model_copy(
            update={"skip": checkpoint.skip + 1, "pages": checkpoint.pages + 1}
        )
    return Checkpoint(cursor=cursor, skip=0, pages=checkpoint.pages + 1)


def started(job: Job, runner: str, now: datetime) -> Job:
    return job.model_copy(update={"state": JobState.RUNNING, "runner": runner, "updated_at": now})


def page_done(job: Job, outcome: PageOutcome, checkpoint: Checkpoint, now: datetime) -> Job:
    """Progress after a page: counts added, the first errors kept, the checkpoint moved."""
    room = max(0, MAX_ERRORS - len(job.errors))
    return job.model_copy(
        update={
            "done": job.done + outcome.done,
            "failed": job.failed + len(outcome.errors),
            "errors": [*job.errors, *outcome.errors[:room]],
            "checkpoint": checkpoint.model_dump_json(),
            "updated_at": now,
        }
    )


def finished(job: Job, now: datetime) -> Job:
    """The source is exhausted: the total is what was seen, the result says it in a sentence."""
    total = job.done + job.failed
    state = JobState.FAILED if total and not job.done else JobState.DONE
    result = f"{job.done} of {total} {_noun(job, total)} {_verb(job)}"
    if job.failed:
        result += f"; {job.failed} failed (see errors)"
    return job.model_copy(
        update={"state": state, "total": total, "result": result, "updated_at": now}
    )


def answered(job: Job, result: str, now: datetime) -> Job:
    """Nothing to do, and why (an export of what the platform keeps on each product)."""
    return job.model_copy(
        update={
            "state": JobState.DONE,
            "total": 0,
            "result": result,
            "notice": result,
            "updated_at": now,
        }
    )


def cancelled(job: Job, actor: str, now: datetime) -> Job:
    result = f"cancelled by {actor} after {job.done + job.failed} {_noun(job, 2)}"
    return job.model_copy(update={"state": JobState.CANCELLED, "result": result, "updated_at": now})


def broken(job: Job, reason: str, now: datetime) -> Job:
    """The job cannot go on (its source refused, its integration is gone)."""
    return job.model_copy(update={"state": JobState.FAILED, "result": reason, "updated_at": now})


def fresher(*jobs: Job | None) -> Job | None:
    """The latest known state of one job among copies from the view, the cache and a command."""
    known = [job for job in jobs if job is not None]
    if not known:
        return None
    return max(known, key=lambda job: (job.state.finished, _pages(job), job.updated_at))


def _pages(job: Job) -> int:
    return checkpoint_of(job).pages


PLURALS = {"category": "categories"}


def _noun(job: Job, count: int) -> str:
    entity = "order" if job.request.kind.value == "import_orders" else job.request.entity
    return entity if count == 1 else PLURALS.get(entity, f"{entity}s")


def _verb(job: Job) -> str:
    return "sent to the platform" if job.request.kind.value == "export" else "imported"

"""Manual actions (Importar, Exportar, Importar Pedidos de Venda) as jobs with progress."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from schemas.base import Canonical, Timestamp


class JobKind(StrEnum):
    IMPORT = "import"
    EXPORT = "export"
    IMPORT_ORDERS = "import_orders"
    RECONCILE = "reconcile"
    REPLAY_HELD = "replay_held"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class JobRequest(Canonical):
    """What the operator asked for: an entity, everything or one item, a date range."""

    kind: JobKind
    entity: str = Field("product", description="product, category, brand, attribute or order.")
    code: str | None = Field(None, description="One item by its platform code (or ERP code).")
    date_from: date | None = None
    date_to: date | None = None
    order_number: str | None = None
    automation: str | None = Field(None, description="replay_held: the automation re-enabled.")
    discard: bool = Field(False, description="replay_held: discard the held events instead.")


class JobError(Canonical):
    item: str
    reason: str


class Job(Canonical):
    id: str
    integration_id: str
    request: JobRequest
    state: JobState = JobState.QUEUED
    total: int | None = Field(None, ge=0, description="Known once the source has been counted.")
    done: int = Field(0, ge=0)
    failed: int = Field(0, ge=0)
    errors: list[JobError] = Field(default_factory=list, description="The first errors (capped).")
    checkpoint: str | None = Field(None, description="Where to resume after a worker dies.")
    result: str | None = None
    notice: str | None = Field(
        None, description="For the operator, in pt-BR: why the job had nothing to do."
    )
    runner: str | None = Field(None, description="The worker running it now (host:pid).")
    requested_by: str = "system"
    created_at: Timestamp
    updated_at: Timestamp


class JobCommandKind(StrEnum):
    RUN = "run"
    CANCEL = "cancel"


class JobCommand(Canonical):
    """An instruction to the job runner: run the next page of a job, or cancel it."""

    job_id: str
    kind: JobCommandKind
    job: Job | None = Field(None, description="run: the job as last saved by the sender.")
    actor: str = "system"
    sent_at: Timestamp

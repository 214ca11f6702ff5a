"""Jobs (manual actions) and their progress, latest state per job."""

from __future__ import annotations

from engine.bindings import BoundTopics
from engine.state.view import TopicView
from schemas.codec import decode, encode
from schemas.job import Job
from topics.registry import JOBS


class JobsView(TopicView):
    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._jobs: dict[str, Job] = {}

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def of_integration(self, integration_id: str) -> list[Job]:
        found = [j for j in self._jobs.values() if j.integration_id == integration_id]
        return sorted(found, key=lambda j: j.created_at, reverse=True)

    def apply(self, key: str, value: bytes | None) -> None:
        if value is None:
            self._jobs.pop(key, None)
            return
        job = decode(Job, value)
        current = self._jobs.get(key)
        if current is None or job.updated_at >= current.updated_at:
            self._jobs[key] = job


async def save_job(topics: BoundTopics, job: Job) -> None:
    await (await topics[JOBS].send(key=job.id.encode(), value=encode(job)))

"""The gauges engine.freshness derives from the views: pure functions, no broker."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Gauge

from engine.freshness import (
    PartitionOffsets,
    held_samples,
    job_samples,
    oldest_ages,
    parked_samples,
    publish,
    status_samples,
)
from schemas.held import HeldEvent
from schemas.integration import Integration, IntegrationStatus
from schemas.job import Job, JobKind, JobRequest, JobState
from schemas.parked import ErrorClass, ParkedRecord
from topics.registry import ORDERS

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def integration(integration_id: str, status: IntegrationStatus) -> Integration:
    return Integration.model_validate(
        {
            "id": integration_id,
            "platform": "shopify",
            "name": integration_id,
            "credentials": "sealed",
            "status": status,
            "version": 1,
            "created_at": NOW,
            "updated_at": NOW,
        }
    )


def job(kind: JobKind, state: JobState, done: int, failed: int, total: int | None) -> Job:
    return Job(
        id=f"{kind}-{state}-{done}",
        integration_id="loja-a",
        request=JobRequest(kind=kind),
        state=state,
        done=done,
        failed=failed,
        total=total,
        created_at=NOW,
        updated_at=NOW,
    )


def test_status_is_one_for_the_current_status_and_zero_for_the_others() -> None:
    samples = status_samples(
        [
            integration("loja-a", IntegrationStatus.ERROR),
            integration("loja-b", IntegrationStatus.ACTIVE),
        ]
    )
    assert samples[("loja-a", "shopify", "error")] == 1
    assert samples[("loja-a", "shopify", "active")] == 0
    assert samples[("loja-b", "shopify", "active")] == 1
    assert len(samples) == 2 * len(IntegrationStatus)


def test_parked_records_are_counted_by_error_class_with_zeros() -> None:
    parked = [
        ParkedRecord.model_construct(error_class=ErrorClass.AUTH),
        ParkedRecord.model_construct(error_class=ErrorClass.MAPPING),
        ParkedRecord.model_construct(error_class=ErrorClass.MAPPING),
    ]
    counted = Counter(record.error_class for record in parked)
    samples = parked_samples(integration("loja-a", IntegrationStatus.ACTIVE), counted)
    assert samples[("loja-a", "shopify", "mapping")] == 2
    assert samples[("loja-a", "shopify", "auth")] == 1
    assert samples[("loja-a", "shopify", "permanent")] == 0


def test_held_events_are_counted_by_automation() -> None:
    held = [
        HeldEvent.model_construct(automation=a)
        for a in ("order_import", "order_import", "stock_export")
    ]
    assert held_samples("loja-a", Counter(h.automation for h in held)) == {
        ("loja-a", "order_import"): 2,
        ("loja-a", "stock_export"): 1,
    }


def test_job_items_add_up_the_unfinished_jobs_only() -> None:
    jobs = [
        job(JobKind.IMPORT, JobState.RUNNING, 40, 2, 100),
        job(JobKind.IMPORT, JobState.QUEUED, 0, 0, None),
        job(JobKind.IMPORT, JobState.DONE, 500, 0, 500),
        job(JobKind.EXPORT, JobState.FAILED, 3, 7, 10),
    ]
    states, items = job_samples("loja-a", jobs)
    assert states == {
        ("loja-a", "import", "running"): 1,
        ("loja-a", "import", "queued"): 1,
        ("loja-a", "import", "done"): 1,
        ("loja-a", "export", "failed"): 1,
    }
    assert items == {
        ("loja-a", "import", "done"): 40,
        ("loja-a", "import", "failed"): 2,
        ("loja-a", "import", "total"): 100,
    }


def test_oldest_age_per_integration_from_pending_keys() -> None:
    now = 1_000.0
    pending = [
        (b"loja-a:order:1", 990_000),
        (b"loja-a:order:2", 700_000),
        (b"loja-b:order:9", 999_500),
        (b"gone:order:3", 1_000),
        (None, 1_000),
    ]
    ages = oldest_ages(pending, ["loja-a", "loja-b", "loja-c"], now)
    assert ages == {"loja-a": 300.0, "loja-b": 0.5, "loja-c": 0.0}


def test_lag_counts_what_is_not_committed() -> None:
    assert PartitionOffsets(ORDERS, 0, committed=90, end=100).lag == 10
    assert PartitionOffsets(ORDERS, 0, committed=100, end=100).lag == 0


def test_publish_replaces_every_sample() -> None:
    gauge = Gauge("g", "test", ["integration"], registry=CollectorRegistry())
    publish(gauge, {("loja-a",): 3.0, ("loja-b",): 1.0})
    publish(gauge, {("loja-b",): 2.0})
    samples = {s.labels["integration"]: s.value for s in next(iter(gauge.collect())).samples}
    assert samples == {"loja-b": 2.0}

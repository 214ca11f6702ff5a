"""Catch-up after a large backlog, and two workers against one, on the order-import flow
(Shopify deliveries -> order.placed on the orders topic, as ``bench.flows`` measures it).

Catch-up: a first worker drains a small backlog (its steady rate: the middle 90% of its output);
once it stopped, the large backlog is written; a second worker starts; its rate is the backlog
over the time from its being ready to its last output record, start-up and all. Scaling: one,
then two workers (one consumer group, separate data directories) are started and ready before
the load is written, so the group is settled; their rate is the steady middle of their output.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

from bench.cpu import cpu_seconds
from bench.flow_data import Record, order_deliveries
from bench.flow_engine import ERP_SANDBOX_RATE, STANDARD_PLAN, create_integrations, start_store
from bench.flow_kafka import Written, preload, read_written, wait_for_size
from bench.flow_stats import exactly_once, throughput
from bench.flow_work import order_identity
from bench.flows import new_stack
from bench.suite_figures import share
from tests.harness import Stack, Worker
from topics.registry import DELIVERIES, ORDERS

INTEGRATION_ID = "bench-orders"
# The ERP's rate limit is not what is measured (as bench.order_latency).
ERP_PACE = {"PONTE_ERP_REQUESTS_PER_SECOND": "2000"}
# Catch-up runs at the ERP's real pace (1 request/s): erp-orders falls thousands of orders behind
# while translate-deliveries must keep its rate (engine.flow_control; Faust's own conductor
# stopped it there).
REAL_ERP_PACE = {"PONTE_ERP_REQUESTS_PER_SECOND": "1"}


def _prepared(bootstrap: str, workdir: Path, name: str) -> Stack:
    """A stack in its own namespace with the order integration saved (its setup worker gone)."""
    stack = new_stack(bootstrap, workdir, name)
    stack.start_sandboxes(erp_rate=ERP_SANDBOX_RATE)
    store_url = start_store(stack, *STANDARD_PLAN)  # as bench.flows: a real plan's limits
    setup = stack.start_worker(f"{name}-setup", None, **ERP_PACE)
    switches = {"order_import": {"enabled": True}}
    create_integrations(stack, setup, [{"id": INTEGRATION_ID, "automations": switches}], store_url)
    setup.process.stop()
    return stack


def _written(stack: Stack, records: list[Record], timeout: float) -> Written:
    """Wait until the orders topic holds an order for each of ``records`` (or stops growing);
    what it holds then. A duplicate counts once: the wait is not cut short by it."""
    orders = ORDERS.named(stack.namespace)
    wanted = {r.identity for r in records}
    deadline = time.monotonic() + timeout
    size = len(wanted)
    while True:
        reached = asyncio.run(wait_for_size(stack.bootstrap, orders, size, deadline))
        written = asyncio.run(read_written(stack.bootstrap, orders, order_identity))
        missing = len(wanted - set(written.identities))
        if not missing or reached < size or time.monotonic() >= deadline:
            return written
        size = len(written.identities) + missing


def _stamps_of(written: Written, records: list[Record]) -> list[float]:
    """The output timestamps of ``records``' orders."""
    wanted = {r.identity for r in records}
    pairs = zip(written.timestamps_ms, written.identities, strict=True)
    return [stamp for stamp, identity in pairs if identity in wanted]


def catch_up_rate(drained_ms: list[float], backlog: int, ready_ms: float) -> float | None:
    """Backlog records per second from the worker's readiness to its last output; None unless
    the whole backlog came out (a worker that stalled part way has no catch-up rate)."""
    seconds = (max(drained_ms, default=ready_ms) - ready_ms) / 1000
    if len(drained_ms) < backlog or seconds <= 0:
        return None
    return round(len(drained_ms) / seconds, 1)


def measure_catch_up(
    bootstrap: str, workdir: Path, backlog: int, steady_count: int, timeout: float
) -> dict[str, Any]:
    """A worker's steady rate on a small backlog, then the rate at which the next worker,
    started on ``backlog`` deliveries written while none ran, clears them; same phase."""
    stack = _prepared(bootstrap, workdir, "catchup")
    try:
        records = order_deliveries(INTEGRATION_ID, stack.shop_domain, steady_count + backlog)
        steady_part, backlog_part = records[:steady_count], records[steady_count:]
        source = DELIVERIES.named(stack.namespace)
        asyncio.run(preload(bootstrap, source, steady_part))
        steady_worker = stack.start_worker("steady", None, **REAL_ERP_PACE)
        _written(stack, steady_part, timeout)
        steady_worker.process.stop()
        asyncio.run(preload(bootstrap, source, backlog_part))
        worker = stack.start_worker("catchup", None, **REAL_ERP_PACE)
        ready_ms = time.time() * 1000
        pid = _pid(worker)
        cpu_before = cpu_seconds(pid)
        written = _written(stack, records, timeout)
        cpu = _spent(cpu_before, cpu_seconds(pid))
    finally:
        stack.stop()
    steady = throughput(_stamps_of(written, steady_part))["steady_per_s"]
    drained = _stamps_of(written, backlog_part)
    seconds = (max(drained, default=ready_ms) - ready_ms) / 1000
    catch_up = catch_up_rate(drained, backlog, ready_ms)
    return {
        "what": f"{backlog} order deliveries waiting when the worker starts",
        "backlog": backlog,
        "steady": {"records": steady_count, "steady_per_s": steady},
        "drain": throughput(drained),
        "drained_before_stall_or_end": len(drained),
        "seconds_from_ready_to_last": round(seconds, 2),
        "worker_cpu_s": cpu,
        "catch_up_per_s": catch_up,
        "steady_per_s": steady,
        "catch_up_over_steady": share(catch_up, steady),
        "exactly_once": exactly_once([r.identity for r in records], written.identities),
        "namespace": stack.namespace,
    }


def measure_scaling(
    bootstrap: str, workdir: Path, records_count: int, timeout: float
) -> dict[str, Any]:
    one = _scaled(bootstrap, workdir, 1, records_count, timeout)
    two = _scaled(bootstrap, workdir, 2, records_count, timeout)
    return {
        "what": "order deliveries over 12 partitions, one consumer group",
        "one": one,
        "two": two,
        "two_over_one": share(two["steady_per_s"], one["steady_per_s"]),
        "two_over_one_first_to_last": share(two["per_s"], one["per_s"]),
    }


def _scaled(
    bootstrap: str, workdir: Path, workers: int, count: int, timeout: float
) -> dict[str, Any]:
    stack = _prepared(bootstrap, workdir, f"scale{workers}")
    try:
        running = _start_together(stack, workers)
        for worker in running:
            worker.wait_ready()  # the group settled after the last join
        records = order_deliveries(INTEGRATION_ID, stack.shop_domain, count)
        pids = [_pid(worker) for worker in running]
        cpu_before = [cpu_seconds(pid) for pid in pids]
        loaded = time.monotonic()
        asyncio.run(preload(bootstrap, DELIVERIES.named(stack.namespace), records))
        load_s = time.monotonic() - loaded
        written = _written(stack, records, timeout)
        cpu = [_spent(b, cpu_seconds(p)) for b, p in zip(cpu_before, pids, strict=True)]
    finally:
        stack.stop()
    expected = [r.identity for r in records]
    return (
        throughput(written.timestamps_ms)
        | exactly_once(expected, written.identities)
        | {
            "workers": workers,
            "load_per_s": round(count / load_s, 1) if load_s > 0 else None,
            "worker_cpu_s": cpu,
            "namespace": stack.namespace,
        }
    )


def _start_together(stack: Stack, count: int) -> list[Worker]:
    """Start ``count`` workers at once (each waits for its own readiness in a thread)."""
    started: list[Worker] = []
    errors: list[BaseException] = []

    def start(n: int) -> None:
        try:
            extra = ERP_PACE | {"PONTE_DATA_DIR": str(stack.workdir / f"engine-{n}")}
            started.append(stack.start_worker(f"scale-{n}", None, **extra))
        except BaseException as exc:  # reported below, in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"a worker did not start: {errors[0]!r}")
    return started


def _pid(worker: Worker) -> int:
    assert worker.process.popen is not None
    return worker.process.popen.pid


def _spent(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(after - before, 2)

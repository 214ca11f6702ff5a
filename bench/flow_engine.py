"""One flow of the engine drained from a pre-loaded backlog, then the baseline on the same data.

The stack is the integration tests' (``tests.harness.Stack``): ERP and Shopify sandboxes and
``python -m engine worker`` processes on the real broker, in a fresh namespace per flow. A first
worker creates the integrations through the admin API and stops; the flow's source topic is
then filled; a second worker starts on that backlog and is timed by what it writes to the
flow's output topic. With that worker stopped, the bare loop drains the same source topic.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.cpu import cpu_seconds
from bench.flow_baseline import run_baseline
from bench.flow_data import Record
from bench.flow_kafka import preload, read_values, read_written, wait_for_size
from bench.flow_stats import exactly_once, ratio_to_baseline, throughput
from bench.flow_work import Work
from schemas.codec import decode
from schemas.integration import Integration
from tests.harness import Process, Stack, Worker, free_port, wait_until
from topics.registry import INTEGRATIONS
from topics.spec import TopicSpec

ERP_SANDBOX_RATE = 5000.0  # the ERP sandbox's own limit is not what is measured
STANDARD_PLAN = (2.0, 40)  # Shopify Standard: leak 2 req/s, bucket 40: the sink's real pace


@dataclass(frozen=True)
class Flow:
    """A measured flow: its source and output topics, the integrations it needs, the output
    identities the pre-loaded records must produce, and the bare loop's version of its work."""

    name: str
    what: str
    source: TopicSpec
    output: TopicSpec
    integrations: list[dict[str, Any]]  # admin API bodies, without access
    expected: Callable[[Sequence[Record], list[str]], list[str]]  # output identities
    work: Callable[[list[Integration]], Work]
    identity: Callable[[bytes], str]
    worker_env: dict[str, str] = field(default_factory=dict)
    """Extra settings of the measured worker (PONTE_*)."""
    load_after_start: bool = False
    """Fill the source only once the measured worker is ready (its views caught up): needed
    while an agent of the flow acts before its integrations view has caught up."""


def start_store(stack: Stack, leak_rate: float, bucket: int) -> str:
    """A Shopify sandbox process at a plan's real REST limits (the stack's own one is unlimited,
    and the client takes the limits a store announces); its URL."""
    port = free_port()
    args = ["sandbox", "shopify", "--port", str(port), "--db", str(stack.workdir / "store.sqlite3")]
    args += ["--shop-domain", stack.shop_domain, "--token", stack.shopify_token]
    args += ["--webhook-secret", stack.webhook_secret]
    args += ["--leak-rate", str(leak_rate), "--bucket", str(bucket)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    stack.processes.append(Process("store", args, env, stack.workdir / "store.log").start())
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: httpx.get(f"{url}/_sandbox/health").status_code == 200, 30, "the store")
    return url


def shopify_access(
    stack: Stack, store_url: str, requests_per_second: float | None = None
) -> dict[str, Any]:
    """The access fields of the store; ``requests_per_second`` is the plan's leak rate (unset:
    Standard), which the store's answers do not announce."""
    access: dict[str, Any] = {
        "shop_domain": stack.shop_domain,
        "admin_api_token": stack.shopify_token,
        "webhook_secret": stack.webhook_secret,
        "base_url": store_url,
    }
    if requests_per_second is not None:
        access["requests_per_second"] = requests_per_second
    return access


def create_integrations(
    stack: Stack, worker: Worker, bodies: list[dict[str, Any]], store_url: str
) -> None:
    for body in bodies:
        full = {"platform": "shopify", "name": f"Bench {body['id']}"} | body
        response = worker.api(
            "POST", "/api/v1/integrations", json=full | {"access": shopify_access(stack, store_url)}
        )
        if response.status_code != 201:
            raise RuntimeError(f"creating {body['id']}: {response.status_code} {response.text}")


def saved_integrations(stack: Stack) -> list[Integration]:
    """The latest version of each integration, as the engine's registry folds them."""
    topic = INTEGRATIONS.named(stack.namespace)
    latest: dict[str, Integration] = {}
    for value in asyncio.run(read_values(stack.bootstrap, topic)):
        integration = decode(Integration, value)
        kept = latest.get(integration.id)
        if kept is None or kept.version < integration.version:
            latest[integration.id] = integration
    return list(latest.values())


def measure_flow(
    stack: Stack, flow: Flow, records: Sequence[Record], timeout: float
) -> dict[str, Any]:
    """The engine's figures for ``flow`` and the baseline's on the same records."""
    stack.start_sandboxes(erp_rate=ERP_SANDBOX_RATE)
    store_url = start_store(stack, *STANDARD_PLAN)
    setup = stack.start_worker(name=f"{flow.name}-setup")
    create_integrations(stack, setup, flow.integrations, store_url)
    setup.process.stop()
    integrations = saved_integrations(stack)
    expected = flow.expected(records, [i.id for i in integrations])
    source, output = flow.source.named(stack.namespace), flow.output.named(stack.namespace)
    if not flow.load_after_start:
        asyncio.run(preload(stack.bootstrap, source, records))
    backlog = records if flow.load_after_start else []
    engine = _drain_with_worker(stack, flow, backlog, len(expected), timeout)
    written = asyncio.run(read_written(stack.bootstrap, output, flow.identity))
    engine |= throughput(written.timestamps_ms) | exactly_once(expected, written.identities)
    sink = f"{stack.namespace}.bench.baseline-{flow.name}"
    work = flow.work(integrations)
    baseline = asyncio.run(run_baseline(stack.bootstrap, source, sink, work, timeout))
    written = asyncio.run(read_written(stack.bootstrap, sink, flow.identity))
    baseline |= throughput(written.timestamps_ms) | exactly_once(expected, written.identities)
    return {
        "what": flow.what,
        "input_records": len(records),
        "integrations": len(integrations),
        "expected_output_records": len(expected),
        "engine": engine,
        "baseline": baseline,
        "ratio": ratio_to_baseline(engine["per_s"], baseline["per_s"]),
        "cpu_efficiency_ratio": ratio_to_baseline(
            engine["output_per_cpu_s"], baseline["output_per_cpu_s"]
        ),
        "steady_ratio": ratio_to_baseline(engine["steady_per_s"], baseline["steady_per_s"]),
        "namespace": stack.namespace,
    }


def _drain_with_worker(
    stack: Stack, flow: Flow, backlog: Sequence[Record], expected: int, timeout: float
) -> dict[str, Any]:
    """Start the measured worker (then load ``backlog``, if any); stop it once the output holds
    ``expected`` records."""
    started = time.monotonic()
    worker = stack.start_worker(f"{flow.name}-measured", None, **flow.worker_env)
    assert worker.process.popen is not None
    pid = worker.process.popen.pid
    cpu_before, ready = cpu_seconds(pid), time.monotonic()
    if backlog:
        asyncio.run(preload(stack.bootstrap, flow.source.named(stack.namespace), backlog))
    output = flow.output.named(stack.namespace)
    size = asyncio.run(wait_for_size(stack.bootstrap, output, expected, ready + timeout))
    cpu_after, wall = cpu_seconds(pid), time.monotonic() - ready
    cpu = None if cpu_before is None or cpu_after is None else round(cpu_after - cpu_before, 2)
    dead_letters = worker.metric("ponte_dead_letters_total")
    worker.process.stop()
    return {
        "worker_start_s": round(ready - started, 1),
        "loaded_after_start": bool(backlog),
        "output_records_at_stop": size,
        "worker_cpu_s": cpu,
        "worker_cores_used": None if cpu is None else round(cpu / wall, 2),
        "output_per_cpu_s": None if not cpu else round(size / cpu, 1),
        "dead_letters": dead_letters,
    }

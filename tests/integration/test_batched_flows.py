"""translate-deliveries and erp-fanout work their events in batches (engine.acked_batches): a
burst through a real worker gives exactly one output per input, and a worker stopped midway
through a burst loses nothing (the next one reads again from the last committed offset)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench.flow_data import Record, order_deliveries, stock_changes
from bench.flow_kafka import preload, read_written, topic_size
from bench.flow_work import command_identity, order_identity
from engine.acked_batches import BATCH_MAX
from tests.harness import Stack, running_stack, wait_until
from tests.integration.support import create_integration
from topics.registry import DELIVERIES, ERP_CHANGES, ORDERS, OUTBOUND
from topics.spec import TopicSpec

pytestmark = pytest.mark.broker
ORDERS_AT_ONCE = 1500
CHANGES_AT_ONCE = 1000
ORDERS_INTEGRATION = "batch-orders"
STOCK_INTEGRATIONS = ("batch-stock-a", "batch-stock-b", ORDERS_INTEGRATION)
"""Every integration exports stock (one held for an integration whose switch is off would be a
held event, not a command)."""


@pytest.fixture(scope="module")
def stack(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(kafka_bootstrap, Path(tmp_path_factory.mktemp("batched"))) as running:
        setup = running.start_worker("setup")
        for integration in STOCK_INTEGRATIONS:
            create_integration(
                running, setup, integration, automations={"stock_export": {"enabled": True}}
            )
        setup.process.stop()
        yield running


def written(stack: Stack, spec: TopicSpec, identity: Callable[[bytes], str]) -> Counter[str]:
    """How many times each identity was written to ``spec``."""
    topic = spec.named(stack.namespace)
    return Counter(asyncio.run(read_written(stack.bootstrap, topic, identity)).identities)


def load(stack: Stack, spec: TopicSpec, records: list[Record]) -> None:
    asyncio.run(preload(stack.bootstrap, spec.named(stack.namespace), records))


def drain(stack: Stack, output: TopicSpec, expected: int, *, stop_at: int | None = None) -> None:
    """A worker until ``output`` holds ``expected`` records; with ``stop_at``, a first worker is
    stopped (SIGTERM) once it wrote that many, and a second one finishes the work."""
    topic = output.named(stack.namespace)

    def size() -> int:
        return asyncio.run(topic_size(stack.bootstrap, topic))

    if stop_at is not None:
        first = stack.start_worker("first")
        wait_until(lambda: size() >= stop_at, 120, "a first part")
        first.process.stop()
        assert size() < expected, "the stop came after the end"
    worker = stack.start_worker("finisher" if stop_at else "worker")
    try:
        wait_until(lambda: size() >= expected, 300, "every output")
        time.sleep(2)  # whatever a doubling would add arrives by now
    finally:
        worker.process.stop()


def test_a_burst_of_stock_changes_gives_one_command_per_integration_and_change(
    stack: Stack,
) -> None:
    records = stock_changes(CHANGES_AT_ONCE, skus=300, warehouses=2)
    load(stack, ERP_CHANGES, records)
    expected = [f"{i}:{r.identity}" for i in STOCK_INTEGRATIONS for r in records]
    drain(stack, OUTBOUND, len(expected))
    commands = written(stack, OUTBOUND, command_identity)
    assert set(commands) == set(expected)
    assert max(commands.values()) == 1, "a command was sent twice"


def test_order_deliveries_stopped_midway_lose_nothing(stack: Stack) -> None:
    records = order_deliveries(ORDERS_INTEGRATION, stack.shop_domain, ORDERS_AT_ONCE)
    load(stack, DELIVERIES, records)
    drain(stack, ORDERS, len(records), stop_at=len(records) // 3)
    orders = written(stack, ORDERS, order_identity)
    missing = {r.identity for r in records} - set(orders)
    assert not missing, f"{len(missing)} deliveries never became orders"
    doubled = sum(n - 1 for n in orders.values())
    # At-least-once: a stop may repeat the outputs of a batch whose offsets it had not committed
    # yet (erp-orders books one ERP order per order all the same); never more than a few batches.
    assert doubled <= 2 * BATCH_MAX, f"{doubled} orders written twice"

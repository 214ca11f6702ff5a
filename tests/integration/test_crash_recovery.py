"""A worker killed with SIGKILL after the ERP call and before the offset commit: still one order."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import Stack, Worker, free_port, wait_until
from tests.integration.support import create_integration, erp_orders, place_order, subscribe_orders

pytestmark = pytest.mark.broker


@pytest.fixture
def fresh_stack(kafka_bootstrap: str, tmp_path: Path) -> Iterator[Stack]:
    running = Stack(kafka_bootstrap, tmp_path)
    try:
        running.start_sandboxes()
        yield running
    finally:
        running.stop()


def test_a_worker_killed_between_erp_call_and_commit_leaves_exactly_one_order(
    fresh_stack: Stack,
) -> None:
    stack, port = fresh_stack, free_port()
    doomed = stack.start_worker("doomed", web_port=port, PONTE_FAULT_POINT="after-erp-create")
    create_integration(stack, doomed, "loja-crash")
    subscribe_orders(stack, doomed, "loja-crash")

    order = place_order(stack)

    wait_until(
        lambda: not doomed.process.alive(), 60, "the worker to kill itself after the ERP call"
    )
    assert doomed.process.popen is not None and doomed.process.popen.returncode == -signal.SIGKILL
    assert len(erp_orders(stack, order["name"])) == 1

    survivor: Worker = stack.start_worker("survivor", web_port=port)
    wait_until(
        lambda: (
            survivor.metric("ponte_events_processed_total", agent="erp-orders", type="order.placed")
            >= 1
        ),
        90,
        "the restarted worker to process the uncommitted event again",
    )
    assert len(erp_orders(stack, order["name"])) == 1
    assert survivor.metric("ponte_sink_calls_total", sink="erp", operation="create_order") == 0

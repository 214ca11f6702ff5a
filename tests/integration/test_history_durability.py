"""History written by a flow is stored before the flow's offset is committed: a worker killed
(SIGKILL, nothing flushed on the way out) right after committing its orders leaves the history
of every committed order on the history topic."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import Stack, Worker, wait_until
from tests.integration.support import erp_orders, place_order, read_topic
from topics.registry import HISTORY, ORDERS

pytestmark = pytest.mark.broker

ORDERS_PLACED = 8


def committed_everything(worker: Worker, topic: str) -> bool:
    """The consumer group's committed offsets have reached the topic's end (metrics by spec name)."""
    end = worker.metric("ponte_topic_end_offset", topic=topic)
    return end > 0 and worker.metric("ponte_consumer_committed_offset", topic=topic) >= end


def steps_of(entries: list[dict[str, Any]], number: str) -> set[str]:
    return {e["step"] for e in entries if number in e.get("search_keys", [])}


def test_a_killed_worker_leaves_the_history_of_every_order_it_committed(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    orders = [place_order(stack, sku=f"HIST-{n}") for n in range(ORDERS_PLACED)]
    for order in orders:
        wait_until(lambda o=order: erp_orders(stack, o["name"]), 60, f"{order['name']} in the ERP")
    wait_until(lambda: committed_everything(worker, ORDERS.name), 60, "orders committed")
    worker.process.kill()

    entries = read_topic(stack.bootstrap, HISTORY.named(stack.namespace))

    for order in orders:
        assert {"received", "sent"} <= steps_of(entries, order["name"]), order["name"]

"""An agent hung on an event is found stalled (/health 503, metrics), its worker exits (70) and,
restarted as a supervisor would, processes the hung event and every one after it exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from engine.liveness import EXIT_STALLED
from tests.harness import Stack, free_port, running_stack, wait_until
from tests.integration.support import create_integration, erp_orders, place_order, subscribe_orders

pytestmark = pytest.mark.broker

STALL_SECONDS = "6"
ORDERS = 5


@pytest.fixture
def fresh_stack(kafka_bootstrap: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(kafka_bootstrap, tmp_path) as stack:
        yield stack


def stalled_health(url: str) -> dict[str, Any] | None:
    response = httpx.get(f"{url}/health", timeout=2)
    body = response.json()
    return body if response.status_code == 503 and body.get("stalled_agents") else None


def test_a_hung_agent_is_reported_and_its_worker_restarted_without_loss(
    fresh_stack: Stack,
) -> None:
    stack, port = fresh_stack, free_port()
    doomed = stack.start_worker(
        "doomed",
        web_port=port,
        PONTE_FAULT_POINT="hang:erp-orders",
        PONTE_STALL_SECONDS=STALL_SECONDS,
    )
    create_integration(stack, doomed, "loja-liveness")
    subscribe_orders(stack, doomed, "loja-liveness")
    numbers = [place_order(stack)["name"] for _ in range(ORDERS)]

    health = wait_until(lambda: stalled_health(doomed.url), 60, "/health to report the stall")
    assert health["status"] == "degraded"
    (stall,) = health["stalled_agents"]
    assert stall["agent"] == "erp-orders"
    assert stall["lag"] >= 1 and stall["partitions"], stall
    assert stall["idle_seconds"] >= float(STALL_SECONDS)
    assert doomed.metric("ponte_agent_stalled", agent="erp-orders") == 1
    assert doomed.metric("ponte_agent_stalled", agent="deliveries") == 0

    wait_until(lambda: not doomed.process.alive(), 60, "the stalled worker to exit")
    assert doomed.process.popen is not None
    assert doomed.process.popen.returncode == EXIT_STALLED
    assert "liveness: agent erp-orders stalled" in doomed.process.log()

    restarted = stack.start_worker("restarted", web_port=port, PONTE_STALL_SECONDS=STALL_SECONDS)
    wait_until(
        lambda: all(erp_orders(stack, number) for number in numbers),
        90,
        "every order, the hung one included, in the ERP",
    )
    assert {number: len(erp_orders(stack, number)) for number in numbers} == dict.fromkeys(
        numbers, 1
    )
    later = place_order(stack)["name"]
    wait_until(lambda: erp_orders(stack, later), 60, "an order placed after the restart")
    assert len(erp_orders(stack, later)) == 1
    assert httpx.get(f"{restarted.url}/health", timeout=2).status_code == 200
    assert restarted.metric("ponte_agent_stalled", agent="erp-orders") == 0

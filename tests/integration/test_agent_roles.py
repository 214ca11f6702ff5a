"""Workers of one group running different agents (PONTE_AGENTS): one translates deliveries,
another creates the ERP orders. Orders placed in the store reach the ERP once each, and the
translating worker never calls the ERP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import Stack, running_stack, wait_until
from tests.integration.support import create_integration, erp_orders, place_order, subscribe_orders

pytestmark = pytest.mark.broker

ORDERS = 6
SINKS = "erp-orders,erp-catalog,erp-fanout,platform-sink,job-runner"


@pytest.fixture
def stack(kafka_bootstrap: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(kafka_bootstrap, tmp_path) as stack:
        yield stack


def test_a_translating_worker_and_a_sink_worker_share_the_orders_flow(stack: Stack) -> None:
    translator = stack.start_worker("translator", PONTE_AGENTS="translate-deliveries")
    sinks = stack.start_worker("sinks", PONTE_AGENTS=SINKS)
    create_integration(stack, translator, "loja-papeis")
    subscribe_orders(stack, translator, "loja-papeis")

    numbers = [place_order(stack)["name"] for _ in range(ORDERS)]

    wait_until(
        lambda: all(erp_orders(stack, number) for number in numbers), 90, "every order in the ERP"
    )
    assert {n: len(erp_orders(stack, n)) for n in numbers} == dict.fromkeys(numbers, 1)
    translated = translator.metric(
        "ponte_events_processed_total", agent="translate-deliveries", type="order.placed"
    )
    assert translated >= ORDERS
    assert sinks.metric("ponte_events_processed_total", agent="translate-deliveries") == 0
    assert translator.metric("ponte_sink_calls_total", sink="erp") == 0
    assert sinks.metric("ponte_sink_calls_total", sink="erp") >= ORDERS
    assert "create_erp_orders" not in translator.process.log()
    assert "translate_deliveries" not in sinks.process.log()

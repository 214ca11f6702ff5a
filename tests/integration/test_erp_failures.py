"""ERP failures: transient ones are retried with backoff, refusals go to the dead-letter topic."""

from __future__ import annotations

import pytest

from tests.harness import Stack, Worker, wait_until
from tests.integration.support import erp_fault, erp_orders, place_order, read_topic

pytestmark = pytest.mark.broker


@pytest.mark.parametrize(("status", "retry_after"), [(500, None), (503, None), (429, 1.0)])
def test_a_transient_erp_failure_is_retried_until_the_order_is_created_once(
    stack: Stack, worker: Worker, integration_id: str, status: int, retry_after: float | None
) -> None:
    retries_before = worker.metric("ponte_retries_total", sink="erp")
    erp_fault(stack, status, count=2, retry_after=retry_after)

    order = place_order(stack)

    wait_until(
        lambda: erp_orders(stack, order["name"]), 60, f"{order['name']} in the ERP after retries"
    )
    assert len(erp_orders(stack, order["name"])) == 1
    assert worker.metric("ponte_retries_total", sink="erp") >= retries_before + 2


def test_an_erp_refusal_is_dead_lettered_with_its_reason_and_the_flow_goes_on(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    erp_fault(stack, 422, count=1)

    refused = place_order(stack, sku="RECUSADO")
    accepted = place_order(stack, sku="ACEITO")

    wait_until(lambda: erp_orders(stack, accepted["name"]), 60, f"{accepted['name']} in the ERP")
    dead = wait_until(
        lambda: [
            r
            for r in read_topic(stack.bootstrap, f"{stack.namespace}.ponte.orders.dlq")
            if refused["name"] in r["value"]
        ],
        30,
        "the refused order on the dead-letter topic",
    )
    assert dead[0]["error_type"] == "Permanent"
    assert "422" in dead[0]["reason"]
    assert dead[0]["source_topic"] == f"{stack.namespace}.ponte.orders"
    assert erp_orders(stack, refused["name"]) == []
    assert worker.metric("ponte_dead_letters_total", topic="ponte.orders") >= 1

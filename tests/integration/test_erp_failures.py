"""ERP failures: transient ones are retried with backoff, refusals are parked in the
integration's error list with the ERP's answer."""

from __future__ import annotations

import pytest

from tests.harness import Stack, Worker, wait_until
from tests.integration.support import erp_fault, erp_orders, place_order

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


def test_an_erp_refusal_is_parked_with_its_reason_and_the_flow_goes_on(
    stack: Stack, worker: Worker, integration_id: str
) -> None:
    erp_fault(stack, 422, count=1)

    refused = place_order(stack, sku="RECUSADO")
    accepted = place_order(stack, sku="ACEITO")

    wait_until(lambda: erp_orders(stack, accepted["name"]), 60, f"{accepted['name']} in the ERP")
    parked = wait_until(
        lambda: [
            e
            for e in worker.api("GET", f"/api/v1/integrations/{integration_id}/errors").json()[
                "errors"
            ]
            if e["entity_key"] == f"order:{refused['id']}"
        ],
        30,
        "the refused order in the integration's error list",
    )
    assert parked[0]["error_class"] == "permanent"
    assert "422" in parked[0]["platform_answer"]
    assert parked[0]["source_topic"] == "ponte.orders"
    assert erp_orders(stack, refused["name"]) == []
    shown = worker.api("GET", f"/api/v1/integrations/{integration_id}").json()
    assert shown["status"] == "active"  # a refused order does not stop the integration

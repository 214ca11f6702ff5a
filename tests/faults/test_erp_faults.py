"""The ERP failing a fifth of its calls (5xx, 429 with Retry-After, timeouts, some after it
stored the order) under an order load: every order is in the ERP exactly once."""

from __future__ import annotations

import pytest

from tests.faults.chaos import ChaosGateway
from tests.faults.load import OrderLoad
from tests.faults.report import save, scaled
from tests.faults.test_worker_kills import assert_clean
from tests.harness import Stack
from tests.integration.support import create_integration

pytestmark = pytest.mark.broker

SCENARIO = "erp-faults"
INTEGRATION = "loja-erp-faults"
FAILURE_RATE = 0.2
ERP_TIMEOUT = 1.0


def test_a_failing_erp_gets_every_order_once(fresh_stack: Stack) -> None:
    stack, orders = fresh_stack, scaled(60, 400)
    gateway = ChaosGateway(stack.erp_url, FAILURE_RATE, hold_seconds=ERP_TIMEOUT * 1.5).start()
    try:
        worker = stack.start_worker(
            PONTE_ERP_BASE_URL=f"{gateway.url}/api",
            PONTE_ERP_TIMEOUT_SECONDS=str(ERP_TIMEOUT),
            PONTE_SINK_MAX_ATTEMPTS="12",
        )
        create_integration(stack, worker, INTEGRATION)
        load = OrderLoad(stack, INTEGRATION, [worker.url], rate=10).start()
        try:
            load.wait_for_orders(orders, timeout=orders)
        finally:
            load.stop()
        load.wait_delivered()
    finally:
        gateway.stop()

    calls = dict(gateway.calls)
    failed = sum(n for kind, n in calls.items() if kind != "passed")
    run = load.result(
        SCENARIO,
        erp_calls=sum(calls.values()),
        erp_failed_share=round(failed / max(1, sum(calls.values())), 3),
        faults=calls,
    )
    save(SCENARIO, [run])
    assert failed > 0, calls
    assert_clean(run)

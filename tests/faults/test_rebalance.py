"""A second worker joins and then leaves during a steady order load: the ERP never waits longer
than a bound for the next order, and every order is in it exactly once."""

from __future__ import annotations

import time

import pytest

from tests.faults.conftest import FAST_FAILOVER
from tests.faults.load import OrderLoad
from tests.faults.report import longest_pause, save, scaled
from tests.faults.test_worker_kills import assert_clean
from tests.harness import Stack
from tests.integration.support import create_integration

pytestmark = pytest.mark.broker

SCENARIO = "rebalance"
INTEGRATION = "loja-rebalance"
MAX_PAUSE_SECONDS = 10.0
STAY_SECONDS = 5.0


def test_a_worker_joining_and_leaving_stalls_nothing_for_long(fresh_stack: Stack) -> None:
    stack, cycles = fresh_stack, scaled(1, 3)
    resident = stack.start_worker("resident", **FAST_FAILOVER)
    create_integration(stack, resident, INTEGRATION)
    load = OrderLoad(stack, INTEGRATION, [resident.url], rate=8).start()
    try:
        load.wait_for_orders(10)
        for cycle in range(cycles):
            visitor = stack.start_worker(f"visitor-{cycle + 1}", **FAST_FAILOVER)
            time.sleep(STAY_SECONDS)
            visitor.process.stop()  # a clean leave: SIGTERM
            time.sleep(STAY_SECONDS)
    finally:
        load.stop()
    load.wait_delivered()

    pause = longest_pause(stack.erp_url, load.sent)
    run = load.result(
        SCENARIO,
        join_leave_cycles=cycles,
        longest_pause_seconds=pause,
        bound_seconds=MAX_PAUSE_SECONDS,
    )
    save(SCENARIO, [run])
    assert_clean(run)
    assert pause <= MAX_PAUSE_SECONDS, run

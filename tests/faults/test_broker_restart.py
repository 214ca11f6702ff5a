"""The broker stopped and started again under an order load: webhooks during the outage get
503 (and are retried, as platforms do), and no acknowledged order is lost or doubled.

The broker is this test's own (engine.local_broker on a free port and data dir), never the
session's shared one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import local_broker
from tests.faults.conftest import FAST_FAILOVER
from tests.faults.load import OrderLoad
from tests.faults.report import save, scaled
from tests.faults.test_worker_kills import assert_clean
from tests.harness import free_port, running_stack
from tests.integration.support import create_integration

pytestmark = pytest.mark.broker

SCENARIO = "broker-restart"
INTEGRATION = "loja-broker"
OUTAGE_SECONDS = 8.0


@pytest.fixture
def own_broker(tmp_path: Path, kafka_bootstrap: str) -> Iterator[local_broker.LocalBroker]:
    """A broker of this test's own, since the test stops it (the session's broker must be there
    too: it says a broker can be had at all)."""
    for attempt in range(3):  # a free port picked now may be taken before the broker binds it
        broker = local_broker.LocalBroker(
            port=free_port(),
            data_dir=tmp_path / f"kafka-{attempt}",
            libs_dir=local_broker.LocalBroker.from_env().libs_dir,
        )
        try:
            local_broker.start(broker)
            break
        except local_broker.BrokerError:
            if attempt == 2:
                raise
    try:
        yield broker
    finally:
        local_broker.stop(broker)


def test_a_broker_restart_under_load_loses_no_acknowledged_order(
    own_broker: local_broker.LocalBroker, tmp_path: Path
) -> None:
    restarts = scaled(1, 3)
    with running_stack(own_broker.bootstrap, tmp_path) as stack:
        worker = stack.start_worker(PONTE_ACK_TIMEOUT_SECONDS="3", **FAST_FAILOVER)
        create_integration(stack, worker, INTEGRATION)
        load = OrderLoad(stack, INTEGRATION, [worker.url], rate=8).start()
        outages = []
        try:
            load.wait_for_orders(10)
            for _ in range(restarts):
                refused_before = load.answers["503"]
                local_broker.stop(own_broker)
                down_at = time.monotonic()
                time.sleep(OUTAGE_SECONDS)
                local_broker.start(own_broker)
                outages.append(round(time.monotonic() - down_at, 1))
                load.wait_for_orders(len(load.sent) + 20, timeout=120)
                assert load.answers["503"] > refused_before, load.answers
        finally:
            load.stop()
        load.wait_delivered()
        worker_survived = worker.process.alive()
        run = load.result(
            SCENARIO,
            restarts=restarts,
            outage_seconds=outages,
            worker_survived=worker_survived,
            answers=dict(load.answers),
        )
        save(SCENARIO, [run])
    assert_clean(run)
    assert run.figures["answers"].get("503", 0) > 0

"""SIGKILL one of two workers again and again during a steady order load (restarting it each
time, as a supervisor would): every acknowledged order is in the ERP exactly once."""

from __future__ import annotations

import random
import time

import pytest

from engine.liveness import EXIT_STALLED
from tests.faults.conftest import FAST_FAILOVER
from tests.faults.load import OrderLoad
from tests.faults.report import (
    FaultRun,
    lagging_partitions,
    order_counts,
    save,
    scaled,
    where_missing,
)
from tests.harness import Stack, Worker, free_port
from tests.integration.support import create_integration

pytestmark = pytest.mark.broker

SCENARIO = "worker-kills"
INTEGRATION = "loja-kills"


class Supervisor:
    """Two workers on fixed ports, each restarted once it is gone (killed, or exited by the
    liveness check), as systemd or Kubernetes would."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.ports = {"left": free_port(), "right": free_port()}
        self.starts = 0
        self.exits: list[int | None] = []
        self.workers = {name: self._start(name) for name in self.ports}

    def _start(self, name: str) -> Worker:
        self.starts += 1
        return self.stack.start_worker(f"{name}-{self.starts}", self.ports[name], **FAST_FAILOVER)

    def kill(self, name: str) -> None:
        self.workers[name].process.kill()
        self.restart_gone()

    def restart_gone(self) -> None:
        for name, worker in self.workers.items():
            if not worker.process.alive():
                popen = worker.process.popen
                self.exits.append(None if popen is None else popen.returncode)
                self.workers[name] = self._start(name)


def test_sigkilled_workers_lose_and_double_no_order(fresh_stack: Stack) -> None:
    stack, kills = fresh_stack, scaled(3, 10)
    supervisor = Supervisor(stack)
    create_integration(stack, supervisor.workers["left"], INTEGRATION)
    load = OrderLoad(stack, INTEGRATION, [w.url for w in supervisor.workers.values()], rate=8)
    load.start()
    chance = random.Random(kills)
    started = time.monotonic()
    try:
        load.wait_for_orders(10)
        for kill in range(kills):
            time.sleep(chance.uniform(0.5, 2.5))  # somewhere in the middle of the flow
            supervisor.kill(("left", "right")[kill % 2])
    finally:
        load.stop()
    load.wait_delivered(meanwhile=supervisor.restart_gone)

    run = load.result(
        SCENARIO,
        kills=kills,
        liveness_exits=supervisor.exits.count(EXIT_STALLED),
        seconds=round(time.monotonic() - started, 1),
        answers=dict(load.answers),
    )
    if run.lost:
        missing = set(load.acknowledged) - {n for n, c in order_counts(stack.erp_url).items() if c}
        run.figures["missing_in"] = where_missing(stack.bootstrap, stack.namespace, missing)
        supervisor.restart_gone()
        run.figures["lag"] = lagging_partitions(supervisor.workers["left"].url)
    save(SCENARIO, [run])
    assert_clean(run)


def assert_clean(run: FaultRun) -> None:
    assert run.acknowledged == run.sent, run
    assert (run.lost, run.duplicated) == (0, 0), run
    assert run.delivered == run.sent, run

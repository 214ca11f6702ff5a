"""A steady order load: orders placed in the Shopify sandbox, their signed orders/create webhooks
delivered to the workers as Shopify does (same ids on every retry, retried until a 2xx)."""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import orjson

from tests.faults.report import ROUND, FaultRun, order_counts, order_run
from tests.harness import Stack, wait_until
from tests.integration.support import place_order, shopify_headers

RETRY_PAUSE = 0.2
GIVE_UP_SECONDS = 180.0


class OrderLoad:
    """Places ``rate`` orders a second and delivers each one's webhook to ``targets`` in turn
    (a dead or refusing worker: the next one, after a pause), like a platform behind a balancer."""

    def __init__(
        self, stack: Stack, integration_id: str, targets: list[str], rate: float = 10.0
    ) -> None:
        self.stack = stack
        self.integration_id = integration_id
        self.targets = targets
        self.rate = rate
        self.sent: list[str] = []
        self.acknowledged: set[str] = set()
        self.answers: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._turn = itertools.count()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhooks")
        self._placer = threading.Thread(target=self._place_orders, daemon=True)

    def start(self) -> OrderLoad:
        self._placer.start()
        return self

    def stop(self) -> None:
        """Stop placing orders; wait until every placed order's webhook got its answer."""
        self._stop.set()
        self._placer.join()
        self._pool.shutdown(wait=True)

    def wait_for_orders(self, count: int, timeout: float = 60) -> None:
        wait_until(lambda: len(self.sent) >= count, timeout, f"{count} orders placed")

    def wait_delivered(
        self, timeout: float = 180, meanwhile: Callable[[], None] | None = None
    ) -> None:
        """Until every acknowledged order is in the ERP (the counts say what is missing);
        ``meanwhile`` runs between looks (e.g. a supervisor restarting exited workers)."""

        def delivered() -> bool:
            if meanwhile is not None:
                meanwhile()
            counts = order_counts(self.stack.erp_url)
            return all(counts[n] >= 1 for n in self.acknowledged)

        with contextlib.suppress(AssertionError):  # what is missing is reported as lost
            wait_until(delivered, timeout, "every acknowledged order in the ERP", interval=1.0)

    def result(self, scenario: str, **figures: object) -> FaultRun:
        """This load's counts against the ERP, as one run of ``scenario``."""
        return order_run(
            scenario, ROUND, self.sent, self.acknowledged, self.stack.erp_url, **figures
        )

    def _place_orders(self) -> None:
        pause = 1.0 / self.rate
        next_at = time.monotonic()
        while not self._stop.is_set():
            order = place_order(self.stack)
            with self._lock:
                self.sent.append(str(order["name"]))
            self._pool.submit(self._deliver, order)
            next_at += pause
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def _deliver(self, order: dict[str, object]) -> None:
        body = orjson.dumps(order)
        headers = shopify_headers(self.stack, body)  # kept: a retry carries the same ids
        deadline = time.monotonic() + GIVE_UP_SECONDS
        with httpx.Client(timeout=15) as http:
            while time.monotonic() < deadline:
                target = self.targets[next(self._turn) % len(self.targets)]
                answer = self._post(http, target, body, headers)
                with self._lock:
                    self.answers[answer] += 1
                if answer.startswith("2"):
                    with self._lock:
                        self.acknowledged.add(str(order["name"]))
                    return
                time.sleep(RETRY_PAUSE)

    def _post(self, http: httpx.Client, target: str, body: bytes, headers: dict[str, str]) -> str:
        try:
            response = http.post(
                f"{target}/webhooks/shopify/{self.integration_id}", content=body, headers=headers
            )
        except httpx.HTTPError as exc:
            return type(exc).__name__
        return str(response.status_code)

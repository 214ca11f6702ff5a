"""Request budgets: paced to the account's rate, stopped by a 429, live before bulk."""

from __future__ import annotations

import asyncio

import pytest

from connectors.budget import Lane, RateBudget, TokenBucket, budget_for


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_spends_its_burst_then_waits_for_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(2.0, 4, clock=clock)
    assert [bucket.try_take() for _ in range(4)] == [None] * 4
    assert bucket.try_take() == pytest.approx(0.5)
    clock.now = 0.5
    assert bucket.try_take() is None


def test_reserve_queues_callers_on_credit() -> None:
    bucket = TokenBucket(10.0, 1, clock=Clock())
    assert [round(bucket.reserve(), 3) for _ in range(3)] == [0.0, 0.1, 0.2]


def test_the_platform_reported_level_corrects_our_estimate() -> None:
    bucket = TokenBucket(2.0, 40, clock=Clock())
    bucket.set_level(3)
    assert bucket.tokens == 3


def test_bulk_never_takes_the_live_reserve() -> None:
    clock = Clock()
    budget = RateBudget(1.0, 4, live_reserve=0.5, clock=clock)
    bucket = budget._bucket
    assert bucket.try_take(floor=2) is None
    assert bucket.try_take(floor=2) is None
    assert bucket.try_take(floor=2) is not None  # two tokens left, kept for live calls
    assert bucket.try_take() is None


async def test_a_429_stops_the_account_until_retry_after() -> None:
    budget = RateBudget(1000.0, 10)
    loop = asyncio.get_running_loop()
    started = loop.time()  # before the penalty: a slow step between them must not count
    budget.penalize(0.2)
    await budget.acquire()
    assert loop.time() - started >= 0.19


async def test_live_calls_go_before_waiting_bulk_calls() -> None:
    budget = RateBudget(20.0, 1, live_reserve=0.0)
    await budget.acquire()  # the bucket is now empty
    order: list[str] = []

    async def call(lane: Lane, name: str) -> None:
        await budget.acquire(lane)
        order.append(name)

    bulk = asyncio.create_task(call(Lane.BULK, "bulk"))
    await asyncio.sleep(0)
    live = asyncio.create_task(call(Lane.LIVE, "live"))
    await asyncio.wait_for(asyncio.gather(bulk, live), 5)
    assert order == ["live", "bulk"]


def test_the_share_splits_the_account_rate_between_workers() -> None:
    budget = RateBudget(2.0, 40, clock=Clock())
    budget.set_share(4)
    assert budget._bucket.rate == pytest.approx(0.5)


def test_one_budget_per_account() -> None:
    first = budget_for("shopify:loja-a.myshopify.com", 2.0, 40)
    assert budget_for("shopify:loja-a.myshopify.com", 2.0, 40) is first
    assert budget_for("shopify:loja-b.myshopify.com", 2.0, 40) is not first


def test_sharing_between_workers_applies_to_existing_and_new_budgets() -> None:
    from connectors import budget as budgets

    existing = budget_for("tray:loja-share.commercesuite.com.br", 3.0, 3)
    try:
        budgets.share_between(3)
        assert existing._bucket.rate == pytest.approx(1.0)
        later = budget_for("tray:outra-share.commercesuite.com.br", 3.0, 3)
        assert later._bucket.rate == pytest.approx(1.0)
    finally:
        budgets.share_between(1)
    assert existing._bucket.rate == pytest.approx(3.0)

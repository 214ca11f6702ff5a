"""Back-off between tries of a transient failure, and the retry loop around a call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pytest

from connectors.errors import Permanent, RateLimited, Retryable
from engine.retry import backoff_delay, call_with_retries

T = TypeVar("T")


@dataclass
class RetryLog:
    """The on_retry callback: what it was told before each wait."""

    seen: list[tuple[str, int, float]] = field(default_factory=list)

    def __call__(self, exc: Retryable, attempt: int, delay: float) -> None:
        self.seen.append((exc.reason, attempt, delay))

    @property
    def delays(self) -> list[float]:
        return [delay for _, _, delay in self.seen]


async def fast_retries(call: Callable[[], Awaitable[T]], attempts: int, log: RetryLog) -> T:
    """Retries with millisecond back-off (1 ms base, 2 ms cap) so the tests stay fast."""
    return await call_with_retries(call, attempts=attempts, base=0.001, cap=0.002, on_retry=log)


def test_backoff_grows_exponentially_without_jitter() -> None:
    delays = [backoff_delay(attempt, base=0.5, cap=100.0, jitter=0) for attempt in range(1, 6)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0]


def test_backoff_is_capped() -> None:
    assert backoff_delay(7, base=0.5, cap=30.0, jitter=0) == 30.0
    assert backoff_delay(50, base=0.5, cap=30.0, jitter=0) == 30.0


def test_backoff_stays_capped_for_any_attempt() -> None:
    assert backoff_delay(1100, base=0.5, cap=30.0, jitter=0) == 30.0


@pytest.mark.parametrize(("attempt", "centre"), [(1, 0.5), (3, 2.0), (10, 30.0)])
def test_jitter_is_bounded_around_the_exponential(attempt: int, centre: float) -> None:
    delays = {backoff_delay(attempt, base=0.5, cap=30.0, jitter=0.2) for _ in range(500)}
    assert all(centre * 0.8 <= delay <= centre * 1.2 for delay in delays)
    assert len(delays) > 1  # the jitter actually spreads retries


def test_backoff_is_never_shorter_than_retry_after() -> None:
    for _ in range(100):
        assert backoff_delay(1, base=0.5, cap=30.0, retry_after=12.0) == 12.0
    # A shorter Retry-After does not shorten the back-off.
    assert backoff_delay(4, base=0.5, cap=30.0, retry_after=0.1, jitter=0) == 4.0
    # Retry-After past the cap is honoured: the other side decides.
    assert backoff_delay(1, base=0.5, cap=30.0, retry_after=60.0) == 60.0


async def test_returns_after_transient_failures() -> None:
    calls = 0
    log = RetryLog()

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise Retryable(f"timeout {calls}")
        return "ok"

    assert await fast_retries(flaky, 5, log) == "ok"
    assert calls == 3
    assert [(reason, attempt) for reason, attempt, _ in log.seen] == [
        ("timeout 1", 1),
        ("timeout 2", 2),
    ]
    assert 0.0008 <= log.delays[0] <= 0.0012
    assert 0.0016 <= log.delays[1] <= 0.0024


async def test_raises_the_last_retryable_with_attempts_after_the_limit() -> None:
    raised: list[Retryable] = []
    log = RetryLog()

    async def always_down() -> None:
        raised.append(Retryable(f"503 #{len(raised) + 1}", status=503))
        raise raised[-1]

    with pytest.raises(Retryable) as caught:
        await fast_retries(always_down, 4, log)
    assert len(raised) == 4
    assert caught.value is raised[-1]
    assert caught.value.attempts == 4  # type: ignore[attr-defined]
    assert [attempt for _, attempt, _ in log.seen] == [1, 2, 3]
    assert all(0.0008 <= delay <= 0.0024 for delay in log.delays)


async def test_rate_limited_waits_its_retry_after() -> None:
    calls = 0
    log = RetryLog()

    async def limited() -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RateLimited("429", retry_after=0.02)
        return calls

    assert await fast_retries(limited, 3, log) == 2
    assert log.delays == [0.02]


async def test_permanent_is_not_retried() -> None:
    calls = 0
    log = RetryLog()

    async def refused() -> None:
        nonlocal calls
        calls += 1
        raise Permanent("422 invalid cpf", status=422)

    with pytest.raises(Permanent, match="invalid cpf"):
        await fast_retries(refused, 5, log)
    assert calls == 1
    assert log.seen == []


async def test_single_attempt_raises_at_once() -> None:
    calls = 0
    log = RetryLog()

    async def down() -> None:
        nonlocal calls
        calls += 1
        raise Retryable("timeout")

    with pytest.raises(Retryable) as caught:
        await fast_retries(down, 1, log)
    assert calls == 1
    assert caught.value.attempts == 1  # type: ignore[attr-defined]
    assert log.seen == []

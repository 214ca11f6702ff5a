"""How fast a connector's client calls its platform when several flows share it.

``drive`` runs ``callers`` concurrent loops of one cheap read for a fixed time and notes, at the
client's HTTP transport, when each request went out, when its answer came and with what status.
``sustained_rate`` then splits the run into the initial burst (the allowance the platform saves
up) and the steady part after it, whose rate is what the platform's leak or limit allows.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.stats import distribution
from connectors.errors import ConnectorError, RateLimited

MAX_LISTED_429S = 20


@dataclass(frozen=True)
class Answer:
    """One HTTP exchange as the client's transport saw it (monotonic seconds)."""

    sent: float
    answered: float
    status: int


class CountingTransport(httpx.AsyncBaseTransport):
    """httpx's own transport, noting every answer: the client above it is unchanged."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.answers: list[Answer] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sent = time.monotonic()
        response = await self._inner.handle_async_request(request)
        self.answers.append(Answer(sent, time.monotonic(), response.status_code))
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class CallerTally:
    """What the callers (standing in for flows) got back."""

    completed: int = 0
    rate_limited: int = 0  # 429s that reached a caller as an exception
    errors: Counter[str] = field(default_factory=Counter)


Read = Callable[[int], Awaitable[Any]]


async def drive(read: Read, callers: int, seconds: float) -> tuple[CallerTally, float, float]:
    """``callers`` loops of ``read(i)`` until ``seconds`` have passed; (tally, start, end).

    At the end the loops are cancelled wherever they are (most wait on the client's budget),
    so only calls completed within the time count.
    """
    tally = CallerTally()
    start = time.monotonic()
    end = start + seconds

    async def caller(first: int) -> None:
        index = first
        while time.monotonic() < end:
            try:
                await read(index)
            except ConnectorError as exc:
                if isinstance(exc, RateLimited) or exc.status == 429:
                    tally.rate_limited += 1
                else:
                    tally.errors[type(exc).__name__] += 1
            else:
                tally.completed += time.monotonic() <= end
            index += callers

    tasks = [asyncio.create_task(caller(n)) for n in range(callers)]
    try:
        await asyncio.wait(tasks, timeout=seconds)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return tally, start, end


@dataclass(frozen=True)
class Sustained:
    burst_requests: int
    burst_spent_after_s: float
    rate_per_s: float
    window_s: float


def sustained_rate(
    admitted: Sequence[float], allowed: float, start: float, end: float
) -> Sustained:
    """The burst, then the rate after it, from the times requests were admitted.

    The burst is spent at the first admitted request whose excess over ``allowed * t`` comes
    within one request of the run's peak excess: from there on the client can only keep pace.
    The steady window runs from it to the last admitted request, or to one allowed interval
    before the end if that is later, so a client that stalled at the end is not flattered.
    """
    times = sorted(t - start for t in admitted if start <= t <= end)
    if not times:
        return Sustained(0, 0.0, 0.0, 0.0)
    excess = [n - allowed * t for n, t in enumerate(times, start=1)]
    peak = max(excess)
    burst = next(n for n, value in enumerate(excess, start=1) if value >= peak - 1)
    spent_at = times[burst - 1]
    window = max(times[-1], (end - start) - 1 / allowed) - spent_at
    rate = (len(times) - burst) / window if window > 0 else 0.0
    return Sustained(burst, round(spent_at, 3), round(rate, 3), round(window, 3))


def rate_figures(
    answers: Sequence[Answer],
    tally: CallerTally,
    allowed: float,
    start: float,
    end: float,
) -> dict[str, Any]:
    """Every figure of one run: calls, requests, burst, the sustained ratio, 429s by place."""
    during = [a for a in answers if start <= a.sent and a.answered <= end]
    admitted = [a.answered for a in during if a.status != 429]
    refused_at = [round(a.sent - start, 3) for a in during if a.status == 429]
    steady = sustained_rate(admitted, allowed, start, end)
    seconds = end - start
    return {
        "calls_completed": tally.completed,
        "calls_per_s": round(tally.completed / seconds, 3),
        "requests_admitted": len(admitted),
        "achieved_rate_per_s": round(len(admitted) / seconds, 3),
        "allowed_rate_per_s": round(allowed, 3),
        "burst": {
            "requests": steady.burst_requests,
            "spent_after_s": steady.burst_spent_after_s,
        },
        "sustained": {
            "rate_per_s": steady.rate_per_s,
            "window_s": steady.window_s,
            "ratio_to_allowed": round(steady.rate_per_s / allowed, 3),
        },
        "client_transport_429s": len(refused_at),
        "client_transport_429s_sent_at_s": refused_at[:MAX_LISTED_429S],
        "caller_429s": tally.rate_limited,
        "caller_errors": dict(tally.errors),
        "request_ms": distribution([(a.answered - a.sent) * 1000 for a in during]),
    }

"""Nuvemshop's leaky bucket per store and app: each call adds one drop, the bucket leaks
``leak_rate`` drops a second, a call that would overflow it gets 429. Every answer reports
`x-rate-limit-limit`, `-remaining` and `-reset` (ms until the bucket is empty)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class LeakyBucket:
    def __init__(
        self, size: int, leak_rate: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.size, self.leak_rate, self._clock = size, leak_rate, clock
        self._level, self._stamp = 0.0, clock()
        self.forced: list[float] = []
        """Retry-After of the next calls forced to 429 by the control surface."""

    def _leak(self) -> None:
        now = self._clock()
        self._level = max(0.0, self._level - (now - self._stamp) * self.leak_rate)
        self._stamp = now

    def admit(self) -> tuple[bool, float | None]:
        """(admitted, forced Retry-After) for one call."""
        if self.forced:
            return False, self.forced.pop(0)
        self._leak()
        if self._level + 1 > self.size:
            return False, None
        self._level += 1
        return True, None

    def headers(self) -> dict[str, str]:
        self._leak()
        level = math.ceil(self._level - 1e-9)
        return {
            "x-rate-limit-limit": str(self.size),
            "x-rate-limit-remaining": str(max(0, self.size - level)),
            "x-rate-limit-reset": str(math.ceil(self._level / self.leak_rate * 1000)),
        }

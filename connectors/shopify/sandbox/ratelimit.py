"""Shopify's REST leaky bucket: every call adds one, the bucket drains at a fixed rate."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Admission:
    """The verdict on one call: let through or not, the header value and how long to wait."""

    allowed: bool
    used: int
    size: int
    retry_after: float

    @property
    def header(self) -> str:
        return f"{self.used}/{self.size}"


@dataclass
class LeakyBuckets:
    """One bucket per access token (Shopify keeps one per app and store)."""

    size: int = 40
    leak_rate: float = 2.0
    clock: Callable[[], float] = time.monotonic
    _levels: dict[str, tuple[float, float]] = field(default_factory=dict)

    def admit(self, token: str) -> Admission:
        now = self.clock()
        level, at = self._levels.get(token, (0.0, now))
        level = max(level - (now - at) * self.leak_rate, 0.0)
        if level + 1 > self.size:
            self._levels[token] = (level, now)
            wait = (level + 1 - self.size) / self.leak_rate
            return Admission(False, self.size, self.size, math.ceil(wait * 10) / 10)
        level += 1
        self._levels[token] = (level, now)
        return Admission(True, min(math.ceil(level), self.size), self.size, 0.0)

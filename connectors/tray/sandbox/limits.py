"""Tray's limits as the sandbox enforces them: a sliding minute per app, a daily cap per
store, plus 429s forced from the control API."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Limits:
    rate_per_minute: int
    daily_cap: int
    clock: Callable[[], float] = time.monotonic
    _window: deque[float] = field(default_factory=deque)
    _day: str = ""
    _today: int = 0
    forced: int = 0
    forced_retry_after: float = 1.0
    refused: int = 0

    def force(self, calls: int, retry_after: float) -> None:
        self.forced, self.forced_retry_after = calls, retry_after

    def admit(self, day: str) -> float | None:
        """None to let a call through, else the Retry-After of its 429."""
        if self.forced > 0:
            self.forced -= 1
            self.refused += 1
            return self.forced_retry_after
        if day != self._day:
            self._day, self._today = day, 0
        if self._today >= self.daily_cap:
            self.refused += 1
            return 3600.0
        now = self.clock()
        while self._window and self._window[0] <= now - 60.0:
            self._window.popleft()
        if len(self._window) >= self.rate_per_minute:
            self.refused += 1
            return max(self._window[0] + 60.0 - now, 0.001)
        self._window.append(now)
        self._today += 1
        return None


def retry_after_header(seconds: float) -> str:
    """Whole seconds, rounded up, as the header's delta-seconds form wants; at least 1."""
    return str(max(1, math.ceil(seconds)))

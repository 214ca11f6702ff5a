"""Tray's daily cap per store (10,000 calls a day; 50,000 for "corporate" stores).

Counted per store in this worker and reset at midnight store time. The short-term limit
(180 calls a minute per app) is a ``connectors.budget.RateBudget`` shared per app.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from connectors.budget import RateBudget, budget_for
from connectors.errors import RateLimited
from connectors.tray.settings import TraySettings
from connectors.tray.values import STORE_TIME

# The budget runs a little under Tray's limit: a bucket of BURST calls plus rate x 60 s must
# stay below the limit in any sliding minute, or the 180th call of a minute draws a 429.
PACE = 0.97
BURST = 3.0


class DailyQuota:
    """Calls left today for one store; ``take`` raises RateLimited until midnight when spent."""

    def __init__(self, cap: int, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.cap = cap
        self._clock = clock
        self._day = self._today()
        self.used = 0

    def _today(self) -> str:
        return self._clock().astimezone(STORE_TIME).date().isoformat()

    def take(self) -> None:
        today = self._today()
        if today != self._day:
            self._day, self.used = today, 0
        if self.used >= self.cap:
            now = self._clock().astimezone(STORE_TIME)
            midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
            raise RateLimited(
                f"Tray daily cap of {self.cap} calls reached for this store",
                retry_after=(midnight - now).total_seconds(),
            )
        self.used += 1


_QUOTAS: dict[str, DailyQuota] = {}


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def daily_quota_for(settings: TraySettings) -> DailyQuota:
    """The one daily counter of this store in this worker."""
    key = f"{settings.api_address}|{settings.store_id}"
    quota = _QUOTAS.get(key)
    if quota is None or quota.cap != settings.daily_cap:
        quota = _QUOTAS[key] = DailyQuota(settings.daily_cap)
    return quota


def app_budget_for(settings: TraySettings) -> RateBudget:
    """The one budget of this Tray app (its consumer key) in this worker."""
    app = _fingerprint(settings.consumer_key.get_secret_value())
    per_second = settings.rate_per_minute / 60 * PACE
    return budget_for(f"tray:{app}:{settings.rate_per_minute:g}", rate=per_second, burst=BURST)

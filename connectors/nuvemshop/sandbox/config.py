"""What a sandbox run looks like: its store, credentials, bucket and webhook pacing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REAL_BUCKET_SIZE = 40
REAL_LEAK_RATE = 2.0
REAL_RETRY_BASE_SECONDS = 300.0
"""Nuvemshop retries right after the 40 s timeout, then at about 5, 10 and 15 minutes, then
each wait x1.4, for 18 attempts within 48 h; ``retry_base`` scales that 5-minute step."""
REAL_DELIVERY_TIMEOUT = 40.0
MAX_ATTEMPTS = 18


@dataclass(frozen=True)
class SandboxConfig:
    db_path: Path
    store_id: str = "1234567"
    token: str = "nuvemshop_sandbox_token"
    scopeless_token: str = "nuvemshop_sandbox_no_scopes"
    """An app installed without scopes: `/store` answers, products, categories and orders 403."""
    app_secret: str = "nuvemshop_sandbox_secret"
    store_name: str = "Loja Ponte Sandbox"
    bucket_size: int = REAL_BUCKET_SIZE
    leak_rate: float = REAL_LEAK_RATE
    retry_base: float = REAL_RETRY_BASE_SECONDS
    delivery_timeout: float = REAL_DELIVERY_TIMEOUT
    https_webhooks_only: bool = False
    """Nuvemshop refuses http and localhost webhook URLs (422); off by default so the local
    engine can be notified."""


def retry_delays(config: SandboxConfig) -> list[float]:
    """Waits before attempts 2..18: now, 5, 10, 15 min, then x1.4 each (scaled)."""
    scale = config.retry_base / REAL_RETRY_BASE_SECONDS
    delays = [0.0, 300.0, 600.0, 900.0]
    while len(delays) < MAX_ATTEMPTS - 1:
        delays.append(delays[-1] * 1.4)
    return [delay * scale for delay in delays]

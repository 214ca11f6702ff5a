"""The sandbox's settings: one store, one app, Tray's real lifetimes and limits by default."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

REAL_ACCESS_TTL = 3 * 3600.0  # seconds
REAL_REFRESH_TTL = 30 * 86400.0
REAL_RETRY_BASE = 30 * 60.0  # Tray retries a failed notification within ~30 min, then slower

DEFAULT_STATUSES: tuple[tuple[str, str], ...] = (
    ("AGUARDANDO PAGAMENTO", "open"),
    ("A ENVIAR", "open"),
    ("EM PRODUÇÃO", "open"),
    ("FATURADO", "open"),
    ("ENVIADO", "open"),
    ("FINALIZADO", "closed"),
    ("CANCELADO", "closed"),
)


@dataclass(frozen=True)
class SandboxConfig:
    db_path: Path
    store_id: str = "391250"
    store_name: str = "Loja Ponte Sandbox"
    consumer_key: str = "sandbox-consumer-key"
    consumer_secret: str = "sandbox-consumer-secret"
    code: str = "sandbox-authorization-code"
    app_code: str = "718"
    access_ttl: float = REAL_ACCESS_TTL
    refresh_ttl: float = REAL_REFRESH_TTL
    rate_per_minute: int = 180
    daily_cap: int = 10_000
    retry_base: float = REAL_RETRY_BASE
    notify_urls: tuple[str, ...] = ()
    statuses: tuple[tuple[str, str], ...] = DEFAULT_STATUSES
    first_status_id: int = 60  # store status ids are the store's own, not 1..n
    extra: dict[str, str] = field(default_factory=dict)

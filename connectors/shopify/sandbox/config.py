"""How one sandbox instance is set up (the CLI flags, as a frozen value)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Shopify's schedule is "8 retries over 4 hours, exponential"; 60 s doubling 8 times spans ~4.25 h.
REAL_RETRY_BASE_SECONDS = 60.0


@dataclass(frozen=True)
class SandboxConfig:
    """One fake shop: its identity, credentials, rate limit and webhook delivery policy."""

    db_path: Path
    shop_domain: str = "ponte-demo.myshopify.com"
    token: str = "shpat_sandbox_token"
    scopeless_token: str = "shpat_sandbox_no_scopes"
    """An app installed without access scopes: shop.json works, every scoped resource is 403."""
    webhook_secret: str = "sandbox_webhook_secret"
    api_version: str = "2026-04"
    bucket_size: int = 40
    leak_rate: float = 2.0
    retry_base: float = REAL_RETRY_BASE_SECONDS
    max_retries: int = 8
    delivery_timeout: float = 5.0
    connect_timeout: float = 1.0
    client_id: str = "sandbox_client_id"  # the client secret is webhook_secret, as on Shopify
    refresh_token: str = "shprt_sandbox_refresh"
    token_ttl: float = 3600.0  # expiring offline tokens: 60 min
    client_credentials_ttl: float = 86399.0  # client-credentials tokens: 24 h

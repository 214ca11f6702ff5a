"""How one VTEX sandbox instance is set up (the CLI flags, as a frozen value)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ApiLimit:
    """A token bucket: ``per_second`` refill, ``burst`` saved up."""

    per_second: float
    burst: float


# The documented limits (Catalog per account, OMS get-order, Pricing writes); Logistics has
# none documented, so the sandbox uses the same modest figure as the client (UNCONFIRMED).
REAL_LIMITS = {
    "catalog": ApiLimit(45_000 / 60, 250),
    "oms": ApiLimit(6_000 / 60, 100),
    "pricing": ApiLimit(2_000 / 60, 500),
    "logistics": ApiLimit(2_000 / 60, 100),
}


@dataclass(frozen=True)
class SandboxConfig:
    """One fake VTEX account: identity, credentials, limits and hook delivery policy."""

    db_path: Path
    account: str = "ponte"
    app_key: str = "vtexappkey-ponte-SANDBOX"
    app_token: str = "sandbox-app-token"
    roleless_app_key: str = "vtexappkey-ponte-NOROLES"  # valid, but its role grants nothing: 403
    limits: dict[str, ApiLimit] = field(default_factory=lambda: dict(REAL_LIMITS))
    hook_retry_base: float = 30.0  # geometric progression; VTEX does not publish its numbers
    hook_max_attempts: int = 10
    hook_timeout: float = 5.0  # VTEX waits 5,000 ms for the 200

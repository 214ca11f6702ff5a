"""Settings of one ERP tenant integration: where its API lives, its token and its budget."""

from __future__ import annotations

from ipaddress import ip_address
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


def _host_is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


class ErpSettings(BaseModel):
    """Credentials and options for one Eccosys-style ERP tenant."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(
        description=(
            "The tenant's API root, `https://{empresa}.eccosys.com.br/api`. Plain `http://` is "
            "accepted only for a loopback host, which is the local sandbox."
        ),
        examples=["https://minhaloja.eccosys.com.br/api", "http://127.0.0.1:8101/api"],
    )
    api_token: SecretStr = Field(
        description="The tenant's static API token, sent as `Authorization: Bearer <token>`.",
    )
    requests_per_second: float = Field(
        default=1.0,
        gt=0,
        description=(
            "Request budget for this tenant. Eccosys publishes no number; integrators see 429s "
            "above about 1 req/s, so the client paces itself to this rate."
        ),
    )
    timeout_seconds: float = Field(
        default=10,
        gt=0,
        description="Per-request timeout (connect, read, write and pool), in seconds.",
    )

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if not parts.hostname:
            raise ValueError("must be an absolute URL such as https://{empresa}.eccosys.com.br/api")
        if parts.scheme == "https":
            return value.rstrip("/")
        if parts.scheme == "http" and _host_is_loopback(parts.hostname):
            return value.rstrip("/")
        raise ValueError("must use https (plain http only for a loopback sandbox)")

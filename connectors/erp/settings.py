"""Settings of one ERP tenant integration: where its API lives, its token and its budget."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from connectors.urls import allow_private, checked_url


class ErpSettings(BaseModel):
    """Credentials and options for one Eccosys-style ERP tenant.

    The URL rule is the shared one (connectors.urls): https and a public host, unless the
    validation context switches on sandbox/dev mode, which also accepts the loopback sandbox:
    ``ErpSettings.model_validate(data, context={"allow_private_urls": True})``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = Field(
        description=(
            "The tenant's API root, `https://{empresa}.eccosys.com.br/api`. Plain `http://` and "
            "private hosts (the local sandbox) only in sandbox/dev mode."
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
    webhook_secret: SecretStr | None = Field(
        default=None,
        description=(
            "The secret of the ERP's signed push (`X-Bling-Signature-256`); unset: every push "
            "is refused and the ERP is followed by polling only."
        ),
    )
    default_deposit: str = Field(
        default="1",
        min_length=1,
        description=(
            "The deposit (`idDeposito`) a stock balance belongs to when the ERP answers one "
            "without naming a deposit."
        ),
    )

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str, info: ValidationInfo) -> str:
        return checked_url(value, allow_private=allow_private(info))

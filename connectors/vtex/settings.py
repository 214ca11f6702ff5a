"""Settings of one VTEX account integration: which account, which app key, which warehouse."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from connectors.urls import allow_private, checked_url

_ACCOUNT = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_ENVIRONMENT = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class VtexSettings(BaseModel):
    """Credentials and options for one VTEX account."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    account: str = Field(
        description="The VTEX account name, as in `https://{account}.vtexcommercestable.com.br`.",
        examples=["lojadoze"],
    )
    environment: str = Field(
        default="vtexcommercestable",
        description="The VTEX environment host part; `vtexcommercestable` for production.",
    )
    app_key: SecretStr = Field(description="App key, sent as `X-VTEX-API-AppKey`.")
    app_token: SecretStr = Field(description="App token, sent as `X-VTEX-API-AppToken`.")
    hook_secret: SecretStr = Field(
        description=(
            "A secret we register in the order hook's `hook.headers`; VTEX sends it back on "
            "every delivery (VTEX signs nothing itself)."
        ),
    )
    hook_secret_header: str = Field(
        default="X-Ponte-Hook-Secret",
        description="The header name the hook secret is registered under.",
    )
    sales_channel: str = Field(default="1", description="Trade policy (sales channel) id.")
    warehouse_id: str = Field(
        default="1_1", description="Logistics warehouse id stock levels are written to."
    )
    base_url: str | None = Field(
        default=None,
        description=(
            "Overrides `https://{account}.{environment}.com.br` (Catalog, OMS, Logistics). "
            "http or private addresses only in sandbox/dev mode."
        ),
    )
    pricing_base_url: str | None = Field(
        default=None,
        description=(
            "Overrides the Pricing API host `https://api.vtex.com/{account}`; when only "
            "`base_url` is overridden, Pricing is read from there too."
        ),
    )
    timeout_seconds: float = Field(
        default=20.0, gt=0, le=120, description="Per-request timeout in seconds."
    )

    @field_validator("account", "environment")
    @classmethod
    def _check_name(cls, value: str) -> str:
        name = value.strip().lower()
        if not _ACCOUNT.match(name):
            raise ValueError("must be a VTEX name: lowercase letters, digits and dashes")
        return name

    @field_validator("base_url", "pricing_base_url")
    @classmethod
    def _check_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        return checked_url(value, allow_private=allow_private(info))

    @property
    def origin(self) -> str:
        """Where Catalog, OMS and Logistics live."""
        return self.base_url or f"https://{self.account}.{self.environment}.com.br"

    @property
    def pricing_origin(self) -> str:
        """Where the Pricing API lives (a different host on the real platform)."""
        if self.pricing_base_url:
            return self.pricing_base_url
        return self.base_url or f"https://api.vtex.com/{self.account}"


class VtexExtras(BaseModel):
    """Configurações specific to VTEX (validated into the integration's platform_extras)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    trade_policy: str | None = Field(
        default=None,
        pattern=r"^[0-9]{1,6}$",
        description=(
            "Trade policy (sales channel, `sc`) whose fixed prices are written. None: the "
            "access settings' sales_channel."
        ),
    )
    warehouse_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description=(
            "Logistics warehouse (GET /api/logistics/pvt/configuration/warehouses) stock is "
            "written to. None: the access settings' warehouse_id."
        ),
    )

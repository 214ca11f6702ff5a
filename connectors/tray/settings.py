"""Settings of one Tray store integration: its API root, the app's keys and the tokens."""

from __future__ import annotations

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
)

from connectors.urls import allow_private, checked_url


class TraySettings(BaseModel):
    """Credentials and options for one Tray store."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_address: str = Field(
        description=(
            "The store's own API root as Tray sends it on app install, e.g. "
            "`https://{loja}.commercesuite.com.br/web_api`."
        ),
        examples=["https://minhaloja.commercesuite.com.br/web_api"],
    )
    consumer_key: SecretStr = Field(description="The app's consumer_key (Tray partner panel).")
    consumer_secret: SecretStr = Field(description="The app's consumer_secret.")
    code: SecretStr | None = Field(
        default=None,
        description="The one-time authorization code, exchanged for tokens on first use.",
    )
    access_token: SecretStr | None = Field(
        default=None, description="Current access token (lives about 3 hours)."
    )
    refresh_token: SecretStr | None = Field(
        default=None, description="Refresh token, exchanged for a new access token."
    )
    access_token_expires_at: AwareDatetime | None = Field(
        default=None, description="When the access token expires."
    )
    refresh_token_expires_at: AwareDatetime | None = Field(
        default=None, description="When the refresh token expires."
    )
    notification_secret: SecretStr = Field(
        description=(
            "Per-integration secret placed in our notification URL; Tray does not sign its "
            "notifications, so this secret and the seller_id are what we verify."
        ),
    )
    store_id: str = Field(description="The store's seller_id (Tray's store id), as a string.")
    rate_per_minute: float = Field(
        default=180.0, ge=1, description="Requests per minute allowed to this app on this store."
    )
    daily_cap: int = Field(
        default=10_000, gt=0, description="Requests per day allowed on this store."
    )
    timeout: float = Field(default=30.0, gt=0, description="Per-request timeout in seconds.")

    @field_validator("api_address")
    @classmethod
    def _check_api_address(cls, value: str, info: ValidationInfo) -> str:
        return checked_url(value, allow_private=allow_private(info))

    @field_validator("store_id", mode="before")
    @classmethod
    def _store_id_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class TrayExtras(BaseModel):
    """Configurações specific to Tray (validated into the integration's platform_extras)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    availability_days: int | None = Field(
        default=None,
        ge=0,
        le=365,
        description=(
            "Days to ship shown on products the export creates (Tray `availability_days`). "
            "None: the store's default."
        ),
    )

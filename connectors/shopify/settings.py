"""Settings of one Shopify store integration: which shop, which credentials, which API version.

Access tokens may expire (client-credentials tokens after 24 h; offline tokens with a refresh
token since 2025-12), so besides the current token the settings can carry what is needed to get
a new one: the app's client id and secret and, for offline tokens, the refresh token.
``connectors.shopify.auth`` holds the refresh strategy.

``base_url`` points the connector at a stand-in (the sandbox) and exists only in sandbox/dev
mode, which the validation context switches on
(``model_validate(data, context={"allow_private_urls": True})``). Outside that mode it is
refused outright: the Admin API lives at ``https://{shop_domain}`` and nowhere else, so no user
can send the store's token to another host.
"""

from __future__ import annotations

import re

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from connectors.urls import allow_private, checked_url

_SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
_API_VERSION = re.compile(r"^(\d{4}-(0[1-9]|1[0-2])|unstable)$")
# Unset plan options stay None, so stored integrations hold only what the user chose.
STANDARD_LEAK_RATE, STANDARD_BUCKET_SIZE, DEFAULT_TIMEOUT = 2.0, 40, 30.0


class ShopifySettings(BaseModel):
    """Credentials and options for one Shopify store."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shop_domain: str = Field(
        description="The store's permanent domain, `{shop}.myshopify.com` (not a custom domain).",
        examples=["ponte-demo.myshopify.com"],
    )
    admin_api_token: SecretStr = Field(
        description="Admin API access token, sent as `X-Shopify-Access-Token`.",
    )
    webhook_secret: SecretStr = Field(
        description="The app's client secret; Shopify signs every webhook body with it.",
    )
    previous_webhook_secret: SecretStr | None = Field(
        default=None,
        description=(
            "The client secret before the last rotation. Shopify may still sign deliveries "
            "with it for up to an hour after a rotation, so both are accepted."
        ),
    )
    client_id: str | None = Field(
        default=None,
        description=(
            "The app's client id (API key). With it the connector can get a new access token "
            "when the current one expires: by the refresh token when one is set, else by the "
            "client-credentials grant (apps of your own organisation, tokens valid 24 h)."
        ),
    )
    client_secret: SecretStr | None = Field(
        default=None,
        description=(
            "The app's client secret for token requests. Shopify uses one secret for both, so "
            "when absent the webhook secret is used."
        ),
    )
    refresh_token: SecretStr | None = Field(
        default=None,
        description="Refresh token of an expiring offline access token (needs `client_id`).",
    )
    access_token_expires_at: AwareDatetime | None = Field(
        default=None,
        description="When `admin_api_token` expires; it is refreshed shortly before. None: never.",
    )
    api_version: str = Field(
        default="2026-04",
        description="Admin API version, `YYYY-MM` or `unstable`; webhook bodies follow it too.",
    )
    requests_per_second: float | None = Field(
        default=None,
        gt=0,
        description="The plan's REST leak rate: 2 Standard (when unset), 4 Advanced, 20 Plus.",
    )
    bucket_size: int | None = Field(
        default=None,
        ge=2,
        description="The plan's REST leaky bucket size; 40 (Standard) when unset.",
    )
    request_timeout: float | None = Field(
        default=None,
        gt=0,
        description="Seconds one Admin API call may take before it fails; 30 when unset.",
    )
    base_url: str | None = Field(
        default=None,
        description=(
            "Overrides `https://{shop_domain}`: the local sandbox. Accepted only in "
            "sandbox/dev mode (http and loopback or private hosts allowed there)."
        ),
    )

    @field_validator("shop_domain")
    @classmethod
    def _check_shop_domain(cls, value: str) -> str:
        domain = value.strip().lower()
        if not _SHOP_DOMAIN.match(domain):
            raise ValueError("must be the permanent `{shop}.myshopify.com` domain")
        return domain

    @field_validator("api_version")
    @classmethod
    def _check_api_version(cls, value: str) -> str:
        if not _API_VERSION.match(value):
            raise ValueError("must be `YYYY-MM` (e.g. 2026-04) or `unstable`")
        return value

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        if not allow_private(info):
            raise ValueError(
                "is only accepted in sandbox/dev mode; the Admin API is https://{shop_domain}"
            )
        return checked_url(value, allow_private=True)

    @model_validator(mode="after")
    def _refresh_needs_client(self) -> ShopifySettings:
        if self.refresh_token is not None and self.client_id is None:
            raise ValueError("refresh_token needs client_id to be set")
        return self

    @property
    def origin(self) -> str:
        """Where the Admin API lives: the override, else `https://{shop_domain}`."""
        return self.base_url or f"https://{self.shop_domain}"

    @property
    def leak_rate(self) -> float:
        return self.requests_per_second or STANDARD_LEAK_RATE

    @property
    def bucket(self) -> int:
        return self.bucket_size or STANDARD_BUCKET_SIZE

    @property
    def timeout(self) -> float:
        return self.request_timeout or DEFAULT_TIMEOUT

    def oauth_client_secret(self) -> SecretStr:
        """The client secret sent to the token endpoint."""
        return self.client_secret or self.webhook_secret

    def webhook_secrets(self) -> tuple[str, ...]:
        """The secrets a delivery may be signed with, current first."""
        secrets = [self.webhook_secret.get_secret_value()]
        if self.previous_webhook_secret is not None:
            secrets.append(self.previous_webhook_secret.get_secret_value())
        return tuple(secrets)


class ShopifyExtras(BaseModel):
    """Configurações specific to Shopify (validated into the integration's platform_extras)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    location_id: int | None = Field(
        default=None,
        gt=0,
        description=(
            "Shopify location (GET /locations.json) whose available quantity the stock export "
            "sets. None: each ERP warehouse is matched to a location by id or name."
        ),
    )

"""Settings of one Shopify store integration: which shop, which credentials, which API version."""

from __future__ import annotations

import re
from ipaddress import ip_address
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

_SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
_API_VERSION = re.compile(r"^(\d{4}-(0[1-9]|1[0-2])|unstable)$")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


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
    api_version: str = Field(
        default="2026-04",
        description="Admin API version, `YYYY-MM` or `unstable`; webhook bodies follow it too.",
    )
    base_url: str | None = Field(
        default=None,
        description=(
            "Overrides `https://{shop_domain}`. Only a loopback `http://` address is allowed: "
            "it exists to point the connector at the local sandbox."
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
    def _check_base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme != "http" or not parts.hostname or not _is_loopback(parts.hostname):
            raise ValueError("only a loopback http:// URL is allowed (the local sandbox)")
        return value.rstrip("/")

    @property
    def origin(self) -> str:
        """Where the Admin API lives: the override, else `https://{shop_domain}`."""
        return self.base_url or f"https://{self.shop_domain}"

    def webhook_secrets(self) -> tuple[str, ...]:
        """The secrets a delivery may be signed with, current first."""
        secrets = [self.webhook_secret.get_secret_value()]
        if self.previous_webhook_secret is not None:
            secrets.append(self.previous_webhook_secret.get_secret_value())
        return tuple(secrets)

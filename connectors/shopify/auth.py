"""Access tokens that expire, and the strategy that renews them before they do.

Two ways to a new Admin API token, both at Shopify's OAuth token endpoint
``POST https://{shop}/admin/oauth/access_token`` (form-encoded):

- ``grant_type=refresh_token`` with ``client_id``, ``client_secret``, ``refresh_token``: expiring
  offline tokens (since 2025-12; 60 min) come with a refresh token.
- ``grant_type=client_credentials`` with ``client_id``, ``client_secret``: apps of the merchant's
  own organisation; such tokens expire after 24 h.

The answer is ``{access_token, scope, expires_in?, refresh_token?, refresh_token_expires_in?}``.
The endpoint and these names follow Shopify's documented OAuth endpoint and its changelog on
expiring offline tokens; our reference leaves them UNCONFIRMED, and whether the refresh token
rotates on every use is UNCONFIRMED too, so a new one is kept whenever one is returned.

Every new set of tokens goes to the ``on_tokens`` hook, so the caller can store it (sealed)
before the old refresh token stops working.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import SecretStr

from connectors.errors import AuthError
from connectors.shopify.settings import ShopifySettings

TOKEN_PATH = "/admin/oauth/access_token"
REFRESH_MARGIN = timedelta(minutes=2)
"""Renew this long before expiry, so no call is sent with a token about to lapse."""


@dataclass(frozen=True)
class ShopifyTokens:
    """The access token in use and what renews it."""

    access_token: SecretStr
    expires_at: datetime | None = None
    refresh_token: SecretStr | None = None
    refresh_token_expires_at: datetime | None = None


OnTokens = Callable[[ShopifyTokens], Awaitable[None]]
"""Called with every new set of tokens; persist them there."""


def tokens_from_settings(settings: ShopifySettings) -> ShopifyTokens:
    return ShopifyTokens(
        access_token=settings.admin_api_token,
        expires_at=settings.access_token_expires_at,
        refresh_token=settings.refresh_token,
    )


def can_refresh(settings: ShopifySettings) -> bool:
    """Whether a new token can be asked for at all (the app's client id is known)."""
    return settings.client_id is not None


def needs_refresh(tokens: ShopifyTokens, now: datetime, margin: timedelta = REFRESH_MARGIN) -> bool:
    """True once the token is within ``margin`` of its expiry (never for a non-expiring one)."""
    return tokens.expires_at is not None and now >= tokens.expires_at - margin


def refresh_form(settings: ShopifySettings, tokens: ShopifyTokens) -> dict[str, str]:
    """The token request: the refresh grant when a refresh token is held, else client credentials."""
    if settings.client_id is None:
        raise AuthError("the Shopify access token expired and no client_id is set to renew it")
    form = {
        "client_id": settings.client_id,
        "client_secret": settings.oauth_client_secret().get_secret_value(),
    }
    if tokens.refresh_token is not None:
        form["grant_type"] = "refresh_token"
        form["refresh_token"] = tokens.refresh_token.get_secret_value()
    else:
        form["grant_type"] = "client_credentials"
    return form


def tokens_from_answer(
    answer: Mapping[str, Any], now: datetime, previous: ShopifyTokens
) -> ShopifyTokens:
    """The tokens a token endpoint answer grants; a refresh token not returned is kept."""
    access = answer.get("access_token")
    if not isinstance(access, str) or not access:
        raise AuthError("Shopify's token endpoint answered without an access_token")
    refresh = answer.get("refresh_token")
    return ShopifyTokens(
        access_token=SecretStr(access),
        expires_at=_after(now, answer.get("expires_in")),
        refresh_token=SecretStr(refresh) if isinstance(refresh, str) else previous.refresh_token,
        refresh_token_expires_at=_after(now, answer.get("refresh_token_expires_in")),
    )


def _after(now: datetime, seconds: Any) -> datetime | None:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        return None
    return now + timedelta(seconds=seconds)

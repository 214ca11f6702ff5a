"""Shopify settings (URL policy, token options) and the token renewal strategy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from connectors.errors import AuthError
from connectors.shopify.auth import (
    ShopifyTokens,
    can_refresh,
    needs_refresh,
    refresh_form,
    tokens_from_answer,
    tokens_from_settings,
)
from connectors.shopify.settings import ShopifySettings

DEV = {"allow_private_urls": True}
NOW = datetime(2026, 5, 9, 12, 0, tzinfo=UTC)


def settings(context: dict[str, Any] | None = None, **fields: Any) -> ShopifySettings:
    base = {
        "shop_domain": "loja.myshopify.com",
        "admin_api_token": "shpat_x",
        "webhook_secret": "s",
    }
    return ShopifySettings.model_validate({**base, **fields}, context=context)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8102", "http://localhost:8102/", "http://shopify-sandbox:8102"]
)
def test_base_url_is_accepted_in_dev_mode(url: str) -> None:
    assert settings(DEV, base_url=url).origin == url.rstrip("/")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8102", "https://evil.example", "https://loja.myshopify.com"]
)
def test_base_url_is_refused_outside_dev_mode(url: str) -> None:
    with pytest.raises(ValidationError, match="sandbox/dev mode"):
        settings(base_url=url)


def test_base_url_must_still_be_a_url_in_dev_mode() -> None:
    with pytest.raises(ValidationError, match="absolute http"):
        settings(DEV, base_url="ftp://127.0.0.1")
    with pytest.raises(ValidationError, match="user name"):
        settings(DEV, base_url="http://u:p@127.0.0.1")


def test_origin_without_override_is_the_shop() -> None:
    plain = settings()
    assert plain.origin == "https://loja.myshopify.com"
    assert (plain.leak_rate, plain.bucket, plain.timeout) == (2.0, 40, 30.0)


def test_refresh_token_needs_client_id() -> None:
    with pytest.raises(ValidationError, match="client_id"):
        settings(refresh_token="shprt_1")


def test_client_secret_defaults_to_the_webhook_secret() -> None:
    assert settings().oauth_client_secret().get_secret_value() == "s"
    assert settings(client_secret="c").oauth_client_secret().get_secret_value() == "c"


def test_needs_refresh_within_the_margin_only() -> None:
    expiring = ShopifyTokens(SecretStr("a"), expires_at=NOW + timedelta(minutes=1))
    later = ShopifyTokens(SecretStr("a"), expires_at=NOW + timedelta(minutes=30))
    assert needs_refresh(expiring, NOW)
    assert not needs_refresh(later, NOW)
    assert not needs_refresh(ShopifyTokens(SecretStr("a")), NOW)  # never expires


def test_refresh_grant_when_a_refresh_token_is_held() -> None:
    configured = settings(client_id="cid", refresh_token="shprt_1", client_secret="sec")
    assert can_refresh(configured)
    assert refresh_form(configured, tokens_from_settings(configured)) == {
        "client_id": "cid",
        "client_secret": "sec",
        "grant_type": "refresh_token",
        "refresh_token": "shprt_1",
    }


def test_client_credentials_grant_without_refresh_token() -> None:
    configured = settings(client_id="cid")
    form = refresh_form(configured, tokens_from_settings(configured))
    assert form == {"client_id": "cid", "client_secret": "s", "grant_type": "client_credentials"}


def test_no_client_id_cannot_refresh() -> None:
    plain = settings()
    assert not can_refresh(plain)
    with pytest.raises(AuthError):
        refresh_form(plain, tokens_from_settings(plain))


def test_tokens_from_answer_keeps_an_unreturned_refresh_token() -> None:
    previous = ShopifyTokens(SecretStr("old"), refresh_token=SecretStr("shprt_old"))
    rotated = tokens_from_answer(
        {"access_token": "new", "expires_in": 3600, "refresh_token": "shprt_new"}, NOW, previous
    )
    kept = tokens_from_answer({"access_token": "new2"}, NOW, previous)
    assert rotated.access_token.get_secret_value() == "new"
    assert rotated.expires_at == NOW + timedelta(hours=1)
    assert rotated.refresh_token is not None
    assert rotated.refresh_token.get_secret_value() == "shprt_new"
    assert kept.expires_at is None and kept.refresh_token == previous.refresh_token
    with pytest.raises(AuthError):
        tokens_from_answer({"error": "invalid_grant"}, NOW, previous)

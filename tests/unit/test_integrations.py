"""Integration records: secrets sealed at creation, shown back without them, opened again."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from pydantic import SecretStr, ValidationError

from connectors.shopify.connector import SHOPIFY
from connectors.shopify.settings import ShopifySettings
from engine.integrations import (
    IntegrationCreate,
    connector_settings,
    new_integration,
    public_view,
    secret_fields,
    slug,
)
from engine.sealing import CredentialSealer, SealError, new_key
from schemas.integration import Integration

NOW = datetime(2026, 5, 9, 12, 0, tzinfo=UTC)
TOKEN = "shpat_0123456789abcdef0123456789abcdef"
WEBHOOK_SECRET = "shpss_current_0123456789"
PREVIOUS_SECRET = "shpss_previous_9876543210"


@pytest.fixture
def sealer() -> CredentialSealer:
    return CredentialSealer(SecretStr(new_key()))


def create(sealer: CredentialSealer, **access: Any) -> Integration:
    fields = {
        "shop_domain": "ponte-demo.myshopify.com",
        "admin_api_token": TOKEN,
        "webhook_secret": WEBHOOK_SECRET,
        **access,
    }
    request = IntegrationCreate(platform="shopify", name="Loja São João", access=fields)
    return new_integration(request, SHOPIFY, sealer, NOW)


def test_secret_fields_finds_secretstr_including_optional() -> None:
    assert secret_fields(ShopifySettings) == frozenset(
        {
            "admin_api_token",
            "webhook_secret",
            "previous_webhook_secret",
            "client_secret",
            "refresh_token",
        }
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Loja São João", "loja-sao-joao"),
        ("  Açaí & Cia.  ", "acai-cia"),
        ("LOJA_2", "loja-2"),
        ("!!!", "integracao"),
    ],
)
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_slug_is_at_most_63_characters() -> None:
    assert len(slug("a" * 200)) == 63


def test_new_integration_seals_the_secrets(sealer: CredentialSealer) -> None:
    integration = create(sealer)
    assert TOKEN not in integration.credentials
    assert WEBHOOK_SECRET not in integration.credentials
    assert sealer.open(integration.credentials) == {
        "admin_api_token": TOKEN,
        "webhook_secret": WEBHOOK_SECRET,
    }
    assert integration.sealed_fields == ["admin_api_token", "webhook_secret"]


def test_optional_secret_is_sealed_when_given(sealer: CredentialSealer) -> None:
    integration = create(sealer, previous_webhook_secret=PREVIOUS_SECRET)
    assert PREVIOUS_SECRET not in integration.credentials
    assert sealer.open(integration.credentials)["previous_webhook_secret"] == PREVIOUS_SECRET
    assert integration.sealed_fields == [
        "admin_api_token",
        "previous_webhook_secret",
        "webhook_secret",
    ]


def test_new_integration_keeps_the_rest_readable(sealer: CredentialSealer) -> None:
    integration = create(sealer, shop_domain="Ponte-Demo.myshopify.com")
    assert integration.connection == {
        "shop_domain": "ponte-demo.myshopify.com",
        "api_version": "2026-04",
    }
    assert integration.id == "loja-sao-joao"
    assert integration.platform == "shopify"
    assert integration.name == "Loja São João"
    assert integration.version == 1
    assert integration.created_at == integration.updated_at == NOW


def test_an_id_given_wins_over_the_slug(sealer: CredentialSealer) -> None:
    request = IntegrationCreate(
        id="minha-loja",
        platform="shopify",
        name="Loja São João",
        access={
            "shop_domain": "ponte-demo.myshopify.com",
            "admin_api_token": TOKEN,
            "webhook_secret": WEBHOOK_SECRET,
        },
    )
    assert new_integration(request, SHOPIFY, sealer, NOW).id == "minha-loja"


def test_a_one_letter_name_still_gets_a_valid_id(sealer: CredentialSealer) -> None:
    request = IntegrationCreate(
        platform="shopify",
        name="X",
        access={
            "shop_domain": "ponte-demo.myshopify.com",
            "admin_api_token": TOKEN,
            "webhook_secret": WEBHOOK_SECRET,
        },
    )
    assert new_integration(request, SHOPIFY, sealer, NOW).id


@pytest.mark.parametrize(
    ("access", "field"),
    [
        ({"shop_domain": "loja.com.br"}, "shop_domain"),
        ({"api_version": "2026-13"}, "api_version"),
        ({"base_url": "https://evil.example"}, "base_url"),
        ({"webhook_secret": None}, "webhook_secret"),
        ({"unknown_option": 1}, "unknown_option"),
    ],
)
def test_invalid_access_is_refused_naming_the_field(
    sealer: CredentialSealer, access: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        create(sealer, **access)
    assert field in [error["loc"][0] for error in caught.value.errors()]


def test_missing_access_field_is_named(sealer: CredentialSealer) -> None:
    request = IntegrationCreate(
        platform="shopify",
        name="Loja",
        access={"shop_domain": "ponte-demo.myshopify.com", "webhook_secret": WEBHOOK_SECRET},
    )
    with pytest.raises(ValidationError) as caught:
        new_integration(request, SHOPIFY, sealer, NOW)
    assert [error["loc"] for error in caught.value.errors()] == [("admin_api_token",)]


def test_public_view_never_shows_a_secret(sealer: CredentialSealer) -> None:
    integration = create(sealer, previous_webhook_secret=PREVIOUS_SECRET)
    view = public_view(integration, SHOPIFY)
    text = orjson.dumps(view).decode()
    for secret in (TOKEN, WEBHOOK_SECRET, PREVIOUS_SECRET, integration.credentials):
        assert secret not in text
    assert view["credentials"] == {
        "admin_api_token": "set",
        "client_secret": "not set",
        "previous_webhook_secret": "set",
        "refresh_token": "not set",
        "webhook_secret": "set",
    }
    assert view["connection"]["shop_domain"] == "ponte-demo.myshopify.com"
    assert view["id"] == "loja-sao-joao"


def test_public_view_shows_unset_optional_secret(sealer: CredentialSealer) -> None:
    view = public_view(create(sealer), SHOPIFY)
    assert view["credentials"] == {
        "admin_api_token": "set",
        "client_secret": "not set",
        "previous_webhook_secret": "not set",
        "refresh_token": "not set",
        "webhook_secret": "set",
    }
    assert "sealed_fields" not in view


def test_opening_with_another_key_raises_seal_error(sealer: CredentialSealer) -> None:
    integration = create(sealer)
    other = CredentialSealer(SecretStr(new_key()))
    with pytest.raises(SealError, match="cannot be opened"):
        other.open(integration.credentials)


def test_tampered_credentials_raise_seal_error(sealer: CredentialSealer) -> None:
    token = create(sealer).credentials
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(SealError):
        sealer.open(tampered)


@pytest.mark.parametrize("key", ["", "not-a-fernet-key", "A" * 43])
def test_bad_key_raises_seal_error_with_a_clear_message(key: str) -> None:
    with pytest.raises(SealError, match="PONTE_SECRET_KEY is not a valid Fernet key") as caught:
        CredentialSealer(SecretStr(key))
    assert caught.value.__cause__ is not None


def test_seal_round_trips_unicode_and_is_not_deterministic(sealer: CredentialSealer) -> None:
    secrets = {"webhook_secret": "senha-ção-🔑"}
    first, second = sealer.seal(secrets), sealer.seal(secrets)
    assert first != second  # Fernet uses a fresh IV each time
    assert sealer.open(first) == sealer.open(second) == secrets


def test_connector_settings_rebuilds_the_shopify_settings(sealer: CredentialSealer) -> None:
    integration = create(sealer, previous_webhook_secret=PREVIOUS_SECRET)
    settings = connector_settings(integration, SHOPIFY, sealer)
    assert isinstance(settings, ShopifySettings)
    assert settings.shop_domain == "ponte-demo.myshopify.com"
    assert settings.api_version == "2026-04"
    assert settings.admin_api_token.get_secret_value() == TOKEN
    assert settings.webhook_secrets() == (WEBHOOK_SECRET, PREVIOUS_SECRET)
    assert settings.base_url is None


def test_connector_settings_with_another_key_raises_seal_error(sealer: CredentialSealer) -> None:
    integration = create(sealer)
    with pytest.raises(SealError):
        connector_settings(integration, SHOPIFY, CredentialSealer(SecretStr(new_key())))

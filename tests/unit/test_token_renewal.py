"""Renewed platform tokens become the next version of the integration, sealed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from connectors.tray.auth import TrayTokens
from connectors.tray.connector import TRAY
from engine.integrations import (
    IntegrationCreate,
    connector_settings,
    new_integration,
    with_settings,
)
from engine.sealing import CredentialSealer, new_key

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ACCESS = {
    "api_address": "https://loja.commercesuite.com.br/web_api",
    "consumer_key": "ck-secret",
    "consumer_secret": "cs-secret",
    "access_token": "old-access",
    "refresh_token": "old-refresh",
    "access_token_expires_at": "2026-11-26T13:00:00+00:00",
    "notification_secret": "ns-secret",
    "store_id": "391250",
}


def test_renewed_tokens_are_sealed_into_the_next_version() -> None:
    sealer = CredentialSealer(SecretStr(new_key()))
    request = IntegrationCreate(platform="tray", name="Loja Tray", access=ACCESS)
    integration = new_integration(request, TRAY, sealer, NOW)
    settings = connector_settings(integration, TRAY, sealer)
    expires = NOW + timedelta(hours=3)
    tokens = TrayTokens(
        SecretStr("new-access"), SecretStr("new-refresh"), expires, NOW + timedelta(days=30)
    )
    assert TRAY.token_updates is not None

    renewed = with_settings(
        integration, TRAY, settings.model_copy(update=TRAY.token_updates(tokens)), sealer, NOW
    )

    assert renewed.version == integration.version + 1
    assert "new-access" not in renewed.model_dump_json()
    assert renewed.connection["access_token_expires_at"] == expires.isoformat()
    reopened = connector_settings(renewed, TRAY, sealer)
    assert reopened.access_token.get_secret_value() == "new-access"
    assert reopened.refresh_token.get_secret_value() == "new-refresh"
    assert reopened.access_token_expires_at == expires
    assert reopened.code is None

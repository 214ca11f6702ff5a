"""Tray's token flow as a small strategy.

``POST {api_address}/auth`` with consumer_key, consumer_secret and the store's one-time
``code`` gives an access token (about 3 h) and a refresh token (about 30 days);
``GET {api_address}/auth?refresh_token=...`` gives fresh ones. Every API call carries the
access token as the ``access_token`` query parameter. We refresh ``margin`` before expiry,
and once more when Tray still answers 401 (error_code 1000, token expired).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
from pydantic import SecretStr

from connectors.tray.settings import TraySettings
from connectors.tray.values import instant

REFRESH_MARGIN = timedelta(minutes=10)


@dataclass(frozen=True)
class TrayTokens:
    """What the engine persists so tokens survive a restart (secrets never printed)."""

    access_token: SecretStr
    refresh_token: SecretStr
    access_token_expires_at: datetime | None
    refresh_token_expires_at: datetime | None

    def as_settings_update(self) -> dict[str, Any]:
        """The TraySettings fields to store: ``settings.model_copy(update=...)``."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "access_token_expires_at": self.access_token_expires_at,
            "refresh_token_expires_at": self.refresh_token_expires_at,
            "code": None,  # spent: a code is exchanged once
        }


def tokens_from_settings(settings: TraySettings) -> TrayTokens | None:
    if settings.access_token is None or settings.refresh_token is None:
        return None
    return TrayTokens(
        settings.access_token,
        settings.refresh_token,
        settings.access_token_expires_at,
        settings.refresh_token_expires_at,
    )


def tokens_from_response(response: httpx.Response) -> TrayTokens | None:
    """The tokens of a /auth answer; None when it is not a success carrying them."""
    if response.status_code not in (200, 201):
        return None
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(body, dict) or not body.get("access_token") or not body.get("refresh_token"):
        return None
    return TrayTokens(
        access_token=SecretStr(str(body["access_token"])),
        refresh_token=SecretStr(str(body["refresh_token"])),
        access_token_expires_at=instant(body.get("date_expiration_access_token")),
        refresh_token_expires_at=instant(body.get("date_expiration_refresh_token")),
    )


def needs_refresh(
    tokens: TrayTokens, now: datetime | None = None, margin: timedelta = REFRESH_MARGIN
) -> bool:
    """True when the access token expires within ``margin`` (or its expiry is unknown: no)."""
    expires = tokens.access_token_expires_at
    return expires is not None and expires - margin <= (now or datetime.now(UTC))


def refresh_expired(tokens: TrayTokens, now: datetime | None = None) -> bool:
    """True when the refresh token itself is past its date: only a new `code` helps."""
    expires = tokens.refresh_token_expires_at
    return expires is not None and expires <= (now or datetime.now(UTC))


def exchange_request(settings: TraySettings) -> httpx.Request:
    """POST /auth with the code (form fields, as Tray's curl example sends them)."""
    if settings.code is None:
        raise ValueError("no authorization code to exchange")
    return httpx.Request(
        "POST",
        f"{settings.api_address}/auth",
        data={
            "consumer_key": settings.consumer_key.get_secret_value(),
            "consumer_secret": settings.consumer_secret.get_secret_value(),
            "code": settings.code.get_secret_value(),
        },
    )


def refresh_request(settings: TraySettings, tokens: TrayTokens) -> httpx.Request:
    return httpx.Request(
        "GET",
        f"{settings.api_address}/auth",
        params={"refresh_token": tokens.refresh_token.get_secret_value()},
    )


def expired_token_answer(response: httpx.Response) -> bool:
    """A 401 that a refresh may cure (error_code 1000, or no code at all)."""
    if response.status_code != 401:
        return False
    return error_code(response) in (None, 1000)


def error_code(response: httpx.Response) -> int | None:
    """Tray's `error_code` from an error body `{code, url, name, error_code, causes}`."""
    try:
        body = orjson.loads(response.content)
        return int(body["error_code"]) if isinstance(body, dict) else None
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None

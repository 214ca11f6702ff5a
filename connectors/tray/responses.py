"""Tray's answers as the errors the engine acts on: a table, not an if-chain.

Error bodies look like ``{"code": 401, "url": "...", "name": "...", "error_code": 1000,
"causes": [...]}``; auth error codes: 1000 token expired, 1001 store blocked, 1002 store
inactive, 1003 store cancelled, 1099 unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import httpx

from connectors.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    NotFound,
    Permanent,
    RateLimited,
    Retryable,
    parse_retry_after,
)
from connectors.tray.auth import error_code

DEFAULT_RETRY_AFTER = 20.0  # Tray documents no Retry-After: a third of its one-minute window
STORE_UNAVAILABLE = frozenset({1001, 1002, 1003})  # blocked, inactive, cancelled

ERRORS_BY_STATUS: Mapping[int, type[ConnectorError]] = {
    400: Permanent,
    401: AuthError,
    403: ConfigError,  # the app lacks the permission for this resource
    404: NotFound,
    409: Permanent,
    422: Permanent,
    429: RateLimited,
}

_TOKEN = re.compile(r"(access_token|refresh_token|code|consumer_secret)=[^&\s\"]+")


def redacted(text: str) -> str:
    """A body or URL with tokens and secrets blanked."""
    return _TOKEN.sub(r"\1=***", text)


def error_for(response: httpx.Response) -> ConnectorError | None:
    """The error an HTTP answer means for the engine, or None for a success."""
    status = response.status_code
    if status < 400:
        return None
    kind = ERRORS_BY_STATUS.get(status, Retryable if status >= 500 else Permanent)
    if status == 401 and error_code(response) in STORE_UNAVAILABLE:
        kind = ConfigError
    reason = f"Tray {response.request.method} {response.request.url.path} failed"
    body = redacted(response.text)
    if issubclass(kind, Retryable):
        wait = parse_retry_after(response.headers.get("Retry-After"))
        if kind is RateLimited and wait is None:
            wait = DEFAULT_RETRY_AFTER
        return kind(reason, retry_after=wait, status=status, body=body)
    return kind(reason, status=status, body=body)

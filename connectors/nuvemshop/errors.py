"""Nuvemshop's answers as the few errors the engine acts on: a table, not an if-chain."""

from __future__ import annotations

import httpx

from connectors.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    NotFound,
    Permanent,
    RateLimited,
    Retryable,
)
from connectors.nuvemshop.ratelimit import retry_after_429

ERRORS: dict[int, tuple[type[ConnectorError], str]] = {
    400: (Permanent, "request refused (bad JSON or missing User-Agent)"),
    401: (AuthError, "access token refused: reinstall the app or paste a new token"),
    402: (ConfigError, "payment required: store or app unpaid"),
    403: (ConfigError, "missing scope: the app lacks the permission for this resource"),
    404: (NotFound, "not found"),
    415: (Permanent, "unsupported media type: writes must be application/json"),
    422: (Permanent, "fields refused"),
    429: (RateLimited, "rate limit: the store's leaky bucket is full"),
}


def error_for(response: httpx.Response) -> ConnectorError | None:
    """The error an answer stands for, or None for a 2xx/3xx."""
    status = response.status_code
    if status < 400:
        return None
    kind, reason = ERRORS.get(status, (Retryable if status >= 500 else Permanent, ""))
    reason = reason or (f"Nuvemshop server error {status}" if status >= 500 else "refused")
    body = response.text
    if kind is RateLimited:
        return RateLimited(reason, retry_after=retry_after_429(response), status=status, body=body)
    if kind is Retryable:
        return Retryable(reason, status=status, body=body)
    return kind(reason, status=status, body=body)


def is_past_last_page(response: httpx.Response) -> bool:
    """Nuvemshop answers a page past the end of a list with 404 "Last page is N"."""
    return response.status_code == 404 and "last page is" in response.text.lower()

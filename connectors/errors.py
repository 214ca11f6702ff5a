"""Errors a connector raises, named for what the engine does next.

    ConnectorError
     ├── Retryable(retry_after)      transient: timeout, 5xx, connection reset -> back off, retry
     │    └── RateLimited(retry_after)  429 or a spent budget -> wait retry_after, retry
     ├── Permanent                   the data is refused (4xx) -> dead-letter topic with the reason
     │    └── NotFound               the record does not exist on the other side
     ├── ConfigError                 the integration is mis-configured -> stop it, alert
     └── AuthError                   credentials refused (401/403) -> stop it, alert

Every error keeps the other side's status and (redacted) body so the reason can be shown to a
person, and is raised ``from`` its cause.
"""

from __future__ import annotations


class ConnectorError(Exception):
    """Base of every error a connector raises."""

    def __init__(self, reason: str, *, status: int | None = None, body: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.body = body[:2000] if body else body

    def describe(self) -> str:
        """One line for a person: the reason, the status and the other side's answer."""
        parts = [self.reason]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.body:
            parts.append(self.body[:500])
        return " | ".join(parts)


class Retryable(ConnectorError):
    """A transient failure; the same call may succeed later."""

    def __init__(
        self,
        reason: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
        body: str | None = None,
    ) -> None:
        super().__init__(reason, status=status, body=body)
        self.retry_after = retry_after


class RateLimited(Retryable):
    """The other side asked us to slow down (429); wait ``retry_after`` seconds."""


class Permanent(ConnectorError):
    """The other side refused the data itself; retrying the same payload cannot help."""


class NotFound(Permanent):
    """The record asked for does not exist on the other side."""


class ConfigError(ConnectorError):
    """The integration's settings are wrong (unknown store, missing permission...)."""


class AuthError(ConfigError):
    """The credentials were refused."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds form); None when absent or unreadable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0)

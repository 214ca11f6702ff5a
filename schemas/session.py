"""Screen sessions ended before their cookie expired: one (sign-out), or every session signed
in before a moment (the operator's password changed)."""

from __future__ import annotations

from pydantic import Field

from schemas.base import Canonical, Timestamp

ALL_SESSIONS = "*"


class SessionRevoked(Canonical):
    """Every worker refuses the cookie of ``session_id`` from now on (``ALL_SESSIONS``: every
    session signed in before ``revoked_at``); the record is only needed until ``expires_at``,
    when those cookies would have been refused anyway."""

    session_id: str
    revoked_at: Timestamp
    expires_at: Timestamp
    reason: str = "sign_out"
    password: str | None = Field(
        None, description="ALL_SESSIONS: a fingerprint of the password hash then in force."
    )

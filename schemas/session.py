"""A screen session ended before its cookie expired (sign-out)."""

from __future__ import annotations

from schemas.base import Canonical, Timestamp


class SessionRevoked(Canonical):
    """Every worker refuses the cookie of ``session_id`` from now on; the record is only needed
    until ``expires_at``, when the cookie would have been refused anyway."""

    session_id: str
    revoked_at: Timestamp
    expires_at: Timestamp
    reason: str = "sign_out"

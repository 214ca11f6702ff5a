"""Screen sessions ended before their cookie expired, so that every worker refuses them."""

from __future__ import annotations

import time

from engine.bindings import BoundTopics
from engine.state.view import TopicView
from schemas.codec import decode, encode
from schemas.session import ALL_SESSIONS, SessionRevoked
from topics.registry import SESSIONS


class SessionsView(TopicView):
    """Revoked session ids, each until its cookie would have expired anyway."""

    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._revoked_until: dict[str, float] = {}
        self.signed_in_before: float = 0.0
        """Every session signed in before this moment is refused (the password changed)."""
        self.password: str | None = None
        """The fingerprint of the password in force, as the latest worker to start saw it."""

    def revoked(self, session_id: str, issued: float) -> bool:
        return session_id in self._revoked_until or issued < self.signed_in_before

    def apply(self, key: str, value: bytes | None) -> None:
        if value is None:
            return
        revoked = decode(SessionRevoked, value)
        if revoked.session_id == ALL_SESSIONS:
            self.signed_in_before = max(self.signed_in_before, revoked.revoked_at.timestamp())
            self.password = revoked.password
            return
        now = time.time()
        if revoked.expires_at.timestamp() > now:
            self._revoked_until[revoked.session_id] = revoked.expires_at.timestamp()
        if len(self._revoked_until) % 256 == 0:
            self._forget_expired(now)

    def _forget_expired(self, now: float) -> None:
        for session_id, until in list(self._revoked_until.items()):
            if until <= now:
                del self._revoked_until[session_id]


async def revoke_session(topics: BoundTopics, revoked: SessionRevoked) -> None:
    """Written and acknowledged before the sign-out answers."""
    await (await topics[SESSIONS].send(key=revoked.session_id.encode(), value=encode(revoked)))

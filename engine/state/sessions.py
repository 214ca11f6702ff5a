"""Screen sessions ended before their cookie expired, so that every worker refuses them."""

from __future__ import annotations

import time

from engine.bindings import BoundTopics
from engine.state.view import TopicView
from schemas.codec import decode, encode
from schemas.session import SessionRevoked
from topics.registry import SESSIONS


class SessionsView(TopicView):
    """Revoked session ids, each until its cookie would have expired anyway."""

    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._revoked_until: dict[str, float] = {}

    def revoked(self, session_id: str) -> bool:
        return session_id in self._revoked_until

    def apply(self, key: str, value: bytes | None) -> None:
        if value is None:
            return
        revoked = decode(SessionRevoked, value)
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

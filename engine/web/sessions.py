"""Screen sessions as every worker sees them: a valid signed cookie whose session was not
ended by a sign-out on any worker (the sessions view)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from engine.context import Engine
from engine.state.sessions import revoke_session
from engine.web.auth import Session, SessionKeys
from schemas.session import SessionRevoked

CATCH_UP_SECONDS = 10.0


def keys_of(engine: Engine) -> SessionKeys:
    return SessionKeys.derive(engine.settings.secret_key, engine.settings.admin_password_hash)


async def live_session(engine: Engine, token: str | None) -> Session | None:
    """The cookie's session, unless it is forged, expired or signed out. A worker that has not
    yet read every sign-out refuses sessions rather than accept one that was ended."""
    if engine.settings.admin_password_hash is None:
        return None
    session = keys_of(engine).session_of(token)
    if session is None:
        return None
    revocations = engine.views.sessions
    if not revocations.caught_up:
        try:
            await revocations.wait_caught_up(CATCH_UP_SECONDS)
        except TimeoutError:
            return None
    return None if revocations.revoked(session.session_id) else session


async def end_session(engine: Engine, session: Session, reason: str = "sign_out") -> None:
    """Sign ``session`` out on every worker, and wait until this worker refuses it too."""
    await revoke_session(
        engine.topics,
        SessionRevoked(
            session_id=session.session_id,
            revoked_at=datetime.now(UTC),
            expires_at=datetime.fromtimestamp(session.expires, UTC),
            reason=reason,
        ),
    )
    revocations = engine.views.sessions
    with contextlib.suppress(TimeoutError):  # acknowledged: the view folds it in soon anyway
        await revocations.wait_until(lambda: revocations.revoked(session.session_id), 10.0)

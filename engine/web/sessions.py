"""Screen sessions as every worker sees them: a valid signed cookie whose session was not
ended by a sign-out on any worker (the sessions view)."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime, timedelta

from engine.context import Engine
from engine.state.sessions import revoke_session
from engine.web.auth import Session, SessionKeys, password_fingerprint
from schemas.session import ALL_SESSIONS, SessionRevoked

log = logging.getLogger(__name__)
LONGEST_SESSION = timedelta(days=30)

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
    return None if revocations.revoked(session.session_id, session.issued) else session


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
        await revocations.wait_until(
            lambda: revocations.revoked(session.session_id, session.issued), 10.0
        )


async def end_every_session(engine: Engine) -> None:
    """Sign out every session signed in until now, on every worker (Encerrar todas as sessões)."""
    settings = engine.settings
    now = datetime.now(UTC)
    await revoke_session(
        engine.topics,
        SessionRevoked(
            session_id=ALL_SESSIONS,
            revoked_at=now,
            expires_at=now + LONGEST_SESSION,
            reason="sign_out_everywhere",
            password=password_fingerprint(settings.secret_key, settings.admin_password_hash),
        ),
    )
    revocations = engine.views.sessions
    with contextlib.suppress(TimeoutError):
        await revocations.wait_until(lambda: revocations.signed_in_before >= now.timestamp(), 10.0)


async def sign_out_everyone_if_the_password_changed(engine: Engine) -> None:
    """A worker started with another password than the one last recorded refuses, on every
    worker, each session signed in before now (workers still running with the old password
    included). The first worker ever only records its password."""
    revocations = engine.views.sessions
    await revocations.wait_caught_up(120.0)
    settings = engine.settings
    ours = password_fingerprint(settings.secret_key, settings.admin_password_hash)
    if revocations.password == ours:
        return
    now = datetime.now(UTC)
    changed = revocations.password is not None
    record = SessionRevoked(
        session_id=ALL_SESSIONS,
        revoked_at=now if changed else datetime.fromtimestamp(0, UTC),
        expires_at=now + LONGEST_SESSION,
        reason="password_changed" if changed else "password_recorded",
        password=ours,
    )
    await revoke_session(engine.topics, record)
    if changed:
        log.warning("the admin password changed: every earlier screen session is signed out")


def wire_session_checks(engine: Engine) -> None:
    @engine.app.task  # type: ignore[untyped-decorator]
    async def check_the_password() -> None:
        await sign_out_everyone_if_the_password_changed(engine)

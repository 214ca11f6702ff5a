"""Signing in to the screen: the operator's password hash, session cookies and CSRF tokens.

Passwords are hashed with scrypt (a standard, memory-hard KDF) and a random salt, stored as
``scrypt$<n>$<r>$<p>$<salt>$<hash>`` (base64) and compared in constant time.

A session is a signed cookie, so any worker of the group accepts it without a lookup:
``<user>.<expires>.<session id>.<signature>``. Signing out writes the session id to the sessions
topic, which every worker folds into memory and refuses from then on (``engine/web/sessions.py``).
The signing key is derived from the engine's secret key and the password hash, so changing the
password signs everyone out. The CSRF token
of a session is another HMAC of it: pages carry it, state-changing requests send it back in
``X-CSRF-Token`` (or the ``csrf`` form field) and the server recomputes it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from pydantic import SecretStr

SESSION_COOKIE = "ponte_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
LOGIN_TOKEN_SECONDS = 3600


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The stored form of ``password`` (PONTE_ADMIN_PASSWORD_HASH)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def password_matches(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a ``hash_password`` result."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        given = hashlib.scrypt(
            password.encode(),
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=2**26,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(given, expected)


@dataclass(frozen=True)
class Session:
    """What a valid session cookie says: who, which session, until when (epoch seconds)."""

    user: str
    session_id: str
    expires: int

    @property
    def issued(self) -> float:
        """When it was signed in (epoch seconds, to the millisecond); 0 when unknown."""
        issued_ms, _, _random = self.session_id.partition("-")
        return int(issued_ms) / 1000 if issued_ms.isdigit() else 0.0


@dataclass(frozen=True)
class SessionKeys:
    """Signs and checks session cookies, CSRF tokens and login-form tokens."""

    key: bytes

    @classmethod
    def derive(cls, secret_key: SecretStr, password_hash: SecretStr | None) -> SessionKeys:
        material = f"{secret_key.get_secret_value()}|{_hash_text(password_hash)}".encode()
        return cls(hashlib.sha256(b"ponte-session|" + material).digest())

    def _sign(self, purpose: str, text: str) -> str:
        mac = hmac.new(self.key, f"{purpose}|{text}".encode(), hashlib.sha256)
        return _b64(mac.digest())

    def issue(self, user: str, lifetime_seconds: float, now: float | None = None) -> str:
        expires = int((now or time.time()) + lifetime_seconds)
        issued_ms = int((now or time.time()) * 1000)
        body = f"{_b64(user.encode())}.{expires}.{issued_ms}-{secrets.token_hex(16)}"
        return f"{body}.{self._sign('session', body)}"

    def session_of(self, token: str | None, now: float | None = None) -> Session | None:
        """The session a token carries; None when forged, malformed or expired."""
        if not token or token.count(".") != 3:
            return None
        body, signature = token.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign("session", body)):
            return None
        user, expires, session_id = body.split(".")
        if not expires.isdigit() or int(expires) < (now or time.time()):
            return None
        try:
            return Session(_unb64(user).decode(), session_id, int(expires))
        except ValueError:
            return None

    def user_of(self, token: str | None, now: float | None = None) -> str | None:
        """The signed-in user of a session token; None when forged, malformed or expired."""
        session = self.session_of(token, now)
        return None if session is None else session.user

    def csrf_for(self, session_token: str) -> str:
        return self._sign("csrf", session_token)

    def csrf_matches(self, session_token: str, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(str(given), self.csrf_for(session_token))

    def login_token(self, now: float | None = None) -> str:
        """A token of the sign-in form: a login POST without a fresh one is refused."""
        issued = str(int(now or time.time()))
        return f"{issued}.{self._sign('login', issued)}"

    def login_token_valid(self, token: str | None, now: float | None = None) -> bool:
        if not token or "." not in token:
            return False
        issued, signature = token.split(".", 1)
        if not issued.isdigit() or not hmac.compare_digest(signature, self._sign("login", issued)):
            return False
        return 0 <= (now or time.time()) - int(issued) <= LOGIN_TOKEN_SECONDS


def password_fingerprint(secret_key: SecretStr, password_hash: SecretStr | None) -> str:
    """Tells one configured password from another without revealing either hash."""
    mac = hmac.new(secret_key.get_secret_value().encode(), b"password|", hashlib.sha256)
    mac.update(_hash_text(password_hash).encode())
    return mac.hexdigest()[:32]


def _hash_text(password_hash: SecretStr | None) -> str:
    return "" if password_hash is None else password_hash.get_secret_value()


def credentials_match(
    user: str, password: str, admin_user: str, password_hash: SecretStr | None
) -> bool:
    """The operator's user name and password; always False when no hash is configured."""
    if password_hash is None:
        return False
    right_user = hmac.compare_digest(user.encode(), admin_user.encode())
    right_password = password_matches(password, password_hash.get_secret_value())
    return right_user and right_password


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


class FailedSignIns:
    """Too many wrong passwords from one address in a window: refuse for a while."""

    def __init__(self, limit: int = 5, window_seconds: float = 300.0) -> None:
        self.limit, self.window = limit, window_seconds
        self._failures: dict[str, list[float]] = {}

    def blocked(self, address: str, now: float | None = None) -> bool:
        recent = self._recent(address, now or time.monotonic())
        return len(recent) >= self.limit

    def failed(self, address: str, now: float | None = None) -> None:
        at = now or time.monotonic()
        self._failures[address] = [*self._recent(address, at), at]

    def succeeded(self, address: str) -> None:
        self._failures.pop(address, None)

    def _recent(self, address: str, now: float) -> list[float]:
        return [t for t in self._failures.get(address, []) if now - t < self.window]

"""Credentials at rest: sealed with Fernet (AES-CBC + HMAC) under a key from the environment."""

from __future__ import annotations

import orjson
from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr


class SealError(ValueError):
    """Sealed credentials could not be opened: wrong key or tampered ciphertext."""


class CredentialSealer:
    """Seals a mapping of secret fields into one opaque token, and opens it again."""

    def __init__(self, key: SecretStr) -> None:
        try:
            self._fernet = Fernet(key.get_secret_value().encode())
        except (ValueError, TypeError) as exc:
            raise SealError(
                "PONTE_SECRET_KEY is not a valid Fernet key (32 url-safe base64 bytes)"
            ) from exc

    def seal(self, secrets: dict[str, str]) -> str:
        return self._fernet.encrypt(orjson.dumps(secrets)).decode()

    def open(self, token: str) -> dict[str, str]:
        try:
            opened: dict[str, str] = orjson.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as exc:
            raise SealError("credentials cannot be opened with this PONTE_SECRET_KEY") from exc
        return opened


def new_key() -> str:
    """A fresh key for PONTE_SECRET_KEY."""
    return Fernet.generate_key().decode()

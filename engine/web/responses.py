"""JSON error bodies with a code and a message a person can act on."""

from __future__ import annotations

import hmac
from typing import Any

from pydantic import SecretStr, ValidationError


def error_body(code: str, message: str, **details: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **details}}


LIMITS = ("min_length", "max_length", "gt", "ge", "lt", "le")


def validation_details(exc: ValidationError) -> list[dict[str, str]]:
    """Field errors without the input values (they may hold secrets): where, why in English,
    pydantic's error ``type`` and the ``limit`` it broke, so that the screen can say it in pt-BR."""
    details = []
    for error in exc.errors(include_input=False, include_url=False):
        detail = {
            "field": ".".join(str(part) for part in error["loc"]),
            "message": error["msg"],
            "type": error["type"],
        }
        limit = next((error["ctx"][k] for k in LIMITS if k in error.get("ctx", {})), None)
        if limit is not None:
            detail["limit"] = str(limit)
        details.append(detail)
    return details


def bearer_matches(authorization: str | None, token: SecretStr) -> bool:
    """Constant-time check of an `Authorization: Bearer <token>` header."""
    if not authorization or not authorization.startswith("Bearer "):
        return False
    given = authorization.removeprefix("Bearer ").strip().encode()
    return hmac.compare_digest(given, token.get_secret_value().encode())

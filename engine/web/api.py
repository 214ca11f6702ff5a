"""What every admin API view shares: bearer auth, JSON bodies, errors a person can act on."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

import orjson
from faust.web import Request, View
from pydantic import BaseModel, ValidationError

from engine.context import Engine
from engine.web.auth import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE
from engine.web.responses import bearer_matches, error_body, validation_details
from engine.web.sessions import keys_of, live_session
from schemas.integration import Integration

READ_YOUR_WRITES_SECONDS = 10.0
M = TypeVar("M", bound=BaseModel)


class ApiError(Exception):
    """Raised anywhere under a view: answered as JSON ``{"error": {"code", "message"}}``."""

    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status, self.body = status, error_body(code, message, **details)


async def authorize(engine: Engine, request: Request) -> None:
    """The admin token, or a signed-in session (plus its CSRF token when changing things)."""
    if bearer_matches(request.headers.get("Authorization"), engine.settings.admin_token):
        return
    session = request.cookies.get(SESSION_COOKIE)
    if await live_session(engine, session) is None:
        raise ApiError(
            401, "unauthorized", "send Authorization: Bearer <admin token>, or sign in at /login"
        )
    if request.method not in SAFE_METHODS and not keys_of(engine).csrf_matches(
        str(session), request.headers.get(CSRF_HEADER)
    ):
        raise ApiError(
            403, "csrf_token", f"send the page's {CSRF_HEADER} header; reload the page and retry"
        )


def integration_or_404(engine: Engine, integration_id: str) -> Integration:
    """The integration a path names; 404 when there is none."""
    integration = engine.registry.get(integration_id)
    if integration is None:
        raise ApiError(404, "not_found", f"no integration {integration_id!r}")
    return integration


def actor_of(request: Request) -> str:
    """Who is making this change, for the config log."""
    return str(request.headers.get("X-Ponte-Actor") or "admin")[:80]


async def json_body(request: Request) -> Any:
    sent_as = str(request.headers.get("Content-Type") or "application/json")
    media_type = sent_as.split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise ApiError(
            415,
            "unsupported_media_type",
            f"send the body as application/json, not {sent_as[:80]!r}",
        )
    try:
        return orjson.loads(await request.read())
    except orjson.JSONDecodeError as exc:
        raise ApiError(400, "malformed_json", f"the body is not JSON: {exc}") from exc


def parse(model: type[M], body: Any, what: str) -> M:
    """Validate a request body; a 400 naming each field at fault otherwise."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise ApiError(
            400, "invalid", f"the {what} is not valid", fields=validation_details(exc)
        ) from exc


class AdminView(View):
    """Base of every admin view: each method needs the admin token; an ApiError raised
    anywhere becomes its JSON answer. Subclasses set ``ponte`` to the worker's Engine."""

    ponte: ClassVar[Engine]

    async def dispatch(self, request: Any) -> Any:
        try:
            await authorize(self.ponte, request)
            return await super().dispatch(request)
        except ApiError as exc:
            return self.json(exc.body, status=exc.status)

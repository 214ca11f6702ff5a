"""JSON errors for what no admin view answers itself: an unknown ``/api/`` path (404), a method
the route does not take (405), and a failure no view caught (500, logged with its traceback).

The web server answers those in plain text by default; an API client should get the same
``{"error": {"code", "message"}}`` as from every view.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from faust.web import Web

from engine.web.responses import error_body

log = logging.getLogger(__name__)
API_PREFIX = "/api/"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

MEANINGS = {
    404: ("no_such_route", "no admin API route {path}; see GET /api/v1/openapi.json"),
    405: ("method_not_allowed", "{path} does not take {method}; it takes {allowed}"),
    413: ("body_too_large", "the body is too large"),
}


@web.middleware
async def api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _answer(request, exc)
    except Exception:
        log.exception("admin API %s %s failed", request.method, request.path)
        body = error_body(
            "internal",
            "the engine failed on this request (logged); retry, and report it if it happens again",
        )
        return web.json_response(body, status=500)


def _answer(request: web.Request, exc: web.HTTPException) -> web.Response:
    code, message = MEANINGS.get(exc.status, ("http_error", exc.reason))
    allowed = exc.headers.get("Allow", "")
    text = message.format(path=request.path[:200], method=request.method, allowed=allowed)
    headers = {"Allow": allowed} if allowed else None
    return web.json_response(error_body(code, text), status=exc.status, headers=headers)


def answer_api_errors_as_json(server: Web) -> None:
    """Install the middleware on a worker's web server (before it starts)."""
    application: web.Application = getattr(server, "web_app")  # noqa: B009 (driver-specific)
    application.middlewares.append(api_errors)

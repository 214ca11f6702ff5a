"""Tray-shaped error answers: ``{code, url, name, error_code, causes}``."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web


def tray_error(
    status: int,
    name: str,
    request: web.Request,
    *,
    error_code: int | None = None,
    causes: list[str] | None = None,
) -> web.Response:
    body: dict[str, Any] = {"message": name, "code": status, "url": request.path, "name": name}
    if error_code is not None:
        body["error_code"] = error_code
    body["causes"] = causes or []
    return web.Response(status=status, body=orjson.dumps(body), content_type="application/json")


def ok(body: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=orjson.dumps(body), content_type="application/json")

"""The Integrações screen, in Brazilian Portuguese, served by the engine (no build step)."""

from __future__ import annotations

from faust.web import View

from engine.context import Engine
from engine.web.ui.pages import sign_in_views, static_view
from engine.web.ui.screens import screen_views


def ui_views(engine: Engine) -> dict[str, type[View]]:
    """Path -> view of every page, in the order they must be routed."""
    return {
        **sign_in_views(engine),
        "/static/{name}": static_view(),
        **screen_views(engine),
    }

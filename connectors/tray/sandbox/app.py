"""Assembles the sandbox: SQLite state, Tray's API, the control API, the notifier."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from connectors.sandbox_server import running_in_background
from connectors.tray.sandbox.api import tray_gate
from connectors.tray.sandbox.config import SandboxConfig
from connectors.tray.sandbox.control import control_routes
from connectors.tray.sandbox.limits import Limits
from connectors.tray.sandbox.notify import run_dispatcher
from connectors.tray.sandbox.resources import api_routes
from connectors.tray.sandbox.state import STATE, SandboxState
from connectors.tray.sandbox.store import TrayStore, connect


def open_state(config: SandboxConfig) -> SandboxState:
    """The store's state, created on first use and kept in SQLite afterwards."""
    store = TrayStore(connect(config.db_path))
    store.add_code(config.code)
    for url in config.notify_urls:
        store.add_notify_url(url)
    state = SandboxState(
        config=config,
        store=store,
        limits=Limits(rate_per_minute=config.rate_per_minute, daily_cap=config.daily_cap),
    )
    state.ensure_statuses()
    return state


def build_app(config: SandboxConfig) -> web.Application:
    """A ready-to-serve sandbox; the database opens and the notifier starts with the app."""
    app = web.Application(middlewares=[tray_gate])
    app.add_routes(api_routes())
    app.add_routes(control_routes())
    app[STATE] = open_state(config)

    async def notifier(app: web.Application) -> AsyncIterator[None]:
        try:
            async with running_in_background(
                run_dispatcher(app[STATE]), name="tray-sandbox-notifier"
            ):
                yield
        finally:
            app[STATE].store.conn.close()

    app.cleanup_ctx.append(notifier)
    return app

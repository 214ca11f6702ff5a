"""Assembles the sandbox: SQLite state, VTEX's API routes behind the gate, control routes and
the hook sender."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from connectors.sandbox_server import running_in_background
from connectors.vtex.sandbox.catalog import add_catalog_routes
from connectors.vtex.sandbox.category_tree import add_category_tree_route
from connectors.vtex.sandbox.config import SandboxConfig
from connectors.vtex.sandbox.control import add_control_routes
from connectors.vtex.sandbox.gate import Bucket, Faults, api_gate, delay_gate
from connectors.vtex.sandbox.hooks import run_sender
from connectors.vtex.sandbox.logistics_pricing import add_logistics_pricing_routes
from connectors.vtex.sandbox.oms import add_oms_routes
from connectors.vtex.sandbox.specifications import add_specification_routes
from connectors.vtex.sandbox.state import STATE, SandboxState
from connectors.vtex.sandbox.store import Store, connect


def build_app(config: SandboxConfig) -> web.Application:
    """A ready-to-serve sandbox; the database opens and the sender starts with the app."""
    app = web.Application(middlewares=[delay_gate, api_gate])
    add_control_routes(app)
    add_catalog_routes(app)
    add_category_tree_route(app)
    add_specification_routes(app)
    add_oms_routes(app)
    add_logistics_pricing_routes(app)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        conn = connect(config.db_path)
        state = SandboxState(
            config=config,
            store=Store(conn),
            buckets={api: Bucket(limit) for api, limit in config.limits.items()},
            faults=Faults(),
        )
        app[STATE] = state
        try:
            async with running_in_background(run_sender(state), name="vtex-sandbox-hooks"):
                yield
        finally:
            conn.close()

    app.cleanup_ctx.append(lifecycle)
    return app

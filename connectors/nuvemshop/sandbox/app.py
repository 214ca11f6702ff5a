"""Assembles the sandbox: SQLite state, the API and control routes, the webhook sender."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from connectors.nuvemshop.sandbox.catalog import add_catalog_routes
from connectors.nuvemshop.sandbox.categories import add_category_routes
from connectors.nuvemshop.sandbox.config import SandboxConfig
from connectors.nuvemshop.sandbox.control import add_control_routes
from connectors.nuvemshop.sandbox.gate import api_gate
from connectors.nuvemshop.sandbox.orders import add_order_routes
from connectors.nuvemshop.sandbox.outbox import Outbox, add_webhook_routes
from connectors.nuvemshop.sandbox.ratelimit import LeakyBucket
from connectors.nuvemshop.sandbox.state import STATE, SandboxState
from connectors.nuvemshop.sandbox.store import Records, connect
from connectors.nuvemshop.sandbox.storefront import add_storefront_routes
from connectors.sandbox_server import running_in_background


def build_app(config: SandboxConfig) -> web.Application:
    """A ready-to-serve sandbox; the database opens and the sender starts with the app."""
    app = web.Application(middlewares=[api_gate])
    for add_routes in (
        add_catalog_routes,
        add_category_routes,
        add_order_routes,
        add_webhook_routes,
        add_storefront_routes,
        add_control_routes,
    ):
        add_routes(app)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        conn = connect(config.db_path)
        records = Records(conn)
        outbox = Outbox(records, config)
        app[STATE] = SandboxState(
            config=config,
            records=records,
            bucket=LeakyBucket(config.bucket_size, config.leak_rate),
            outbox=outbox,
        )
        try:
            async with running_in_background(outbox.run(), name="nuvemshop-sandbox-webhooks"):
                yield
        finally:
            conn.close()

    app.cleanup_ctx.append(lifecycle)
    return app

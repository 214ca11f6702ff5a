"""Assembles the sandbox: state in SQLite, Admin API and control routes, the webhook sender."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from connectors.sandbox_server import running_in_background
from connectors.shopify.sandbox.admin import add_admin_routes, admin_gate
from connectors.shopify.sandbox.catalog import add_catalog_routes
from connectors.shopify.sandbox.config import SandboxConfig
from connectors.shopify.sandbox.control import add_control_routes
from connectors.shopify.sandbox.dispatch import WebhookDispatcher
from connectors.shopify.sandbox.fulfillment import add_fulfillment_routes
from connectors.shopify.sandbox.oauth import add_oauth_routes
from connectors.shopify.sandbox.outbox import Outbox
from connectors.shopify.sandbox.ratelimit import LeakyBuckets
from connectors.shopify.sandbox.resources import Resources, Tokens
from connectors.shopify.sandbox.state import STATE, SandboxState, default_shop
from connectors.shopify.sandbox.stock import add_stock_routes
from connectors.shopify.sandbox.store import ShopStore, connect


def build_app(config: SandboxConfig) -> web.Application:
    """A ready-to-serve sandbox; the database opens and the sender starts with the app."""
    app = web.Application(middlewares=[admin_gate])
    add_admin_routes(app)
    add_catalog_routes(app)
    add_stock_routes(app)
    add_fulfillment_routes(app)
    add_oauth_routes(app)
    add_control_routes(app)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        conn = connect(config.db_path)
        store, outbox = ShopStore(conn), Outbox(conn)
        if store.shop() is None:
            store.save_shop(default_shop(config))
        dispatcher = WebhookDispatcher(outbox, config)
        tokens = Tokens(conn)
        tokens.grant_once(config.token, "access")
        tokens.grant_once(config.scopeless_token, "access")
        tokens.grant_once(config.refresh_token, "refresh")
        app[STATE] = SandboxState(
            config=config,
            store=store,
            outbox=outbox,
            buckets=LeakyBuckets(size=config.bucket_size, leak_rate=config.leak_rate),
            dispatcher=dispatcher,
            resources=Resources(conn),
            tokens=tokens,
        )
        try:
            async with running_in_background(dispatcher.run(), name="shopify-sandbox-webhooks"):
                yield
        finally:
            conn.close()

    app.cleanup_ctx.append(lifecycle)
    return app

"""A faithful local stand-in for the Shopify Admin API subset Ponte uses.

Real paths, token auth, the leaky bucket and its 429s, cursor pagination, and signed
`orders/create` webhooks with Shopify's retry policy, all kept in SQLite. Run it with
`ponte sandbox shopify` (see `cli.py` for flags); `/_sandbox/...` is its own control surface.
"""

from connectors.shopify.sandbox.app import build_app
from connectors.shopify.sandbox.cli import main
from connectors.shopify.sandbox.config import SandboxConfig

__all__ = ["SandboxConfig", "build_app", "main"]

"""A faithful local stand-in for the Nuvemshop API subset Ponte uses.

Real paths (`/{version}/{store_id}/...`), `Authentication: bearer`, the mandatory User-Agent,
415/422 answers, page/per_page with Link and X-Total-Count, the 40/2-per-second leaky bucket
and its 429s, and thin signed webhooks with Nuvemshop's retry policy, all kept in SQLite.
Run it with `ponte sandbox nuvemshop` (flags in `cli.py`); `/_sandbox/...` is its control surface.
"""

from connectors.nuvemshop.sandbox.app import build_app
from connectors.nuvemshop.sandbox.cli import main
from connectors.nuvemshop.sandbox.config import SandboxConfig

__all__ = ["SandboxConfig", "build_app", "main"]

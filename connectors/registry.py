"""The platforms Ponte connects to: one literal registry, no import side effects or scanning.

Adding a connector means adding it here; the engine, the CLI and the contract suite read this.
"""

from __future__ import annotations

from connectors.capabilities import ConnectorSpec
from connectors.nuvemshop.connector import NUVEMSHOP
from connectors.shopify.connector import SHOPIFY
from connectors.tray.connector import TRAY
from connectors.vtex.connector import VTEX

PLATFORMS: dict[str, ConnectorSpec] = {spec.name: spec for spec in (SHOPIFY, TRAY, NUVEMSHOP, VTEX)}


def platform(name: str) -> ConnectorSpec:
    """The connector of a platform; KeyError names the platforms known."""
    try:
        return PLATFORMS[name]
    except KeyError:
        raise KeyError(
            f"unknown platform {name!r}; known: {', '.join(sorted(PLATFORMS))}"
        ) from None

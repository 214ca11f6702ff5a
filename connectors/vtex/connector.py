"""VTEX's declaration: what the engine may ask of it."""

from __future__ import annotations

from connectors.capabilities import ConnectorSpec
from connectors.vtex.settings import VtexSettings

VTEX = ConnectorSpec(
    name="vtex",
    title="VTEX",
    settings=VtexSettings,
    capabilities={},
)

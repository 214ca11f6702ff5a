"""Nuvemshop's declaration: what the engine may ask of it."""

from __future__ import annotations

from connectors.capabilities import ConnectorSpec
from connectors.nuvemshop.settings import NuvemshopSettings

NUVEMSHOP = ConnectorSpec(
    name="nuvemshop",
    title="Nuvemshop",
    settings=NuvemshopSettings,
    capabilities={},
)

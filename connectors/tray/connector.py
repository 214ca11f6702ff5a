"""Tray's declaration: what the engine may ask of it."""

from __future__ import annotations

from connectors.capabilities import ConnectorSpec
from connectors.tray.settings import TraySettings

TRAY = ConnectorSpec(
    name="tray",
    title="Tray",
    settings=TraySettings,
    capabilities={},
)

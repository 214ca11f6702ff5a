"""What the agents and web views of one worker share."""

from __future__ import annotations

from dataclasses import dataclass

import faust

from connectors.erp.client import ErpClient
from engine.bindings import BoundTopics
from engine.platform_clients import PlatformClients
from engine.registry import IntegrationRegistry
from engine.sealing import CredentialSealer
from engine.settings import EngineSettings


@dataclass
class Engine:
    settings: EngineSettings
    app: faust.App
    topics: BoundTopics
    registry: IntegrationRegistry
    sealer: CredentialSealer
    erp: ErpClient
    platforms: PlatformClients

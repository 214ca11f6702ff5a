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
from engine.state.config_log import ConfigLogView
from engine.state.held import HeldView
from engine.state.history import HistoryView
from engine.state.jobs import JobsView
from engine.state.links import LinksView
from engine.state.parked import ParkedView
from engine.state.sessions import SessionsView


@dataclass
class Views:
    """The topics every worker folds into memory, for the admin API and the flows."""

    links: LinksView
    history: HistoryView
    parked: ParkedView
    held: HeldView
    jobs: JobsView
    config_log: ConfigLogView
    sessions: SessionsView


@dataclass
class Engine:
    settings: EngineSettings
    app: faust.App
    topics: BoundTopics
    registry: IntegrationRegistry
    sealer: CredentialSealer
    erp: ErpClient
    platforms: PlatformClients
    views: Views

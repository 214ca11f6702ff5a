"""The running sandbox's state, as one typed application key."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

from connectors.vtex.sandbox.config import SandboxConfig
from connectors.vtex.sandbox.store import Store

if TYPE_CHECKING:
    from connectors.vtex.sandbox.gate import Bucket, Faults


@dataclass
class SandboxState:
    config: SandboxConfig
    store: Store
    buckets: dict[str, Bucket]
    faults: Faults
    wake_sender: asyncio.Event = field(default_factory=asyncio.Event)
    response_delay: float = 0.0


STATE = web.AppKey("vtex_sandbox_state", SandboxState)

"""Agents that decide by an integration's settings, links or errors wait for those views first.

A worker that starts (or takes over partitions) reads the views from the beginning; an event
met before they caught up would find no integration and be dead-lettered as gone.
"""

from __future__ import annotations

import asyncio
import logging

from engine.context import Engine

log = logging.getLogger(__name__)
PATIENCE_SECONDS = 30.0


async def views_caught_up(engine: Engine, agent: str) -> None:
    """Return once the integrations, links and parked views hold what was written before."""
    views = (engine.registry, engine.views.links, engine.views.parked, engine.views.held)
    for view in views:
        while True:
            try:
                await view.wait_caught_up(PATIENCE_SECONDS)
                break
            except TimeoutError:
                log.warning("%s still waits for %s to catch up", agent, type(view).__name__)
                await asyncio.sleep(0)

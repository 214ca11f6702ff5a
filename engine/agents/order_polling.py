"""Vendas by polling: new platform orders read on a schedule, beside (or instead of) webhooks.

Each order read becomes an ``order.placed`` envelope on ORDERS (``engine.order_placed``), so
the ERP-orders sink creates it once however often it arrives. The per-integration cursor is
saved only after Kafka acknowledged the events it covers, so a crash re-reads a window and
nothing is lost.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from pydantic import AwareDatetime, BaseModel, ValidationError

from connectors.budget import Lane
from connectors.capabilities import Entity
from connectors.cursor import SyncCursor
from engine.context import Engine
from engine.cursors import load_cursor, save_cursor
from engine.order_placed import emit_orders, import_floor, placed_since
from schemas.integration import Integration

log = logging.getLogger(__name__)


class OrderPollState(BaseModel):
    """The saved state of one integration's order polling."""

    floor: AwareDatetime
    """Orders placed before this are never imported by polling."""
    cursor: SyncCursor


def cursor_name(integration_id: str) -> str:
    return f"orders:{integration_id}"


def first_state(integration: Integration, now: datetime) -> OrderPollState:
    """Where polling starts: the integration's import floor."""
    floor = import_floor(integration, now)
    return OrderPollState(floor=floor, cursor=SyncCursor(since=floor))


PollStates = dict[str, OrderPollState]
"""The leader's last known poll state per integration: spares a scan of the cursors topic per
poll. An out-of-date one (a run-now elsewhere went further) only re-reads a window."""


async def poll_orders(
    engine: Engine, integration: Integration, known: PollStates | None = None
) -> int:
    """One poll of one integration: emit the new orders, then save the cursor; how many."""
    name = cursor_name(integration.id)
    state = (known or {}).get(integration.id) or await _load_state(engine, integration, name)
    client = engine.platforms.for_integration(integration)
    emitted, saved = 0, False
    async for page in client.list_since(Entity.ORDER, state.cursor, lane=Lane.BULK):
        orders = placed_since(page.records, state.floor)
        await emit_orders(engine, integration, orders)
        emitted += len(orders)
        state = OrderPollState(floor=state.floor, cursor=page.cursor)
        await save_cursor(engine.topics, name, state.model_dump_json())
        saved = True
    if not saved:  # nothing to read yet: still pin the floor of the first poll
        await save_cursor(engine.topics, name, state.model_dump_json())
    if known is not None:
        known[integration.id] = state
    return emitted


async def _load_state(engine: Engine, integration: Integration, name: str) -> OrderPollState:
    saved = await load_cursor(engine.settings.bootstrap_servers, engine.topics, name)
    if saved is not None:
        try:
            return OrderPollState.model_validate_json(saved)
        except ValidationError:
            log.error("order polling cursor of %s is unreadable; starting over", integration.id)
    return first_state(integration, datetime.now(UTC))

"""The ERP change-feed poller: on the leader only, every ``erp_poll_seconds``.

Events are sent (and acknowledged) before the cursor is saved, so a crash between the two
re-reads a window and emits events again, with the same ids: nothing is lost, duplicates are
recognisable.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from uuid import uuid4

from pydantic import ValidationError

from connectors.erp.poller import ErpPollCursor, poll
from connectors.errors import ConnectorError
from engine.context import Engine
from engine.cursors import load_cursor, save_cursor
from engine.erp_changes import erp_envelope
from engine.metrics import EVENTS_PROCESSED
from schemas.codec import encode
from topics.registry import ERP_CHANGES

log = logging.getLogger(__name__)
CURSOR_NAME = "erp:poll"


def wire_erp_poller(engine: Engine) -> None:
    interval = engine.settings.erp_poll_seconds
    if interval <= 0:
        return

    @engine.app.timer(interval, on_leader=True, name="erp-poller")  # type: ignore[untyped-decorator]
    async def poll_erp() -> None:
        try:
            await poll_once(engine)
        except ConnectorError as exc:
            log.warning("ERP poll failed, next try in %.0fs: %s", interval, exc.describe())


async def poll_once(engine: Engine) -> int:
    """One poll: emit every change since the saved cursor, then save the new cursor."""
    saved = await load_cursor(engine.settings.bootstrap_servers, engine.topics, CURSOR_NAME)
    try:
        cursor = ErpPollCursor() if saved is None else ErpPollCursor.model_validate_json(saved)
    except ValidationError:
        log.error("the saved ERP cursor is unreadable; polling from the start")
        cursor = ErpPollCursor()
    payloads, advanced = await poll(engine.erp, cursor)
    now, trace = datetime.now(UTC), uuid4().hex
    topic = engine.topics[ERP_CHANGES]
    for payload in payloads:
        envelope = erp_envelope(payload, received_at=now, trace_id=trace)
        await (await topic.send(key=f"erp:{envelope.entity_key}".encode(), value=encode(envelope)))
        EVENTS_PROCESSED.labels(agent="erp-poller", type=envelope.type, outcome="ok").inc()
    await save_cursor(engine.topics, CURSOR_NAME, advanced.model_dump_json())
    return len(payloads)

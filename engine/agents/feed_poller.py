"""Platform change feeds, the fallback to notifications (VTEX's feed v3): leader only.

Each item is stored as a thin delivery (the deliveries agent reads the order before acting) and
acknowledged to the platform only after Kafka has it; an item read but not committed comes back
after its visibility timeout, and the duplicate is recognised downstream.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from uuid import uuid4

from connectors.errors import ConnectorError
from engine.context import Engine
from engine.web.webhooks import Rejection, store_delivery
from schemas.delivery import Delivery
from schemas.envelope import SourceSystem
from schemas.integration import Integration, IntegrationStatus

log = logging.getLogger(__name__)


def wire_feed_poller(engine: Engine) -> None:
    interval = engine.settings.feed_poll_seconds
    if interval <= 0:
        return

    @engine.app.timer(interval, on_leader=True, name="feed-poller")  # type: ignore[untyped-decorator]
    async def read_feeds() -> None:
        for integration in engine.registry.all():
            if integration.status is IntegrationStatus.ACTIVE:
                try:
                    await read_feed_once(engine, integration)
                except (ConnectorError, Rejection) as exc:
                    log.warning("feed of %s not read: %s", integration.id, exc)


async def read_feed_once(engine: Engine, integration: Integration) -> int:
    """Store every item of one integration's feed, then commit them to the platform."""
    client = engine.platforms.for_integration(integration)
    read_feed = getattr(client, "read_feed", None)
    if read_feed is None:
        return 0  # this platform has no feed: it notifies, or is read by list_since
    items = await read_feed()
    now = datetime.now(UTC)
    for item in items:
        await store_delivery(
            engine,
            Delivery(
                delivery_id=f"feed:{item.handle}",
                event_id=f"{item.order_id}:{item.state}",
                integration_id=integration.id,
                source=SourceSystem(integration.platform),
                topic=f"feed/{item.state}",
                entity_key=f"order:{item.order_id}",
                headers={},
                body="",
                needs_fetch=True,
                received_at=now,
                trace_id=uuid4().hex,
            ),
        )
    if items:
        await client.commit_feed(items)
    return len(items)

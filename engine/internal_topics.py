"""Faust's own topics for this app (table changelogs, the leader assignor), created up front.

Faust would create them on start, but a consumer group that forms while a topic is still
missing from the broker's metadata gets no partitions of it until the next metadata refresh.
Creating them with ours, then waiting until every one is visible, avoids that race.
"""

from __future__ import annotations

from pydantic import BaseModel

from topics.registry import ORDERS
from topics.spec import Cleanup, TopicSpec

TABLES = {"order-links": ORDERS.partitions, "order-updates-waiting": ORDERS.partitions}
"""Every Faust table of the engine and its partition count (that of the stream it follows)."""


class TableChange(BaseModel):
    """A Faust table changelog record (Faust writes and reads these itself)."""

    key: str
    value: str | None


def faust_topics(app_id: str) -> list[TopicSpec]:
    """The full names of Faust's topics for ``app_id`` (no namespace is added to these)."""
    changelogs = [
        TopicSpec(
            name=f"{app_id}-{table}-changelog",
            key="table key",
            value=TableChange,
            partitions=partitions,
            cleanup=Cleanup.COMPACT,
            retention=None,
        )
        for table, partitions in TABLES.items()
    ]
    leader = TopicSpec(
        name=f"{app_id}-__assignor-__leader", key="none", value=TableChange, partitions=1
    )
    return [*changelogs, leader]

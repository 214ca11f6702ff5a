"""The topics of Ponte. Agents import these objects, never topic-name strings.

Keys keep the events of one entity in order while spreading a large store across partitions:
every keyed topic uses ``"{integration_id}:{entity_key}"`` (see ``entity_key``).
"""

from __future__ import annotations

from schemas.delivery import Delivery
from schemas.envelope import EventEnvelope
from schemas.integration import Integration
from topics.cursor_record import CursorRecord
from topics.spec import Cleanup, TopicSpec

INTEGRATIONS = TopicSpec(
    name="ponte.integrations",
    key="integration id",
    value=Integration,
    partitions=3,
    cleanup=Cleanup.COMPACT,
    retention=None,
)

DELIVERIES = TopicSpec(
    name="ponte.deliveries",
    key="{integration_id}:{entity_key}",
    value=Delivery,
    partitions=12,
    has_dead_letter=True,
)

ORDERS = TopicSpec(
    name="ponte.orders",
    key="{integration_id}:{entity_key}",
    value=EventEnvelope,
    partitions=12,
    has_dead_letter=True,
)

CATALOG = TopicSpec(
    name="ponte.catalog",
    key="{integration_id}:{entity_key}",
    value=EventEnvelope,
    partitions=12,
    has_dead_letter=True,
)
"""Products, categories, brands and attributes as canonical events (their flows consume it)."""

ERP_CHANGES = TopicSpec(
    name="ponte.erp-changes",
    key="erp:{entity_key}",
    value=EventEnvelope,
    partitions=12,
    has_dead_letter=True,
)
"""What changed in the ERP (products, prices, stock, order status and NF-e), heard by the
poller or by the ERP's signed push: the same canonical events either way."""

CURSORS = TopicSpec(
    name="ponte.cursors",
    key="reader name",
    value=CursorRecord,
    partitions=1,
    cleanup=Cleanup.COMPACT,
    retention=None,
)

DECLARED: tuple[TopicSpec, ...] = (INTEGRATIONS, DELIVERIES, ORDERS, CATALOG, ERP_CHANGES, CURSORS)


def all_topics() -> list[TopicSpec]:
    """Every topic to create, dead-letter topics included."""
    specs: list[TopicSpec] = []
    for spec in DECLARED:
        specs.append(spec)
        if spec.has_dead_letter:
            specs.append(spec.dead_letter)
    return specs


def entity_key(integration_id: str, entity_key: str) -> str:
    """The record key: one entity of one integration always lands on the same partition."""
    return f"{integration_id}:{entity_key}"

"""The topics of Ponte. Agents import these objects, never topic-name strings.

Keys keep the events of one entity in order while spreading a large store across partitions:
every keyed topic uses ``"{integration_id}:{entity_key}"`` (see ``entity_key``).
"""

from __future__ import annotations

from datetime import timedelta

from schemas.command import PlatformCommand
from schemas.config_change import ConfigChange
from schemas.delivery import Delivery
from schemas.envelope import EventEnvelope
from schemas.held import HeldEvent
from schemas.history import HistoryEntry
from schemas.integration import Integration
from schemas.job import Job, JobCommand
from schemas.link import Link
from schemas.parked import ParkedRecord
from schemas.session import SessionRevoked
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

CONFIG_LOG = TopicSpec(
    name="ponte.config-log",
    key="integration id",
    value=ConfigChange,
    partitions=3,
    retention=None,
)
"""Every change to an integration's settings, mappings and automations: who, when, what."""

LINKS = TopicSpec(
    name="ponte.links",
    key="{integration_id}:{entity}:{erp_id}",
    value=Link,
    partitions=6,
    cleanup=Cleanup.COMPACT,
    retention=None,
)

HISTORY = TopicSpec(
    name="ponte.history",
    key="{integration_id}:{entity_key}",
    value=HistoryEntry,
    partitions=6,
    retention=timedelta(days=90),
)

PARKED = TopicSpec(
    name="ponte.parked",
    key="{integration_id}:{entity_key}",
    value=ParkedRecord,
    partitions=6,
    cleanup=Cleanup.COMPACT,
    retention=None,
)
"""Each integration's error list: the latest parked record per entity; a tombstone resolves it."""

HELD = TopicSpec(
    name="ponte.held",
    key="{integration_id}:{automation}:{entity_key}",
    value=HeldEvent,
    partitions=6,
    cleanup=Cleanup.COMPACT,
    retention=None,
)
"""Events that arrived while their automation was off, until replayed or discarded."""

JOBS = TopicSpec(
    name="ponte.jobs",
    key="job id",
    value=Job,
    partitions=3,
    cleanup=Cleanup.COMPACT,
    retention=None,
)
"""Manual actions and their progress; the latest state per job wins."""

JOB_COMMANDS = TopicSpec(
    name="ponte.job-commands",
    key="job id",
    value=JobCommand,
    partitions=6,
    retention=timedelta(days=7),
)
"""Steps of running jobs: each run command does one page and sends the next; cancel stops one."""

OUTBOUND = TopicSpec(
    name="ponte.outbound",
    key="{integration_id}:{entity_key}",
    value=PlatformCommand,
    partitions=12,
    has_dead_letter=True,
)
"""ERP changes to apply on one integration's platform (live fan-out and Exportar jobs); stock is
keyed ``{integration_id}:stock:{sku}`` so every warehouse of one SKU meets in one partition."""

SESSIONS = TopicSpec(
    name="ponte.sessions",
    key="session id",
    value=SessionRevoked,
    partitions=3,
    retention=timedelta(days=31),
)
"""Screen sessions ended by sign-out, refused by every worker; kept longer than the longest
sign-in (30 days), after which the cookie is refused for its age alone."""

DECLARED: tuple[TopicSpec, ...] = (
    INTEGRATIONS,
    DELIVERIES,
    ORDERS,
    CATALOG,
    ERP_CHANGES,
    CURSORS,
    CONFIG_LOG,
    LINKS,
    HISTORY,
    PARKED,
    HELD,
    JOBS,
    OUTBOUND,
    JOB_COMMANDS,
    SESSIONS,
)


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

"""How many workers share the load: the consumer group's members, asked after each rebalance.

Platform budgets (connectors.budget) are per account; with N workers each may spend 1/N of it,
so together they stay within what the platform allows.
"""

from __future__ import annotations

import logging
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import Gauge

from connectors.budget import share_between

log = logging.getLogger(__name__)
GROUP_WORKERS = Gauge(
    "ponte_group_workers", "Workers in the engine's consumer group, as last seen."
)


def members_of(description: Any) -> int | None:
    """Members in a DescribeGroups answer (error_code, group_id, state, type, protocol, members...)."""
    for group in getattr(description, "groups", []):
        members = group[5] if len(group) > 5 else None
        if isinstance(members, list):
            return len(members)
    return None


async def count_workers(bootstrap: str, group_id: str) -> int | None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        for description in await admin.describe_consumer_groups([group_id]):
            counted = members_of(description)
            if counted:
                return counted
        return None
    finally:
        await admin.close()


async def reshare_budgets(bootstrap: str, group_id: str) -> None:
    """After a rebalance: split every platform budget between the workers now in the group."""
    try:
        workers = await count_workers(bootstrap, group_id)
    except Exception as exc:  # the next rebalance tries again; budgets keep their last share
        log.warning("could not count the workers of %s: %r", group_id, exc)
        return
    if workers:
        share_between(workers)
        GROUP_WORKERS.set(workers)
        log.info("platform budgets shared between %d worker(s)", workers)

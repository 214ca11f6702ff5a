"""Create or update the declared topics on a broker, idempotently."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from topics.spec import TopicSpec

TOPIC_ALREADY_EXISTS = 36


@dataclass(frozen=True)
class TopicChange:
    name: str
    action: str  # "created", "partitions raised", "config updated", "unchanged"


async def apply_topics(
    bootstrap: str, specs: list[TopicSpec], *, namespace: str = "", replication: int = 1
) -> list[TopicChange]:
    """Bring the broker in line with ``specs``: create missing topics, raise partitions, set configs.

    Partitions are never lowered (Kafka cannot), and raising them is reported because it moves keys.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = await _partition_counts(admin)
        changes = []
        for spec in specs:
            name = spec.named(namespace)
            changes.append(await _apply_one(admin, spec, name, existing.get(name), replication))
        return changes
    finally:
        await admin.close()


async def wait_until_visible(bootstrap: str, names: list[str], timeout: float = 60.0) -> None:
    """Wait until every topic is in the broker's metadata with a leader for each partition.

    A consumer group that forms while a topic is missing ignores it until its next metadata
    refresh (minutes), so workers start only once this returns.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            described = {t["topic"]: t for t in await admin.describe_topics(names)}
            missing = [n for n in names if not _ready(described.get(n))]
            if not missing:
                return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"topics not visible after {timeout:.0f}s: {', '.join(missing)}")
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


def _ready(topic: dict[str, Any] | None) -> bool:
    if topic is None or topic.get("error_code") or not topic.get("partitions"):
        return False
    return all(p.get("leader", -1) >= 0 for p in topic["partitions"])


async def _partition_counts(admin: AIOKafkaAdminClient) -> dict[str, int]:
    described = await admin.describe_topics(await admin.list_topics())
    return {topic["topic"]: len(topic["partitions"]) for topic in described}


async def _apply_one(
    admin: AIOKafkaAdminClient, spec: TopicSpec, name: str, partitions: int | None, replication: int
) -> TopicChange:
    config = spec.broker_config()
    if partitions is None:
        if await _create(admin, NewTopic(name, spec.partitions, replication, topic_configs=config)):
            return TopicChange(name, "created")
        partitions = spec.partitions  # created meanwhile (metadata lagged): check its config
    actions = []
    if partitions < spec.partitions:
        await admin.create_partitions({name: NewPartitions(total_count=spec.partitions)})
        actions.append("partitions raised")
    if await _config_differs(admin, name, config):
        await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, name, configs=config)])
        actions.append("config updated")
    return TopicChange(name, ", ".join(actions) or "unchanged")


async def _create(admin: AIOKafkaAdminClient, topic: NewTopic) -> bool:
    """Create one topic; False when it already exists. Other broker errors are raised."""
    response = await admin.create_topics([topic])
    for name, code, message in response.topic_errors:
        if code == TOPIC_ALREADY_EXISTS:
            return False
        if code != 0:
            raise RuntimeError(f"creating topic {name} failed (error {code}): {message}")
    return True


async def _config_differs(admin: AIOKafkaAdminClient, name: str, wanted: dict[str, str]) -> bool:
    responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
    current: dict[str, str] = {}
    for response in responses:
        for resource in response.resources:
            for entry in resource[4]:
                current[entry[0]] = entry[1]
    return any(current.get(key) != value for key, value in wanted.items())

"""`ponte topics apply` creates every declared topic with its settings, and is idempotent."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from topics.registry import INTEGRATIONS, all_topics

pytestmark = pytest.mark.broker


def apply(bootstrap: str, namespace: str) -> str:
    env = {**os.environ, "PONTE_BOOTSTRAP_SERVERS": bootstrap, "PONTE_NAMESPACE": namespace}
    result = subprocess.run(
        [sys.executable, "-m", "engine", "topics", "apply"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


async def describe(bootstrap: str, names: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        partitions = {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics(names)}
        compacted = names[0]
        response = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, compacted)]
        )
        configs = {entry[0]: entry[1] for r in response for res in r.resources for entry in res[4]}
        return partitions, configs
    finally:
        await admin.close()


def test_apply_creates_every_topic_then_changes_nothing(kafka_bootstrap: str) -> None:
    namespace = f"t{uuid.uuid4().hex[:8]}"
    specs = all_topics()

    first = apply(kafka_bootstrap, namespace)
    apply(kafka_bootstrap, namespace)  # the broker's metadata may lag the first creation
    third = apply(kafka_bootstrap, namespace)

    assert first.count("created") == len(specs)
    assert third.count("unchanged") == len(specs)
    names = [INTEGRATIONS.named(namespace)] + [
        s.named(namespace) for s in specs if s is not INTEGRATIONS
    ]
    partitions, configs = asyncio.run(describe(kafka_bootstrap, names))
    assert partitions == {s.named(namespace): s.partitions for s in specs}
    assert configs["cleanup.policy"] == "compact"
    assert configs["retention.ms"] == "-1"

"""Which real Kafka broker the tests use.

KAFKA_BOOTSTRAP_SERVERS when set; else testcontainers' Kafka when a Docker engine answers;
else the project's local broker (`ponte broker start`) on a test port. Under CI=true a broker
that cannot be had is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine import local_broker

REPO_ROOT = Path(__file__).resolve().parents[1]
TEST_PORT = int(os.environ.get("PONTE_TEST_KAFKA_PORT", "19092"))
KAFKA_IMAGE = "apache/kafka:4.1.1"


class NoBroker(RuntimeError):
    pass


def docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


@contextmanager
def kafka_broker() -> Iterator[str]:
    """Yield a bootstrap address of a real broker for the whole test session."""
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        if not local_broker.broker_answers(given, timeout=10):
            raise NoBroker(f"KAFKA_BOOTSTRAP_SERVERS={given} does not answer")
        yield given
    elif docker_answers():
        yield from _container()
    else:
        yield from _local()


def _container() -> Iterator[str]:
    from testcontainers.kafka import KafkaContainer

    with KafkaContainer(KAFKA_IMAGE).with_kraft() as kafka:
        yield kafka.get_bootstrap_server()


def _local() -> Iterator[str]:
    broker = local_broker.LocalBroker(
        port=TEST_PORT,
        data_dir=REPO_ROOT / "var" / "kafka" / "test-data",
        libs_dir=local_broker.LocalBroker.from_env().libs_dir,
    )
    already_running = local_broker.status(broker)[0]
    if not already_running:
        # Every test works in a namespace of its own, so nothing is worth keeping; a data dir
        # grown over many runs (thousands of partitions) only slows the broker's start.
        shutil.rmtree(broker.data_dir, ignore_errors=True)
    try:
        local_broker.start(broker)
    except local_broker.BrokerError as exc:
        raise NoBroker(str(exc)) from exc
    try:
        yield broker.bootstrap
    finally:
        if not already_running:
            local_broker.stop(broker)

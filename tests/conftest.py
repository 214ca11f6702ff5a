"""Session fixtures: the real Kafka broker (see tests/broker.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.broker import NoBroker, kafka_broker


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    try:
        with kafka_broker() as bootstrap:
            yield bootstrap
    except NoBroker as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"no Kafka broker under CI: {exc}")
        pytest.skip(f"no Kafka broker: {exc}")

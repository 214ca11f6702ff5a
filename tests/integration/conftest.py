"""A running stack (sandbox ERP, sandbox Shopify, one engine worker) per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import Stack, Worker
from tests.integration.support import create_integration, subscribe_orders

INTEGRATION_ID = "loja-teste"


@pytest.fixture(scope="module")
def stack(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(kafka_bootstrap, Path(tmp_path_factory.mktemp("stack")))
    try:
        running.start_sandboxes()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def worker(stack: Stack) -> Worker:
    return stack.start_worker()


@pytest.fixture(scope="module")
def integration_id(stack: Stack, worker: Worker) -> str:
    create_integration(stack, worker, INTEGRATION_ID)
    subscribe_orders(stack, worker, INTEGRATION_ID)
    return INTEGRATION_ID

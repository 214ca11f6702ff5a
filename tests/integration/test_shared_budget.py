"""With two workers each spends half of every platform account's budget; alone, all of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import Stack, wait_until

pytestmark = pytest.mark.broker


@pytest.fixture
def stack(kafka_bootstrap: str, tmp_path: Path) -> Iterator[Stack]:
    running = Stack(kafka_bootstrap, tmp_path)
    try:
        running.start_sandboxes()
        yield running
    finally:
        running.stop()


def test_budgets_follow_the_number_of_workers_in_the_group(stack: Stack) -> None:
    first = stack.start_worker("first")
    wait_until(lambda: first.metric("ponte_group_workers") == 1, 60, "the first worker alone")

    second = stack.start_worker("second")

    for worker in (first, second):
        wait_until(
            lambda w=worker: w.metric("ponte_group_workers") == 2,
            90,
            f"{worker.process.name} to see 2",
        )
    second.process.stop()
    wait_until(lambda: first.metric("ponte_group_workers") == 1, 90, "the first worker alone again")

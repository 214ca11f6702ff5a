"""A fresh stack (sandboxes, no worker yet) per fault scenario, on the session's broker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import Stack, running_stack

# A killed worker's partitions move after this long (the engine's floor); Faust's 60 s default
# would stall them for a minute per kill.
# A stalled partition is sought again after 10 s and its worker restarted after 15 s.
FAST_FAILOVER = {"PONTE_SESSION_TIMEOUT_SECONDS": "6", "PONTE_STALL_SECONDS": "10"}


@pytest.fixture
def fresh_stack(kafka_bootstrap: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(kafka_bootstrap, tmp_path) as stack:
        yield stack

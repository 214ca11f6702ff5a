"""With the broker unreachable a webhook gets 503 (the platform retries), never a 200."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from engine import local_broker
from tests.harness import Stack, free_port
from tests.integration.support import create_integration, post_webhook, shopify_headers

pytestmark = pytest.mark.broker


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[local_broker.LocalBroker]:
    """A broker of this test's own, since the test stops it."""
    broker = local_broker.LocalBroker(
        port=free_port(),
        data_dir=tmp_path / "kafka",
        libs_dir=local_broker.LocalBroker.from_env().libs_dir,
    )
    local_broker.start(broker)
    try:
        yield broker
    finally:
        local_broker.stop(broker)


def test_a_webhook_during_a_broker_outage_gets_503(
    own_broker: local_broker.LocalBroker, tmp_path: Path
) -> None:
    stack = Stack(own_broker.bootstrap, tmp_path)
    try:
        stack.start_sandboxes()
        worker = stack.start_worker(PONTE_ACK_TIMEOUT_SECONDS="3")
        create_integration(stack, worker, "loja-outage")
        local_broker.stop(own_broker)
        body = orjson.dumps({"id": 777000000000000001, "name": "#O1"})

        response = post_webhook(worker, "loja-outage", body, shopify_headers(stack, body))

        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "broker_unavailable"
        worker.process.kill()  # its broker is gone: no clean shutdown to wait for
    finally:
        stack.stop()

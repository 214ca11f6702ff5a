"""engine.acked_batches: a batch's outputs are acknowledged together, a failed send is sent again."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

from aiokafka.errors import KafkaTimeoutError
from faust.types import TopicT

from engine.acked_batches import Outputs


class Broker:
    """A topic of an app whose producer answers each record with a future that fails
    ``failures`` times."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.stored: list[bytes] = []
        self.sent = 0
        self.app = SimpleNamespace(producer=self)

    def get_topic_name(self) -> str:
        return "ns.orders"

    async def send(
        self, topic: str, key: bytes | None, value: bytes, **_: object
    ) -> asyncio.Future[Any]:
        assert topic == "ns.orders"
        self.sent += 1
        acked: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self.failures:
            self.failures -= 1
            acked.set_exception(KafkaTimeoutError())
        else:
            self.stored.append(value)
            acked.set_result(None)
        return acked


def test_every_output_is_stored_once_acknowledged() -> None:
    broker = Broker(failures=0)

    async def batch() -> None:
        outputs = Outputs()
        for n in range(5):
            await outputs.send(cast(TopicT, broker), b"k", f"{n}".encode())
        await outputs.acknowledged()

    asyncio.run(batch())
    assert broker.stored == [b"0", b"1", b"2", b"3", b"4"]


def test_a_failed_send_is_sent_again_until_stored() -> None:
    broker = Broker(failures=2)

    async def batch() -> None:
        outputs = Outputs()
        await outputs.send(cast(TopicT, broker), b"k", b"a")
        await outputs.send(cast(TopicT, broker), b"k", b"b")
        await outputs.acknowledged()

    asyncio.run(batch())
    assert sorted(broker.stored) == [b"a", b"b"]
    assert broker.sent == 4  # a and b failed once each, then were stored

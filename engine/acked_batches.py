"""Events worked in batches whose outputs Kafka acknowledges together, before the events are acked.

An agent that waits for Kafka's acknowledgement of each output before its next event pays a
produce round trip per event. Here the agent takes a batch of events from its stream without
acking them (``Stream.noack_take``), works each one, sending its outputs without waiting, then
awaits every acknowledgement at once, and only then acks the batch's events: an offset is
committed only after the outputs of the events before it are stored (at-least-once).

Two choices keep that promise where Faust's ``take_events`` would break it:
- ``take_events`` acks its batch in a ``finally``: an agent cancelled (or failing) midway through
  a batch would have events it never worked committed. Here an event is acked only after its
  batch was worked and acknowledged; a failure leaves the batch unacked, to be read again.
- A send that fails (the broker away longer than the producer's own retries) is sent again
  until Kafka takes it, instead of failing the batch.

Records go straight to the worker's producer (engine.producing).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from faust import Stream
from faust.types import EventT, StreamT, TopicT

from engine.producing import produce
from engine.state.history import history_acknowledged

log = logging.getLogger(__name__)

BATCH_MAX = 1000
"""Events taken at most per batch: one wait for Kafka's acknowledgements per batch."""
BATCH_WITHIN = 0.01
"""Seconds a batch waits to fill before it is worked anyway (the latency added at low rates)."""
RESEND_DELAY_CAP = 5.0


@dataclass(frozen=True)
class Output:
    """One record sent and the future of its acknowledgement."""

    topic: TopicT
    key: bytes | None
    value: bytes
    acked: Awaitable[Any]


class Outputs:
    """The records one batch sends; ``acknowledged`` returns once Kafka stored all of them."""

    def __init__(self) -> None:
        self._pending: list[Output] = []

    async def send(self, topic: TopicT, key: bytes | None, value: bytes) -> None:
        """Hand the record to the producer (it waits only if the producer's buffer is full)."""
        acked = await produce(topic, key, value)
        self._pending.append(Output(topic, key, value, acked))

    async def acknowledged(self) -> None:
        pending, self._pending = self._pending, []
        delay = 0.1
        while pending:
            answers = await asyncio.gather(*(o.acked for o in pending), return_exceptions=True)
            failed = [o for o, a in zip(pending, answers, strict=True) if _failed(a)]
            if not failed:
                return
            log.warning(
                "%d of %d records not stored; sending them again", len(failed), len(pending)
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, RESEND_DELAY_CAP)
            pending = [await _resent(o) for o in failed]


def _failed(answer: object) -> bool:
    return isinstance(answer, BaseException)


async def _resent(output: Output) -> Output:
    acked = await produce(output.topic, output.key, output.value)
    return Output(output.topic, output.key, output.value, acked)


async def work_in_batches(
    stream: StreamT[bytes],
    work: Callable[[EventT[bytes], Outputs], Awaitable[None]],
    *,
    most: int = BATCH_MAX,
    within: float = BATCH_WITHIN,
) -> None:
    """Work ``stream``'s events in batches; each batch is acked once its outputs are stored."""
    outputs = Outputs()
    taking = cast(Stream[bytes], stream).noack_take(most, within)  # not on StreamT's protocol
    async for taken in taking:
        batch = cast(Sequence[EventT[bytes]], taken)  # noack_take yields the events themselves
        for event in batch:
            await work(event, outputs)
        await outputs.acknowledged()
        await history_acknowledged()  # the batch's history entries (held, skipped) too
        for event in batch:
            await stream.ack(event)

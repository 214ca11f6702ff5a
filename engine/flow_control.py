"""Stream buffers that never block the worker's one fetcher.

A Faust worker has one consumer and one fetcher loop; the conductor hands each fetched record to
the stream buffer (a bounded queue) of every agent subscribed to its topic. Once a buffer is
under pressure (``stream_buffer_maxsize / 1.25`` events) the record's partition leaves the
fetcher's active set, and it comes back when the buffer drained to 40%. But faust-streaming
0.15.3 handles a record that meets an already FULL buffer by awaiting ``chan.put(event)``
(``faust/transport/conductor.py`` ``ConductorCompiler.build`` -> ``on_message``, and its Cython
twin ``faust/transport/_cython/conductor.pyx`` ``ConductorHandler._handle_full``): the fetcher
then waits for that agent to take one event, per record. A slow sink (erp-orders at the ERP's
1 request/s) held every agent of the worker for minutes: translate-deliveries stopped with
thousands of deliveries waiting, reproduced by tests/integration/test_backlog.py.

A buffer fills past its bound only with records fetched before their partition was paused (one
fetch, already in memory, as Faust's own comment says), or after a rebalance re-activated every
assigned partition while a buffer was still under pressure: the queue then holds the partition's
pressure-drop callback already, so Faust never pauses it again and the buffer grows to full.

``BufferHandler`` replaces the conductor's per-partition handler. It checks the buffer on every
put: under pressure, the partition is paused (again, idempotently) with its resume callback
registered, and the record is added without waiting. Nothing is dropped, nothing is re-read,
and the overshoot is bounded by one fetch per partition. A record fetched again after a seek back
(engine.liveness refetches the hole the commit guard found) is not handed over a second time
if it was before the seek (``delivered_again``: the range handed over after the hole).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableSet
from typing import Any

from faust.exceptions import KeyDecodeError, ValueDecodeError
from faust.transport.conductor import Conductor
from faust.types import TP, AppT, EventT, Message


class BufferHandler:
    """Delivers one partition's records to the buffers of its subscribed channels."""

    def __init__(self, conductor: Conductor, tp: TP, channels: MutableSet[Any]) -> None:
        app: AppT = conductor.app
        self.tp = tp
        self.channels = channels
        self._acquire_flow_control = app.flow_control.acquire
        self._wait_until_producer_ebb = app.producer.buffer.wait_until_ebb
        self._on_topic_buffer_full = app.sensors.on_topic_buffer_full
        self._consumer = app.consumer
        # partitions fetched again from an offset, and what was handed over before (liveness)
        self._refetching: dict[TP, int] = getattr(app.consumer, "refetching", {})
        self._delivered_again: dict[TP, tuple[int, int]] = getattr(
            app.consumer, "delivered_again", {}
        )

    async def __call__(self, message: Message) -> None:
        await self._acquire_flow_control()
        await self._wait_until_producer_ebb()
        channels = self.channels
        if not channels:
            return
        refetching = self._refetching.get(self.tp)
        if refetching is not None:
            if message.offset != refetching:
                return  # fetched before the seek back: it comes again
            del self._refetching[self.tp]
        again = self._delivered_again.get(self.tp)
        if again is not None:
            if message.offset > again[1]:
                self._delivered_again.pop(self.tp, None)
            elif message.offset >= again[0]:
                return  # handed over before the seek back: that copy is (being) processed
        message.incref(len(channels))
        delivered: set[Any] = set()
        event: EventT[Any] | None = None
        keyid: tuple[Any, Any] | None = None
        try:
            for chan in channels:
                chan_keyid = (chan.key_type, chan.value_type)
                if event is None or chan_keyid != keyid:
                    event, keyid = await chan.decode(message, propagate=True), chan_keyid
                self.put(chan.queue, event)
                delivered.add(chan)
        except KeyDecodeError as exc:
            remaining = channels - delivered
            message.ack(self._consumer, n=len(remaining))
            for chan in remaining:
                await chan.on_key_decode_error(exc, message)
        except ValueDecodeError as exc:
            remaining = channels - delivered
            message.ack(self._consumer, n=len(remaining))
            for chan in remaining:
                await chan.on_value_decode_error(exc, message)

    def put(self, queue: Any, event: EventT[Any]) -> None:
        """Add ``event`` without waiting; pause the partition while the buffer is under
        pressure (Faust's ``put_nowait_enhanced`` does it only the first time)."""
        if queue.qsize() >= queue.pressure_high_size:
            queue._pending_pressure_drop_callbacks.add(self.on_pressure_drop)
            self.on_pressure_high()
        queue.force_put_nowait(event)

    def on_pressure_high(self) -> None:
        self._on_topic_buffer_full(self.tp)
        self._consumer.on_buffer_full(self.tp)

    def on_pressure_drop(self) -> None:
        self._consumer.on_buffer_drop(self.tp)


class BufferedConductor(Conductor):
    """Faust's Conductor with the non-blocking BufferHandler per assigned partition."""

    def _build_handler(self, tp: TP, channels: MutableSet[Any]) -> Any:
        return BufferHandler(self, tp, channels)

    def channels_of(self, tp: TP) -> Iterable[Any]:
        return tuple(self._tp_index.get(tp, ()))


def queued(conductor: Any, tp: TP) -> int:
    """Events of ``tp`` waiting in the stream buffers (read only when judging a stall)."""
    channels = conductor.channels_of(tp) if isinstance(conductor, BufferedConductor) else ()
    return sum(
        1
        for chan in channels
        for event in list(getattr(chan.queue, "_queue", ()))
        if getattr(getattr(event, "message", None), "tp", None) == tp
    )


def resume_drained(consumer: Any, conductor: Any) -> list[TP]:
    """Resume fetching the partitions paused for a buffer that has drained since (a safety net
    for a pressure-drop callback that did not fire); the partitions resumed."""
    if not isinstance(conductor, BufferedConductor):
        return []
    resumed = []
    for tp in list(getattr(consumer, "_buffered_partitions", ())):
        queues = [chan.queue for chan in conductor.channels_of(tp)]
        if all(queue.qsize() <= queue.pressure_drop_size for queue in queues):
            consumer.on_buffer_drop(tp)
            resumed.append(tp)
    return resumed

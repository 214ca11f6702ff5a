"""A slow sink's partitions wait their turn; a stream buffer never blocks the fetcher; a commit
starts at the committed offset, or at the log start of a partition never committed."""

from __future__ import annotations

import asyncio
from typing import Any

from faust.types import TP
from mode.utils.queues import FlowControlEvent, ThrowableQueue

from engine.commit_guard import ReadOffsets, commit_base, given_back, starts_at_base
from engine.flow_control import BufferHandler
from engine.liveness import AgentProgress, PartitionLag, Waiting, stall_of

ORDERS = "ns.orders"
A, B = TP(ORDERS, 0), TP(ORDERS, 1)
LAGS = [PartitionLag(A, 10, 5), PartitionLag(B, 4, 1)]
CLOCKS = {A: (10, 100.0), B: (4, 100.0)}


def waiting(busy: bool = True, **sets: frozenset[TP]) -> Waiting:
    empty: frozenset[TP] = frozenset()
    return Waiting(
        busy=busy,
        queued=sets.get("queued", empty),
        paused=sets.get("paused", empty),
        refused=sets.get("refused", empty),
    )


def test_records_queued_for_a_busy_agent_wait_their_turn() -> None:
    turn = waiting(queued=frozenset({A}), paused=frozenset({B}))

    assert stall_of("erp-orders", LAGS, CLOCKS, now=200.0, bound=10, waiting=turn) is None


def test_an_agent_that_finishes_nothing_is_stalled_whatever_it_has_queued() -> None:
    idle = waiting(busy=False, queued=frozenset({A, B}))

    stall = stall_of("erp-orders", LAGS, CLOCKS, now=200.0, bound=10, waiting=idle)

    assert stall is not None and [p.tp for p in stall.partitions] == [A, B]


def test_a_partition_neither_queued_nor_paused_or_whose_commit_is_refused_is_stalled() -> None:
    refused = waiting(queued=frozenset({A, B}), refused=frozenset({B}))

    assert stall_of("erp-orders", LAGS, CLOCKS, 200.0, 10, waiting()) is not None
    stall = stall_of("erp-orders", LAGS, CLOCKS, 200.0, 10, refused)
    assert stall is not None and [p.tp for p in stall.partitions] == [B]


def test_an_agent_is_busy_while_it_finishes_events_within_the_bound() -> None:
    agent = AgentProgress(frozenset({ORDERS}))
    agent.started(A, 1)
    agent.finished()

    assert agent.busy(agent.last_out + 5, bound=10)
    assert not agent.busy(agent.last_out + 10, bound=10)


def test_a_commit_starts_at_the_committed_offset_or_the_log_start() -> None:
    assert commit_base(7, 100) == 7
    assert commit_base(None, 100) == 100  # retention deleted offsets 0-99
    assert commit_base(None, None) == 0
    assert starts_at_base([100, 101], commit_base(None, 100))
    assert not starts_at_base([100, 101], commit_base(None, None))
    assert not starts_at_base([9], 7)
    assert not starts_at_base([], 0)


def test_records_fetched_for_a_partition_not_active_go_back_to_their_first_offset() -> None:
    # At a worker's start aiokafka returned a paused partition's records during the seek.
    back = given_back({A: 800, B: 821}, lambda tp: tp == A)
    assert back == {B: 821}
    assert given_back({A: 800}, lambda tp: True) == {}


class Consumer:
    """The two consumer calls a buffer handler makes, recorded (Faust's bookkeeping)."""

    def __init__(self) -> None:
        self.active, self.buffered = {A}, set()

    def on_buffer_full(self, tp: TP) -> None:
        self.active.discard(tp)
        self.buffered.add(tp)

    def on_buffer_drop(self, tp: TP) -> None:
        if tp in self.buffered:
            self.buffered.discard(tp)
            self.active.add(tp)


def handler(consumer: Consumer) -> BufferHandler:
    built = BufferHandler.__new__(BufferHandler)
    built.tp, built._consumer = A, consumer  # type: ignore[assignment]
    built._on_topic_buffer_full = lambda tp: None
    return built


def test_a_full_buffer_takes_the_record_without_waiting_and_pauses_its_partition() -> None:
    async def scenario() -> tuple[int, set[TP], set[TP]]:
        queue: ThrowableQueue[Any] = ThrowableQueue(maxsize=10, flow_control=FlowControlEvent())
        consumer = Consumer()
        put = handler(consumer)
        for n in range(15):  # a fetch larger than the buffer: nothing awaits
            put.put(queue, n)
        assert queue.qsize() == 15 and consumer.active == set()
        consumer.active.add(A)  # a rebalance re-activates every assigned partition
        put.put(queue, 15)
        paused_again = set(consumer.active)
        while not queue.empty():  # the agent takes them; the last get finds the buffer empty
            queue.get_nowait()
        queue.maybe_endorse_pressure_drop()
        return queue.qsize(), paused_again, consumer.active

    size, paused_again, active = asyncio.run(scenario())

    assert size == 0
    assert paused_again == set()  # paused again though its resume callback was pending
    assert active == {A}  # resumed once the buffer drained


def test_a_partition_fetched_again_keeps_its_read_offset_until_the_record_comes() -> None:
    refetching: dict[TP, int] = {}
    read = ReadOffsets(refetching)
    read[A] = 300
    refetching[A] = 73  # sought back to 73 while a batch fetched before is handed over

    read[A] = 301  # Faust records the batch's next record as read: ignored
    assert read[A] == 73 and read[B] is None  # so 73 and after are not dropped as read
    del refetching[A]  # 73 came (engine.flow_control)
    read[A] = 73
    assert read[A] == 73

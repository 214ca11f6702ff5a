"""Which partitions of an agent lag, how long each has not moved, and when that is a stall."""

from __future__ import annotations

from faust.types import TP

from engine.liveness import (
    AgentProgress,
    PartitionLag,
    Waiting,
    advance_clocks,
    partition_lags,
    stall_of,
    starved,
)

ORDERS = "ns.orders"
A, B, C, OTHER = TP(ORDERS, 0), TP(ORDERS, 1), TP(ORDERS, 2), TP("ns.deliveries", 0)


def progress() -> AgentProgress:
    return AgentProgress(frozenset({ORDERS}))


def test_lag_counts_from_the_committed_offset_zero_if_never_committed() -> None:
    lags = partition_lags(
        progress(), [A, B, C, OTHER], {A: 15, B: 2, C: 5, OTHER: 99}, {A: 10, C: 5}
    )

    assert lags == [PartitionLag(A, 10, 5), PartitionLag(B, 0, 2)]


def test_unknown_end_offsets_count_no_lag() -> None:
    assert partition_lags(progress(), [A, B], {A: None}, {A: 3}) == []


def test_a_partition_that_moves_starts_its_clock_again() -> None:
    clocks = advance_clocks({}, [PartitionLag(A, 10, 5), PartitionLag(B, 3, 1)], now=100.0)
    clocks = advance_clocks(clocks, [PartitionLag(A, 10, 9), PartitionLag(B, 4, 1)], now=130.0)

    assert clocks == {A: (10, 100.0), B: (4, 130.0)}
    assert advance_clocks(clocks, [PartitionLag(B, 4, 1)], now=140.0) == {B: (4, 130.0)}


def test_stalled_once_a_lagging_partition_has_not_moved_for_the_bound() -> None:
    lags = [PartitionLag(A, 10, 5), PartitionLag(B, 4, 1)]
    clocks = {A: (10, 100.0), B: (4, 125.0)}

    assert stall_of("erp-orders", lags, clocks, now=105.0, bound=10) is None
    stall = stall_of("erp-orders", lags, clocks, now=130.0, bound=10)

    assert stall is not None and stall.idle_seconds == 30.0
    assert stall.as_json() == {
        "agent": "erp-orders",
        "idle_seconds": 30.0,
        "lag": 5,
        "partitions": [{"topic": ORDERS, "partition": 0, "lag": 5}],
    }


def test_the_event_in_hand_is_known_until_it_is_finished() -> None:
    agent = progress()
    agent.started(A, 4)
    assert agent.in_hand == (A, 4)
    agent.finished()

    assert agent.in_hand is None


def waiting(queued: frozenset[TP] = frozenset(), paused: frozenset[TP] = frozenset()) -> Waiting:
    return Waiting(busy=False, queued=queued, paused=paused, refused=frozenset())


def test_an_idle_agent_whose_lagging_partition_gets_nothing_is_starved() -> None:
    agent = progress()
    agent.last_out = 80.0
    lags = [PartitionLag(A, 10, 5), PartitionLag(B, 4, 1)]
    clocks = {A: (10, 80.0), B: (4, 99.0)}

    assert starved(agent, lags, clocks, now=100.0, idle_seconds=15, waiting=waiting()) == [
        PartitionLag(A, 10, 5)
    ]


def test_records_queued_paused_in_hand_or_just_finished_are_not_starved() -> None:
    agent = progress()
    agent.last_out = 80.0
    lags = [PartitionLag(A, 10, 5)]
    clocks = {A: (10, 80.0)}

    assert starved(agent, lags, clocks, 100.0, 15, waiting(queued=frozenset({A}))) == []
    assert starved(agent, lags, clocks, 100.0, 15, waiting(paused=frozenset({A}))) == []
    agent.last_out = 90.0  # it finished an event 10 s ago: busy with other partitions
    assert starved(agent, lags, clocks, 100.0, 15, waiting()) == []
    agent.last_out = 80.0
    agent.started(B, 3)  # inside an event (a hang is the stall bound's business)
    assert starved(agent, lags, clocks, 100.0, 15, waiting()) == []

"""Which partitions of an agent lag, and when an idle agent with lag counts as stalled."""

from __future__ import annotations

from faust.types import TP

from engine.liveness import AgentProgress, PartitionLag, partition_lags, stall_of

ORDERS = "ns.orders"
A, B, OTHER = TP(ORDERS, 0), TP(ORDERS, 1), TP("ns.deliveries", 0)


def progress(since: float = 0.0) -> AgentProgress:
    return AgentProgress(frozenset({ORDERS}), since)


def test_lag_counts_from_the_next_offset_to_process_else_the_fetch_position() -> None:
    agent = progress()
    agent.finished(A, 9, now=1.0)  # next to process on A: 10

    lags = partition_lags(agent, [A, B, OTHER], {A: 15, B: 4, OTHER: 99}, {A: 15, B: 2})

    assert lags == [PartitionLag(ORDERS, 0, 5), PartitionLag(ORDERS, 1, 2)]


def test_the_event_in_hand_counts_as_lag_even_when_fetched_past() -> None:
    agent = progress()
    agent.started(A, 20)

    assert partition_lags(agent, [A], {A: 21}, {A: 21}) == [PartitionLag(ORDERS, 0, 1)]


def test_unknown_offsets_count_no_lag() -> None:
    assert partition_lags(progress(), [A, B], {A: None}, {}) == []


def test_stalled_only_when_idle_past_the_bound_with_lag() -> None:
    lag = [PartitionLag(ORDERS, 0, 3)]
    agent = progress(since=100.0)

    assert stall_of("erp-orders", agent, lag, now=105.0, bound=10) is None
    assert stall_of("erp-orders", agent, [], now=200.0, bound=10) is None
    stall = stall_of("erp-orders", agent, lag, now=111.0, bound=10)
    assert stall is not None and stall.as_json()["lag"] == 3
    assert stall.as_json()["partitions"] == [{"topic": ORDERS, "partition": 0, "lag": 3}]


def test_finishing_an_event_resets_the_idle_time() -> None:
    agent = progress(since=0.0)
    agent.started(A, 4)
    agent.finished(A, 4, now=50.0)

    assert agent.in_hand is None and agent.since == 50.0 and agent.next_offsets[A] == 5

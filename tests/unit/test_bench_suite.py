"""The bench suite's pure parts: perf tool output parsing, checks and verdicts, the rate
ladder and its sustained rule, the suite's options and sizes. Nothing here is timed."""

from __future__ import annotations

from dataclasses import fields

import pytest

from bench.suite import FULL, QUICK, parse_args
from bench.suite_backlog import catch_up_rate
from bench.suite_e2e import rate_ladder, sustained
from bench.suite_figures import (
    CHECKS,
    PHASES,
    Check,
    exactly_once_failures,
    figure,
    outcome,
    share,
    table,
    verdicts,
)
from bench.suite_mapping import delivery_identity, pass_through
from bench.suite_memory import bench_links
from bench.suite_tools import parse_consumer, parse_producer

PRODUCER_OUTPUT = """\
4981 records sent, 996.2 records/sec (12.05 MB/sec), 1157.6 ms avg latency, 1763.0 ms max latency.
20000 records sent, 1799.4 records/sec (21.76 MB/sec), 946.50 ms avg latency, \
1763.00 ms max latency, 938 ms 50th, 1602 ms 95th, 1681 ms 99th, 1721 ms 99.9th.
"""
CONSUMER_OUTPUT = """\
start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, \
rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
2026-11-27 02:07:15:274, 2026-11-27 02:07:18:630, 241.8327, 72.0598, 20000, 5959.4756, 958, \
2398, 100.8477, 8340.2836
"""


def test_producer_summary_is_the_line_with_percentiles() -> None:
    figures = parse_producer(PRODUCER_OUTPUT)
    assert figures["records"] == 20000
    assert figures["per_s"] == 1799.4
    assert figures["latency_ms"] == {
        "mean": 946.5,
        "p50": 938,
        "p95": 1602,
        "p99": 1681,
        "max": 1763.0,
    }


def test_consumer_figures_come_from_its_csv_header() -> None:
    figures = parse_consumer(CONSUMER_OUTPUT)
    assert figures["records"] == 20000
    assert figures["per_s"] == pytest.approx(5959.4756)
    assert figures["fetch_per_s"] == pytest.approx(8340.2836)  # without the group join
    assert figures["rebalance_ms"] == 958


def test_perf_tool_output_without_a_summary_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="no summary"):
        parse_producer(PRODUCER_OUTPUT.splitlines()[0])
    with pytest.raises(RuntimeError, match="no figures"):
        parse_consumer("Exception in thread main")


def test_share_is_a_rounded_multiple_or_none() -> None:
    assert share(700.0, 1000.0) == 0.7
    assert share(None, 1000.0) is None
    assert share(5.0, 0.0) is None
    assert share(5.0, None) is None


def test_a_figure_is_read_by_its_path_and_missing_parts_are_none() -> None:
    check = Check("x", "ingest", ("open_loop", "worker", "p99"), "ms", at_most=50)
    assert figure({"ingest": {"open_loop": {"worker": {"p99": 42}}}}, check) == 42.0
    assert figure({"ingest": {"open_loop": {}}}, check) is None
    assert figure({"ingest": {"error": "boom"}}, check) is None
    assert figure({}, check) is None


def test_outcomes_against_at_least_and_at_most_targets() -> None:
    floor = Check("ratio", "mapping", ("r",), "x", at_least=0.7)
    ceiling = Check("p99", "ingest", ("p",), "ms", at_most=50)
    context = Check("b0", "kafka_tools", ("p",), "rec/s")
    assert outcome(0.7, floor) == "met"
    assert outcome(0.69, floor) == "missed"
    assert outcome(50, ceiling) == "met"
    assert outcome(50.1, ceiling) == "missed"
    assert outcome(None, floor) == "not measured"
    assert outcome(123, context) == ""
    assert floor.target == ">= 0.7" and ceiling.target == "<= 50" and context.target == ""


def test_every_target_of_the_issue_has_a_check() -> None:
    targets = {(c.phase, c.target) for c in CHECKS if c.target}
    assert targets == {
        ("mapping", ">= 10000"),
        ("mapping", ">= 0.7"),
        ("ingest", ">= 0.7"),
        ("ingest", "<= 50"),
        ("end_to_end", "<= 250"),
        ("catch_up", ">= 0.8"),
        ("scaling", ">= 1.6"),
        ("memory", "<= 300"),
    }
    assert {c.phase for c in CHECKS} == set(PHASES)


def test_verdicts_cover_only_the_phases_that_ran() -> None:
    phases = {"scaling": {"two_over_one": 1.7, "one": {"steady_per_s": 100}}}
    rows = verdicts(phases)
    assert {row["name"] for row in rows} == {c.name for c in CHECKS if c.phase == "scaling"}
    by_name = {row["name"]: row for row in rows}
    assert by_name["two workers / one"]["outcome"] == "met"
    assert by_name["two workers"]["value"] is None


def test_lost_or_doubled_records_anywhere_in_a_phase_are_reported() -> None:
    phases = {
        "mapping": {"engine": {"lost": 0, "duplicated": 0}, "b1": {"lost": 2, "duplicated": 0}},
        "end_to_end": {"ladder": [{"lost": 1}], "measured": {"lost": 0, "duplicated": 1}},
        "memory": {"rss_over_empty": 1.2},
    }
    assert exactly_once_failures(phases) == ["mapping b1", "end_to_end measured"]


def test_the_table_names_the_machine_each_figure_and_failures() -> None:
    phases = {
        "scaling": {"two_over_one": 1.2, "host_cpu_busy": 0.97},
        "memory": {"error": "RuntimeError('x')"},
    }
    document = {
        "quick": True,
        "machine": {
            "cores": 2,
            "cpu_model": "Xeon",
            "memory_gib": 23.5,
            "python": "3.11.7",
            "kafka": "4.1.1",
            "load_average_at_start": [1.0, 1.0, 1.0],
            "load_average_at_end": [2.0, 1.0, 1.0],
        },
        "broker": "private at 127.0.0.1:1",
        "phases": phases,
        "verdicts": verdicts(phases),
        "exactly_once_failures": ["scaling two"],
    }
    text = table(document)
    assert "2 cores Xeon" in text and "(quick)" in text
    assert "two workers / one" in text and "missed" in text
    assert "memory: FAILED" in text
    assert "host CPU busy (1.00 = all cores, any process): scaling 0.97" in text
    assert "LOST OR DOUBLED: scaling two" in text


def test_the_rate_ladder_doubles_up_to_the_ceiling() -> None:
    assert rate_ladder(25, 200) == [25, 50, 100, 200]
    assert rate_ladder(25, 20) == []


def rung(**overrides: object) -> dict[str, object]:
    report: dict[str, object] = {
        "lost": 0,
        "duplicated": 0,
        "deliveries_refused": {},
        "throughput_per_s": 98.0,
        "latency_ms": {"count": 300, "p99": 120.0},
    }
    return report | overrides


def test_a_rate_is_sustained_only_when_kept_up_once_and_without_a_queue() -> None:
    assert sustained(rung(), 100)
    assert not sustained(rung(throughput_per_s=80.0), 100)
    assert not sustained(rung(lost=1), 100)
    assert not sustained(rung(duplicated=1), 100)
    assert not sustained(rung(deliveries_refused={"503": 2}), 100)
    assert not sustained(rung(latency_ms={"count": 300, "p99": 1500.0}), 100)
    assert not sustained(rung(latency_ms={"count": 0}), 100)


def test_pass_through_keeps_the_record_and_identity_reads_the_entity_key() -> None:
    assert pass_through(b"k", b"v") == [(b"k", b"v")]
    assert pass_through(None, b"v") == [(b"", b"v")]
    assert delivery_identity(b'{"entity_key": "order:1"}') == "order:1"


def test_bench_links_are_distinct_and_findable_by_a_term() -> None:
    links = bench_links("i", 10)
    assert len({link.key for link in links}) == 10
    assert all(link.sku or link.order_number for link in links)
    assert sum(link.entity == "order" for link in links) == 2


def test_quick_sizes_are_smaller_and_full_sizes_match_the_issue() -> None:
    for size in fields(FULL):
        assert getattr(QUICK, size.name) <= getattr(FULL, size.name)
    assert FULL.backlog == 100_000 and FULL.links == 100_000
    assert FULL.ack_rate == QUICK.ack_rate == 500


def test_options_refuse_unknown_phases_and_remote_brokers() -> None:
    assert parse_args(["--only", "mapping,memory"]).only == ["mapping", "memory"]
    assert parse_args([]).bootstrap is None
    with pytest.raises(SystemExit):
        parse_args(["--only", "everything"])
    with pytest.raises(SystemExit):
        parse_args(["--bootstrap", "10.0.0.5:9092"])


def test_catch_up_rate_counts_from_readiness_and_only_a_complete_drain() -> None:
    assert catch_up_rate([1000.0 + 10 * n for n in range(1, 101)], 100, 1000.0) == 100.0
    assert catch_up_rate([2000.0, 3000.0], 3, 1000.0) is None  # stalled before the end
    assert catch_up_rate([], 0, 1000.0) is None

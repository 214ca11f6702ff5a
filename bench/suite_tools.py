"""B0: Kafka's own perf tools against the suite's broker: the most this broker and machine take.

``ProducerPerformance`` (kafka-producer-perf-test) writes N records of the size of the bench's
order deliveries with acks=all; ``ConsumerPerformance`` (kafka-consumer-perf-test) reads them
back. Both run from the kafka-tools jar the local broker already resolved (var/kafka/libs).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

from bench.flow_kafka import create_topic
from bench.suite_figures import rounded
from engine.local_broker import DEFAULT_HOME

LIBS = DEFAULT_HOME / "libs"
PARTITIONS = 12
# Records of ~12 KB: the default batch.size (16 KB) would send them one per request.
PRODUCER = ("acks=all", "batch.size=1048576", "linger.ms=10")
PRODUCER_LINE = re.compile(
    r"(?P<records>\d+) records sent, (?P<per_s>[\d.]+) records/sec \((?P<mb_s>[\d.]+) MB/sec\),"
    r" (?P<avg_ms>[\d.]+) ms avg latency, (?P<max_ms>[\d.]+) ms max latency"
    r"(?:, (?P<p50>\d+) ms 50th, (?P<p95>\d+) ms 95th, (?P<p99>\d+) ms 99th)?"
)


def parse_producer(output: str) -> dict[str, Any]:
    """The summary line ProducerPerformance prints last (its progress lines have no 50th)."""
    matches = [m for m in PRODUCER_LINE.finditer(output) if m.group("p50") is not None]
    if not matches:
        raise RuntimeError(f"no summary in the producer perf tool's output:\n{output[-2000:]}")
    found = matches[-1]
    return {
        "records": int(found["records"]),
        "per_s": float(found["per_s"]),
        "mb_per_s": float(found["mb_s"]),
        "latency_ms": {
            "mean": float(found["avg_ms"]),
            "p50": int(found["p50"]),
            "p95": int(found["p95"]),
            "p99": int(found["p99"]),
            "max": float(found["max_ms"]),
        },
    }


def parse_consumer(output: str) -> dict[str, Any]:
    """ConsumerPerformance's CSV: a header line then one line of figures."""
    lines = [line for line in output.splitlines() if line.count(",") >= 9]
    header = next((i for i, line in enumerate(lines) if line.startswith("start.time")), None)
    if header is None or header + 1 >= len(lines):
        raise RuntimeError(f"no figures in the consumer perf tool's output:\n{output[-2000:]}")
    names = [name.strip() for name in lines[header].split(",")]
    values = dict(zip(names, (v.strip() for v in lines[header + 1].split(",")), strict=False))
    return {
        "records": int(values["data.consumed.in.nMsg"]),
        "per_s": float(values["nMsg.sec"]),
        "fetch_per_s": float(values["fetch.nMsg.sec"]),  # without the group's join time
        "mb_per_s": float(values["MB.sec"]),
        "rebalance_ms": float(values["rebalance.time.ms"]),
    }


def _java(main_class: str, *args: str, timeout: float) -> str:
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("java is not installed: Kafka's perf tools need it")
    done = subprocess.run(
        [java, "-Xmx512m", "-cp", f"{LIBS}/*", main_class, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{main_class} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return done.stdout + done.stderr


def measure_kafka_tools(
    bootstrap: str, records: int, record_size: int, timeout: float, workdir: Path
) -> dict[str, Any]:
    """Producer then consumer perf test on a fresh 12-partition topic of the suite."""
    topic = f"bench-suite-perf-{uuid.uuid4().hex[:8]}"
    asyncio.run(create_topic(bootstrap, topic, PARTITIONS))
    produced = _java(
        "org.apache.kafka.tools.ProducerPerformance",
        *("--topic", topic, "--num-records", str(records), "--record-size", str(record_size)),
        *("--throughput", "-1", "--producer-props", f"bootstrap.servers={bootstrap}", *PRODUCER),
        timeout=timeout,
    )
    consumed = _java(
        "org.apache.kafka.tools.ConsumerPerformance",
        *("--bootstrap-server", bootstrap, "--topic", topic, "--messages", str(records)),
        *("--timeout", "30000", "--group", f"{topic}-group"),
        timeout=timeout,
    )
    (workdir / "kafka-tools.log").write_text(produced + "\n" + consumed)
    producer, consumer = parse_producer(produced), parse_consumer(consumed)
    return {
        "what": "kafka-producer-perf-test (acks=all, 1 MiB batches) and kafka-consumer-perf-test, 12 partitions",
        "record_size_bytes": record_size,
        "producer": producer,
        "consumer": consumer,
        "limit_per_s": rounded(min(producer["per_s"], consumer["fetch_per_s"])),
        "topic": topic,
    }

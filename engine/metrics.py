"""Prometheus metrics of the engine. Labels stay bounded: no order ids or SKUs."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

WEBHOOKS_RECEIVED = Counter(
    "ponte_webhooks_received_total",
    "Webhook deliveries accepted and stored in Kafka.",
    ["platform", "topic"],
)
WEBHOOKS_REJECTED = Counter(
    "ponte_webhooks_rejected_total",
    "Webhook deliveries refused, by reason.",
    ["platform", "reason"],
)
EVENTS_PROCESSED = Counter(
    "ponte_events_processed_total",
    "Events processed by an agent, by outcome.",
    ["agent", "type", "outcome"],
)
SINK_CALLS = Counter(
    "ponte_sink_calls_total",
    "Calls to a sink system, by outcome.",
    ["sink", "operation", "outcome"],
)
SINK_LATENCY = Histogram(
    "ponte_sink_call_seconds", "Duration of calls to a sink system.", ["sink", "operation"]
)
DEAD_LETTERS = Counter(
    "ponte_dead_letters_total", "Records sent to a dead-letter topic.", ["topic", "error_type"]
)
RETRIES = Counter(
    "ponte_retries_total", "Transient failures retried after a backoff.", ["sink", "reason"]
)
END_TO_END = Histogram(
    "ponte_order_end_to_end_seconds",
    "From webhook received to ERP order created.",
    ["platform"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
AUTOMATION_RUNS = Counter(
    "ponte_automation_runs_total",
    "Runs of scheduled automations (order polling, reconciliation), by trigger and outcome.",
    ["automation", "trigger", "outcome"],
)

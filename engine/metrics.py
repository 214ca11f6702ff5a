"""Prometheus metrics of the engine. Labels stay bounded: no order ids or SKUs."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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

EVENTS_IN = Counter(
    "ponte_events_in_total",
    "Records this worker's consumer handed to its agents, by topic.",
    ["topic"],
)
EVENTS_OUT = Counter(
    "ponte_events_out_total",
    "Records this worker sent, by topic and event type (command kind, delivery topic).",
    ["topic", "type"],
)
STOCK_PUSHED_AT = Gauge(
    "ponte_stock_push_last_success_timestamp_seconds",
    "When this worker last set a stock level on the integration's platform (Unix time).",
    ["integration", "platform"],
)

# Measured every few seconds by engine.freshness from the views and the broker; every worker
# reports the same values, so rules and dashboards aggregate them with max by (...).
CONSUMER_LAG = Gauge(
    "ponte_consumer_lag",
    "Records of a partition not yet committed by the engine's consumer group.",
    ["topic", "partition"],
)
COMMITTED_OFFSET = Gauge(
    "ponte_consumer_committed_offset",
    "The engine's consumer group committed offset, per partition (its rate: events consumed).",
    ["topic", "partition"],
)
END_OFFSET = Gauge(
    "ponte_topic_end_offset",
    "Offset of the next record written to a partition (its rate: events produced).",
    ["topic", "partition"],
)
OLDEST_UNPROCESSED = Gauge(
    "ponte_oldest_unprocessed_seconds",
    "Age of the integration's oldest record the engine has not committed yet (0: none waits).",
    ["integration", "topic"],
)
INTEGRATION_STATUS = Gauge(
    "ponte_integration_status",
    "1 for the integration's current status (active, paused, error), 0 for the others.",
    ["integration", "platform", "status"],
)
PARKED_RECORDS = Gauge(
    "ponte_parked_records",
    "Records in the integration's error list (Erros), by error class.",
    ["integration", "platform", "error_class"],
)
HELD_EVENTS = Gauge(
    "ponte_held_events",
    "Events kept while their automation was off or the integration paused.",
    ["integration", "automation"],
)
JOBS = Gauge(
    "ponte_jobs", "Jobs (manual actions), by kind and state.", ["integration", "kind", "state"]
)
JOB_ITEMS = Gauge(
    "ponte_job_items",
    "Items of the queued and running jobs: done, failed and total (once counted).",
    ["integration", "kind", "progress"],
)
MEASURED_AT = Gauge(
    "ponte_measured_timestamp_seconds",
    "When this worker last measured the gauges above (Unix time); stale means the timer stopped.",
)

# Measured every few seconds by engine.liveness on each worker, for the agents it runs.
AGENT_STALLED = Gauge(
    "ponte_agent_stalled",
    "1 while the agent has lag on this worker's partitions and finished nothing for the bound.",
    ["agent"],
)
AGENT_IDLE = Gauge(
    "ponte_agent_idle_seconds",
    "Seconds since the agent last finished an event, while it has lag (0: nothing waits).",
    ["agent"],
)
LIVENESS_RECOVERIES = Counter(
    "ponte_liveness_recoveries_total",
    "Stalled partitions sought back to their committed offset (the worker exits if that fails).",
    ["agent", "action"],
)
AGENT_LAG = Gauge(
    "ponte_agent_lag",
    "Records of the agent's partitions on this worker past the next one it would process.",
    ["agent"],
)

"""The flows of the engine, one per module; ``wire_agents`` registers them on the app explicitly."""

from __future__ import annotations

from collections.abc import Callable

from engine.agents.deliveries import wire_deliveries
from engine.agents.erp_catalog import wire_erp_catalog
from engine.agents.erp_fanout import wire_erp_fanout
from engine.agents.erp_orders import wire_erp_orders
from engine.agents.erp_poller import wire_erp_poller
from engine.agents.feed_poller import wire_feed_poller
from engine.agents.platform_sink import wire_platform_sink
from engine.agents.scheduler import wire_schedules
from engine.context import Engine
from engine.freshness import wire_freshness
from engine.jobs.runner import wire_job_runner
from engine.traffic import wire_traffic
from engine.webhook_subscriptions import wire_webhook_subscriptions

STREAM_AGENT_WIRING: dict[str, Callable[[Engine], None]] = {
    "translate-deliveries": wire_deliveries,
    "erp-orders": wire_erp_orders,
    "erp-catalog": wire_erp_catalog,
    "job-runner": wire_job_runner,
    "erp-fanout": wire_erp_fanout,
    "platform-sink": wire_platform_sink,
}
"""Each stream agent PONTE_AGENTS can name (engine.settings.STREAM_AGENTS), and its wiring."""


def wire_agents(engine: Engine) -> None:
    """The stream agents this worker runs (PONTE_AGENTS), then the timers every worker has."""
    for name, wire in STREAM_AGENT_WIRING.items():
        if engine.settings.runs(name):
            wire(engine)
    wire_erp_poller(engine)
    wire_feed_poller(engine)
    wire_schedules(engine)
    wire_webhook_subscriptions(engine)
    wire_freshness(engine)
    wire_traffic(engine)

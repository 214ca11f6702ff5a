"""The flows of the engine, one per module; ``wire_agents`` registers them on the app explicitly."""

from __future__ import annotations

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


def wire_agents(engine: Engine) -> None:
    wire_deliveries(engine)
    wire_erp_orders(engine)
    wire_erp_catalog(engine)
    wire_job_runner(engine)
    wire_erp_poller(engine)
    wire_feed_poller(engine)
    wire_erp_fanout(engine)
    wire_platform_sink(engine)
    wire_schedules(engine)
    wire_webhook_subscriptions(engine)
    wire_freshness(engine)
    wire_traffic(engine)

"""`ponte worker`: apply the declared topics, then run one engine worker until stopped."""

from __future__ import annotations

import asyncio
import logging
import sys

import faust
from pydantic import ValidationError

from engine.app import create_engine
from engine.internal_topics import faust_topics
from engine.settings import EngineSettings
from topics.apply import apply_topics, wait_until_visible
from topics.registry import all_topics


async def prepare_topics(settings: EngineSettings) -> None:
    """Ours and Faust's topics exist and are visible before the consumer group forms."""
    ours = all_topics()
    internal = faust_topics(settings.app_id)
    replication = settings.replication_factor
    await apply_topics(
        settings.bootstrap_servers, ours, namespace=settings.namespace, replication=replication
    )
    await apply_topics(settings.bootstrap_servers, internal, replication=replication)
    names = [spec.named(settings.namespace) for spec in ours] + [spec.name for spec in internal]
    await wait_until_visible(settings.bootstrap_servers, names)


def run_worker() -> int:
    try:
        settings = EngineSettings.from_env()
    except ValidationError as exc:
        names = ", ".join(f"PONTE_{str(error['loc'][0]).upper()}" for error in exc.errors())
        print(f"ponte worker: missing or invalid configuration: {names}", file=sys.stderr)
        return 2
    asyncio.run(prepare_topics(settings))
    (settings.data_dir / settings.app_id).mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings)
    # One INFO line per ERP request would be two log lines per order.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    worker = faust.Worker(engine.app, loglevel="info", redirect_stdouts=False)
    worker.execute_from_commandline()
    return 0

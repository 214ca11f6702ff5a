"""`ponte worker`: apply the declared topics, then run one engine worker until stopped."""

from __future__ import annotations

import asyncio
import logging
import sys

import faust
from pydantic import ValidationError

from engine.app import create_engine
from engine.settings import EngineSettings
from topics.apply import apply_topics
from topics.registry import all_topics


def run_worker() -> int:
    try:
        settings = EngineSettings.from_env()
    except ValidationError as exc:
        names = ", ".join(f"PONTE_{str(error['loc'][0]).upper()}" for error in exc.errors())
        print(f"ponte worker: missing or invalid configuration: {names}", file=sys.stderr)
        return 2
    asyncio.run(
        apply_topics(
            settings.bootstrap_servers,
            all_topics(),
            namespace=settings.namespace,
            replication=settings.replication_factor,
        )
    )
    (settings.data_dir / settings.app_id).mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings)
    # One INFO line per ERP request would be two log lines per order.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    worker = faust.Worker(engine.app, loglevel="info", redirect_stdouts=False)
    worker.execute_from_commandline()
    return 0

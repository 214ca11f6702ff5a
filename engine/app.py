"""The Faust app of one worker: topics bound, agents and web views wired explicitly."""

from __future__ import annotations

from typing import Any

import faust

from connectors.erp.client import ErpClient
from connectors.erp.settings import ErpSettings
from engine.agents import wire_agents
from engine.bindings import BoundTopics
from engine.commit_guard import BLOCKING_BUFFERS_FAULT, PonteApp
from engine.config_changes import save_integration
from engine.context import Engine, Views
from engine.group import reshare_budgets
from engine.integrations import url_policy
from engine.liveness import Liveness, wire_liveness
from engine.platform_clients import PlatformClients
from engine.registry import IntegrationRegistry
from engine.sealing import CredentialSealer
from engine.settings import EngineSettings
from engine.state.config_log import ConfigLogView
from engine.state.held import HeldView
from engine.state.history import HistoryView
from engine.state.jobs import JobsView
from engine.state.links import LinksView
from engine.state.parked import ParkedView
from engine.state.sessions import SessionsView
from engine.traffic import wire_traffic
from engine.web.admin import integrations_views
from engine.web.api_errors import answer_api_errors_as_json
from engine.web.automation_runs_api import automation_runs_views
from engine.web.config_api import config_views, integration_lifecycle_view
from engine.web.config_log_api import config_log_views
from engine.web.connection_api import connection_views
from engine.web.erp_webhooks import erp_webhook_view
from engine.web.jobs_api import jobs_views
from engine.web.mappings_api import mappings_views
from engine.web.notifications import notification_view
from engine.web.openapi import OPENAPI_PATH, openapi_view
from engine.web.ops import ops_views
from engine.web.records_api import records_views
from engine.web.sessions import wire_session_checks
from engine.web.ui import ui_views
from topics.registry import (
    CONFIG_LOG,
    HELD,
    HISTORY,
    INTEGRATIONS,
    JOBS,
    LINKS,
    PARKED,
    SESSIONS,
)


def create_engine(settings: EngineSettings) -> Engine:
    app = PonteApp(  # faust.App whose consumer never commits past an unprocessed event
        settings.app_id,
        broker=f"kafka://{settings.bootstrap_servers}",
        store="memory://",
        topic_partitions=12,
        topic_replication_factor=settings.replication_factor,
        topic_allow_declare=True,
        producer_acks=-1,
        stream_buffer_maxsize=settings.stream_buffer_maxsize,
        blocking_buffers=settings.fault_point == BLOCKING_BUFFERS_FAULT,  # test-only
        # Batches of many records per produce request: one request per record was ~30% of the
        # CPU of a busy worker. 5 ms is what a lone webhook's ack waits for the batch at most.
        producer_linger=0.005,
        producer_max_batch_size=256 * 1024,
        # Up to 8 MiB per partition per fetch (Faust's default, 1 MiB, is ~80 order deliveries):
        # fewer fetch round trips, larger batches; the mapping flow went 1,046 -> 1,329/s
        # (bench.suite mapping, same run's B2 2,476/s). The bare baseline fetches the same.
        consumer_max_fetch_size=8 * 1024 * 1024,
        # A crashed worker's partitions move after this long; Faust's default (60 s) stalls them.
        broker_session_timeout=settings.session_timeout_seconds,
        broker_heartbeat_interval=min(3.0, settings.session_timeout_seconds / 3),
        consumer_auto_offset_reset="earliest",
        web_enabled=True,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        web_host=settings.web_host,
        datadir=str(settings.data_dir / settings.app_id),
        web_application_options={"client_max_size": settings.max_body_bytes + 65536},
    )
    topics = BoundTopics(app, settings.namespace)
    registry = IntegrationRegistry(settings.bootstrap_servers, topics.name(INTEGRATIONS))
    app.service(registry)  # type: ignore[arg-type]  # instances are accepted too
    views = _views(settings.bootstrap_servers, topics)
    for view in vars(views).values():
        app.service(view)
    engine = Engine(
        settings=settings,
        app=app,
        topics=topics,
        registry=registry,
        sealer=CredentialSealer(settings.secret_key),
        platforms=PlatformClients(
            CredentialSealer(settings.secret_key),
            allow_private_urls=settings.allow_private_urls,
            persist=lambda integration: save_integration(topics, integration),
        ),
        erp=ErpClient(
            ErpSettings.model_validate(
                {
                    "base_url": settings.erp_base_url,
                    "api_token": settings.erp_token,
                    "requests_per_second": settings.erp_requests_per_second,
                    "timeout_seconds": settings.erp_timeout_seconds,
                },
                context=url_policy(settings.allow_private_urls),
            )
        ),
        views=views,
    )
    if settings.flows:
        wire_agents(engine)
    else:  # an ingest process (PONTE_FLOWS=false) only stores deliveries; it counts them
        wire_traffic(engine)
    wire_session_checks(engine)
    liveness = wire_liveness(engine)
    app.on_before_shutdown.connect(_closing(engine))
    app.on_rebalance_complete.connect(_resharing(settings))
    _wire_web(engine, liveness)
    return engine


def _views(bootstrap: str, topics: BoundTopics) -> Views:
    return Views(
        links=LinksView(bootstrap, topics.name(LINKS)),
        history=HistoryView(bootstrap, topics.name(HISTORY)),
        parked=ParkedView(bootstrap, topics.name(PARKED)),
        held=HeldView(bootstrap, topics.name(HELD)),
        jobs=JobsView(bootstrap, topics.name(JOBS)),
        config_log=ConfigLogView(bootstrap, topics.name(CONFIG_LOG)),
        sessions=SessionsView(bootstrap, topics.name(SESSIONS)),
    )


def _closing(engine: Engine) -> Any:
    async def close_clients(app: faust.App, **kwargs: Any) -> None:
        await engine.platforms.close()
        await engine.erp.aclose()

    return close_clients


def _resharing(settings: EngineSettings) -> Any:
    async def reshare(app: faust.App, **kwargs: Any) -> None:
        app.add_future(reshare_budgets(settings.bootstrap_servers, settings.app_id))

    return reshare


def _wire_web(engine: Engine, liveness: Liveness | None = None) -> None:
    page = engine.app.page
    answer_api_errors_as_json(engine.app.web)
    page("/webhooks/erp/{integration_id}")(erp_webhook_view(engine))
    platform_notification = notification_view(engine)
    page("/webhooks/{platform}/{integration_id}")(platform_notification)
    page("/webhooks/{platform}/{integration_id}/{secret}")(platform_notification)
    for path, view in connection_views(engine).items():  # before /integrations/{id}
        page(path)(view)
    integration_list, integration_detail = integrations_views(engine)
    page("/api/v1/integrations")(integration_list)
    page("/api/v1/integrations/{integration_id}")(
        integration_lifecycle_view(engine, integration_detail)
    )
    for path, view in {**config_views(engine), **config_log_views(engine)}.items():
        page(path)(view)
    for path, view in mappings_views(engine).items():
        page(path)(view)
    for path, view in records_views(engine).items():
        page(f"/api/v1/integrations/{{integration_id}}/{path}")(view)
    run_now, runs = automation_runs_views(engine)
    page("/api/v1/integrations/{integration_id}/automations/{name}/run")(run_now)
    page("/api/v1/integrations/{integration_id}/automation-runs")(runs)
    integration_jobs, job_detail, job_cancel = jobs_views(engine)
    page("/api/v1/integrations/{integration_id}/jobs")(integration_jobs)
    page("/api/v1/jobs/{job_id}")(job_detail)
    page("/api/v1/jobs/{job_id}/cancel")(job_cancel)
    page(OPENAPI_PATH)(openapi_view(engine))
    for path, view in ui_views(engine).items():
        page(path)(view)
    metrics, health = ops_views(engine, liveness)
    page("/metrics")(metrics)
    page("/health")(health)

"""GET /metrics (Prometheus) and GET /health."""

from __future__ import annotations

from faust.web import Request, Response, View
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from engine.context import Engine
from engine.liveness import Liveness


def ops_views(engine: Engine, liveness: Liveness | None = None) -> tuple[type[View], type[View]]:
    class Metrics(View):
        async def get(self, request: Request) -> Response:
            return self.bytes(generate_latest(), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    class Health(View):
        async def get(self, request: Request) -> Response:
            ready = engine.registry.caught_up and not engine.app.rebalancing
            stalls = liveness.stalls if liveness is not None else []
            body: dict[str, object] = {
                "status": "degraded" if stalls else "ok" if ready else "starting",
                "integrations": len(engine.registry.all()),
            }
            if stalls:
                body["stalled_agents"] = [stall.as_json() for stall in stalls]
            return self.json(body, status=200 if ready and not stalls else 503)

    return Metrics, Health

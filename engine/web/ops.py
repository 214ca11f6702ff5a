"""GET /metrics (Prometheus) and GET /health."""

from __future__ import annotations

from faust.web import Request, Response, View
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from engine.context import Engine


def ops_views(engine: Engine) -> tuple[type[View], type[View]]:
    class Metrics(View):
        async def get(self, request: Request) -> Response:
            return self.bytes(generate_latest(), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    class Health(View):
        async def get(self, request: Request) -> Response:
            ready = engine.registry.caught_up and not engine.app.rebalancing
            body = {
                "status": "ok" if ready else "starting",
                "integrations": len(engine.registry.all()),
            }
            return self.json(body, status=200 if ready else 503)

    return Metrics, Health

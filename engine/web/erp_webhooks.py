"""POST /webhooks/erp/{integration_id}: an ERP that pushes its changes (signed, Bling-style).

The push only names records; each one is stored as a delivery to be read from the ERP API
before any event is emitted, as the poller does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from faust.web import Request, Response, View

from connectors.contract import InboundRequest, NotificationRefused
from connectors.erp.webhooks import verify_erp_notification
from engine.context import Engine
from engine.metrics import WEBHOOKS_RECEIVED, WEBHOOKS_REJECTED
from engine.web.responses import error_body
from engine.web.webhooks import Rejection, read_limited, store_delivery
from schemas.delivery import Delivery
from schemas.envelope import SourceSystem


def erp_webhook_view(engine: Engine) -> type[View]:
    class ErpWebhook(View):
        async def post(self, request: Request, integration_id: str) -> Response:
            try:
                stored = await self._accept(request, integration_id)
            except Rejection as rejection:
                WEBHOOKS_REJECTED.labels(platform="erp", reason=rejection.reason).inc()
                return self.json(
                    error_body(rejection.reason, rejection.message), status=rejection.status
                )
            return self.json({"status": "accepted", "deliveries": stored})

        async def _accept(self, request: Request, integration_id: str) -> list[str]:
            now = datetime.now(UTC)
            secret = engine.settings.erp_webhook_secret
            if secret is None:
                raise Rejection(
                    404,
                    "not_configured",
                    "the ERP push is not configured (PONTE_ERP_WEBHOOK_SECRET)",
                )
            if not engine.registry.caught_up:
                raise Rejection(503, "starting", "the engine is starting; retry shortly")
            if engine.registry.get(integration_id) is None:
                raise Rejection(404, "unknown_integration", f"no integration {integration_id!r}")
            body = await read_limited(request, engine.settings.max_body_bytes)
            inbound = InboundRequest(
                method=request.method, headers=dict(request.headers), body=body
            )
            try:
                notifications = verify_erp_notification(inbound, secret.get_secret_value())
            except NotificationRefused as refused:
                raise Rejection(refused.status, refused.reason, refused.message) from refused
            stored = []
            for notification in notifications:
                delivery = Delivery(
                    delivery_id=notification.event_id or uuid4().hex,
                    event_id=notification.event_id,
                    integration_id=integration_id,
                    source=SourceSystem.ERP,
                    topic=notification.topic,
                    entity_key=f"{notification.entity}:{notification.platform_id}",
                    headers={},
                    body=body.decode(errors="replace"),
                    needs_fetch=True,
                    received_at=now,
                    trace_id=uuid4().hex,
                )
                await store_delivery(engine, delivery)
                WEBHOOKS_RECEIVED.labels(platform="erp", topic=notification.topic).inc()
                stored.append(delivery.delivery_id)
            return stored

    return ErpWebhook

"""POST /webhooks/{platform}/{integration_id}[/{secret}]: any platform's notification.

The connector verifies and reads it (``ConnectorSpec.verify_notification``); the engine stores
it in Kafka before answering, exactly as for Shopify. Thin notifications (ids only) are stored
marked ``needs_fetch``: the deliveries agent reads the record from the platform before acting.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from faust.web import Request, Response, View

from connectors.capabilities import ConnectorSpec
from connectors.contract import InboundRequest, Notification, NotificationRefused
from connectors.registry import PLATFORMS
from engine.context import Engine
from engine.integrations import connector_settings
from engine.metrics import WEBHOOKS_RECEIVED, WEBHOOKS_REJECTED
from engine.web.responses import error_body
from engine.web.webhooks import Rejection, read_limited, store_delivery
from schemas.delivery import Delivery
from schemas.envelope import SourceSystem
from schemas.integration import Integration

SIGNATURE_HEADERS = frozenset(
    {"x-shopify-hmac-sha256", "x-linkedstore-hmac-sha256", "x-bling-signature-256"}
)


def notification_delivery(
    integration_id: str,
    platform: str,
    request: InboundRequest,
    notification: Notification,
    now: datetime,
) -> Delivery:
    """The record stored for a verified notification: headers without signatures or secrets.

    Built without re-validation: every field comes typed from the verified request, and this
    runs once per webhook, on the path the platform waits on.
    """
    return Delivery.model_construct(
        delivery_id=notification.event_id or uuid4().hex,
        event_id=notification.event_id,
        integration_id=integration_id,
        source=SourceSystem(platform),
        topic=notification.topic,
        entity_key=f"{notification.entity}:{notification.platform_id}",
        headers={
            k.lower(): v
            for k, v in request.headers.items()
            if k.lower() not in SIGNATURE_HEADERS
            and not k.lower().startswith(("authorization", "x-vtex-api", "cookie"))
        },
        body=(notification.body or request.body).decode(errors="replace"),
        needs_fetch=notification.needs_fetch,
        received_at=now,
        trace_id=uuid4().hex,
    )


class OpenedSettings:
    """Each integration's connector settings, opened once per version of the integration.

    Opening means decrypting the sealed credentials and validating the settings model (about
    55 µs); a webhook only needs them again once the registry holds a newer record.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._opened: dict[str, tuple[Integration, Any]] = {}

    def of(self, integration: Integration, spec: ConnectorSpec) -> Any:
        kept = self._opened.get(integration.id)
        if kept is not None and kept[0] is integration:
            return kept[1]
        settings = connector_settings(
            integration,
            spec,
            self._engine.sealer,
            allow_private_urls=self._engine.settings.allow_private_urls,
        )
        self._opened[integration.id] = (integration, settings)
        return settings


def notification_view(engine: Engine) -> type[View]:
    opened = OpenedSettings(engine)

    class PlatformNotification(View):
        async def post(
            self, request: Request, platform: str, integration_id: str, secret: str = ""
        ) -> Response:
            try:
                return await self._accept(request, platform, integration_id, secret or None)
            except Rejection as rejection:
                WEBHOOKS_REJECTED.labels(
                    platform=platform if platform in PLATFORMS else "unknown",
                    reason=rejection.reason,
                ).inc()
                return self.json(
                    error_body(rejection.reason, rejection.message), status=rejection.status
                )

        async def _accept(
            self, request: Request, platform: str, integration_id: str, secret: str | None
        ) -> Response:
            now = datetime.now(UTC)
            if not engine.registry.caught_up:
                raise Rejection(503, "starting", "the engine is starting; retry shortly")
            integration = engine.registry.get(integration_id)
            spec = PLATFORMS.get(platform)
            if integration is None or spec is None or integration.platform != platform:
                raise Rejection(
                    404, "unknown_integration", f"no {platform} integration {integration_id!r}"
                )
            if spec.verify_notification is None:
                raise Rejection(
                    404, "no_notifications", f"{spec.title} notifications are not supported"
                )
            inbound = InboundRequest(
                method=request.method,
                headers=dict(request.headers),
                body=await read_limited(request, engine.settings.max_body_bytes),
                query=dict(request.query),
                path_secret=secret,
            )
            try:
                notification = spec.verify_notification(inbound, opened.of(integration, spec))
            except NotificationRefused as refused:
                raise Rejection(refused.status, refused.reason, refused.message) from refused
            if notification.reply is not None:  # a handshake (VTEX ping): answered, nothing stored
                return self.bytes(notification.reply, content_type="application/json")
            delivery = notification_delivery(integration_id, platform, inbound, notification, now)
            await store_delivery(engine, delivery)
            WEBHOOKS_RECEIVED.labels(platform=platform, topic=delivery.topic).inc()
            return self.json({"status": "accepted", "delivery_id": delivery.delivery_id})

    return PlatformNotification

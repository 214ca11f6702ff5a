"""POST /webhooks/shopify/{integration_id}: verified, stored in Kafka, then acknowledged.

The 200 goes out only after the broker acknowledged the record (acks=all); if Kafka does not
answer in time the platform gets 503 and retries.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from aiohttp import web as aioweb
from aiokafka.errors import KafkaError
from faust.web import Request, Response, View

from engine.context import Engine
from engine.metrics import WEBHOOKS_RECEIVED, WEBHOOKS_REJECTED
from engine.web.ingress import Rejection, shopify_delivery
from engine.web.responses import error_body
from schemas.codec import encode
from schemas.delivery import Delivery
from topics.registry import DELIVERIES, entity_key

log = logging.getLogger(__name__)


async def read_limited(request: Request, limit: int) -> bytes:
    """The raw body, or Rejection(413) as soon as it passes ``limit`` bytes."""
    raw: aioweb.Request = request  # type: ignore[assignment]
    if raw.content_length is not None and raw.content_length > limit:
        raise Rejection(413, "too_large", f"the body exceeds {limit} bytes")
    chunks, size = [], 0
    async for chunk in raw.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            raise Rejection(413, "too_large", f"the body exceeds {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def shopify_webhook_view(engine: Engine) -> type[View]:
    class ShopifyWebhook(View):
        async def post(self, request: Request, integration_id: str) -> Response:
            try:
                return await self._accept(request, integration_id)
            except Rejection as rejection:
                WEBHOOKS_REJECTED.labels(platform="shopify", reason=rejection.reason).inc()
                return self.json(
                    error_body(rejection.reason, rejection.message), status=rejection.status
                )

        async def _accept(self, request: Request, integration_id: str) -> Response:
            received_at = datetime.now(UTC)
            if not engine.registry.caught_up:
                raise Rejection(503, "starting", "the engine is starting; retry shortly")
            integration = engine.registry.get(integration_id)
            if integration is None or integration.platform != "shopify":
                raise Rejection(
                    404, "unknown_integration", f"no Shopify integration {integration_id!r}"
                )
            body = await read_limited(request, engine.settings.max_body_bytes)
            secrets = engine.sealer.open(integration.credentials)
            delivery = shopify_delivery(
                integration_id,
                str(integration.connection.get("shop_domain", "")),
                [value for name, value in secrets.items() if name.endswith("webhook_secret")],
                request.headers,
                body,
                received_at,
            )
            await store_delivery(engine, delivery)
            WEBHOOKS_RECEIVED.labels(platform="shopify", topic=delivery.topic).inc()
            return self.json({"status": "accepted", "delivery_id": delivery.delivery_id})

    return ShopifyWebhook


async def store_delivery(engine: Engine, delivery: Delivery) -> None:
    """Produce the delivery and wait for Kafka's acknowledgement; Rejection(503) if it does not come."""
    topic = engine.topics[DELIVERIES]
    key = entity_key(delivery.integration_id, delivery.entity_key).encode()

    async def send_and_wait_for_ack() -> None:
        await (await topic.send(key=key, value=encode(delivery)))

    try:
        await asyncio.wait_for(send_and_wait_for_ack(), engine.settings.ack_timeout_seconds)
    except (TimeoutError, KafkaError, OSError) as exc:
        log.warning("Kafka did not acknowledge a delivery in time: %r", exc)
        raise Rejection(
            503, "broker_unavailable", "the event could not be stored; retry later"
        ) from exc

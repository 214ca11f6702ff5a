"""verify_shopify_notification on the real webhook samples: verified, typed, refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from connectors.capabilities import Entity
from connectors.contract import InboundRequest, NotificationRefused
from connectors.shopify.settings import ShopifySettings
from connectors.shopify.webhooks import sign, verify_shopify_notification

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "shopify"
SETTINGS = ShopifySettings(
    shop_domain="loja.myshopify.com",
    admin_api_token=SecretStr("shpat_x"),
    webhook_secret=SecretStr("current"),
    previous_webhook_secret=SecretStr("previous"),
)


def delivery(topic: str, body: bytes, secret: str = "current", **drop: bool) -> InboundRequest:
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": sign(secret, body),
        "X-Shopify-Shop-Domain": "loja.myshopify.com",
        "X-Shopify-API-Version": "2026-04",
        "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
    }
    for name in drop:
        headers.pop(name.replace("_", "-"))
    return InboundRequest(method="POST", headers=headers, body=body)


@pytest.mark.parametrize(
    ("sample", "topic", "entity", "platform_id"),
    [
        ("webhook_orders_create.json", "orders/create", Entity.ORDER, "820982911946154508"),
        ("webhook_products_update.json", "products/update", Entity.PRODUCT, "788032119674292922"),
        ("webhook_collections_update.json", "collections/update", Entity.CATEGORY,
         "408372092144951419"),
        ("webhook_inventory_levels_update.json", "inventory_levels/update", Entity.STOCK,
         "271878346596884015"),
    ],
)  # fmt: skip
def test_real_samples_are_verified_and_typed(
    sample: str, topic: str, entity: Entity, platform_id: str
) -> None:
    body = (SAMPLES / sample).read_bytes()
    notification = verify_shopify_notification(delivery(topic, body), SETTINGS)
    assert notification.entity is entity
    assert notification.topic == topic
    assert notification.platform_id == platform_id  # exact, from the gid, not the rounded id
    assert notification.event_id == "98880550-7158-44d4-b7cd-2c97c8a091b5"
    assert notification.body == body and not notification.needs_fetch


def test_the_previous_secret_is_accepted_during_a_rotation() -> None:
    body = (SAMPLES / "webhook_products_update.json").read_bytes()
    request = delivery("products/update", body, secret="previous")
    assert verify_shopify_notification(request, SETTINGS).entity is Entity.PRODUCT


def test_bad_or_missing_signature_is_401() -> None:
    body = b'{"id": 1}'
    tampered = delivery("orders/create", body)
    tampered = InboundRequest("POST", tampered.headers, body + b" ")
    unsigned = delivery("orders/create", body, X_Shopify_Hmac_Sha256=True)
    for request in (tampered, unsigned, delivery("orders/create", body, secret="other")):
        with pytest.raises(NotificationRefused) as refused:
            verify_shopify_notification(request, SETTINGS)
        assert refused.value.status == 401


def test_missing_headers_or_malformed_body_is_400() -> None:
    cases = [
        delivery("orders/create", b'{"id": 1}', X_Shopify_Topic=True),
        delivery("orders/create", b"not json"),
        delivery("orders/create", b"[1, 2]"),
        delivery("orders/create", b'{"name": "#1001"}'),
        delivery("orders/create", b'{"id": 1.5}'),
        delivery("app/uninstalled", b'{"id": 1}'),
    ]
    for request in cases:
        with pytest.raises(NotificationRefused) as refused:
            verify_shopify_notification(request, SETTINGS)
        assert refused.value.status == 400, request.body


def test_without_event_id_the_webhook_id_dedupes() -> None:
    request = delivery("orders/create", b'{"id": 7}', X_Shopify_Event_Id=True)
    notification = verify_shopify_notification(request, SETTINGS)
    assert notification.event_id == "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"
    assert notification.platform_id == "7"

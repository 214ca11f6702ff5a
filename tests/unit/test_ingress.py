"""Shopify webhook ingress: what a delivery must pass before it is stored, and what is stored.

The engine's one notification path: the connector verifies (`verify_shopify_notification`),
the engine turns the verified notification into the stored Delivery (`notification_delivery`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.contract import InboundRequest, NotificationRefused
from connectors.shopify.settings import ShopifySettings
from connectors.shopify.webhooks import sign, verify_shopify_notification
from engine.web.notifications import notification_delivery
from schemas.delivery import Delivery
from schemas.envelope import SourceSystem

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "shopify"
BODY = (SAMPLES / "webhook_orders_create.json").read_bytes()

SECRET = "shpss_current_secret"
PREVIOUS_SECRET = "shpss_previous_secret"
SHOP = "ponte-demo.myshopify.com"
WEBHOOK_ID = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"
EVENT_ID = "98880550-7158-44d4-b7cd-2c97c8a091b5"
RECEIVED_AT = datetime(2026, 5, 9, 12, 0, tzinfo=UTC)


def signed_headers(body: bytes, secret: str = SECRET, **overrides: str) -> dict[str, str]:
    headers = {
        "X-Shopify-Hmac-Sha256": sign(secret, body),
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-API-Version": "2026-04",
        "X-Shopify-Webhook-Id": WEBHOOK_ID,
        "X-Shopify-Event-Id": EVENT_ID,
        "X-Shopify-Triggered-At": "2026-05-09T11:59:58.123456Z",
        "Content-Type": "application/json",
        "User-Agent": "Shopify-Captain-Hook",
    }
    headers.update(overrides)
    return headers


def settings(secrets: tuple[str, ...]) -> ShopifySettings:
    return ShopifySettings.model_validate(
        {
            "shop_domain": SHOP,
            "admin_api_token": "shpat_x",
            "webhook_secret": secrets[0],
            "previous_webhook_secret": secrets[1] if len(secrets) > 1 else None,
        }
    )


def deliver(
    headers: Mapping[str, str], body: bytes = BODY, secrets: tuple[str, ...] = (SECRET,)
) -> Delivery:
    request = InboundRequest(method="POST", headers=dict(headers), body=body)
    notification = verify_shopify_notification(request, settings(secrets))
    return notification_delivery("loja-demo", "shopify", request, notification, RECEIVED_AT)


def rejection_of(headers: Mapping[str, str], body: bytes = BODY) -> NotificationRefused:
    with pytest.raises(NotificationRefused) as caught:
        deliver(headers, body)
    return caught.value


def test_signed_orders_create_becomes_a_delivery() -> None:
    delivery = deliver(signed_headers(BODY))
    assert delivery.delivery_id == EVENT_ID  # duplicates of one event share it
    assert delivery.event_id == EVENT_ID
    assert delivery.integration_id == "loja-demo"
    assert delivery.source is SourceSystem.SHOPIFY
    assert delivery.topic == "orders/create"
    # The sample's `id` was rounded (820982911946154500) when it was scraped; the exact id
    # comes from admin_graphql_api_id.
    assert delivery.entity_key == "order:820982911946154508"
    assert delivery.received_at == RECEIVED_AT
    assert len(delivery.trace_id) == 32
    assert delivery.headers == {
        "x-shopify-topic": "orders/create",
        "x-shopify-shop-domain": SHOP,
        "x-shopify-webhook-id": WEBHOOK_ID,
        "x-shopify-event-id": EVENT_ID,
        "x-shopify-api-version": "2026-04",
        "x-shopify-triggered-at": "2026-05-09T11:59:58.123456Z",
        "content-type": "application/json",
        "user-agent": "Shopify-Captain-Hook",
    }
    assert not delivery.needs_fetch
    assert "x-shopify-hmac-sha256" not in delivery.headers
    assert sign(SECRET, BODY) not in delivery.headers.values()


def test_body_content_is_kept() -> None:
    delivery = deliver(signed_headers(BODY))
    assert delivery.body.strip() == BODY.decode().strip()


def test_body_is_stored_byte_for_byte() -> None:
    assert BODY.endswith(b"\n")
    delivery = deliver(signed_headers(BODY))
    assert delivery.body.encode() == BODY


def test_each_delivery_gets_its_own_trace_id() -> None:
    first = deliver(signed_headers(BODY))
    second = deliver(signed_headers(BODY))
    assert first.trace_id != second.trace_id


def test_headers_are_read_in_any_case() -> None:
    headers = {name.lower(): value for name, value in signed_headers(BODY).items()}
    delivery = deliver(headers)
    assert delivery.delivery_id == EVENT_ID
    assert delivery.headers["x-shopify-topic"] == "orders/create"


def test_wrong_signature_is_401_bad_signature() -> None:
    rejection = rejection_of(signed_headers(BODY, secret="not-the-secret"))
    assert (rejection.status, rejection.reason) == (401, "bad_signature")


def test_tampered_body_is_401_bad_signature() -> None:
    tampered = BODY.replace(b'"currency": "USD"', b'"currency": "BRL"')
    assert tampered != BODY
    rejection = rejection_of(signed_headers(BODY), tampered)
    assert (rejection.status, rejection.reason) == (401, "bad_signature")


def test_missing_signature_is_401() -> None:
    headers = signed_headers(BODY)
    del headers["X-Shopify-Hmac-Sha256"]
    rejection = rejection_of(headers)
    assert (rejection.status, rejection.reason) == (401, "bad_signature")


def test_previous_secret_is_accepted_when_both_are_given() -> None:
    headers = signed_headers(BODY, secret=PREVIOUS_SECRET)
    delivery = deliver(headers, secrets=(SECRET, PREVIOUS_SECRET))
    assert delivery.delivery_id == EVENT_ID
    with pytest.raises(NotificationRefused) as caught:
        deliver(headers, secrets=(SECRET,))
    assert caught.value.status == 401


def test_missing_topic_header_is_400_missing_header() -> None:
    headers = signed_headers(BODY)
    del headers["X-Shopify-Topic"]
    rejection = rejection_of(headers)
    assert (rejection.status, rejection.reason) == (400, "missing_header")
    assert "X-Shopify-Topic" in rejection.message


def test_other_shop_is_401_wrong_shop() -> None:
    rejection = rejection_of(
        signed_headers(BODY, **{"X-Shopify-Shop-Domain": "other.myshopify.com"})
    )
    assert (rejection.status, rejection.reason) == (401, "wrong_shop")


def test_shop_domain_header_is_compared_case_insensitively() -> None:
    delivery = deliver(signed_headers(BODY, **{"X-Shopify-Shop-Domain": SHOP.upper()}))
    assert delivery.delivery_id == EVENT_ID


def test_signed_non_json_is_400_malformed_json() -> None:
    body = b"id=820982911946154508&topic=orders"
    rejection = rejection_of(signed_headers(body), body)
    assert (rejection.status, rejection.reason) == (400, "malformed_json")


def test_signed_json_array_is_400() -> None:
    body = b'[{"id": 1}]'
    rejection = rejection_of(signed_headers(body), body)
    assert (rejection.status, rejection.reason) == (400, "malformed_json")


def test_signed_body_without_id_is_400_malformed_body() -> None:
    body = b'{"name": "#1001"}'
    rejection = rejection_of(signed_headers(body), body)
    assert (rejection.status, rejection.reason) == (400, "malformed_body")


def test_64_bit_id_stays_exact_in_the_entity_key() -> None:
    body = b'{"id": 820982911946154508, "name": "#1001"}'
    delivery = deliver(signed_headers(body), body)
    assert delivery.entity_key == "order:820982911946154508"

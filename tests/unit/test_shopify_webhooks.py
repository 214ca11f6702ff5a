"""Shopify webhook signature and delivery headers, on Shopify's own worked example."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.shopify.webhooks import (
    MissingWebhookHeader,
    parse_delivery_headers,
    shopify_signature_valid,
    sign,
)

# From Shopify's test suite (shopify-app-js lib/webhooks/__tests__/validate.test.ts).
SECRET = "test_secret_key"
BODY = b'{"foo": "bar"}'
EXPECTED = "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g="

HEADERS = {
    "X-Shopify-Hmac-Sha256": EXPECTED,
    "X-Shopify-Topic": "orders/create",
    "X-Shopify-Shop-Domain": "ponte-demo.myshopify.com",
    "X-Shopify-API-Version": "2026-04",
    "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
    "X-Shopify-Triggered-At": "2023-03-29T18:00:27.877041743Z",
}


def test_worked_example_signs_and_verifies() -> None:
    assert len(BODY) == 14
    assert sign(SECRET, BODY) == EXPECTED
    assert sign(SECRET.encode(), BODY) == EXPECTED
    assert shopify_signature_valid([SECRET], BODY, EXPECTED)


def test_tampered_body_is_refused() -> None:
    assert not shopify_signature_valid([SECRET], b'{"foo":"bar"}', EXPECTED)
    assert not shopify_signature_valid([SECRET], b'{"foo": "baz"}', EXPECTED)


def test_wrong_secret_is_refused() -> None:
    assert not shopify_signature_valid(["another_secret"], BODY, EXPECTED)


def test_missing_or_empty_signature_is_refused() -> None:
    assert not shopify_signature_valid([SECRET], BODY, None)
    assert not shopify_signature_valid([SECRET], BODY, "")
    assert not shopify_signature_valid([], BODY, EXPECTED)


def test_previous_secret_accepted_during_rotation() -> None:
    assert shopify_signature_valid(["new_secret_after_rotation", SECRET], BODY, EXPECTED)
    assert shopify_signature_valid([SECRET, "new_secret_after_rotation"], BODY, EXPECTED)


def test_headers_parse_in_any_case() -> None:
    headers = parse_delivery_headers({k.lower(): v for k, v in HEADERS.items()})
    assert headers.topic == "orders/create"
    assert headers.shop_domain == "ponte-demo.myshopify.com"
    assert headers.api_version == "2026-04"
    assert headers.webhook_id == HEADERS["X-Shopify-Webhook-Id"]
    assert headers.event_id == HEADERS["X-Shopify-Event-Id"]
    assert headers.hmac == EXPECTED
    assert headers.triggered_at == datetime(2023, 3, 29, 18, 0, 27, 877041, tzinfo=UTC)


def test_optional_headers_may_be_absent() -> None:
    required = {
        k: v
        for k, v in HEADERS.items()
        if k not in ("X-Shopify-Event-Id", "X-Shopify-Triggered-At")
    }
    headers = parse_delivery_headers(required)
    assert headers.event_id is None
    assert headers.triggered_at is None


@pytest.mark.parametrize(
    "header",
    [
        "X-Shopify-Hmac-Sha256",
        "X-Shopify-Topic",
        "X-Shopify-Shop-Domain",
        "X-Shopify-API-Version",
        "X-Shopify-Webhook-Id",
    ],
)
def test_missing_required_header_is_named(header: str) -> None:
    incomplete = {k: v for k, v in HEADERS.items() if k != header}
    with pytest.raises(MissingWebhookHeader, match=header) as caught:
        parse_delivery_headers(incomplete)
    assert caught.value.header == header

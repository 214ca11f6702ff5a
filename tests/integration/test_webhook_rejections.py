"""Webhooks that fail a check are refused with a clear 4xx, nothing reaches Kafka, the worker stays up."""

from __future__ import annotations

import httpx
import orjson
import pytest

from tests.harness import Stack, Worker
from tests.integration.support import post_webhook, shopify_headers, topic_size

pytestmark = pytest.mark.broker

ORDER = orjson.dumps({"id": 900000000000000001, "name": "#R1", "line_items": []})


def refused(
    worker: Worker, integration_id: str, body: bytes, headers: dict[str, str]
) -> httpx.Response:
    return post_webhook(worker, integration_id, body, headers)


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("wrong signature", 401, "bad_signature"),
        ("no signature", 401, "bad_signature"),
        ("unknown integration", 404, "unknown_integration"),
        ("malformed JSON", 400, "malformed_json"),
        ("missing topic header", 400, "missing_header"),
        ("another shop", 401, "wrong_shop"),
        ("body over the limit", 413, "too_large"),
    ],
)
def test_a_bad_delivery_is_refused_and_nothing_is_stored(
    stack: Stack, worker: Worker, integration_id: str, case: str, status: int, code: str
) -> None:
    deliveries = f"{stack.namespace}.ponte.deliveries"
    stored_before = topic_size(stack.bootstrap, deliveries)
    target, body, headers = integration_id, ORDER, shopify_headers(stack, ORDER)
    if case == "wrong signature":
        headers = shopify_headers(stack, ORDER, secret="not-the-secret")
    elif case == "no signature":
        headers.pop("X-Shopify-Hmac-Sha256")
    elif case == "unknown integration":
        target = "loja-que-nao-existe"
    elif case == "malformed JSON":
        body = b'{"id": 1, "name": '
        headers = shopify_headers(stack, body)
    elif case == "missing topic header":
        headers.pop("X-Shopify-Topic")
    elif case == "another shop":
        headers["X-Shopify-Shop-Domain"] = "outra-loja.myshopify.com"
    elif case == "body over the limit":
        body = b'{"id": 1, "pad": "' + b"x" * 1_100_000 + b'"}'
        headers = shopify_headers(stack, body)

    response = refused(worker, target, body, headers)

    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert topic_size(stack.bootstrap, deliveries) == stored_before
    assert httpx.get(f"{worker.url}/health").status_code == 200
    assert worker.metric("ponte_webhooks_rejected_total", platform="shopify", reason=code) >= 1

"""ERP webhook ingress: Bling-style signature over the raw body, envelope parsing."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from connectors.capabilities import Entity
from connectors.contract import InboundRequest, NotificationRefused
from connectors.erp.settings import ErpSettings
from connectors.erp.webhooks import (
    SIGNATURE_HEADER,
    erp_signature,
    erp_signature_valid,
    verify_erp_notification,
    verify_erp_push,
)

SECRET = "client-secret"
SAMPLE = Path("/work/shared/samples/erp/bling/webhook-virtual_stock.updated.json")


def signed(body: bytes, *, header: str = SIGNATURE_HEADER, secret: str = SECRET) -> InboundRequest:
    return InboundRequest(method="POST", headers={header: erp_signature(body, secret)}, body=body)


def envelope(event: str, data: object) -> bytes:
    return orjson.dumps(
        {"eventId": "e-1", "date": "2026-03-14T13:00:00Z", "event": event, "data": data}
    )


def test_signature_is_sha256_prefixed_lowercase_hex_hmac_of_the_raw_body() -> None:
    body = b'{"a":1}'
    # HMAC-SHA256("client-secret", '{"a":1}'), computed independently of the module.
    import hashlib
    import hmac

    expected = hmac.new(b"client-secret", body, hashlib.sha256).hexdigest()
    assert erp_signature(body, SECRET) == f"sha256={expected}"
    assert erp_signature_valid(body, f"sha256={expected.upper()}", SECRET)
    assert not erp_signature_valid(body, expected, SECRET)
    assert not erp_signature_valid(body, None, SECRET)
    assert not erp_signature_valid(body, f"sha256={expected}", "")


@pytest.mark.skipif(not SAMPLE.exists(), reason="shared samples not present")
def test_the_bling_virtual_stock_sample_parses_to_a_stock_notification() -> None:
    body = SAMPLE.read_bytes()
    [notification] = verify_erp_notification(signed(body), SECRET)
    assert notification.entity is Entity.STOCK
    assert notification.platform_id == "12345"
    assert notification.event_id == "evt-stock-1"
    assert notification.topic == "virtual_stock.updated"
    assert notification.needs_fetch


@pytest.mark.parametrize(
    ("event", "data", "entity", "record"),
    [
        ("product.updated", {"id": "7", "codigo": "CAM"}, Entity.PRODUCT, "CAM"),
        ("product.deleted", {"id": 7}, Entity.PRODUCT, "7"),
        ("stock.updated", {"produto": {"id": "7", "codigo": "CAM-M"}}, Entity.STOCK, "CAM-M"),
        ("order.updated", {"id": "12", "numeroPedido": "10012"}, Entity.ORDER, "12"),
    ],
)
def test_events_name_the_record_to_fetch(
    event: str, data: dict[str, object], entity: Entity, record: str
) -> None:
    [notification] = verify_erp_notification(signed(envelope(event, data)), SECRET)
    assert (notification.entity, notification.platform_id) == (entity, record)


def test_header_name_is_case_insensitive() -> None:
    body = envelope("order.updated", {"id": "1"})
    request = signed(body, header=SIGNATURE_HEADER.lower())
    assert verify_erp_notification(request, SECRET)


def test_an_event_not_followed_is_accepted_with_nothing_to_do() -> None:
    assert verify_erp_notification(signed(envelope("contato.updated", {"id": "1"})), SECRET) == []


@pytest.mark.parametrize(
    "request_",
    [
        InboundRequest(method="POST", headers={}, body=envelope("order.updated", {"id": "1"})),
        signed(envelope("order.updated", {"id": "1"}), secret="other-secret"),
        InboundRequest(
            method="POST",
            headers={
                SIGNATURE_HEADER: erp_signature(envelope("order.updated", {"id": "1"}), SECRET)
            },
            body=envelope("order.updated", {"id": "2"}),
        ),
    ],
    ids=["missing", "wrong-secret", "tampered-body"],
)
def test_bad_or_missing_signature_is_401(request_: InboundRequest) -> None:
    with pytest.raises(NotificationRefused) as caught:
        verify_erp_notification(request_, SECRET)
    assert caught.value.status == 401


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"data": {}}',
        envelope("order.updated", None),
        envelope("order.updated", {}),
    ],
)
def test_malformed_body_is_400(body: bytes) -> None:
    with pytest.raises(NotificationRefused) as caught:
        verify_erp_notification(signed(body), SECRET)
    assert caught.value.status == 400


def tenant(secret: str | None) -> ErpSettings:
    return ErpSettings(
        base_url="https://loja.eccosys.com.br/api", api_token="tok", webhook_secret=secret
    )


def test_the_push_is_verified_with_the_tenant_s_secret() -> None:
    push = signed(envelope("order.updated", {"id": "12", "numeroPedido": "10012"}))
    notification = verify_erp_push(push, tenant(SECRET))
    assert (notification.entity, notification.platform_id, notification.topic) == (
        Entity.ORDER,
        "12",
        "order.updated",
    )
    assert notification.needs_fetch
    assert SECRET not in repr(tenant(SECRET))


@pytest.mark.parametrize(
    ("secret", "reason"), [(None, "not_configured"), ("other", "bad_signature")]
)
def test_a_push_without_the_secret_is_refused_401(secret: str | None, reason: str) -> None:
    with pytest.raises(NotificationRefused) as caught:
        verify_erp_push(signed(envelope("order.updated", {"id": "12"})), tenant(secret))
    assert (caught.value.status, caught.value.reason) == (401, reason)


def test_a_push_of_an_event_not_followed_is_refused_400() -> None:
    with pytest.raises(NotificationRefused) as caught:
        verify_erp_push(signed(envelope("contato.updated", {"id": "1"})), tenant(SECRET))
    assert (caught.value.status, caught.value.reason) == (400, "unsupported_event")

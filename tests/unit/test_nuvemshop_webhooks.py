"""Nuvemshop notification verification: hex HMAC of the raw body, thin body, this store only."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.capabilities import Entity
from connectors.contract import InboundRequest, NotificationRefused
from connectors.nuvemshop.settings import NuvemshopSettings
from connectors.nuvemshop.webhooks import nuvemshop_signature, verify_nuvemshop_notification

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "nuvemshop"
SETTINGS = NuvemshopSettings(
    store_id="123",
    access_token="token",
    app_secret="secret",
    user_agent="Ponte (ti@example.com)",
)


def signed(
    body: bytes, secret: str = "secret", header: str = "X-Linkedstore-HMAC-SHA256"
) -> InboundRequest:
    return InboundRequest(
        method="POST", headers={header: nuvemshop_signature(body, secret)}, body=body
    )


def test_the_reference_worked_example() -> None:
    body = b'{"store_id":123,"event":"product/created","id":1948209}'
    assert nuvemshop_signature(body, "secret") == (
        "24422bada660dd9816d9653d07c1c71da850d2ba231ed6158e7f40e186bf990e"
    )


def test_the_sample_notification_is_accepted_and_asks_for_a_fetch() -> None:
    body = (SAMPLES / "webhook_product_created.json").read_bytes()
    notification = verify_nuvemshop_notification(
        signed(body, header="x-linkedstore-hmac-sha256"), SETTINGS
    )
    assert notification.topic == "product/created"
    assert notification.entity is Entity.PRODUCT
    assert notification.platform_id == "1948209"
    assert notification.needs_fetch and notification.event_id is None


@pytest.mark.parametrize(
    ("event", "entity"),
    [
        ("order/paid", Entity.ORDER),
        ("category/updated", Entity.CATEGORY),
        ("product/deleted", Entity.PRODUCT),
    ],
)
def test_each_resource_maps_to_its_entity(event: str, entity: Entity) -> None:
    body = f'{{"store_id":123,"event":"{event}","id":"77"}}'.encode()
    assert verify_nuvemshop_notification(signed(body), SETTINGS).entity is entity


def test_a_tampered_body_a_wrong_secret_or_no_signature_is_refused_401() -> None:
    body = b'{"store_id":123,"event":"order/created","id":5}'
    tampered = signed(body)
    tampered = InboundRequest(
        method="POST", headers=tampered.headers, body=body.replace(b"5", b"6")
    )
    for request in (tampered, signed(body, secret="other"), InboundRequest("POST", {}, body)):
        with pytest.raises(NotificationRefused) as refused:
            verify_nuvemshop_notification(request, SETTINGS)
        assert refused.value.status == 401


def test_an_uppercase_hex_signature_is_still_the_same_signature() -> None:
    body = b'{"store_id":123,"event":"order/created","id":5}'
    request = InboundRequest(
        "POST", {"X-Linkedstore-Hmac-Sha256": nuvemshop_signature(body, "secret").upper()}, body
    )
    assert verify_nuvemshop_notification(request, SETTINGS).platform_id == "5"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"store_id":123,"id":5}',
        b'{"store_id":999,"event":"order/created","id":5}',
        b'{"store_id":123,"event":"app/uninstalled","id":5}',
        b'{"store_id":123,"event":"order/created"}',
    ],
)
def test_a_signed_but_unreadable_or_foreign_body_is_refused_400(body: bytes) -> None:
    with pytest.raises(NotificationRefused) as refused:
        verify_nuvemshop_notification(signed(body), SETTINGS)
    assert refused.value.status == 400

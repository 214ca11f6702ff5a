"""Tray notifications: the URL secret and the store are what can be verified."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from connectors.capabilities import Entity
from connectors.contract import InboundRequest, NotificationRefused
from connectors.tray.settings import TraySettings
from connectors.tray.webhooks import verify_tray_notification

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "tray"
SETTINGS = TraySettings(
    api_address="https://loja.commercesuite.com.br/web_api",
    consumer_key="k",
    consumer_secret="s",
    notification_secret="url-secret",
    store_id="391250",
)


def request(fields: dict[str, object], secret: str | None = "url-secret") -> InboundRequest:
    body = urlencode({k: str(v) for k, v in fields.items()}).encode()
    return InboundRequest(
        "POST", {"content-type": "application/x-www-form-urlencoded"}, body, path_secret=secret
    )


def real_fields() -> dict[str, object]:
    fields: dict[str, object] = json.loads(
        (SAMPLES / "notification_webhook_payload_order_update.json").read_text()
    )
    return fields


def test_the_real_payload_is_accepted_and_always_fetched() -> None:
    notification = verify_tray_notification(request(real_fields()), SETTINGS)
    assert notification.entity is Entity.ORDER
    assert notification.platform_id == "4375797"
    assert notification.topic == "order/update"
    assert notification.needs_fetch and notification.body is None


@pytest.mark.parametrize("secret", ["wrong", "", None, "url-secreT"])
def test_a_wrong_url_secret_is_refused_401(secret: str | None) -> None:
    with pytest.raises(NotificationRefused) as refused:
        verify_tray_notification(request(real_fields(), secret), SETTINGS)
    assert refused.value.status == 401


def test_another_store_is_refused_401() -> None:
    with pytest.raises(NotificationRefused) as refused:
        verify_tray_notification(request({**real_fields(), "seller_id": 1}), SETTINGS)
    assert refused.value.status == 401


@pytest.mark.parametrize(
    "change",
    [{"scope_name": "coupon"}, {"scope_id": "abc"}, {"act": "explode"}, {"seller_id": ""}],
)
def test_malformed_is_refused_400(change: dict[str, object]) -> None:
    with pytest.raises(NotificationRefused) as refused:
        verify_tray_notification(request({**real_fields(), **change}), SETTINGS)
    assert refused.value.status == 400


def test_a_body_that_is_not_a_form_is_refused_400() -> None:
    bad = InboundRequest("POST", {}, b"\xff\xfe not a form", path_secret="url-secret")
    with pytest.raises(NotificationRefused) as refused:
        verify_tray_notification(bad, SETTINGS)
    assert refused.value.status == 400


def test_product_stock_scope_names_stock() -> None:
    fields = {**real_fields(), "scope_name": "variant_stock", "act": "update"}
    assert verify_tray_notification(request(fields), SETTINGS).entity is Entity.STOCK

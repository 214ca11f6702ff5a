"""The order hook: our secret header and Origin decide; the ping is answered, produces nothing."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from connectors.capabilities import Entity
from connectors.contract import InboundRequest, NotificationRefused
from connectors.vtex.settings import VtexSettings
from connectors.vtex.webhooks import verify_vtex_notification

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "vtex"
SETTINGS = VtexSettings(
    account="automacaoqa", app_key="vtexappkey-appvtex", app_token="t", hook_secret="s3cret"
)
HEADER = "X-Ponte-Hook-Secret"


def delivery(body: bytes, secret: str | None = "s3cret") -> InboundRequest:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[HEADER.lower()] = secret
    return InboundRequest(method="POST", headers=headers, body=body)


def test_the_real_notification_is_accepted_and_needs_a_fetch() -> None:
    body = (SAMPLES / "order_hook_notification_body.json").read_bytes()
    notification = verify_vtex_notification(delivery(body), SETTINGS)
    assert notification.entity is Entity.ORDER and notification.platform_id == "v52277740atmc-01"
    assert notification.topic == "order/ready-for-handling" and notification.needs_fetch
    assert (
        notification.event_id == "v52277740atmc-01:ready-for-handling:2019-08-14T17:12:48.0965893Z"
    )
    assert notification.reply is None


def test_the_ping_is_answered_and_produces_nothing() -> None:
    body = (SAMPLES / "order_hook_ping_body.json").read_bytes()
    notification = verify_vtex_notification(delivery(body), SETTINGS)
    assert notification.reply is not None and notification.topic == "hook/ping"


def test_the_ping_without_our_secret_is_refused() -> None:
    body = (SAMPLES / "order_hook_ping_body.json").read_bytes()
    with pytest.raises(NotificationRefused) as refused:
        verify_vtex_notification(delivery(body, secret=None), SETTINGS)
    assert refused.value.status == 401


@pytest.mark.parametrize("secret", [None, "", "s3cre", "s3cret "])
def test_a_missing_or_wrong_secret_is_401(secret: str | None) -> None:
    body = (SAMPLES / "order_hook_notification_body.json").read_bytes()
    with pytest.raises(NotificationRefused) as refused:
        verify_vtex_notification(delivery(body, secret), SETTINGS)
    assert refused.value.status == 401


def test_another_accounts_origin_is_401_even_with_the_secret() -> None:
    body = orjson.loads((SAMPLES / "order_hook_notification_body_guide.json").read_bytes())
    with pytest.raises(NotificationRefused) as refused:
        verify_vtex_notification(delivery(orjson.dumps(body)), SETTINGS)
    assert refused.value.status == 401 and refused.value.reason == "origin"


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1]", b'{"Origin": {"Account": "automacaoqa", "Key": "vtexappkey-appvtex"}}'],
)
def test_malformed_bodies_are_400(body: bytes) -> None:
    with pytest.raises(NotificationRefused) as refused:
        verify_vtex_notification(delivery(body), SETTINGS)
    assert refused.value.status == 400


def test_the_guide_notification_without_current_change_is_read() -> None:
    body = orjson.loads((SAMPLES / "order_hook_notification_body_guide.json").read_bytes())
    settings = VtexSettings(
        account="accountABC", app_key="vtexappkey-keyEDF", app_token="t", hook_secret="s3cret"
    )
    notification = verify_vtex_notification(delivery(orjson.dumps(body)), settings)
    assert (
        notification.platform_id == "v40484048naf-01"
        and notification.topic == "order/payment-approved"
    )

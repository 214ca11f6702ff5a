"""Tray's auth, paging, error and status strategies on hand-built httpx.Response objects."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from connectors.contract import OrderMoveKind
from connectors.errors import AuthError, ConfigError, NotFound, Permanent, RateLimited, Retryable
from connectors.tray.auth import (
    TrayTokens,
    expired_token_answer,
    needs_refresh,
    tokens_from_response,
)
from connectors.tray.paging import next_page, records
from connectors.tray.quota import DailyQuota
from connectors.tray.responses import DEFAULT_RETRY_AFTER, error_for, redacted
from connectors.tray.settings import TraySettings
from connectors.tray.statuses import StoreStatus, canonical_status, status_for_move, store_statuses
from connectors.tray.values import STORE_TIME
from schemas.order_status import OrderStatus

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "tray"
REQUEST = httpx.Request(
    "GET", "https://loja.commercesuite.com.br/web_api/orders?access_token=SECRET"
)


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def answer(status: int, body: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
    content = b"" if body is None else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers=headers, request=REQUEST)


@pytest.mark.parametrize(
    "name", ["auth_create_tokens_response.json", "auth_refresh_tokens_response.json"]
)
def test_tokens_are_read_from_the_real_answers(name: str) -> None:
    tokens = tokens_from_response(answer(200, sample(name)))
    assert tokens is not None
    assert tokens.access_token.get_secret_value().startswith("APP_ID-9999-")
    assert tokens.access_token_expires_at == datetime(2021, 3, 2, 14, 58, 21, tzinfo=STORE_TIME)
    assert tokens.refresh_token_expires_at == datetime(2021, 4, 1, 11, 58, 21, tzinfo=STORE_TIME)
    assert "APP_ID" not in repr(tokens)  # secrets never printed


def test_a_refused_exchange_gives_no_tokens() -> None:
    assert tokens_from_response(answer(401, {"code": 401, "error_code": 1099})) is None
    assert tokens_from_response(answer(200, {"message": "ok"})) is None


def test_refresh_happens_before_expiry_within_the_margin() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    tokens = TrayTokens(SecretStr("a"), SecretStr("r"), now + timedelta(minutes=30), None)
    assert not needs_refresh(tokens, now, margin=timedelta(minutes=10))
    assert needs_refresh(tokens, now + timedelta(minutes=21), margin=timedelta(minutes=10))
    assert not needs_refresh(TrayTokens(SecretStr("a"), SecretStr("r"), None, None), now)


def test_only_an_expired_token_401_is_worth_a_refresh() -> None:
    assert expired_token_answer(answer(401, {"code": 401, "error_code": 1000}))
    assert expired_token_answer(answer(401))
    assert not expired_token_answer(answer(401, {"code": 401, "error_code": 1003}))
    assert not expired_token_answer(answer(404, {"code": 404}))


@pytest.mark.parametrize(
    ("name", "plural", "singular"),
    [
        ("products_list_response.json", "Products", "Product"),
        ("orders_list_response.json", "Orders", "Order"),
        ("categories_list_response.json", "Categories", "Category"),
        ("variants_list_response.json", "Variants", "Variant"),
    ],
)
def test_paging_block_of_the_real_lists(name: str, plural: str, singular: str) -> None:
    body = sample(name)
    total, limit = body["paging"]["total"], body["paging"]["limit"]
    assert next_page(body) == (2 if total > limit else None)
    assert records(body, plural, singular)[0]["id"]


def _page(n: int) -> dict[str, Any]:
    return {
        "paging": {"total": 100, "page": n, "offset": (n - 1) * 50, "limit": 50, "maxLimit": 50}
    }


def test_paging_stops_exactly_at_the_last_page() -> None:
    page = _page
    assert next_page(page(1)) == 2
    assert next_page(page(2)) is None
    assert next_page({"paging": {"total": 0, "page": 1, "limit": 50}}) is None
    assert next_page({}) is None


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (400, {"code": 400, "causes": ["name"]}, Permanent),
        (401, {"code": 401, "error_code": 1000}, AuthError),
        (401, {"code": 401, "error_code": 1003}, ConfigError),
        (403, {"code": 403}, ConfigError),
        (404, {"code": 404}, NotFound),
        (422, {"code": 422}, Permanent),
        (429, {"code": 429}, RateLimited),
        (500, {"code": 500}, Retryable),
        (503, None, Retryable),
    ],
)
def test_error_table(status: int, body: Any, kind: type[Exception]) -> None:
    error = error_for(answer(status, body))
    assert type(error) is kind
    assert error is not None and error.status == status


def test_success_is_no_error_and_429_waits() -> None:
    assert error_for(answer(200, {})) is None
    limited = error_for(answer(429, {}, {"Retry-After": "7"}))
    assert isinstance(limited, RateLimited) and limited.retry_after == 7.0
    bare = error_for(answer(429, {}))
    assert isinstance(bare, RateLimited) and bare.retry_after == DEFAULT_RETRY_AFTER


def test_tokens_are_redacted_from_bodies() -> None:
    assert redacted("url?access_token=abc&page=2") == "url?access_token=***&page=2"
    error = error_for(answer(500, {"url": "/web_api/x?access_token=SECRET"}))
    assert error is not None and "SECRET" not in (error.body or "")


def test_store_statuses_map_moves_to_this_stores_ids() -> None:
    store = [
        StoreStatus("61", "AGUARDANDO PAGAMENTO", "open"),
        StoreStatus("64", "A ENVIAR", "open"),
        StoreStatus("70", "ENVIADO PARCIALMENTE", "open"),
        StoreStatus("73", "ENVIADO", "open"),
        StoreStatus("80", "EM PRODUÇÃO", "open"),
        StoreStatus("99", "CANCELADO", "closed"),
    ]
    assert status_for_move(OrderMoveKind.SHIP, store) == store[3]
    assert status_for_move(OrderMoveKind.START_HANDLING, store) == store[4]
    assert status_for_move(OrderMoveKind.CANCEL, store) == store[5]
    assert status_for_move(OrderMoveKind.INVOICE, store) is None


def test_real_status_records() -> None:
    [status] = store_statuses(
        r["OrderStatus"] for r in sample("order_statuses_list_response.json")["OrderStatuses"]
    )
    assert status == StoreStatus("1", "ENVIADO", None)
    assert canonical_status("FINALIZADO", "closed", True) is OrderStatus.DELIVERED
    assert canonical_status("Nome inventado", "open", False) is OrderStatus.PENDING_PAYMENT
    assert canonical_status("Nome inventado", "open", True) is OrderStatus.PAID


def test_daily_cap_refuses_until_midnight_store_time() -> None:
    moments = [datetime(2026, 1, 1, 23, 0, tzinfo=STORE_TIME)]
    quota = DailyQuota(2, clock=lambda: moments[0])
    quota.take()
    quota.take()
    with pytest.raises(RateLimited) as limited:
        quota.take()
    assert limited.value.retry_after == 3600.0
    moments[0] = datetime(2026, 1, 2, 0, 0, 1, tzinfo=STORE_TIME)
    quota.take()  # a new day


def test_settings_refuse_private_addresses_outside_sandbox_mode() -> None:
    data = {
        "api_address": "http://127.0.0.1:8104/web_api",
        "consumer_key": "k",
        "consumer_secret": "s",
        "notification_secret": "n",
        "store_id": 391250,
    }
    with pytest.raises(ValidationError):
        TraySettings.model_validate(data)
    settings = TraySettings.model_validate(data, context={"allow_private_urls": True})
    assert settings.store_id == "391250"
    with pytest.raises(ValidationError):
        TraySettings.model_validate({**data, "surprise": 1}, context={"allow_private_urls": True})

"""The client's small strategies (error table, pacing, pagination) on hand-built responses.

Pure functions; they sit here only because this change may not add files under tests/unit
other than the webhook tests.
"""

from __future__ import annotations

import httpx
import pytest

from connectors.errors import (
    AuthError,
    ConfigError,
    NotFound,
    Permanent,
    RateLimited,
    Retryable,
)
from connectors.shopify.client import error_for, next_page_url, parse_call_limit
from connectors.shopify.transport import remaining_calls

URL = "https://ponte-demo.myshopify.com/admin/api/2026-04/orders.json"


def answer(status: int, headers: dict[str, str] | None = None, body: str = "{}") -> httpx.Response:
    return httpx.Response(status, headers=headers, text=body, request=httpx.Request("GET", URL))


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, AuthError),
        (402, ConfigError),
        (403, ConfigError),
        (404, NotFound),
        (422, Permanent),
        (400, Permanent),
        (429, RateLimited),
        (500, Retryable),
        (503, Retryable),
    ],
)
def test_error_table(status: int, kind: type[Exception]) -> None:
    error = error_for(answer(status, body='{"errors": "x"}'))
    assert type(error) is kind
    assert error is not None and error.status == status and error.body == '{"errors": "x"}'


def test_success_is_not_an_error() -> None:
    assert error_for(answer(200)) is None
    assert error_for(answer(201)) is None


def test_429_waits_retry_after_else_one_second() -> None:
    told = error_for(answer(429, {"Retry-After": "2.0"}))
    untold = error_for(answer(429))
    assert isinstance(told, RateLimited) and told.retry_after == 2.0
    assert isinstance(untold, RateLimited) and untold.retry_after == 1.0


def test_call_limit_header() -> None:
    assert parse_call_limit("32/40") == (32, 40)
    assert parse_call_limit(None) is None
    assert parse_call_limit("garbage") is None


def test_remaining_calls_discounts_our_calls_still_in_flight() -> None:
    assert remaining_calls("32/40", in_flight=0) == 8
    assert remaining_calls("32/40", in_flight=3) == 5
    assert remaining_calls("40/40", in_flight=2) == 0
    assert remaining_calls(None, in_flight=0) is None


def test_next_page_from_link_header() -> None:
    link = (
        f'<{URL}?limit=3&page_info=prev123>; rel="previous", '
        f'<{URL}?limit=3&page_info=next456>; rel="next"'
    )
    assert next_page_url(answer(200, {"Link": link})) == f"{URL}?limit=3&page_info=next456"
    assert next_page_url(answer(200, {"Link": f'<{URL}?page_info=p>; rel="previous"'})) is None
    assert next_page_url(answer(200)) is None

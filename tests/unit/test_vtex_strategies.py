"""Paging and error strategies, each fed a hand-built httpx.Response."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from connectors.errors import AuthError, ConfigError, NotFound, Permanent, RateLimited, Retryable
from connectors.urls import PRIVATE_URLS_CONTEXT
from connectors.vtex.paging import (
    next_brand_page,
    next_catalog_range,
    next_oms_page,
    oms_window_too_large,
)
from connectors.vtex.settings import VtexSettings
from connectors.vtex.transport import Api, error_for


def answer(
    status: int, body: object = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    request = httpx.Request("GET", "https://ponte.vtexcommercestable.com.br/api/oms/pvt/orders")
    return httpx.Response(status, json=body, headers=headers, request=request)


def test_oms_pages_until_the_last_and_never_past_30() -> None:
    assert (
        next_oms_page(
            answer(
                200, {"paging": {"total": 84, "pages": 6, "currentPage": 1, "perPage": 15}}
            ).json()
        )
        == 2
    )
    assert (
        next_oms_page(
            answer(
                200, {"paging": {"total": 84, "pages": 6, "currentPage": 6, "perPage": 15}}
            ).json()
        )
        is None
    )
    big = {"paging": {"total": 5000, "pages": 50, "currentPage": 30, "perPage": 100}}
    assert next_oms_page(big) is None and oms_window_too_large(big)
    assert not oms_window_too_large(
        {"paging": {"total": 3000, "pages": 30, "currentPage": 1, "perPage": 100}}
    )


def test_catalog_ranges_stop_at_the_total() -> None:
    assert next_catalog_range(
        answer(200, {"data": {}, "range": {"total": 600, "from": 1, "to": 250}}).json()
    ) == (251, 500)
    assert next_catalog_range({"range": {"total": 12, "from": 1, "to": 20}}) is None


def test_brand_pages() -> None:
    assert next_brand_page({"paging": {"page": 1, "perPage": 1, "total": 3, "pages": 3}}) == 2
    assert next_brand_page({"paging": {"page": 3, "perPage": 1, "total": 3, "pages": 3}}) is None


@pytest.mark.parametrize(
    ("status", "kind"),
    [(400, Permanent), (401, AuthError), (403, ConfigError), (404, NotFound), (409, Permanent),
     (423, Retryable), (429, RateLimited), (500, Retryable), (503, Retryable)],
)  # fmt: skip
def test_the_error_table(status: int, kind: type) -> None:
    error = error_for(answer(status, {"error": {"message": "x"}}), Api.OMS)
    assert type(error) is kind
    assert error is not None and error.status == status


def test_429_honours_retry_after_and_oms_defaults_to_a_minute() -> None:
    given = error_for(answer(429, headers={"Retry-After": "2.5"}), Api.PRICING)
    assert isinstance(given, RateLimited) and given.retry_after == 2.5
    silent = error_for(answer(429), Api.OMS)
    assert isinstance(silent, RateLimited) and silent.retry_after == 60.0


def test_success_is_no_error_and_secrets_are_redacted() -> None:
    assert error_for(answer(200, {}), Api.CATALOG) is None
    leaked = error_for(answer(400, {"echo": "tok-123"}), Api.CATALOG, ("tok-123",))
    assert leaked is not None and leaked.body is not None and "tok-123" not in leaked.body


def test_settings_refuse_private_urls_outside_sandbox_mode() -> None:
    base = {"account": "loja", "app_key": "k", "app_token": "t", "hook_secret": "s"}
    assert VtexSettings(**base).origin == "https://loja.vtexcommercestable.com.br"
    assert VtexSettings(**base).pricing_origin == "https://api.vtex.com/loja"
    with pytest.raises(ValidationError):
        VtexSettings(**base, base_url="http://127.0.0.1:8104")
    with pytest.raises(ValidationError):
        VtexSettings(**base | {"account": "Loja Bonita!"})
    local = VtexSettings.model_validate(
        base | {"base_url": "http://127.0.0.1:8104/"}, context={PRIVATE_URLS_CONTEXT: True}
    )
    assert local.origin == "http://127.0.0.1:8104"
    with pytest.raises(ValidationError):
        VtexSettings(**base, surprise=1)
    assert "tok-secret" not in repr(VtexSettings(**base | {"app_token": "tok-secret"}))

"""Nuvemshop's small HTTP strategies on hand-built answers: errors, pages, bucket, settings."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from connectors.errors import (
    AuthError,
    ConfigError,
    NotFound,
    Permanent,
    RateLimited,
    Retryable,
)
from connectors.nuvemshop.errors import error_for, is_past_last_page
from connectors.nuvemshop.paging import link_targets, next_page, total_count
from connectors.nuvemshop.ratelimit import remaining_calls, retry_after_429, seconds_per_call
from connectors.nuvemshop.settings import NuvemshopSettings

BASE = {
    "store_id": "123",
    "access_token": "tok-XYZ",
    "app_secret": "s",
    "user_agent": "Ponte (ti@x.com)",
}


def answer(status: int, headers: dict[str, str] | None = None, text: str = "") -> httpx.Response:
    return httpx.Response(status, headers=headers, text=text)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, Permanent),
        (401, AuthError),
        (402, ConfigError),
        (403, ConfigError),
        (404, NotFound),
        (415, Permanent),
        (422, Permanent),
        (429, RateLimited),
        (500, Retryable),
        (503, Retryable),
        (418, Permanent),
    ],
)
def test_each_status_is_the_error_the_engine_acts_on(status: int, kind: type[Exception]) -> None:
    error = error_for(answer(status, text='{"name": ["can\'t be blank"]}'))
    assert type(error) is kind
    assert error is not None and error.status == status and error.body


def test_402_names_the_unpaid_store_and_2xx_is_no_error() -> None:
    error = error_for(answer(402))
    assert error is not None and "payment required" in error.reason
    assert not isinstance(error, AuthError)
    assert error_for(answer(200)) is None and error_for(answer(201)) is None


def test_a_page_past_the_end_is_told_from_a_missing_record() -> None:
    past = answer(404, text='{"code":404,"message":"Not Found","description":"Last page is 2"}')
    assert is_past_last_page(past)
    assert not is_past_last_page(answer(404, text='{"code":404,"message":"Not Found"}'))


def test_the_link_header_gives_next_and_last() -> None:
    link = (
        '<https://api.nuvemshop.com.br/v1/1/products?page=2&per_page=5>; rel="next", '
        '<https://api.nuvemshop.com.br/v1/1/products?page=4&per_page=5>; rel="last"'
    )
    response = answer(200, {"Link": link, "X-Total-Count": "17"})
    assert next_page(response) == "https://api.nuvemshop.com.br/v1/1/products?page=2&per_page=5"
    assert link_targets(response)["last"].endswith("page=4&per_page=5")
    assert total_count(response) == 17
    assert next_page(answer(200, {"Link": '<https://x/p?page=1>; rel="first"'})) is None
    assert next_page(answer(200)) is None


def test_the_bucket_headers_correct_the_estimate_and_time_the_retry() -> None:
    full = answer(
        429,
        {"x-rate-limit-limit": "40", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "20000"},
    )
    assert remaining_calls(full) == 0
    assert seconds_per_call(full) == pytest.approx(0.5)  # 40 calls drain in 20 s
    assert retry_after_429(full) == pytest.approx(0.5)
    assert retry_after_429(answer(429, {"Retry-After": "3"})) == 3
    assert retry_after_429(answer(429)) == pytest.approx(0.5)  # one leak at 2/s
    assert remaining_calls(answer(200)) is None


def test_settings_check_the_store_id_the_user_agent_and_the_version() -> None:
    settings = NuvemshopSettings.model_validate(BASE | {"store_id": 123})
    assert settings.api_root == "https://api.nuvemshop.com.br/2025-03/123"
    assert NuvemshopSettings.model_validate(BASE | {"api_version": "v1"}).api_version == "v1"
    for bad in (
        {"store_id": "loja"},
        {"user_agent": "Ponte"},
        {"api_version": "2025"},
        {"extra": 1},
    ):
        with pytest.raises(ValidationError):
            NuvemshopSettings.model_validate(BASE | bad)
    assert "tok-XYZ" not in repr(settings)


def test_a_private_base_url_needs_the_sandbox_context() -> None:
    local = BASE | {"base_url": "http://127.0.0.1:8104/"}
    with pytest.raises(ValidationError):
        NuvemshopSettings.model_validate(local)
    settings = NuvemshopSettings.model_validate(local, context={"allow_private_urls": True})
    assert settings.base_url == "http://127.0.0.1:8104"

"""The ERP client's pure strategies on hand-built responses: error table and paging."""

from __future__ import annotations

import httpx
import pytest

from connectors.erp.client import error_class, error_for
from connectors.erp.paging import first_page, next_page
from connectors.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    NotFound,
    Permanent,
    RateLimited,
    Retryable,
)

API = "https://loja.eccosys.com.br/api"


def response(
    status: int,
    body: object = None,
    *,
    url: str = f"{API}/pedidos",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers, request=httpx.Request("GET", url))


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, None),
        (201, None),
        (301, ConfigError),
        (400, Permanent),
        (401, AuthError),
        (403, AuthError),
        (404, NotFound),
        (409, Permanent),
        (410, Permanent),
        (422, Permanent),
        (429, RateLimited),
        (500, Retryable),
        (502, Retryable),
        (503, Retryable),
        (504, Retryable),
    ],
)
def test_error_table(status: int, expected: type[ConnectorError] | None) -> None:
    assert error_class(status) is expected


def test_success_is_no_error() -> None:
    assert error_for(response(200, [])) is None


def test_429_carries_retry_after() -> None:
    error = error_for(response(429, {"erro": "Muitas requisições"}, headers={"Retry-After": "12"}))
    assert isinstance(error, RateLimited)
    assert error.retry_after == 12.0
    assert error.reason == "Muitas requisições"


def test_503_without_retry_after_is_retryable_with_none() -> None:
    error = error_for(response(503, None))
    assert type(error) is Retryable
    assert error.retry_after is None
    assert error.status == 503


def test_envelope_errors_become_the_reason() -> None:
    envelope = {
        "result": {
            "success": [],
            "error": [{"id": "", "codigo": "1001", "erro": "Transportador não mapeado"}],
        }
    }
    error = error_for(response(422, envelope))
    assert isinstance(error, Permanent)
    assert error.reason == "Transportador não mapeado"
    assert error.status == 422
    assert error.body is not None and "1001" in error.body


def test_token_echoed_in_a_body_is_redacted() -> None:
    error = error_for(response(401, {"erro": "token s3cr3t inválido"}), secret="s3cr3t")
    assert isinstance(error, AuthError)
    assert "s3cr3t" not in error.describe()
    assert error.body is not None and "[redacted]" in error.body


def test_non_json_error_body_still_yields_a_reason() -> None:
    raw = httpx.Response(502, text="<html>Bad gateway</html>", request=httpx.Request("GET", API))
    error = error_for(raw)
    assert isinstance(error, Retryable)
    assert error.reason == "ERP answered HTTP 502"
    assert error.body == "<html>Bad gateway</html>"


def test_first_page() -> None:
    assert first_page(50) == {"$offset": "0", "$count": "50"}
    with pytest.raises(ValueError):
        first_page(0)


def test_full_page_asks_for_the_next_one() -> None:
    page = response(200, [{"id": "1"}, {"id": "2"}], url=f"{API}/pedidos?$offset=4&$count=2")
    assert next_page(page) == {"$offset": "6", "$count": "2"}


def test_short_page_is_the_last() -> None:
    page = response(200, [{"id": "1"}], url=f"{API}/pedidos?$offset=4&$count=2")
    assert next_page(page) is None


def test_empty_page_is_the_last() -> None:
    assert next_page(response(200, [], url=f"{API}/pedidos?$offset=6&$count=2")) is None


def test_without_count_there_is_no_next_page() -> None:
    assert next_page(response(200, [{"id": "1"}], url=f"{API}/pedidos")) is None

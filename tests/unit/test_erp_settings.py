"""ERP settings, status codes, exact JSON and the token bucket."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from connectors.capabilities import Entity, Operation
from connectors.erp import json_exact
from connectors.erp.connector import ERP
from connectors.erp.ratelimit import TokenBucket
from connectors.erp.settings import ErpSettings
from connectors.erp.situacao import Situacao


def test_settings_defaults_and_secret() -> None:
    settings = ErpSettings(base_url="https://loja.eccosys.com.br/api/", api_token="tok-123")
    assert settings.base_url == "https://loja.eccosys.com.br/api"
    assert settings.requests_per_second == 1.0
    assert settings.timeout_seconds == 10
    assert "tok-123" not in repr(settings)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8101/api", "http://localhost:8101/api", "http://[::1]:8101/api"]
)
def test_plain_http_is_allowed_for_loopback(url: str) -> None:
    assert ErpSettings(base_url=url, api_token="t").base_url == url


@pytest.mark.parametrize(
    "url", ["http://loja.eccosys.com.br/api", "loja.eccosys.com.br", "ftp://x/api"]
)
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(ValidationError):
        ErpSettings(base_url=url, api_token="t")


def test_unknown_settings_and_mutation_are_refused() -> None:
    with pytest.raises(ValidationError):
        ErpSettings(base_url="https://a.eccosys.com.br/api", api_token="t", apikey="x")  # type: ignore[call-arg]
    settings = ErpSettings(base_url="https://a.eccosys.com.br/api", api_token="t")
    with pytest.raises(ValidationError):
        settings.requests_per_second = 5  # type: ignore[misc]


def test_situacao_codes_and_labels() -> None:
    assert {s.value: s.label for s in Situacao} == {
        -1: "Aguardando pagamento",
        0: "Em aberto",
        1: "Atendido",
        2: "Cancelado",
        3: "Pronto para picking",
        4: "Pagamento em análise",
    }


def test_connector_declares_order_operations() -> None:
    assert ERP.name == "erp"
    assert ERP.settings is ErpSettings
    for operation in (Operation.WRITE, Operation.READ, Operation.LIST_SINCE, Operation.GET_BY_CODE):
        assert ERP.can(Entity.ORDER, operation)
    assert not ERP.can(Entity.ORDER, Operation.WEBHOOK)


def test_decimals_go_out_as_exact_numbers_and_come_back_as_decimals() -> None:
    document = {"valor": Decimal("129.90"), "frete": Decimal("0.00"), "quantidade": 2}
    text = json_exact.dumps(document)
    assert text == b'{"valor":129.90,"frete":0.00,"quantidade":2}'
    assert json_exact.loads(text) == document
    assert str(json_exact.loads(text)["valor"]) == "129.90"


def test_non_finite_decimals_are_refused() -> None:
    with pytest.raises(TypeError):
        json_exact.dumps({"valor": Decimal("NaN")})


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_bucket_paces_reservations() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=2, capacity=1, clock=clock)
    assert bucket.reserve() == 0
    assert bucket.reserve() == pytest.approx(0.5)
    assert bucket.reserve() == pytest.approx(1.0)
    clock.now = 1.0
    assert bucket.reserve() == pytest.approx(0.5)


def test_bucket_refuses_without_taking() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=1, capacity=2, clock=clock)
    assert bucket.try_take() is None
    assert bucket.try_take() is None
    assert bucket.try_take() == pytest.approx(1.0)
    assert bucket.try_take() == pytest.approx(1.0)
    clock.now = 1.0
    assert bucket.try_take() is None

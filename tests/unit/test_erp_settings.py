"""ERP settings (the shared URL rule), status codes and exact JSON."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from connectors.capabilities import Entity, Operation
from connectors.erp import json_exact
from connectors.erp.connector import ERP
from connectors.erp.platform import ErpPlatformClient
from connectors.erp.settings import ErpSettings
from connectors.erp.situacao import Situacao
from connectors.erp.webhooks import verify_erp_push


def test_settings_defaults_and_secret() -> None:
    settings = ErpSettings(base_url="https://loja.eccosys.com.br/api/", api_token="tok-123")
    assert settings.base_url == "https://loja.eccosys.com.br/api"
    assert settings.requests_per_second == 1.0
    assert settings.timeout_seconds == 10
    assert "tok-123" not in repr(settings)


DEV_MODE = {"allow_private_urls": True}
LOOPBACK = ["http://127.0.0.1:8101/api", "http://localhost:8101/api", "http://[::1]:8101/api"]


@pytest.mark.parametrize("url", [*LOOPBACK, "http://erp-sandbox:8101/api"])
def test_plain_http_and_private_hosts_are_allowed_in_dev_mode(url: str) -> None:
    settings = ErpSettings.model_validate({"base_url": url, "api_token": "t"}, context=DEV_MODE)
    assert settings.base_url == url


@pytest.mark.parametrize(
    "url",
    [
        *LOOPBACK,
        "https://127.0.0.1/api",
        "https://10.0.0.5/api",
        "https://erp.internal/api",
        "http://loja.eccosys.com.br/api",
        "https://user:pw@loja.eccosys.com.br/api",
    ],
)
def test_outside_dev_mode_only_public_https_is_accepted(url: str) -> None:
    with pytest.raises(ValidationError):
        ErpSettings(base_url=url, api_token="t")


@pytest.mark.parametrize("url", ["loja.eccosys.com.br", "ftp://x/api"])
def test_non_http_urls_are_refused_even_in_dev_mode(url: str) -> None:
    with pytest.raises(ValidationError):
        ErpSettings.model_validate({"base_url": url, "api_token": "t"}, context=DEV_MODE)


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


def test_connector_declares_what_the_adapter_implements() -> None:
    assert ERP.name == "erp"
    assert ERP.settings is ErpSettings
    full = {Operation.WRITE, Operation.READ, Operation.LIST_SINCE, Operation.GET_BY_CODE}
    for entity in (Entity.ORDER, Entity.PRODUCT):
        assert ERP.capabilities[entity] == full | {Operation.WEBHOOK}
    assert ERP.capabilities[Entity.STOCK] == {Operation.WRITE, Operation.WEBHOOK}
    assert ERP.capabilities[Entity.PRICE] == {Operation.WRITE}
    for entity in (Entity.CATEGORY, Entity.BRAND, Entity.ATTRIBUTE):
        assert ERP.capabilities[entity] == {
            Operation.READ,
            Operation.GET_BY_CODE,
            Operation.WRITE,
        }
    assert ERP.client is ErpPlatformClient and ERP.verify_notification is verify_erp_push
    assert ERP.sandbox_kit is not None


def test_decimals_go_out_as_exact_numbers_and_come_back_as_decimals() -> None:
    document = {"valor": Decimal("129.90"), "frete": Decimal("0.00"), "quantidade": 2}
    text = json_exact.dumps(document)
    assert text == b'{"valor":129.90,"frete":0.00,"quantidade":2}'
    assert json_exact.loads(text) == document
    assert str(json_exact.loads(text)["valor"]) == "129.90"


def test_non_finite_decimals_are_refused() -> None:
    with pytest.raises(TypeError):
        json_exact.dumps({"valor": Decimal("NaN")})

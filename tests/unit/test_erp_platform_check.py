"""The ERP adapter's "Testar conexão": every answer named, on hand-built responses."""

from __future__ import annotations

import httpx
import pytest

from connectors.contract import CheckOutcome
from connectors.erp.platform import ErpPlatformClient
from connectors.erp.settings import ErpSettings

SETTINGS = ErpSettings(
    base_url="https://loja.eccosys.com.br/api", api_token="tok-123", requests_per_second=1000
)


async def check(response: httpx.Response) -> tuple[CheckOutcome, str]:
    client = ErpPlatformClient(SETTINGS, transport=httpx.MockTransport(lambda _: response))
    try:
        result = await client.test_connection()
    finally:
        await client.aclose()
    return result.outcome, result.detail


@pytest.mark.parametrize(
    ("response", "outcome", "said"),
    [
        (httpx.Response(200, json=[]), CheckOutcome.OK, "Conectado"),
        (
            httpx.Response(401, json={"erro": "Token inválido"}),
            CheckOutcome.BAD_CREDENTIALS,
            "token",
        ),
        (httpx.Response(403, json={}), CheckOutcome.MISSING_PERMISSION, "permissão"),
        (httpx.Response(404, text="Not Found"), CheckOutcome.UNKNOWN_STORE, "{empresa}.eccosys"),
        (
            httpx.Response(302, headers={"Location": "https://eccosys.com.br/login"}),
            CheckOutcome.UNKNOWN_STORE,
            "redireciona",
        ),
        (httpx.Response(502, text="Bad Gateway"), CheckOutcome.UNREACHABLE, "HTTP 502"),
    ],
)
async def test_each_answer_is_named_for_a_person(
    response: httpx.Response, outcome: CheckOutcome, said: str
) -> None:
    found, detail = await check(response)
    assert found is outcome
    assert said in detail
    assert "tok-123" not in detail

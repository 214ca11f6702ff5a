"""Field-level refusals on the screen: the field's label and the reason, in pt-BR, the field
marked invalid and focused; never pydantic's English."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.screen import shopify_access, shot, sign_in
from tests.harness import Stack, Worker
from tests.integration.support import create_integration

ENGLISH = re.compile(r"should|must|Input|String|Value error|field required", re.IGNORECASE)


def test_a_refused_shop_domain_is_explained_in_portuguese_at_its_field(
    stack: Stack, worker: Worker, page: Page
) -> None:
    sign_in(page, worker.url)
    page.goto(f"{worker.url}/plataformas/incluir")
    page.get_by_role("link", name="Shopify", exact=True).click()
    page.get_by_label("Nome da integração").fill("Loja do Pedro")
    page.get_by_text("Opções avançadas").click()
    for name, value in {**shopify_access(stack), "shop_domain": "lojadopedro.com.br"}.items():
        page.locator(f'[name="access.{name}"]').fill(value)

    page.get_by_role("button", name="Salvar").click()

    result = page.locator("#incluir .result")
    expect(result).to_contain_text("Os dados de acesso não são válidos")
    expect(result).to_contain_text(
        "Domínio da loja (.myshopify.com): use o domínio permanente da loja, terminado em "
        ".myshopify.com"
    )
    assert not ENGLISH.search(result.inner_text()), result.inner_text()
    domain = page.locator('[name="access.shop_domain"]')
    expect(domain).to_have_attribute("aria-invalid", "true")
    expect(domain).to_be_focused()
    shot(page, "22-incluir-dominio-invalido")


def test_each_kind_of_refusal_reads_as_label_and_reason(
    stack: Stack, worker: Worker, page: Page
) -> None:
    """The screen's own script, on a real page, given the API's kinds of field refusal."""
    create_integration(stack, worker, "loja-campos")
    sign_in(page, worker.url)
    page.goto(f"{worker.url}/plataformas/loja-campos/configuracoes")
    refusals = [
        {"field": "stock_buffer", "type": "greater_than_equal", "limit": "0"},
        {"field": "price_drop_guard_percent", "type": "less_than_equal", "limit": "100.0"},
        {"field": "order_import_since", "type": "date_from_datetime_parsing"},
        {"field": "access.base_url", "type": "url_parsing"},
        {"field": "name", "type": "missing"},
        {
            "field": "id",
            "type": "value_error",
            "message": "Value error, 'x' is reserved by the "
            "screen and the API (incluir); choose another id",
        },
        {"field": "platform_extras.warehouse", "message": "not allowed"},
        {"field": "something_new", "type": "a_type_nobody_knows"},
    ]
    said = page.evaluate(
        "(fields) => problem({status: 400, data: {error: {code: 'invalid', message: 'x', "
        "fields: fields.map((f) => ({message: 'English', ...f}))}}})",
        refusals,
    )

    assert said.startswith("Alguns campos não são válidos."), said
    for expected in (
        "Estoque de segurança: use um valor igual ou maior que 0",
        "Segurar quedas de preço acima de (%): use um valor igual ou menor que 100,0",
        "Importar pedidos a partir de: use uma data válida (dd/mm/aaaa)",
        "URL da API: use um endereço completo, como https://minhaloja.com.br",
        "Nome: preencha este campo",
        "Identificador: este identificador é reservado; escolha outro",
        "Opções da plataforma: esta opção não existe para esta plataforma",
        "something_new: valor não aceito",
    ):
        assert expected in said, (expected, said)
    assert not ENGLISH.search(said), said
    expect(page.locator('[name="stock_buffer"], [name$=".stock_buffer"]').first).to_have_attribute(
        "aria-invalid", "true"
    )

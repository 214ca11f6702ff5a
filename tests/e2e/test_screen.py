"""The Integrações screen in a real browser (Debian's Chromium, headless) against a real engine
worker, the real broker and the ERP and Shopify sandboxes, walking a newcomer's path.

Every screen is saved as a screenshot under var/screenshots/ (PONTE_SCREENSHOT_DIR).
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from engine.web.auth import SESSION_COOKIE
from tests.e2e.screen import (
    erp_order,
    place_store_order,
    seed_products,
    shopify_access,
    shot,
    sign_in,
)
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import create_integration, subscribe_orders

pytestmark = pytest.mark.broker

INTEGRATION = "loja-da-joana"


def test_nothing_is_shown_or_changed_without_signing_in(worker: Worker) -> None:
    page_answer = httpx.get(f"{worker.url}/plataformas", follow_redirects=False)
    api_answer = httpx.get(f"{worker.url}/api/v1/integrations")
    change = httpx.post(
        f"{worker.url}/api/v1/integrations/test-connection",
        json={"platform": "shopify", "access": {}},
    )
    forged = httpx.get(
        f"{worker.url}/api/v1/integrations", cookies={SESSION_COOKIE: "admin.9999999999.00.x"}
    )

    assert page_answer.status_code == 303
    assert page_answer.headers["Location"].startswith("/login?next=")
    assert api_answer.status_code == 401
    assert api_answer.json()["error"]["code"] == "unauthorized"
    assert change.status_code == 401
    assert forged.status_code == 401
    assert httpx.get(f"{worker.url}/health").status_code == 200


def test_a_wrong_password_keeps_the_door_shut(worker: Worker, page: Page) -> None:
    sign_in(page, worker.url, password="senha-errada")

    expect(page.get_by_role("alert")).to_have_text("Usuário ou senha incorretos.")
    shot(page, "01-entrar-senha-errada")
    assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]


def test_the_session_cookie_is_httponly_strict_and_changes_need_its_csrf_token(
    worker: Worker, page: Page
) -> None:
    sign_in(page, worker.url)
    expect(page.get_by_role("heading", name="Plataformas")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)

    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""
    read = page.request.get(f"{worker.url}/api/v1/integrations")
    assert read.status == 200
    unsigned = page.request.post(
        f"{worker.url}/api/v1/integrations/test-connection",
        data={"platform": "shopify", "access": {}},
    )
    assert unsigned.status == 403
    assert unsigned.json()["error"]["code"] == "csrf_token"

    page.get_by_role("button", name="Sair").click()
    expect(page.get_by_role("heading", name="Entrar na Ponte")).to_be_visible()
    assert page.request.get(f"{worker.url}/api/v1/integrations").status == 401


def test_a_newcomer_includes_shopify_and_runs_the_store_from_the_screen(
    stack: Stack, worker: Worker, page: Page
) -> None:
    sign_in(page, worker.url)
    expect(page.get_by_role("heading", name="Plataformas")).to_be_visible()
    shot(page, "02-plataformas-vazia")

    include_shopify(page, stack)
    enable_vendas(page)
    base = f"{worker.url}/plataformas/{INTEGRATION}"
    set_a_stock_buffer(page, worker, base)
    subscribe_orders(stack, worker, INTEGRATION)

    order = place_store_order(stack, shipping="SEDEX")
    see_the_order_in_the_history_with_its_erp_link(page, stack, base, str(order["name"]))
    import_the_catalogue(page, stack, base)
    fix_a_parked_order_mapping_and_retry(page, stack, worker, base)

    page.goto(f"{worker.url}/plataformas")
    row = page.get_by_role("row", name=re.compile("Loja da Joana"))
    expect(row).to_contain_text("Shopify")
    expect(row).to_contain_text("ativa")
    row.get_by_label("Ações de Loja da Joana").click()
    expect(row.get_by_role("link", name="Importar Pedidos de Venda")).to_be_visible()
    shot(page, "10-plataformas-menu")


def include_shopify(page: Page, stack: Stack) -> None:
    page.get_by_role("link", name="Incluir uma Plataforma").click()
    for platform in ("Nuvemshop", "Tray", "VTEX", "Shopify"):
        expect(page.get_by_role("link", name=platform, exact=True)).to_be_visible()
    page.get_by_role("link", name="Shopify", exact=True).click()
    page.get_by_label("Nome da integração").fill("Loja da Joana")
    page.get_by_label("Identificador (opcional)").fill(INTEGRATION)
    fill_access(page, shopify_access(stack, token="shpat_token_errado"))
    expect(page.get_by_label("Token de acesso (Admin API)")).to_have_attribute("type", "password")

    page.get_by_role("button", name="Testar Conexão").click()
    expect(page.locator("#incluir .result")).to_contain_text("recusou as credenciais")
    shot(page, "03-incluir-token-errado")

    page.get_by_label("Token de acesso (Admin API)").fill(stack.shopify_token)
    page.get_by_role("button", name="Testar Conexão").click()
    expect(page.locator("#incluir .result")).to_contain_text("Conexão estabelecida com sucesso")
    shot(page, "04-incluir-conexao-ok")

    page.get_by_role("button", name="Salvar").click()
    expect(page).to_have_url(re.compile(f"/plataformas/{INTEGRATION}/automacoes$"))


def fill_access(page: Page, access: dict[str, str]) -> None:
    page.get_by_text("Opções avançadas").click()
    for name, value in access.items():
        page.locator(f'[name="access.{name}"]').fill(value)


def enable_vendas(page: Page) -> None:
    expect(page.get_by_text("deve ser feita com cautela")).to_be_visible()
    for group in ("Produto", "Estoque", "Vendas", "Webhooks"):
        expect(page.locator("legend", has_text=group)).to_be_visible()
    switch = page.get_by_role("switch", name="Importar pedidos de venda")
    expect(switch).not_to_be_checked()
    switch.check()
    shot(page, "05-automacoes")
    page.get_by_role("button", name="Salvar Automações").click()
    expect(page.locator("#automacoes .result")).to_have_text("Salvo.")
    page.reload()
    expect(page.get_by_role("switch", name="Importar pedidos de venda")).to_be_checked()


def set_a_stock_buffer(page: Page, worker: Worker, base: str) -> None:
    page.get_by_role("link", name="Configurações", exact=True).click()
    page.get_by_label("Estoque de segurança").fill("3")
    page.get_by_label("Preço", exact=True).select_option("platform")
    page.get_by_role("button", name="Salvar Configurações").click()
    expect(page.locator("#configuracoes .result")).to_have_text("Salvo.")
    page.reload()
    expect(page.get_by_label("Estoque de segurança")).to_have_value("3")
    settings = worker.api("GET", f"/api/v1/integrations/{INTEGRATION}/settings").json()["settings"]
    assert settings["stock_buffer"] == 3
    assert settings["field_owner"]["price"] == "platform"
    assert settings["sync_images"] is True
    page.get_by_role("button", name="Testar Conexão").click()
    expect(page.locator("#heading-result")).to_have_text("Conexão estabelecida com sucesso.")
    shot(page, "05b-configuracoes")
    assert page.url.startswith(base)


def see_the_order_in_the_history_with_its_erp_link(
    page: Page, stack: Stack, base: str, number: str
) -> None:
    pedido = wait_until(lambda: erp_order(stack, number), 60, f"order {number} in the ERP")
    page.get_by_label("Ações de Loja da Joana").click()
    page.get_by_role("link", name="Histórico e vínculos").click()
    expect(page).to_have_url(f"{base}/historico")
    page.get_by_label(re.compile("Buscar por código")).fill(number)
    page.get_by_role("button", name="Buscar").click()
    links = page.get_by_role("table", name="Vínculos com o ERP")
    expect(links).to_contain_text(str(pedido["id"]))
    expect(page.get_by_role("table", name="Histórico", exact=True)).to_contain_text(
        f"ERP order {pedido['id']}"
    )
    shot(page, "06-historico-e-vinculos")


def import_the_catalogue(page: Page, stack: Stack, base: str) -> None:
    seed_products(stack, 12)
    page.goto(f"{base}/importar")
    page.get_by_role("button", name="Importar Produtos").click()
    row = page.locator("#jobs tbody tr").first
    expect(row.locator("progress")).to_be_visible()
    shot(page, "07-importar-em-andamento")
    expect(row.locator(".state")).to_have_text("concluída", timeout=120_000)
    bar = row.locator("progress")
    assert bar.get_attribute("value") == bar.get_attribute("max")
    assert int(str(bar.get_attribute("max"))) >= 12
    expect(row.locator(".outcome")).to_contain_text(re.compile(r"^(\d+) de \1 importado"))
    shot(page, "08-importar-concluida")


def fix_a_parked_order_mapping_and_retry(
    page: Page, stack: Stack, worker: Worker, base: str
) -> None:
    page.goto(f"{base}/mapeamentos")
    page.get_by_role("button", name="Adicionar regra").click()
    page.get_by_label("Identificador").fill("frete")
    page.get_by_label("Campo de destino").select_option("carrier")
    page.get_by_label("Campo de origem").fill("shipping.method")
    page.get_by_label("Transformação").select_option("lookup")
    page.get_by_label(re.compile("tabela de-para")).fill("PAC = CORREIOS-PAC")
    page.get_by_label(re.compile("Obrigatório")).check()
    with page.expect_navigation():  # the page reloads with the new version after saving
        page.get_by_role("button", name="Salvar Mapeamentos").click()
        expect(page.locator("#mapeamentos .result")).to_have_text("Mapeamentos salvos.")

    order = place_store_order(stack, shipping="SEDEX")
    key = f"order:{order['id']}"
    wait_until(
        lambda: any(
            e["entity_key"] == key
            for e in worker.api("GET", f"/api/v1/integrations/{INTEGRATION}/errors").json()[
                "errors"
            ]
        ),
        60,
        "the SEDEX order parked for its missing carrier",
    )
    page.goto(f"{base}/erros")
    item = page.locator(f'[data-entity-key="{key}"]')
    expect(item.locator(".reason")).to_contain_text("SEDEX")
    shot(page, "09-erros")

    page.goto(f"{base}/mapeamentos")
    page.get_by_label(re.compile("tabela de-para")).fill(
        "PAC = CORREIOS-PAC\nSEDEX = CORREIOS-SEDEX"
    )
    page.get_by_role("button", name="Pré-visualizar").click()
    expect(page.locator("#previa")).to_contain_text("CORREIOS-SEDEX")
    shot(page, "09b-mapeamentos-previa")
    with page.expect_navigation():  # the page reloads with the new version after saving
        page.get_by_role("button", name="Salvar Mapeamentos").click()
        expect(page.locator("#mapeamentos .result")).to_have_text("Mapeamentos salvos.")

    page.goto(f"{base}/erros")
    item = page.locator(f'[data-entity-key="{key}"]')
    item.get_by_role("button", name="Reenviar", exact=True).click()
    expect(item.locator(".result")).to_contain_text("Aplicado com sucesso", timeout=60_000)
    assert erp_order(stack, str(order["name"])) is not None
    page.reload()
    expect(page.get_by_text("Nenhum registro com erro")).to_be_visible()


def test_orders_held_while_vendas_was_off_are_processed_from_automacoes(
    stack: Stack, worker: Worker, page: Page
) -> None:
    # The sandbox shop is the one of loja-da-joana too: this integration's own links tell
    # whether it imported the order.
    def linked_orders(integration_id: str, number: str) -> list[object]:
        path = f"/api/v1/integrations/{integration_id}/links"
        return list(worker.api("GET", path, params={"q": number}).json()["links"])

    create_integration(stack, worker, "loja-retida", automations={})
    subscribe_orders(stack, worker, "loja-retida")
    order = place_store_order(stack, shipping="PAC")
    number = str(order["name"])
    wait_until(
        lambda: worker.api("GET", "/api/v1/integrations/loja-retida/held").json()["count"],
        60,
        "the order held while Vendas is off",
    )
    sign_in(page, worker.url)
    page.goto(f"{worker.url}/plataformas/loja-retida/automacoes")
    page.get_by_role("switch", name="Importar pedidos de venda").check()
    page.get_by_role("button", name="Salvar Automações").click()
    expect(page.locator("#automacoes .result")).to_have_text("Salvo.")
    page.reload()

    held = page.get_by_role("group", name="Eventos retidos de Importar pedidos de venda")
    expect(held).to_contain_text("1 evento(s) retido(s)")
    shot(page, "11-automacoes-eventos-retidos")
    assert linked_orders("loja-retida", number) == []
    held.get_by_role("button", name="Processar").click()

    wait_until(lambda: linked_orders("loja-retida", number), 60, f"held order {number} linked")
    assert erp_order(stack, number) is not None
    page.reload()
    expect(page.get_by_text("evento(s) retido(s)")).to_have_count(0)

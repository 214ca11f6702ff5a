"""Managing saved integrations from the screen, in a real browser against a real engine worker,
the real broker and the sandboxes: Histórico de configurações (compare, restore), Tarefas
(cancel), Vincular catálogo por SKU/EAN, Acesso (edit, secrets as "definido"), Excluir
integração (refused while events are held), dates as dd/mm/aaaa, reserved ids, and the API's
errors in pt-BR.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, expect

from connectors.capabilities import Entity
from tests.e2e.screen import place_store_order, shopify_access, shot, sign_in
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import create_integration, subscribe_orders
from tests.integration.test_records_api import erp_product, shopify_product
from tests.platforms import PlatformSandbox, create_platform_integration

pytestmark = pytest.mark.broker


@pytest.fixture(scope="module")
def tray(stack: Stack) -> Iterator[PlatformSandbox]:
    sandbox = PlatformSandbox("tray", stack.workdir / "tray").start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


def open_tab(page: Page, worker: Worker, integration_id: str, tab: str) -> str:
    """Sign in, then open one of the integration's pages; its base address."""
    sign_in(page, worker.url)
    expect(page.get_by_role("heading", name="Plataformas")).to_be_visible()
    base = f"{worker.url}/plataformas/{integration_id}"
    page.goto(f"{base}/{tab}")
    return base


def api_of(worker: Worker, integration_id: str, path: str = "") -> dict[str, object]:
    answer = worker.api("GET", f"/api/v1/integrations/{integration_id}{path}")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_config_history_compares_two_versions_and_restores_one(
    stack: Stack, worker: Worker, page: Page
) -> None:
    create_integration(stack, worker, "loja-versoes")
    base = open_tab(page, worker, "loja-versoes", "configuracoes")
    for buffer in ("5", "8"):
        page.get_by_label("Estoque de segurança").fill(buffer)
        page.get_by_role("button", name="Salvar Configurações").click()
        expect(page.locator("#configuracoes .result")).to_have_text("Salvo.")
        page.reload()

    page.get_by_role("link", name="Histórico de configurações").click()
    expect(page).to_have_url(f"{base}/versoes")
    versions = page.get_by_role("table", name="Versões da configuração")
    rows = versions.locator(":scope > tbody > tr")
    newest = rows.first
    expect(newest.get_by_role("rowheader")).to_have_text("3 atual")
    expect(newest).to_contain_text("admin")
    expect(newest).to_contain_text("Configurações / Estoque de segurança")
    expect(newest.get_by_role("button", name="Restaurar esta versão")).to_have_count(0)
    newest.locator("summary").click()
    changes = newest.get_by_role("table", name="Alterações da versão 3")
    expect(changes.get_by_role("row", name=re.compile("Estoque de segurança"))).to_contain_text(
        re.compile(r"5\s*8")
    )
    expect(rows.last).to_contain_text("Inclusão")

    page.get_by_label("Da versão").select_option("1")
    page.get_by_label("para a versão").select_option("3")
    page.get_by_role("button", name="Comparar").click()
    expect(page).to_have_url(f"{base}/versoes?de=1&ate=3")
    diff = page.get_by_role("table", name="Diferenças entre as versões")
    expect(diff.get_by_role("row", name=re.compile("Estoque de segurança"))).to_contain_text(
        re.compile(r"0\s*8")
    )
    shot(page, "12-historico-configuracoes")

    restore = page.locator('tr[data-version="2"]').get_by_role(
        "button", name="Restaurar esta versão"
    )
    restore.click()
    expect(page.locator("#versoes-result")).to_have_text("Versão 2 restaurada: agora é a versão 4.")
    expect(rows.first).to_contain_text("Restauração")
    settings = api_of(worker, "loja-versoes", "/settings")["settings"]
    assert settings["stock_buffer"] == 5  # type: ignore[index]

    page.locator('tr[data-version="2"]').get_by_role("button", name="Restaurar esta versão").click()
    expect(page.locator("#versoes-result")).to_have_text(
        "A versão atual já tem as Configurações, os Mapeamentos e as Automações desta versão."
    )
    shot(page, "13-historico-restaurar-nada-a-restaurar")


def test_dates_are_typed_and_shown_as_dd_mm_aaaa(stack: Stack, worker: Worker, page: Page) -> None:
    create_integration(stack, worker, "loja-datas")
    base = open_tab(page, worker, "loja-datas", "configuracoes")
    since = page.get_by_label("Importar pedidos a partir de")
    expect(since).to_have_attribute("placeholder", "dd/mm/aaaa")
    since.fill("31/02/2026")
    page.get_by_role("button", name="Salvar Configurações").click()
    expect(page.locator("#configuracoes .result")).to_contain_text("Data inválida")
    expect(since).to_have_attribute("aria-invalid", "true")
    expect(since).to_be_focused()
    since.fill("15/01/2026")
    page.get_by_role("button", name="Salvar Configurações").click()
    expect(page.locator("#configuracoes .result")).to_have_text("Salvo.")
    page.reload()
    expect(page.get_by_label("Importar pedidos a partir de")).to_have_value("15/01/2026")
    settings = api_of(worker, "loja-datas", "/settings")["settings"]
    assert settings["order_import_since"] == "2026-01-15"  # type: ignore[index]

    page.goto(f"{base}/pedidos")
    page.get_by_label("De", exact=True).fill("01/11/2026")
    page.get_by_label("Até", exact=True).fill("30/11/2026")
    page.get_by_role("button", name="Importar Pedidos").click()
    expect(page.locator("#job-result")).to_have_text("Tarefa iniciada.")
    shot(page, "14-pedidos-datas")
    [job] = api_of(worker, "loja-datas", "/jobs")["jobs"]  # type: ignore[misc]
    assert (job["request"]["date_from"], job["request"]["date_to"]) == ("2026-11-01", "2026-11-30")


def test_a_running_import_is_cancelled_and_listed_with_its_result(
    worker: Worker, tray: PlatformSandbox, page: Page
) -> None:
    tray.run(lambda: tray.kit.seed(Entity.PRODUCT, 600), timeout=600)
    create_platform_integration(worker, tray, "loja-tray", automations={})
    base = open_tab(page, worker, "loja-tray", "importar")

    page.get_by_role("button", name="Importar Produtos").click()
    row = page.locator("#jobs tbody tr").first
    expect(row.locator(".state")).to_have_text("em andamento")
    row.get_by_role("button", name="Cancelar Importar Produtos").click()
    expect(page.locator("#job-result")).to_contain_text("Cancelamento pedido")
    expect(row.locator(".state")).to_have_text("cancelada", timeout=60_000)
    expect(row.locator(".outcome")).to_contain_text("antes do cancelamento")
    expect(row.get_by_role("button", name=re.compile("Cancelar"))).to_have_count(0)

    page.get_by_label("Ações de Loja loja-tray").click()
    page.get_by_role("link", name="Tarefas").click()
    expect(page).to_have_url(f"{base}/tarefas")
    listed = page.get_by_role("table", name="Tarefas da integração").locator("tbody tr").first
    expect(listed).to_contain_text("Importar Produtos")
    expect(listed.locator(".state")).to_have_text("cancelada")
    expect(listed).to_contain_text(re.compile(r"\d+ de \d+ importado\(s\) antes do cancelamento"))
    expect(listed).to_contain_text("admin")
    shot(page, "15-tarefas-cancelada")
    [job] = api_of(worker, "loja-tray", "/jobs")["jobs"]  # type: ignore[misc]
    assert job["state"] == "cancelled" and job["done"] < 600, job


def test_the_catalogue_is_matched_by_sku_then_linked_and_conflicts_are_listed(
    stack: Stack, worker: Worker, page: Page
) -> None:
    create_integration(stack, worker, "loja-vinculos")
    tag = f"V{uuid.uuid4().hex[:6].upper()}"
    with ThreadPoolExecutor(1) as pool:  # the ERP client's own event loop, beside the browser's
        for sku in (f"{tag}-A", f"{tag}-F"):
            pool.submit(erp_product, stack, sku, None).result()
    a_id = shopify_product(stack, f"{tag}-A", None)
    for _ in range(2):
        shopify_product(stack, f"{tag}-F", None)  # the same SKU twice in the store
    open_tab(page, worker, "loja-vinculos", "historico")
    section = page.get_by_role("region", name="Vincular catálogo por SKU/EAN")
    apply = section.get_by_role("button", name="Aplicar vínculos")
    expect(apply).to_be_disabled()

    section.get_by_role("button", name="Verificar vínculos").click()
    expect(section.locator(".result")).to_contain_text("vínculo(s) a criar")
    conflicts = section.get_by_role("table", name="Conflitos (não serão vinculados)")
    expect(conflicts.get_by_role("row", name=re.compile(f"{tag}-F"))).to_contain_text(
        "SKU repetido"
    )
    to_link = section.get_by_role("table", name="Vínculos a criar")
    expect(to_link.get_by_role("row", name=re.compile(f"{tag}-A"))).to_contain_text(a_id)
    assert api_of(worker, "loja-vinculos", f"/links?q={tag}-A")["links"] == []
    shot(page, "16-vincular-verificacao")

    apply.click()
    expect(section.locator(".result")).to_contain_text(re.compile(r"^\d+ vínculo\(s\) criado"))
    expect(apply).to_be_disabled()
    [link] = api_of(worker, "loja-vinculos", f"/links?q={tag}-A")["links"]  # type: ignore[misc]
    assert (link["erp_id"], link["platform_id"]) == (f"{tag}-A", a_id)
    assert api_of(worker, "loja-vinculos", f"/links?q={tag}-F")["links"] == []
    page.get_by_label(re.compile("Buscar por código")).fill(f"{tag}-A")
    page.get_by_role("button", name="Buscar", exact=True).click()
    expect(page.get_by_role("table", name="Vínculos com o ERP")).to_contain_text(a_id)
    shot(page, "17-vincular-aplicado")


def test_access_is_edited_with_secrets_kept_and_deletion_waits_for_held_events(
    stack: Stack, worker: Worker, page: Page
) -> None:
    create_integration(stack, worker, "loja-excluir", automations={})
    subscribe_orders(stack, worker, "loja-excluir")
    place_store_order(stack, shipping="PAC")
    wait_until(
        lambda: api_of(worker, "loja-excluir", "/held")["count"], 60, "an order held while off"
    )
    base = open_tab(page, worker, "loja-excluir", "acesso")
    token = page.get_by_label("Token de acesso (Admin API)")
    expect(token).to_have_value("")
    expect(token).to_have_attribute("placeholder", re.compile("^definido"))
    expect(page.get_by_label("Domínio da loja (.myshopify.com)")).to_have_value(stack.shop_domain)
    shot(page, "18-acesso")

    page.get_by_label("Nome da integração").fill("Loja Excluir Editada")
    token.fill("shpat_token_errado")
    with page.expect_navigation():  # the page reloads once the change is saved
        page.get_by_role("button", name="Salvar Acesso").click()
    expect(page.get_by_role("heading", name="Loja Excluir Editada")).to_be_visible()
    page.get_by_role("button", name="Testar Conexão").click()
    expect(page.locator("#heading-result")).to_contain_text("recusou as credenciais")
    page.get_by_label("Token de acesso (Admin API)").fill(stack.shopify_token)
    with page.expect_navigation():
        page.get_by_role("button", name="Salvar Acesso").click()
    page.get_by_role("button", name="Testar Conexão").click()
    expect(page.locator("#heading-result")).to_have_text("Conexão estabelecida com sucesso.")
    page.get_by_role("button", name="Salvar Acesso").click()
    expect(page.locator("#acesso .result")).to_have_text("Nada foi alterado.")
    saved = api_of(worker, "loja-excluir")
    assert saved["credentials"]["admin_api_token"] == "set"  # type: ignore[index]
    assert stack.shopify_token not in str(saved)

    expect(page.get_by_text("1 evento(s) retido(s)")).to_be_visible()
    opener = page.get_by_role("button", name="Excluir integração")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Excluir “Loja Excluir Editada”?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancelar")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    opener.click()
    shot(page, "19-excluir-confirmacao")
    dialog.get_by_role("button", name="Excluir definitivamente").click()
    refused = page.locator("#excluir-result")
    expect(refused).to_contain_text("Há eventos retidos para esta integração")
    expect(refused).to_contain_text("(1 evento(s) retido(s))")
    shot(page, "20-excluir-recusada-eventos-retidos")

    refused.get_by_role("link", name="Ir para Automações").click()
    held = page.get_by_role("group", name="Eventos retidos de Importar pedidos de venda")
    held.get_by_role("button", name="Descartar").click()
    expect(page.get_by_text("evento(s) retido(s)")).to_have_count(0)
    page.goto(f"{base}/acesso")
    page.get_by_role("button", name="Excluir integração").click()
    page.get_by_role("button", name="Excluir definitivamente").click()
    expect(page).to_have_url(f"{worker.url}/plataformas")
    expect(page.get_by_role("link", name="Loja Excluir Editada")).to_have_count(0)
    assert worker.api("GET", "/api/v1/integrations/loja-excluir").status_code == 404


def test_ids_the_screen_routes_use_are_refused_with_a_reason(
    stack: Stack, worker: Worker, page: Page
) -> None:
    refused = worker.api(
        "POST",
        "/api/v1/integrations",
        json={"id": "incluir", "platform": "shopify", "name": "X", "access": shopify_access(stack)},
    )
    assert refused.status_code == 400, refused.text
    assert "reserved" in refused.json()["error"]["fields"][0]["message"]

    sign_in(page, worker.url)
    expect(page.get_by_role("heading", name="Plataformas")).to_be_visible()
    page.goto(f"{worker.url}/plataformas/incluir?plataforma=shopify")
    page.get_by_label("Identificador (opcional)").fill("test-connection")
    page.get_by_text("Opções avançadas").click()
    for name, value in shopify_access(stack).items():
        page.locator(f'[name="access.{name}"]').fill(value)
    page.get_by_role("button", name="Salvar").click()
    result = page.locator("#incluir .result")
    expect(result).to_contain_text("Alguns campos não são válidos")
    expect(result).to_contain_text("Identificador (opcional):")
    expect(result).to_contain_text("este identificador é reservado; escolha outro")
    shot(page, "21-incluir-identificador-reservado")
    expect(page).to_have_url(re.compile(r"/plataformas/incluir\?plataforma=shopify$"))

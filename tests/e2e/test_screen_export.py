"""Exportar in a real browser: the catalogue's buttons, categories sent from the ERP to the
Shopify sandbox and followed to the end, one category by its ERP code, and Exportar Marcas
answered at once (Shopify keeps the brand on each product)."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.screen import shot, sign_in
from tests.harness import Stack, Worker
from tests.integration.support import create_integration
from tests.integration.test_jobs import erp_client

pytestmark = pytest.mark.broker

INTEGRATION = "loja-exporta"
CATEGORIES = ["Canecas", "Camisetas"]


def erp_categories(stack: Stack) -> list[str]:
    """Categories made in the ERP through its API; their ERP ids."""

    async def write() -> list[str]:
        async with erp_client(stack) as erp:
            results = await erp.catalog.create_categories([{"nome": n} for n in CATEGORIES])
        assert all(r.ok and r.id for r in results), results
        return [str(r.id) for r in results]

    with ThreadPoolExecutor(1) as thread:  # Playwright's own loop runs on this one
        return thread.submit(asyncio.run, write()).result()


def test_exportar_sends_the_catalogue_and_says_what_the_platform_keeps_on_products(
    stack: Stack, worker: Worker, page: Page
) -> None:
    create_integration(stack, worker, INTEGRATION, automations={})
    ids = erp_categories(stack)
    sign_in(page, worker.url)
    page.goto(f"{worker.url}/plataformas/{INTEGRATION}/exportar")

    for label in ("Produtos", "Categorias", "Marcas", "Atributos"):
        expect(page.get_by_role("button", name=f"Exportar {label}")).to_be_visible()
    shot(page, "20-exportar")

    page.get_by_role("button", name="Exportar Categorias").click()
    row = page.locator("#jobs tbody tr").first
    expect(row.locator(".state")).to_have_text("concluída", timeout=60_000)
    expect(row.locator(".outcome")).to_have_text(re.compile(r"^2 de 2 exportado"))

    page.get_by_label("Tipo").select_option("category")
    page.get_by_label("Código no ERP").fill(ids[0])
    page.get_by_role("button", name="Exportar", exact=True).click()
    row = page.locator("#jobs tbody tr").first
    expect(row.locator(".outcome")).to_have_text(re.compile(r"^1 de 1 exportado"), timeout=60_000)

    page.get_by_role("button", name="Exportar Marcas").click()
    row = page.locator("#jobs tbody tr").first
    expect(row.locator(".title")).to_have_text("Exportar Marcas")
    expect(row.locator(".state")).to_have_text("concluída", timeout=30_000)
    expect(row.locator(".outcome")).to_have_text(
        "A Shopify não tem cadastro de marcas: a marca segue em cada produto."
    )
    shot(page, "21-exportar-concluidas")
    links = worker.api("GET", f"/api/v1/integrations/{INTEGRATION}/links", params={"q": ids[0]})
    assert [link["entity"] for link in links.json()["links"]] == ["category"]

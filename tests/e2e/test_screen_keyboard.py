"""The screen by keyboard alone: a skip link first, then the header, then the page in reading
order; the skip link lands in the page; the arrow menu opens with Enter and closes with Escape
back on its button; a sign-in with the keyboard only."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.screen import ADMIN_PASSWORD, ADMIN_USER, sign_in
from tests.harness import Stack, Worker
from tests.integration.support import create_integration


def focused(page: Page) -> str:
    """The focused element as a person hears it: its accessible name or text."""
    return str(
        page.evaluate(
            "() => { const e = document.activeElement;"
            " return (e.getAttribute('aria-label') || e.textContent || e.value || '').trim(); }"
        )
    )


def test_plataformas_reads_in_order_by_keyboard_alone(
    stack: Stack, worker: Worker, page: Page
) -> None:
    create_integration(stack, worker, "loja-teclado")
    page.goto(f"{worker.url}/plataformas")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_label("Usuário")).to_be_focused()
    page.keyboard.type(ADMIN_USER)
    page.keyboard.press("Tab")
    page.keyboard.type(ADMIN_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Plataformas")).to_be_visible()

    order = []
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(focused(page))

    assert order == [
        "Pular para o conteúdo",
        "Ponte",
        "Plataformas",
        "Sair",
        "Encerrar todas as sessões",
        "Incluir uma Plataforma",
        "Loja loja-teclado",
        "Ações de Loja loja-teclado",
    ], order
    page.keyboard.press("Enter")
    configurar = page.get_by_role("link", name="Configurar")
    expect(configurar).to_be_visible()
    page.keyboard.press("Tab")
    expect(configurar).to_be_focused()
    page.keyboard.press("Escape")
    expect(configurar).to_be_hidden()
    expect(page.get_by_label("Ações de Loja loja-teclado")).to_be_focused()


def test_the_skip_link_takes_the_keyboard_to_the_page(worker: Worker, page: Page) -> None:
    sign_in(page, worker.url)
    expect(page.get_by_role("heading", name="Plataformas")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Pular para o conteúdo")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

"""The browser side of the screen tests: Debian's Chromium driven by Playwright, screenshots.

Chromium is the system's (/usr/bin/chromium, installed by scripts/setup.sh); Playwright never
downloads a browser here.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.harness import Stack

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PONTE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("PONTE_SCREENSHOT_DIR", REPO_ROOT / "var" / "screenshots"))
ADMIN_USER = "admin"
ADMIN_PASSWORD = "senha-da-loja-2026"
SHOPIFY_API = "2026-04"


@contextmanager
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise AssertionError(
            f"{CHROMIUM} is missing: run scripts/setup.sh (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--lang=pt-BR"]
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser) -> Page:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="pt-BR")
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    return page


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot under var/screenshots (or PONTE_SCREENSHOT_DIR)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def clear_screenshots() -> None:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)


def sign_in(page: Page, base_url: str, password: str = ADMIN_PASSWORD) -> None:
    page.goto(f"{base_url}/plataformas")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Usuário").fill(ADMIN_USER)
    page.get_by_label("Senha").fill(password)
    page.get_by_role("button", name="Entrar").click()


def shopify_access(stack: Stack, token: str | None = None) -> dict[str, str]:
    """What the merchant copies from the Shopify app into Incluir uma Plataforma."""
    return {
        "shop_domain": stack.shop_domain,
        "admin_api_token": token or stack.shopify_token,
        "webhook_secret": stack.webhook_secret,
        "base_url": stack.shopify_url,
    }


def shopify(stack: Stack, method: str, path: str, body: object = None) -> dict[str, object]:
    """The store's own Admin API (what the merchant's storefront and back office do)."""
    response = httpx.request(
        method,
        f"{stack.shopify_url}/admin/api/{SHOPIFY_API}{path}",
        headers={"X-Shopify-Access-Token": stack.shopify_token},
        json=body,
        timeout=30,
    )
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def place_store_order(stack: Stack, shipping: str) -> dict[str, object]:
    order = {
        "email": "joana@example.com.br",
        "customer": {"first_name": "Joana", "last_name": "Souza"},
        "line_items": [{"title": "Caneca", "sku": "CAN-01", "price": "39.90", "quantity": 1}],
        "billing_address": {
            "first_name": "Joana",
            "last_name": "Souza",
            "address1": "Rua B, 20",
            "city": "Campinas",
            "province_code": "SP",
            "zip": "13010-000",
            "country_code": "BR",
        },
        "shipping_lines": [{"title": shipping, "price": "20.00", "code": shipping}],
    }
    return dict(shopify(stack, "POST", "/orders.json", {"order": order})["order"])  # type: ignore[arg-type]


def seed_products(stack: Stack, count: int) -> None:
    for n in range(count):
        product = {
            "title": f"Camiseta {n:02d}",
            "vendor": "Ponte",
            "product_type": "Camisetas",
            "variants": [
                {"sku": f"CAM-{n:02d}-{size}", "price": "49.90", "option1": size}
                for size in ("P", "M")
            ],
            "options": [{"name": "Tamanho"}],
        }
        shopify(stack, "POST", "/products.json", {"product": product})


def erp_order(stack: Stack, number: str) -> dict[str, object] | None:
    summary = httpx.get(f"{stack.erp_url}/_sandbox/orders", timeout=5).json()
    found = [o for o in summary["orders"] if o.get("numeroDaOrdemDeCompra") == number]
    return found[0] if found else None

"""The screen's words and pure formatting: error codes in pt-BR, the config log's labels,
dates as dd/mm/aaaa, and the ids the screen's routes reserve."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from engine.integrations import RESERVED_IDS, IntegrationCreate, slug
from engine.web.api_errors import MEANINGS
from engine.web.ui.forms import br_date
from engine.web.ui.versions import compared, path_label, shown_value
from engine.web.ui.words import API_ERRORS

ENGINE = Path(__file__).resolve().parents[2] / "engine"
# Where each error constructor takes its code.
CODE_ARGUMENT = {"ApiError": 1, "Refused": 0, "Refusal": 0, "error_body": 0}


def error_codes() -> set[str]:
    """Every error code the engine can answer with, read from its source."""
    codes = {code for code, _ in MEANINGS.values()} | {"http_error"}
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            at = CODE_ARGUMENT.get(str(name))
            if at is not None and len(node.args) > at:
                argument = node.args[at]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    codes.add(argument.value)
    return codes


def test_every_error_code_of_the_api_has_a_pt_br_sentence() -> None:
    codes = error_codes()

    assert {"invalid", "changed_meanwhile", "held_events", "csrf_token"} <= codes
    missing = sorted(codes - set(API_ERRORS))
    assert missing == [], f"add a pt-BR sentence to engine/web/ui/words.py API_ERRORS: {missing}"
    assert sorted(set(API_ERRORS) - codes) == [], "sentences for codes the engine never sends"


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("settings.stock_buffer", "Configurações / Estoque de segurança"),
        ("settings.field_owner.price", "Configurações / Quem manda em: Preço"),
        ("automations.order_import.enabled", "Automações / Importar pedidos de venda (ligada)"),
        (
            "automations.order_polling.interval_seconds",
            "Automações / Buscar pedidos periodicamente (intervalo (segundos))",
        ),
        ("connection.shop_domain", "Acesso / Domínio da loja (.myshopify.com)"),
        ("credentials.admin_api_token", "Acesso (segredo) / Token de acesso (Admin API)"),
        ("mappings", "Mapeamentos"),
        ("name", "Nome"),
    ],
)
def test_config_log_paths_read_in_the_screens_words(path: str, label: str) -> None:
    assert path_label(path) == label


def test_logged_values_are_shown_plainly_and_sealed_ones_never() -> None:
    assert shown_value(None) == "—"
    assert shown_value(True) == "sim"
    assert shown_value("(sealed)") == "(segredo, não exibido)"
    assert shown_value([]) == "(vazio)"
    assert shown_value({"a": 1}) == '{"a":1}'
    assert len(shown_value("x" * 1000)) == 400


def test_a_comparison_names_a_missing_version() -> None:
    assert compared([], {}) == {"asked": False}
    assert compared([], {"de": "1", "ate": "9"})["problem"].startswith("Versão 1")


def test_dates_are_shown_as_dd_mm_aaaa() -> None:
    assert br_date("2026-11-01") == "01/11/2026"
    assert br_date(date(2026, 2, 3)) == "03/02/2026"
    assert br_date(None) is None
    assert br_date(datetime(2026, 1, 2, tzinfo=UTC).isoformat()).startswith("2026")


@pytest.mark.parametrize("reserved", sorted(RESERVED_IDS))
def test_ids_the_routes_use_cannot_name_an_integration(reserved: str) -> None:
    with pytest.raises(ValidationError, match="reserved"):
        IntegrationCreate(id=reserved, platform="shopify", name="Loja", access={})

    assert slug(reserved) == f"integracao-{reserved}"

"""Field refusals the screen says in pt-BR: the API gives each refused field pydantic's type and
the bound it broke (never the value), and every reason our validators give has a translation."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import BaseModel, Field, SecretStr, ValidationError

from connectors.registry import PLATFORMS
from engine.web.responses import validation_details
from engine.web.ui.words import (
    ERROR_ADVICE,
    FIELD_PROBLEMS,
    FIELDS,
    VALUE_ERRORS,
    record_label,
    status_explained,
)
from schemas.integration import IntegrationSettings
from schemas.parked import ErrorClass

ROOT = Path(__file__).resolve().parents[2]
# Validators of what the screen's forms send: access fields, Configurações, new integrations.
FORM_VALIDATORS = [
    *sorted((ROOT / "connectors").glob("*/settings.py")),
    ROOT / "connectors" / "urls.py",
    ROOT / "engine" / "integrations.py",
    ROOT / "engine" / "configuration.py",
]


class Shop(BaseModel):
    name: str = Field(min_length=3)
    buffer: int = Field(ge=0)
    guard: float = Field(le=100)
    token: SecretStr


def refusals(body: dict[str, object]) -> list[dict[str, str]]:
    with pytest.raises(ValidationError) as refused:
        Shop.model_validate(body)
    return validation_details(refused.value)


def test_each_refused_field_carries_its_type_and_limit_but_never_its_value() -> None:
    details = refusals({"name": "ab", "buffer": -7, "guard": 250.5})

    assert details == [
        {
            "field": "name",
            "message": "String should have at least 3 characters",
            "type": "string_too_short",
            "limit": "3",
        },
        {
            "field": "buffer",
            "message": "Input should be greater than or equal to 0",
            "type": "greater_than_equal",
            "limit": "0",
        },
        {
            "field": "guard",
            "message": "Input should be less than or equal to 100",
            "type": "less_than_equal",
            "limit": "100.0",
        },
        {"field": "token", "message": "Field required", "type": "missing"},
    ]
    assert "-7" not in str(details) and "250.5" not in str(details)


def test_every_kind_of_refusal_above_has_a_pt_br_reason() -> None:
    for detail in refusals({"name": "ab", "buffer": -7, "guard": 250.5}):
        assert detail["type"] in FIELD_PROBLEMS


def reasons_in(path: Path) -> list[str]:
    """The literal text of every ``raise ValueError(...)`` and field "message" in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            name = getattr(node.exc.func, "id", None)
            if name == "ValueError" and node.exc.args:
                found.append(literal_start(node.exc.args[0]))
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "message":
                    found.append(literal_start(value))
    return [text for text in found if text]


def literal_start(node: ast.expr) -> str:
    """The text of a string, or the literal part of an f-string up to its first value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
        return max(parts, key=len, default="").strip()
    return ""


@pytest.mark.parametrize("path", FORM_VALIDATORS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_reason_a_form_validator_gives_has_a_pt_br_translation(path: Path) -> None:
    for reason in reasons_in(path):
        assert any(english in reason for english in VALUE_ERRORS), (
            f"{reason!r} has no pt-BR translation in words.VALUE_ERRORS"
        )


def test_pt_br_reasons_name_their_limit_where_they_have_one() -> None:
    for kind in ("string_too_short", "greater_than_equal", "less_than_equal", "too_long"):
        assert "{limit}" in FIELD_PROBLEMS[kind]


def test_every_error_class_tells_the_merchant_what_to_do() -> None:
    assert set(ERROR_ADVICE) == {kind.value for kind in ErrorClass}


def test_records_are_named_by_their_kind_in_pt_br() -> None:
    assert record_label("order:4501") == "Pedido 4501"
    assert record_label("stock:CAM-01:P") == "Estoque CAM-01:P"
    assert record_label("product:CAM-01") == "Produto CAM-01"
    assert record_label("mystery:7") == "mystery:7"
    assert record_label("no-kind") == "no-kind"


def test_a_paused_or_stopped_integration_is_explained_in_pt_br() -> None:
    stopped = status_explained("error", "AuthError: 401 from the platform")
    paused = status_explained("paused", "paused by admin")

    assert stopped.startswith("A Ponte parou esta integração")
    assert stopped.endswith("Detalhe técnico: AuthError: 401 from the platform")
    assert (
        paused == "Pausada: os eventos ficam retidos até você clicar em Retomar. Pausada por admin."
    )
    assert status_explained("paused", None).endswith("Retomar.")
    assert status_explained("active", None) == ""


def test_every_field_a_form_shows_has_a_pt_br_label() -> None:
    models = [IntegrationSettings] + [
        model
        for spec in PLATFORMS.values()
        for model in (spec.settings, spec.extras)
        if model is not None
    ]
    shown_apart = {"field_owner"}  # Quem manda em cada campo: one select per owned field
    for model in models:
        unlabelled = set(model.model_fields) - set(FIELDS) - shown_apart
        assert not unlabelled, f"{model.__name__}: no pt-BR label for {sorted(unlabelled)}"


def test_times_are_shown_in_brasilia_time() -> None:
    from datetime import UTC, datetime

    from engine.web.ui.versions import shown_time

    assert shown_time(datetime(2026, 1, 15, 1, 30, tzinfo=UTC)) == "14/01/2026 22:30 (Brasília)"
    assert shown_time(None) == "—"
